"""Facets, "did you mean", thread groups and the JSON API, and that none of them opens a door.

On the built fixtures Tomás is in #general and #engineering only; #leadership
(Nina, Raj, Sam) and the Raj-Lena DM are closed to him. "observer" is written
in two #leadership messages and nowhere else.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from backchannel.query import parse_query
from backchannel.records import Viewer
from backchannel.search import SearchResult, search, thread_groups
from backchannel.settings import Settings
from backchannel.store import Store
from backchannel.suggest import did_you_mean
from tests.conftest import cli_json, viewer_of
from tests.webdata import ALICE, CAROL, DM_WORD, PRIVATE_WORD, WebData, build, login
from web import create_app

PRIVATE = {"leadership", "dm:lena,raj"}
ALL = Viewer(everything=True)


@pytest.fixture(scope="module")
def store(built_settings: Settings):
    with Store.open(built_settings.database_path) as s:
        yield s


def _facet(result: SearchResult, name: str) -> dict[str, int]:
    return {v.label: v.count for v in result.facets.get(name, [])}


QUERIES = ("bluebird", "pilot pricing", "angel", "cutover", "in:#engineering", "during:2026", "gas")


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("who", ["slack:U05THERRRA", "slack:U05RPATEL1", "phillip.allen@enron.com", None])
def test_facets_count_exactly_the_messages_the_viewer_gets(store, query: str, who: str | None) -> None:
    """With room for every match, the facets add up to the viewer's own hits: nothing else is counted."""
    viewer = viewer_of(store, who) if who else Viewer()
    result = search(store, viewer, query, limit=1000)
    hits = result.hits
    assert result.total == len(hits)
    assert sum(v.count for v in result.facets.get("source", [])) == len(hits)
    containers = Counter(
        f"#{h.container}" if h.citation and h.citation.kind.startswith("slack") else h.container for h in hits
    )
    assert len(containers) <= 10  # every value fits in the facet
    assert _facet(result, "container") == dict(containers)
    assert _facet(result, "year") == dict(Counter(f"{h.timestamp:%Y}" for h in hits))
    assert _facet(result, "person") == dict(Counter(h.author_name for h in hits))


def test_a_non_member_sees_no_private_facet_value_or_count(store) -> None:
    tomas, raj = viewer_of(store, "slack:U05THERRRA"), viewer_of(store, "slack:U05RPATEL1")
    for query in ("bluebird", "pilot", "observer", "in:leadership", "from:U05RPATEL1"):
        theirs = search(store, tomas, query, limit=1000)
        labels = {v.label.lstrip("#") for v in theirs.facets.get("container", [])}
        assert not labels & PRIVATE, query
    mine = search(store, raj, "bluebird", limit=1000)
    theirs = search(store, tomas, "bluebird", limit=1000)
    assert "#leadership" in _facet(mine, "container")
    assert mine.total > theirs.total  # Raj's own private messages are counted for him, and only for him
    assert search(store, tomas, "observer").total == 0 and search(store, tomas, "observer").facets == {}


def test_facets_refine_to_what_they_count(store) -> None:
    result = search(store, ALL, "bluebird", limit=1000)
    assert [f for f in ("source", "container", "person", "topic", "year") if result.facets.get(f)]
    for name in ("source", "container", "person", "year"):
        for value in result.facets[name]:
            narrowed = search(store, ALL, f"bluebird {value.refine}", limit=1000)
            assert narrowed.total == value.count, (name, value)
    assert {v.label for v in result.facets["source"]} == {"Slack"}


def test_topic_facet_counts_messages_linked_to_the_topic(store) -> None:
    result = search(store, ALL, "gas", limit=1000)
    assert result.facets["topic"], "the fixture mail about gas links topics"
    for value in result.facets["topic"][:3]:
        assert value.refine.startswith("topic:")
        assert search(store, ALL, f"gas {value.refine}", limit=1000).total == value.count


def test_source_operator_narrows_to_mail_or_slack(store) -> None:
    mail = search(store, ALL, "source:mail", limit=1000).hits
    slack = search(store, ALL, "source:slack", limit=1000).hits
    assert mail and slack
    assert {h.citation.kind for h in mail} == {"maildir"}
    assert {h.citation.kind for h in slack} == {"slack_export"}
    assert search(store, ALL, "source:maildir", limit=1000).total == len(mail)


def test_did_you_mean_corrects_from_what_the_viewer_may_read(store) -> None:
    tomas, raj = viewer_of(store, "slack:U05THERRRA"), viewer_of(store, "slack:U05RPATEL1")
    assert search(store, ALL, "stagng").suggestion == "staging"
    assert search(store, tomas, "bluebrd monolith").suggestion == "bluebird monolith"
    # "Pricing for Bluebird ... Two pilots agreed" is a #leadership message: the corrected query
    # must find what he may read ("Bluebird" and "pricing" also meet in #engineering, now that the
    # codename is no longer scrubbed there as a person's name)
    assert search(store, tomas, "bluebrd pilots").suggestion == ""
    assert search(store, ALL, "bluebrd pilots").suggestion == "bluebird pilots"
    assert search(store, raj, "obsever").suggestion == "observer"
    # "observer" is a word of #leadership only: a non-member is never offered it
    assert search(store, tomas, "obsever").suggestion == ""
    assert search(store, Viewer(), "obsever").suggestion == ""
    assert search(store, ALL, "staging").suggestion == ""  # nothing to correct


