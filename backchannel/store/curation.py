"""Curation and local topics: an admin's corrections, and what emerging-topic detection writes.

Corrections live in their own tables (migration M005), never only in the
mention rows a build rewrites, so :meth:`CurationQueries.apply_curation`
(run by ``refresh_pages`` after every build, and after every admin action)
puts them back: surface rules, then single-mention links, then merges. A
hidden topic keeps its mentions and only loses its page, like a grey one, so
it drops out of related topics, people's topics and digests, which all join
``pages``. A curated mention gets score 1.0: an admin is sure, and it leaves
the review queue.

Every write here is audited (``audit_log``: who, what, entity ids; never
message text).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from backchannel.errors import StoreError
from backchannel.records import Entity, Viewer
from backchannel.store.clock import now as _now
from backchannel.store.reads import in_chunks, visible_clause

#: Label of mention rows that emerging-topic detection adds (replaced on every run).
LOCAL_LABEL = "LOCAL"
#: Label of mention rows an admin's alias found in the text.
CURATED_LABEL = "CURATED"
#: Score of a mention an admin decided.
CURATED_SCORE = 1.0


def surface_key(text: str) -> str:
    """A surface form's key: NFKC, ``_`` to space, casefold, whitespace collapsed.

    The same key as ``nlp.kb.norm``, so a rule made from a mention matches
    what the knowledge base would look up.
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("_", " ").casefold()).strip()


