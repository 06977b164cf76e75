"""Message documents: one per built message, made of scrubbed text and what search filters on.

A document never holds raw text (``raw_body``) or attachment text beyond what
the build scrubbed into ``authored``; it carries the message's access list so
every query can be filtered by who may read it.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from backchannel.records import SOURCE_GROUPS
from backchannel.store import Store
from backchannel.vectors import MODEL

_GROUP_OF = {kind: group for group, kinds in SOURCE_GROUPS.items() for kind in kinds}


def document(
    row: sqlite3.Row,
    *,
    access: Sequence[int],
    topics: Mapping[str, str],
    author_keys: Sequence[str],
    vector: bytes | None,
) -> dict[str, Any]:
    """The document of one message (a row of ``Store.built_messages``)."""
    doc: dict[str, Any] = {
        "message_id": row["id"],
        "thread_id": row["thread_id"],
        "kind": row["kind"],
        "source_group": _GROUP_OF.get(row["kind"], row["kind"]),
        "container": row["container"],
        "author_id": row["author_id"],
        "author_keys": list(author_keys),
        "author_name": row["author_name"] or row["author_key"],
        "subject": row["subject"] or "",
        "body": row["authored"] or "",
        "ts": math.floor(row["ts"] * 1000),
        "visibility": row["visibility"],
        "access": list(access),
        "topics": list(topics),
        "topic_titles": list(topics.values()),
        "has_attachment": row["attachments"] != "[]",
        "native_id": row["native_id"],
        "locator": row["locator"],
    }
    if row["source_name"]:
        doc["source"] = row["source_name"]
    if vector is not None:
        doc["vector"] = np.frombuffer(vector, dtype=np.float16).astype(np.float32).tolist()
    return doc


def documents(store: Store, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every built message's document, reading the store ``batch`` messages at a time."""
    for rows in store.built_messages(batch):
        ids = [r["id"] for r in rows]
        access = store.access_lists(ids)
        topics = store.linked_topics(ids)
        keys = store.identity_keys_of([r["author_id"] for r in rows])
        vectors = store.message_vectors(MODEL, ids)
        for row in rows:
            yield document(
                row,
                access=access.get(row["id"], ()),
                topics=topics.get(row["id"], {}),
                author_keys=keys.get(row["author_id"], ()),
                vector=vectors.get(row["id"]),
            )
