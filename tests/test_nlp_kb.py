"""nlp.kb: the SQLite cache built from the KB files, candidate lookup, rebuilds."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

from backchannel.errors import ModelError
from backchannel.records import Entity
from nlp.kb import KnowledgeBase, norm

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia"


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    return KnowledgeBase.open(SLICE, tmp_path_factory.mktemp("kbcache"))


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Python", "python"),
        ("  Ruby_on   Rails ", "ruby on rails"),
        ("Enron Corp.", "enron corp."),  # punctuation is kept
        ("ＦＥＲＣ", "ferc"),  # NFKC
        ("Straße", "strasse"),  # casefold, not lower
    ],
)
def test_kb_norm(raw, key):
    assert norm(raw) == key


def test_kb_candidates_python_best_prior_first(kb):
    cands = kb.candidates("Python")
    assert [c.entity_id for c in cands] == ["python_(programming_language)", "python_(genus)", "python"]
    assert cands[0].title == "Python (programming language)"
    assert cands[0].type == "technology" and "programming language" in cands[0].description
    assert [c.prior for c in cands] == sorted((c.prior for c in cands), reverse=True)
    assert kb.candidates("python", limit=1) == cands[:1]


def test_kb_candidates_unknown_surface_is_empty(kb):
    assert kb.candidates("frobnicator") == []
    assert kb.candidates("   ") == []


def test_kb_entity_and_has_alias(kb):
    assert kb.entity("kenneth_lay") == Entity("kenneth_lay", "Kenneth Lay", "", "unknown")
    assert kb.entity("apple_inc.").type == "organization"
    assert kb.entity("no_such_entity") is None
    assert kb.has_alias("ken lay") and not kb.has_alias("ken  lay")


@pytest.mark.parametrize(
    ("surface", "keys"),
    [
        ("Enron-Corp", ["enron corp", "enron corp."]),  # same letters and digits, other punctuation
        ("Amazon WebServices", ["amazon web services"]),
        ("Federal Energy Regulatory Comission", ["federal energy regulatory commission"]),  # one typo
        ("Federal Enrgy Regulatry Comission", []),  # three typos
        ("Amazn", []),  # too short to guess
        ("Zzyzx Holdings", []),
    ],
)
def test_kb_fuzzy_keys(kb, surface, keys):
    assert kb.fuzzy_keys(surface) == keys


def test_kb_fuzzy_keys_needs_the_first_half_right(kb):
    # Only aliases sharing the key's first half are read: a typo there is not found.
    assert kb.fuzzy_keys("Fedral Energy Regulatory Commission") == []


def test_kb_candidates_carry_popularity(kb):
    (enron,) = [c for c in kb.candidates("Enron") if c.entity_id == "enron"]
    assert enron.popularity > 0


def test_kb_missing_files_name_the_setting(tmp_path):
    with pytest.raises(ModelError) as err:
        KnowledgeBase.open(tmp_path / "nowhere", tmp_path / "cache")
    message = str(err.value)
    assert str(tmp_path / "nowhere" / "aliases.tsv.gz") in message
    assert "kb_path" in message and "BACKCHANNEL_KB_PATH" in message


def test_kb_reopen_reuses_the_cache(tmp_path):
    first = KnowledgeBase.open(SLICE, tmp_path)
    built = first.path.stat().st_mtime_ns
    again = KnowledgeBase.open(SLICE, tmp_path)
    assert again.path == first.path and again.path.stat().st_mtime_ns == built
    assert [p.name for p in tmp_path.iterdir()] == [first.path.name]  # no temp files left


def test_kb_rebuilds_when_the_kb_changes(tmp_path):
    kb_dir = tmp_path / "kb"
    shutil.copytree(SLICE, kb_dir)
    cache = tmp_path / "cache"
    old = KnowledgeBase.open(kb_dir, cache)
    assert old.candidates("backchannel") == []

    with gzip.open(kb_dir / "aliases.tsv.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    text += "backchannel\tBackchannel\tenron\tredirect\t1.0000\t1\n"
    with gzip.open(kb_dir / "aliases.tsv.gz", "wt", encoding="utf-8") as f:
        f.write(text)
    os.utime(kb_dir / "aliases.tsv.gz", ns=(1, 1))  # even with an old mtime the size differs

    new = KnowledgeBase.open(kb_dir, cache)
    assert new.path != old.path
    assert [c.entity_id for c in new.candidates("Backchannel")] == ["enron"]
    assert sorted(p.name for p in cache.iterdir()) == [new.path.name]  # the stale cache is gone


def test_kb_failed_build_leaves_no_cache(tmp_path):
    kb_dir = tmp_path / "kb"
    shutil.copytree(SLICE, kb_dir)
    with gzip.open(kb_dir / "entities.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write('{"id": "ok", "title": "OK"}\n{broken\n')
    with pytest.raises(ValueError):
        KnowledgeBase.open(kb_dir, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []
