"""Pure functions that build Elasticsearch request bodies. No I/O here.

Every body carries :func:`search_filter`: the viewer's access (the store's
rule, ``store.reads.visible_clause``) and the query's operators (the meaning
of ``store.reads.filter_clause``). Operator values that need the database
(``from:`` people, ``topic:`` entities) arrive already resolved in
:class:`Resolved`, so these functions stay pure and testable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backchannel.query import ParsedQuery
from backchannel.records import SOURCE_GROUPS, SearchFilters, Viewer
from backchannel.search import MIN_SIMILARITY
from backchannel.store import MARK_CLOSE, MARK_OPEN

Body = dict[str, Any]

#: Searched text fields; a subject match weighs 3x, like SQLite's ``bm25(messages_fts, 0.0, 3.0, 1.0)``.
TEXT_FIELDS = ("subject^3", "body")
#: Nearest-neighbour candidates looked at per shard, per hit wanted (recall against speed).
CANDIDATES_PER_HIT = 5
#: ES's ceiling on ``num_candidates``.
MAX_CANDIDATES = 10_000
#: Characters of a body highlight (about SQLite's 24-token snippet).
FRAGMENT_CHARS = 160


@dataclass(frozen=True)
class Resolved:
    """Operator values the store resolved: ``from:`` to person ids, each ``topic:`` to entity ids."""

    author_ids: tuple[int, ...] = ()
    topic_ids: tuple[tuple[str, ...], ...] = ()  # one tuple per topic: operator; every one must hold


def access_filter(viewer: Viewer) -> Body:
    """What ``viewer`` may read: everything, public messages only, or public ones and its access list's."""
    if viewer.everything:
        return {"match_all": {}}
    public = {"term": {"visibility": "public"}}
    if viewer.person_id is None:
        return public
    return {"bool": {"should": [public, {"term": {"access": viewer.person_id}}], "minimum_should_match": 1}}


def operator_filters(filters: SearchFilters, resolved: Resolved) -> list[Body]:
    """One clause per operator; all must hold (the same operator twice means either)."""
    clauses: list[Body] = []
    if filters.authors:
        clauses.append(_terms("author_id", resolved.author_ids))
    if filters.containers:
        clauses.append(_terms("container", filters.containers))  # the field's normalizer folds case
    if filters.sources:
        clauses.append(_any_of([_source(value) for value in filters.sources]))
    clauses.extend(_terms("topics", ids) for ids in resolved.topic_ids)
    if filters.since is not None or filters.until is not None:
        period: dict[str, int] = {}
        if filters.since is not None:
            period["gte"] = _millis(filters.since.timestamp())
        if filters.until is not None:
            period["lt"] = _millis(filters.until.timestamp())
        clauses.append({"range": {"ts": period}})
    if filters.has_attachment:
        clauses.append({"term": {"has_attachment": True}})
    return clauses


def search_filter(viewer: Viewer, filters: SearchFilters, resolved: Resolved) -> Body:
    """The viewer's access and the query's operators: the one filter every request carries."""
    return {"bool": {"filter": [access_filter(viewer), *operator_filters(filters, resolved)]}}


def bm25_query(query: ParsedQuery, where: Body, *, any_term: bool = False) -> Body:
    """Every word or phrase must match (``any_term``: at least one), none of the exclusions may."""
    # A stop word alone has no terms: required, it holds for every message (SQLite finds it almost
    # everywhere); as one of any words it holds for none, as SQLite's relaxed query leaves it out.
    wanted = [_phrase(p, zero_terms="none" if any_term else "all") for p in query.phrases]
    clause: Body = {"filter": [where]}
    if any_term:
        clause.update(should=wanted, minimum_should_match=1)
    else:
        clause["must"] = wanted
    if query.excluded:
        clause["must_not"] = [_phrase(t, zero_terms="none") for t in query.excluded]
    return {"bool": clause}


def knn_section(vector: Sequence[float], k: int, where: Body, excluded: Sequence[str] = ()) -> Body:
    """The nearest ``k`` messages among those ``where`` keeps (a pre-filter, so ``k`` are found if they
    exist), at least :data:`~backchannel.search.MIN_SIMILARITY` alike, none with an excluded word."""
    pre: Body = {"filter": [where]}
    if excluded:
        pre["must_not"] = [_phrase(t, zero_terms="none") for t in excluded]
    return {
        "field": "vector",
        "query_vector": list(vector),
        "k": k,
        "num_candidates": min(MAX_CANDIDATES, max(k * CANDIDATES_PER_HIT, 100)),
        "similarity": MIN_SIMILARITY,  # raw cosine, as SqliteSearch's cut-off
        "filter": {"bool": pre},
    }


def bm25_request(lexical: Body, size: int) -> Body:
    """Ranked keyword hits (ids, scores, highlights); ties go to the newer message, as in SQLite."""
    return {
        "query": lexical,
        "size": size,
        "sort": [{"_score": {"order": "desc"}}, {"ts": {"order": "desc"}}],
        "track_scores": True,  # a sorted search leaves _score out unless asked
        "_source": False,
        "track_total_hits": False,
        "highlight": highlight(),
    }


def knn_request(knn: Body, size: int) -> Body:
    return {"knn": knn, "size": size, "_source": False, "track_total_hits": False}


def scope_request(lexical: Body, size: int) -> Body:
    """The ids of the best ``size`` keyword matches, ranked as :func:`bm25_request` ranks them:
    what the store counts the total and facets over."""
    return {
        "query": lexical,
        "size": size,
        "sort": [{"_score": {"order": "desc"}}, {"ts": {"order": "desc"}}],
        "_source": False,
        "track_total_hits": False,
    }


def filtered_request(where: Body, size: int) -> Body:
    """A query of operators alone: matching messages newest first."""
    return {
        "query": {"bool": {"filter": [where]}},
        "size": size,
        "sort": [{"ts": {"order": "desc"}}],
        "_source": False,
        "track_total_hits": False,
    }


def highlight() -> Body:
    """Matches wrapped in the store's private-use markers, which ``search.render_snippet`` escapes
    around and turns into ``<mark>``; ES's own HTML encoder is off so nothing is escaped twice."""
    return {
        "pre_tags": [MARK_OPEN],
        "post_tags": [MARK_CLOSE],
        "fields": {
            "body": {"fragment_size": FRAGMENT_CHARS, "number_of_fragments": 1},
            "subject": {"number_of_fragments": 0},
        },
    }


def _phrase(text: str, *, zero_terms: str) -> Body:
    """``text`` as a phrase in the subject or the body; ``zero_terms`` says what a phrase of stop
    words alone (no terms left after analysis) matches: "all" or "none"."""
    return {
        "multi_match": {
            "query": text,
            "type": "phrase",
            "fields": list(TEXT_FIELDS),
            "zero_terms_query": zero_terms,
        }
    }


def _source(value: str) -> Body:
    """``source:`` a group (mail, slack), a connector kind, or a source's name."""
    kinds = SOURCE_GROUPS.get(value.casefold(), (value.casefold(),))
    return _any_of([{"terms": {"kind": list(kinds)}}, {"term": {"source": value}}])


def _terms(field: str, values: Sequence[Any]) -> Body:
    """Any of ``values``; none at all (a ``from:`` or ``topic:`` that names nobody) matches nothing."""
    return {"terms": {field: list(values)}} if values else {"match_none": {}}


def _any_of(clauses: list[Body]) -> Body:
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def _millis(seconds: float) -> int:
    """Epoch milliseconds, floored: whole-second bounds compare as SQLite's float seconds do."""
    return math.floor(seconds * 1000)
