"""The SQLite store: connection, writes for ingest and build, users.

The store is the system of record; all SQL lives in this package. Message
text is written only by :meth:`Store.save_built`, after the privacy stage:
ingest records metadata and where to find the raw text again (a locator),
never the text itself.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from backchannel.errors import StoreError
from backchannel.records import (
    Address,
    Attachment,
    BuiltMessage,
    Entity,
    PersonRecord,
    RawMessage,
    Visibility,
    content_id,
)
from backchannel.store.clock import now as _now
from backchannel.store.curation import CurationQueries
from backchannel.store.documents import IndexDocumentQueries
from backchannel.store.facets import FacetQueries
from backchannel.store.migrations import migrate
from backchannel.store.privacy_policy import PrivacyPolicyQueries
from backchannel.store.pseudonyms import PseudonymQueries
from backchannel.store.reads import ReadQueries, entity_key
from backchannel.store.sources import SourceQueries
from backchannel.store.vectors import VectorQueries

log = logging.getLogger(__name__)

#: Thread keys of these connector kinds live in one space, so a reply in an
#: mbox joins a thread begun in a maildir.
_THREAD_SPACE = {"maildir": "email", "mbox": "email", "eml": "email", "imap": "email"}
#: The mail connector kinds, as an SQL list.
_MAIL_KINDS = ", ".join(f"'{kind}'" for kind in sorted(_THREAD_SPACE))
#: Prefix of a thread key that is a normalised subject (no threading headers).
_SUBJECT = "subject:"
#: Default of the ``thread_window_days`` setting, in seconds.
DEFAULT_THREAD_WINDOW_S = 14 * 86400


def _identity_key(key: str) -> str:
    """Email addresses compare case-insensitively; Slack ids (``slack:U…``) exactly."""
    return key if key.startswith("slack:") else key.strip().lower()


def _attachment_meta(attachment: Attachment) -> dict[str, object]:
    """What the store keeps of an attachment: never its text (that is scrubbed with the body)."""
    return {"name": attachment.name, "mime_type": attachment.mime_type, "size": attachment.size}


class Store(
    SourceQueries,
    PseudonymQueries,
    ReadQueries,
    CurationQueries,
    VectorQueries,
    FacetQueries,
    IndexDocumentQueries,
    PrivacyPolicyQueries,
):
    """One open database. Not shared between threads: open one per thread."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self._person_cache: dict[str, tuple[int, bool]] = {}
        #: A subject-only mail joins a thread within this many seconds of its span.
        self.thread_window_s: float = DEFAULT_THREAD_WINDOW_S

    @classmethod
    def open(cls, path: Path) -> Store:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"[S001] Cannot open the database {path}: {exc}. Check the `database` setting "
                "and that its folder is writable."
            ) from exc
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(f"[S002] {path} is not a Backchannel database ({exc}).") from exc
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing writes; nested calls join the outer transaction."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._person_cache.clear()
            raise
        self.db.execute("COMMIT")

    # --- sources ---------------------------------------------------------

    def source_id(self, kind: str, root: Path) -> int:
        """The id of a source (created on first use)."""
        root_s = str(Path(root).resolve())
        self.db.execute(
            "INSERT OR IGNORE INTO sources (kind, root, created_at) VALUES (?, ?, ?)", (kind, root_s, _now())
        )
        row = self.db.execute("SELECT id FROM sources WHERE kind = ? AND root = ?", (kind, root_s)).fetchone()
        return int(row["id"])

    def mark_synced(self, source_id: int) -> None:
        self.db.execute("UPDATE sources SET last_sync = ? WHERE id = ?", (_now(), source_id))

    def known_locators(self, source_id: int) -> set[str]:
        """Locators already ingested, so a re-run skips them (failed ones are tried again)."""
        rows = self.db.execute("SELECT locator FROM locations WHERE source_id = ?", (source_id,))
        return {r[0] for r in rows}

    # --- people ----------------------------------------------------------

    def person_for(self, address: Address) -> int:
        """The person behind an identity key, created on first sight.

        The cache holds (person id, has a name) so that a known, named person
        costs no query: ingest asks for the same people hundreds of thousands of times.
        """
        key = _identity_key(address.key)
        cached = self._person_cache.get(key)
        if cached is not None:
            pid, named = cached
            if address.name and not named:
                self.db.execute("UPDATE people SET name = ? WHERE id = ? AND name = ''", (address.name, pid))
                self._person_cache[key] = (pid, True)
            return pid
        row = self.db.execute(
            "SELECT i.person_id, p.name FROM identities i "
            "JOIN people p ON p.id = i.person_id WHERE i.key = ?",
            (key,),
        ).fetchone()
        if row:
            pid, named = int(row[0]), bool(row[1])
            if address.name and not named:
                self.db.execute("UPDATE people SET name = ? WHERE id = ? AND name = ''", (address.name, pid))
                named = True
        else:
            cur = self.db.execute("INSERT INTO people (name, primary_key) VALUES (?, ?)", (address.name, key))
            pid, named = int(cur.lastrowid or 0), bool(address.name)
            self.db.execute("INSERT INTO identities (key, person_id) VALUES (?, ?)", (key, pid))
        self._person_cache[key] = (pid, named)
        return pid

    def merge_person(self, record: PersonRecord) -> int:
        """Make every key of ``record`` one person; merge people found under several keys."""
        with self.transaction():
            ids = sorted({self.person_for(Address(k, record.name)) for k in record.keys if k})
            if not ids:
                raise StoreError("[S003] A person record needs at least one identity key.")
            keep, others = ids[0], ids[1:]
            if record.name:
                self.db.execute("UPDATE people SET name = ? WHERE id = ?", (record.name, keep))
            for other in others:
                for table, col in (
                    ("identities", "person_id"),
                    ("messages", "author_id"),
                    ("users", "person_id"),
                ):
                    self.db.execute(f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (keep, other))
                for table in ("message_access", "recipients"):
                    self.db.execute(
                        f"INSERT OR IGNORE INTO {table} (message_id, person_id) "
                        f"SELECT message_id, ? FROM {table} WHERE person_id = ?",
                        (keep, other),
                    )
                    self.db.execute(f"DELETE FROM {table} WHERE person_id = ?", (other,))
                self.db.execute("DELETE FROM people WHERE id = ?", (other,))
            self._person_cache.clear()
        return keep

    def identity_keys(self) -> dict[int, tuple[str, list[str]]]:
        """Every named person's display name and identity keys, by person id."""
        out: dict[int, tuple[str, list[str]]] = {}
        for pid, name, key in self.db.execute(
            "SELECT p.id, p.name, i.key FROM people p JOIN identities i ON i.person_id = p.id "
            "WHERE p.name != ''"
        ):
            out.setdefault(int(pid), (name, []))[1].append(key)
        return out

    def authored_mail_domains(self) -> dict[str, int]:
        """Email domain -> mails sent from it (which domain a mail archive belongs to).

        Only mail counts: a Slack member's profile address says nothing about whose mail this is.
        """
        rows = self.db.execute(
            "SELECT substr(i.key, instr(i.key, '@') + 1) AS domain, count(*) FROM messages m "
            "JOIN identities i ON i.person_id = m.author_id "
            "WHERE i.key LIKE '%@%' AND i.key NOT LIKE 'slack:%' "
            f"AND m.kind IN ({_MAIL_KINDS}) "
            "GROUP BY domain"
        )
        return {str(d): int(n) for d, n in rows}

    def person_by_key(self, key: str) -> int | None:
        row = self.db.execute(
            "SELECT person_id FROM identities WHERE key = ?", (_identity_key(key),)
        ).fetchone()
        return int(row[0]) if row else None

    # --- ingest ----------------------------------------------------------

    def _thread_for(self, raw: RawMessage, existing: str | None = None) -> str:
        """The thread a new message joins, registering the keys it can be found by.

        Mail is threaded by References/In-Reply-To, then by subject; a Message-ID
        is global, so a reply finds its original (and the original its earlier
        ingested reply) through the message's own id. Enron keeps a mail in
        several folders under different Message-IDs, so a second copy
        (``existing``: its message's thread) registers its id too. A subject
        joins a thread only within ``thread_window_s`` of the thread's time
        span, so "Meeting" in 2000 and "Meeting" in 2001 stay apart. Slack
        thread keys are already exact (channel and thread root).
        """
        space = _THREAD_SPACE.get(raw.source, raw.source)
        own = raw.native_id.strip() if space == "email" else ""
        subject = raw.thread_key[len(_SUBJECT) :] if raw.thread_key.startswith(_SUBJECT) else ""
        keys = [k for k in (own, "" if subject else raw.thread_key) if k]
        ts = raw.timestamp.timestamp()
        found: list[str] = [existing] if existing else []
        for key in keys:
            row = self.db.execute(
                "SELECT thread_id FROM thread_keys WHERE space = ? AND key = ?", (space, key)
            ).fetchone()
            if row and str(row[0]) not in found:
                found.append(str(row[0]))
        if subject:
            rows = self.db.execute(
                "SELECT thread_id FROM subject_threads WHERE space = ? AND subject = ? "
                "AND first_ts - ? <= ? AND ? <= last_ts + ? ORDER BY first_ts",
                (space, subject, self.thread_window_s, ts, ts, self.thread_window_s),
            )
            found.extend(str(r[0]) for r in rows if str(r[0]) not in found)
        if found:
            thread_id = found[0]
        else:
            # A subject can start many threads over the years: the first message names each.
            thread_id = content_id("thread", space, raw.id if subject else (raw.thread_key or raw.id))
        self.db.execute(
            "INSERT OR IGNORE INTO threads (id, container, source) VALUES (?, ?, ?)",
            (thread_id, raw.container, raw.source),
        )
        for other in found[1:]:
            # This message links two threads seen apart so far (a reply ingested before
            # its original, which another reply found by subject): they are one.
            self._merge_thread(other, into=thread_id)
        self.db.executemany(
            "INSERT OR IGNORE INTO thread_keys (space, key, thread_id) VALUES (?, ?, ?)",
            [(space, key, thread_id) for key in keys],
        )
        if subject:
            self._widen_subject_span(space, subject, thread_id, ts, ts)
        return thread_id

    def _widen_subject_span(
        self, space: str, subject: str, thread_id: str, first: float, last: float
    ) -> None:
        self.db.execute(
            "INSERT INTO subject_threads (space, subject, thread_id, first_ts, last_ts) VALUES (?,?,?,?,?) "
            "ON CONFLICT (space, subject, thread_id) DO UPDATE SET "
            "first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)",
            (space, subject, thread_id, first, last),
        )

    def _merge_thread(self, other: str, *, into: str) -> None:
        self.db.execute("UPDATE messages SET thread_id = ? WHERE thread_id = ?", (into, other))
        self.db.execute("UPDATE thread_keys SET thread_id = ? WHERE thread_id = ?", (into, other))
        spans = self.db.execute(
            "SELECT space, subject, first_ts, last_ts FROM subject_threads WHERE thread_id = ?", (other,)
        ).fetchall()
        self.db.execute("DELETE FROM subject_threads WHERE thread_id = ?", (other,))
        for space, subject, first, last in spans:
            self._widen_subject_span(space, subject, into, first, last)
        self.db.execute("DELETE FROM threads WHERE id = ?", (other,))

    def add_raw(self, source_id: int, raw: RawMessage, version: str = "") -> bool:
        """Record a message's metadata and location. True if the message is new.

        A second copy of a message (same content id from another folder or
        source) only adds its location. The raw text is not stored here.
        """
        row = self.db.execute("SELECT thread_id FROM messages WHERE id = ?", (raw.id,)).fetchone()
        if row is not None:
            self._thread_for(raw, existing=str(row[0]))
            self._add_location(source_id, raw, version)
            return False
        author_id = self.person_for(raw.author)
        thread_id = self._thread_for(raw)
        self.db.execute(
            "INSERT INTO messages (id, source_id, kind, locator, container, author_id, ts, thread_id, "
            "native_id, visibility, owner, edited, attachments, raw_body, ingested_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,?)",
            (
                raw.id,
                source_id,
                raw.source,
                raw.locator,
                raw.container,
                author_id,
                raw.timestamp.timestamp(),
                thread_id,
                raw.native_id,
                raw.visibility.value,
                raw.owner,
                int(raw.edited),
                json.dumps([_attachment_meta(a) for a in raw.attachments]),
                _now(),
            ),
        )
        self._add_location(source_id, raw, version)
        self._write_readers(raw, author_id)
        return True

    def update_raw(self, source_id: int, raw: RawMessage, version: str) -> bool:
        """An item whose version changed at its source (an edited Slack message).

        Same content id: its metadata and readers are refreshed and it is built
        again (its old text, links and index entry are replaced then). Another
        id (a mail file rewritten with other content): the old message loses
        this location and the new one is added. Returns True if a message was added.
        """
        row = self.db.execute(
            "SELECT message_id FROM locations WHERE source_id = ? AND locator = ?", (source_id, raw.locator)
        ).fetchone()
        if row is None or str(row[0]) != raw.id:
            if row is not None:
                self.forget_locations(source_id, [raw.locator])
            return self.add_raw(source_id, raw, version)
        author_id = self.person_for(raw.author)
        self.db.execute(
            "UPDATE messages SET author_id = ?, ts = ?, container = ?, visibility = ?, edited = ?, "
            "attachments = ?, built_at = NULL WHERE id = ?",
            (
                author_id,
                raw.timestamp.timestamp(),
                raw.container,
                raw.visibility.value,
                int(raw.edited),
                json.dumps([_attachment_meta(a) for a in raw.attachments]),
                raw.id,
            ),
        )
        for table in ("recipients", "message_access"):
            self.db.execute(f"DELETE FROM {table} WHERE message_id = ?", (raw.id,))
        self._write_readers(raw, author_id)
        self.set_version(source_id, raw.locator, version)
        return False

    def _add_location(self, source_id: int, raw: RawMessage, version: str) -> None:
        self.db.execute(
            "INSERT INTO locations (source_id, locator, message_id, container, version) VALUES (?,?,?,?,?) "
            "ON CONFLICT (source_id, locator) DO UPDATE SET message_id = excluded.message_id, "
            "container = excluded.container, version = excluded.version",
            (source_id, raw.locator, raw.id, raw.container, version),
        )

    def _write_readers(self, raw: RawMessage, author_id: int) -> None:
        """Recipients, and for a restricted message everyone who may read it."""
        recipient_ids = {self.person_for(a) for a in raw.recipients}
        self.db.executemany(
            "INSERT OR IGNORE INTO recipients (message_id, person_id) VALUES (?, ?)",
            [(raw.id, pid) for pid in recipient_ids],
        )
        if raw.visibility is Visibility.RESTRICTED:
            readers = {self.person_for(Address(k)) for k in raw.access} | {author_id}
            self.db.executemany(
                "INSERT OR IGNORE INTO message_access (message_id, person_id) VALUES (?, ?)",
                [(raw.id, pid) for pid in readers],
            )

    def record_failure(self, source_id: int, locator: str, stage: str, reason: str) -> None:
        """Remember a bad item with its reason; a second failure only bumps the count."""
        now = _now()
        self.db.execute(
            "INSERT INTO failures (source_id, locator, stage, reason, first_seen, last_seen) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT (source_id, locator, stage) DO UPDATE SET "
            "reason = excluded.reason, last_seen = excluded.last_seen, attempts = attempts + 1",
            (source_id, locator, stage, reason, now, now),
        )

    def failed_locators(self, source_id: int, stage: str) -> set[str]:
        rows = self.db.execute(
            "SELECT locator FROM failures WHERE source_id = ? AND stage = ?", (source_id, stage)
        )
        return {r[0] for r in rows}

    def clear_failures(self, source_id: int, stage: str) -> None:
        self.db.execute("DELETE FROM failures WHERE source_id = ? AND stage = ?", (source_id, stage))

    def clear_failure(self, source_id: int, locator: str, stage: str) -> None:
        self.db.execute(
            "DELETE FROM failures WHERE source_id = ? AND locator = ? AND stage = ?",
            (source_id, locator, stage),
        )

    # --- build -----------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[sqlite3.Row]:
        """Messages ingested but not yet built, with where to re-read them."""
        sql = (
            "SELECT m.id, m.kind, m.locator, m.source_id, s.root FROM messages m "
            "JOIN sources s ON s.id = m.source_id WHERE m.built_at IS NULL ORDER BY m.ts"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return list(self.db.execute(sql))

    def pending_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM messages WHERE built_at IS NULL").fetchone()[0])

    def save_built(self, built: BuiltMessage) -> None:
        """Write a message's scrubbed text, its links and its index entry, atomically."""
        with self.transaction():
            self.db.execute(
                "UPDATE messages SET subject = ?, body = ?, authored = ?, raw_body = ?, pii_counts = ?, "
                "built_at = ? WHERE id = ?",
                (
                    built.subject,
                    built.body,
                    built.authored,
                    built.raw_body,
                    json.dumps(built.detector_counts, sort_keys=True),
                    _now(),
                    built.id,
                ),
            )
            self.db.execute(
                "UPDATE threads SET subject = ? WHERE id = (SELECT thread_id FROM messages WHERE id = ?) "
                "AND subject = ''",
                (built.subject, built.id),
            )
            self.upsert_entities(built.entities)
            self.set_grey(e.id for e in built.entities if e.grey)
            self.db.execute("DELETE FROM mentions WHERE message_id = ?", (built.id,))
            self.db.executemany(
                "INSERT INTO mentions (message_id, start, end, text, entity_id, score, label) "
                "VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        built.id,
                        m.start,
                        m.end,
                        m.text,
                        entity_key(m.entity) if m.entity else None,
                        m.score,
                        m.label,
                    )
                    for m in built.mentions
                ],
            )
            self.db.execute("DELETE FROM messages_fts WHERE message_id = ?", (built.id,))
            self.db.execute("DELETE FROM message_vectors WHERE message_id = ?", (built.id,))
            self.db.execute(
                "INSERT INTO messages_fts (message_id, subject, body) VALUES (?, ?, ?)",
                (built.id, built.subject, built.authored),
            )

    def upsert_entities(self, entities: Iterable[Entity]) -> None:
        self.db.executemany(
            "INSERT INTO entities (id, title, description, type) VALUES (?,?,?,?) "
            "ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description, "
            "type = excluded.type",
            [(entity_key(e.title), e.title, e.description, e.type) for e in entities],
        )

    def refresh_pages(self, min_mentions: int) -> int:
        """Rebuild the page list: a topic page per entity with enough mentions,
        a person page per person who wrote something. Returns the page count.

        An admin's curation is applied first (see ``store/curation.py``), and a
        hidden topic gets no page."""
        now = _now()
        with self.transaction():
            self.apply_curation()
            self.db.execute("DELETE FROM pages")
            self.db.execute(
                "INSERT INTO pages (kind, key, title, mentions, updated_at) "
                "SELECT 'topic', e.id, e.title, count(*), ? "
                "FROM mentions mn JOIN entities e ON e.id = mn.entity_id WHERE e.grey = 0 "
                "GROUP BY e.id HAVING count(*) >= ?",
                (now, min_mentions),
            )
            self.drop_hidden_pages()
            self.db.execute(
                "INSERT INTO pages (kind, key, title, mentions, updated_at) "
                "SELECT 'person', CAST(p.id AS TEXT), p.name, count(*), ? FROM messages m "
                "JOIN people p ON p.id = m.author_id WHERE m.built_at IS NOT NULL GROUP BY p.id",
                (now,),
            )
        return int(self.db.execute("SELECT count(*) FROM pages").fetchone()[0])

    # --- users and audit -------------------------------------------------

    def add_user(self, email: str, password_hash: str, *, is_admin: bool = False) -> int:
        """Create or update a web user; they see what their person may see."""
        email = email.strip().lower()
        with self.transaction():
            person_id = self.person_for(Address(email))
            self.db.execute(
                "INSERT INTO users (email, password_hash, person_id, is_admin, created_at) "
                "VALUES (?,?,?,?,?) "
                "ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, "
                "is_admin = excluded.is_admin",
                (email, password_hash, person_id, int(is_admin), _now()),
            )
            self.audit("cli", "user.add", email)
        row = self.db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
        return int(row[0])

    def user_by_email(self, email: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()

    def user_by_id(self, user_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()

    def audit(self, actor: str, action: str, detail: str = "") -> None:
        self.db.execute(
            "INSERT INTO audit_log (ts, actor, action, detail) VALUES (?,?,?,?)",
            (_now(), actor, action, detail),
        )
