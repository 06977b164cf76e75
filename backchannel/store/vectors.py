"""Message vectors for semantic search: the store keeps them; ``backchannel.vectors`` makes and searches them.

A vector belongs to a message's built text: rebuilding or deleting the
message deletes its vector (``core.save_built``, ``sources.delete_messages``),
and the next build or ``backchannel reindex`` embeds it again. Vectors are
float16, unit length; ``model`` names what made them, so a new model means
new vectors rather than a mixed index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from backchannel.records import SearchFilters, Viewer
from backchannel.store.reads import HIT_COLUMNS, HIT_JOINS, filter_clause, in_chunks, visible_clause


class VectorQueries:
    db: sqlite3.Connection

    def texts_to_embed(self, model: str, limit: int = 1000) -> list[sqlite3.Row]:
        """Built messages with no vector from ``model``: (id, subject, authored)."""
        return self.db.execute(
            "SELECT m.id, m.subject, m.authored FROM messages m "
            "LEFT JOIN message_vectors v ON v.message_id = m.id AND v.model = ? "
            "WHERE m.built_at IS NOT NULL AND v.message_id IS NULL ORDER BY m.id LIMIT ?",
            (model, limit),
        ).fetchall()

    def count_to_embed(self, model: str) -> int:
        return int(
            self.db.execute(
                "SELECT count(*) FROM messages m LEFT JOIN message_vectors v "
                "ON v.message_id = m.id AND v.model = ? "
                "WHERE m.built_at IS NOT NULL AND v.message_id IS NULL",
                (model,),
            ).fetchone()[0]
        )

    def vectors_by_hash(self, model: str, hashes: Iterable[str]) -> dict[str, bytes]:
        """Vectors already made for the same text (a copy, a re-sent mail): hash -> vector."""
        out: dict[str, bytes] = {}
        for chunk, marks in in_chunks(list(set(hashes))):
            for digest, blob in self.db.execute(
                "SELECT content_hash, vector FROM message_vectors "
                f"WHERE model = ? AND content_hash IN ({marks})",
                (model, *chunk),
            ):
                out[str(digest)] = bytes(blob)
        return out

    def save_vectors(self, model: str, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """(message id, content hash, float16 bytes) rows, in one transaction."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO message_vectors (message_id, content_hash, model, vector) "
                "VALUES (?, ?, ?, ?)",
                [(mid, digest, model, blob) for mid, digest, blob in rows],
            )

    def drop_vectors(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM message_vectors")

    def vector_rows(self, model: str) -> Iterator[tuple[str, bytes]]:
        """Every (message id, vector) of ``model``, for loading the index."""
        for mid, blob in self.db.execute(
            "SELECT message_id, vector FROM message_vectors WHERE model = ? ORDER BY rowid", (model,)
        ):
            yield str(mid), bytes(blob)

    def vector_blobs(
        self, model: str, after: int = 0, upto: int | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, bytes]]:
        """(rowid, vector) of ``model``'s vectors, after < rowid <= upto, by rowid (the HNSW keys)."""
        for rowid, blob in self.db.execute(
            "SELECT rowid, vector FROM message_vectors WHERE rowid > ? AND rowid <= ? AND model = ? "
            "ORDER BY rowid LIMIT ?",
            (after, upto if upto is not None else 2**63 - 1, model, -1 if limit is None else limit),
        ):
            yield int(rowid), bytes(blob)

    def vectors_after(self, model: str, after: int, upto: int | None = None) -> int:
        """How many of ``model``'s vectors have after < rowid <= upto."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM message_vectors WHERE rowid > ? AND rowid <= ? AND model = ?",
                (after, upto if upto is not None else 2**63 - 1, model),
            ).fetchone()[0]
        )

    def vector_ids(self, rowids: list[int]) -> dict[int, str]:
        """message_vectors rowid -> message id, for those of ``rowids`` that still exist."""
        out: dict[int, str] = {}
        for chunk, marks in in_chunks(rowids):
            out.update(
                (int(r), str(m))
                for r, m in self.db.execute(
                    f"SELECT rowid, message_id FROM message_vectors WHERE rowid IN ({marks})", tuple(chunk)
                )
            )
        return out

    def vectors_generation(self) -> int:
        """A number every change to message_vectors moves (triggers): one row read, for each query."""
        return int(self.db.execute("SELECT n FROM vector_generation WHERE id = 1").fetchone()[0])

    def vectors_stamp(self, model: str) -> tuple[int, int]:
        """(count, last rowid) of ``model``'s vectors: changes whenever the index must reload."""
        row = self.db.execute(
            "SELECT count(*), coalesce(max(rowid), 0) FROM message_vectors WHERE model = ?", (model,)
        ).fetchone()
        return int(row[0]), int(row[1])

    def ids_matching(self, match: str, ids: list[str]) -> set[str]:
        """Those of ``ids`` whose indexed text matches the FTS5 expression ``match``."""
        out: set[str] = set()
        for chunk, marks in in_chunks(ids):
            out.update(
                str(r[0])
                for r in self.db.execute(
                    "SELECT message_id FROM messages_fts "
                    f"WHERE messages_fts MATCH ? AND message_id IN ({marks})",
                    (match, *chunk),
                )
            )
        return out

    def readable_vectors(
        self, viewer: Viewer, rowids: Sequence[int], filters: SearchFilters | None = None
    ) -> dict[int, tuple[str, float]]:
        """message_vectors rowid -> (message id, timestamp), for those of ``rowids`` whose
        message the viewer may read and the filters keep (:meth:`readable_among` by vector)."""
        vis, vparams = visible_clause(viewer)
        extra, fparams = filter_clause(filters or SearchFilters())
        out: dict[int, tuple[str, float]] = {}
        for chunk, marks in in_chunks(rowids):
            out.update(
                (int(key), (str(mid), float(ts)))
                for key, mid, ts in self.db.execute(
                    "SELECT v.rowid, m.id, m.ts FROM message_vectors v "
                    f"JOIN messages m ON m.id = v.message_id WHERE v.rowid IN ({marks}) AND {vis}{extra}",
                    (*chunk, *vparams, *fparams),
                )
            )
        return out

    def hits_among(
        self, viewer: Viewer, ids: list[str], filters: SearchFilters | None = None
    ) -> dict[str, sqlite3.Row]:
        """Hit rows for those of ``ids`` the viewer may read and the filters keep (order not kept)."""
        vis, vparams = visible_clause(viewer)
        extra, fparams = filter_clause(filters or SearchFilters())
        out: dict[str, sqlite3.Row] = {}
        for chunk, marks in in_chunks(ids):
            params: tuple[Any, ...] = (*chunk, *vparams, *fparams)
            for row in self.db.execute(
                f"SELECT {HIT_COLUMNS}, 0.0 AS rank, substr(m.body, 1, 240) AS snippet, "
                f"m.subject AS subject_marked FROM messages m {HIT_JOINS} "
                f"WHERE m.id IN ({marks}) AND {vis}{extra}",
                params,
            ):
                out[str(row["id"])] = row
        return out
