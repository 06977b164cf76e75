"""Text of attached files (PDF, DOCX, plain text and its kin), for search and NLP.

One entry point, :func:`extract_text`. It never raises: a broken, encrypted or
unsupported file gives ``""`` and a debug log line naming only the file kind
and the error's class, so an odd attachment never costs the message it came
with. Work is bounded: inputs over :data:`MAX_INPUT_BYTES`, PDF pages past
:data:`MAX_PDF_PAGES` and DOCX bodies that would inflate past
:data:`MAX_DOCX_XML_BYTES` are not read, and the text is cut at
:data:`MAX_TEXT_CHARS`.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from .base import decode_first
from .html_text import html_to_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 100
MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024  # word/document.xml once unzipped: zip bombs stop here

_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TEXT_MIMES = frozenset(
    {"application/csv", "application/json", "application/xml", "application/x-csv", "application/x-sh"}
)
_TEXT_EXTENSIONS = frozenset({"txt", "text", "csv", "tsv", "log", "md", "json", "xml", "ics", "vcf", "asc"})
_HTML_EXTENSIONS = frozenset({"htm", "html"})
_BLANK_RUNS = re.compile(r"\n{3,}")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def extract_text(data: bytes, mime_type: str, filename: str, *, charset: str | None = None) -> str:
    """The text of an attachment, ``""`` when it has none that can be read.

    The kind is chosen by MIME type first, then by file extension (mail often
    says ``application/octet-stream`` for a PDF). ``charset``, when the mail
    declared one, is tried first for text and HTML files.
    """
    kind = _kind(mime_type, filename)
    if kind is None or not data:
        return ""
    if len(data) > MAX_INPUT_BYTES:
        log.debug("attachment text: %s skipped, %d bytes", kind, len(data))
        return ""
    try:
        text = _EXTRACTORS[kind](data, charset)
    except Exception as exc:  # third-party parsers raise anything on a bad file
        log.debug("attachment text: %s unreadable (%s)", kind, type(exc).__name__)
        return ""
    return _tidy(text)[:MAX_TEXT_CHARS]


def _kind(mime_type: str, filename: str) -> str | None:
    mime = mime_type.split(";", 1)[0].strip().lower()
    ext = filename.rsplit(".", 1)[-1].strip().lower() if "." in filename else ""
    if mime == "application/pdf" or ext == "pdf":
        return "pdf"
    if mime == _DOCX_MIME or ext == "docx":
        return "docx"
    if mime == "text/html" or ext in _HTML_EXTENSIONS:
        return "html"
    if mime.startswith("text/") or mime in _TEXT_MIMES or ext in _TEXT_EXTENSIONS:
        return "text"
    return None


def _decode(data: bytes, charset: str | None) -> str:
    """Text file bytes: a UTF-16 BOM, the declared charset, UTF-8, cp1252; never failing."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", "replace")
    text = decode_first(data, (charset, "utf-8-sig", "cp1252"))
    return data.decode("cp1252", "replace") if text is None else text


def _text(data: bytes, charset: str | None) -> str:
    if b"\x00" in data[:8192] and not data.startswith(_UTF16_BOMS):
        return ""  # binary content behind a text label
    return _decode(data, charset)


def _html(data: bytes, charset: str | None) -> str:
    return html_to_text(_decode(data, charset))


def _pdf(data: bytes, _charset: str | None) -> str:
    from pypdf import PdfReader  # imported on first use: most mail has no PDF

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        log.debug("attachment text: pdf encrypted")
        return ""
    return "\n\n".join(_capped(page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]))


def _docx(data: bytes, _charset: str | None) -> str:
    from docx import Document  # imported on first use: most mail has no DOCX

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if archive.getinfo("word/document.xml").file_size > MAX_DOCX_XML_BYTES:
            log.debug("attachment text: docx body too large")
            return ""
    document = Document(io.BytesIO(data))
    return "\n".join(_capped(_docx_blocks(document)))


def _docx_blocks(document: DocxDocument) -> Iterator[str]:
    """Paragraphs and table rows in document order; a row is its cells' text joined by tabs."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if text and (not cells or cells[-1] != text):  # a merged cell repeats
                        cells.append(text)
                yield "\t".join(cells)
        else:
            yield block.text


def _capped(pieces: Iterable[str]) -> Iterator[str]:
    """Pieces until :data:`MAX_TEXT_CHARS` is reached, so a huge file is not read to its end."""
    total = 0
    for piece in pieces:
        yield piece
        total += len(piece)
        if total >= MAX_TEXT_CHARS:
            return


def _tidy(text: str) -> str:
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


_EXTRACTORS: dict[str, Callable[[bytes, str | None], str]] = {
    "pdf": _pdf,
    "docx": _docx,
    "html": _html,
    "text": _text,
}
