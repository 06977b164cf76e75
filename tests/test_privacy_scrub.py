"""privacy.scrub: the policy, the member-name exemption and the offset map."""

from __future__ import annotations

import pytest

from backchannel.records import PiiSpan
from backchannel.settings import DEFAULT_PII_POLICY
from privacy.scrub import name_variants, scrub

TEXT = "Maria Gonzalez (713) 853-6197 met Phillip Allen in Houston about Enron."
#       0             15             30 34           47 51      59


def _span(text: str, part: str, kind: str, score: float = 0.85) -> PiiSpan:
    start = text.index(part)
    return PiiSpan(start, start + len(part), kind, score)


@pytest.fixture()
def spans() -> list[PiiSpan]:
    return [
        _span(TEXT, "Maria Gonzalez", "PERSON"),
        _span(TEXT, "(713) 853-6197", "PHONE_NUMBER", 0.6),
        _span(TEXT, "Phillip Allen", "PERSON"),
        _span(TEXT, "Houston", "LOCATION"),
    ]


def test_scrub_redacts_per_policy_and_keeps_members(spans):
    out = scrub(TEXT, spans, DEFAULT_PII_POLICY, min_score=0.4, keep_names=["Phillip K. Allen"])
    assert out.text == "<PERSON> <PHONE_NUMBER> met Phillip Allen in Houston about Enron."
    assert out.detector_counts == {"LOCATION": 1, "PERSON": 2, "PHONE_NUMBER": 1}
    assert out.spans == sorted(spans, key=lambda s: s.start)


def test_scrub_replacements_are_sorted_and_consistent(spans):
    out = scrub(TEXT, spans, DEFAULT_PII_POLICY, min_score=0.4)
    assert out.replacements == sorted(out.replacements)
    for o_start, o_end, n_start, n_end in out.replacements:
        kind = next(s.type for s in spans if s.start == o_start and s.end == o_end)
        assert out.text[n_start:n_end] == f"<{kind}>"


def test_scrub_map_span_moves_mentions(spans):
    out = scrub(TEXT, spans, DEFAULT_PII_POLICY, min_score=0.4, keep_names=["Phillip Allen"])
    for word in ("Phillip Allen", "Houston", "Enron"):
        start = TEXT.index(word)
        new = out.map_span(start, start + len(word))
        assert new is not None and out.text[new[0] : new[1]] == word
    gone = TEXT.index("Gonzalez")
    assert out.map_span(gone, gone + 8) is None  # inside a redacted name


@pytest.mark.parametrize(
    ("keep", "kept"),
    [
        (["Phillip Allen"], True),
        (["phillip allen"], True),  # case-insensitive
        (["Phillip K. Allen"], True),  # first + last of a full name
        (["Allen, Phillip"], True),  # "Last, First" from a mail header
        (["Phillip"], False),  # a first name alone is not enough
        (["Maria Gonzalez"], False),  # someone else
        ([], False),
    ],
)
def test_scrub_keep_names_matching(keep, kept):
    text = "ask Phillip Allen now"
    out = scrub(
        text, [_span(text, "Phillip Allen", "PERSON")], {"PERSON": "redact"}, min_score=0.4, keep_names=keep
    )
    assert ("Phillip Allen" in out.text) is kept


def test_scrub_ignores_spans_below_min_score():
    text = "call 713-853-6197"
    out = scrub(text, [_span(text, "713-853-6197", "PHONE_NUMBER", 0.3)], DEFAULT_PII_POLICY, min_score=0.4)
    assert out.text == text and out.replacements == [] and out.detector_counts == {}


def test_scrub_unknown_type_is_redacted_and_counted():
    """Fail closed: a type the policy does not name is private until an admin keeps it."""
    text = "see BLUE-7 today"
    out = scrub(text, [_span(text, "BLUE-7", "PROJECT_CODE")], {"PERSON": "redact"}, min_score=0.4)
    assert out.text == "see <PROJECT_CODE> today"
    assert out.detector_counts == {"PROJECT_CODE": 1}
    kept = scrub(text, [_span(text, "BLUE-7", "PROJECT_CODE")], {"PROJECT_CODE": "keep"}, min_score=0.4)
    assert kept.text == text


def test_scrub_custom_policy_redacts_location():
    text = "meet in Houston"
    policy = dict(DEFAULT_PII_POLICY, LOCATION="redact")
    out = scrub(text, [_span(text, "Houston", "LOCATION")], policy, min_score=0.4)
    assert out.text == "meet in <LOCATION>"


def test_scrub_overlapping_redactions_leave_nothing_behind():
    text = "id 4111 1111 1111 1111 end"
    spans = [PiiSpan(3, 15, "US_BANK_NUMBER", 0.5), PiiSpan(8, 22, "CREDIT_CARD", 1.0)]
    out = scrub(text, spans, DEFAULT_PII_POLICY, min_score=0.4)
    assert "1111" not in out.text and "4111" not in out.text
    assert out.map_span(text.index("end"), len(text)) == (out.text.index("end"), len(out.text))


def test_scrub_name_variants():
    assert name_variants(["Kenneth L. Lay", "Skilling, Jeff"]) == {
        "kenneth l lay",
        "kenneth lay",
        "jeff skilling",
    }


def test_a_notes_address_compares_as_its_name():
    from privacy.scrub import name_key

    assert name_key("Steven J Kean/NA/Enron@Enron") == name_key("Steven J Kean") == "steven j kean"
