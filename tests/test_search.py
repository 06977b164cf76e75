from pathlib import Path

import pytest

from backchannel.records import Address, BuiltMessage, RawMessage, Viewer, Visibility
from backchannel.search import parse_query, render_snippet, search
from backchannel.store import MARK_CLOSE, MARK_OPEN, Store
from tests.test_store import raw


@pytest.mark.parametrize(
    "text, phrases, excluded, fts",
    [
        ("gas price", ("gas", "price"), (), '"gas" "price"'),
        ('"natural gas" -coal', ("natural gas",), ("coal",), '("natural gas") NOT "coal"'),
        ('AND OR NOT (x* "', ("AND", "OR", "NOT", "x"), (), '"AND" "OR" "NOT" "x"'),
        ("e-mail", ("e", "mail"), (), '"e" "mail"'),
        ("-only", (), ("only",), None),
    ],
)
def test_search_parse_query_quotes_everything(text, phrases, excluded, fts) -> None:
    q = parse_query(text)
    assert q.phrases == phrases
    assert q.excluded == excluded
    if fts is not None:
        assert q.fts() == fts


def test_search_render_snippet_escapes_then_marks() -> None:
    html = render_snippet(f"<script>x</script> {MARK_OPEN}gas{MARK_CLOSE}")
    assert html == "&lt;script&gt;x&lt;/script&gt; <mark>gas</mark>"


@pytest.fixture
def indexed(store: Store, tmp_path: Path) -> Store:
    sid = store.source_id("maildir", tmp_path)
    texts = {
        "a": "Natural gas prices in California keep rising",
        "b": "The gas pipeline outage in Houston",
        "c": "Lunch on Friday?",
    }
    with store.transaction():
        for key in texts:
            r = raw(key, "ann@x.com", public=True, thread=key)
            store.add_raw(sid, r)
    for key, text in texts.items():
        store.save_built(BuiltMessage(key, f"About {key}", text, text, [], [], {}))
    return store


def test_search_ranks_and_highlights(indexed: Store) -> None:
    result = search(indexed, Viewer(), "natural gas")
    assert [h.message_id for h in result.hits] == ["a"]
    assert "<mark>Natural</mark> <mark>gas</mark>" in result.hits[0].snippet
    assert not result.relaxed


def test_search_stems_and_relaxes(indexed: Store) -> None:
    assert {h.message_id for h in search(indexed, Viewer(), "pipelines").hits} == {"b"}
    relaxed = search(indexed, Viewer(), "pipeline lunch")
    assert relaxed.relaxed and {h.message_id for h in relaxed.hits} == {"b", "c"}


def test_search_exclusion_and_empty_query(indexed: Store) -> None:
    assert {h.message_id for h in search(indexed, Viewer(), "gas -houston").hits} == {"a"}
    empty = search(indexed, Viewer(), "-gas")
    assert empty.hits == [] and "at least one word" in empty.message


def test_search_respects_access(store: Store, tmp_path: Path) -> None:
    sid = store.source_id("slack_export", tmp_path)
    dm = RawMessage(
        id="dm1",
        source="slack_export",
        locator="dm/1",
        container="dm:ann,bob",
        author=Address("slack:U1", "Ann"),
        timestamp=raw("x", "a@x").timestamp,
        body="",
        visibility=Visibility.RESTRICTED,
        access=["slack:U1", "slack:U2"],
    )
    with store.transaction():
        store.add_raw(sid, dm)
        store.person_for(Address("slack:U3", "Eve"))
    store.save_built(BuiltMessage("dm1", "", "the merger codename", "the merger codename", [], [], {}))
    eve = store.person_by_key("slack:U3")
    bob = store.person_by_key("slack:U2")
    assert search(store, Viewer(person_id=eve), "merger").hits == []
    assert search(store, Viewer(), "merger").hits == []
    assert [h.message_id for h in search(store, Viewer(person_id=bob), "merger").hits] == ["dm1"]


@pytest.fixture
def gassy(store: Store, tmp_path: Path) -> Store:
    """150 messages about gas; one of them about a flood too."""
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        for n in range(150):
            store.add_raw(sid, raw(f"g{n}", "ann@x.com", public=True, thread=f"g{n}"))
    for n in range(150):
        text = "Gas prices again" + (", and the flood in Houston" if n == 7 else "")
        store.save_built(BuiltMessage(f"g{n}", "Daily note", text, text, [], [], {}))
    return store


def test_search_relaxed_query_needs_a_rare_word(gassy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert gassy.word_counts(["Gas", "floods", "turbine", "gas prices"], cap=100) == {
        "gas": 100,
        "floods": 1,
        "turbine": 0,
        "gas prices": 100,
    }
    assert gassy.word_counts(["gas"], cap=1000) == {"gas": 150} and gassy.indexed_count() == 150
    result = search(gassy, Viewer(), "gas flood turbine", mode="bm25")
    assert result.relaxed and [h.message_id for h in result.hits] == ["g7"]
    monkeypatch.setattr("backchannel.search.COMMON_SHARE", None)
    everything = search(gassy, Viewer(), "gas flood turbine", mode="bm25", limit=200)
    assert everything.hits[0].message_id == "g7" and len(everything.hits) == 150
    # A word no message holds does not make the others optional: "annual xylophone" finds "annual".
    monkeypatch.setattr("backchannel.search.COMMON_SHARE", 0.02)
    assert len(search(gassy, Viewer(), "gas xylophone", mode="bm25", limit=200).hits) == 150


def test_ranked_matches_asks_again_until_enough_are_readable(store: Store, tmp_path: Path) -> None:
    """400 messages hold "gas"; bob may read 6 of them, the least relevant ones: the first
    ask (a few hundred matches) finds none he may read, the next ones must find all six."""
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        for n in range(400):
            store.add_raw(sid, raw(f"m{n:03d}", "ann@x.com", access=["bob@x.com"] if n >= 394 else []))
    for n in range(400):
        # Fewer mentions of gas in longer text: later messages rank lower.
        text = "gas " * (3 if n < 394 else 1) + "filler " * (n // 10)
        store.save_built(BuiltMessage(f"m{n:03d}", "Note", text, text, [], [], {}))
    bob = Viewer(person_id=store.person_by_key("bob@x.com"))
    ranked, more = store.ranked_matches(bob, '"gas"', 4)
    everyone, _ = store.ranked_matches(Viewer(everything=True), '"gas"', 400)
    readable = [m for m in everyone if m.message_id >= "m394"]
    assert [m.message_id for m in ranked] == [m.message_id for m in readable[:4]] and more
    assert {m.message_id for m in store.ranked_matches(bob, '"gas"', 10)[0]} == {
        f"m{n}" for n in range(394, 400)
    }
    assert not store.ranked_matches(bob, '"gas"', 10)[1]


def test_search_relaxed_query_of_common_words_needs_the_rarest(
    indexed: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backchannel.search.COMMON_MIN", 0)  # three messages: every word is common
    result = search(indexed, Viewer(), "gas lunch", mode="bm25")
    assert result.relaxed and [h.message_id for h in result.hits] == ["c"]  # "lunch": 1, "gas": 2
    monkeypatch.setattr("backchannel.search.COMMON_SHARE", None)
    assert {h.message_id for h in search(indexed, Viewer(), "gas lunch", mode="bm25").hits} == {"a", "b", "c"}
