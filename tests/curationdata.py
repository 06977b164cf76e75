"""Messages with chosen mentions, written through the Store API (no spaCy), for the
emerging-topic and curation tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backchannel.records import Address, BuiltMessage, Entity, Mention, RawMessage, Visibility
from backchannel.store import Store

ENRON = Entity("enron", "Enron", "American energy company", "organization")
LAY = Entity("kenneth_lay", "Kenneth Lay", "American businessman", "person")
_T0 = datetime(2001, 5, 1, 9, 0, tzinfo=UTC)


def add_message(
    store: Store,
    root: Path,
    n: int,
    author: str,
    body: str,
    links: dict[str, Entity | None],
    *,
    thread: str | None = None,
    score: float = 0.9,
    authored: str | None = None,
) -> str:
    """Save a built public message ``n`` by ``author`` whose every occurrence of each
    ``links`` key is a mention of that entity (None: unlinked, score 0.1)."""
    mid = f"mail:{n}"
    raw = RawMessage(
        id=mid,
        source="maildir",
        locator=f"inbox/{n}",
        container="inbox",
        author=Address(author, author.split("@")[0].replace(".", " ").title()),
        timestamp=_T0 + timedelta(days=n),
        body=body,
        subject=f"note {n}",
        thread_key=thread or f"thread-{n}",
        visibility=Visibility.PUBLIC,
    )
    with store.transaction():
        store.add_raw(store.source_id("maildir", root), raw)
    mentions = [
        Mention(m.start(), m.end(), text, e.title if e else None, score if e else 0.1, "ORG")
        for text, e in links.items()
        for m in re.finditer(re.escape(text), body)
    ]
    store.save_built(
        BuiltMessage(
            id=mid,
            subject=raw.subject,
            body=body,
            authored=body if authored is None else authored,
            mentions=sorted(mentions, key=lambda m: m.start),
            entities=[e for e in links.values() if e],
            detector_counts={},
        )
    )
    return mid


def mentions_of(store: Store, entity_id: str) -> list[tuple[str, str]]:
    """(message id, text) of every mention of ``entity_id``, in order."""
    return [
        (mid, str(r["text"]))
        for mid, rows in sorted(store.mention_spans().items())
        for r in sorted(rows, key=lambda r: r["start"])
        if r["entity_id"] == entity_id
    ]
