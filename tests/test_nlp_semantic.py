"""nlp.semantic and the linker's MiniLM signal, with the real model and the fixture KB slice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

import nlp.semantic as semantic_mod
from nlp.embed import embed
from nlp.kb import Candidate, KnowledgeBase
from nlp.linker import Linker, LinkRequest
from nlp.parse import load_nlp
from nlp.semantic import SemanticContext, describable, entity_text

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia"

GENUS = Candidate("python_(genus)", "Python (genus)", 0.4, "title", "genus of reptiles", "unknown")
LANGUAGE = Candidate(
    "python_(programming_language)",
    "Python (programming language)",
    0.6,
    "title",
    "general-purpose programming language",
    "technology",
)
BARE = Candidate("python", "Python", 0.1, "title", "", "unknown")


class CountingEncoder:
    """The real MiniLM encoder, counting the texts it is given."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts):
        self.texts.extend(texts)
        return embed(texts)


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    return KnowledgeBase.open(SLICE, tmp_path_factory.mktemp("kbcache"))


def test_context_is_nearer_the_right_description() -> None:
    sem = SemanticContext(CountingEncoder())
    (zoo,), (code,) = (
        sem.similarities(["the python at the zoo swallowed a rat"], [[GENUS, LANGUAGE]]),
        sem.similarities(["the python code crashed on import"], [[GENUS, LANGUAGE]]),
    )
    assert zoo[0] > zoo[1]
    assert code[1] > code[0]


def test_an_entity_with_nothing_to_say_is_not_embedded() -> None:
    enc = CountingEncoder()
    (row,) = SemanticContext(enc).similarities(["a python script"], [[BARE, LANGUAGE]])
    assert not describable(BARE) and describable(GENUS)
    assert row[0] == 0.0 and row[1] > 0.0
    assert entity_text(BARE.title, "") not in enc.texts
    assert entity_text(LANGUAGE.title, LANGUAGE.description) in enc.texts


def test_entity_vectors_are_computed_once_and_kept_on_disk(tmp_path: Path) -> None:
    cache = tmp_path / "vectors.sqlite"
    first_enc = CountingEncoder()
    first = SemanticContext(first_enc, cache)
    before = first.similarities(["the snake at the zoo"], [[GENUS, LANGUAGE]])
    first.similarities(["a reptile house"], [[GENUS, LANGUAGE]])  # same entities: not encoded again
    assert first.encoded_entities == 2
    first.close()

    again_enc = CountingEncoder()
    again = SemanticContext(again_enc, cache)
    after = again.similarities(["the snake at the zoo"], [[GENUS, LANGUAGE]])
    assert again.encoded_entities == 0 and again_enc.texts == ["the snake at the zoo"]
    assert np.allclose(before, after, atol=2e-3)  # stored as float16
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 2


def test_a_new_vector_version_ignores_old_rows(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "vectors.sqlite"
    SemanticContext(CountingEncoder(), cache).similarities(["zoo"], [[GENUS, LANGUAGE]])
    monkeypatch.setattr(semantic_mod, "VECTOR_VERSION", "something-else")
    fresh = SemanticContext(CountingEncoder(), cache)
    fresh.similarities(["zoo"], [[GENUS, LANGUAGE]])
    assert fresh.encoded_entities == 2


# (text, surface, without the model, with it): close calls the word context cannot settle.
FLIPS = [
    ("The python swallowed a rat whole in its enclosure.", "python", "Python (programming language)", None),
    ("Apple shipped the new laptop in October.", "Apple", None, "Apple Inc."),
    ("She baked an apple crumble for dessert.", "apple", None, "Apple"),
]


@pytest.mark.parametrize(("text", "surface", "plain", "with_model"), FLIPS)
def test_the_model_settles_close_calls(kb, text, surface, plain, with_model) -> None:
    doc = load_nlp()(text)
    without = {m.text: m.entity for m in Linker(kb, 0.3).link(doc)}
    with_sem = {m.text: m.entity for m in Linker(kb, 0.3, semantic=SemanticContext.with_minilm()).link(doc)}
    assert without[surface] == plain
    assert with_sem[surface] == with_model


def test_clear_cases_never_reach_the_model(kb) -> None:
    enc = CountingEncoder()
    linker = Linker(kb, 0.3, semantic=SemanticContext(enc))
    links = {m.text: m.entity for m in linker.link(load_nlp()("Kenneth Lay called the FERC chairman."))}
    assert links["Kenneth Lay"] == "Kenneth Lay"
    assert enc.texts == []


def test_link_many_is_link_for_each_doc_with_one_model_call(kb) -> None:
    texts = [row[0] for row in FLIPS] + ["Ken Lay called the board.", "the app is on rails now"]
    docs = list(load_nlp().pipe(texts))
    calls = []

    def encoder(batch):
        calls.append(list(batch))
        return embed(batch)

    linker = Linker(kb, 0.3, semantic=SemanticContext(encoder))
    one_by_one = [linker.link(doc, context_words=["zoo"]) for doc in docs]
    calls.clear()
    together = linker.link_many([LinkRequest(doc, context_words=["zoo"]) for doc in docs])
    assert together == one_by_one
    assert len(calls) == 1  # entity vectors are cached by now: one batch of contexts
    assert all(text.endswith("zoo") for text in calls[0])
