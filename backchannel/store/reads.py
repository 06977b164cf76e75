"""Read queries for pages, search and digests. Every one takes a Viewer and
returns only what that viewer may see: public channels, plus the private
channels, DMs and mail whose access list holds the viewer's person.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from backchannel.records import (
    SOURCE_GROUPS,
    Attachment,
    Mention,
    MessageView,
    PersonPage,
    PersonRef,
    SearchFilters,
    ThreadSummary,
    TopicPage,
    TopicRef,
    Viewer,
)

#: Private-use characters that mark FTS matches in snippets; the search layer
#: escapes the snippet and only then turns them into <mark> tags.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


def visible_clause(viewer: Viewer, alias: str = "m") -> tuple[str, tuple[Any, ...]]:
    """SQL condition (and its parameters) limiting messages to what ``viewer`` may read."""
    built = f"{alias}.built_at IS NOT NULL"
    if viewer.everything:
        return built, ()
    if viewer.person_id is None:
        return f"{built} AND {alias}.visibility = 'public'", ()
    return (
        f"{built} AND ({alias}.visibility = 'public' OR EXISTS (SELECT 1 FROM message_access a "
        f"WHERE a.message_id = {alias}.id AND a.person_id = ?))",
        (viewer.person_id,),
    )


#: Values per ``IN (...)`` list, well under SQLite's limit on bound parameters.
IN_CHUNK = 500


def in_chunks(values: Sequence[Any]) -> Iterator[tuple[Sequence[Any], str]]:
    """``values`` in slices of :data:`IN_CHUNK`, each with its ``?,?,...`` placeholders."""
    for i in range(0, len(values), IN_CHUNK):
        chunk = values[i : i + IN_CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def entity_key(title: str) -> str:
    """The knowledge base's id for a Wikipedia title (lower case, underscores)."""
    return title.strip().replace(" ", "_").lower()


def filter_clause(filters: SearchFilters, alias: str = "m") -> tuple[str, tuple[Any, ...]]:
    """SQL conditions (`` AND ...``, possibly empty) for a query's operators."""
    parts: list[str] = []
    params: list[Any] = []
    if filters.authors:
        ors = []
        for who in filters.authors:
            ors.append(
                f"{alias}.author_id IN (SELECT person_id FROM identities WHERE key = ? OR key = ? "
                "UNION SELECT id FROM people WHERE name LIKE ? ESCAPE '\\')"
            )
            params += [who.casefold(), f"slack:{who.removeprefix('slack:')}", f"%{_like(who)}%"]
        parts.append("(" + " OR ".join(ors) + ")")
    if filters.containers:
        marks = ",".join("?" * len(filters.containers))
        parts.append(f"{alias}.container COLLATE NOCASE IN ({marks})")
        params += list(filters.containers)
    if filters.sources:
        ors = []
        for value in filters.sources:
            kinds = SOURCE_GROUPS.get(value.casefold(), (value.casefold(),))
            ors.append(
                f"{alias}.kind IN ({','.join('?' * len(kinds))}) OR {alias}.source_id IN "
                "(SELECT id FROM sources WHERE name = ? COLLATE NOCASE)"
            )
            params += [*kinds, value]
        parts.append("(" + " OR ".join(ors) + ")")
    for topic in filters.topics:  # each must hold; grey and hidden topics are never searchable
        parts.append(
            "EXISTS (SELECT 1 FROM mentions f_mn JOIN entities f_e ON f_e.id = f_mn.entity_id "
            f"WHERE f_mn.message_id = {alias}.id AND (f_e.id = ? OR f_e.title = ? COLLATE NOCASE) "
            "AND f_e.grey = 0 AND f_e.id NOT IN (SELECT entity_id FROM hidden_topics))"
        )
        params += [entity_key(topic), topic.strip()]
    if filters.has_attachment:
        parts.append(f"{alias}.attachments != '[]'")
    period, period_params = _period(filters.since, filters.until, alias)
    return (" AND " + " AND ".join(parts) if parts else "") + period, (*params, *period_params)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _period(since: datetime | None, until: datetime | None, alias: str = "m") -> tuple[str, tuple[Any, ...]]:
    parts, params = [], []
    if since is not None:
        parts.append(f"{alias}.ts >= ?")
        params.append(since.timestamp())
    if until is not None:
        parts.append(f"{alias}.ts < ?")
        params.append(until.timestamp())
    return (" AND " + " AND ".join(parts) if parts else ""), tuple(params)


