"""The IMAP connector against a real Dovecot on loopback (see tests/imap_server.py)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from backchannel.cli import cli as main_cli
from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, RawMessage
from backchannel.settings import Settings
from backchannel.store import Store
from ingest import imap
from ingest.base import VersionedConnector
from ingest.imap import ImapConnector, ImapOptions, folder_dir, folder_name
from ingest.live import Checkpoint, LiveConnector, SyncReport

# The *_fixture names bring in the pytest fixtures imap_server (session-scoped) and imap_account.
from tests.imap_server import DovecotServer, ImapAccount, free_port, imap_account_fixture, imap_server_fixture  # noqa: F401

DOTTED = "Projects.2001/Ünïcode"


def mail(n: int, *, to: str = "user@example.com", body: str = "", subject: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Sender {n} <sender{n}@example.org>"
    msg["To"] = to
    msg["Subject"] = subject or f"Pipeline capacity note {n}"
    msg["Date"] = format_datetime(datetime(2001, 5, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=n))
    msg["Message-ID"] = f"<note{n}@example.org>"
    msg.set_content(body or f"Body of note {n}: capacity on the Transwestern line.\n")
    return msg.as_bytes()


def sync(account: ImapAccount, mirror: Path, **options: str) -> SyncReport:
    return ImapConnector().sync(account.options(**options), account.password, mirror)


def cli(*args: str, settings: Settings) -> str:
    result = CliRunner().invoke(main_cli, ["--quiet", "--data-dir", str(settings.data_dir), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def read_all(mirror: Path) -> dict[str, RawMessage | IngestFailure]:
    connector = ImapConnector()
    return {loc: connector.read(mirror, loc) for loc in connector.list_locators(mirror)}


def eml_files(mirror: Path) -> list[Path]:
    return sorted(mirror.rglob("*.eml"))


def test_connector_meets_the_live_and_versioned_contracts() -> None:
    connector = ImapConnector()
    assert isinstance(connector, LiveConnector) and isinstance(connector, VersionedConnector)
    assert connector.kind == "imap" and connector.tracks_deletions and imap.CONNECTOR is ImapConnector


@pytest.mark.parametrize("name", ["INBOX", "a/b", ".hidden", "..", ".", DOTTED, "100% done", "x%2Fy"])
def test_folder_names_map_to_one_safe_reversible_segment(name: str) -> None:
    segment = folder_dir(name)
    assert "/" not in segment and not segment.startswith(".")
    assert folder_name(segment) == name


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"username": "u"}, "host and username are required"),
        ({"host": "h", "username": "u", "tls": "none"}, "allow_insecure=yes"),
        ({"host": "h", "username": "u", "tls": "ssl"}, "tls must be one of"),
        ({"host": "h", "username": "u", "batch": "0"}, "batch must be a whole number from 1 to 1000"),
        ({"host": "h", "username": "u", "folder": "Sent"}, "unknown option(s) folder"),
        (
            {"host": "h", "username": "u", "ca_file": "/nonexistent.pem"},
            "ca_file /nonexistent.pem does not exist",
        ),
    ],
)
def test_bad_options_say_what_to_fix(options: dict[str, str], message: str) -> None:
    with pytest.raises(ConnectorError, match=r"^\[I300\] ") as err:
        ImapOptions.parse(options)
    assert message in str(err.value)


def test_option_defaults() -> None:
    implicit = ImapOptions.parse({"host": "mail.example.com", "username": "Ann@Example.com"})
    assert (implicit.port, implicit.tls, implicit.folders, implicit.batch) == (
        993,
        "implicit",
        ("INBOX",),
        200,
    )
    assert implicit.address == "ann@example.com"
    starttls = ImapOptions.parse(
        {"host": "h", "username": "ann", "tls": "starttls", "folders": "INBOX, Sent"}
    )
    assert (starttls.port, starttls.address, starttls.folders) == (143, "", ("INBOX", "Sent"))


def test_a_source_added_through_the_cli_syncs_and_ingests(
    imap_account: ImapAccount, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    imap_account.append("INBOX", mail(1), mail(2))
    imap_account.append("Projects", mail(3), mail(4))
    monkeypatch.setenv("TEST_IMAP_PASSWORD", imap_account.password)
    options = {**imap_account.options(folders="INBOX,Projects"), "secret_env": "TEST_IMAP_PASSWORD"}
    cli(
        "source",
        "add",
        "mail",
        "imap",
        *(f"{key}={value}" for key, value in options.items()),
        settings=settings,
    )

    assert "mail: fetched 4, new 4," in cli("sync", "mail", settings=settings)
    assert "mail: fetched 0, new 0, changed 0, duplicates 0, deleted 0" in cli(
        "sync", "mail", settings=settings
    )
    imap_account.recreate_folder("Projects")
    assert "mail: fetched 2, new 0," in cli("sync", "mail", settings=settings)
    imap_account.expunge("INBOX", [1])
    assert "mail: fetched 0, new 0, changed 0, duplicates 0, deleted 1" in cli(
        "sync", "mail", settings=settings
    )
    with Store.open(settings.database_path) as store:
        assert store.stats()["messages"] == 3


def test_first_sync_mirrors_the_chosen_folders_over_tls(imap_account: ImapAccount, tmp_path: Path) -> None:
    to = imap_account.address
    imap_account.append("INBOX", *(mail(n, to=to) for n in (1, 2, 3)))
    imap_account.append(DOTTED, mail(4, to=to), mail(5, to=to))
    imap_account.append("Junk", mail(6, to=to))
    mirror = tmp_path / "mirror"

    report = sync(imap_account, mirror, folders=f"INBOX,{DOTTED}")

    assert report == SyncReport(fetched=5)
    messages = read_all(mirror)
    assert len(messages) == 5
    for locator, msg in messages.items():
        assert isinstance(msg, RawMessage), msg
        assert msg.source == "imap" and msg.locator == locator
        assert msg.owner == imap_account.address and imap_account.address in msg.access
    containers = sorted(m.container for m in messages.values() if isinstance(m, RawMessage))
    assert containers == ["INBOX"] * 3 + [DOTTED] * 2
    uidvalidity = imap_account.uidvalidity(DOTTED)
    assert f"{folder_dir(DOTTED)}/{uidvalidity}/1.eml" in messages
    assert not (mirror / "Junk").exists()
    assert list(ImapConnector().list_versions(mirror)) == [(loc, "") for loc in messages]

    assert sync(imap_account, mirror, folders=f"INBOX,{DOTTED}") == SyncReport()


def test_starttls_and_every_selectable_folder(imap_account: ImapAccount, tmp_path: Path) -> None:
    imap_account.append("INBOX", mail(1))
    imap_account.append(DOTTED, mail(2))  # its parent "Projects.2001" exists only as \Noselect
    options = {"tls": "starttls", "port": str(imap_account.starttls_port), "folders": "*"}

    report = sync(imap_account, tmp_path / "mirror", **options)

    assert report == SyncReport(fetched=2)
    containers = {m.container for m in read_all(tmp_path / "mirror").values() if isinstance(m, RawMessage)}
    assert containers == {"INBOX", DOTTED}


def test_new_messages_are_fetched_once(imap_account: ImapAccount, tmp_path: Path) -> None:
    imap_account.append("INBOX", mail(1), mail(2), mail(3))
    mirror = tmp_path / "mirror"
    sync(imap_account, mirror)
    imap_account.append("INBOX", mail(4), mail(5))
    done: list[int] = []

    report = ImapConnector().sync(imap_account.options(), imap_account.password, mirror, progress=done.append)

    assert report.fetched == 2 and sum(done) == 2
    assert [p.name for p in eml_files(mirror)] == ["1.eml", "2.eml", "3.eml", "4.eml", "5.eml"]


def test_expunged_message_leaves_the_mirror(imap_account: ImapAccount, tmp_path: Path) -> None:
    uids = imap_account.append("INBOX", mail(1), mail(2), mail(3))
    mirror = tmp_path / "mirror"
    sync(imap_account, mirror)
    imap_account.expunge("INBOX", [uids[1]])

    report = sync(imap_account, mirror)

    assert (report.fetched, report.deleted) == (0, 1)
    assert [p.name for p in eml_files(mirror)] == ["1.eml", "3.eml"]
    assert len(list(ImapConnector().list_locators(mirror))) == 2


def test_new_uidvalidity_refetches_into_a_new_directory(imap_account: ImapAccount, tmp_path: Path) -> None:
    imap_account.append("INBOX", mail(1))
    imap_account.append(DOTTED, mail(2), mail(3))
    mirror = tmp_path / "mirror"
    options = {"folders": f"INBOX,{DOTTED}"}
    sync(imap_account, mirror, **options)
    before = {m.id for m in read_all(mirror).values() if isinstance(m, RawMessage)}
    old = imap_account.uidvalidity(DOTTED)

    new = imap_account.recreate_folder(DOTTED)
    report = sync(imap_account, mirror, **options)

    assert new != old
    assert (report.fetched, report.deleted) == (2, 0)
    folder = mirror / folder_dir(DOTTED)
    assert [p.name for p in folder.iterdir()] == [str(new)]
    assert Checkpoint(mirror).state["folders"][DOTTED] == {"uidvalidity": new, "last_uid": 2}
    after = read_all(mirror)
    assert {m.id for m in after.values() if isinstance(m, RawMessage)} == before
    assert sorted(loc for loc in after if loc.startswith(folder_dir(DOTTED))) == [
        f"{folder_dir(DOTTED)}/{new}/1.eml",
        f"{folder_dir(DOTTED)}/{new}/2.eml",
    ]


def test_wrong_password_is_a_clear_error_without_the_password(
    imap_account: ImapAccount, tmp_path: Path
) -> None:
    wrong = imap_account.password + "-wrong"
    with pytest.raises(ConnectorError) as err:
        ImapConnector().sync(imap_account.options(), wrong, tmp_path / "mirror")
    text = str(err.value)
    assert text.startswith(
        f"[I303] IMAP login to 127.0.0.1:{imap_account.port} as {imap_account.user} failed: "
        "check the username and password (",
    )
    assert "Authentication failed" in text
    chained = [err.value.__cause__, err.value.__context__]
    assert all(
        wrong not in repr(exc) and imap_account.password not in repr(exc) for exc in [err.value, *chained]
    )


def test_unreachable_server_and_tls_failures_say_what_to_do(
    imap_account: ImapAccount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap, "CONNECT_TIMEOUT_S", 0.3)
    cases = [
        (
            {"tls": "starttls"},
            r"^\[I301\] IMAP server .* did not greet us within 0.3 s; .*\(tls=starttls or none",
        ),
        ({"port": str(free_port())}, r"^\[I301\] cannot reach IMAP server .* check the host and port"),
        ({"ca_file": ""}, r"^\[I302\] the TLS certificate .* could not be verified .* set ca_file"),
        (
            {"port": str(imap_account.starttls_port)},
            r"^\[I302\] TLS with IMAP server .* check the port and the tls",
        ),
    ]
    for options, message in cases:
        with pytest.raises(ConnectorError, match=message):
            sync(imap_account, tmp_path / "mirror", **options)


def test_non_ascii_password_logs_in(imap_server: DovecotServer, tmp_path: Path) -> None:
    account = imap_server.new_account(non_ascii_password=True)
    account.append("INBOX", mail(1))

    assert sync(account, tmp_path / "mirror").fetched == 1


def test_folder_that_cannot_be_selected_is_skipped(imap_account: ImapAccount, tmp_path: Path) -> None:
    imap_account.append("INBOX", mail(1))

    report = sync(imap_account, tmp_path / "mirror", folders="Nope,INBOX")

    assert report == SyncReport(fetched=1, skipped=["Nope: Mailbox doesn't exist: Nope"])


def test_seen_flags_are_untouched(imap_account: ImapAccount, tmp_path: Path) -> None:
    imap_account.append("INBOX", mail(1), mail(2))
    imap_account.append("INBOX", mail(3), flags=(b"\\Seen",))
    before = imap_account.flags("INBOX")

    sync(imap_account, tmp_path / "mirror")

    assert imap_account.flags("INBOX") == before
    assert [b"\\Seen" in flags for flags in before.values()] == [False, False, True]


def test_interrupted_sync_resumes_with_each_message_once(
    imap_account: ImapAccount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imap_account.append("INBOX", *(mail(n) for n in range(1, 6)))
    mirror = tmp_path / "mirror"
    real_write = imap.write_atomic
    writes: list[Path] = []

    def write_then_fail(path: Path, data: bytes) -> None:
        if len(writes) == 3:  # the first message of the second batch
            raise OSError(28, "No space left on device")
        writes.append(path)
        real_write(path, data)

    monkeypatch.setattr(imap, "write_atomic", write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        sync(imap_account, mirror, batch="2")
    assert Checkpoint(mirror).state["folders"]["INBOX"]["last_uid"] == 2
    monkeypatch.setattr(imap, "write_atomic", real_write)

    assert sync(imap_account, mirror, batch="2").fetched == 3
    assert [p.name for p in eml_files(mirror)] == ["1.eml", "2.eml", "3.eml", "4.eml", "5.eml"]
    assert not [p for p in mirror.rglob("*") if p.name.startswith(".tmp-")]
    ids = [m.id for m in read_all(mirror).values() if isinstance(m, RawMessage)]
    assert len(ids) == len(set(ids)) == 5


def test_large_and_oddly_encoded_messages_are_mirrored(imap_account: ImapAccount, tmp_path: Path) -> None:
    big = mail(1, body="capacity figures for the quarter, line by line\n" * 35_000)  # about 1.6 MB
    odd = (
        b"From: x@example.org\r\nDate: Tue, 1 May 2001 09:00:00 +0000\r\nSubject: odd\r\n"
        b'Content-Type: text/plain; charset="x-no-such-charset"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n\r\n\x81\x8d\x8f\x90\x9d bytes\r\n"
    )
    imap_account.append("INBOX", big, odd)

    assert sync(imap_account, tmp_path / "mirror").fetched == 2

    first, second = read_all(tmp_path / "mirror").values()
    assert isinstance(first, RawMessage) and len(first.body) > 1_500_000
    assert isinstance(second, (RawMessage, IngestFailure)) and second.source == "imap"


def test_message_over_the_size_limit_is_skipped_not_fetched(
    imap_account: ImapAccount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap, "MAX_MESSAGE_BYTES", 100 * 1024)
    imap_account.append("INBOX", mail(1), mail(2, body="x" * 300_000 + "\n"), mail(3))

    report = sync(imap_account, tmp_path / "mirror")

    assert report.fetched == 2 and report.skipped == []
    (failure,) = report.failed_items
    assert failure.source == "imap" and failure.locator.endswith("/2.eml")
    assert re.fullmatch(r"too-large: \d+ KB > 100 KB limit", failure.reason)
    assert [p.name for p in eml_files(tmp_path / "mirror")] == ["1.eml", "3.eml"]
    assert sync(imap_account, tmp_path / "mirror") == SyncReport()


def test_no_secret_or_mail_text_in_logs_or_mirror(
    imap_account: ImapAccount, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    imap_account.append("INBOX", mail(1, subject="Confidential merger terms", body="Secret body text.\n"))
    mirror = tmp_path / "mirror"
    caplog.set_level(logging.DEBUG)

    sync(imap_account, mirror)
    read_all(mirror)
    with pytest.raises(ConnectorError):
        ImapConnector().sync(imap_account.options(), "wrong-" + imap_account.password, mirror)

    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    for text in (imap_account.password, "Confidential merger", "Secret body", "sender1@example.org"):
        assert text not in logged
    for path in mirror.rglob("*"):
        if path.is_file():
            assert imap_account.password.encode() not in path.read_bytes()
