"""Search: one interface, backends registered by name.

The embedded backend is SQLite FTS5 with BM25 over scrubbed text. Every query
runs with a :class:`Viewer`, and the access filter is part of the SQL query
itself, so a hit, a snippet or a count can never leak a message the viewer may
not read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from markupsafe import escape

from backchannel.errors import ConfigError
from backchannel.facets import FACETS, FacetValue, facet_values
from backchannel.query import STOP_WORDS, ParsedQuery, parse_query
from backchannel.records import Citation, SearchFilters, SearchHit, Viewer
from backchannel.settings import Settings
from backchannel.store import MARK_CLOSE, MARK_OPEN, Store
from backchannel.store.reads import RankedMatch
from backchannel.suggest import did_you_mean
from backchannel.vectors import FILTERED_POOL, VectorIndex, index_for

__all__ = [
    "FACETS",
    "FacetValue",
    "ParsedQuery",
    "SearchResult",
    "fuse",
    "get_backend",
    "hit_from_row",
    "parse_query",
    "render_snippet",
    "result_json",
    "search",
]


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    relaxed: bool = False  # no message had every word: these match some of them
    message: str = ""  # a hint for the user when there is nothing to search for
    problems: tuple[str, ...] = ()  # parts of the query that were not understood, explained
    #: FACETS name -> values, most frequent first, counted over the matching messages the viewer
    #: may read (the best FACET_SCOPE keyword matches and the vector hits, not only those shown),
    #: never over anything else.
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    total: int = 0  # matching messages the viewer may read
    suggestion: str = ""  # "did you mean": the query with misspelt words replaced, if that finds more
    more: bool = False  # more keyword matches exist than the FACET_SCOPE counted: total is a lower bound


class SearchBackend(Protocol):
    name: str

    def search(
        self, viewer: Viewer, query: ParsedQuery, limit: int, *, facets: bool = True
    ) -> SearchResult: ...


def render_snippet(marked: str) -> str:
    """Escape a snippet's text, then turn match markers into <mark> tags."""
    return str(escape(marked)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


#: Keyword candidates fused (and shown at most, for a larger limit) and vector candidates
#: fused: the best this many the viewer may read. 50 and 30 of each scored as well as 100 on
#: both splits of the relevance set (bench/RESULTS.md); fewer candidates, less access checking.
POOL = 50
VECTOR_POOL = 50
#: Keyword matches (the best, after the access filter) that facets and the total count. All
#: of them at Enron scale; at 500,000 messages a common word matches 100,000+, and counting
#: every one made the search page p95 1.9 s (bench/RESULTS.md).
FACET_SCOPE = 1000
#: Reciprocal-rank-fusion constant (Cormack et al. 2009): a hit's fused score is sum(1 / (RRF_K + rank)).
RRF_K = 60
MODES = ("hybrid", "bm25", "vector")
#: In a relaxed any-word query, words in more than this share of the messages match only
#: alongside a rarer word of the query (ParsedQuery.fts). Tuned on the dev split (bench/RESULTS.md).
COMMON_SHARE: float | None = 0.02
#: ... and in more than this many messages: in a small store no word is common.
COMMON_MIN = 100
#: Words are counted up to this share of the messages (enough to find the rarest of common words).
COUNT_CAP = 0.1
#: Vector hits below this cosine similarity are left out: a nearest message always exists,
#: a related one does not. MiniLM puts unrelated short texts around 0.0-0.25.
MIN_SIMILARITY = 0.3


class SqliteSearch:
    """The embedded default: SQLite FTS5 BM25 (subject matches weighted 3x) fused with MiniLM vectors.

    ``mode`` "hybrid" fuses both rankings by reciprocal rank; "bm25" and
    "vector" use one (the relevance benchmark compares the three). Vector hits
    pass the same access filter and operators as BM25 hits, and drop those
    with an excluded word. A quoted phrase asks for exact words: such a query
    is BM25 alone.
    """

    name = "sqlite"

    def __init__(self, store: Store, mode: str = "hybrid", index: VectorIndex | None = None) -> None:
        if mode not in MODES:
            raise ConfigError(f"[C011] Unknown search mode {mode!r}. Known modes: {', '.join(MODES)}.")
        self.store = store
        self.mode = mode
        self.index = index

    def search(self, viewer: Viewer, query: ParsedQuery, limit: int, *, facets: bool = True) -> SearchResult:
        result = SearchResult(query="", problems=query.problems)
        if not query.phrases:
            if query.filters:
                rows = self.store.search_filtered(viewer, query.filters, limit)
                result.hits = [hit_from_row(r) for r in rows]
                if facets:
                    count_facets(result, self.store, viewer, query.filters)
                return result
            result.message = "Type at least one word to search for (exclusions alone match nothing)."
            return result
        pool = max(limit, POOL)
        ranked: list[RankedMatch] = []
        match = ""
        if self.mode != "vector":
            want = max(pool, FACET_SCOPE) if facets else pool
            match = query.fts()
            ranked, result.more = self.store.ranked_matches(viewer, match, want, query.filters)
            if not ranked and len(query.phrases) > 1:
                match = query.fts(any_term=True, optional=self._optional_words(query))
                ranked, result.more = self.store.ranked_matches(viewer, match, want, query.filters)
                result.relaxed = bool(ranked)
        exact = any(" " in p for p in query.phrases)
        near = (
            []
            if self.mode == "bm25" or exact
            else self._vector_matches(viewer, query, max(limit, VECTOR_POOL))
        )
        keyword = [(m.message_id, -m.neg_ts) for m in ranked[:pool]]
        if not near:
            chosen = [(m.message_id, round(-m.rank, 4)) for m in ranked[:limit]]
        elif not keyword:
            chosen = [(mid, score) for mid, score, _ in near[:limit]]
        else:
            chosen = rrf([keyword, [(mid, ts) for mid, _, ts in near]], limit)
        result.hits = self._hits(viewer, query, match, ranked[:pool], chosen)
        if facets:
            scope = {m.message_id for m in ranked} | {mid for mid, _, _ in near}
            count_facets(result, self.store, viewer, query.filters, sorted(scope))
        return result

    def _optional_words(self, query: ParsedQuery) -> frozenset[str]:
        """Words of a relaxed query that match only beside another: those in more than
        :data:`COMMON_SHARE` of the messages (and :data:`COMMON_MIN`), and those in none.
        When every word is common, all but the rarest (a query of common words alone would
        rank a third of the store)."""
        if not COMMON_SHARE:
            return frozenset()
        total = self.store.indexed_count()
        words = [p for p in query.phrases if p.casefold() not in STOP_WORDS]
        common = max(COMMON_SHARE * total, COMMON_MIN)
        counts = self.store.word_counts(words, cap=int(max(COUNT_CAP * total, common, 1000)) + 1)
        present = {w: n for w, n in counts.items() if n}
        rare = {w for w, n in present.items() if n <= common}
        if not rare and present:
            rare = {min(present, key=lambda w: present[w])}
        return frozenset(w for w in counts if w not in rare)

    def _hits(
        self,
        viewer: Viewer,
        query: ParsedQuery,
        match: str,
        ranked: list[RankedMatch],
        chosen: list[tuple[str, float]],
    ) -> list[SearchHit]:
        """Hit rows (citations, snippets) for the chosen ids only, in their order: keyword matches
        get FTS5's marked snippet, vector-only hits the start of their text."""
        by_id = {m.message_id: m for m in ranked}
        rows = {
            str(r["id"]): r for r in self.store.hit_rows(match, [by_id[i] for i, _ in chosen if i in by_id])
        }
        others = [i for i, _ in chosen if i not in by_id]
        if others:  # vector-only hits (read again with the access filter: a few rows)
            rows.update(self.store.hits_among(viewer, others, query.filters))
        return [hit_from_row(rows[i], score=score) for i, score in chosen if i in rows]

    def _vector_matches(
        self, viewer: Viewer, query: ParsedQuery, pool: int
    ) -> list[tuple[str, float, float]]:
        """The ``pool`` nearest messages the viewer may read and the operators keep, as
        (id, similarity, timestamp), best first; those with an excluded word dropped."""
        index = self.index or index_for(self.store)
        k = pool if viewer.everything and not query.filters else pool * FILTERED_POOL
        near = index.nearest_readable(
            self.store, viewer, " ".join(query.phrases), k, query.filters, floor=MIN_SIMILARITY
        )
        if query.excluded and near:
            dropped = self.store.ids_matching(
                ParsedQuery(query.excluded, ()).fts(any_term=True), [mid for mid, _, _ in near]
            )
            near = [n for n in near if n[0] not in dropped]
        return [(mid, round(score, 4), ts) for mid, score, ts in near[:pool]]


def count_facets(
    result: SearchResult,
    store: Store,
    viewer: Viewer,
    filters: SearchFilters,
    ids: list[str] | None = None,
) -> None:
    """Total and facets over what the query matches for this viewer, counted by the store: the
    best :data:`FACET_SCOPE` keyword matches plus the pooled vector hits (a similarity ranking
    has no "all"), or, for a query of operators alone (``ids`` None), every message the
    operators keep. Both backends count this way."""
    total, rows = store.facet_counts(viewer, filters, ids)
    result.total = total
    result.facets = facet_values(rows)


def rrf(rankings: list[list[tuple[str, float]]], limit: int) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion of rankings of (message id, timestamp), best first: the best
    ``limit`` as (id, fused score); ties go to the newer message."""
    fused: dict[str, float] = {}
    ts: dict[str, float] = {}
    for ranking in rankings:
        for rank, (mid, when) in enumerate(ranking, start=1):
            fused[mid] = fused.get(mid, 0.0) + 1.0 / (RRF_K + rank)
            ts.setdefault(mid, when)
    order = sorted(fused, key=lambda mid: (-fused[mid], -ts[mid]))[:limit]
    return [(mid, round(fused[mid], 6)) for mid in order]


def fuse(bm25: list[sqlite3.Row], vector: list[sqlite3.Row], limit: int) -> list[SearchHit]:
    """:func:`rrf` of two rankings of hit rows. BM25's row (with its snippet) is kept."""
    rows: dict[str, sqlite3.Row] = {}
    for ranking in (bm25, vector):
        for row in ranking:
            rows.setdefault(row["id"], row)
    chosen = rrf([[(r["id"], r["ts"]) for r in ranking] for ranking in (bm25, vector)], limit)
    return [hit_from_row(rows[mid], score=score) for mid, score in chosen]


def hit_from_row(r: sqlite3.Row, score: float | None = None) -> SearchHit:
    return SearchHit(
        message_id=r["id"],
        thread_id=r["thread_id"],
        score=round(-float(r["rank"]), 4) if score is None else score,
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


def _sqlite(store: Store, mode: str, settings: Settings | None) -> SearchBackend:
    return SqliteSearch(store, mode)


def _elasticsearch(store: Store, mode: str, settings: Settings | None) -> SearchBackend:
    from backchannel.elastic import ElasticSearch  # the client is only imported when it is used

    return ElasticSearch.from_settings(store, settings or Settings(), mode)


#: Backend name (the ``search_backend`` setting) -> factory.
BACKENDS: dict[str, Callable[[Store, str, Settings | None], SearchBackend]] = {
    "sqlite": _sqlite,
    "elasticsearch": _elasticsearch,
}


def get_backend(
    name: str, store: Store, mode: str = "hybrid", settings: Settings | None = None
) -> SearchBackend:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ConfigError(
            f"[C010] Unknown search backend {name!r}. Known backends: {', '.join(sorted(BACKENDS))}."
        ) from None
    return factory(store, mode, settings)


def search(
    store: Store,
    viewer: Viewer,
    text: str,
    *,
    limit: int = 20,
    mode: str = "hybrid",
    settings: Settings | None = None,
    facets: bool = True,
) -> SearchResult:
    """Run a user's query with the viewer's access. The importable face of `backchannel search`.

    The backend is ``settings.search_backend`` (the embedded SQLite one without settings).
    Without message vectors (``search_vectors`` off, or not embedded yet) "hybrid" is BM25 alone.
    ``facets`` False skips the counts and "did you mean" (callers that only rank).
    """
    backend = settings.search_backend if settings is not None else "sqlite"
    query = parse_query(text)
    result = get_backend(backend, store, mode, settings).search(viewer, query, limit, facets=facets)
    result.query = text
    if facets and query.phrases and (not result.hits or result.relaxed):
        result.suggestion = _checked_suggestion(store, viewer, text, query)
    return result


def _checked_suggestion(store: Store, viewer: Viewer, text: str, query: ParsedQuery) -> str:
    """A corrected query, offered only if it finds a message the viewer may read with every word."""
    suggestion = did_you_mean(store, viewer, text, query)
    if not suggestion:
        return ""
    corrected = parse_query(suggestion)
    found, _ = store.ranked_matches(viewer, corrected.fts(), 1, corrected.filters)
    return suggestion if found else ""


def thread_groups(hits: list[SearchHit]) -> list[list[SearchHit]]:
    """Hits grouped by thread, each group in rank order, groups ordered by their best hit."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.thread_id, []).append(hit)
    return list(groups.values())


def result_json(result: SearchResult) -> dict[str, Any]:
    """The JSON shape of a result, shared by `backchannel search --json` and the web's /api/search."""
    return {
        "query": result.query,
        "total": result.total,
        "total_is_lower_bound": result.more,
        "relaxed": result.relaxed,
        "message": result.message,
        "problems": list(result.problems),
        "suggestion": result.suggestion,
        "facets": {name: [asdict(v) for v in values] for name, values in result.facets.items()},
        "threads": [[h.message_id for h in group] for group in thread_groups(result.hits)],
        "hits": [
            {
                "message_id": h.message_id,
                "thread_id": h.thread_id,
                "score": h.score,
                "snippet": h.snippet,
                "subject": h.subject,
                "author": h.author_name,
                "container": h.container,
                "timestamp": h.timestamp.isoformat(),
                "citation": asdict(h.citation) if h.citation else None,
            }
            for h in result.hits
        ],
    }
