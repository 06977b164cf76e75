"""Semantic search vectors: embed what authors wrote, and find the nearest messages.

What is embedded is the subject and the *authored* text (quotes and
signatures already cut by the build, personal data already scrubbed),
clipped to :data:`EMBED_CHARS`: MiniLM's cost grows with length, and the
first few sentences say what a mail is about. Texts are embedded in
length-sorted batches, and a text already embedded (the same mail sent
twice) reuses its vector by content hash.

The index is exact: one float32 matrix of every vector, searched with one
matrix-vector product (9,300 Enron messages: well under a millisecond). It
is loaded from the store on first use and reloaded when the store's vectors
change.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from backchannel.progress import progress_bar

if TYPE_CHECKING:
    from backchannel.store import Store

log = logging.getLogger(__name__)

#: What made the vectors (and how): a change here means every message is embedded again.
MODEL = "all-minilm-l6-v2:subject+authored:300"
#: Characters of subject + authored text embedded (about 54 word pieces on Enron mail). On the
#: relevance set 300 scored as well as 600 (bench/RESULTS.md) and embeds 1.4x faster.
EMBED_CHARS = 300
#: Texts per forward pass. On the 2-core CPU, 8-16 ran at ~56 texts/s and 64 at ~30 (padding
#: and cache effects), so small batches, each of similar lengths (the input is length-sorted).
BATCH = 16
Encoder = Callable[[Sequence[str]], np.ndarray]


def search_text(subject: str | None, authored: str | None) -> str:
    """The text a message's vector is made of."""
    text = " ".join(f"{subject or ''}\n{authored or ''}".split())
    return text[:EMBED_CHARS]


def content_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{text}".encode()).hexdigest()


def default_encoder() -> Encoder:
    from nlp.embed import embed

    return lambda texts: embed(texts, batch_size=BATCH)


def index_vectors(store: Store, *, encode: Encoder | None = None, quiet: bool = False) -> int:
    """Embed every built message that has no vector yet; returns how many were embedded."""
    todo = store.count_to_embed(MODEL)
    if not todo:
        return 0
    encode = encode or default_encoder()
    done = 0
    with progress_bar(todo, "vectors", quiet=quiet) as bar:
        while rows := store.texts_to_embed(MODEL, limit=1000):
            texts = [search_text(r["subject"], r["authored"]) for r in rows]
            hashes = [content_hash(t) for t in texts]
            known = store.vectors_by_hash(MODEL, hashes)
            new = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
            fresh = sorted(new.items(), key=lambda x: len(x[1]))  # similar lengths batch with little padding
            if fresh:
                vecs = encode([t for _, t in fresh]).astype(np.float16)
                known.update({h: v.tobytes() for (h, _), v in zip(fresh, vecs, strict=True)})
            store.save_vectors(MODEL, [(r["id"], h, known[h]) for r, h in zip(rows, hashes, strict=True)])
            done += len(rows)
            bar.update(len(rows))
    log.info("embedded %d messages", done)
    return done


class VectorIndex:
    """Exact nearest-neighbour search over one database's message vectors.

    One per database per process (:func:`index_for`); the store is passed to
    each call, so a web request's own connection is used.
    """

    def __init__(self, encode: Encoder | None = None) -> None:
        self._encode = encode
        self._stamp: tuple[int, int] | None = None
        self._ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def nearest(self, store: Store, query: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` message ids most similar to ``query``, best first, with cosine similarities.

        No access filtering here: callers keep only what the viewer may read
        (``Store.hits_among``) and never show a score or count of the rest.
        """
        self._refresh(store)
        if not self._ids or not query.strip():
            return []
        encode = self._encode or default_encoder()
        vec = encode([query[:EMBED_CHARS]])[0].astype(np.float32)
        scores = self._matrix @ vec
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top]

    def _refresh(self, store: Store) -> None:
        stamp = store.vectors_stamp(MODEL)
        if stamp == self._stamp:
            return
        ids, blobs = [], []
        for mid, blob in store.vector_rows(MODEL):
            ids.append(mid)
            blobs.append(blob)
        if ids:
            self._matrix = (
                np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(ids), -1).astype(np.float32)
            )
        else:
            self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._ids = ids
        self._stamp = stamp


_INDEXES: dict[str, VectorIndex] = {}


def index_for(store: Store) -> VectorIndex:
    """This process's index of ``store``'s database."""
    return _INDEXES.setdefault(str(store.path), VectorIndex())
