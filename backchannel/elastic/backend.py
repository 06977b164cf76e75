"""The Elasticsearch search backend: BM25 and kNN in one ``_msearch``, fused here like SQLite's.

Defence in depth: the ids Elasticsearch returns are checked against the
store with the viewer's access and the query's operators
(``Store.hits_among``) before anything is shown, so a document that went
stale (access taken away, message deleted) never shows a message its viewer
may no longer read. Hits are built from the store's rows; only the snippet
comes from Elasticsearch's highlight. The total and the facets are counted by
the store too, over the ids Elasticsearch matched (the best
``FACET_SCOPE`` keyword matches and the vector hits, as SqliteSearch counts):
counts taken inside Elasticsearch would follow the access lists as they were
at the last rebuild, and a member removed from a channel since would still
see its messages counted.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from backchannel.elastic.client import ElasticError, api_error, client_for, translated
from backchannel.elastic.queries import (
    Body,
    Resolved,
    bm25_query,
    bm25_request,
    filtered_request,
    knn_request,
    knn_section,
    scope_request,
    search_filter,
)
from backchannel.errors import ConfigError
from backchannel.query import ParsedQuery
from backchannel.records import SearchFilters, SearchHit, Viewer
from backchannel.search import (
    FACET_SCOPE,
    MODES,
    POOL,
    VECTOR_POOL,
    SearchResult,
    count_facets,
    fuse,
    hit_from_row,
    render_snippet,
)
from backchannel.settings import Settings
from backchannel.store import Store
from backchannel.vectors import EMBED_CHARS, Encoder, query_vector


@dataclass
class _Ranked:
    """One ranker's answer: ids best first, their scores, and highlights by id."""

    ids: list[str]
    scores: dict[str, float]
    highlights: dict[str, dict[str, list[str]]]


class ElasticSearch:
    """BM25 over ``subject`` (3x) and ``body``, fused by reciprocal rank with kNN over ``vector``.

    Modes, phrases, exclusions, relaxing to any word and the vector cut-off
    behave as in :class:`backchannel.search.SqliteSearch`.
    """

    name = "elasticsearch"

    def __init__(
        self,
        store: Store,
        client: Elasticsearch,
        alias: str,
        mode: str = "hybrid",
        *,
        vectors: bool = True,
        encode: Encoder | None = None,
    ) -> None:
        if mode not in MODES:
            raise ConfigError(f"[C011] Unknown search mode {mode!r}. Known modes: {', '.join(MODES)}.")
        self.store = store
        self.client = client
        self.alias = alias
        self.mode = mode
        self.vectors = vectors or mode == "vector"
        self._encode = encode

    @classmethod
    def from_settings(cls, store: Store, settings: Settings, mode: str = "hybrid") -> ElasticSearch:
        return cls(
            store, client_for(settings), settings.elasticsearch_index, mode, vectors=settings.search_vectors
        )

    def search(self, viewer: Viewer, query: ParsedQuery, limit: int, *, facets: bool = True) -> SearchResult:
        """Ranked hits the store confirms; with ``facets``, the total and facets the store counts."""
        result = SearchResult(query="", problems=query.problems)
        if not query.phrases and not query.filters:
            result.message = "Type at least one word to search for (exclusions alone match nothing)."
            return result
        where = search_filter(viewer, query.filters, resolve(self.store, query.filters))
        if not query.phrases:
            return self._filtered(viewer, query, where, limit, result, facets)
        pool = max(limit, POOL)
        exact = any(" " in p for p in query.phrases)
        knn = None
        if self.mode != "bm25" and self.vectors and not exact:
            knn = knn_section(self._query_vector(query), max(limit, VECTOR_POOL), where, query.excluded)
        lexical = bm25_query(query, where) if self.mode != "vector" else None
        if lexical is None and knn is None:  # vectors alone, asked for exact words: nothing can match
            return result
        bm25, vector, scope = self._run(lexical, knn, pool, facets)
        rows = self.store.hits_among(viewer, bm25.ids + vector.ids, query.filters)
        if lexical is not None and len(query.phrases) > 1 and not _allowed(bm25, rows):
            relaxed = bm25_query(query, where, any_term=True)
            retry, _, retry_scope = self._run(relaxed, None, pool, facets)
            rows.update(self.store.hits_among(viewer, retry.ids, query.filters))
            if _allowed(retry, rows):
                bm25, scope, result.relaxed = retry, retry_scope, True
        result.hits = _with_highlights(_ranked_hits(bm25, vector, rows, limit), bm25.highlights)
        if facets:
            self._count(result, viewer, query.filters, scope, vector.ids)
        return result

    def _count(
        self,
        result: SearchResult,
        viewer: Viewer,
        filters: SearchFilters,
        keyword: list[str],
        vector: list[str],
    ) -> None:
        """Total and facets counted by the store over the matched ids (with the viewer's access
        and the operators applied again there). "More than" only when the store confirmed every
        one of a full page of keyword matches: a stale document must not say that more exist."""
        count_facets(result, self.store, viewer, filters, sorted(set(keyword) | set(vector)))
        if len(keyword) >= FACET_SCOPE:
            result.more = len(self.store.readable_among(viewer, keyword, filters)) == len(keyword)

    def _filtered(
        self, viewer: Viewer, query: ParsedQuery, where: Body, limit: int, result: SearchResult, facets: bool
    ) -> SearchResult:
        """Operators alone: the newest matching messages the store confirms, counted by the store."""
        answer = self._msearch([filtered_request(where, limit)])[0]
        ids = [h["_id"] for h in answer["hits"]["hits"]]
        rows = self.store.hits_among(viewer, ids, query.filters)
        result.hits = [hit_from_row(rows[i]) for i in ids if i in rows]
        if facets:
            count_facets(result, self.store, viewer, query.filters)
        return result

    def _run(
        self, lexical: Body | None, knn: Body | None, pool: int, facets: bool
    ) -> tuple[_Ranked, _Ranked, list[str]]:
        """The BM25 ranking, the kNN ranking and (with ``facets``) the ids of the best
        :data:`~backchannel.search.FACET_SCOPE` keyword matches, in one round trip."""
        bodies: list[Body] = []
        if lexical is not None:
            bodies.append(bm25_request(lexical, pool))
        if knn is not None:
            bodies.append(knn_request(knn, pool))
        if facets and lexical is not None:
            bodies.append(scope_request(lexical, FACET_SCOPE))
        answers = iter(self._msearch(bodies))
        bm25 = _ranked(next(answers)) if lexical is not None else _Ranked([], {}, {})
        vector = _ranked(next(answers), cosine=True) if knn is not None else _Ranked([], {}, {})
        scope = next(answers, None)
        return bm25, vector, [h["_id"] for h in scope["hits"]["hits"]] if scope else []

    def _msearch(self, bodies: Sequence[Body]) -> list[dict[str, Any]]:
        searches: list[Body] = []
        for body in bodies:
            searches += [{}, body]
        with translated(self.client, self.alias):
            answer = self.client.msearch(index=self.alias, searches=searches)
        responses: list[dict[str, Any]] = answer["responses"]
        for response in responses:
            if "error" in response:
                raise _item_error(response, self.alias)
        return responses

    def _query_vector(self, query: ParsedQuery) -> list[float]:
        """The query's vector: the same cached one SqliteSearch uses (``vectors.query_vector``)."""
        text = " ".join(query.phrases)
        vector = self._encode([text[:EMBED_CHARS]])[0] if self._encode else query_vector(text)
        return [float(x) for x in vector]


