"""The Slack Web API connector against a local stand-in of Slack's wire protocol (tests/slack_standin.py)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from backchannel.errors import ConnectorError
from backchannel.records import RawMessage, Visibility
from ingest.base import VersionedConnector
from ingest.live import CHECKPOINT_FILE, LiveConnector, SyncReport
from ingest.slack_api import SlackApiConnector

from .slack_standin import TOKEN, Fault, SlackStandIn, Workspace, running

DAY = 86400


def workspace() -> Workspace:
    """Ann, Bo and Cy, a bot (the token's user), and one conversation of each kind."""
    ws = Workspace(me="UBOT")
    ws.add_user("UANN", "ann", "Ann Lee", "ann@example.com")
    ws.add_user("UBO", "bo", "Bo Chen", "bo@example.com")
    ws.add_user("UCY", "cy", "Cy Diaz")
    ws.add_user("UBOT", "bot", "Backchannel")
    ws.add_conversation("C1", "public", ["UANN", "UBO", "UCY", "UBOT"], name="general")
    ws.add_conversation("C2", "public", ["UANN"], name="random")  # the bot is not in it
    ws.add_conversation("G1", "private", ["UANN", "UBO", "UBOT"], name="secret")
    ws.add_conversation("G2", "mpim", ["UANN", "UCY", "UBOT"], name="mpdm-ann--cy--bot-1")
    ws.add_conversation("D1", "im", ["UBOT", "UANN"])
    ws.add_conversation("G3", "private", ["UANN", "UBO"], name="hidden")  # invisible to the bot
    parent = ws.post("C1", "UANN", "Shall we move billing to Postgres?")
    ws.post("C1", "UBO", "Yes, <@UANN>", thread_ts=parent)
    ws.post("C1", "UCY", "Agreed", thread_ts=parent)
    ws.post("C1", "UCY", "Plan attached", subtype="file_share", files=[{"id": "F1", "name": "plan.pdf"}])
    ws.post("C1", "", "Deployed v2", subtype="bot_message", bot_id="B1", username="deploybot")
    ws.post("C2", "UANN", "random thoughts")
    ws.post("G1", "UBO", "Salary bands for next year")
    ws.post("G2", "UCY", "lunch?")
    ws.post("D1", "UANN", "hi bot")
    ws.post("G3", "UANN", "nobody else sees this")
    return ws


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with running(workspace()) as server:
        yield server


class Clock:
    """A fixed "now" for the sync windows, and a sleep that only records."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def connector(self) -> SlackApiConnector:
        return SlackApiConnector(sleep=self.sleeps.append, clock=lambda: self.now)


def later(ws: Workspace, days: float) -> Clock:
    """A clock ``days`` after the workspace's newest message."""
    return Clock(ws.clock + days * DAY)


def sync(standin: SlackStandIn, mirror: Path, clock: Clock, token: str = TOKEN, **options: str) -> SyncReport:
    return clock.connector().sync({"base_url": standin.base_url, **options}, token, mirror)


def read_mirror(mirror: Path) -> dict[str, RawMessage]:
    connector = SlackApiConnector()
    out = {}
    for locator, _ in connector.list_versions(mirror):
        result = connector.read(mirror, locator)
        assert isinstance(result, RawMessage), (locator, result)
        out[locator] = result
    return out


def by_text(messages: dict[str, RawMessage]) -> dict[str, RawMessage]:
    return {m.body: m for m in messages.values()}


def mirror_files(mirror: Path) -> dict[str, bytes]:
    return {
        p.relative_to(mirror).as_posix(): p.read_bytes()
        for p in sorted(mirror.rglob("*"))
        if p.is_file() and p.name != CHECKPOINT_FILE
    }


def test_slack_api_connector_contracts() -> None:
    connector = SlackApiConnector()
    assert isinstance(connector, LiveConnector) and isinstance(connector, VersionedConnector)
    assert connector.kind == "slack_api" and connector.tracks_deletions is True


def test_slack_api_first_sync_mirrors_every_kind_of_conversation(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    seen: list[int] = []
    clock = later(standin.workspace, 100)
    report = clock.connector().sync({"base_url": standin.base_url}, TOKEN, mirror, progress=seen.append)
    assert report.fetched == 8 and report.deleted == 0 and report.rate_limited == 0
    assert report.skipped == ["C2: not_in_channel"]
    assert sum(seen) >= 8
    assert oct(mirror.stat().st_mode & 0o777) == "0o700"
    groups = json.loads((mirror / "groups.json").read_text())
    assert [(g["id"], g["members"]) for g in groups] == [("G1", ["UANN", "UBO", "UBOT"])]
    assert [d["members"] for d in json.loads((mirror / "dms.json").read_text())] == [["UANN", "UBOT"]]
    assert [m["id"] for m in json.loads((mirror / "mpims.json").read_text())] == ["G2"]
    assert len(json.loads((mirror / "users.json").read_text())) == 4

    messages = by_text(read_mirror(mirror))
    assert set(messages) == {
        "Shall we move billing to Postgres?",
        "Yes, @Ann Lee",
        "Agreed",
        "Plan attached",
        "Deployed v2",
        "Salary bands for next year",
        "lunch?",
        "hi bot",
    }
    assert all(m.source == "slack_api" for m in messages.values())
    parent, reply = messages["Shall we move billing to Postgres?"], messages["Yes, @Ann Lee"]
    assert reply.thread_key == parent.thread_key == f"C1:{parent.native_id}"
    assert parent.visibility is Visibility.PUBLIC and parent.access == [] and parent.container == "general"
    assert parent.locator.startswith("C1/2026-03-02.json#")
    private = messages["Salary bands for next year"]
    assert private.visibility is Visibility.RESTRICTED and private.container == "secret"
    assert private.access == ["slack:UANN", "slack:UBO", "slack:UBOT"]
    group = messages["lunch?"]
    assert group.access == ["slack:UANN", "slack:UBOT", "slack:UCY"] and group.container == "dm:ann,bot,cy"
    dm = messages["hi bot"]
    assert dm.access == ["slack:UANN", "slack:UBOT"] and dm.container == "dm:ann,bot"
    assert [a.name for a in messages["Plan attached"].attachments] == ["plan.pdf"]
    assert messages["Deployed v2"].author.name == "deploybot"
    people = SlackApiConnector().people(mirror)
    assert ("slack:UANN", "ann@example.com") in [p.keys for p in people]


def test_slack_api_paginates_every_listing(standin: SlackStandIn, tmp_path: Path) -> None:
    ws = standin.workspace
    posted = [ws.post("C1", "UBO", f"note {i}") for i in range(60)]
    parent = posted[0]
    for i in range(12):
        ws.post("C1", "UANN", f"reply {i}", thread_ts=parent)
    report = sync(standin, tmp_path / "mirror", later(ws, 100), page_limit="7")
    assert report.fetched == 8 + 60 + 12
    history = [c for c in standin.calls_of("conversations.history") if c["channel"] == "C1"]
    assert len(history) == 9  # 63 top-level messages, 7 a page
    assert "cursor" not in history[0] and all(c.get("cursor") for c in history[1:])
    assert all(c["limit"] == "7" for c in history)
    assert len(standin.calls_of("users.list")) == 1 and len(standin.calls_of("conversations.list")) == 1
    replies = [c for c in standin.calls_of("conversations.replies") if c["ts"] == parent]
    assert len(replies) == 2
    texts = {m.body for m in read_mirror(tmp_path / "mirror").values()}
    assert {f"note {i}" for i in range(60)} | {f"reply {i}" for i in range(12)} <= texts


def test_slack_api_obeys_rate_limits_and_retries_transient_failures(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    standin.faults += [
        Fault("conversations.history", "ratelimit", every=2, retry_after=3),
        Fault("users.list", "ratelimit", times=1, retry_after=1),
        Fault("conversations.list", "disconnect", times=2),
        Fault("conversations.members", "server_error", times=1),
    ]
    clock = later(standin.workspace, 100)
    report = sync(standin, tmp_path / "mirror", clock)
    fired = {f.method: f.fired for f in standin.faults}
    assert fired["conversations.history"] >= 4 and fired["users.list"] == 1
    assert report.rate_limited == fired["conversations.history"] + 1
    assert clock.sleeps.count(3.0) == fired["conversations.history"] and 1.0 in clock.sleeps
    assert report.fetched == 8 and report.skipped == ["C2: not_in_channel"]
    assert len(read_mirror(tmp_path / "mirror")) == 8


def test_slack_api_gives_up_on_a_server_that_keeps_failing(standin: SlackStandIn, tmp_path: Path) -> None:
    standin.faults.append(Fault("users.list", "server_error"))
    clock = later(standin.workspace, 100)
    with pytest.raises(ConnectorError, match=r"\[I203\] Slack failed \(HTTP 500\) on users.list 4 times"):
        sync(standin, tmp_path / "mirror", clock)
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_slack_api_paces_calls_per_method(standin: SlackStandIn, tmp_path: Path) -> None:
    clock = later(standin.workspace, 100)
    sync(standin, tmp_path / "mirror", clock, min_interval="0.5")
    assert clock.sleeps and all(0 < s <= 0.5 for s in clock.sleeps)


@pytest.mark.parametrize(("token", "error"), [("xoxb-revoked-9999", "invalid_auth"), ("", "no Slack token")])
def test_slack_api_bad_token_is_a_clear_error_without_the_token(
    standin: SlackStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture, token: str, error: str
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConnectorError) as err:
        sync(standin, tmp_path / "mirror", later(standin.workspace, 1), token=token)
    assert "[I201]" in str(err.value) and error in str(err.value)
    if token:
        assert "create a new token" in str(err.value)
        assert token not in str(err.value) and token not in caplog.text
        assert err.value.__cause__ is None and err.value.__suppress_context__
    assert not (tmp_path / "mirror").exists()


def test_slack_api_token_is_never_logged_or_mirrored(
    standin: SlackStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    standin.faults.append(Fault("conversations.history", "ratelimit", times=1))
    mirror = tmp_path / "mirror"
    sync(standin, mirror, later(standin.workspace, 1))
    assert mirror_files(mirror)
    for path in mirror.rglob("*"):
        assert not path.is_file() or TOKEN.encode() not in path.read_bytes(), path
    assert TOKEN not in caplog.text
    assert "Shall we move billing" not in caplog.text  # nor message text
    assert caplog.records  # the sync did log (counts and ids)


def test_slack_api_incremental_sync_fetches_only_what_is_new(standin: SlackStandIn, tmp_path: Path) -> None:
    ws, mirror = standin.workspace, tmp_path / "mirror"
    clock = later(ws, 100)
    sync(standin, mirror, clock)
    newest = max(m["ts"] for m in ws.messages["C1"].values())
    before = dict(SlackApiConnector().list_versions(mirror))
    first_calls = len(standin.calls)
    ws.post("C1", "UBO", "one more thing")
    ws.post("G1", "UANN", "and a secret")
    report = sync(standin, mirror, clock)
    assert report.fetched == 2 and report.deleted == 0
    second = standin.calls[first_calls:]
    c1 = [c.params for c in second if c.method == "conversations.history" and c.params["channel"] == "C1"]
    assert [c["oldest"] for c in c1] == [newest]
    assert not [c for c in second if c.method == "conversations.replies"]  # its thread is long quiet
    after = dict(SlackApiConnector().list_versions(mirror))
    assert len(after) == len(before) + 2 and all(after[loc] == v for loc, v in before.items())


def test_slack_api_new_reply_to_an_old_thread(standin: SlackStandIn, tmp_path: Path) -> None:
    ws, mirror = standin.workspace, tmp_path / "mirror"
    clock = later(ws, 10)  # past the 7-day re-scan, within the 30 days threads are followed
    sync(standin, mirror, clock)
    parent = next(ts for ts, m in ws.messages["C1"].items() if m["text"].startswith("Shall we"))
    ws.post("C1", "UANN", "Late answer: Postgres it is", thread_ts=parent)
    report = sync(standin, mirror, clock)
    assert report.fetched == 2  # the reply, and its parent's reply_count
    replies = standin.calls_of("conversations.replies")
    assert replies[-1]["ts"] == parent and Decimal(replies[-1]["oldest"]) > Decimal(parent)
    messages = by_text(read_mirror(mirror))
    assert messages["Late answer: Postgres it is"].thread_key == f"C1:{parent}"


def test_slack_api_edits_and_deletions_in_the_rescan_window(standin: SlackStandIn, tmp_path: Path) -> None:
    ws, mirror = standin.workspace, tmp_path / "mirror"
    clock = later(ws, 1)
    sync(standin, mirror, clock)
    before = {_read(mirror, loc).body: (loc, v) for loc, v in SlackApiConnector().list_versions(mirror)}
    c1 = {m["text"]: ts for ts, m in ws.messages["C1"].items()}
    ws.edit("C1", c1["Plan attached"], "Plan attached (v2)")
    ws.delete("C1", c1["Deployed v2"])
    ws.delete("C1", c1["Agreed"])  # a thread reply
    report = sync(standin, mirror, clock)
    assert report.fetched == 2 and report.deleted == 2  # the edit; the parent's reply_count
    after = dict(SlackApiConnector().list_versions(mirror))
    edited_locator, edited_version = before["Plan attached"]
    assert after[edited_locator] != edited_version
    assert _read(mirror, edited_locator).body == "Plan attached (v2)" and _read(mirror, edited_locator).edited
    assert before["Deployed v2"][0] not in after and before["Agreed"][0] not in after
    kept_locator, kept_version = before["Yes, @Ann Lee"]
    assert after[kept_locator] == kept_version
    assert sync(standin, mirror, clock) == SyncReport(skipped=["C2: not_in_channel"])  # no change since


def _read(mirror: Path, locator: str) -> RawMessage:
    result = SlackApiConnector().read(mirror, locator)
    assert isinstance(result, RawMessage)
    return result


def test_slack_api_resumes_an_interrupted_history_listing(standin: SlackStandIn, tmp_path: Path) -> None:
    ws = standin.workspace
    for i in range(30):
        ws.post("C1", "UBO", f"note {i}")
    clock = later(ws, 100)
    sync(standin, tmp_path / "whole", clock, page_limit="5")
    calls_before = len(standin.calls)

    standin.faults.append(Fault("conversations.history", "server_error", skip=2, times=4))
    mirror = tmp_path / "resumed"
    with pytest.raises(ConnectorError, match=r"\[I203\].*resumes where it stopped"):
        sync(standin, mirror, clock, page_limit="5")
    history = [c.params for c in standin.calls[calls_before:] if c.method == "conversations.history"]
    assert len(history) == 6 and history[2]["channel"] == "C1"  # page 3 of C1, tried 4 times
    checkpoint = json.loads((mirror / CHECKPOINT_FILE).read_text())
    assert checkpoint["conversations"]["C1"]["listing"]["cursor"] == history[2]["cursor"]

    standin.faults.clear()
    calls_before = len(standin.calls)
    report = sync(standin, mirror, clock, page_limit="5")
    resumed = [c.params for c in standin.calls[calls_before:] if c.method == "conversations.history"]
    assert resumed[0]["channel"] == "C1" and resumed[0]["cursor"] == history[2]["cursor"]
    assert report.deleted == 0
    assert mirror_files(mirror) == mirror_files(tmp_path / "whole")
    for day in mirror.glob("*/*.json"):
        stamps = [m["ts"] for m in json.loads(day.read_text())]
        assert stamps == sorted(stamps) and len(stamps) == len(set(stamps))
    assert len(read_mirror(mirror)) == 8 + 30


def test_slack_api_renamed_channel_keeps_its_locators(standin: SlackStandIn, tmp_path: Path) -> None:
    ws, mirror = standin.workspace, tmp_path / "mirror"
    clock = later(ws, 100)
    sync(standin, mirror, clock)
    before = dict(SlackApiConnector().list_versions(mirror))
    ws.conversations["C1"]["name"] = "all-hands"
    sync(standin, mirror, clock)
    after = dict(SlackApiConnector().list_versions(mirror))
    assert set(after) == set(before)
    changed = {loc for loc in before if before[loc] != after[loc]}
    assert changed == {loc for loc in before if loc.startswith("C1/")}  # read again: new container
    assert {m.container for loc, m in read_mirror(mirror).items() if loc.startswith("C1/")} == {"all-hands"}


def test_slack_api_conversation_the_app_left_stays_restricted(standin: SlackStandIn, tmp_path: Path) -> None:
    ws, mirror = standin.workspace, tmp_path / "mirror"
    clock = later(ws, 100)
    sync(standin, mirror, clock)
    ws.conversations["G1"]["members"].remove("UBOT")
    sync(standin, mirror, clock)
    secret = by_text(read_mirror(mirror))["Salary bands for next year"]
    assert secret.visibility is Visibility.RESTRICTED
    assert secret.access == ["slack:UANN", "slack:UBO", "slack:UBOT"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rescan_day": "3"}, "unknown slack_api option"),
        ({"types": "public_channel,shared"}, "option types"),
        ({"page_limit": "0"}, "page_limit"),
        ({"oldest": "last week"}, "YYYY-MM-DD"),
        ({"exclude_archived": "maybe"}, "true or false"),
    ],
)
def test_slack_api_bad_options(tmp_path: Path, options: dict[str, str], message: str) -> None:
    with pytest.raises(ConnectorError, match=r"\[I200\].*" + message):
        SlackApiConnector().sync(options, TOKEN, tmp_path)


def test_slack_api_options_narrow_the_sync(standin: SlackStandIn, tmp_path: Path) -> None:
    ws = standin.workspace
    ws.add_conversation("C9", "public", ["UBOT"], name="old-project", archived=True)
    ws.post("C9", "UBOT", "archived talk")
    clock = later(ws, 100)
    day = datetime.fromtimestamp(ws.clock, UTC).replace(hour=0, minute=0, second=0)
    report = sync(standin, tmp_path / "mirror", clock, types="public_channel", exclude_archived="true")
    assert {c["channel"] for c in standin.calls_of("conversations.history")} == {"C1", "C2"}
    assert standin.calls_of("conversations.list")[0]["types"] == "public_channel"
    assert report.fetched == 5
    sync(standin, tmp_path / "recent", clock, oldest=day.date().isoformat())
    assert standin.calls_of("conversations.history")[-1]["oldest"] == f"{int(day.timestamp())}.000000"


@pytest.mark.skipif(not os.environ.get("SLACK_TOKEN"), reason="set SLACK_TOKEN to run against real Slack")
def test_slack_api_against_real_slack(tmp_path: Path) -> None:
    token = os.environ["SLACK_TOKEN"]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    options = {"types": "public_channel", "exclude_archived": "true", "page_limit": "50", "oldest": yesterday}
    report = SlackApiConnector().sync(options, token, tmp_path / "mirror")
    assert (tmp_path / "mirror" / "users.json").is_file()
    assert all(": " in s for s in report.skipped)
    for path in (tmp_path / "mirror").rglob("*"):
        assert not path.is_file() or token.encode() not in path.read_bytes()
    read_mirror(tmp_path / "mirror")
