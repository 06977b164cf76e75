"""The Slack export connector on the bundled export (as a folder and as a zip)."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backchannel.errors import ConnectorError
from backchannel.records import Address, IngestFailure, PersonRecord, RawMessage, Visibility
from ingest.base import VersionedConnector
from ingest.slack_export import SlackExportConnector

EXPORT = Path(__file__).resolve().parent.parent / "fixtures" / "slack_export"
NINA, RAJ, LENA, SAM = "slack:U05NOKAFOR", "slack:U05RPATEL1", "slack:U05LFISCHR", "slack:U05SWHITKR"


def at(day_file: str, index: int, root: Path = EXPORT) -> str:
    """The locator of the ``index``-th item of a day file: ``<folder>/<day>.json#<ts>``."""
    items = json.loads((root / day_file).read_text("utf-8"))
    return f"{day_file}#{items[index]['ts']}"


def zip_export(src: Path, dest: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in sorted(src.rglob("*")):
            if f.is_file():
                archive.write(f, prefix + f.relative_to(src).as_posix())
    return dest


def read_all(root: Path) -> dict[str, RawMessage | IngestFailure]:
    connector = SlackExportConnector()
    return {loc: connector.read(root, loc) for loc in connector.list_locators(root)}


def messages(root: Path = EXPORT) -> dict[str, RawMessage]:
    out = {}
    for loc, r in read_all(root).items():
        assert isinstance(r, RawMessage), (loc, r)
        out[loc] = r
    return out


def test_slack_export_reads_all_messages() -> None:
    msgs = messages()
    assert len(msgs) == 39
    assert {m.container for m in msgs.values()} == {"general", "engineering", "leadership", "dm:lena,raj"}
    assert len({m.id for m in msgs.values()}) == 39
    first = msgs[at("general/2026-03-02.json", 1)]
    assert first.author == Address(NINA, "Nina Okafor")
    assert first.timestamp == datetime(2026, 3, 2, 14, 2, 0, 100, tzinfo=UTC)
    assert first.native_id == "1772460120.000100"
    assert first.subject == "" and first.source == "slack_export"


def test_slack_export_channel_events_are_not_listed() -> None:
    locators = list(SlackExportConnector().list_locators(EXPORT))
    raw = json.loads((EXPORT / "general" / "2026-03-02.json").read_text())
    assert raw[0]["subtype"] == "channel_join"
    assert at("general/2026-03-02.json", 0) not in locators
    assert at("general/2026-03-02.json", 1) in locators
    assert locators == list(SlackExportConnector().list_locators(EXPORT))


@pytest.mark.parametrize("prefix", ["", "Tidewater Slack export Mar 2026/"])
def test_slack_export_zip_gives_the_same_records(tmp_path: Path, prefix: str) -> None:
    path = zip_export(EXPORT, tmp_path / "export.zip", prefix)
    assert messages(path) == messages(EXPORT)
    assert SlackExportConnector().people(path) == SlackExportConnector().people(EXPORT)


def test_slack_export_visibility_and_access() -> None:
    msgs = messages()
    public = msgs[at("engineering/2026-03-03.json", 2)]
    assert public.visibility is Visibility.PUBLIC and public.access == [] and public.recipients == []
    private = msgs[at("leadership/2026-03-02.json", 0)]
    assert private.visibility is Visibility.RESTRICTED
    assert private.access == [NINA, RAJ, SAM]
    dm = msgs[at("D05RAJLENA/2026-03-04.json", 0)]
    assert dm.visibility is Visibility.RESTRICTED
    assert dm.container == "dm:lena,raj"
    assert dm.access == [RAJ, LENA]
    assert dm.author.key == LENA
    assert dm.recipients == [Address(RAJ, "Raj Patel")]


def test_slack_export_thread_keys() -> None:
    msgs = messages()
    parent = msgs[at("engineering/2026-03-02.json", 1)]
    replies = [msgs[at("engineering/2026-03-02.json", i)] for i in (2, 3, 4)]
    assert parent.thread_key == "C05ENGINEER:1772474400.000100"
    assert {r.thread_key for r in replies} == {parent.thread_key}
    lone = msgs[at("engineering/2026-03-03.json", 1)]
    assert lone.thread_key == f"C05ENGINEER:{lone.native_id}"


def test_slack_export_edits_files_and_bots() -> None:
    msgs = messages()
    assert msgs[at("general/2026-03-03.json", 1)].edited is True
    assert msgs[at("general/2026-03-03.json", 0)].edited is False
    assert sum(m.edited for m in msgs.values()) == 4
    shared = msgs[at("general/2026-03-05.json", 0)]
    assert [(a.name, a.mime_type, a.size) for a in shared.attachments] == [
        ("Q2 plan - Bluebird.pdf", "application/pdf", 482133)
    ]
    bot = msgs[at("engineering/2026-03-04.json", 0)]
    assert bot.author == Address("slack:B05DEPLOY01", "deploybot")
    assert (
        bot.body
        == "Deployed *bluebird-api* v0.4.2 to staging (run 812 (https://ci.tidewater.dev/runs/812), 3m 12s)"
    )


def test_slack_export_markup_resolved() -> None:
    msgs = messages()
    assert msgs[at("general/2026-03-02.json", 1)].body.endswith(
        "Details for the tech side in #engineering later today. "
        "Huge thanks to @Raj Patel for the demo that sold it."
    )
    assert (
        "@Lena Fischer owns the schema, @Tomás Herrera owns the deploys."
        in msgs[at("engineering/2026-03-02.json", 4)].body
    )
    assert msgs[at("engineering/2026-03-02.json", 1)].body.endswith(
        "Design doc: Bluebird design doc (https://docs.tidewater.dev/bluebird/design)"
    )
    assert "p99 < 200ms && error rate" in msgs[at("engineering/2026-03-03.json", 2)].body
    assert "#general, not here" in msgs[at("engineering/2026-03-05.json", 0)].body


def test_slack_export_canaries_are_in_restricted_conversations() -> None:
    msgs = messages()
    token = [loc for loc, m in msgs.items() if "xoxb-1234567890-abcdefghijklmnop" in m.body]
    ssn = [loc for loc, m in msgs.items() if "536-22-8471" in m.body]
    assert token == [at("leadership/2026-03-03.json", 0)]
    assert ssn == [at("D05RAJLENA/2026-03-04.json", 0)]
    assert all(msgs[loc].visibility is Visibility.RESTRICTED for loc in token + ssn)


def test_slack_export_people() -> None:
    people = SlackExportConnector().people(EXPORT)
    assert people[0] == PersonRecord(keys=(NINA, "nina@tidewater.dev"), name="Nina Okafor")
    assert PersonRecord(keys=("slack:U05DEPLOYB",), name="Deploy Bot") in people
    assert len(people) == 6


@pytest.fixture
def export_copy(tmp_path: Path) -> Path:
    root = tmp_path / "export"
    shutil.copytree(EXPORT, root)
    return root


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b'[{"type": "message", ',
            "invalid-json: Expecting property name enclosed in double quotes line 1 col 22",
        ),
        (b"", "invalid-json: Expecting value line 1 col 1"),
        (b'["caf\xe9"]', "bad-encoding: day file is not UTF-8 (invalid continuation byte at byte 5)"),
        (b'{"messages": []}', "malformed-export: day file holds a JSON dict, not a list"),
    ],
)
def test_slack_export_broken_day_file_is_one_failure(export_copy: Path, content: bytes, reason: str) -> None:
    (export_copy / "general" / "2026-03-04.json").write_bytes(content)
    results = read_all(export_copy)
    failure = results["general/2026-03-04.json"]
    assert failure == IngestFailure("slack_export", "general/2026-03-04.json", reason)
    assert sum(isinstance(r, RawMessage) for r in results.values()) == 37
    assert not any(loc.startswith("general/2026-03-04.json#") for loc in results)


