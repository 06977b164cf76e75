"""Named sources, their versions of each item, and forgetting what a source lost.

A source an admin adds by name (``backchannel source add``) keeps its options
and an encrypted secret here; a path ingested ad hoc is a source without a
name. Each location records the version its connector gave the item, so a
changed item (an edited Slack message) is read again and a deleted one is
forgotten.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from backchannel.errors import StoreError
from backchannel.store.clock import now as _now


class SourceQueries:
    db: sqlite3.Connection

    # --- the registry ----------------------------------------------------

    def add_source(
        self, name: str, kind: str, root: Path, options: dict[str, str], secret: str | None
    ) -> int:
        """Register a named source; ``secret`` is already encrypted (or None)."""
        if self.source_by_name(name) is not None:
            raise StoreError(f"[S010] A source named {name!r} exists; remove it first or pick another name.")
        root_s = str(Path(root).resolve())
        taken = self.db.execute(
            "SELECT name FROM sources WHERE kind = ? AND root = ?", (kind, root_s)
        ).fetchone()
        if taken is not None and taken[0]:
            raise StoreError(f"[S011] {root_s} is already the source {taken[0]!r}.")
        if taken is not None:  # ingested ad hoc before: name it, keep its messages
            self.db.execute(
                "UPDATE sources SET name = ?, options = ?, secret = ? WHERE kind = ? AND root = ?",
                (name, json.dumps(options, sort_keys=True), secret, kind, root_s),
            )
        else:
            self.db.execute(
                "INSERT INTO sources (kind, root, created_at, name, options, secret) VALUES (?,?,?,?,?,?)",
                (kind, root_s, _now(), name, json.dumps(options, sort_keys=True), secret),
            )
        return int(self.source_by_name(name)["id"])  # type: ignore[index]

    def source_by_name(self, name: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM sources WHERE name = ?", (name,)).fetchone()

    def named_sources(self) -> list[dict[str, Any]]:
        """Every named source with its message and failure counts (never its secret)."""
        rows = self.db.execute(
            "SELECT s.id, s.name, s.kind, s.root, s.options, s.last_sync, s.last_result, "
            "s.secret IS NOT NULL AS has_secret, "
            "(SELECT count(DISTINCT message_id) FROM locations l WHERE l.source_id = s.id) AS messages, "
            "(SELECT count(*) FROM failures f WHERE f.source_id = s.id) AS failures "
            "FROM sources s WHERE s.name IS NOT NULL ORDER BY s.name"
        )
        out = []
        for row in rows:
            item = dict(row)
            item["options"] = json.loads(item["options"] or "{}")
            item["last_result"] = json.loads(item["last_result"]) if item["last_result"] else None
            item["has_secret"] = bool(item["has_secret"])
            out.append(item)
        return out

    def set_sync_result(self, source_id: int, result: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE sources SET last_result = ?, last_sync = ? WHERE id = ?",
            (json.dumps(result, sort_keys=True), _now(), source_id),
        )

    def remove_source(self, source_id: int) -> int:
        """Forget a source: its locations, failures, and the messages no other source holds."""
        with self.transaction():  # type: ignore[attr-defined]
            locators = [
                r[0]
                for r in self.db.execute("SELECT locator FROM locations WHERE source_id = ?", (source_id,))
            ]
            removed = self.forget_locations(source_id, locators)
            self.db.execute("DELETE FROM failures WHERE source_id = ?", (source_id,))
            self.db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return removed

    # --- versions and deletions -------------------------------------------

    def known_versions(self, source_id: int) -> dict[str, str]:
        """Locator -> version of every item already ingested from a source."""
        rows = self.db.execute("SELECT locator, version FROM locations WHERE source_id = ?", (source_id,))
        return {r[0]: r[1] for r in rows}

    def set_version(self, source_id: int, locator: str, version: str) -> None:
        self.db.execute(
            "UPDATE locations SET version = ? WHERE source_id = ? AND locator = ?",
            (version, source_id, locator),
        )

    def forget_locations(self, source_id: int, locators: Iterable[str]) -> int:
        """Drop locations; a message left with none is deleted. Returns messages deleted."""
        orphans: set[str] = set()
        for locator in locators:
            row = self.db.execute(
                "SELECT message_id FROM locations WHERE source_id = ? AND locator = ?", (source_id, locator)
            ).fetchone()
            if row is None:
                continue
            self.db.execute("DELETE FROM locations WHERE source_id = ? AND locator = ?", (source_id, locator))
            message_id = str(row[0])
            other = self.db.execute(
                "SELECT source_id, locator FROM locations WHERE message_id = ? LIMIT 1", (message_id,)
            ).fetchone()
            if other is None:
                orphans.add(message_id)
            else:
                # The message row pointed at the lost copy: point it at one that is left.
                self.db.execute(
                    "UPDATE messages SET source_id = ?, locator = ? "
                    "WHERE id = ? AND source_id = ? AND locator = ?",
                    (other[0], other[1], message_id, source_id, locator),
                )
        self.delete_messages(orphans)
        return len(orphans)

    def delete_messages(self, ids: Iterable[str]) -> None:
        """Delete messages with everything derived from them (mentions, index, access)."""
        ids = list(ids)
        for table, column in (
            ("mentions", "message_id"),
            ("messages_fts", "message_id"),
            ("message_vectors", "message_id"),
            ("message_access", "message_id"),
            ("recipients", "message_id"),
            ("locations", "message_id"),
        ):
            self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in ids])
        threads = {
            str(r[0])
            for i in ids
            for r in self.db.execute("SELECT thread_id FROM messages WHERE id = ?", (i,))
        }
        self.db.executemany("DELETE FROM messages WHERE id = ?", [(i,) for i in ids])
        for thread in threads:
            if self.db.execute("SELECT 1 FROM messages WHERE thread_id = ? LIMIT 1", (thread,)).fetchone():
                continue
            for table in ("thread_keys", "subject_threads"):
                self.db.execute(f"DELETE FROM {table} WHERE thread_id = ?", (thread,))
            self.db.execute("DELETE FROM threads WHERE id = ?", (thread,))
