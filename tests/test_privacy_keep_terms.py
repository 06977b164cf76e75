"""The keep-list: terms never redacted; the policy's decisions and `pii explain`."""

from __future__ import annotations

import json

import pytest

from backchannel.records import PiiSpan
from backchannel.settings import DEFAULT_PII_POLICY, Settings
from backchannel.store import Store
from privacy import detect_pii_jsonl
from privacy.explain import explain
from privacy.keep_terms import KeepTerms, parse_terms
from privacy.scrub import KEEP, REASON_KEEP_LIST, decide, scrub
from tests.conftest import invoke_cli

TEXT = "Project Bluebird: call Zebrafinch Smith at 713-853-6197"
BLUEBIRD = PiiSpan(8, 16, "PERSON", 0.85, "SpacyRecognizer")
ZEBRA = PiiSpan(23, 39, "PERSON", 0.85, "SpacyRecognizer")
PHONE = PiiSpan(43, 55, "PHONE_NUMBER", 0.9, "UsPhoneRecognizer")


def test_keep_terms_match_whole_words_any_case_inside_a_term() -> None:
    terms = KeepTerms(["project  bluebird", "", "  "])
    assert terms.terms == ["project bluebird"]
    assert terms.occurrences(TEXT) == [(0, 16)]
    assert terms.covers(BLUEBIRD, terms.occurrences(TEXT))
    assert not terms.covers(ZEBRA, terms.occurrences(TEXT))
    assert KeepTerms(["bird"]).occurrences(TEXT) == []  # not inside a word
    assert not KeepTerms([])
    assert parse_terms(" Zebrafinch, Project Bluebird ,, ") == ["Zebrafinch", "Project Bluebird"]


def test_keep_terms_scrub_keeps_them_and_redacts_the_rest() -> None:
    terms = KeepTerms(["Project Bluebird"])
    out = scrub(TEXT, [BLUEBIRD, ZEBRA, PHONE], DEFAULT_PII_POLICY, min_score=0.4, keep_terms=terms)
    assert out.text == "Project Bluebird: call <PERSON> at <PHONE_NUMBER>"
    # without the keep-list the codename is redacted: the test would fail if terms did nothing
    assert "Bluebird" not in scrub(TEXT, [BLUEBIRD, PHONE], DEFAULT_PII_POLICY, min_score=0.4).text
    # a kept span never hides what overlaps it: the phone number is still redacted
    phone_term = KeepTerms(["713"])
    assert (
        "713-853-6197"
        not in scrub(TEXT, [PHONE], DEFAULT_PII_POLICY, min_score=0.4, keep_terms=phone_term).text
    )


def test_keep_terms_decide_says_why() -> None:
    terms = KeepTerms(["Project Bluebird"])
    occurrences = terms.occurrences(TEXT)
    assert decide(
        TEXT, BLUEBIRD, DEFAULT_PII_POLICY, min_score=0.4, keep_terms=terms, keep_spans=occurrences
    ) == (
        KEEP,
        REASON_KEEP_LIST,
    )
    assert decide(TEXT, PHONE, DEFAULT_PII_POLICY, min_score=0.4)[0] == "redact"
    low = PiiSpan(0, 7, "PERSON", 0.3)
    assert decide(TEXT, low, DEFAULT_PII_POLICY, min_score=0.4)[0] == KEEP
    assert decide(TEXT, PiiSpan(0, 7, "NEW_TYPE", 0.9), DEFAULT_PII_POLICY, min_score=0.4)[0] == "redact"


def test_keep_terms_stored_and_audited(store: Store) -> None:
    assert store.add_keep_term("  Zebrafinch ", actor="ann@example.com")
    assert not store.add_keep_term("zebrafinch", actor="ann@example.com")  # case-insensitive
    assert [r["term"] for r in store.keep_terms()] == ["Zebrafinch"]
    assert store.remove_keep_term("ZEBRAFINCH", actor="bob@example.com")
    assert not store.remove_keep_term("Zebrafinch", actor="bob@example.com")
    audit = [(r["actor"], r["action"], r["detail"]) for r in store.audit_entries("privacy.")]
    assert audit == [
        ("bob@example.com", "privacy.keep_term.remove", "ZEBRAFINCH"),
        ("ann@example.com", "privacy.keep_term.add", "Zebrafinch"),
    ]
    with pytest.raises(Exception, match="S030"):
        store.add_keep_term("   ", actor="ann@example.com")


def test_keep_terms_explain_lists_each_span_with_its_reason() -> None:
    from privacy.detect import PiiDetector

    text = "Ask Karen Farrow about Zebrafinch; her cell is 713-853-6197, office in Houston."
    rows = explain(
        text, PiiDetector(), DEFAULT_PII_POLICY, min_score=0.4, keep_terms=KeepTerms(["Karen Farrow"])
    )
    by_text = {r.text: r for r in rows}
    assert by_text["713-853-6197"].action == "redact"
    assert by_text["713-853-6197"].recognizer == "UsPhoneRecognizer"
    assert by_text["Karen Farrow"].action == KEEP and by_text["Karen Farrow"].reason == REASON_KEEP_LIST
    assert by_text["Houston"].action == KEEP and "LOCATION" in by_text["Houston"].reason
    assert json.loads(json.dumps(rows[0].as_json()))["start"] == rows[0].start


def test_keep_terms_pii_detect_gives_the_action_and_leaves_out_what_is_ignored() -> None:
    line = json.dumps({"id": 1, "text": "Project Bluebird: mail karen.farrow@gmail.com, in Houston"})
    (plain,) = detect_pii_jsonl([line])
    assert all(set(s) == {"start", "end", "type", "score"} for s in json.loads(plain)["spans"])
    (out,) = detect_pii_jsonl(
        [line], min_score=0.4, policy=DEFAULT_PII_POLICY, keep_terms=KeepTerms(["Project Bluebird"])
    )
    actions = {s["type"]: s["action"] for s in json.loads(out)["spans"]}
    assert actions["EMAIL_ADDRESS"] == "pseudonymize" and actions["LOCATION"] == KEEP


def test_keep_terms_cli_add_list_explain(settings: Settings) -> None:
    text = "call Karen at 713-853-6197"
    before = invoke_cli(settings, "pii", "explain", "--json", input=text)
    assert {json.loads(x)["text"]: json.loads(x)["action"] for x in before.output.splitlines()}["Karen"] == (
        "pseudonymize"
    )
    added = invoke_cli(settings, "pii", "keep", "add", "Karen", "--actor", "ann")
    assert added.exit_code == 0, added.output
    assert "Karen\t(added by ann" in invoke_cli(settings, "pii", "keep", "list").output
    rows = {
        json.loads(x)["text"]: json.loads(x)
        for x in invoke_cli(settings, "pii", "explain", "--json", input=text).output.splitlines()
    }
    assert rows["Karen"]["action"] == KEEP and rows["Karen"]["reason"] == REASON_KEEP_LIST
    assert rows["713-853-6197"]["action"] == "redact"
    human = invoke_cli(settings, "pii", "explain", input=text).output
    assert "keep-list term" in human and "UsPhoneRecognizer" in human
    detected = json.loads(
        invoke_cli(settings, "pii", "detect", input=json.dumps({"id": 1, "text": text})).output
    )
    assert {s["type"]: s["action"] for s in detected["spans"]} == {"PERSON": KEEP, "PHONE_NUMBER": "redact"}
    assert "removed" in invoke_cli(settings, "pii", "keep", "remove", "karen", "--actor", "ann").output