def test_slack_export_bad_items_are_failures(export_copy: Path) -> None:
    day = export_copy / "general" / "2026-03-06.json"
    items = json.loads(day.read_text())
    items.append({"type": "message", "user": "U05SWHITKR", "text": "no ts here"})
    items.append({"type": "message", "ts": "1772816800.000100", "text": "nobody wrote this"})
    items.append("just a string")
    day.write_text(json.dumps(items))
    results = read_all(export_copy)
    reasons = {loc: r.reason for loc, r in results.items() if isinstance(r, IngestFailure)}
    assert reasons == {
        "general/2026-03-06.json#@1": "missing-ts: message has no ts",
        "general/2026-03-06.json#1772816800.000100": "malformed-item: message has neither user nor bot_id",
        "general/2026-03-06.json#@3": "malformed-item: expected a JSON object, got str",
    }


def test_slack_export_stale_or_wrong_locators(export_copy: Path) -> None:
    connector = SlackExportConnector()
    for locator, category in [
        ("general/2026-03-06.json#1772816800.000100", "missing"),
        ("general/2026-03-06.json#@9", "missing"),
        ("random/2026-03-06.json#1772816800.000100", "missing"),
        ("general/2026-03-06.json", "stale-locator"),
    ]:
        result = connector.read(export_copy, locator)
        assert isinstance(result, IngestFailure) and result.reason.startswith(category + ": ")


