"""Attachment text is scrubbed, linked and indexed with its message, and never stored raw."""

from __future__ import annotations

import io
import json
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest

from backchannel.pipeline import build, ingest_path
from backchannel.records import Viewer
from backchannel.search import search
from backchannel.settings import Settings
from backchannel.store import Store

pytestmark = pytest.mark.slow

SSN = "536-22-8471"


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _mail(folder: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "jeff.dasovich@enron.com"
    msg["To"] = "susan.mara@enron.com"
    msg["Subject"] = "Tariff memo"
    msg["Date"] = "Tue, 15 May 2001 09:30:00 -0700"
    msg["Message-ID"] = "<memo.1@enron.com>"
    msg.set_content("Memo attached.\n\n-----Original Message-----\nFrom: Mara, Susan\nSend it over.\n")
    msg.add_attachment(
        _docx("The interconnection tariff for Kern River changes in June.", f"Claimant SSN {SSN}."),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="tariff-memo.docx",
    )
    folder.mkdir(parents=True)
    (folder / "memo.eml").write_bytes(msg.as_bytes())


def test_attachment_text_is_scrubbed_and_searchable(settings: Settings, tmp_path: Path) -> None:
    _mail(tmp_path / "mail")
    with Store.open(settings.database_path) as store:
        ingest_path(store, tmp_path / "mail", quiet=True)
        assert build(store, settings, quiet=True).built == 1
        body, authored, attachments = store.db.execute(
            "SELECT body, authored, attachments FROM messages"
        ).fetchone()
    assert "[Attachment: tariff-memo.docx]" in body and "Kern River" in authored
    assert "Send it over" not in authored  # the quote is cut, the attachment kept
    assert json.loads(attachments) == [
        {
            "name": "tariff-memo.docx",
            "mime_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "size": json.loads(attachments)[0]["size"],
        }
    ]
    assert "text" not in json.loads(attachments)[0]
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            assert SSN.encode() not in path.read_bytes(), path
    with Store.open(settings.database_path) as store:
        result = search(store, Viewer(everything=True), "interconnection tariff")
    assert len(result.hits) == 1
