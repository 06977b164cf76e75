"""A live Slack source end to end: `source add`, `sync`, build; then an edit and a deletion at Slack.

The workspace is served by the local stand-in of Slack's Web API
(tests/slack_standin.py); the CLI, the mirror, ingest, the store and the build
are the real ones.
"""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from click.testing import CliRunner

from backchannel.cli import cli
from backchannel.settings import Settings
from tests.conftest import FIXTURES

from .slack_standin import TOKEN, Workspace, running

pytestmark = pytest.mark.slow


def _workspace() -> Workspace:
    ws = Workspace(me="UBOT", clock=int(time.time()) - 6 * 3600)  # recent: inside the re-scan window
    ws.add_user("UANN", "ann", "Ann Lee", "ann@example.com")
    ws.add_user("UBO", "bo", "Bo Chen", "bo@example.com")
    ws.add_user("UBOT", "bot", "Backchannel")
    ws.add_conversation("C1", "public", ["UANN", "UBO", "UBOT"], name="general")
    ws.add_conversation("G1", "private", ["UANN", "UBOT"], name="payroll")
    ws.add_conversation("C2", "public", ["UANN"], name="random")  # the app is not in it
    return ws


def _cli(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["--quiet", "--data-dir", str(settings.data_dir), "--kb", str(FIXTURES / "wikipedia"), *args],
        env={"BC_TEST_SLACK": TOKEN},
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _rows(settings: Settings, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(settings.database_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_slack_api_source_sync_edit_delete(settings: Settings) -> None:
    ws = _workspace()
    parent = ws.post("C1", "UANN", "Shall we move billing to Postgres?")
    ws.post("C1", "UBO", "Yes, the Postgres migration is overdue", thread_ts=parent)
    secret = ws.post("G1", "UANN", "Payroll runs on Friday")
    with running(ws) as slack:
        _cli(
            settings,
            "source",
            "add",
            "eng",
            "slack_api",
            f"base_url={slack.base_url}",
            "secret_env=BC_TEST_SLACK",
        )
        first = _cli(settings, "sync", "eng", "--build")
        assert "eng: fetched 3, new 3," in first and "built 3 messages" in first
        assert "skipped: C2: not_in_channel" in first
        assert "[fetch] source eng :: C2\n    not_in_channel" in _cli(settings, "failures")

        threads = _rows(
            settings, "SELECT count(DISTINCT thread_id) FROM messages WHERE container = 'general'"
        )
        assert threads == [(1,)]
        private = _rows(
            settings,
            "SELECT m.visibility, group_concat(i.key) FROM messages m "
            "JOIN message_access a ON a.message_id = m.id "
            "JOIN identities i ON i.person_id = a.person_id WHERE m.native_id = ? GROUP BY m.id",
            secret,
        )
        assert private[0][0] == "restricted" and "slack:UBO" not in private[0][1].split(",")
        bo = json.loads(_cli(settings, "search", "payroll", "--json", "--as", "slack:UBO"))
        ann = json.loads(_cli(settings, "search", "payroll", "--json", "--as", "slack:UANN"))
        assert bo["hits"] == [] and len(ann["hits"]) == 1

        ws.edit("C1", parent, "Shall we move invoicing to Postgres?")
        ws.delete("G1", secret)
        second = _cli(settings, "sync", "eng", "--build")
        assert "new 0, changed 1, duplicates 0, deleted 1" in second and "built 1 messages" in second
        (body,) = _rows(settings, "SELECT body FROM messages WHERE native_id = ?", parent)[0]
        assert "invoicing" in body and "billing" not in body
        assert _rows(settings, "SELECT count(*) FROM messages WHERE native_id = ?", secret) == [(0,)]
        assert json.loads(_cli(settings, "search", "payroll", "--json", "--as", "slack:UANN"))["hits"] == []
        assert json.loads(_cli(settings, "search", "invoicing", "--json", "--all"))["hits"]

        third = _cli(settings, "sync", "eng")
        assert "new 0, changed 0, duplicates 0, deleted 0" in third

    mirror = settings.data_dir / "mirrors" / "eng"
    assert mirror.is_dir() and oct(mirror.stat().st_mode & 0o777) == "0o700"
    for path in [*mirror.rglob("*"), *settings.data_dir.glob("*.sqlite*")]:
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    _cli(settings, "source", "remove", "eng", "--yes")
    assert not mirror.exists()
    assert _rows(settings, "SELECT count(*) FROM messages") == [(0,)]
