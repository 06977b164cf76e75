"""`backchannel kb import`: a knowledge base from a Wikipedia dump in MediaWiki's export format.

The dump is written here, in the same XML the real pages-articles dumps use (export
schema 0.10, bz2 like the multistream files), so the whole path runs: streaming parse,
redirects, disambiguation pages, anchor-text counts, first sentences, infobox types,
then the files KnowledgeBase reads and the linker's candidates.
"""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from nlp.kb import KnowledgeBase
from nlp.kb_import import canonical_title, first_sentence, import_dump, infobox_type
from tests.conftest import invoke_cli

PAGES = [
    (
        "Python (programming language)",
        None,
        "{{Infobox programming language\n| name = Python\n}}\n"
        "'''Python''' is a [[high-level programming language|high-level]] programming language.<ref>x</ref> "
        "It was made by [[Guido van Rossum]].\n== History ==\nMore.",
    ),
    ("Python (genus)", None, "'''''Python''''' is a genus of [[snake]]s found in [[Africa]]."),
    (
        "Guido van Rossum",
        None,
        "{{Infobox person\n| name = Guido\n| birth_place = [[Haarlem]]\n}}\n"
        "'''Guido van Rossum''' (born 1956) is a Dutch programmer who created [[Python (programming language)"
        "|Python]].",
    ),
    ("Snake", None, "'''Snakes''' are legless reptiles. The [[Python (genus)|python]] is one."),
    ("Africa", None, "'''Africa''' is a continent. Many [[Python (genus)|pythons]] live there."),
    (
        "Monty Python",
        None,
        "'''Monty Python''' were a comedy group. Not [[Python (programming language)|Python]].",
    ),
    (
        "Python",
        None,
        "'''Python''' may refer to:\n* [[Python (programming language)]]\n* [[Python (genus)]]\n"
        "* [[Monty Python]]\n{{disambiguation}}",
    ),
    ("Guido", "Guido van Rossum", ""),
    ("Py", "Python (programming language)", ""),
    ("Talk:Python", None, "A talk page [[Python (genus)|python]] that is no article."),
]
_NS = {"Talk": 1}


def _dump(path: Path) -> Path:
    pages = []
    for i, (title, redirect, text) in enumerate(PAGES):
        ns = _NS.get(title.split(":", 1)[0], 0) if ":" in title else 0
        red = f'<redirect title="{escape(redirect)}" />' if redirect else ""
        pages.append(
            f"<page><title>{escape(title)}</title><ns>{ns}</ns><id>{i + 1}</id>{red}"
            f"<revision><id>{100 + i}</id><model>wikitext</model><format>text/x-wiki</format>"
            f'<text bytes="{len(text)}" xml:space="preserve">{escape(text)}</text></revision></page>'
        )
    xml = (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">'
        "<siteinfo><sitename>Wikipedia</sitename><dbname>enwiki</dbname></siteinfo>"
        + "".join(pages)
        + "</mediawiki>"
    )
    path.write_bytes(bz2.compress(xml.encode("utf-8")))
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("kbimport")
    stats = import_dump(_dump(root / "enwiki-test-pages-articles-multistream.xml.bz2"), root / "kb")
    return root, stats


def test_kb_import_counts_pages(imported) -> None:  # type: ignore[no-untyped-def]
    _root, stats = imported
    assert (stats.pages, stats.articles, stats.redirects, stats.disambiguations) == (
        9,
        6,
        2,
        1,
    )  # talk page left out
    assert stats.entities == 6


def test_kb_import_entities_have_first_sentence_type_and_popularity(imported) -> None:  # type: ignore[no-untyped-def]
    root, _ = imported
    with gzip.open(root / "kb" / "entities.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = {r["id"]: r for r in map(json.loads, f)}
    assert set(rows) == {
        "python_(programming_language)",
        "python_(genus)",
        "guido_van_rossum",
        "snake",
        "africa",
        "monty_python",
    }  # the disambiguation page and redirects are no entities
    lang = rows["python_(programming_language)"]
    assert lang["description"] == "Python is a high-level programming language."
    assert lang["type"] == "technology" and rows["guido_van_rossum"]["type"] == "person"
    assert (
        rows["guido_van_rossum"]["description"]
        == "Guido van Rossum is a Dutch programmer who created Python."
    )
    assert lang["popularity"] > rows["snake"]["popularity"]  # linked twice vs once


def test_kb_import_priors_are_anchor_commonness(imported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, _ = imported
    kb = KnowledgeBase.open(root / "kb", tmp_path / "cache")
    python = {c.entity_id: round(c.prior, 3) for c in kb.candidates("Python")}
    # "Python" as anchor: 2 links to the language; the title-base of both qualified pages (0.5 each);
    # the disambiguation page's three entries (0.5 each)
    assert python["python_(programming_language)"] > python["python_(genus)"] > python["monty_python"] > 0
    pythons = {c.entity_id for c in kb.candidates("pythons")}
    assert pythons == {"python_(genus)"}  # an anchor text ("many [[Python (genus)|pythons]]")
    assert [c.entity_id for c in kb.candidates("Py")] == ["python_(programming_language)"]  # a redirect
    assert [c.entity_id for c in kb.candidates("Guido")] == ["guido_van_rossum"]
    assert kb.candidates("high-level") == []  # a link to a page the dump does not hold


def test_kb_import_cli(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    dump = _dump(tmp_path / "dump.xml.bz2")
    result = invoke_cli(settings, "kb", "import", str(dump), "--out", str(tmp_path / "kb"))
    assert result.exit_code == 0, result.output
    assert "6 entities" in result.output and "--kb" in result.output
    assert (tmp_path / "kb" / "aliases.tsv.gz").is_file()


@pytest.mark.parametrize(
    ("wikitext", "sentence"),
    [
        ("{{Infobox x\n|a={{nested|b}}\n}}\n'''A''' is a [[B|b]] (born 1950; see [[C]]). Then.", "A is a b."),
        ("[[File:X.jpg|thumb|A [[caption]]]]\n'''Z''' is the last letter.", "Z is the last letter."),
        ("{{Infobox cut off\n|a=1", ""),  # an unclosed template is dropped whole
        ("'''Q''' is <ref name=a/>short.<!-- hidden --> Next one.", "Q is short."),
    ],
)
def test_kb_import_first_sentence(wikitext: str, sentence: str) -> None:
    assert first_sentence(wikitext) == sentence


def test_kb_import_titles_and_types() -> None:
    assert canonical_title("python_(genus)") == "Python (genus)"
    assert infobox_type("{{Infobox settlement\n}}") == "place"
    assert infobox_type("{{Infobox football biography}}") == "person"
    assert infobox_type("no box") == "unknown"
