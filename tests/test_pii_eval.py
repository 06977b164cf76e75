"""bench/pii_eval.py: span matching and the P/R/F2 arithmetic, on a toy set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pii_eval as ev  # noqa: E402


def test_pii_eval_overlap_and_exact_matching():
    assert ev.overlaps((0, 5, "PERSON"), (4, 9, "PERSON"))
    assert not ev.overlaps((0, 5, "PERSON"), (5, 9, "PERSON"))  # touching is not overlapping
    assert ev.exact((3, 8, "PERSON"), (3, 8, "PERSON"))
    assert not ev.exact((3, 8, "PERSON"), (3, 9, "PERSON"))


def test_pii_eval_counts_on_a_toy_set():
    gold = [(0, 10, "PERSON"), (20, 32, "PHONE_NUMBER"), (40, 51, "US_SSN")]
    pred = [(0, 5, "PERSON"), (20, 32, "PHONE_NUMBER"), (40, 51, "PHONE_NUMBER"), (60, 64, "PERSON")]
    rec = ev.Record("r", "email", "test", "x" * 70, tuple(gold))
    results = ev.evaluate([rec], [pred])
    over, exact = results["overlap"], results["exact"]
    person = over.of("PERSON")
    assert (person.gold, person.gold_hit, person.pred, person.pred_hit) == (1, 1, 2, 1)
    assert exact.of("PERSON").gold_hit == 0  # boundaries differ
    phone = over.of("PHONE_NUMBER")  # the SSN called a phone number is a false positive, not a hit
    assert (phone.gold, phone.gold_hit, phone.pred, phone.pred_hit) == (1, 1, 2, 1)
    assert over.of("US_SSN").recall == 0.0
    micro = over.micro()
    assert (micro.gold, micro.gold_hit, micro.pred, micro.pred_hit) == (3, 2, 4, 2)
    assert micro.precision == pytest.approx(0.5)
    assert micro.recall == pytest.approx(2 / 3)
    assert micro.f2 == pytest.approx(5 * 0.5 * (2 / 3) / (4 * 0.5 + 2 / 3))
    assert ev.any_type_recall([rec], [pred]) == pytest.approx(1.0)  # the SSN would still be scrubbed


def test_pii_eval_f_beta_edges():
    assert ev.f_beta(1.0, 1.0) == pytest.approx(1.0)
    assert ev.f_beta(0.0, 0.0) == 0.0
    assert ev.f_beta(0.5, 1.0) > ev.f_beta(1.0, 0.5)  # beta = 2 favours recall
    empty = ev.Counts()
    assert (empty.precision, empty.recall) == (1.0, 1.0)


def test_pii_eval_kept_types_are_not_counted():
    assert ev.counted([(0, 4, "DATE_TIME"), (5, 9, "LOCATION"), (0, 4, "PHONE_NUMBER")]) == [
        (0, 4, "PHONE_NUMBER")
    ]


def test_pii_eval_labeled_set_is_consistent():
    rows = [json.loads(line) for line in ev.DATA.read_text(encoding="utf-8").splitlines()]
    assert sum(len(r["spans"]) for r in rows) >= 300
    assert {r["split"] for r in rows} == {"dev", "test"}
    for row in rows:
        for span in row["spans"]:
            value = row["text"][span["start"] : span["end"]]
            assert value and value == value.strip(), row["id"]
    assert len(ev.load_records(ev.DATA, "dev")) + len(ev.load_records(ev.DATA, "test")) == len(rows)
