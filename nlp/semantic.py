"""MiniLM similarity between a mention's context and each candidate's description.

The word-overlap context score in :mod:`nlp.linker` needs a shared word;
this one does not ("the rattlesnake exhibit" is near "Python (genus):
genus of snakes"). It costs a transformer pass, so the linker asks for it only
where the cheap signals leave a mention ambiguous (see
:data:`nlp.linker.SEMANTIC_MARGIN`), and on short texts: a window of words
around the mention, and an entity's title plus description (see :func:`describable`).

Entity vectors are computed once per entity and kept in a SQLite file beside
the KB cache (float16, 768 bytes each), so a rebuild or another process reuses
them. Vectors are unit length: a dot product is the cosine similarity.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from nlp.kb import Candidate

log = logging.getLogger(__name__)

#: Bump when what an entity vector is made of changes: old cache rows are then ignored.
VECTOR_VERSION = "minilm-l6-v2:title+description:2"
Encoder = Callable[[Sequence[str]], np.ndarray]


def describable(cand: Candidate) -> bool:
    """Whether an entity says enough to embed: a description, or a qualified title ("Mercury (planet)")."""
    return bool(cand.description) or "(" in cand.title


def entity_text(title: str, description: str) -> str:
    """What an entity vector encodes: "Python (genus): genus of snakes"."""
    return f"{title}: {description}" if description else title


class SemanticContext:
    """Cosine similarities of a context text to candidates, with cached entity vectors."""

    def __init__(self, encode: Encoder, cache_path: Path | None = None) -> None:
        self._encode = encode
        self._memory: dict[str, np.ndarray] = {}
        self._db: sqlite3.Connection | None = None
        if cache_path is not None:
            self._db = _open_cache(cache_path)
        self.encoded_contexts = 0
        self.encoded_entities = 0

    @classmethod
    def with_minilm(cls, cache_path: Path | None = None) -> SemanticContext:
        """The production encoder (``nlp.embed``), loaded on first use."""
        from nlp.embed import embed

        return cls(lambda texts: embed(texts, batch_size=64), cache_path)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def similarities(
        self, contexts: Sequence[str], candidates: Sequence[Sequence[Candidate]]
    ) -> list[list[float]]:
        """For each context, its cosine similarity to each candidate (0.0 where not :func:`describable`).

        All contexts and all missing entity vectors go through the encoder in
        two batched calls, whatever the number of mentions.
        """
        if not contexts:
            return []
        self._ensure([c for cands in candidates for c in cands if describable(c)])
        ctx = self._encode(list(contexts))
        self.encoded_contexts += len(contexts)
        out = []
        for vec, cands in zip(ctx, candidates, strict=True):
            row = []
            for cand in cands:
                ent = self._memory.get(cand.entity_id) if describable(cand) else None
                row.append(float(np.dot(vec, ent.astype(np.float32))) if ent is not None else 0.0)
            out.append(row)
        return out

    def _ensure(self, cands: Sequence[Candidate]) -> None:
        wanted = {c.entity_id: c for c in cands if c.entity_id not in self._memory}
        if not wanted:
            return
        if self._db is not None:
            ids = list(wanted)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for eid, blob in self._db.execute(
                    f"SELECT entity_id, vector FROM vectors WHERE version = ? AND entity_id IN ({marks})",
                    [VECTOR_VERSION, *chunk],
                ):
                    self._memory[eid] = np.frombuffer(blob, dtype=np.float16)
                    wanted.pop(eid, None)
        if not wanted:
            return
        todo = list(wanted.values())
        vecs = self._encode([entity_text(c.title, c.description) for c in todo]).astype(np.float16)
        self.encoded_entities += len(todo)
        for cand, vec in zip(todo, vecs, strict=True):
            self._memory[cand.entity_id] = vec
        if self._db is not None:
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                        [(c.entity_id, VECTOR_VERSION, v.tobytes()) for c, v in zip(todo, vecs, strict=True)],
                    )
            except sqlite3.OperationalError as exc:  # another process holds the lock: keep them in memory
                log.debug("entity vectors not cached on disk this time: %s", exc)


def _open_cache(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=5, check_same_thread=False)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS vectors ("
        " entity_id TEXT NOT NULL, version TEXT NOT NULL, vector BLOB NOT NULL,"
        " PRIMARY KEY (entity_id, version))"
    )
    return db
