"""bench/search_eval.py scoring: copies of one mail count once, MRR and nDCG at 10."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import search_eval  # noqa: E402

RECORD = {
    "relevant": {"<a1>": 2, "<a2>": 2, "<b>": 1},
    "same_mail": [["<a1>", "<a2>"]],  # a1 and a2 are copies of one mail
}


def test_perfect_ranking_scores_one() -> None:
    assert search_eval.score_ranking(RECORD, ["<a1>", "<b>"]) == (1.0, 1.0)


def test_a_second_copy_of_a_mail_gains_nothing() -> None:
    rr, ndcg = search_eval.score_ranking(RECORD, ["<a1>", "<a2>", "<b>"])
    ideal = 3 + 1 / math.log2(3)
    assert rr == 1.0 and math.isclose(ndcg, (3 + 1 / math.log2(4)) / ideal)


def test_first_relevant_at_rank_three() -> None:
    rr, ndcg = search_eval.score_ranking(RECORD, ["<x>", "<y>", "<b>"])
    assert rr == 1 / 3 and 0 < ndcg < 1


def test_nothing_relevant_scores_zero() -> None:
    assert search_eval.score_ranking(RECORD, ["<x>"] * 10) == (0.0, 0.0)
    assert search_eval.score_ranking(RECORD, []) == (0.0, 0.0)


def test_the_shipped_queries_load_and_have_both_kinds() -> None:
    test = search_eval.load_queries("test")
    assert len(search_eval.load_queries("all")) >= 50
    assert {r["kind"] for r in test} == {"known-item", "topical"}
