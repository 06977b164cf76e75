"""Connectors by name and source-kind detection."""

from __future__ import annotations

import mailbox
import shutil
import zipfile
from pathlib import Path

import pytest

from backchannel.errors import ConnectorError
from ingest.base import Connector
from ingest.registry import CONNECTORS, detect_kind, get_connector

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("kind", ["maildir", "mbox", "eml", "slack_export", "slack_api", "imap"])
def test_registry_get_connector(kind: str) -> None:
    connector = get_connector(kind)
    assert connector.kind == kind
    assert isinstance(connector, Connector)
    assert get_connector(kind) is connector  # one instance: caches are shared
    assert kind in CONNECTORS


def test_registry_unknown_kind_lists_known_ones() -> None:
    with pytest.raises(ConnectorError) as err:
        get_connector("imap4")
    assert "eml, imap, maildir, mbox, slack_api, slack_export" in str(err.value)


def _slack_zip(tmp_path: Path) -> Path:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for f in (FIXTURES / "slack_export").rglob("*"):
            archive.write(f, f.relative_to(FIXTURES / "slack_export").as_posix())
    return path


def _mbox(tmp_path: Path) -> Path:
    path = tmp_path / "mail.mbox"
    box = mailbox.mbox(path)
    box.add((FIXTURES / "maildir/allen-p/sent/1.").read_bytes())
    box.close()
    return path


def _eml_folder(tmp_path: Path) -> Path:
    (tmp_path / "mails" / "sub").mkdir(parents=True)
    shutil.copy(FIXTURES / "maildir/allen-p/sent/1.", tmp_path / "mails" / "sub" / "a.eml")
    return tmp_path / "mails"


def _maildir_parent(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "maildir" / "kean-s", tmp_path / "maildir" / "kean-s")
    return tmp_path


def _single_owner(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "maildir" / "kean-s", tmp_path / "kean-s")
    return tmp_path / "kean-s"


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: FIXTURES / "maildir", "maildir"),
        (_maildir_parent, "maildir"),
        (_single_owner, "maildir"),
        (lambda tmp: FIXTURES / "slack_export", "slack_export"),
        (_slack_zip, "slack_export"),
        (_mbox, "mbox"),
        (_eml_folder, "eml"),
        (lambda tmp: _eml_folder(tmp) / "sub" / "a.eml", "eml"),
    ],
)
def test_registry_detect_kind(tmp_path: Path, make, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert detect_kind(make(tmp_path)) == kind


def test_registry_detect_kind_truncated_zip_is_slack_export(tmp_path: Path) -> None:
    path = _slack_zip(tmp_path)
    path.write_bytes(path.read_bytes()[:500])
    assert detect_kind(path) == "slack_export"  # the connector then says it is truncated


@pytest.mark.parametrize("content", [None, "just some notes\n"])
def test_registry_detect_kind_unknown_says_use_kind(tmp_path: Path, content: str | None) -> None:
    if content is None:
        target = tmp_path / "empty"
        target.mkdir()
    else:
        target = tmp_path / "notes.txt"
        target.write_text(content)
    with pytest.raises(ConnectorError, match="--kind"):
        detect_kind(target)


def test_registry_detect_kind_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="does not exist"):
        detect_kind(tmp_path / "nope")
