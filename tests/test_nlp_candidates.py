"""nlp.linker candidates (issue 15): other forms of a surface, in-document names, the name index,
one-word PERSON mentions, lower-case words that are no acronyms, and the organisation's vocabulary.

The knowledge base here is built by `kb import` from a dump written in the test, so each
case has exactly the entities it needs; the fixture slice serves the rest.
"""

from __future__ import annotations

import bz2
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from nlp.kb import Candidate, KnowledgeBase, person_name_parts
from nlp.kb_import import import_dump
from nlp.linker import Linker
from nlp.parse import load_nlp
from nlp.surface import clean, variants

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia"
ARTICLES = {
    "Shakira": "{{Infobox person}}\n'''Shakira''' is a Colombian singer.",
    "Mike": "'''Mike''' is a given name. {{given name}}",  # a name page: no entity
    "Mike (film)": "'''Mike''' is a [[Comedy|comedy]] film.",
    "Chattanooga, Tennessee": "{{Infobox settlement}}\n'''Chattanooga''' is a city in Tennessee.",
    "Anaconda (film)": "{{Infobox film}}\n'''Anaconda''' is a 1997 film.",
    "Mile": "'''The mile''' is a unit of length.",
    "Multiple Integrated Laser Engagement System": "'''MILES''' is a training system.",
    "Jeffrey Skilling": "{{Infobox person}}\n'''Jeffrey Skilling''' is a businessman, former Enron CEO.",
    "Tom Skilling": "{{Infobox person}}\n'''Tom Skilling''' is an American meteorologist in Chicago.",
    "Brantford": "{{Infobox settlement}}\n'''Brantford''' is a city in Ontario.",
    "University of California, Berkeley": "'''UC Berkeley''' is a university.",
    "Comedy": "'''Comedy''' is a genre.",
}
REDIRECTS = {"Chattanooga": "Chattanooga, Tennessee", "MILES": "Multiple Integrated Laser Engagement System",
             "Miles": "Multiple Integrated Laser Engagement System"}  # fmt: skip
LINKS = "Linked: " + " ".join(f"[[{t}]]" for t in [*ARTICLES, *REDIRECTS])


def _dump(path: Path) -> Path:
    pages = [(t, None, x) for t, x in ARTICLES.items()] + [(t, r, "") for t, r in REDIRECTS.items()]
    pages.append(("Index", None, LINKS))
    xml = '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">'
    for i, (title, redirect, text) in enumerate(pages):
        red = f'<redirect title="{escape(redirect)}" />' if redirect else ""
        xml += (f"<page><title>{escape(title)}</title><ns>0</ns><id>{i}</id>{red}<revision>"
                f"<text>{escape(text)}</text></revision></page>")  # fmt: skip
    path.write_bytes(bz2.compress((xml + "</mediawiki>").encode()))
    return path


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    root = tmp_path_factory.mktemp("cands")
    import_dump(_dump(root / "dump.xml.bz2"), root / "kb")
    return Linker(KnowledgeBase.open(root / "kb", root / "cache"), threshold=0.3, extra_aliases=None)


@pytest.fixture(scope="module")
def slice_linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    return Linker(KnowledgeBase.open(SLICE, tmp_path_factory.mktemp("slice")), threshold=0.3)


def _titles(cands: list[Candidate]) -> list[str]:
    return [c.title for c in cands]


def test_candidates_one_word_person_keeps_mononyms_brands_and_mislabelled_places(linker: Linker) -> None:
    """The issue's bug: a one-word PERSON lost the page with its own title ("Shakira")."""
    for word, expected in [("Shakira", "Shakira"), ("Chattanooga", "Chattanooga, Tennessee")]:
        assert _titles(linker._usable(linker.lookup(word, "PERSON"), "PERSON", word)) == [expected]
    # a first name stays a person: not the film of that name; a film is no one's name
    assert linker._usable(linker.lookup("Mike", "PERSON"), "PERSON", "Mike") == []
    assert linker._usable(linker.lookup("Anaconda", "PERSON"), "PERSON", "Anaconda") == []


def test_candidates_pronouns_and_function_words_link_nowhere(slice_linker: Linker) -> None:
    for word in ("he", "his", "it", "she"):
        assert slice_linker.lookup(word) == [], word  # "he" is the ISO code of Hebrew in the KB
    assert slice_linker.lookup("MS")  # the acronym still has candidates


