"""privacy.detect: the canaries are found, spans do not overlap, a shared Doc changes nothing."""

from __future__ import annotations

import pytest

from backchannel.records import PiiSpan
from nlp.parse import load_nlp
from privacy.detect import PiiDetector, name_spans, resolve_overlaps, tidy_persons

# (text, [(type, exact text of the span)]) -- every expected span must be found.
CANARIES = [
    ("Call me at (713) 853-6197 tomorrow.", [("PHONE_NUMBER", "(713) 853-6197")]),
    ("My desk is 713.853.6197.", [("PHONE_NUMBER", "713.853.6197")]),
    ("Office 713-853-6197 x123 any time", [("PHONE_NUMBER", "713-853-6197 x123")]),
    ("Her SSN is 536-22-8471.", [("US_SSN", "536-22-8471")]),
    ("Card 4111 1111 1111 1111 exp 09/03", [("CREDIT_CARD", "4111 1111 1111 1111")]),
    ("Write to maria.gonzalez@gmail.com today", [("EMAIL_ADDRESS", "maria.gonzalez@gmail.com")]),
    (
        "the bot token is xoxb-1234567890-abcdefghijklmnop ok",
        [("CREDENTIAL", "xoxb-1234567890-abcdefghijklmnop")],
    ),
    ("key AKIAIOSFODNN7EXAMPLE leaked", [("CREDENTIAL", "AKIAIOSFODNN7EXAMPLE")]),
    ("I spoke with Maria Gonzalez about the contract.", [("PERSON", "Maria Gonzalez")]),
    ("server at 10.1.2.3 is down", [("IP_ADDRESS", "10.1.2.3")]),
]

# (text, types that must NOT be reported)
CLEAN = [
    ("The meeting moved to the big room.", {"PHONE_NUMBER", "US_SSN", "CREDIT_CARD", "PERSON", "CREDENTIAL"}),
    ("We shipped version 2.3.1 last week.", {"PHONE_NUMBER", "US_SSN", "CREDIT_CARD", "IP_ADDRESS"}),
]


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector()


def _found(text: str, spans: list[PiiSpan]) -> set[tuple[str, str]]:
    return {(s.type, text[s.start : s.end]) for s in spans}


@pytest.mark.parametrize(("text", "expected"), CANARIES)
def test_detect_finds_canary(detector, text, expected):
    spans = detector.detect(text)
    assert set(expected) <= _found(text, spans)
    assert all(s.score >= 0.4 for s in spans if (s.type, text[s.start : s.end]) in set(expected))


@pytest.mark.parametrize(("text", "absent"), CLEAN)
def test_detect_reports_nothing_sensitive_in_plain_text(detector, text, absent):
    assert not {s.type for s in detector.detect(text)} & absent


def test_detect_spans_never_overlap(detector):
    text = "Call (713) 853-6197, token xoxb-1234567890-abcdefghijklmnop, mail maria.gonzalez@gmail.com"
    spans = detector.detect(text)
    assert spans == sorted(spans, key=lambda s: s.start)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    # The digits inside the token and the domain inside the address are not separate findings.
    assert _found(text, spans) >= {
        ("CREDENTIAL", "xoxb-1234567890-abcdefghijklmnop"),
        ("EMAIL_ADDRESS", "maria.gonzalez@gmail.com"),
    }


def test_detect_with_shared_doc_gives_same_spans(detector):
    text = " ".join(t for t, _ in CANARIES)
    doc = load_nlp()(text)
    labels_before = [(e.start_char, e.label_) for e in doc.ents]
    assert detector.detect(text, doc) == detector.detect(text)
    assert [(e.start_char, e.label_) for e in doc.ents] == labels_before  # Presidio did not relabel our Doc


def test_detect_rejects_a_doc_of_another_text(detector):
    with pytest.raises(ValueError):
        detector.detect("one text", load_nlp()("another text"))