class CurationQueries:
    db: sqlite3.Connection

    if TYPE_CHECKING:  # provided by Store

        def audit(self, actor: str, action: str, detail: str = "") -> None: ...

        def transaction(self) -> AbstractContextManager[None]: ...

    # --- an admin's decisions ----------------------------------------------

    def link_surface(self, surface: str, entity_id: str | None, *, alias: bool, actor: str) -> None:
        """Every mention written ``surface`` (any case) is ``entity_id`` (None: not a topic).

        An ``alias`` is also looked for in the text of past and future
        messages (``nlp.emerging.apply_aliases``), not only among mentions.
        """
        key = surface_key(surface)
        if not key:
            raise StoreError("[S020] An alias or correction needs a non-empty surface form.")
        self.db.execute(
            "INSERT INTO link_rules (surface, entity_id, alias, actor, created_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT (surface) DO UPDATE SET entity_id = excluded.entity_id, "
            "alias = max(alias, excluded.alias), actor = excluded.actor, created_at = excluded.created_at",
            (key, entity_id, int(alias), actor, _now()),
        )
        self.audit(actor, "topic.alias" if alias else "topic.link_all", f"{key!r} -> {entity_id or 'none'}")

    def link_mention(self, mention_id: int, entity_id: str | None, actor: str) -> None:
        """One mention is ``entity_id`` (None: not a topic), kept across rebuilds by its span."""
        row = self.mention(mention_id)
        if row is None:
            raise StoreError(f"[S021] No mention {mention_id}; it may have been rebuilt. Reload the page.")
        self.db.execute(
            "INSERT OR REPLACE INTO mention_links (message_id, start, end, entity_id, actor, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (row["message_id"], row["start"], row["end"], entity_id, actor, _now()),
        )
        self.audit(actor, "topic.link", f"mention {mention_id} -> {entity_id or 'none'}")

    def merge_topics(self, source_id: str, target_id: str, actor: str) -> str:
        """Merge topic ``source_id`` into ``target_id``; returns the final target.

        Targets are kept final (A merged into B, then B into C: A goes to C),
        so applying a merge is one UPDATE and a chain never loops.
        """
        target = self.merge_target(target_id) or target_id
        if target == source_id:
            raise StoreError(f"[S022] {source_id} cannot be merged into itself.")
        for entity in (source_id, target):
            if self.topic_ref(entity) is None:
                raise StoreError(f"[S023] No topic {entity!r}. Use an id from the topics list.")
        self.db.execute("UPDATE topic_merges SET target_id = ? WHERE target_id = ?", (target, source_id))
        self.db.execute(
            "INSERT OR REPLACE INTO topic_merges (source_id, target_id, actor, created_at) VALUES (?,?,?,?)",
            (source_id, target, actor, _now()),
        )
        self.audit(actor, "topic.merge", f"{source_id} -> {target}")
        return target

    def hide_topic(self, entity_id: str, actor: str, *, hidden: bool = True) -> None:
        """Hide a topic (no page, like a grey one), or show it again."""
        if self.topic_ref(entity_id) is None:
            raise StoreError(f"[S023] No topic {entity_id!r}. Use an id from the topics list.")
        if hidden:
            self.db.execute(
                "INSERT OR IGNORE INTO hidden_topics (entity_id, actor, created_at) VALUES (?,?,?)",
                (entity_id, actor, _now()),
            )
        else:
            self.db.execute("DELETE FROM hidden_topics WHERE entity_id = ?", (entity_id,))
        self.audit(actor, "topic.hide" if hidden else "topic.unhide", entity_id)

    # --- applying them ---------------------------------------------------

    def apply_curation(self) -> None:
        """Rewrite mention rows by the recorded decisions: surface rules, single links, merges."""
        rules = {r[0]: r[1] for r in self.db.execute("SELECT surface, entity_id FROM link_rules")}
        if rules:
            texts = [str(t) for (t,) in self.db.execute("SELECT DISTINCT text FROM mentions")]
            self.db.executemany(
                "UPDATE mentions SET entity_id = ?, score = ? WHERE text = ?",
                [(rules[surface_key(t)], CURATED_SCORE, t) for t in texts if surface_key(t) in rules],
            )
        self.db.execute(
            "UPDATE mentions SET entity_id = l.entity_id, score = ? FROM mention_links l "
            "WHERE l.message_id = mentions.message_id AND l.start = mentions.start AND l.end = mentions.end",
            (CURATED_SCORE,),
        )
        self.db.execute(
            "UPDATE mentions SET entity_id = g.target_id FROM topic_merges g "
            "WHERE g.source_id = mentions.entity_id"
        )

    def drop_hidden_pages(self) -> None:
        self.db.execute(
            "DELETE FROM pages WHERE kind = 'topic' AND key IN (SELECT entity_id FROM hidden_topics)"
        )

    # --- what the admin pages and the CLI show ----------------------------

    def topic_ref(self, ref: str) -> sqlite3.Row | None:
        """A stored entity by id, or by title (any case)."""
        return self.db.execute(
            "SELECT id, title, kind FROM entities WHERE id = ? "
            "UNION ALL SELECT id, title, kind FROM entities WHERE title = ? COLLATE NOCASE LIMIT 1",
            (ref.strip(), ref.strip()),
        ).fetchone()

    def merge_target(self, entity_id: str) -> str | None:
        row = self.db.execute(
            "SELECT target_id FROM topic_merges WHERE source_id = ?", (entity_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def curation_topics(self, query: str = "", *, kind: str = "", limit: int = 200) -> list[sqlite3.Row]:
        """Topics with their mention counts, page, hidden flag and merge target, busiest first."""
        where, params = ["(n > 0 OR hidden OR merged_into IS NOT NULL)"], []
        if query:
            where.append("(e.title LIKE ? OR e.id LIKE ?)")
            params += [f"%{query}%", f"%{query}%"]
        if kind:
            where.append("e.kind = ?")
            params.append(kind)
        return self.db.execute(
            "SELECT * FROM (SELECT e.id, e.title, e.kind, e.grey, "
            "(SELECT count(*) FROM mentions mn WHERE mn.entity_id = e.id) AS n, "
            "EXISTS (SELECT 1 FROM pages pg WHERE pg.kind = 'topic' AND pg.key = e.id) AS has_page, "
            "EXISTS (SELECT 1 FROM hidden_topics h WHERE h.entity_id = e.id) AS hidden, "
            "(SELECT target_id FROM topic_merges g WHERE g.source_id = e.id) AS merged_into "
            f"FROM entities e) e WHERE {' AND '.join(where)} ORDER BY n DESC, e.title LIMIT ?",
            (*params, limit),
        ).fetchall()

    def link_rules(self) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT r.surface, r.entity_id, e.title, r.alias, r.actor, r.created_at FROM link_rules r "
            "LEFT JOIN entities e ON e.id = r.entity_id ORDER BY r.created_at DESC"
        ).fetchall()

    def mention(self, mention_id: int) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT mn.*, e.title FROM mentions mn LEFT JOIN entities e ON e.id = mn.entity_id "
            "WHERE mn.id = ?",
            (mention_id,),
        ).fetchone()

    def review_queue(self, viewer: Viewer, low: float, high: float, limit: int = 20) -> list[sqlite3.Row]:
        """Mentions worth an admin's look, one per surface form, most frequent first.

        Links scored from ``low`` (the link threshold) up to ``high``, and
        unlinked mentions that had candidates (a score above 0); never ones
        an admin already decided, nor detected local topics.
        """
        vis, vparams = visible_clause(viewer)
        return self.db.execute(
            "SELECT mn.id, mn.text, mn.entity_id, e.title, mn.score, mn.start, mn.end, m.id AS message_id, "
            "m.thread_id, m.body, q.n FROM (SELECT min(mn.id) AS id, count(*) AS n FROM mentions mn "
            f"JOIN messages m ON m.id = mn.message_id WHERE {vis} AND mn.label NOT IN (?, ?) AND "
            "((mn.entity_id IS NOT NULL AND mn.score >= ? AND mn.score < ?) "
            "OR (mn.entity_id IS NULL AND mn.score > 0 AND mn.score < ?)) "
            "GROUP BY lower(mn.text)) q JOIN mentions mn ON mn.id = q.id "
            "JOIN messages m ON m.id = mn.message_id LEFT JOIN entities e ON e.id = mn.entity_id "
            "ORDER BY q.n DESC, mn.text LIMIT ?",
            (*vparams, LOCAL_LABEL, CURATED_LABEL, low, high, low, limit),
        ).fetchall()

    def audit_entries(self, prefix: str, limit: int = 30) -> list[sqlite3.Row]:
        """The latest audit-log entries whose action starts with ``prefix``."""
        return self.db.execute(
            "SELECT ts, actor, action, detail FROM audit_log WHERE action LIKE ? ORDER BY id DESC LIMIT ?",
            (f"{prefix}%", limit),
        ).fetchall()

    # --- local topics (nlp.emerging) and aliases found in text -------------

    def built_texts(self) -> Iterator[sqlite3.Row]:
        """Every built message's author, thread, scrubbed body and authored part (never raw text)."""
        yield from self.db.execute(
            "SELECT id, author_id, thread_id, body, authored FROM messages WHERE built_at IS NOT NULL"
        )

    def mention_spans(self, message_ids: Iterable[str] | None = None) -> dict[str, list[sqlite3.Row]]:
        """Mentions by message (all, or those of ``message_ids``): id, span, text, entity, score, label."""
        sql = "SELECT id, message_id, start, end, text, entity_id, score, label FROM mentions"
        if message_ids is None:
            rows: Iterable[sqlite3.Row] = self.db.execute(sql)
        else:
            rows = [
                r
                for chunk, marks in in_chunks(list(message_ids))
                for r in self.db.execute(f"{sql} WHERE message_id IN ({marks})", chunk)
            ]
        out: dict[str, list[sqlite3.Row]] = {}
        for row in rows:
            out.setdefault(row["message_id"], []).append(row)
        return out

    def person_names(self) -> list[str]:
        return [str(n) for (n,) in self.db.execute("SELECT name FROM people WHERE name != ''")]

    def people_at(self, domains: Iterable[str]) -> frozenset[int]:
        """People with a Slack identity or an address at one of ``domains`` (the organisation's)."""
        marks = ",".join("?" * len(doms := sorted(domains)))
        rows = self.db.execute(
            "SELECT DISTINCT person_id FROM identities WHERE key LIKE 'slack:%' "
            f"OR (instr(key, '@') > 0 AND substr(key, instr(key, '@') + 1) IN ({marks}))",
            doms,
        )
        return frozenset(int(r[0]) for r in rows)

    def replace_local_topics(
        self,
        entities: Iterable[Entity],
        claimed: Iterable[tuple[str, int]],
        added: Iterable[tuple[str, int, int, str, str]],
        link_threshold: float,
    ) -> None:
        """Swap the previous run's local topics for these, in one transaction.

        ``claimed``: (entity id, mention id) of unlinked mentions that name a
        local topic; ``added``: (message id, start, end, text, entity id) of
        new mention rows. Unlinked mentions (score under ``link_threshold``)
        that an earlier run claimed are released first, even if a merge moved
        them since: ``apply_curation`` moves them again.
        """
        with self.transaction():
            self.db.execute("DELETE FROM mentions WHERE label = ?", (LOCAL_LABEL,))
            self.db.execute(
                "UPDATE mentions SET entity_id = NULL WHERE entity_id IS NOT NULL AND score < ?",
                (link_threshold,),
            )
            self.db.executemany(
                "INSERT INTO entities (id, title, description, type, kind) VALUES (?,?,?,?,'local') "
                "ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description",
                [(e.id, e.title, e.description, e.type) for e in entities],
            )
            self.db.executemany("UPDATE mentions SET entity_id = ? WHERE id = ?", list(claimed))
            self.db.executemany(
                "INSERT INTO mentions (message_id, start, end, text, entity_id, score, label) "
                f"VALUES (?,?,?,?,?,{link_threshold!r},'{LOCAL_LABEL}')",
                list(added),
            )

    def local_topic_forms(self) -> list[str]:
        """Every way a local (emerging) topic was written in built messages ("EOL", "Sitara")."""
        rows = self.db.execute(
            "SELECT DISTINCT text FROM mentions WHERE entity_id LIKE 'local:%' UNION "
            "SELECT title FROM entities WHERE kind = 'local'"
        )
        return [str(r[0]) for r in rows if r[0]]

    def alias_rules(self) -> list[tuple[str, str]]:
        """(surface key, entity id) of every alias that names an entity."""
        return [
            (str(s), str(e))
            for s, e in self.db.execute(
                "SELECT surface, entity_id FROM link_rules WHERE alias = 1 AND entity_id IS NOT NULL"
            )
        ]

    def messages_with_phrase(self, phrase: str) -> list[sqlite3.Row]:
        """Built messages whose indexed text has ``phrase`` (stemmed; callers check the exact words)."""
        match = '"' + phrase.replace('"', '""') + '"'
        return self.db.execute(
            "SELECT m.id, m.body, m.authored FROM messages_fts f JOIN messages m ON m.id = f.message_id "
            "WHERE messages_fts MATCH ? AND m.built_at IS NOT NULL",
            (match,),
        ).fetchall()

    def add_curated_mentions(
        self, rows: Iterable[tuple[str, int, int, str, str]], replaced: Iterable[int] = ()
    ) -> None:
        """(message id, start, end, text, entity id) found by an admin's alias.

        ``replaced``: ids of local-topic mentions on the same spans, which the
        alias overrules (the next emerging run would drop them anyway).
        """
        self.db.executemany(
            "DELETE FROM mentions WHERE id = ? AND label = ?", [(i, LOCAL_LABEL) for i in replaced]
        )
        self.db.executemany(
            "INSERT INTO mentions (message_id, start, end, text, entity_id, score, label) "
            f"VALUES (?,?,?,?,?,{CURATED_SCORE!r},'{CURATED_LABEL}')",
            list(rows),
        )

    def resolve_topic(self, ref: str, kb_entity: Callable[[str], Entity | None] | None = None) -> str | None:
        """The id of the topic an admin named: a stored entity's id or title, else the
        knowledge-base entity ``kb_entity(ref)`` finds (stored, so mentions can point at it)."""
        ref = ref.strip()
        found = self.topic_ref(ref) if ref else None
        if found is not None:
            return str(found["id"])
        entity = kb_entity(ref) if kb_entity is not None and ref else None
        if entity is None:
            return None
        self.db.execute(
            "INSERT INTO entities (id, title, description, type) VALUES (?,?,?,?) "
            "ON CONFLICT (id) DO NOTHING",
            (entity.id, entity.title, entity.description, entity.type),
        )
        return entity.id
