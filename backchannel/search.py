"""Search: one interface, backends registered by name.

The embedded backend is SQLite FTS5 with BM25 over scrubbed text. Every query
runs with a :class:`Viewer`, and the access filter is part of the SQL query
itself, so a hit, a snippet or a count can never leak a message the viewer may
not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from markupsafe import escape

from backchannel.errors import ConfigError
from backchannel.records import SearchHit, Viewer
from backchannel.store import MARK_CLOSE, MARK_OPEN, Store

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query split into what must match and what must not."""

    phrases: tuple[str, ...]  # each a word or a multi-word exact phrase
    excluded: tuple[str, ...]

    def fts(self, any_term: bool = False) -> str:
        """The FTS5 MATCH expression. Every term is quoted, so user input is never FTS syntax."""
        joiner = " OR " if any_term else " "
        expr = joiner.join(f'"{p}"' for p in self.phrases)
        for term in self.excluded:
            expr = f'({expr}) NOT "{term}"'
        return expr


def parse_query(text: str) -> ParsedQuery:
    """Words, "exact phrases" and -excluded words. Punctuation inside words is ignored."""
    phrases: list[str] = []
    excluded: list[str] = []
    for m in _TOKEN.finditer(text):
        negative = bool(m.group(1)) or (m.group(3) or "").startswith("-")
        raw = m.group(2) if m.group(2) is not None else (m.group(3) or "").lstrip("-")
        words = _WORD.findall(raw)
        if not words:
            continue
        target = excluded if negative else phrases
        if m.group(2) is not None:
            target.append(" ".join(words))
        else:
            target.extend(words)
    return ParsedQuery(tuple(phrases), tuple(excluded))


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    relaxed: bool = False  # no message had every word: these match some of them
    message: str = ""  # a hint for the user when there is nothing to search for


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
        result = SearchResult(query="")
        if not query.phrases:
            result.message = "Type at least one word to search for (exclusions alone match nothing)."
            return result
        rows = self.store.search_fts(viewer, query.fts(), limit)
        if not rows and len(query.phrases) > 1:
            rows = self.store.search_fts(viewer, query.fts(any_term=True), limit)
            result.relaxed = bool(rows)
        result.hits = [
            SearchHit(
                message_id=r["id"],
                thread_id=r["thread_id"],
                score=round(-float(r["rank"]), 4),
                snippet=render_snippet(r["snippet"] or r["subject_marked"] or ""),
                subject=r["subject"] or "",
                author_name=r["author_name"] or r["author_key"],
                container=r["container"],
                timestamp=datetime.fromtimestamp(r["ts"], UTC),
            )
            for r in rows
        ]
        return result


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
