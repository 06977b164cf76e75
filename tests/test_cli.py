"""Every command through click's CliRunner, on the fixtures, with real SQLite."""

from __future__ import annotations

import json
import shutil
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from backchannel.cli import cli
from backchannel.settings import Settings
from tests.conftest import FIXTURES, SmtpInbox, invoke_cli


def run(settings: Settings, *args: str, input: str | None = None) -> str:
    return invoke_cli(settings, *args, input=input).output


def test_cli_ingest_twice_adds_nothing_the_second_time(settings: Settings) -> None:
    first = run(settings, "ingest", str(FIXTURES / "maildir"))
    new = int(first.split("new ")[1].split(",")[0])
    counts = json.loads(run(settings, "stats", "--json"))
    assert counts["messages"] == new > 10
    assert counts["failures"] >= 1  # the malformed fixture file
    second = run(settings, "ingest", str(FIXTURES / "maildir"))
    assert ", new 0," in second
    again = json.loads(run(settings, "stats", "--json"))
    assert again["messages"] == counts["messages"]
    assert again["failures"] == counts["failures"]
    assert again["locations"] == counts["locations"]


def test_cli_ingest_reports_duplicates_and_failures(settings: Settings) -> None:
    out = run(settings, "ingest", str(FIXTURES / "maildir"))
    read = int(out.split("read ")[1].split(",")[0])
    new = int(out.split("new ")[1].split(",")[0])
    dups = int(out.split("duplicates ")[1].split(",")[0])
    failed = int(out.split("failed ")[1].split()[0])
    assert dups >= 1 and failed >= 1
    assert read == new + dups + failed
    listed = json.loads(run(settings, "failures", "--json"))
    assert listed and all(f["reason"] for f in listed)


def test_cli_ingest_missing_path_is_one_clear_line(settings: Settings, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "ingest", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_cli_slack_export_zip_and_folder_are_one_source_of_messages(
    settings: Settings, tmp_path: Path
) -> None:
    archive = shutil.make_archive(str(tmp_path / "export"), "zip", FIXTURES / "slack_export")
    run(settings, "ingest", str(FIXTURES / "slack_export"))
    n = json.loads(run(settings, "stats", "--json"))["messages"]
    out = run(settings, "ingest", archive)
    assert ", new 0," in out  # same messages, same ids, whatever the container
    assert json.loads(run(settings, "stats", "--json"))["messages"] == n


def test_cli_stats_and_search_after_build(built_settings: Settings) -> None:
    counts = json.loads(run(built_settings, "stats", "--json"))
    for key in ("messages", "threads", "people", "entities", "mentions", "pages", "failures"):
        assert key in counts
    assert counts["messages_pending"] == 0
    assert counts["entities"] > 0 and counts["linked_mentions"] > 0 and counts["topic_pages"] > 0
    hits = json.loads(run(built_settings, "search", "Enron", "--json", "--all", "--limit", "5"))["hits"]
    assert 0 < len(hits) <= 5
    assert {"message_id", "thread_id", "score", "snippet"} <= hits[0].keys()
    assert "<mark>" in hits[0]["snippet"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_cli_search_without_access_sees_only_public(built_settings: Settings) -> None:
    public = json.loads(run(built_settings, "search", "Enron", "--json"))["hits"]
    assert public == []  # Enron is only discussed in mail, and mail is never public
    unknown = CliRunner().invoke(
        cli, ["--data-dir", str(built_settings.data_dir), "search", "x", "--as", "nobody@nowhere.org"]
    )
    assert unknown.exit_code == 1 and "No person is known" in unknown.output


def test_cli_pii_detect_contract(settings: Settings) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Call me at (713) 853-6197, SSN 536-22-8471."}),
        "this is not json",
        json.dumps({"id": "b", "text": "nothing here"}),
    ]
    out = [json.loads(x) for x in run(settings, "pii", "detect", input="\n".join(lines) + "\n").splitlines()]
    assert out[0]["id"] == "a"
    types = {s["type"] for s in out[0]["spans"]}
    assert {"PHONE_NUMBER", "US_SSN"} <= types
    text = json.loads(lines[0])["text"]
    ssn = next(s for s in out[0]["spans"] if s["type"] == "US_SSN")
    assert text[ssn["start"] : ssn["end"]] == "536-22-8471"
    assert "error" in out[1]
    assert out[2] == {"id": "b", "spans": []}


def test_cli_link_contract(settings: Settings) -> None:
    text = "Ken Lay told FERC about the natural gas deal."
    out = json.loads(run(settings, "link", input=json.dumps({"id": 7, "text": text}) + "\n"))
    assert out["id"] == 7
    entities = {m["entity"] for m in out["mentions"]}
    assert "Kenneth Lay" in entities
    for m in out["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    given = json.loads(
        run(
            settings,
            "link",
            input=json.dumps({"id": 8, "text": text, "mentions": [{"start": 0, "end": 7}]}) + "\n",
        )
    )
    assert [(m["start"], m["end"], m["entity"]) for m in given["mentions"]] == [(0, 7, "Kenneth Lay")]


@pytest.mark.parametrize(("semantic", "entity"), [("1", "Apple Inc."), ("0", None)])
def test_cli_link_follows_the_link_semantic_setting(settings, monkeypatch, semantic, entity) -> None:
    # A close call only MiniLM settles (see tests/test_nlp_semantic.py).
    monkeypatch.setenv("BACKCHANNEL_LINK_SEMANTIC", semantic)
    lines = [
        json.dumps({"id": 1, "text": "Apple shipped the new laptop in October."}),
        "not json",
        json.dumps({"id": 2, "text": "Ken Lay called."}),
    ]
    out = [json.loads(line) for line in run(settings, "link", input="\n".join(lines) + "\n").splitlines()]
    assert [o.get("id") for o in out] == [1, None, 2] and "error" in out[1]
    assert {m["text"]: m["entity"] for m in out[0]["mentions"]}["Apple"] == entity
    assert {m["entity"] for m in out[2]["mentions"]} == {"Kenneth Lay"}


def test_cli_digest_prints_text_without_to(built_settings: Settings) -> None:
    out = run(
        built_settings,
        "digest",
        "--period",
        "month",
        "--as",
        "phillip.allen@enron.com",
        "--until",
        "2001-12-01",
    )
    assert "Enron" in out


def test_cli_digest_sends_over_smtp_with_the_recipients_access(
    built_settings: Settings, smtp_inbox: SmtpInbox
) -> None:
    out = run(
        built_settings,
        "digest",
        "--period",
        "month",
        "--until",
        "2001-12-01",
        "--to",
        "phillip.allen@enron.com",
        "--smtp",
        f"127.0.0.1:{smtp_inbox.port}",
    )
    assert "phillip.allen@enron.com" in out
    [envelope] = smtp_inbox.envelopes
    assert envelope.rcpt_tos == ["phillip.allen@enron.com"]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Dynegy" in parts["text/plain"]  # mail he received
    assert "Bluebird" not in parts["text/plain"]  # Slack chatter of 2026 is outside the period


def test_cli_user_add_and_settings(settings: Settings) -> None:
    assert "ready (admin)" in run(settings, "user", "add", "ann@example.com", "--admin", "--password", "pw")
    listing = run(settings, "settings")
    assert "kb_path" in listing and "BACKCHANNEL_KB_PATH" in listing


@pytest.mark.parametrize("bad", [["digest", "--to", "a@b.c", "--smtp", "nocolon"]])
def test_cli_bad_options_are_usage_errors(settings: Settings, bad: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), *bad])
    assert result.exit_code == 2