def _ranked(answer: dict[str, Any], *, cosine: bool = False) -> _Ranked:
    """Ids, scores and highlights of one search's hits. A kNN hit's score is turned back into the
    cosine similarity (ES scores cosine as (1 + cos) / 2), the score SqliteSearch shows."""
    hits = answer["hits"]["hits"]
    scores = {h["_id"]: (2 * h["_score"] - 1 if cosine else h["_score"]) for h in hits}
    highlights = {h["_id"]: h["highlight"] for h in hits if h.get("highlight")}
    return _Ranked([h["_id"] for h in hits], scores, highlights)


def _allowed(ranked: _Ranked, rows: dict[str, sqlite3.Row]) -> list[sqlite3.Row]:
    """The ranked messages the store confirms, in rank order."""
    return [rows[i] for i in ranked.ids if i in rows]


def _ranked_hits(bm25: _Ranked, vector: _Ranked, rows: dict[str, sqlite3.Row], limit: int) -> list[SearchHit]:
    """The same choice as SqliteSearch: one ranking alone when the other found nothing, else RRF."""
    lexical = _allowed(bm25, rows)
    near = _allowed(vector, rows)
    if not near:
        return [hit_from_row(r, score=round(bm25.scores[r["id"]], 4)) for r in lexical[:limit]]
    if not lexical:
        return [hit_from_row(r, score=round(vector.scores[r["id"]], 4)) for r in near[:limit]]
    return fuse(lexical, near, limit)


def _with_highlights(hits: list[SearchHit], highlights: dict[str, dict[str, list[str]]]) -> list[SearchHit]:
    """Each keyword hit's snippet from ES's highlight of the body, else of the subject."""
    out = []
    for hit in hits:
        marked = highlights.get(hit.message_id, {})
        fragment = (marked.get("body") or marked.get("subject") or [""])[0]
        out.append(dataclasses.replace(hit, snippet=render_snippet(fragment)) if fragment else hit)
    return out


def _item_error(response: dict[str, Any], alias: str) -> ElasticError:
    """An error in one ``_msearch`` answer, as the same error the whole request would give."""
    return api_error(int(response.get("status", 500)), response, alias)


def resolve(store: Store, filters: SearchFilters) -> Resolved:
    """``from:`` values to the ids of the people they name, each ``topic:`` to its searchable entities."""
    return Resolved(
        author_ids=store.author_ids(filters.authors) if filters.authors else (),
        topic_ids=tuple(store.topic_ids(topic) for topic in filters.topics),
    )
