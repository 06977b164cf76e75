"""Emerging topics: phrase keys, candidate spans, the rules, and an idempotent run over a store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backchannel.records import Viewer
from backchannel.settings import Settings
from backchannel.store import Store
from nlp.emerging import (
    EmergingRules,
    EmergingTopic,
    Occurrence,
    find_emerging,
    phrase_key,
    text_spans,
    update_local_topics,
)
from privacy.sensitive_topics import TopicLists
from tests.curationdata import ENRON, add_message, mentions_of


@pytest.mark.parametrize(
    "text, key",
    [
        ("Project Raptor", "raptor"),
        ("the raptor deal", "raptor"),
        ("Raptors", "raptor"),
        ("Raptor's", "raptor"),
        ("RAPTOR project", "raptor"),
        ("raptor deals", "raptor"),
        ("Project", "project"),  # a head alone stays itself
        ("Gas Daily", "gas daily"),
        ("Bank of Tokyo", "bank of tokyo"),
        ("Status", "status"),  # "ss" is not a plural
        ("Sitara  On-Call", "sitara on-call"),
        ("The", ""),
    ],
)
def test_emerging_phrase_key(text: str, key: str) -> None:
    assert phrase_key(text) == key


def test_emerging_title_is_the_most_frequent_form() -> None:
    occ = [Occurrence("m", 0, 1, t) for t in ("Raptor", "Project Raptor", "Raptor's", "raptor deal")]
    assert EmergingTopic("raptor", occ).title == "Raptor"


@pytest.mark.parametrize(
    "body, authored, expected",
    [
        ("We closed Project Raptor today.", None, ["Project Raptor"]),
        ("Raptor is late.", None, []),  # a lone capital at a sentence start is grammar
        ("The raptor deal is late.", None, ["raptor deal"]),
        ("Ask <PERSON_3> about Kobra.", None, ["Kobra"]),
        ("Mail raptor@enron.com now", None, []),
        ("Ok.\n> Kobra was quoted", "Ok.", []),  # only what the author wrote
        ("Check the Gas Daily's numbers", None, ["Gas Daily"]),
    ],
)
def test_emerging_text_spans(body: str, authored: str | None, expected: list[str]) -> None:
    spans = text_spans(body, body if authored is None else authored)
    assert [body[s:e] for s, e, _headed in spans] == expected


def _msg(n: int, author: int, thread: str, body: str) -> dict[str, Any]:
    return {"id": f"m{n}", "author_id": author, "thread_id": thread, "body": body, "authored": body}


def _corpus(phrase_by_author: list[str]) -> list[dict[str, Any]]:
    return [_msg(i, i, f"t{i}", f"We talked about {p} again today.") for i, p in enumerate(phrase_by_author)]


RAPTOR = ["Project Raptor", "the Raptors", "Raptor's numbers"]


@pytest.mark.parametrize(
    "phrases, rules, found",
    [
        (RAPTOR, EmergingRules(), ["raptor"]),
        (RAPTOR[:2], EmergingRules(), []),  # two authors are not enough
        (RAPTOR, EmergingRules(min_authors=4), []),
        (["Phillip Allen"] * 3, EmergingRules(name_words=frozenset({"phillip", "allen"})), []),
        (["Kobra"] * 3, EmergingRules(is_alias=lambda k: k == "kobra"), []),  # the linker's business
        (["Project Kobra"] * 3, EmergingRules(is_alias=lambda k: k == "kobra"), ["kobra"]),  # a codename
        (
            ["Chemotherapy Plan"] * 3,
            EmergingRules(topics=TopicLists(grey=frozenset({"chemotherapy plan"}))),
            [],
        ),
        (["Kobra"] * 3, EmergingRules(topics=TopicLists(block=frozenset({"kobra"}))), []),
        (["Thanks All"] * 3, EmergingRules(), []),  # stop words
    ],
)
def test_emerging_rules(phrases: list[str], rules: EmergingRules, found: list[str]) -> None:
    assert [t.key for t in find_emerging(_corpus(phrases), {}, rules)] == found


def test_emerging_common_words_in_capitals_are_not_topics() -> None:
    messages = _corpus(["Price Update"] * 3) + [
        _msg(10 + i, 9, "x", "the price update is here") for i in range(4)
    ]
    assert find_emerging(messages, {}, EmergingRules()) == []


def test_emerging_only_members_count() -> None:
    topics = find_emerging(_corpus(RAPTOR), {}, EmergingRules(members=frozenset({0, 1})))
    assert topics == []


def test_emerging_unlinked_mentions_are_candidates_and_linked_ones_are_not_overlapped() -> None:
    messages = _corpus(["Kobra"] * 3)
    start = len("We talked about ")
    stored = {
        "m0": [{"id": 7, "start": start, "end": start + 5, "text": "Kobra", "score": 0.1, "label": "ORG"}],
        "m1": [{"id": 8, "start": start, "end": start + 5, "text": "Kobra", "score": 0.9, "label": "ORG"}],
    }
    (topic,) = find_emerging(messages, stored, EmergingRules(min_authors=2, min_threads=2))
    assert [o.mention_id for o in topic.occurrences] == [7, None]  # m1's linked mention is left alone


def _raptor_store(store: Store, root: Path) -> None:
    bodies = [
        ("ann@enron.com", "Project Raptor needs Enron sign-off."),
        ("bob@enron.com", "Is the raptor deal closed?"),
        ("cat@enron.com", "The Raptors lost money, says Enron."),
        ("dan@enron.com", "More on Raptor's hedges tomorrow."),
    ]
    for n, (author, body) in enumerate(bodies):
        add_message(store, root, n, author, body, {"Enron": ENRON})


def test_emerging_run_makes_a_local_topic_with_a_page_and_is_idempotent(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _raptor_store(store, tmp_path)
    members = frozenset(range(1, 100))
    assert update_local_topics(store, settings, lambda _k: False, members) == 1
    first = mentions_of(store, "local:raptor")
    assert [t for _, t in first] == ["Project Raptor", "raptor deal", "Raptors", "Raptor"]
    assert update_local_topics(store, settings, lambda _k: False, members) == 1
    assert mentions_of(store, "local:raptor") == first
    store.refresh_pages(min_mentions=2)
    page = store.topic(Viewer(), "local:raptor")
    assert (
        page is not None and page.topic.kind == "local" and page.topic.title == "Raptor"
    )  # ties: the shortest capitalised form
    assert [t.entity_id for t in page.related] == ["enron"]
    assert len(page.people) == 4


def test_emerging_turned_off_removes_local_topics(store: Store, settings: Settings, tmp_path: Path) -> None:
    _raptor_store(store, tmp_path)
    update_local_topics(store, settings, lambda _k: False, None)
    off = settings.with_overrides(emerging_topics=False)
    assert update_local_topics(store, off, lambda _k: False, None) == 0
    assert mentions_of(store, "local:raptor") == []
