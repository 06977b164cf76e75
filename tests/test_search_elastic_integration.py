"""The Elasticsearch backend against a real cluster: set ELASTICSEARCH_URL to run these.

    docker compose -f compose/elasticsearch.yml up -d
    ELASTICSEARCH_URL=http://localhost:9200 .venv/bin/pytest tests/test_search_elastic_integration.py

Each run works under its own alias (``backchannel-test-<random>``) and deletes
its indices and template afterwards. Tomás is in #general and #engineering
only; #leadership and the Raj-Lena DM are closed to him; mail is never public.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest

from backchannel.elastic import ElasticSearch, client_for, rebuild_index
from backchannel.query import parse_query
from backchannel.records import Viewer
from backchannel.search import SqliteSearch
from backchannel.settings import Settings
from backchannel.store import Store
from tests.test_search_elastic import _assert_same_facets, _viewers

URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test against"
)

ALL = Viewer(everything=True)
PRIVATE = {"leadership", "dm:lena,raj"}
#: Words (no stop words) and phrases both backends must find in the same messages.
WORD_QUERIES = ["cutover", "gas prices", "natural gas", '"schema draft"', "trading", "pipeline -california"]
#: Queries of operators alone: the same messages, total and facets for every viewer.
OPERATOR_QUERIES = [
    "in:#engineering",
    "in:INBOX",
    "source:mail",
    "source:slack",
    "from:Allen",
    "from:U05RPATEL1",
    'topic:"Natural gas"',
    "during:2001",
    "after:2026-03-04",
    "has:attachment",
    "in:leadership",
    'in:"dm:lena,raj"',
]


@pytest.fixture(scope="module")
def es_settings(built_settings: Settings) -> Iterator[Settings]:
    alias = f"backchannel-test-{uuid.uuid4().hex[:8]}"
    settings = built_settings.with_overrides(
        elasticsearch_url=URL, elasticsearch_index=alias, search_backend="elasticsearch"
    )
    with Store.open(settings.database_path) as store:
        rebuild_index(store, settings, quiet=True)
    yield settings
    client = client_for(settings)
    client.indices.delete(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)
    client.indices.delete_index_template(name=alias)


@pytest.fixture(scope="module")
def store(es_settings: Settings) -> Iterator[Store]:
    with Store.open(es_settings.database_path) as s:
        yield s


def _es(store: Store, settings: Settings, mode: str = "hybrid") -> ElasticSearch:
    return ElasticSearch.from_settings(store, settings, mode)


def test_rebuild_indexed_every_built_message_with_its_vector(store, es_settings) -> None:
    client = client_for(es_settings)
    (index,) = client.indices.get_alias(name=es_settings.elasticsearch_index).body
    count = client.count(index=es_settings.elasticsearch_index)["count"]
    assert count == store.built_count() > 50
    with_vector = client.count(index=index, query={"exists": {"field": "vector"}})["count"]
    assert with_vector == count


@pytest.mark.parametrize("text", WORD_QUERIES)
def test_words_find_the_messages_sqlite_finds(store, es_settings, text) -> None:
    for name, viewer in _viewers(store).items():
        ours = _es(store, es_settings, "bm25").search(viewer, parse_query(text), 500)
        theirs = SqliteSearch(store, "bm25").search(viewer, parse_query(text), 500)
        assert {h.message_id for h in ours.hits} == {h.message_id for h in theirs.hits}, (text, name)
        assert ours.total == theirs.total, (text, name)
        assert all("<mark>" in h.snippet for h in ours.hits), text


@pytest.mark.parametrize("text", OPERATOR_QUERIES)
def test_operators_find_the_messages_total_and_facets_sqlite_finds(store, es_settings, text) -> None:
    for name, viewer in _viewers(store).items():
        ours = _es(store, es_settings).search(viewer, parse_query(text), 500)
        theirs = SqliteSearch(store).search(viewer, parse_query(text), 500)
        assert {h.message_id for h in ours.hits} == {h.message_id for h in theirs.hits}, (text, name)
        assert ours.total == theirs.total, (text, name)
        _assert_same_facets(ours.facets, theirs.facets)


def test_vectors_find_what_keywords_cannot(store, es_settings) -> None:
    schema = "Schema draft for"
    assert not any(
        schema in h.snippet
        for h in _es(store, es_settings, "bm25").search(ALL, parse_query("payment data model"), 20).hits
    )
    for mode in ("vector", "hybrid"):
        hits = _es(store, es_settings, mode).search(ALL, parse_query("payment data model"), 20).hits
        assert any(schema in h.snippet for h in hits), mode


def test_a_non_member_sees_nothing_private_through_hits_facets_or_counts(store, es_settings) -> None:
    tomas = _viewers(store)["tomas"]
    for text in (
        "hiring plan and pricing",
        "social security number",
        "bot token",
        "from:U05RPATEL1",
        "during:2026",
    ):
        for mode in ("bm25", "vector", "hybrid"):
            result = _es(store, es_settings, mode).search(tomas, parse_query(text), 200)
            assert not {h.container for h in result.hits} & PRIVATE, (text, mode)
            labels = {v.label.lstrip("#") for v in result.facets.get("container", [])}
            assert not labels & PRIVATE, (text, mode)
    for text in ("in:leadership", 'in:"dm:lena,raj"'):
        result = _es(store, es_settings).search(tomas, parse_query(text), 50)
        assert result.hits == [] and result.total == 0 and result.facets == {}
    anonymous = _es(store, es_settings).search(Viewer(), parse_query("source:mail"), 50)
    assert anonymous.hits == [] and anonymous.total == 0


def test_searches_keep_working_while_the_alias_moves(es_settings) -> None:
    failures: list[str] = []
    done = threading.Event()
    counted: list[int] = []

    def search_until_done() -> None:
        with Store.open(es_settings.database_path) as own:  # a store is one thread's
            backend = _es(own, es_settings, "bm25")
            while not done.is_set():
                try:
                    counted.append(len(backend.search(ALL, parse_query("gas"), 20).hits))
                except Exception as exc:  # noqa: BLE001 (any failure is the finding)
                    failures.append(repr(exc))

    client = client_for(es_settings)
    alias = es_settings.elasticsearch_index
    (before,) = client.indices.get_alias(name=alias).body
    thread = threading.Thread(target=search_until_done)
    thread.start()
    try:
        with Store.open(es_settings.database_path) as own:
            stats = rebuild_index(own, es_settings, quiet=True)
    finally:
        done.set()
        thread.join()
    assert failures == []
    assert counted and min(counted) > 0
    assert stats.replaced == (before,)
    assert set(client.indices.get_alias(name=alias).body) == {stats.index}
    assert not client.indices.exists(index=before)
