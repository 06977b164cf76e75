"""What a search index outside the database (Elasticsearch) reads: documents to index, operator
values resolved to ids, facet labels. The database stays the system of record.

``from:`` is resolved with ``filter_clause`` itself, so it means exactly what it means to the
SQLite backend.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from backchannel.records import PersonRef, SearchFilters
from backchannel.store.reads import entity_key, filter_clause, in_chunks

#: A topic is searchable and shown unless it is grey (sensitive) or hidden by an admin.
_SEARCHABLE = "e.grey = 0 AND e.id NOT IN (SELECT entity_id FROM hidden_topics)"


class IndexDocumentQueries:
    db: sqlite3.Connection

    def author_ids(self, authors: Sequence[str]) -> tuple[int, ...]:
        """People any of ``authors`` names: an identity key, a Slack user id or part of a name."""
        where, params = filter_clause(SearchFilters(authors=tuple(authors)), alias="m")
        rows = self.db.execute(
            f"SELECT m.author_id FROM (SELECT id AS author_id FROM people) m WHERE 1{where} ORDER BY 1",
            params,
        )
        return tuple(int(r[0]) for r in rows)

    def topic_ids(self, topic: str) -> tuple[str, ...]:
        """Searchable entities ``topic`` names by id or title (any case); none when it names nothing."""
        rows = self.db.execute(
            f"SELECT e.id FROM entities e WHERE (e.id = ? OR e.title = ? COLLATE NOCASE) AND {_SEARCHABLE} "
            "ORDER BY e.id",
            (entity_key(topic), topic.strip()),
        )
        return tuple(str(r[0]) for r in rows)

    def topic_titles(self, ids: Sequence[str]) -> dict[str, str]:
        """Titles of those of ``ids`` that are searchable topics now."""
        out: dict[str, str] = {}
        for chunk, marks in in_chunks(list(ids)):
            for row in self.db.execute(
                f"SELECT e.id, e.title FROM entities e WHERE e.id IN ({marks}) AND {_SEARCHABLE}", chunk
            ):
                out[str(row[0])] = str(row[1])
        return out

    def people_refs(self, ids: Sequence[int]) -> dict[int, PersonRef]:
        out: dict[int, PersonRef] = {}
        for chunk, marks in in_chunks(list(ids)):
            for row in self.db.execute(
                f"SELECT id, name, primary_key FROM people WHERE id IN ({marks})", chunk
            ):
                out[int(row[0])] = PersonRef(int(row[0]), row[1] or row[2], row[2])
        return out

    def built_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM messages WHERE built_at IS NOT NULL").fetchone()[0])

    def built_messages(self, batch: int = 500) -> Iterator[list[sqlite3.Row]]:
        """Every built message with its source's name and author, ``batch`` at a time, by id.

        Only scrubbed columns are read: ``authored`` (what FTS5 indexes), never ``raw_body``.
        """
        after = ""
        while True:
            rows = self.db.execute(
                "SELECT m.id, m.thread_id, m.kind, m.container, m.author_id, m.ts, m.subject, m.authored, "
                "m.visibility, m.attachments, m.native_id, m.locator, s.name AS source_name, "
                "p.name AS author_name, p.primary_key AS author_key "
                "FROM messages m JOIN sources s ON s.id = m.source_id JOIN people p ON p.id = m.author_id "
                "WHERE m.built_at IS NOT NULL AND m.id > ? ORDER BY m.id LIMIT ?",
                (after, batch),
            ).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1]["id"]

    def access_lists(self, ids: Sequence[str]) -> dict[str, list[int]]:
        """Message id -> the people who may read it (``message_access``; empty for public messages)."""
        out: dict[str, list[int]] = {}
        for chunk, marks in in_chunks(list(ids)):
            for mid, pid in self.db.execute(
                f"SELECT message_id, person_id FROM message_access WHERE message_id IN ({marks}) "
                "ORDER BY message_id, person_id",
                chunk,
            ):
                out.setdefault(str(mid), []).append(int(pid))
        return out

    def linked_topics(self, ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Message id -> {entity id: title} of the searchable topics linked in it."""
        out: dict[str, dict[str, str]] = {}
        for chunk, marks in in_chunks(list(ids)):
            for mid, eid, title in self.db.execute(
                f"SELECT DISTINCT mn.message_id, e.id, e.title FROM mentions mn "
                f"JOIN entities e ON e.id = mn.entity_id WHERE mn.message_id IN ({marks}) AND {_SEARCHABLE} "
                "ORDER BY mn.message_id, e.id",
                chunk,
            ):
                out.setdefault(str(mid), {})[str(eid)] = str(title)
        return out

    def identity_keys_of(self, person_ids: Sequence[int]) -> dict[int, list[str]]:
        """Person id -> every key the person is known by (addresses, Slack ids)."""
        out: dict[int, list[str]] = {}
        for chunk, marks in in_chunks(list(set(person_ids))):
            for pid, key in self.db.execute(
                f"SELECT person_id, key FROM identities WHERE person_id IN ({marks}) ORDER BY key", chunk
            ):
                out.setdefault(int(pid), []).append(str(key))
        return out

    def message_vectors(self, model: str, ids: Sequence[str]) -> dict[str, bytes]:
        """Message id -> float16 vector bytes made by ``model``, for those that have one."""
        out: dict[str, bytes] = {}
        for chunk, marks in in_chunks(list(ids)):
            for mid, blob in self.db.execute(
                f"SELECT message_id, vector FROM message_vectors WHERE model = ? AND message_id IN ({marks})",
                (model, *chunk),
            ):
                out[str(mid)] = bytes(blob)
        return out