def test_suggestions_come_only_from_readable_messages_even_before_the_final_check(store) -> None:
    """Two locks: the vocabulary word must be found in a message the viewer may read, and the
    corrected query must then find something. This proves the first on its own."""
    tomas, raj = viewer_of(store, "slack:U05THERRRA"), viewer_of(store, "slack:U05RPATEL1")
    assert did_you_mean(store, raj, "obsever", parse_query("obsever")) == "observer"
    assert did_you_mean(store, tomas, "obsever", parse_query("obsever")) == ""
    assert store.surface_forms(tomas, "observ") == set()
    assert store.surface_forms(raj, "observ") == {"observer"}


def test_hits_group_by_thread_best_first(store) -> None:
    hits = search(store, ALL, "raptor", limit=1000).hits
    groups = thread_groups(hits)
    assert sum(len(g) for g in groups) == len(hits)
    assert len({g[0].thread_id for g in groups}) == len(groups)
    assert all(len({h.thread_id for h in g}) == 1 for g in groups)
    firsts = [hits.index(g[0]) for g in groups]
    assert firsts == sorted(firsts) and firsts[0] == 0
    assert any(len(g) > 1 for g in groups), "the Raptor mail threads have replies"


def test_cli_json_has_facets_total_threads_and_suggestion(built_settings: Settings) -> None:
    mine = cli_json(
        built_settings, "search", "bluebird", "--json", "--as", "raj@tidewater.dev", "--limit", "500"
    )
    theirs = cli_json(built_settings, "search", "bluebird", "--json", "--as", "U05THERRRA", "--limit", "500")
    assert mine["total"] == len(mine["hits"]) and theirs["total"] == len(theirs["hits"])
    assert "#leadership" in {v["label"] for v in mine["facets"]["container"]}
    assert "#leadership" not in {v["label"] for v in theirs["facets"]["container"]}
    assert sorted(m for t in theirs["threads"] for m in t) == sorted(h["message_id"] for h in theirs["hits"])
    assert cli_json(built_settings, "search", "obsever", "--json", "--as", "U05THERRRA")["suggestion"] == ""
    assert (
        cli_json(built_settings, "search", "obsever", "--json", "--as", "raj@tidewater.dev")["suggestion"]
        == "observer"
    )


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_facets"))


def _api(client, q: str, **params: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(True)
    return response.get_json()


@pytest.mark.parametrize("word", [PRIVATE_WORD, DM_WORD])
def test_json_api_shows_private_words_only_to_members(web: WebData, word: str) -> None:
    outsider = create_app(web.settings, {"TESTING": True}).test_client()
    login(outsider, CAROL)
    member = create_app(web.settings, {"TESTING": True}).test_client()
    login(member, ALICE)
    anonymous = create_app(web.settings, {"TESTING": True}).test_client()
    for client in (outsider, anonymous):
        body = _api(client, word)
        assert body["hits"] == [] and body["total"] == 0 and body["facets"] == {}
        assert word not in json.dumps(body).replace(f'"query": "{word}"', "")
        assert _api(client, word[:-1] + "x" + word[-1])["suggestion"] == ""
    found = _api(member, word)
    assert found["hits"] and found["total"] == len(found["hits"])
    assert found["hits"][0]["citation"]["permalink"].startswith("/thread/")


def test_json_api_explains_bad_requests(web: WebData) -> None:
    client = create_app(web.settings, {"TESTING": True}).test_client()
    missing = client.get("/api/search")
    assert missing.status_code == 400 and "Give a query" in missing.get_json()["error"]
    assert client.get("/api/search?q=x&limit=lots").status_code == 400
    assert _api(client, "annual report foo:bar")["problems"]


def test_search_page_shows_facets_suggestion_and_threads(built_settings: Settings, tmp_path: Path) -> None:
    client = create_app(built_settings, {"TESTING": True}).test_client()
    html = client.get("/search", query_string={"q": "bluebird"}).get_data(as_text=True)
    assert 'id="facet-container"' in html and "#engineering" in html
    assert "leadership" not in html  # anonymous: public channels only, in hits and facets alike
    assert 'href="/search?q=bluebird+in:%23engineering"' in html
    typo = client.get("/search", query_string={"q": "stagng"}).get_data(as_text=True)
    assert 'id="did-you-mean"' in typo and "staging" in typo


def test_facets_count_the_best_matches_the_viewer_may_read_when_there_are_many(store, monkeypatch) -> None:
    """Past FACET_SCOPE readable matches the counts cover the best of them and say there are more;
    whether there are more is decided on what the viewer may read, never on every match."""
    import backchannel.search as search_module

    monkeypatch.setattr(search_module, "FACET_SCOPE", 2)
    monkeypatch.setattr(search_module, "POOL", 2)
    tomas, raj = viewer_of(store, "slack:U05THERRRA"), viewer_of(store, "slack:U05RPATEL1")
    many = search(store, ALL, "bluebird", limit=2, mode="bm25")
    assert many.more and many.total == 2 == sum(v.count for v in many.facets["source"])
    # "observer": two #leadership messages. Raj reads both (no more beyond them), Tomás none:
    # nothing tells him that messages he cannot read hold the word.
    mine = search(store, raj, "observer", limit=2, mode="bm25")
    assert (mine.total, mine.more) == (2, False)
    hidden = search(store, tomas, "observer", limit=2, mode="bm25")
    assert (hidden.total, hidden.more, hidden.facets) == (0, False, {})
    # "pricing": seven messages, one of them in a channel he reads
    assert search(store, ALL, "pricing", limit=2, mode="bm25").more
    pricing = search(store, tomas, "pricing", limit=2, mode="bm25")
    assert (pricing.total, pricing.more) == (1, False)
