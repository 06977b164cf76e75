"""One email (RFC 5322 bytes) to a :class:`RawMessage`. Pure: no files, no state.

Tolerant of what real corpora contain (Enron's CRLF headers over LF bodies,
folded headers, ``k..allen@enron.com``, X.500 names in ``X-From``, empty
subjects, dates in 1979): an odd header never stops a message, and a bad
message never stops a mailbox. What cannot be turned into a message raises
:class:`MalformedItem`, which connectors turn into an ``IngestFailure``.

Decisions worth knowing:

* ``id`` fingerprints sender, date, normalized subject and whitespace-normalized
  body, not the Message-ID: Enron's copies of one mail in several folders each
  carry their own Message-ID, and must share one id.
* A missing or unparseable ``Date`` falls back to the oldest ``Received``
  header's date; with neither, the message fails as ``bad-date``. A made-up
  time (file mtime, the epoch) would put the message in the wrong place on
  every timeline and digest, silently.
* A date without a zone is taken as UTC.
* Body charsets are tried in order: the declared one (unknown names are
  skipped), UTF-8, cp1252; a part labelled with a Western single-byte charset
  is tried as UTF-8 first, since UTF-8 sent as Latin-1 is a common mislabel
  and Latin-1 text is almost never valid UTF-8. A part that none of them
  decodes is decoded as cp1252 with replacement characters and logged as
  ``lossy-decoding`` (locator only): a few bad bytes do not cost the message.
  When over 1% of it would be replacement characters it fails as
  ``bad-encoding``.
  Headers never fail either.
* ``multipart/alternative`` gives its plain-text part, or, when that is empty
  or missing, its richest other part (HTML made text). Other multiparts give
  all their inline text parts, in order.
* Attachments keep name, type, size and, for PDF, DOCX and text files, their
  text (:mod:`ingest.attachment_text`); an attached mail (``message/rfc822``)
  keeps its body as its text. At most :data:`ATTACHMENT_TEXT_BUDGET`
  characters of attachment text are extracted per message.
* Display names come from :func:`ingest.names.display_name`: From's own name,
  else ``X-From``'s, else the address. Recipients pair with ``X-To``/``X-cc``
  names by position, only when both list the same number of people.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.errors import HeaderParseError, InvalidBase64LengthDefect
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from backchannel.records import Address, Attachment, IngestFailure, RawMessage, Visibility, content_id

from .attachment_text import extract_text
from .base import MAX_MESSAGE_BYTES, decode_first, too_large_reason
from .html_text import html_to_text
from .names import display_name

log = logging.getLogger(__name__)

# Attachment text extracted from one message at most (each file is capped on its own too).
ATTACHMENT_TEXT_BUDGET = 1_000_000


class MalformedItem(Exception):
    """An item that cannot become a message. ``reason`` is ``"category: detail"``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_FALLBACK_CHARSETS = ("utf-8", "cp1252")
# Labels that real mail gets wrong most: tried after UTF-8 when the bytes are not ASCII.
_WESTERN_CHARSETS = frozenset(
    {
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "iso8859-1",
        "latin-1",
        "latin1",
        "iso-8859-15",
        "windows-1252",
        "cp1252",
    }
)
# Names mail software writes that Python's codecs do not know.
_CHARSET_ALIASES = {"iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6", "x-mac-roman": "mac-roman"}
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+'&-]+@[\w-]+(?:\.[\w-]+)+")
_MSGID = re.compile(r"<[^<>\s]+>")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# Raw 8-bit header bytes, as the stdlib parser keeps them (surrogate escapes).
_RAW_BYTES = re.compile("[\udc80-\udcff]")
# A header that is only bare addresses ("a@enron.com, b@enron.com", most of Enron's
# To/Cc): split directly; getaddresses' full RFC 2822 parser is 5x slower.
_BARE_ADDRESSES = re.compile(
    r"^\s*[\w.+'&-]+@[\w-]+(?:\.[\w-]+)+(?:\s*,\s*[\w.+'&-]+@[\w-]+(?:\.[\w-]+)+)*\s*,?\s*$"
)
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def parse_or_failure(data: bytes, *, source: str, locator: str, **options: Any) -> RawMessage | IngestFailure:
    """``parse_email`` (``options`` are its other keywords), a malformed mail made the failure to record."""
    try:
        return parse_email(data, source=source, locator=locator, **options)
    except MalformedItem as exc:
        return IngestFailure(source, locator, exc.reason)


