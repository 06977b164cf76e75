"""Search: one interface, backends registered by name.

The embedded backend is SQLite FTS5 with BM25 over scrubbed text. Every query
runs with a :class:`Viewer`, and the access filter is part of the SQL query
itself, so a hit, a snippet or a count can never leak a message the viewer may
not read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from markupsafe import escape

from backchannel.errors import ConfigError
from backchannel.query import ParsedQuery, parse_query
from backchannel.records import Citation, SearchHit, Viewer
from backchannel.store import MARK_CLOSE, MARK_OPEN, Store

__all__ = ["ParsedQuery", "SearchResult", "get_backend", "parse_query", "render_snippet", "search"]


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    relaxed: bool = False  # no message had every word: these match some of them
    message: str = ""  # a hint for the user when there is nothing to search for
    problems: tuple[str, ...] = ()  # parts of the query that were not understood, explained


class SearchBackend(Protocol):
    name: str

    def search(self, viewer: Viewer, query: ParsedQuery, limit: int) -> SearchResult: ...


def render_snippet(marked: str) -> str:
    """Escape a snippet's text, then turn match markers into <mark> tags."""
    return str(escape(marked)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


class SqliteSearch:
    """The embedded default: SQLite FTS5, BM25, subject matches weighted 3x."""

    name = "sqlite"

    def __init__(self, store: Store) -> None:
        self.store = store

    def search(self, viewer: Viewer, query: ParsedQuery, limit: int) -> SearchResult:
        result = SearchResult(query="", problems=query.problems)
        if not query.phrases:
            if query.filters:
                rows = self.store.search_filtered(viewer, query.filters, limit)
                result.hits = [_hit(r) for r in rows]
                return result
            result.message = "Type at least one word to search for (exclusions alone match nothing)."
            return result
        rows = self.store.search_fts(viewer, query.fts(), limit, filters=query.filters)
        if not rows and len(query.phrases) > 1:
            rows = self.store.search_fts(viewer, query.fts(any_term=True), limit, filters=query.filters)
            result.relaxed = bool(rows)
        result.hits = [_hit(r) for r in rows]
        return result


def _hit(r: sqlite3.Row) -> SearchHit:
    return SearchHit(
        message_id=r["id"],
        thread_id=r["thread_id"],
        score=round(-float(r["rank"]), 4),
        snippet=render_snippet(r["snippet"] or r["subject_marked"] or ""),
        subject=r["subject"] or "",
        author_name=r["author_name"] or r["author_key"],
        container=r["container"],
        timestamp=datetime.fromtimestamp(r["ts"], UTC),
        citation=Citation(
            source=r["source_name"] or f"{r['kind']}:{r['source_root']}",
            kind=r["kind"],
            container=r["container"],
            native_id=r["native_id"],
            locator=r["locator"],
            permalink=f"/thread/{r['thread_id']}#m-{r['id']}",
        ),
    )


BACKENDS = {"sqlite": SqliteSearch}


def get_backend(name: str, store: Store) -> SearchBackend:
    try:
        return BACKENDS[name](store)
    except KeyError:
        raise ConfigError(
            f"[C010] Unknown search backend {name!r}. Known backends: {', '.join(sorted(BACKENDS))}."
        ) from None


def search(
    store: Store, viewer: Viewer, text: str, *, limit: int = 20, backend: str = "sqlite"
) -> SearchResult:
    """Run a user's query with the viewer's access. The importable face of `backchannel search`."""
    result = get_backend(backend, store).search(viewer, parse_query(text), limit)
    result.query = text
    return result
