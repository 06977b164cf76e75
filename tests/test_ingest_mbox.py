"""The mbox connector: mbox files built in tmp from the fixture mails."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, RawMessage
from ingest.maildir import MaildirConnector
from ingest.mbox import MboxConnector

MAILDIR = Path(__file__).resolve().parent.parent / "fixtures" / "maildir"
SOURCES = ["allen-p/sent/1.", "allen-p/inbox/3.", "kean-s/inbox/4.", "dasovich-j/inbox/3."]


def build_mbox(path: Path, locators: list[str]) -> None:
    box = mailbox.mbox(path)
    box.lock()
    try:
        for loc in locators:
            box.add((MAILDIR / loc).read_bytes())
        box.flush()
    finally:
        box.unlock()
        box.close()


def read_all(path: Path) -> dict[str, RawMessage | IngestFailure]:
    connector = MboxConnector()
    return {loc: connector.read(path, loc) for loc in connector.list_locators(path)}


def test_mbox_reads_the_same_messages_as_maildir(tmp_path: Path) -> None:
    path = tmp_path / "archive.mbox"
    build_mbox(path, SOURCES)
    results = read_all(path)
    assert len(results) == 4
    assert all(loc.startswith("mbox:") for loc in results)
    assert next(iter(results)) == "mbox:0"
    maildir = MaildirConnector()
    for result, loc in zip(results.values(), SOURCES, strict=True):
        expected = maildir.read(MAILDIR, loc)
        assert isinstance(result, RawMessage) and isinstance(expected, RawMessage)
        assert result.id == expected.id
        assert result.body == expected.body
        assert result.attachments == expected.attachments
        assert result.source == "mbox" and result.container == "archive"


def test_mbox_offsets_stable_after_appending(tmp_path: Path) -> None:
    path = tmp_path / "archive.mbox"
    build_mbox(path, SOURCES[:2])
    before = read_all(path)
    build_mbox(path, SOURCES[2:])  # mail arrives: appended to the same file
    after = read_all(path)
    assert list(after)[:2] == list(before)
    assert len(after) == 4
    for loc, msg in before.items():
        assert isinstance(msg, RawMessage)
        assert after[loc] == msg


def test_mbox_from_line_in_body_is_unescaped(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    mail = (
        b"From: a@enron.com\nTo: b@enron.com\nSubject: quoting\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n\n"
        b"First line.\n\nFrom the desk: storage is full.\n"
    )
    build_mbox(path, [])
    box = mailbox.mbox(path)
    box.add(mail)
    box.add(mail.replace(b"quoting", b"second"))
    box.close()
    results = read_all(path)
    assert len(results) == 2
    first = results["mbox:0"]
    assert isinstance(first, RawMessage)
    assert first.body == "First line.\n\nFrom the desk: storage is full."


def test_mbox_bad_items_are_failures(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    path.write_bytes(
        b"From MAILER-DAEMON Tue Oct 16 09:12:00 2001\nnot an email at all\n\n"
        b"From MAILER-DAEMON Tue Oct 16 09:13:00 2001\nFrom: a@enron.com\nSubject: ok\n"
        b"Date: Tue, 16 Oct 2001 09:13:00 -0700\n\nfine\n"
    )
    results = read_all(path)
    assert [type(r).__name__ for r in results.values()] == ["IngestFailure", "RawMessage"]
    first = results["mbox:0"]
    assert isinstance(first, IngestFailure) and first.reason.startswith("malformed-email: ")
    connector = MboxConnector()
    for locator in ("mbox:7", "mbox:x", "12"):
        failure = connector.read(path, locator)
        assert isinstance(failure, IngestFailure) and failure.reason.startswith("bad-locator: ")


def test_mbox_too_large_message(tmp_path: Path) -> None:
    path = tmp_path / "archive.mbox"
    build_mbox(path, SOURCES)
    result = MboxConnector(max_bytes=2048).read(path, "mbox:0")
    assert isinstance(result, RawMessage)  # the first mail is small
    big = [
        loc
        for loc, r in ((loc, MboxConnector(max_bytes=2048).read(path, loc)) for loc in read_all(path))
        if isinstance(r, IngestFailure)
    ]
    assert len(big) == 1  # the one with the spreadsheet attached
    failure = MboxConnector(max_bytes=2048).read(path, big[0])
    assert isinstance(failure, IngestFailure) and failure.reason.startswith("too-large: ")


def test_mbox_missing_file_or_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="does not exist"):
        list(MboxConnector().list_locators(tmp_path / "none.mbox"))
    with pytest.raises(ConnectorError, match="--kind eml"):
        list(MboxConnector().list_locators(tmp_path))