def test_candidates_lower_case_word_is_no_acronym(linker: Linker) -> None:
    cands = linker._usable(linker.lookup("miles", "", "mile"), "", "miles")
    assert _titles(cands) == ["Mile"]  # not the MILES training system
    assert "Multiple Integrated Laser Engagement System" in _titles(linker.lookup("MILES", "ORG"))


@pytest.mark.parametrize(
    ("surface", "title"),
    [
        ("Brantford, Ontario", "Brantford"),
        ("*Brantford*", "Brantford"),
        ("#Brantford", "Brantford"),
        ("Brantford's", "Brantford"),
        ("The Brantford", "Brantford"),
        ("University of California-Berkeley", "University of California, Berkeley"),  # letters and digits
    ],
)
def test_candidates_other_forms_of_the_surface(linker: Linker, surface: str, title: str) -> None:
    found = linker.lookup(surface, "GPE")
    assert _titles(found)[:1] == [title]
    assert found[0].source == "variant" and found[0].prior < 1.0  # a little less sure than the surface itself


def test_candidates_slice_company_and_state_forms(slice_linker: Linker) -> None:
    assert _titles(slice_linker.lookup("Enron Corp.", "ORG"))[:1] == ["Enron"]
    assert _titles(slice_linker.lookup("Houston, TX", "GPE"))[:1] == ["Houston"]
    assert slice_linker.lookup("Zebrafinch Holdings", "ORG") == []


def test_candidates_surname_index_ranks_by_context(linker: Linker) -> None:
    assert set(_titles(linker.name_part_candidates("Skilling", "PERSON"))) == {
        "Jeffrey Skilling",
        "Tom Skilling",
    }
    assert all(c.prior == 0.0 for c in linker.name_part_candidates("Skilling", "PERSON"))
    assert linker.name_part_candidates("VAR", "ALIAS") == []  # an acronym is no surname
    nlp = load_nlp()
    enron = "The Enron board met the former CEO. Skilling said the businessman would resign."
    weather = "Chicago weather tonight: meteorologist Skilling expects snow."
    for text, expected in [(enron, "Jeffrey Skilling"), (weather, "Tom Skilling")]:
        start = text.index("Skilling")
        [mention] = linker.link(nlp(text), spans=[(start, start + 8)])
        assert mention.entity == expected, text


def test_candidates_a_name_repeated_in_the_text_is_the_same_person(linker: Linker) -> None:
    nlp = load_nlp()
    text = "Jeffrey Skilling met the board. Later Skilling left."
    spans = [(0, 16), (text.rindex("Skilling"), text.rindex("Skilling") + 8)]
    assert [m.entity for m in linker.link(nlp(text), spans=spans)] == ["Jeffrey Skilling", "Jeffrey Skilling"]
    private = "John Stigall met the board. Later Stigall left."  # no such entity: both stay unlinked
    spans = [(0, 12), (private.rindex("Stigall"), private.rindex("Stigall") + 7)]
    assert [m.entity for m in linker.link(nlp(private), spans=spans)] == [None, None]


def test_candidates_the_organisation_s_vocabulary_comes_first(slice_linker: Linker) -> None:
    nlp = load_nlp()
    text = "We moved the curves into Python and Enron."
    spans = [(text.index("Python"), text.index("Python") + 6), (text.index("Enron"), text.index("Enron") + 5)]
    before = [m.entity for m in slice_linker.link(nlp(text), spans=spans)]
    assert before[1] == "Enron"
    slice_linker.use_vocabulary(aliases=[("Python", "enron")], local_forms=["Enron"])
    try:
        after = [m.entity for m in slice_linker.link(nlp(text), spans=spans)]
    finally:
        slice_linker.use_vocabulary([], [])
    assert after == ["Enron", None]  # the admin's alias; a local topic's form is left for the local topic


def test_candidates_surface_variants_and_name_parts() -> None:
    assert clean("“*#Astros*”") == "Astros"
    assert variants("U.S. Coast Guard Reserve") == ["United States Coast Guard Reserve"]
    assert "Houston" in variants("Houston, TX") and "Houston, Texas" in variants("Houston, TX")
    assert variants("The Washington Post") == ["Washington Post"]
    assert person_name_parts("Eugene Nickerson", "unknown") == [("nickerson", 0), ("eugene", 1)]
    assert person_name_parts("Ben Taub Hospital", "unknown") == []
    assert person_name_parts("Richard Taylor (filmmaker)", "unknown") == []  # a qualifier not a person's
    assert person_name_parts("Jack White (musician)", "unknown") == [("white", 0), ("jack", 1)]
    assert person_name_parts("Brantford", "place") == []
