"""The maildir connector on the bundled Enron-style fixture and on broken copies."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, RawMessage
from ingest.maildir import MaildirConnector, infer_owner_address

MAILDIR = Path(__file__).resolve().parent.parent / "fixtures" / "maildir"


def read_all(root: Path, connector: MaildirConnector | None = None) -> dict[str, RawMessage | IngestFailure]:
    connector = connector or MaildirConnector()
    return {loc: connector.read(root, loc) for loc in connector.list_locators(root)}


def test_maildir_reads_every_fixture_file() -> None:
    results = read_all(MAILDIR)
    files = sorted(p.relative_to(MAILDIR).as_posix() for p in MAILDIR.rglob("*") if p.is_file())
    assert sorted(results) == files
    assert len(files) == 37
    failures = {loc: r for loc, r in results.items() if isinstance(r, IngestFailure)}
    assert list(failures) == ["allen-p/inbox/5."]
    assert failures["allen-p/inbox/5."].reason == "malformed-email: no headers found"
    assert failures["allen-p/inbox/5."].source == "maildir"


def test_maildir_locators_are_stable_and_natural_order() -> None:
    first = list(MaildirConnector().list_locators(MAILDIR))
    assert first == list(MaildirConnector().list_locators(MAILDIR))
    inbox = [loc for loc in first if loc.startswith("allen-p/inbox/")]
    assert inbox == [f"allen-p/inbox/{n}." for n in range(1, 9)]


def test_maildir_folder_copies_share_one_id() -> None:
    results = read_all(MAILDIR)
    sent = results["allen-p/sent/1."]
    copies = [results["allen-p/all_documents/1."], results["allen-p/discussion_threads/1."]]
    assert isinstance(sent, RawMessage)
    for copy in copies:
        assert isinstance(copy, RawMessage)
        assert copy.id == sent.id
        assert copy.native_id != sent.native_id  # each copy has its own Message-ID
    assert [c.container for c in copies] == ["all_documents", "discussion_threads"]
    # the same mail in the sender's and a recipient's mailbox is one message too
    assert results["dasovich-j/_sent_mail/1."].id == results["allen-p/inbox/6."].id  # type: ignore[union-attr]
    ids = Counter(r.id for r in results.values() if isinstance(r, RawMessage))
    assert len(ids) == 19
    assert max(ids.values()) == 3


def test_maildir_crlf_copy_reads_like_lf_copy() -> None:
    connector = MaildirConnector()
    assert b"\r\n" in (MAILDIR / "allen-p/all_documents/1.").read_bytes()
    crlf = connector.read(MAILDIR, "allen-p/all_documents/1.")
    lf = connector.read(MAILDIR, "allen-p/sent/1.")
    assert isinstance(crlf, RawMessage) and isinstance(lf, RawMessage)
    assert crlf.body == lf.body and crlf.subject == lf.subject == "Raptor hedges"


def test_maildir_message_fields() -> None:
    msg = MaildirConnector().read(MAILDIR, "kean-s/inbox/4.")
    assert isinstance(msg, RawMessage)
    assert msg.owner == "kean-s" and msg.container == "inbox" and msg.locator == "kean-s/inbox/4."
    assert msg.author.key == "karen.denne@enron.com"
    assert [(a.name, a.mime_type, a.size) for a in msg.attachments] == [
        ("restatement_qa.xls", "application/vnd.ms-excel", 3072)
    ]
    assert "Jeff Skilling left" in msg.body
    assert msg.access == ["karen.denne@enron.com", "steven.kean@enron.com"]


def test_maildir_owner_address_inference() -> None:
    assert infer_owner_address(MAILDIR / "allen-p") == "phillip.allen@enron.com"  # sent
    assert infer_owner_address(MAILDIR / "dasovich-j") == "jeff.dasovich@enron.com"  # _sent_mail
    assert infer_owner_address(MAILDIR / "kean-s") == "steven.kean@enron.com"  # sent_items
    msg = MaildirConnector().read(MAILDIR, "kean-s/inbox/1.")  # to all.worldwide@: owner gets access
    assert isinstance(msg, RawMessage)
    assert msg.access == ["office.chairman@enron.com", "all.worldwide@enron.com", "steven.kean@enron.com"]


def test_maildir_owner_without_sent_folder_has_no_address(tmp_path: Path) -> None:
    shutil.copytree(MAILDIR / "kean-s" / "inbox", tmp_path / "lay-k" / "inbox")
    assert infer_owner_address(tmp_path / "lay-k") == ""
    msg = MaildirConnector().read(tmp_path, "lay-k/inbox/1.")
    assert isinstance(msg, RawMessage)
    assert msg.access == ["office.chairman@enron.com", "all.worldwide@enron.com"]


def test_maildir_pii_canaries_are_in_the_fixture() -> None:
    msg = MaildirConnector().read(MAILDIR, "allen-p/inbox/4.")
    assert isinstance(msg, RawMessage)
    for canary in (
        "(713) 853-6197",
        "536-22-8471",
        "4111 1111 1111 1111",
        "Maria Gonzalez",
        "maria.gonzalez@gmail.com",
    ):
        assert canary in msg.body
    assert msg.author.key == "maria.gonzalez@gmail.com"


@pytest.mark.parametrize(
    ("layout", "locator", "owner", "container"),
    [
        ("owner", "inbox/1.", "kean-s", "inbox"),  # root is one owner's folder
        ("parent", "maildir/kean-s/inbox/1.", "kean-s", "inbox"),  # root holds maildir/
    ],
)
def test_maildir_accepts_other_roots(
    tmp_path: Path, layout: str, locator: str, owner: str, container: str
) -> None:
    if layout == "owner":
        root = tmp_path / "kean-s"
        shutil.copytree(MAILDIR / "kean-s", root)
    else:
        root = tmp_path
        shutil.copytree(MAILDIR / "kean-s", tmp_path / "maildir" / "kean-s")
    locators = list(MaildirConnector().list_locators(root))
    assert len(locators) == 10
    assert locator in locators
    msg = MaildirConnector().read(root, locator)
    assert isinstance(msg, RawMessage)
    assert (msg.owner, msg.container, msg.locator) == (owner, container, locator)
    assert msg.access[-1] == "steven.kean@enron.com"


def test_maildir_nested_subfolder_container(tmp_path: Path) -> None:
    target = tmp_path / "kean-s" / "notes_inbox" / "projects" / "raptor"
    target.mkdir(parents=True)
    shutil.copy(MAILDIR / "kean-s/sent_items/1.", target / "1.")
    (tmp_path / "kean-s" / "sent").mkdir()
    msg = MaildirConnector().read(tmp_path, "kean-s/notes_inbox/projects/raptor/1.")
    assert isinstance(msg, RawMessage)
    assert msg.container == "notes_inbox/projects/raptor"


@pytest.mark.parametrize(
    ("content", "category"),
    [
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" * 20, "binary-file"),
        (
            b"Message-ID: <1.JavaMail>\nFrom: a@enron.com\nContent-Type: text/plain; charset=utf-8\n"
            b"Content-Transfer-Encoding: 8bit\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n\n\x81\x8d\x90\n",
            "bad-encoding",
        ),
        (b"", "malformed-email"),
    ],
)
def test_maildir_bad_file_is_a_failure_not_a_crash(tmp_path: Path, content: bytes, category: str) -> None:
    shutil.copytree(MAILDIR / "dasovich-j", tmp_path / "dasovich-j")
    (tmp_path / "dasovich-j" / "inbox" / "9.").write_bytes(content)
    results = read_all(tmp_path)
    bad = results["dasovich-j/inbox/9."]
    assert isinstance(bad, IngestFailure)
    assert bad.reason.startswith(category + ": ")
    assert sum(isinstance(r, RawMessage) for r in results.values()) == 10


def test_maildir_too_large_is_checked_before_reading(tmp_path: Path) -> None:
    shutil.copytree(MAILDIR / "dasovich-j", tmp_path / "dasovich-j")
    connector = MaildirConnector(max_bytes=1024)
    result = connector.read(tmp_path, "dasovich-j/inbox/3.")
    assert isinstance(result, IngestFailure)
    assert re.fullmatch(r"too-large: \d KB > 1 KB limit", result.reason)


def test_maildir_missing_file_and_missing_root(tmp_path: Path) -> None:
    shutil.copytree(MAILDIR / "dasovich-j", tmp_path / "dasovich-j")
    gone = MaildirConnector().read(tmp_path, "dasovich-j/inbox/99.")
    assert isinstance(gone, IngestFailure) and gone.reason.startswith("missing: ")
    with pytest.raises(ConnectorError, match="not a folder"):
        list(MaildirConnector().list_locators(tmp_path / "nope"))


def test_maildir_people_is_empty() -> None:
    assert MaildirConnector().people(MAILDIR) == []