def test_slack_export_new_day_file_seen_on_next_listing(export_copy: Path) -> None:
    connector = SlackExportConnector()
    before = list(connector.list_locators(export_copy))
    connector.read(export_copy, before[0])
    items = json.loads((export_copy / "general" / "2026-03-06.json").read_text())
    (export_copy / "general" / "2026-03-09.json").write_text(json.dumps(items))
    after = list(connector.list_locators(export_copy))
    assert len(after) == len(before) + len(items)
    new = at("general/2026-03-09.json", 0, export_copy)
    assert set(after) - set(before) == {new}
    assert isinstance(connector.read(export_copy, new), RawMessage)


def test_slack_export_unlisted_folders(export_copy: Path) -> None:
    items = json.loads((export_copy / "general" / "2026-03-06.json").read_text())
    for folder in ("random", "mpdm-nina--raj--sam-1", "D05UNKNOWN1"):
        (export_copy / folder).mkdir()
        (export_copy / folder / "2026-03-06.json").write_text(json.dumps(items))
    msgs = messages(export_copy)
    public = msgs[at("random/2026-03-06.json", 0, export_copy)]
    assert public.visibility is Visibility.PUBLIC and public.container == "random"
    for folder in ("mpdm-nina--raj--sam-1", "D05UNKNOWN1"):
        dm = msgs[at(f"{folder}/2026-03-06.json", 0, export_copy)]
        assert dm.visibility is Visibility.RESTRICTED  # never guessed public
        assert dm.access == [SAM]


def test_slack_export_truncated_zip_raises(tmp_path: Path) -> None:
    path = zip_export(EXPORT, tmp_path / "export.zip")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ConnectorError, match="truncated or corrupt"):
        list(SlackExportConnector().list_locators(path))


def test_slack_export_broken_listing_raises(export_copy: Path) -> None:
    (export_copy / "groups.json").write_text('[{"id": ')
    with pytest.raises(ConnectorError, match="groups.json"):
        list(SlackExportConnector().list_locators(export_copy))


def test_slack_export_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(ConnectorError, match="not a Slack export"):
        list(SlackExportConnector().list_locators(tmp_path))
    with pytest.raises(ConnectorError, match="cannot be read"):
        list(SlackExportConnector().list_locators(tmp_path / "missing.zip"))


