"""nlp.linker: disambiguation, NIL, the supplement, and the `backchannel link` contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.kb import Candidate, KnowledgeBase
from nlp.linker import TYPE_CLASH, Linker, LinkRequest, initials, is_acronym, link_jsonl, type_agreement
from nlp.parse import load_nlp

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia"


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    return KnowledgeBase.open(SLICE, tmp_path_factory.mktemp("kbcache"))


@pytest.fixture(scope="module")
def linker(kb) -> Linker:
    return Linker(kb, threshold=0.3)


def _links(linker: Linker, text: str, **kwargs) -> dict[str, str | None]:
    return {m.text: m.entity for m in linker.link(load_nlp()(text), **kwargs)}


# (text, surface, expected Wikipedia title; None means NIL)
ROWS = [
    ("Ken Lay called the board.", "Ken Lay", "Kenneth Lay"),
    ("Kenneth Lay called the board.", "Kenneth Lay", "Kenneth Lay"),
    ("Skilling said so.", "Skilling", "Jeffrey Skilling"),
    ("We moved the app from ROR to Django.", "ROR", "Ruby on Rails"),
    ("the app is on rails now", "rails", "Ruby on Rails"),
    ("Ruby on Rails is fine.", "Ruby on Rails", "Ruby on Rails"),
    ("we closed the Angel round with our angel investor", "Angel round", "Angel investor"),
    ("we closed the Angel round with our angel investor", "angel investor", "Angel investor"),
    ("I wrote a Python script to load the data.", "Python", "Python (programming language)"),
    ("Talk to FERC about the California electricity crisis.", "FERC", "Federal Energy Regulatory Commission"),
    (
        "Talk to FERC about the California electricity crisis.",
        "California electricity crisis",
        "California electricity crisis",
    ),
    ("Apple released a new iPhone.", "Apple", "Apple Inc."),
    ("I ate an apple pie.", "apple", "Apple"),
]


@pytest.mark.parametrize(("text", "surface", "title"), ROWS)
def test_linker_links(linker, text, surface, title):
    assert _links(linker, text)[surface] == title


def test_linker_python_at_the_zoo_is_not_the_language(linker):
    links = _links(linker, "We saw a python at the zoo.")
    assert links.get("python") != "Python (programming language)"


def test_linker_angel_near_funding_prefers_the_investor(linker):
    text = "The Angel round is funding our seed stage."
    assert _links(linker, text, spans=[(4, 9)]) == {"Angel": "Angel investor"}
    assert _links(linker, "The Angel sang in the church choir.", spans=[(4, 9)])["Angel"] != "Angel investor"


def test_linker_unknown_words_are_nil(linker):
    text = "The frobnicator from Zxqwv Labs broke again."
    mentions = linker.link(load_nlp()(text), spans=[(4, 15), (21, 31)])
    assert [(m.text, m.entity) for m in mentions] == [("frobnicator", None), ("Zxqwv Labs", None)]
    assert all(m.score < linker.threshold for m in mentions)


def test_linker_threshold_turns_links_into_nil(kb):
    strict = Linker(kb, threshold=1.01)
    assert set(_links(strict, "Kenneth Lay met FERC in Houston.").values()) == {None}


def test_linker_without_supplement_misses_the_gaps(kb):
    plain = Linker(kb, threshold=0.3, extra_aliases=None)
    assert _links(plain, "We moved the app from ROR to Django.", spans=[(22, 25)])["ROR"] != "Ruby on Rails"


def test_linker_disambiguation_page_is_never_a_candidate(linker):
    assert "python" not in {c.entity_id for c in linker.candidates("python")}
    assert abs(sum(c.prior for c in linker.candidates("angel")) - 1.0) < 1e-9


def test_linker_context_entities_help_coherence(linker):
    doc = load_nlp()("Ask about the derivative.")
    alone = linker.link(doc, spans=[(14, 24)])[0]
    for thread in (["Derivative"], ["derivative"]):  # a title or an id
        with_thread = linker.link(doc, spans=[(14, 24)], context_entities=thread)[0]
        assert with_thread.entity == alone.entity == "Derivative"
        assert with_thread.score > alone.score


def test_linker_context_picks_the_sense(linker):
    assert _links(linker, "Our derivative desk hedges the swap book.", spans=[(4, 14)]) == {
        "derivative": "Derivative (finance)"
    }
    assert _links(linker, "Take the derivative of the function.", spans=[(9, 19)]) == {
        "derivative": "Derivative"
    }


@pytest.mark.parametrize(
    ("label", "kb_type", "expected"),
    [
        ("PERSON", "person", 1.0),
        ("PERSON", "place", TYPE_CLASH),
        ("ORG", "technology", 0.0),
        ("GPE", "unknown", 0.0),
        ("ALIAS", "concept", 0.0),
    ],
)
def test_linker_type_agreement(label, kb_type, expected):
    assert type_agreement(label, kb_type) == expected


def test_linker_link_jsonl_contract(linker):
    text = "Ken Lay likes Ruby on Rails."
    lines = [
        json.dumps({"id": "a", "text": text}),
        json.dumps({"id": "b", "text": text, "mentions": [{"start": 0, "end": 7}]}),
        json.dumps({"id": "c", "text": text, "mentions": [{"start": 5, "end": 99}]}),
        json.dumps({"id": "d", "text": text, "mentions": [{"begin": 0}]}),
        "not json",
        json.dumps({"id": "e"}),
    ]
    out = [json.loads(x) for x in link_jsonl(lines, linker)]
    assert [o.get("id") for o in out] == ["a", "b", "c", "d", None, "e"]
    found = {(m["text"], m["entity"]) for m in out[0]["mentions"]}
    assert {("Ken Lay", "Kenneth Lay"), ("Ruby on Rails", "Ruby on Rails")} <= found
    for m in out[0]["mentions"]:
        assert set(m) == {"start", "end", "text", "entity", "score"}
        assert text[m["start"] : m["end"]] == m["text"]
    (given,) = out[1]["mentions"]
    assert given == {
        "start": 0,
        "end": 7,
        "text": "Ken Lay",
        "entity": "Kenneth Lay",
        "score": given["score"],
    }
    assert all("error" in o for o in out[2:])


@pytest.mark.parametrize(
    ("title", "acronyms"),
    [
        ("Ruby on Rails", {"ROR", "RR"}),
        ("Kenneth Lay", {"KL"}),
        ("Federal Energy Regulatory Commission", {"FERC"}),
        ("Python (genus)", set()),
        ("Portland, Oregon", set()),
    ],
)
def test_linker_initials(title, acronyms):
    assert initials(title) == acronyms


@pytest.mark.parametrize(
    ("text", "expected"), [("FERC", True), ("KL", True), ("RoR", True), ("Rails", False)]
)
def test_linker_is_acronym(text, expected):
    assert is_acronym(text) is expected


def test_linker_acronym_spelled_by_a_thread_entity(linker):
    doc = load_nlp()("KL wants the deck by Friday.")
    alone = linker.link(doc, spans=[(0, 2)])[0]
    in_thread = linker.link(doc, spans=[(0, 2)], context_entities=["Kenneth Lay"])[0]
    assert alone.entity != "Kenneth Lay"
    assert in_thread.entity == "Kenneth Lay"


def test_linker_context_words_pick_the_investor(linker):
    doc = load_nlp()("Talk to the angel before Friday.")
    span = [(12, 17)]
    assert linker.link(doc, spans=span)[0].entity != "Angel investor"
    words = ["startups", "funding", "seed"]
    assert linker.link(doc, spans=span, context_words=words)[0].entity == "Angel investor"


def test_linker_plural_uses_the_supplement_of_its_singular(linker):
    assert "angel_investor" in {c.entity_id for c in linker.candidates("angels")}


def test_linker_all_caps_name_of_a_real_article_links(linker):
    links = _links(linker, "AZURIX and ENRON are Corporate Sponsors for the Houston Ball.")
    assert links["ENRON"] == "Enron"


@pytest.mark.parametrize(("popularity", "kept"), [(0.69, False), (2.2, True)])
def test_linker_bare_all_caps_page_needs_redirects_to_count(linker, popularity, kept):
    bare = Candidate("ect", "Ect", 1.0, "title", "", "unknown", popularity)
    assert (linker._usable([bare], "ORG", "ECT") == [bare]) is kept


def test_linker_fuzzy_candidates_for_a_misspelt_organisation(linker):
    doc = load_nlp()("The Federal Energy Regulatory Comission approved the tariff.")
    (found,) = [m for m in linker.link(doc) if "Comission" in m.text]
    assert found.label == "ORG"
    assert found.entity == "Federal Energy Regulatory Commission"


def test_linker_no_fuzzy_match_for_people(linker):
    # A private "Kenneth Laye" is one letter from Kenneth Lay: the KB would offer him,
    # but a person's name is never matched approximately.
    assert linker.kb.fuzzy_keys("Kenneth Laye") == ["kenneth lay"]
    doc = load_nlp()("Kenneth Laye called the board on Monday.")
    people = [i for i in linker._first_pass(LinkRequest(doc)) if i.label == "PERSON"]
    assert people and all(i.cands == [] for i in people)
