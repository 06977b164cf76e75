"""Facet counts and "did you mean" for search, always under the viewer's access.

A facet counts the messages a query matches *that the viewer may read*: the
scope is one SQL query with the same access and operator clauses as the hits,
so a count can never reveal a private channel, DM or mail. Suggestions are
taken from the index vocabulary only when a message the viewer may read
contains the suggested word, and the word is returned as it is written there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backchannel.records import SearchFilters, Viewer
from backchannel.store.reads import MARK_CLOSE, MARK_OPEN, filter_clause, visible_clause

#: Values kept per facet (the most frequent).
FACET_VALUES = 10


@dataclass(frozen=True)
class FacetRow:
    facet: str  # "source" (connector kind), "container", "person", "topic", "year"
    key: str  # kind; kind + "\0" + container; person's primary key; entity id; year
    label: str
    count: int


class FacetQueries:
    db: sqlite3.Connection

    def facet_counts(
        self, viewer: Viewer, filters: SearchFilters, ids: Sequence[str] | None = None
    ) -> tuple[int, list[FacetRow]]:
        """(total, facet rows) over the messages the viewer may read among ``ids`` (the query's
        matches), or, with ``ids`` None, over every message the operators keep.

        The access and operator clauses are applied here too, whatever ``ids`` holds.
        """
        vis, vparams = visible_clause(viewer)
        extra, fparams = filter_clause(filters)
        params: list[Any] = [*vparams, *fparams]
        matched = ""
        if ids is not None:
            matched = f" AND m.id IN ({','.join('?' * len(ids))})" if ids else " AND 0"
            params += list(ids)
        scope = (
            f"SELECT m.id, m.kind, m.container, m.author_id, m.ts FROM messages m WHERE {vis}{extra}{matched}"
        )
        rows = self.db.execute(
            f"WITH scope AS MATERIALIZED ({scope}) "
            "SELECT 'total', '', '', count(*) FROM scope "
            "UNION ALL SELECT 'source', kind, kind, count(*) FROM scope GROUP BY kind "
            "UNION ALL SELECT * FROM (SELECT 'container', kind || char(0) || container, container, "
            f"count(*) AS n FROM scope GROUP BY kind, container ORDER BY n DESC LIMIT {FACET_VALUES}) "
            "UNION ALL SELECT * FROM (SELECT 'person', p.primary_key, coalesce(p.name, p.primary_key), "
            "count(*) AS n FROM scope JOIN people p ON p.id = scope.author_id GROUP BY p.id "
            f"ORDER BY n DESC LIMIT {FACET_VALUES}) "
            # Count per entity id first, then look up the few hundred entities (2.4x faster than
            # joining entities for every mention).
            "UNION ALL SELECT * FROM (SELECT 'topic', e.id, e.title, t.n FROM "
            "(SELECT mn.entity_id, count(DISTINCT mn.message_id) AS n FROM scope "
            "JOIN mentions mn ON mn.message_id = scope.id WHERE mn.entity_id IS NOT NULL "
            "GROUP BY mn.entity_id) t JOIN entities e ON e.id = t.entity_id "
            "WHERE e.grey = 0 AND e.id NOT IN (SELECT entity_id FROM hidden_topics) "
            f"ORDER BY t.n DESC LIMIT {FACET_VALUES}) "
            "UNION ALL SELECT 'year', y, y, count(*) FROM "
            "(SELECT strftime('%Y', ts, 'unixepoch') AS y FROM scope) GROUP BY y",
            params,
        ).fetchall()
        total = 0
        out: list[FacetRow] = []
        for facet, key, label, count in rows:
            if facet == "total":
                total = int(count)
            else:
                out.append(FacetRow(facet, str(key), str(label), int(count)))
        return total, out

    def vocabulary(self, min_docs: int = 1) -> list[tuple[str, int]]:
        """Indexed terms (Porter stems) found in at least ``min_docs`` messages, with their counts.

        Operator data: callers must not show a term unless :meth:`surface_forms`
        finds it in a message the viewer may read.
        """
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, messages_fts, 'row')"
        )
        return [
            (str(t), int(n))
            for t, n in self.db.execute("SELECT term, doc FROM temp.fts_vocab WHERE doc >= ?", (min_docs,))
        ]

    def vocabulary_stamp(self) -> tuple[int, int]:
        """Changes whenever the indexed text may have changed (reload a cached vocabulary)."""
        # The docsize table has a row per indexed message: counting the FTS table itself
        # walks its whole content (0.5 s at 500,000 messages, against 2 ms).
        row = self.db.execute("SELECT count(*), coalesce(max(id), 0) FROM messages_fts_docsize").fetchone()
        return int(row[0]), int(row[1])

    def indexed_count(self) -> int:
        """How many messages the full-text index holds."""
        return self.vocabulary_stamp()[0]

    def word_counts(self, words: Sequence[str], cap: int) -> dict[str, int]:
        """How many indexed messages hold each of ``words`` (lower case keys; matched as the
        index matches: by stem, phrases as phrases), counted up to ``cap``.

        The cap keeps this cheap (about 1 ms per 10,000 messages counted); ``fts5vocab``
        counts exactly but reads a word's whole posting list (0.1 s for a query of common
        words at 500,000 messages). Operator data: callers decide with it, never show it.
        """
        return {
            w.casefold(): int(
                self.db.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)",
                    (f'"{w}"', cap),
                ).fetchone()[0]
            )
            for w in words
        }

    def surface_forms(self, viewer: Viewer, term: str, limit: int = 5) -> set[str]:
        """How ``term`` is written (lower case) in up to ``limit`` messages the viewer may read."""
        vis, vparams = visible_clause(viewer)
        rows = self.db.execute(
            f"SELECT highlight(messages_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}'), "
            f"highlight(messages_fts, 2, '{MARK_OPEN}', '{MARK_CLOSE}') "
            "FROM messages_fts JOIN messages m ON m.id = messages_fts.message_id "
            f"WHERE messages_fts MATCH ? AND {vis} LIMIT ?",
            (f'"{term}"', *vparams, limit),
        ).fetchall()
        forms: set[str] = set()
        for row in rows:
            for marked in row:
                start = (marked or "").find(MARK_OPEN)
                if start >= 0:
                    forms.add(marked[start + 1 : marked.find(MARK_CLOSE, start)].casefold())
                    break
        return forms

    def stems(self, words: list[str]) -> dict[str, str]:
        """Each word's stem under the index's own tokenizer (a scratch FTS5 table in ``temp``)."""
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_scratch USING fts5(w, tokenize='porter unicode61')"
        )
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_terms "
            "USING fts5vocab(temp, stem_scratch, 'instance')"
        )
        self.db.execute("DELETE FROM temp.stem_scratch")
        self.db.executemany("INSERT INTO temp.stem_scratch (rowid, w) VALUES (?, ?)", list(enumerate(words)))
        found = self.db.execute("SELECT term, doc FROM temp.stem_terms").fetchall()
        self.db.execute("DELETE FROM temp.stem_scratch")
        return {words[int(doc)]: str(term) for term, doc in found}
