"""extract_text on PDF, DOCX and text attachments made here, broken ones included."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader, PdfWriter

from ingest import attachment_text
from ingest.attachment_text import extract_text

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF, one line of Helvetica text per page, xref offsets computed."""
    count = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
        + b"] /Count %d >>" % count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
        stream = b"BT /F1 12 Tf 72 720 Td (" + escaped + b") Tj ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Raptor hedge terms"]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


DOCX = make_docx(
    ["Raptor term sheet", "Counterparty: LJM2"],
    [["Hub", "Price"], ["Henry Hub", "2.50"]],
)


@pytest.mark.parametrize(
    ("data", "mime", "filename", "expected"),
    [
        (make_pdf(["Storage report for October"]), PDF_MIME, "report.pdf", "Storage report for October"),
        (
            make_pdf(["Page one", "Page two"]),
            "application/octet-stream",
            "REPORT.PDF",
            "Page one\n\nPage two",
        ),
        (DOCX, DOCX_MIME, "terms.docx", "Raptor term sheet\nCounterparty: LJM2\nHub\tPrice\nHenry Hub\t2.50"),
        (
            DOCX,
            "application/octet-stream",
            "terms.docx",
            "Raptor term sheet\nCounterparty: LJM2\nHub\tPrice\nHenry Hub\t2.50",
        ),
        (
            b"Gas daily\r\nline two\r\n\r\n\r\n\r\nend\r\n",
            "text/plain",
            "notes.txt",
            "Gas daily\nline two\n\nend",
        ),
        (b"hub,price\nHenry,2.50\n", "application/octet-stream", "prices.csv", "hub,price\nHenry,2.50"),
        (b"hub,price\n", "text/csv", "", "hub,price"),
        ("Caf\xe9 \u201cdesk\u201d".encode("cp1252"), "text/plain", "n.txt", "Café “desk”"),
        ("\ufeffZürich".encode(), "text/plain", "n.txt", "Zürich"),
        ("Zürich desk".encode("utf-16"), "text/plain", "n.txt", "Zürich desk"),
        (b"<p>Hello <b>desk</b></p><script>x()</script>", "text/html", "a.html", "Hello desk"),
        (b'{"hub": "Henry"}', "application/json", "a.json", '{"hub": "Henry"}'),
        # nothing to read, never an exception
        (b"%PDF-1.4 truncated garbage", PDF_MIME, "broken.pdf", ""),
        (b"PK\x03\x04 not a zip", DOCX_MIME, "broken.docx", ""),
        (encrypted_pdf(), PDF_MIME, "locked.pdf", ""),
        (b"\x00\x01\x02\x03binary", "text/plain", "fake.txt", ""),
        (b"GIF89a...", "image/gif", "logo.gif", ""),
        (b"\xd0\xcf\x11\xe0 old word", "application/msword", "old.doc", ""),
        (b"", PDF_MIME, "empty.pdf", ""),
    ],
)
def test_attachment_text_extract(data: bytes, mime: str, filename: str, expected: str) -> None:
    assert extract_text(data, mime, filename) == expected


def test_attachment_text_declared_charset_first() -> None:
    data = "Привет".encode("koi8-r")
    assert extract_text(data, "text/plain", "ru.txt", charset="koi8-r") == "Привет"
    assert extract_text(data, "text/plain", "ru.txt", charset="x-unknown") != ""


def test_attachment_text_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachment_text, "MAX_PDF_PAGES", 2)
    monkeypatch.setattr(attachment_text, "MAX_TEXT_CHARS", 30)
    assert extract_text(make_pdf(["one", "two", "three"]), PDF_MIME, "x.pdf") == "one\n\ntwo"
    assert len(extract_text(b"x" * 100, "text/plain", "x.txt")) == 30
    monkeypatch.setattr(attachment_text, "MAX_INPUT_BYTES", 10)
    assert extract_text(b"x" * 11, "text/plain", "x.txt") == ""


def test_attachment_text_docx_zip_bomb_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachment_text, "MAX_DOCX_XML_BYTES", 100)
    assert extract_text(DOCX, DOCX_MIME, "big.docx") == ""


def test_attachment_text_docx_without_body_part() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert extract_text(buffer.getvalue(), DOCX_MIME, "x.docx") == ""
