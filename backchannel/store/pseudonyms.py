"""Pseudonym numbers, the vault of real values, and topics kept but never surfaced.

The store never sees a real value here: ``pseudonyms`` maps a keyed hash of
one to its number, and ``vault`` holds it only encrypted (and only when an
admin turned the vault on).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


class PseudonymQueries:
    db: sqlite3.Connection

    def pseudonym_number(self, kind: str, digest: str) -> tuple[int, bool]:
        """The number of a value (by its keyed hash) within its type; True if it is new."""
        row = self.db.execute(
            "SELECT number FROM pseudonyms WHERE type = ? AND digest = ?", (kind, digest)
        ).fetchone()
        if row is not None:
            return int(row[0]), False
        # One statement: the next number of the type, even if two builds race (UNIQUE guards it).
        self.db.execute(
            "INSERT INTO pseudonyms (type, digest, number) "
            "SELECT ?, ?, coalesce(max(number), 0) + 1 FROM pseudonyms WHERE type = ?",
            (kind, digest, kind),
        )
        row = self.db.execute(
            "SELECT number FROM pseudonyms WHERE type = ? AND digest = ?", (kind, digest)
        ).fetchone()
        return int(row[0]), True

    def vault_put(self, kind: str, number: int, sealed: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO vault (type, number, sealed) VALUES (?, ?, ?)", (kind, number, sealed)
        )

    def vault_get(self, kind: str, number: int) -> str | None:
        row = self.db.execute(
            "SELECT sealed FROM vault WHERE type = ? AND number = ?", (kind, number)
        ).fetchone()
        return str(row[0]) if row else None

    def set_grey(self, entity_ids: Iterable[str]) -> None:
        """Mark entities as sensitive: their mentions stay, they never become topics."""
        self.db.executemany("UPDATE entities SET grey = 1 WHERE id = ?", [(e,) for e in entity_ids])
