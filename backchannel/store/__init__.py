"""The SQLite store, the system of record. All SQL lives in this package."""

from backchannel.store.core import Store, entity_key
from backchannel.store.reads import MARK_CLOSE, MARK_OPEN, visible_clause

__all__ = ["MARK_CLOSE", "MARK_OPEN", "Store", "entity_key", "visible_clause"]
