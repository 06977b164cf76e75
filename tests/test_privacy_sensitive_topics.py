"""Which topics are grey (kept, never surfaced) or blocked (never linked)."""

from __future__ import annotations

import pytest

from privacy.sensitive_topics import BLOCK, GREY, TopicLists

DEFAULT = TopicLists()


@pytest.mark.parametrize(
    "title",
    ["Cancer", "Lung cancer", "HIV/AIDS", "Crohn's disease", "Bipolar disorder", "Pregnancy", "Islam",
     "Catholic Church", "Transgender", "Trade union", "Chemotherapy", "Down syndrome"],
)  # fmt: skip
def test_built_in_sensitive_titles_are_grey(title: str) -> None:
    assert DEFAULT.classify(title) == GREY


@pytest.mark.parametrize(
    "title",
    ["Enron", "Natural gas", "Ruby on Rails", "Houston", "Angel investor", "Diesel fuel", "Church Street"],
)
def test_ordinary_topics_are_not(title: str) -> None:
    assert DEFAULT.classify(title) is None


def test_admin_lists_add_remove_and_block() -> None:
    lists = TopicLists.from_settings(
        greylist="Project Raptor, layoffs", blocklist="Natural gas", allowlist="cancer"
    )
    assert lists.classify("Cancer") is None  # an oncology firm talks about cancer for a living
    assert lists.classify("Lung cancer") == GREY  # still grey by its words
    assert lists.classify("Layoff", "layoffs") == GREY  # matched by the words that named it
    assert lists.classify("Natural gas") == BLOCK
    assert lists.classify("natural GAS") == BLOCK
    assert lists.classify("Project Raptor") == GREY