def parse_email(
    data: bytes,
    *,
    source: str,
    locator: str,
    container: str,
    owner: str,
    owner_address: str = "",
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> RawMessage:
    """Parse one email. ``owner_address`` (when known) joins the access list."""
    if len(data) > max_bytes:
        raise MalformedItem(too_large_reason(len(data), max_bytes))
    _reject_binary(data)
    msg = message_from_bytes(data, policy=policy.compat32)
    if not msg.keys():
        raise MalformedItem("malformed-email: no headers found")

    content = _content(msg)
    if content.lossy:
        log.info("%s: lossy-decoding: %d text part(s) had undecodable bytes", locator, content.lossy)
    body, attachments = content.body(), content.attachments
    from_value = _header(msg, "From")
    if not from_value:
        detail = "no From header and no body" if not body.strip() else "no From header"
        raise MalformedItem(f"malformed-email: {detail}")

    author = _author(from_value, _header(msg, "X-From"))
    timestamp = _timestamp(msg)
    subject = _header(msg, "Subject")
    norm_subject = normalize_subject(subject)
    recipients = _recipients(msg)

    access: list[str] = []
    for key in [author.key, *(r.key for r in recipients), owner_address.lower()]:
        if key and key not in access:
            access.append(key)

    body_fingerprint = " ".join(body.split())
    return RawMessage(
        id=content_id("email", author.key, timestamp.isoformat(), norm_subject, body_fingerprint),
        source=source,
        locator=locator,
        container=container,
        author=author,
        timestamp=timestamp,
        body=body,
        subject=subject,
        recipients=recipients,
        thread_key=_thread_key(msg, norm_subject),
        native_id=_message_id(msg),
        visibility=Visibility.RESTRICTED,
        access=access,
        attachments=attachments,
        owner=owner,
    )


def normalize_subject(subject: str) -> str:
    """Lower case, no ``Re:``/``Fw:``/``Fwd:`` prefixes (repeated), single spaces."""
    return " ".join(_REPLY_PREFIX.sub("", subject).split()).lower()


# -- headers ---------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    """A header's decoded, unfolded text; ``""`` when absent. Never raises."""
    values = _raw_values(msg, name)
    if not values:
        return ""
    text = values[0]
    if _RAW_BYTES.search(text):
        text = _decode_bytes(text.encode("ascii", "surrogateescape"))
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except (ValueError, LookupError, UnicodeDecodeError, HeaderParseError):
            text = "".join(
                _decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
                for chunk, charset in _safe_decode_header(text)
            )
    return " ".join(text.split())


def _raw_values(msg: Message, name: str) -> list[str]:
    """Header values as stored (compat32 would wrap 8-bit ones in an opaque Header).

    The headers are indexed by lower-cased name once per message (kept on the
    message object): a parse asks for a dozen of them.
    """
    index = msg.__dict__.get("_bc_header_index")
    if index is None:
        index = {}
        for key, value in msg.raw_items():
            index.setdefault(key.lower(), []).append(str(value))
        msg.__dict__["_bc_header_index"] = index
    return index.get(name.lower(), [])


def _address_list(value: str) -> list[tuple[str, str]]:
    """(display name, lower-cased address) of each address in a To-like header."""
    if not value:
        return []
    if _BARE_ADDRESSES.match(value):
        return [("", a.strip().lower()) for a in value.split(",") if a.strip()]
    return [(n, a.strip().lower()) for n, a in getaddresses([value]) if a.strip()]


def _safe_decode_header(text: str) -> list[tuple[bytes | str, str | None]]:
    try:
        return decode_header(text)
    except (ValueError, HeaderParseError):
        return [(text, None)]


def _decode_bytes(raw: bytes, charset: str | None = None) -> str:
    text = decode_first(raw, (charset, *_FALLBACK_CHARSETS))
    return raw.decode("utf-8", "replace") if text is None else text


def _address_from(value: str) -> tuple[str, str]:
    """(display name, lower-cased address) of a From-like value, leniently."""
    pairs = [(n, a) for n, a in getaddresses([value]) if a]
    if pairs:
        name, addr = pairs[0]
    else:
        found = _EMAIL.search(value)
        name, addr = "", (found.group(0) if found else value)
    return name.strip(), addr.strip().strip("<>").lower()


def _author(from_value: str, x_from: str) -> Address:
    name, key = _address_from(from_value)
    name = display_name(name) or display_name(x_from) or key
    return Address(key=key, name=name)


def _x_names(value: str) -> list[str]:
    """Display names of an ``X-To``/``X-cc`` header, in order."""
    if not value:
        return []
    if "<" in value:
        entries = re.findall(r"\s*,?\s*([^<>]*?)\s*<[^>]*>", value)
    else:
        entries = value.split(",")
    return [display_name(e) for e in entries]


def _recipients(msg: Message) -> list[Address]:
    """To, Cc and Bcc in that order, each address once; names from X-To/X-cc when missing."""
    seen: set[str] = set()
    out: list[Address] = []
    for header, x_header in (("To", "X-To"), ("Cc", "X-cc"), ("Bcc", "X-bcc")):
        value = _header(msg, header)
        pairs = _address_list(value)
        x_names = _x_names(_header(msg, x_header))
        use_x = len(x_names) == len(pairs)
        for i, (name, key) in enumerate(pairs):
            if key in seen:
                continue
            seen.add(key)
            display = display_name(name) or (x_names[i] if use_x else "")
            out.append(Address(key=key, name=display or key))
    return out


def _timestamp(msg: Message) -> datetime:
    candidates = [_header(msg, "Date")]
    received = _raw_values(msg, "Received")
    candidates += [r.rsplit(";", 1)[-1] for r in reversed(received) if ";" in r]
    for value in candidates:
        when = _parse_date(value)
        if when is not None:
            return when
    date = _header(msg, "Date")
    detail = f"unparseable Date header {date[:40]!r}" if date else "no Date header"
    raise MalformedItem(f"bad-date: {detail} and no dated Received header")


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _message_id(msg: Message) -> str:
    """The Message-ID as References write it (``<…>``), so replies can find it."""
    value = _header(msg, "Message-ID")
    found = _MSGID.findall(value)
    return found[0] if found else value.strip()


def _thread_key(msg: Message, norm_subject: str) -> str:
    refs = _MSGID.findall(_header(msg, "References"))
    if refs:
        return refs[0]
    reply_to = _MSGID.findall(_header(msg, "In-Reply-To"))
    if reply_to:
        return reply_to[0]
    return f"subject:{norm_subject}" if norm_subject else ""


# -- body ------------------------------------------------------------------


@dataclass
class _Content:
    """What a walk over a MIME tree found: inline texts, attachments, how many parts decoded lossily."""

    texts: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    lossy: int = 0
    attachment_chars: int = 0

    def body(self) -> str:
        body = "\n\n".join(self.texts)
        return body.replace("\r\n", "\n").replace("\r", "\n").rstrip()

    def merge(self, other: _Content, *, with_texts: bool) -> None:
        self.attachments.extend(other.attachments)
        self.attachment_chars += other.attachment_chars
        if with_texts:
            self.texts.extend(other.texts)
            self.lossy += other.lossy


def _content(msg: Message) -> _Content:
    found = _Content()
    _walk(msg, found)
    return found


def _reject_binary(data: bytes) -> None:
    if b"\x00" in data:
        raise MalformedItem("binary-file: contains NUL bytes, not an email")
    head = data[:8192]
    if head and len(_CONTROL.findall(head)) > len(head) // 20:
        raise MalformedItem("binary-file: mostly control bytes, not an email")


def _walk(part: Message, found: _Content) -> None:
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        subs = [sub for sub in part.get_payload() if isinstance(sub, Message)]
        if part.get_content_subtype() == "alternative":
            _walk_alternative(subs, found)
        else:
            for sub in subs:
                _walk(sub, found)
    elif _is_attachment(part):
        found.attachments.append(_attachment(part, found))
    else:
        text = _inline_text(part, found)
        if text.strip():
            found.texts.append(text)


def _walk_alternative(subs: list[Message], found: _Content) -> None:
    """Plain text when it has any, else the last (richest) alternative with text; every attachment."""
    walked: list[tuple[Message, _Content]] = []
    error: MalformedItem | None = None
    for sub in subs:
        inner = _Content()
        try:
            _walk(sub, inner)
        except MalformedItem as exc:  # one broken alternative does not spoil the others
            error = error or exc
            continue
        walked.append((sub, inner))
    with_text = [(sub, inner) for sub, inner in walked if inner.texts]
    if not with_text and error is not None:
        raise error
    plain = [inner for sub, inner in with_text if sub.get_content_type() == "text/plain"]
    chosen = plain[0] if plain else (with_text[-1][1] if with_text else None)
    for _sub, inner in walked:
        found.merge(inner, with_texts=inner is chosen)


def _is_attachment(part: Message) -> bool:
    if part.get_content_maintype() == "message":
        return True
    if part.get_content_disposition() == "attachment" or _filename(part):
        return True
    return part.get_content_maintype() not in ("text", "multipart")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except (ValueError, LookupError, UnicodeError, HeaderParseError):
        return ""
    return _decode_filename(name)


def _attachment(part: Message, found: _Content) -> Attachment:
    mime = part.get_content_type()
    name = _filename(part)
    if part.get_content_maintype() == "message":
        return _attached_message(part, name, found)
    payload = _payload(part)
    if payload is None:
        return Attachment(name=name or "attachment", mime_type=mime)
    text = ""
    if found.attachment_chars < ATTACHMENT_TEXT_BUDGET:
        text = extract_text(payload, mime, name, charset=_charset(part))
        found.attachment_chars += len(text)
    return Attachment(name=name or "attachment", mime_type=mime, size=len(payload), text=text)


def _attached_message(part: Message, name: str, found: _Content) -> Attachment:
    """A mail forwarded as an attachment: its subject names it, its body is its text."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return Attachment(name=name or "message.eml", mime_type=part.get_content_type())
    text = ""
    if found.attachment_chars < ATTACHMENT_TEXT_BUDGET:
        try:
            text = _content(inner).body()
        except MalformedItem:
            text = ""
        found.attachment_chars += len(text)
    name = name or (_header(inner, "Subject") or "message") + ".eml"
    return Attachment(name=name, mime_type=part.get_content_type(), size=len(str(inner)), text=text)


def _decode_filename(name: str) -> str:
    if "=?" in name:
        return "".join(
            _decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
            for chunk, charset in _safe_decode_header(name)
        )
    return name


def _charset(part: Message) -> str | None:
    declared = (part.get_content_charset() or "").strip().lower()
    return _CHARSET_ALIASES.get(declared, declared) or None


def _payload(part: Message) -> bytes | None:
    """A leaf part's decoded bytes; a base64 body cut off mid-group keeps its whole groups."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    if any(isinstance(defect, InvalidBase64LengthDefect) for defect in part.defects):
        encoded = _NOT_BASE64.sub(b"", payload)  # the stdlib gave the encoded text back
        return base64.b64decode(encoded[: len(encoded) // 4 * 4])
    return payload


def _inline_text(part: Message, found: _Content) -> str:
    payload = _payload(part)
    if payload is None:
        return ""
    if b"\x00" in payload:
        raise MalformedItem("binary-file: text part contains NUL bytes")
    text, lossy = _decode_payload(payload, _charset(part))
    found.lossy += lossy
    return html_to_text(text) if part.get_content_type() == "text/html" else text


def _decode_payload(payload: bytes, declared: str | None) -> tuple[str, bool]:
    """``(text, lossy)``: the first charset that decodes the bytes, or cp1252 with replacements.

    Replacements are accepted for a few stray bytes, not when over 1% of the
    text would be replacement characters: that is no text in any charset.
    """
    if declared in _WESTERN_CHARSETS and not payload.isascii():
        order: tuple[str | None, ...] = ("utf-8", declared, "cp1252")
    else:
        order = (declared, *_FALLBACK_CHARSETS)
    decoded = decode_first(payload, order)
    if decoded is not None:
        return decoded, False
    text = payload.decode("cp1252", "replace")
    if text.count("\ufffd") * 100 > len(text):
        tried = ", ".join(dict.fromkeys(name for name in order if name))
        raise MalformedItem(f"bad-encoding: body is not valid {tried}")
    return text, True