def test_slack_export_repeated_reads_use_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = zip_export(EXPORT, tmp_path / "export.zip")
    connector = SlackExportConnector()
    locators = list(connector.list_locators(path))
    opened: list[str] = []
    real = zipfile.ZipFile

    class CountingZip(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            opened.append(str(args[0]))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(zipfile, "ZipFile", CountingZip)
    for loc in locators:
        assert isinstance(connector.read(path, loc), RawMessage)
    assert opened == []  # every day file was parsed during the listing


def test_slack_export_is_a_versioned_connector_that_keeps_missing_items() -> None:
    connector = SlackExportConnector()
    assert isinstance(connector, VersionedConnector) and connector.tracks_deletions is False
    versions = list(connector.list_versions(EXPORT))
    assert [loc for loc, _ in versions] == list(connector.list_locators(EXPORT))
    assert all(len(v) == 16 and int(v, 16) >= 0 for _, v in versions)
    assert len({v for _, v in versions}) == len(versions)
    assert versions == list(SlackExportConnector().list_versions(EXPORT))


def test_slack_export_locators_survive_edits_and_deletions(export_copy: Path) -> None:
    connector = SlackExportConnector()
    before = dict(connector.list_versions(export_copy))
    day = export_copy / "engineering" / "2026-03-03.json"
    items = json.loads(day.read_text())
    kept, edited = (
        at("engineering/2026-03-03.json", 2, export_copy),
        at("engineering/2026-03-03.json", 1, export_copy),
    )
    deleted = at("engineering/2026-03-03.json", 0, export_copy)
    items[1]["text"] = "changed my mind"
    day.write_text(json.dumps(items[1:]))
    after = dict(connector.list_versions(export_copy))
    assert set(before) - set(after) == {deleted}
    assert after[kept] == before[kept]
    assert after[edited] != before[edited]
    result = connector.read(export_copy, edited)
    assert isinstance(result, RawMessage) and result.body == "changed my mind"
    gone = connector.read(export_copy, deleted)
    assert isinstance(gone, IngestFailure) and gone.reason.startswith("missing: ")


def test_slack_export_version_follows_private_channel_members(export_copy: Path) -> None:
    connector = SlackExportConnector()
    before = dict(connector.list_versions(export_copy))
    groups = json.loads((export_copy / "groups.json").read_text())
    groups[0]["members"].remove("U05SWHITKR")
    (export_copy / "groups.json").write_text(json.dumps(groups))
    after = dict(connector.list_versions(export_copy))
    changed = {loc for loc in before if before[loc] != after[loc]}
    assert changed and all(loc.startswith("leadership/") for loc in changed)
    assert all(loc in changed for loc in before if loc.startswith("leadership/"))
    private = connector.read(export_copy, next(iter(changed)))
    assert isinstance(private, RawMessage) and SAM not in private.access[:2]


def test_slack_export_repeated_ts_is_disambiguated(export_copy: Path) -> None:
    day = export_copy / "engineering" / "2026-03-04.json"
    items = json.loads(day.read_text())
    twin = dict(items[0], text="second post in the same microsecond")
    day.write_text(json.dumps([items[0], twin, *items[1:]]))
    locators = [loc for loc in SlackExportConnector().list_locators(export_copy) if "2026-03-04.json" in loc]
    ts = items[0]["ts"]
    assert f"engineering/2026-03-04.json#{ts}" in locators
    assert f"engineering/2026-03-04.json#{ts}~2" in locators
    second = SlackExportConnector().read(export_copy, f"engineering/2026-03-04.json#{ts}~2")
    assert isinstance(second, RawMessage) and second.body == "second post in the same microsecond"


def test_slack_export_broken_day_file_has_a_version(export_copy: Path) -> None:
    (export_copy / "general" / "2026-03-04.json").write_bytes(b"[{")
    versions = dict(SlackExportConnector().list_versions(export_copy))
    (export_copy / "general" / "2026-03-04.json").write_bytes(b'"a string"')
    again = dict(SlackExportConnector().list_versions(export_copy))
    assert versions["general/2026-03-04.json"] != again["general/2026-03-04.json"]


def test_slack_export_old_and_new_formats(export_copy: Path) -> None:
    items = [
        {"type": "message", "subtype": "channel_join", "user": "U05SWHITKR", "ts": "1773000000.000100"},
        {"type": "message", "subtype": "pinned_item", "user": "U05SWHITKR", "ts": "1773000001.000100"},
        {
            "type": "message",
            "user": "U05RPATEL1",
            "text": "",
            "ts": "1773000002.000100",
            "blocks": [
                {
                    "type": "rich_text",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "text", "text": "ping "},
                                {"type": "user", "user_id": "U05LFISCHR"},
                            ],
                        }
                    ],
                }
            ],
        },
        {
            "type": "message",
            "subtype": "me_message",
            "user": "U05RPATEL1",
            "text": "is out",
            "ts": "1773000003.000100",
        },
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B05DEPLOY01",
            "username": "deploybot",
            "text": "",
            "attachments": [{"fallback": "deploy failed"}],
            "ts": "1773000004.000100",
        },
        {
            "type": "message",
            "subtype": "thread_broadcast",
            "user": "U05LFISCHR",
            "text": "also in channel",
            "thread_ts": "1773000002.000100",
            "ts": "1773000005.000100",
        },
    ]
    (export_copy / "random").mkdir()
    (export_copy / "random" / "2026-03-08.json").write_text(json.dumps(items))
    msgs = {loc.rsplit("#", 1)[1]: m for loc, m in messages(export_copy).items() if loc.startswith("random/")}
    assert sorted(msgs) == [f"177300000{i}.000100" for i in (2, 3, 4, 5)]
    assert msgs["1773000002.000100"].body == "ping @Lena Fischer"
    assert msgs["1773000003.000100"].body == "is out"
    assert msgs["1773000004.000100"].author.name == "deploybot"
    assert msgs["1773000004.000100"].body == "deploy failed"
    assert msgs["1773000005.000100"].thread_key == msgs["1773000002.000100"].thread_key


def test_slack_export_group_dms_are_restricted_to_members(export_copy: Path) -> None:
    mpim = {
        "id": "G05MPIM001",
        "name": "mpdm-nina--raj--lena-1",
        "members": ["U05NOKAFOR", "U05RPATEL1", "U05LFISCHR"],
    }
    (export_copy / "mpims.json").write_text(json.dumps([mpim]))
    (export_copy / mpim["name"]).mkdir()
    item = {"type": "message", "user": "U05NOKAFOR", "text": "lunch?", "ts": "1773000000.000100"}
    (export_copy / mpim["name"] / "2026-03-08.json").write_text(json.dumps([item]))
    msg = messages(export_copy)[f"{mpim['name']}/2026-03-08.json#1773000000.000100"]
    assert msg.visibility is Visibility.RESTRICTED
    assert msg.access == [NINA, RAJ, LENA]
    assert msg.container == "dm:lena,nina,raj"
    assert [r.key for r in msg.recipients] == [RAJ, LENA]
