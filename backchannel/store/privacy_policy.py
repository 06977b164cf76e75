"""The admin's privacy settings kept in the database: the keep-list of terms never redacted.

Every change is audited (who, which term); the terms are an admin's own words,
never message text.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from backchannel.errors import StoreError
from backchannel.store.clock import now as _now


class PrivacyPolicyQueries:
    db: sqlite3.Connection

    if TYPE_CHECKING:  # provided by Store

        def audit(self, actor: str, action: str, detail: str = "") -> None: ...

        def transaction(self) -> AbstractContextManager[None]: ...

    def keep_terms(self) -> list[sqlite3.Row]:
        """Keep-list terms with who added them and when, alphabetically."""
        return self.db.execute(
            "SELECT term, actor, created_at FROM pii_keep_terms ORDER BY term COLLATE NOCASE"
        ).fetchall()

    def add_keep_term(self, term: str, *, actor: str) -> bool:
        """Add ``term`` (False: it was there already)."""
        term = " ".join(term.split())
        if not term:
            raise StoreError("[S030] A keep-list term cannot be empty.")
        if len(term) > 200:
            raise StoreError("[S031] A keep-list term is at most 200 characters: give the word or phrase.")
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO pii_keep_terms (term, actor, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                (term, actor, _now()),
            )
            if cursor.rowcount:
                self.audit(actor, "privacy.keep_term.add", term)
        return bool(cursor.rowcount)

    def remove_keep_term(self, term: str, *, actor: str) -> bool:
        """Remove ``term`` (False: it was not on the list)."""
        with self.transaction():
            cursor = self.db.execute("DELETE FROM pii_keep_terms WHERE term = ?", (" ".join(term.split()),))
            if cursor.rowcount:
                self.audit(actor, "privacy.keep_term.remove", term)
        return bool(cursor.rowcount)

    def topic_terms(self) -> list[str]:
        """Names the organisation uses for its own things: local (emerging) topics and admins' aliases."""
        rows = self.db.execute(
            "SELECT title FROM entities WHERE kind = 'local' "
            "UNION SELECT surface FROM link_rules WHERE alias = 1"
        )
        return [str(r[0]) for r in rows if r[0]]
