"""privacy.detect_pii_jsonl: the `backchannel pii detect` contract."""

from __future__ import annotations

import json

from privacy import detect_pii_jsonl


def test_detect_pii_jsonl_contract():
    text = "Maria Gonzalez: call (713) 853-6197 or mail maria.gonzalez@gmail.com"
    lines = [
        json.dumps({"id": "m1", "text": text}),
        "{not json",
        "",
        json.dumps({"id": "m3"}),
        json.dumps({"id": 4, "text": "nothing personal here"}),
        json.dumps(["a", "list"]),
    ]
    out = [json.loads(x) for x in detect_pii_jsonl(lines)]
    assert [o.get("id") for o in out] == ["m1", None, "m3", 4, None]
    assert set(out[0]) == {"id", "spans"}
    found = {(s["type"], text[s["start"] : s["end"]]) for s in out[0]["spans"]}
    assert {
        ("PERSON", "Maria Gonzalez"),
        ("PHONE_NUMBER", "(713) 853-6197"),
        ("EMAIL_ADDRESS", "maria.gonzalez@gmail.com"),
    } <= found
    for span in out[0]["spans"]:
        assert set(span) == {"start", "end", "type", "score"}
        assert 0.0 <= span["score"] <= 1.0
    assert "error" in out[1] and "JSON" in out[1]["error"]
    assert "text" in out[2]["error"]
    assert out[3] == {"id": 4, "spans": []}
    assert "error" in out[4]


def test_detect_pii_jsonl_offsets_are_characters_not_bytes():
    text = "Grüße — José wrote: SSN 536-22-8471"
    (line,) = detect_pii_jsonl([json.dumps({"id": "u", "text": text}, ensure_ascii=False)])
    spans = json.loads(line)["spans"]
    assert ("US_SSN", "536-22-8471") in {(s["type"], text[s["start"] : s["end"]]) for s in spans}


def test_detect_pii_jsonl_streams_more_than_one_batch():
    lines = [json.dumps({"id": i, "text": f"ssn 536-22-{8400 + i:04d}"}) for i in range(70)]
    out = [json.loads(x) for x in detect_pii_jsonl(lines)]
    assert [o["id"] for o in out] == list(range(70))
