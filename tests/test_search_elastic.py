"""The Elasticsearch backend without a cluster: the requests it builds, the documents it indexes, and
its wire behaviour against a local stand-in (tests/elastic_standin.py).

Filters are checked by meaning, not only by shape: the stand-in's evaluator
runs the backend's access and operator filters over documents built from the
real built fixtures, and the ids they keep must be exactly the ids the
store's SQL keeps. Tomás is in #general and #engineering only; #leadership
and the Raj-Lena DM are closed to him; mail is never public.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from backchannel.cli import cli
from backchannel.elastic import BulkRetry, ElasticError, ElasticSearch, IndexingError, index_template, resolve
from backchannel.elastic.client import client_for
from backchannel.elastic.documents import documents
from backchannel.elastic.indexing import alias_actions, rebuild_index
from backchannel.elastic.mapping import DIMS, TEXT_ANALYZER, index_body
from backchannel.elastic.queries import (
    access_filter,
    bm25_query,
    highlight,
    knn_section,
    operator_filters,
    search_filter,
)
from backchannel.query import STOP_WORDS, parse_query
from backchannel.records import SearchFilters, Viewer
from backchannel.search import MIN_SIMILARITY, SqliteSearch, fuse, render_snippet, search
from backchannel.settings import Settings
from backchannel.store import MARK_CLOSE, MARK_OPEN, Store, visible_clause
from tests import elastic_standin
from tests.conftest import OUTSIDER, SECRETS, viewer_of
from tests.elastic_standin import ElasticStandIn, matches

ALL = Viewer(everything=True)
ALIAS = "backchannel-messages"
FAST = BulkRetry(max_retries=3, initial_backoff=0.01, max_backoff=0.02)


@pytest.fixture(scope="module")
def store(built_settings: Settings) -> Iterator[Store]:
    with Store.open(built_settings.database_path) as s:
        yield s


@pytest.fixture(scope="module")
def docs(store: Store) -> dict[str, dict]:
    return {d["message_id"]: d for d in documents(store)}


@pytest.fixture
def standin() -> Iterator[ElasticStandIn]:
    with elastic_standin.running() as server:
        yield server


def _viewers(store: Store) -> dict[str, Viewer]:
    return {
        "anonymous": Viewer(),
        "tomas": viewer_of(store, "slack:U05THERRRA"),
        "raj": viewer_of(store, "slack:U05RPATEL1"),
        "phillip": viewer_of(store, "phillip.allen@enron.com"),
        "everything": ALL,
    }


def _es_settings(settings: Settings, url: str, **more) -> Settings:
    return settings.with_overrides(
        elasticsearch_url=url, elasticsearch_index=ALIAS, search_backend="elasticsearch", **more
    )


# --- the index ------------------------------------------------------------------------------------


def test_template_is_strict_with_english_analysis_and_a_cosine_vector() -> None:
    template = index_template(ALIAS)
    assert template["index_patterns"] == [f"{ALIAS}-*"]  # every timestamped index, never the alias
    body = template["template"]
    assert body == index_body(DIMS)
    mappings, analysis = body["mappings"], body["settings"]["analysis"]
    assert mappings["dynamic"] == "strict"
    assert mappings["properties"]["vector"] | {"index_options": None} == {
        "type": "dense_vector",
        "dims": 384,
        "index": True,
        "similarity": "cosine",
        "index_options": None,
    }
    for text in ("subject", "body"):
        assert mappings["properties"][text] == {"type": "text", "analyzer": TEXT_ANALYZER}
    filters = analysis["analyzer"][TEXT_ANALYZER]["filter"]
    assert filters[:2] == ["lowercase", "asciifolding"]
    assert analysis["filter"][filters[-1]] == {"type": "stemmer", "language": "english"}
    assert set(analysis["filter"][filters[-2]]["stopwords"]) == STOP_WORDS | {"s", "t"}
    for keyword in ("container", "source"):
        assert mappings["properties"][keyword]["normalizer"] == "folded"
    assert mappings["properties"]["access"] == mappings["properties"]["author_id"] == {"type": "integer"}


def test_documents_hold_scrubbed_text_and_access_lists_never_raw_text(built_settings, tmp_path) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(built_settings.database_path, db)
    with Store.open(db) as s:
        s.db.execute("UPDATE messages SET raw_body = 'RAWCANARY ' || id")  # as if store_raw_text were on
        s.db.commit()
        built = {
            r[0]: r
            for r in s.db.execute("SELECT id, authored, visibility FROM messages WHERE built_at IS NOT NULL")
        }
        access = {}
        for mid, pid in s.db.execute("SELECT message_id, person_id FROM message_access"):
            access.setdefault(mid, []).append(pid)
        docs = list(documents(s, batch=7))  # several batches
    assert sorted(d["message_id"] for d in docs) == sorted(built)
    properties = index_body()["mappings"]["properties"]
    for doc in docs:
        text = json.dumps(doc)
        assert "RAWCANARY" not in text
        assert not any(secret in text for secret in SECRETS)
        assert not any(o in doc["subject"] + doc["body"] + " ".join(doc["topic_titles"]) for o in OUTSIDER)
        assert set(doc) <= set(properties)  # dynamic: strict would reject anything else
        mid = doc["message_id"]
        assert doc["body"] == (built[mid][1] or "")
        assert doc["visibility"] == built[mid][2]
        assert sorted(doc["access"]) == sorted(access.get(mid, []))
        if doc["visibility"] == "restricted":
            assert doc["access"], mid  # a restricted message nobody may read would be a bug upstream
        assert len(doc["vector"]) == DIMS
    leadership = [d for d in docs if d["container"] == "leadership"]
    assert leadership and all(d["visibility"] == "restricted" for d in leadership)


# --- filters mean what the store's SQL means --------------------------------------------------------


def _sql_visible(store: Store, viewer: Viewer) -> set[str]:
    where, params = visible_clause(viewer)
    return {r[0] for r in store.db.execute(f"SELECT m.id FROM messages m WHERE {where}", params)}


def test_access_filter_is_the_stores_rule(store, docs) -> None:
    for name, viewer in _viewers(store).items():
        kept = {mid for mid, doc in docs.items() if matches(access_filter(viewer), doc)}
        assert kept == _sql_visible(store, viewer), name
    assert access_filter(Viewer()) == {"term": {"visibility": "public"}}
    assert access_filter(ALL) == {"match_all": {}}
    tomas = _viewers(store)["tomas"]
    assert access_filter(tomas) == {
        "bool": {
            "should": [{"term": {"visibility": "public"}}, {"term": {"access": tomas.person_id}}],
            "minimum_should_match": 1,
        }
    }


OPERATOR_QUERIES = [
    "from:phillip.allen@enron.com",
    "from:PHILLIP.ALLEN@ENRON.COM",
    "from:Allen",
    "from:U05RPATEL1",
    "from:slack:U05RPATEL1",
    "from:U05RPATEL1 from:phillip.allen@enron.com",
    "from:nobody-by-that-name",
    "in:#engineering",
    "in:ENGINEERING",
    "in:general in:engineering",
    "in:leadership",
    'in:"dm:lena,raj"',
    "in:inbox",
    "source:slack",
    "source:mail",
    "source:MAILDIR",
    "source:slack_export",
    "source:nosuchsource",
    'topic:"Natural gas"',
    "topic:natural_gas",
    'topic:"natural GAS"',
    'topic:"No such topic at all"',
    'topic:"Natural gas" topic:California',
    "during:2001",
    "after:2026-03-04",
    "before:2001-06",
    "after:2001-05 before:2001-05-15",
    "has:attachment",
    "in:#engineering has:attachment",
    "source:slack from:U05RPATEL1 during:2026",
]


@pytest.mark.parametrize("text", OPERATOR_QUERIES)
def test_operator_filters_keep_what_sql_keeps(store, docs, text) -> None:
    filters = parse_query(text).filters
    assert filters, text
    for name, viewer in _viewers(store).items():
        where = search_filter(viewer, filters, resolve(store, filters))
        kept = {mid for mid, doc in docs.items() if matches(where, doc)}
        expected = {r["id"] for r in store.search_filtered(viewer, filters, limit=100_000)}
        assert kept == expected, (text, name)


def test_operators_that_name_nothing_match_nothing(store) -> None:
    filters = parse_query('from:nobody-by-that-name topic:"No such topic at all"').filters
    assert operator_filters(filters, resolve(store, filters)) == [
        {"match_none": {}},
        {"match_none": {}},
    ]
    dated = parse_query("after:2001-05 before:2001-06 has:attachment").filters
    assert operator_filters(dated, resolve(store, dated)) == [
        {"range": {"ts": {"gte": 988675200000, "lt": 991353600000}}},
        {"term": {"has_attachment": True}},
    ]


def test_grey_and_hidden_topics_are_not_searchable(built_settings, tmp_path) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(built_settings.database_path, db)
    with Store.open(db) as s:
        assert s.topic_ids("Natural gas") == ("natural_gas",)
        s.hide_topic("natural_gas", "test")
        s.db.execute("UPDATE entities SET grey = 1 WHERE id = 'california'")
        s.db.commit()
        for topic in ("Natural gas", "California"):
            filters = SearchFilters(topics=(topic,))
            assert resolve(s, filters).topic_ids == ((),)
            assert operator_filters(filters, resolve(s, filters)) == [{"match_none": {}}]
            assert s.search_filtered(ALL, filters) == []  # the SQL agrees
        built = list(documents(s))
        assert not any({"natural_gas", "california"} & set(d["topics"]) for d in built)


# --- query bodies -----------------------------------------------------------------------------------


def test_bm25_query_needs_every_word_and_phrase_and_no_exclusion() -> None:
    query = parse_query('gas prices "price cap" -weather -"rolling blackouts"')
    where = {"bool": {"filter": [{"match_all": {}}]}}
    body = bm25_query(query, where)["bool"]

    def phrase(text: str, zero: str) -> dict:
        fields = ["subject^3", "body"]
        return {"multi_match": {"query": text, "type": "phrase", "fields": fields, "zero_terms_query": zero}}

    assert body["filter"] == [where]
    assert body["must"] == [phrase("gas", "all"), phrase("prices", "all"), phrase("price cap", "all")]
    assert body["must_not"] == [phrase("weather", "none"), phrase("rolling blackouts", "none")]
    relaxed = bm25_query(query, where, any_term=True)["bool"]
    assert "must" not in relaxed
    assert relaxed["should"] == [phrase("gas", "none"), phrase("prices", "none"), phrase("price cap", "none")]
    assert relaxed["minimum_should_match"] == 1  # a stop word is left out, as SQLite's relaxed query does
    assert relaxed["must_not"] == body["must_not"] and relaxed["filter"] == [where]


def test_knn_prefilter_is_the_bm25_filter(store) -> None:
    query = parse_query("database design -invoices in:#engineering from:Raj")
    where = search_filter(_viewers(store)["tomas"], query.filters, resolve(store, query.filters))
    knn = knn_section([0.1] * DIMS, 100, where, query.excluded)
    lexical = bm25_query(query, where)
    assert knn["filter"]["bool"]["filter"] == lexical["bool"]["filter"] == [where]
    assert knn["filter"]["bool"]["must_not"] == lexical["bool"]["must_not"]
    assert knn["similarity"] == MIN_SIMILARITY and knn["field"] == "vector"
    assert knn["k"] == 100 <= knn["num_candidates"] <= 10_000
    assert len(knn["query_vector"]) == DIMS


def test_highlights_use_the_stores_markers() -> None:
    marks = highlight()
    assert marks["pre_tags"] == [MARK_OPEN] and marks["post_tags"] == [MARK_CLOSE]
    assert "encoder" not in marks  # render_snippet escapes; ES escaping too would show &amp;lt;
    fragment = f"a <b>bold</b> {MARK_OPEN}cutover{MARK_CLOSE} plan"
    assert render_snippet(fragment) == "a &lt;b&gt;bold&lt;/b&gt; <mark>cutover</mark> plan"


# --- indexing over the wire -------------------------------------------------------------------------


def _serve_old_index(standin: ElasticStandIn, name: str = f"{ALIAS}-old") -> str:
    standin.indices[name] = elastic_standin.Index(docs={"stale": {"message_id": "stale"}})
    standin.aliases[ALIAS] = {name}
    return name


def test_rebuild_retries_rejected_documents_then_swaps_the_alias_atomically(store, settings, standin) -> None:
    old = _serve_old_index(standin)
    ids = sorted(r[0] for r in store.db.execute("SELECT id FROM messages WHERE built_at IS NOT NULL"))
    busy = ids[:2]
    for mid in busy:
        standin.bulk_faults[mid] = [429, 429]  # rejected twice, accepted the third time
    stats = rebuild_index(store, _es_settings(settings, standin.url), quiet=True, retry=FAST)

    assert stats.failed == 0 and stats.indexed == stats.with_vector == len(ids)
    sent = standin.bulk_ids()
    assert all(sent.count(mid) == 3 for mid in busy) and all(sent.count(mid) == 1 for mid in ids[2:])
    assert standin.aliases == {ALIAS: {stats.index}}
    assert sorted(standin.indices[stats.index].docs) == ids
    assert old not in standin.indices and stats.replaced == (old,)
    (swap,) = standin.calls_to("POST", "/_aliases")
    assert swap.body == {
        "actions": [
            {"remove": {"index": old, "alias": ALIAS}},
            {"add": {"index": stats.index, "alias": ALIAS}},
        ]
    }
    order = [(c.method, c.path) for c in standin.calls if not c.path.endswith("/_bulk")]
    assert order.index(("POST", "/_aliases")) < order.index(
        ("DELETE", f"/{old}")
    )  # old serves until the swap
    (template,) = standin.calls_to("PUT", f"/_index_template/{ALIAS}")
    assert template.body == index_template(ALIAS)
    (create,) = standin.calls_to("PUT", f"/{stats.index}")
    assert create.body == {"settings": {"index": {"refresh_interval": "-1"}}}  # no refreshes while loading
    assert "refresh_interval" not in standin.indices[stats.index].settings["index"]  # back to the default
    assert standin.indices[stats.index].refreshed


def test_a_failed_document_is_reported_and_the_old_index_keeps_serving(store, settings, standin) -> None:
    old = _serve_old_index(standin)
    bad = store.db.execute(
        "SELECT id FROM messages WHERE built_at IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()[0]
    never = store.db.execute(
        "SELECT id FROM messages WHERE built_at IS NOT NULL ORDER BY id DESC"
    ).fetchone()[0]
    standin.bulk_faults[bad] = [400]
    standin.bulk_faults[never] = [429] * 10  # still busy after every retry
    with pytest.raises(IndexingError) as caught:
        rebuild_index(store, _es_settings(settings, standin.url), quiet=True, retry=FAST)

    stats = caught.value.stats
    assert stats.failed == 2 and stats.indexed == store.built_count() - 2
    reasons = dict(stats.failures)
    assert reasons[bad].startswith("document_parsing_exception: ")
    assert reasons[never].startswith("es_rejected_execution_exception: ")
    assert "SECRET BODY TEXT" not in str(caught.value) + json.dumps(stats.failures)  # no field values
    assert "[C043]" in str(caught.value) and "backchannel reindex --backend es" in str(caught.value)
    assert standin.aliases == {ALIAS: {old}} and set(standin.indices) == {old}  # new index dropped
    assert standin.calls_to("POST", "/_aliases") == []


def test_alias_actions_remove_every_old_index_and_add_the_new_one_in_one_request() -> None:
    assert alias_actions("a", "a-2", []) == [{"add": {"index": "a-2", "alias": "a"}}]
    assert alias_actions("a", "a-3", {"a-2", "a-1"}) == [
        {"remove": {"index": "a-1", "alias": "a"}},
        {"remove": {"index": "a-2", "alias": "a"}},
        {"add": {"index": "a-3", "alias": "a"}},
    ]


def test_cli_reindex_backend_es_embeds_then_rebuilds(built_settings, standin, tmp_path) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(built_settings.database_path, db)
    args = ["--quiet", "--data-dir", str(tmp_path), "--database", str(db), "reindex", "--backend", "es"]
    env = {"BACKCHANNEL_ELASTICSEARCH_URL": standin.url}
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    with Store.open(db) as s:
        count = s.built_count()
    assert "embedded 0 messages" in first.output
    assert f"indexed {count} messages ({count} with vectors) into {ALIAS}-" in first.output
    (index,) = standin.aliases[ALIAS]
    second = CliRunner().invoke(cli, args, env=env)
    assert second.exit_code == 0, second.output
    assert f"(replaced and deleted {index})" in second.output and index not in standin.indices


# --- searching over the wire ------------------------------------------------------------------------


@pytest.fixture
def loaded(store, settings, standin) -> ElasticStandIn:
    """The stand-in holding every built message behind the alias."""
    rebuild_index(store, _es_settings(settings, standin.url), quiet=True, retry=FAST)
    return standin


def _backend(store: Store, standin: ElasticStandIn, mode: str = "hybrid", vector=None) -> ElasticSearch:
    encode = (lambda texts: [vector or [1.0] + [0.0] * (DIMS - 1)]) if mode != "bm25" else None
    return ElasticSearch(store, client_for(_es_settings(Settings(), standin.url)), ALIAS, mode, encode=encode)


@pytest.mark.parametrize(
    "text", ["in:#engineering", "source:mail", "during:2026", "from:Allen", "has:attachment"]
)
def test_operator_queries_give_the_sqlite_backends_hits_total_and_facets(store, loaded, text) -> None:
    for name, viewer in _viewers(store).items():
        ours = _backend(store, loaded, "bm25").search(viewer, parse_query(text), 500)
        theirs = SqliteSearch(store, "bm25").search(viewer, parse_query(text), 500)
        assert {h.message_id for h in ours.hits} == {h.message_id for h in theirs.hits}, (text, name)
        assert [h.timestamp for h in ours.hits] == sorted((h.timestamp for h in ours.hits), reverse=True)
        assert ours.total == theirs.total, (text, name)
        _assert_same_facets(ours.facets, theirs.facets)


def _assert_same_facets(ours: dict, theirs: dict) -> None:
    """Equal facets, except which of several values tied for the last place made the cut."""
    assert ours.keys() == theirs.keys()
    for name in ours:
        a, b = ({v.refine: v for v in values} for values in (ours[name], theirs[name]))
        assert len(a) == len(b), name
        last = min(v.count for v in b.values())
        assert {k for k, v in a.items() if v.count > last} == {k for k, v in b.items() if v.count > last}
        assert all(a[k] == b[k] for k in a.keys() & b.keys()), name
        assert [v.count for v in ours[name]] == [v.count for v in theirs[name]], name


def test_a_non_member_gets_nothing_private_through_hits_facets_or_counts(store, loaded) -> None:
    tomas = _viewers(store)["tomas"]
    private = {"leadership", "dm:lena,raj"}
    for text in (
        "in:leadership",
        'in:"dm:lena,raj"',
        "from:U05RPATEL1",
        "during:2026",
        "hiring plan",
        "token",
    ):
        for mode in ("bm25", "hybrid"):
            result = _backend(store, loaded, mode).search(tomas, parse_query(text), 200)
            assert not {h.container for h in result.hits} & private, (text, mode)
            labels = {v.label.lstrip("#") for v in result.facets.get("container", [])}
            assert not labels & private, (text, mode)
    assert _backend(store, loaded).search(tomas, parse_query("in:leadership"), 50).total == 0
    anonymous = _backend(store, loaded).search(Viewer(), parse_query("source:mail"), 50)
    assert anonymous.hits == [] and anonymous.total == 0 and anonymous.facets == {}


def test_a_stale_document_is_dropped_by_the_stores_check(store, loaded) -> None:
    """ES says a private message matches (its document is stale); the store's check drops it."""
    private = store.db.execute("SELECT id FROM messages WHERE container = 'leadership' LIMIT 1").fetchone()[0]
    public = store.db.execute(
        "SELECT id FROM messages WHERE container = 'general' AND built_at IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    marked = {"body": [f"the {MARK_OPEN}plan{MARK_CLOSE} <script>x</script>"]}
    loaded.answers = lambda body: [(private, 9.0, marked), (public, 5.0, marked)]
    result = _backend(store, loaded, "bm25").search(Viewer(), parse_query("plan"), 10)
    assert [h.message_id for h in result.hits] == [public]
    assert result.hits[0].snippet == "the <mark>plan</mark> &lt;script&gt;x&lt;/script&gt;"
    assert result.hits[0].score == 5.0
    # Counted by the store too: the stale document adds nothing to the total or the facets.
    assert result.total == 1 and [v.label.lstrip("#") for v in result.facets["container"]] == ["general"]
    raj = _viewers(store)["raj"]
    theirs = _backend(store, loaded, "bm25").search(raj, parse_query("plan"), 10)
    assert [h.message_id for h in theirs.hits] == [private, public] and theirs.total == 2


def test_more_than_is_said_only_when_the_store_confirms_a_full_page(store, loaded, monkeypatch) -> None:
    private = store.db.execute("SELECT id FROM messages WHERE container = 'leadership' LIMIT 1").fetchone()[0]
    public = store.db.execute(
        "SELECT id FROM messages WHERE container = 'general' AND built_at IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    loaded.answers = lambda body: [(private, 9.0, {}), (public, 5.0, {})]
    monkeypatch.setattr("backchannel.elastic.backend.FACET_SCOPE", 2)  # ES's page of matches is full
    anyone = _backend(store, loaded, "bm25").search(Viewer(), parse_query("plan"), 10)
    assert (anyone.total, anyone.more) == (1, False)  # a stale document must not say "more than"
    raj = _backend(store, loaded, "bm25").search(_viewers(store)["raj"], parse_query("plan"), 10)
    assert (raj.total, raj.more) == (2, True)


def test_hybrid_fuses_both_rankings_like_the_sqlite_backend(store, loaded) -> None:
    ids = [
        r[0]
        for r in store.db.execute("SELECT id FROM messages WHERE visibility = 'public' ORDER BY id LIMIT 5")
    ]
    bm25_ids, knn_ids = ids[:3], [ids[2], ids[3], ids[4]]

    def answers(body):
        if "knn" in body:
            return [(mid, 0.9 - n / 100, {}) for n, mid in enumerate(knn_ids)]
        return [(mid, 10.0 - n, {}) for n, mid in enumerate(bm25_ids)]

    loaded.answers = answers
    fused = _backend(store, loaded, "hybrid").search(ALL, parse_query("anything"), 4).hits
    rows = store.hits_among(ALL, ids)
    expected = fuse([rows[i] for i in bm25_ids], [rows[i] for i in knn_ids], 4)
    assert [(h.message_id, h.score) for h in fused] == [(h.message_id, h.score) for h in expected]
    vector_only = _backend(store, loaded, "vector").search(ALL, parse_query("anything"), 3).hits
    assert [h.message_id for h in vector_only] == knn_ids
    assert [h.score for h in vector_only] == [0.8, 0.78, 0.76]  # ES's (1 + cos) / 2 turned back into cos


def test_no_message_with_every_word_relaxes_to_any_word(store, loaded) -> None:
    result = _backend(store, loaded, "bm25").search(ALL, parse_query("cutover zqxjv"), 20)
    assert result.relaxed and result.hits and result.total == len(result.hits)
    searches = loaded.calls_to("POST", f"/{ALIAS}/_msearch")
    assert "must" in searches[0].body[1]["query"]["bool"]
    assert searches[1].body[1]["query"]["bool"]["minimum_should_match"] == 1


def test_search_through_settings_picks_the_elasticsearch_backend(store, loaded, built_settings) -> None:
    settings = _es_settings(built_settings, loaded.url, search_vectors=False)
    result = search(store, ALL, "cutover", settings=settings)
    sqlite = search(store, ALL, "cutover", mode="bm25")
    assert {h.message_id for h in result.hits} == {h.message_id for h in sqlite.hits}
    assert result.total == len(result.hits) and "source" in result.facets
    assert loaded.calls_to("POST", f"/{ALIAS}/_msearch")


def test_a_missing_alias_says_to_reindex(store, standin) -> None:
    with pytest.raises(ElasticError, match=r"\[C041\].*backchannel reindex --backend es"):
        _backend(store, standin, "bm25").search(ALL, parse_query("cutover"), 10)


def test_an_unreachable_cluster_says_where_and_what_to_do(store, settings: Settings, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the client connects
    url = f"http://elastic:s3cret-password@127.0.0.1:{port}"
    backend = ElasticSearch.from_settings(store, _es_settings(settings, url), "bm25")
    with pytest.raises(ElasticError) as caught:
        backend.search(ALL, parse_query("cutover"), 10)
    message = str(caught.value)
    assert message.startswith("[C040]") and f"127.0.0.1:{port}" in message
    assert "s3cret" not in message and "docker compose -f compose/elasticsearch.yml" in message


def test_the_web_says_what_to_do_when_the_cluster_is_down(built_settings: Settings) -> None:
    from web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = _es_settings(built_settings, f"http://127.0.0.1:{port}")
    client = create_app(down, {"TESTING": True}).test_client()
    page = client.get("/search", query_string={"q": "cutover"})
    assert page.status_code == 503 and "[C040]" in page.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "cutover"})
    assert api.status_code == 503 and api.get_json()["error"].startswith("[C040]")
    assert client.get("/").status_code == 200  # the rest of the wiki still works