def test_detect_many_matches_detect(detector):
    texts = [t for t, _ in CANARIES] + ["", "nothing here"]
    assert detector.detect_many(texts) == [detector.detect(t) for t in texts]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a span inside a longer one goes, even with a higher score
        ([("DATE_TIME", 6, 10, 0.85), ("PHONE_NUMBER", 0, 10, 0.4)], [("PHONE_NUMBER", 0, 10)]),
        # same text: the higher score wins
        ([("US_BANK_NUMBER", 0, 10, 0.05), ("PHONE_NUMBER", 0, 10, 0.4)], [("PHONE_NUMBER", 0, 10)]),
        # partial overlap: the higher score wins
        ([("PERSON", 0, 8, 0.85), ("URL", 5, 15, 0.5)], [("PERSON", 0, 8)]),
        # disjoint spans both stay, sorted
        ([("URL", 20, 30, 0.5), ("PERSON", 0, 8, 0.85)], [("PERSON", 0, 8), ("URL", 20, 30)]),
    ],
)
def test_detect_resolve_overlaps(rows, expected):
    found = [PiiSpan(s, e, t, sc) for t, s, e, sc in rows]
    assert [(s.type, s.start, s.end) for s in resolve_overlaps(found)] == expected


def test_detect_scans_text_beyond_the_parse_limit(detector, monkeypatch):
    import nlp.parse

    monkeypatch.setattr(nlp.parse, "MAX_CHARS", 300)
    filler = "The quarterly numbers look fine and the desk is busy. " * 12  # ~650 chars
    text = filler + "SSN 536-22-8471 then " + filler + "card 4111 1111 1111 1111 end"
    found = _found(text, detector.detect(text))
    assert {("US_SSN", "536-22-8471"), ("CREDIT_CARD", "4111 1111 1111 1111")} <= found
    # a span straddling a window edge is still found once
    edge = "x" * 290 + " call 713-853-6197 now " + filler
    spans = [s for s in detector.detect(edge) if s.type == "PHONE_NUMBER"]
    assert [edge[s.start : s.end] for s in spans] == ["713-853-6197"]


def test_detect_a_kept_type_never_hides_a_scrubbed_one():
    # spaCy calls an unseparated phone number a DATE; the phone number must survive the overlap.
    found = [
        PiiSpan(0, 10, "DATE_TIME", 0.85),
        PiiSpan(0, 10, "PHONE_NUMBER", 0.4),
        PiiSpan(12, 20, "LOCATION", 0.85),
    ]
    assert [(s.type, s.start) for s in resolve_overlaps(found)] == [("PHONE_NUMBER", 0), ("LOCATION", 12)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please ask Karen about the capacity.", "Karen"),
        ("talked to heather about it, she's ok", "heather"),
        ("From: Farrow, Karen\nSent: Monday", "Farrow, Karen"),
        ("Thanks,\nDouglas P. Whitcombe\nGas Structuring", "Douglas P. Whitcombe"),
    ],
)
def test_detect_name_pass_finds_names_the_small_model_misses(detector, text, name):
    assert ("PERSON", name) in _found(text, [s for s in name_spans(text) if s.score >= 0.4])
    assert any(s.type == "PERSON" and name in text[s.start : s.end] for s in detector.detect(text))


@pytest.mark.parametrize("text", ["We will mark the bill in may.", "Grant access to the desk.", "don't"])
def test_detect_name_pass_skips_names_that_are_ordinary_words(text):
    assert name_spans(text) == []


def test_detect_person_spans_lose_digits_and_labels():
    text = "Karen Farrow\n713-853-6197\nTel"
    spans = tidy_persons(text, [PiiSpan(0, len(text), "PERSON", 0.85), PiiSpan(13, 25, "PHONE_NUMBER", 0.6)])
    assert _found(text, spans) == {("PERSON", "Karen Farrow"), ("PHONE_NUMBER", "713-853-6197")}
