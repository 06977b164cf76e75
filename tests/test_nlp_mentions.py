"""nlp.mentions: which spans of a message may name an entity."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.kb import KnowledgeBase
from nlp.linker import Linker
from nlp.mentions import find_mentions
from nlp.parse import load_nlp

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia"


@pytest.fixture(scope="module")
def linker(tmp_path_factory) -> Linker:
    return Linker(KnowledgeBase.open(SLICE, tmp_path_factory.mktemp("kbcache")), threshold=0.3)


def _texts(text: str, linker: Linker | None) -> list[str]:
    doc = load_nlp()(text)
    if linker is None:
        return [text[s:e] for s, e, _ in find_mentions(doc)]
    return [text[s:e] for s, e, _ in find_mentions(doc, linker.is_alias, linker.is_term)]


# (text, mentions that must be found, strings that must not be mentions)
ROWS = [
    ("Ken Lay and Kenneth Lay met at Enron.", ["Ken Lay", "Kenneth Lay", "Enron"], []),
    (
        "Talk to FERC about the California electricity crisis.",
        ["FERC", "California electricity crisis"],
        ["California", "the California electricity crisis"],
    ),
    (
        "We moved the app from ROR to rails; Ruby on Rails is fine.",
        ["ROR", "rails", "Ruby on Rails"],
        ["app"],
    ),
    (
        "we closed the Angel round with our angel investor",
        ["Angel round", "angel investor"],
        ["our angel investor", "Angel"],
    ),
    (
        "Jeff Skilling's memo on natural gas in Houston",
        ["Jeff Skilling", "natural gas", "Houston"],
        ["Jeff Skilling's", "memo"],
    ),
    (
        "<PERSON> posted in #general: see https://enron.com and mail bob@enron.com, @jeff says hi",
        [],
        ["PERSON", "general", "enron.com", "bob@enron.com", "jeff", "@jeff"],
    ),
    ("The deal closed on May 5 for $3 million and 40% of 2 plants.", [], ["May 5", "$3 million", "40%", "2"]),
    ("the frobnicator is broken", [], ["frobnicator"]),
]


@pytest.mark.parametrize(("text", "present", "absent"), ROWS)
def test_mentions_table(linker, text, present, absent):
    found = _texts(text, linker)
    for p in present:
        assert p in found
    for a in absent:
        assert a not in found


def test_mentions_never_overlap_and_are_sorted(linker):
    text = (
        "Jeff Skilling and Kenneth Lay of Enron met FERC in Houston, Texas about natural gas "
        "and Ruby on Rails."
    )
    spans = find_mentions(load_nlp()(text), linker.is_alias, linker.is_term)
    assert spans == sorted(spans)
    for (_, end, _), (start, _, _) in zip(spans, spans[1:], strict=False):
        assert end <= start


def test_mentions_without_a_dictionary_are_ner_only():
    found = _texts("We moved from ROR to rails at Enron with Kenneth Lay.", None)
    assert "Kenneth Lay" in found and "rails" not in found


def test_mentions_labels(linker):
    text = "Kenneth Lay saw a python."
    found = find_mentions(load_nlp()(text), linker.is_alias, linker.is_term)
    labels = {text[s:e]: label for s, e, label in found}
    assert labels["Kenneth Lay"] == "PERSON"
    assert labels["python"] == "ALIAS"


def test_mentions_lone_acronym_is_not_a_person(linker):
    text = "We moved the app from ROR to Django."
    doc = load_nlp()(text)
    labels = {text[s:e]: label for s, e, label in find_mentions(doc, linker.is_alias, linker.is_term)}
    assert labels.get("ROR", "ALIAS") != "PERSON"
