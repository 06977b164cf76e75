"""bench/el_eval.py: the scoring arithmetic (offline, no KB)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "el_eval.py"
_spec = importlib.util.spec_from_file_location("el_eval", _PATH)
assert _spec is not None and _spec.loader is not None
el_eval = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("el_eval", el_eval)  # dataclasses look their module up
_spec.loader.exec_module(el_eval)


def test_el_eval_given_spans_counts():
    gold = ["Kenneth Lay", None, "Enron", "Python (genus)", None]
    pred = ["kenneth lay", None, None, "Python (programming language)", "Angel"]
    c = el_eval.score_given(gold, pred, ["PERSON", "ORG", "ORG", "ALIAS", "ALIAS"])
    assert (c.tp, c.fp, c.fn) == (1, 2, 2)
    assert (c.nil_tp, c.nil_pred, c.nil_gold) == (1, 2, 2)
    s = c.summary()
    assert s["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["nil_precision"] == 0.5 and s["nil_recall"] == 0.5
    assert c.errors_by == {"ORG": 1, "ALIAS": 2}
    assert c.confusions[("python_(genus)", "python_(programming_language)")] == 1


def test_el_eval_end_to_end_overlap_and_title():
    gold = [(0, 7, "Kenneth Lay"), (12, 17, "Enron"), (20, 24, None)]
    pred = [
        (0, 3, "Kenneth Lay"),
        (0, 7, "Kenneth Lay"),
        (12, 17, "Enron Field"),
        (20, 24, "X"),
        (30, 33, None),
    ]
    c = el_eval.score_end_to_end(gold, pred)
    # the first overlapping prediction takes the gold span; a second one on it is wrong
    assert (c.tp, c.fp, c.fn) == (1, 3, 1)
    assert c.confusions[("NIL", "x")] == 1


def test_el_eval_f1_of_nothing_is_zero():
    s = el_eval.Counts().summary()
    assert s["f1"] == 0.0 and s["precision"] == 0.0


def test_el_eval_counts_add():
    a = el_eval.score_given(["A"], ["A"], ["g"])
    a.add(el_eval.score_given(["A"], ["B"], ["g"]))
    assert (a.tp, a.fp, a.fn) == (1, 1, 1) and a.total_by["g"] == 2
