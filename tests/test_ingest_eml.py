"""The .eml connector: a folder of .eml files, searched recursively."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, RawMessage
from ingest.eml import EmlConnector
from ingest.maildir import MaildirConnector

MAILDIR = Path(__file__).resolve().parent.parent / "fixtures" / "maildir"


@pytest.fixture
def eml_folder(tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    (root / "2001" / "q4").mkdir(parents=True)
    shutil.copy(MAILDIR / "kean-s/sent_items/2.", root / "dynegy.eml")
    shutil.copy(MAILDIR / "kean-s/notes_inbox/1.", root / "2001" / "q4" / "teesside.EML")
    shutil.copy(MAILDIR / "allen-p/inbox/5.", root / "2001" / "broken.eml")
    (root / "2001" / "notes.txt").write_text("not mail, not listed")
    return root


def test_eml_lists_recursively_in_stable_order(eml_folder: Path) -> None:
    assert list(EmlConnector().list_locators(eml_folder)) == [
        "2001/broken.eml",
        "2001/q4/teesside.EML",
        "dynegy.eml",
    ]


def test_eml_reads_messages_and_failures(eml_folder: Path) -> None:
    connector = EmlConnector()
    results = {loc: connector.read(eml_folder, loc) for loc in connector.list_locators(eml_folder)}
    broken = results["2001/broken.eml"]
    assert isinstance(broken, IngestFailure) and broken.source == "eml"
    assert broken.reason == "malformed-email: no headers found"
    teesside = results["2001/q4/teesside.EML"]
    assert isinstance(teesside, RawMessage)
    assert teesside.container == "2001/q4"
    assert "café meeting" in teesside.body and "£19.40" in teesside.body
    dynegy = results["dynegy.eml"]
    assert isinstance(dynegy, RawMessage)
    assert dynegy.container == "exports"
    same = MaildirConnector().read(MAILDIR, "kean-s/sent_items/2.")
    assert isinstance(same, RawMessage) and dynegy.id == same.id


def test_eml_single_file_root(eml_folder: Path) -> None:
    path = eml_folder / "dynegy.eml"
    connector = EmlConnector()
    assert list(connector.list_locators(path)) == ["dynegy.eml"]
    msg = connector.read(path, "dynegy.eml")
    assert isinstance(msg, RawMessage) and msg.subject == "Dynegy merger - talking points"


def test_eml_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="does not exist"):
        list(EmlConnector().list_locators(tmp_path / "missing"))