#: What a search hit shows and cites (m: messages, p: its author, s: its source).
HIT_COLUMNS = (
    "m.id, m.thread_id, m.kind, m.container, m.ts, m.subject, m.native_id, m.locator, "
    "p.name AS author_name, p.primary_key AS author_key, s.name AS source_name, s.root AS source_root"
)
#: The joins HIT_COLUMNS needs, after ``messages m``.
HIT_JOINS = "JOIN people p ON p.id = m.author_id JOIN sources s ON s.id = m.source_id"


class RankedMatch(NamedTuple):
    """One FTS5 match the viewer may read; tuples sort best first (rank, then newer)."""

    rank: float
    neg_ts: float
    rowid: int
    message_id: str


class _Hit(dict):  # type: ignore[type-arg]
    """A search hit row built in Python, read like a ``sqlite3.Row`` (by name, and ``keys()``)."""

    def __getitem__(self, key: object) -> object:
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)


class ReadQueries:
    db: sqlite3.Connection

    # --- threads ---------------------------------------------------------

    def recent_threads(
        self,
        viewer: Viewer,
        limit: int = 20,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        by_activity: bool = False,
    ) -> list[ThreadSummary]:
        """Threads with visible messages, newest first (or busiest first)."""
        vis, vparams = visible_clause(viewer)
        period, pparams = _period(since, until)
        order = "n DESC, last_ts DESC" if by_activity else "last_ts DESC"
        rows = self.db.execute(
            f"SELECT m.thread_id, max(m.ts) AS last_ts, count(*) AS n, t.subject, t.container, t.source "
            f"FROM messages m JOIN threads t ON t.id = m.thread_id WHERE {vis}{period} "
            f"GROUP BY m.thread_id ORDER BY {order} LIMIT ?",
            (*vparams, *pparams, limit),
        ).fetchall()
        return [self._thread_summary(viewer, r) for r in rows]

    def _thread_summary(self, viewer: Viewer, row: sqlite3.Row) -> ThreadSummary:
        vis, vparams = visible_clause(viewer)
        first = self.db.execute(
            f"SELECT m.authored, m.subject FROM messages m "
            f"WHERE m.thread_id = ? AND {vis} ORDER BY m.ts LIMIT 1",
            (row["thread_id"], *vparams),
        ).fetchone()
        names = self.db.execute(
            f"SELECT DISTINCT p.name FROM messages m JOIN people p ON p.id = m.author_id "
            f"WHERE m.thread_id = ? AND {vis} LIMIT 6",
            (row["thread_id"], *vparams),
        ).fetchall()
        preview = " ".join((first["authored"] or "").split())[:200] if first else ""
        subject = row["subject"] or (first["subject"] if first else "") or preview[:80] or "(no subject)"
        return ThreadSummary(
            id=row["thread_id"],
            subject=subject,
            container=row["container"],
            source=row["source"],
            last_ts=_ts(row["last_ts"]),
            messages=int(row["n"]),
            participants=tuple(n["name"] for n in names if n["name"]),
            preview=preview,
        )

    def thread(self, viewer: Viewer, thread_id: str) -> tuple[ThreadSummary, list[MessageView]] | None:
        """A thread's visible messages in order, or None when the viewer sees none."""
        vis, vparams = visible_clause(viewer)
        row = self.db.execute(
            f"SELECT m.thread_id, max(m.ts) AS last_ts, count(*) AS n, t.subject, t.container, t.source "
            f"FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.thread_id = ? AND {vis} "
            f"GROUP BY m.thread_id",
            (thread_id, *vparams),
        ).fetchone()
        if row is None:
            return None
        messages = self._message_views(
            f"SELECT m.*, p.name AS author_name, p.primary_key AS author_key FROM messages m "
            f"JOIN people p ON p.id = m.author_id WHERE m.thread_id = ? AND {vis} ORDER BY m.ts",
            (thread_id, *vparams),
        )
        return self._thread_summary(viewer, row), messages

    def message_thread_id(self, viewer: Viewer, message_id: str) -> str | None:
        vis, vparams = visible_clause(viewer)
        row = self.db.execute(
            f"SELECT m.thread_id FROM messages m WHERE m.id = ? AND {vis}", (message_id, *vparams)
        ).fetchone()
        return row[0] if row else None

    def _message_views(self, sql: str, params: tuple[Any, ...]) -> list[MessageView]:
        rows = self.db.execute(sql, params).fetchall()
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        mentions: dict[str, list[Mention]] = {}
        for m in self.db.execute(
            f"SELECT mn.*, e.title FROM mentions mn LEFT JOIN entities e ON e.id = mn.entity_id "
            f"WHERE mn.message_id IN ({marks}) AND coalesce(e.grey, 0) = 0 ORDER BY mn.start",
            ids,
        ):
            mentions.setdefault(m["message_id"], []).append(
                Mention(m["start"], m["end"], m["text"], m["title"], m["score"], m["label"])
            )
        return [
            MessageView(
                id=r["id"],
                thread_id=r["thread_id"],
                source=r["kind"],
                container=r["container"],
                author=PersonRef(r["author_id"], r["author_name"] or r["author_key"], r["author_key"]),
                timestamp=_ts(r["ts"]),
                subject=r["subject"] or "",
                body=r["body"] or "",
                mentions=tuple(mentions.get(r["id"], ())),
                attachments=tuple(Attachment(**a) for a in json.loads(r["attachments"])),
                edited=bool(r["edited"]),
            )
            for r in rows
        ]

    # --- topics ----------------------------------------------------------

    def top_topics(
        self,
        viewer: Viewer,
        limit: int = 20,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[TopicRef]:
        """Topics with a page, ranked by how often visible messages mention them."""
        vis, vparams = visible_clause(viewer)
        period, pparams = _period(since, until)
        rows = self.db.execute(
            f"SELECT e.id, e.title, e.description, e.kind, count(*) AS n FROM mentions mn "
            f"JOIN messages m ON m.id = mn.message_id JOIN entities e ON e.id = mn.entity_id "
            f"JOIN pages pg ON pg.kind = 'topic' AND pg.key = e.id WHERE {vis}{period} "
            f"GROUP BY e.id ORDER BY n DESC, e.title LIMIT ?",
            (*vparams, *pparams, limit),
        ).fetchall()
        return [TopicRef(r["id"], r["title"], r["description"], r["n"], r["kind"]) for r in rows]

    def topic(self, viewer: Viewer, entity_id: str, limit: int = 50) -> TopicPage | None:
        """A topic page, or None when it has no page or no mention the viewer may see."""
        found = [t for t in self.top_topics_for(viewer, [entity_id])]
        if not found:
            return None
        vis, vparams = visible_clause(viewer)
        messages = self._message_views(
            f"SELECT m.*, p.name AS author_name, p.primary_key AS author_key FROM messages m "
            f"JOIN people p ON p.id = m.author_id WHERE {vis} AND m.id IN "
            f"(SELECT message_id FROM mentions WHERE entity_id = ?) ORDER BY m.ts DESC LIMIT ?",
            (*vparams, entity_id, limit),
        )
        people = self.db.execute(
            f"SELECT p.id, p.name, p.primary_key, count(DISTINCT m.id) AS n FROM mentions mn "
            f"JOIN messages m ON m.id = mn.message_id JOIN people p ON p.id = m.author_id "
            f"WHERE mn.entity_id = ? AND {vis} GROUP BY p.id ORDER BY n DESC LIMIT 12",
            (entity_id, *vparams),
        ).fetchall()
        related = self.db.execute(
            f"SELECT e.id, e.title, e.description, e.kind, count(DISTINCT m.id) AS n FROM mentions a "
            f"JOIN mentions b ON b.message_id = a.message_id AND b.entity_id != a.entity_id "
            f"JOIN messages m ON m.id = a.message_id JOIN entities e ON e.id = b.entity_id "
            f"JOIN pages pg ON pg.kind = 'topic' AND pg.key = e.id "
            f"WHERE a.entity_id = ? AND {vis} GROUP BY e.id ORDER BY n DESC LIMIT 8",
            (entity_id, *vparams),
        ).fetchall()
        return TopicPage(
            topic=found[0],
            messages=tuple(messages),
            people=tuple(
                (PersonRef(r["id"], r["name"] or r["primary_key"], r["primary_key"]), r["n"]) for r in people
            ),
            related=tuple(
                TopicRef(r["id"], r["title"], r["description"], r["n"], r["kind"]) for r in related
            ),
        )

    def top_topics_for(self, viewer: Viewer, entity_ids: list[str]) -> list[TopicRef]:
        """The given topics with their visible mention counts (those with a page and a visible mention)."""
        if not entity_ids:
            return []
        vis, vparams = visible_clause(viewer)
        marks = ",".join("?" * len(entity_ids))
        rows = self.db.execute(
            f"SELECT e.id, e.title, e.description, e.kind, count(*) AS n FROM mentions mn "
            f"JOIN messages m ON m.id = mn.message_id JOIN entities e ON e.id = mn.entity_id "
            f"JOIN pages pg ON pg.kind = 'topic' AND pg.key = e.id "
            f"WHERE e.id IN ({marks}) AND {vis} GROUP BY e.id ORDER BY n DESC",
            (*entity_ids, *vparams),
        ).fetchall()
        return [TopicRef(r["id"], r["title"], r["description"], r["n"], r["kind"]) for r in rows]

    # --- people ----------------------------------------------------------

    def people_index(self, viewer: Viewer, limit: int = 200) -> list[tuple[PersonRef, int]]:
        """People with a page who wrote something the viewer may see, busiest first."""
        vis, vparams = visible_clause(viewer)
        rows = self.db.execute(
            f"SELECT p.id, p.name, p.primary_key, count(*) AS n FROM messages m "
            f"JOIN people p ON p.id = m.author_id WHERE {vis} GROUP BY p.id ORDER BY n DESC, p.name LIMIT ?",
            (*vparams, limit),
        ).fetchall()
        return [(PersonRef(r["id"], r["name"] or r["primary_key"], r["primary_key"]), r["n"]) for r in rows]

    def person(self, viewer: Viewer, person_id: int, limit: int = 30) -> PersonPage | None:
        """A person's page: what they wrote that the viewer may see, and their topics."""
        row = self.db.execute(
            "SELECT id, name, primary_key FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        if row is None:
            return None
        vis, vparams = visible_clause(viewer)
        count = self.db.execute(
            f"SELECT count(*) FROM messages m WHERE m.author_id = ? AND {vis}", (person_id, *vparams)
        ).fetchone()[0]
        if not count:
            return None
        messages = self._message_views(
            f"SELECT m.*, p.name AS author_name, p.primary_key AS author_key FROM messages m "
            f"JOIN people p ON p.id = m.author_id WHERE m.author_id = ? AND {vis} ORDER BY m.ts DESC LIMIT ?",
            (person_id, *vparams, limit),
        )
        topics = self.db.execute(
            f"SELECT e.id, e.title, e.description, e.kind, count(*) AS n FROM mentions mn "
            f"JOIN messages m ON m.id = mn.message_id JOIN entities e ON e.id = mn.entity_id "
            f"JOIN pages pg ON pg.kind = 'topic' AND pg.key = e.id "
            f"WHERE m.author_id = ? AND {vis} GROUP BY e.id ORDER BY n DESC LIMIT 12",
            (person_id, *vparams),
        ).fetchall()
        keys = self.db.execute("SELECT key FROM identities WHERE person_id = ? ORDER BY key", (person_id,))
        return PersonPage(
            person=PersonRef(row["id"], row["name"] or row["primary_key"], row["primary_key"]),
            identities=tuple(k[0] for k in keys),
            messages=tuple(messages),
            topics=tuple(TopicRef(r["id"], r["title"], r["description"], r["n"], r["kind"]) for r in topics),
            message_count=int(count),
        )

    # --- search ----------------------------------------------------------

    def search_fts(
        self,
        viewer: Viewer,
        match: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[sqlite3.Row]:
        """BM25-ranked FTS5 matches the viewer may read, with marked snippets and citation fields."""
        ranked, _ = self.ranked_matches(viewer, match, limit + offset, filters)
        return self.hit_rows(match, ranked[offset:])

    def ranked_matches(
        self, viewer: Viewer, match: str, want: int, filters: SearchFilters | None = None
    ) -> tuple[list[RankedMatch], bool]:
        """The best ``want`` FTS5 matches the viewer may read, best first (ties: newer first), and
        whether more may exist beyond them.

        FTS5 ranks the matches alone (``ORDER BY rank LIMIT``, its fast path: no join, no
        snippet per match); the best are checked against the viewer's access and the
        operators, and more are asked for until enough pass. One query joining every match
        took 0.9 s at p95 on 500,000 messages (bench/search_scale.py). "More may exist" is
        decided on what the viewer may read only, never on the unfiltered count.
        """
        kept: list[RankedMatch] = []
        # A person reads a share of the messages: ask for more at once than for the operator,
        # then, if too few passed, for as many as the share that passed says are missing.
        done, ask = 0, max(2 * want, 50) * (1 if viewer.everything and not filters else 3)
        exhausted = False
        while len(kept) < want:
            chunk = self.db.execute(
                "SELECT rowid, message_id, rank FROM messages_fts "
                "WHERE messages_fts MATCH ? AND rank MATCH 'bm25(0.0, 3.0, 1.0)' "
                "ORDER BY rank LIMIT ? OFFSET ?",
                (match, ask, done),
            ).fetchall()
            by_id = {str(mid): (int(rowid), float(rank)) for rowid, mid, rank in chunk}
            for mid, ts in self.readable_among(viewer, list(by_id), filters).items():
                rowid, rank = by_id[mid]
                kept.append(RankedMatch(rank, -ts, rowid, mid))
            done += len(chunk)
            if len(chunk) < ask:
                exhausted = True
                break
            passed = max(len(kept), 1) / done
            ask = max(2 * ask, int((want - len(kept)) / passed * 1.5))
        kept.sort()
        return kept[:want], not exhausted or len(kept) > want

    def readable_among(
        self, viewer: Viewer, ids: Sequence[str], filters: SearchFilters | None = None
    ) -> dict[str, float]:
        """Those of ``ids`` the viewer may read and the filters keep, with their timestamps.

        The lean check for ranking candidates (keyword matches, vector neighbours): id, access
        and timestamp come from the ``messages_search`` covering index; rows to show are read
        afterwards for the few hits kept.
        """
        vis, vparams = visible_clause(viewer)
        extra, fparams = filter_clause(filters or SearchFilters())
        out: dict[str, float] = {}
        for chunk, marks in in_chunks(ids):
            out.update(
                (str(mid), float(ts))
                for mid, ts in self.db.execute(
                    f"SELECT m.id, m.ts FROM messages m WHERE m.id IN ({marks}) AND {vis}{extra}",
                    (*chunk, *vparams, *fparams),
                )
            )
        return out

    def hit_rows(self, match: str, best: Sequence[RankedMatch]) -> list[sqlite3.Row]:
        """Hit rows (citation fields, marked snippet and subject) for ranked matches, in their order."""
        if not best:
            return []
        # No bm25() here: it costs a pass over each term's postings per statement.
        marked: dict[int, tuple[str, str]] = {}
        cols: dict[str, sqlite3.Row] = {}
        for chunk, marks in in_chunks(list(best)):
            marked.update(
                (int(r[0]), (r[1], r[2]))
                for r in self.db.execute(
                    "SELECT rowid, "
                    f"snippet(messages_fts, 2, '{MARK_OPEN}', '{MARK_CLOSE}', ' … ', 24), "
                    f"highlight(messages_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}') "
                    f"FROM messages_fts WHERE messages_fts MATCH ? AND rowid IN ({marks})",
                    (match, *(b.rowid for b in chunk)),
                )
            )
            cols.update(
                (str(r["id"]), r)
                for r in self.db.execute(
                    f"SELECT {HIT_COLUMNS} FROM messages m {HIT_JOINS} WHERE m.id IN ({marks})",
                    tuple(b.message_id for b in chunk),
                )
            )
        out = []
        for b in best:
            snippet, subject_marked = marked.get(b.rowid, ("", ""))
            row = cols[b.message_id]
            out.append(
                _Hit(
                    {
                        **dict(zip(row.keys(), row, strict=True)),
                        "rank": b.rank,
                        "snippet": snippet,
                        "subject_marked": subject_marked,
                    }
                )
            )
        return out  # type: ignore[return-value]

    def search_filtered(self, viewer: Viewer, filters: SearchFilters, limit: int = 20) -> list[sqlite3.Row]:
        """Messages matching a query's operators alone, newest first (a query with no words)."""
        vis, vparams = visible_clause(viewer)
        extra, fparams = filter_clause(filters)
        return self.db.execute(
            f"SELECT {HIT_COLUMNS}, 0.0 AS rank, substr(m.body, 1, 200) AS snippet, "
            f"m.subject AS subject_marked FROM messages m {HIT_JOINS} "
            f"WHERE {vis}{extra} ORDER BY m.ts DESC LIMIT ?",
            (*vparams, *fparams, limit),
        ).fetchall()

    # --- operations ------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """Counts of what the knowledge base holds (operator view, no access filter)."""
        queries = {
            "messages": "SELECT count(*) FROM messages",
            "messages_built": "SELECT count(*) FROM messages WHERE built_at IS NOT NULL",
            "messages_pending": "SELECT count(*) FROM messages WHERE built_at IS NULL",
            "locations": "SELECT count(*) FROM locations",
            "threads": "SELECT count(*) FROM threads",
            "people": "SELECT count(*) FROM people",
            "entities": "SELECT count(*) FROM entities",
            "mentions": "SELECT count(*) FROM mentions",
            "linked_mentions": "SELECT count(*) FROM mentions WHERE entity_id IS NOT NULL",
            "pages": "SELECT count(*) FROM pages",
            "topic_pages": "SELECT count(*) FROM pages WHERE kind = 'topic'",
            "person_pages": "SELECT count(*) FROM pages WHERE kind = 'person'",
            "failures": "SELECT count(*) FROM failures",
            "users": "SELECT count(*) FROM users",
        }
        return {k: int(self.db.execute(q).fetchone()[0]) for k, q in queries.items()}

    def thread_entity_titles(self, message_id: str) -> list[str]:
        """Entities already linked in a message's thread (coherence for linking the next one)."""
        rows = self.db.execute(
            "SELECT DISTINCT e.title FROM messages m JOIN messages o ON o.thread_id = m.thread_id "
            "JOIN mentions mn ON mn.message_id = o.id JOIN entities e ON e.id = mn.entity_id "
            "WHERE m.id = ? AND o.id != m.id AND e.kind = 'wikipedia'",
            (message_id,),
        )
        return [str(r[0]) for r in rows]

    def failures(self, limit: int = 200) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT s.name, s.kind, s.root, f.locator, f.stage, f.reason, f.attempts, f.last_seen "
            "FROM failures f "
            "JOIN sources s ON s.id = f.source_id ORDER BY f.last_seen DESC LIMIT ?",
            (limit,),
        ).fetchall()
