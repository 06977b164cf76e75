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
* Body charsets are tried in order: the declared one, UTF-8, cp1252; a body
  that none of them decodes fails as ``bad-encoding``. Headers never fail:
  undecodable bytes are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from backchannel.records import Address, Attachment, IngestFailure, RawMessage, Visibility, content_id

from .base import MAX_MESSAGE_BYTES, too_large_reason
from .html_text import html_to_text


class MalformedItem(Exception):
    """An item that cannot become a message. ``reason`` is ``"category: detail"``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_FALLBACK_CHARSETS = ("utf-8", "cp1252")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_X500 = re.compile(r"\s*<[^>]*>")
_EMAIL = re.compile(r"[\w.+'&-]+@[\w-]+(?:\.[\w-]+)+")
_MSGID = re.compile(r"<[^<>\s]+>")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


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

    body, attachments = _body_and_attachments(msg)
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
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # raw 8-bit header bytes
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
    """Header values as stored (compat32 would wrap 8-bit ones in an opaque Header)."""
    lname = name.lower()
    return [str(v) for k, v in msg.raw_items() if k.lower() == lname]


def _safe_decode_header(text: str) -> list[tuple[bytes | str, str | None]]:
    try:
        return decode_header(text)
    except (ValueError, HeaderParseError):
        return [(text, None)]


def _decode_bytes(raw: bytes, charset: str | None = None) -> str:
    for name in (charset, *_FALLBACK_CHARSETS):
        if not name:
            continue
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", "replace")


def _clean_name(name: str) -> str:
    """A display name without X.500 paths, quotes or a Notes ``@ENRON`` tail."""
    name = _X500.sub("", name).strip()
    tail = re.search(r"@[A-Za-z]+$", name)
    if tail and re.search(r"[\s\"']", name[: tail.start()]):
        name = name[: tail.start()]
    name = name.strip().strip('"').strip("'").strip()
    return "" if "@" in name else name


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
    name = _clean_name(name) or _clean_name(x_from) or key
    return Address(key=key, name=name)


def _x_names(value: str) -> list[str]:
    """Display names of an ``X-To``/``X-cc`` header, in order."""
    if not value:
        return []
    if "<" in value:
        entries = re.findall(r"\s*,?\s*([^<>]*?)\s*<[^>]*>", value)
    else:
        entries = value.split(",")
    return [_clean_name(e) for e in entries]


def _recipients(msg: Message) -> list[Address]:
    """To, Cc and Bcc in that order, each address once; names from X-To/X-cc when missing."""
    seen: set[str] = set()
    out: list[Address] = []
    for header, x_header in (("To", "X-To"), ("Cc", "X-cc"), ("Bcc", "X-bcc")):
        value = _header(msg, header)
        pairs = [(n, a.strip().lower()) for n, a in getaddresses([value]) if a.strip()] if value else []
        x_names = _x_names(_header(msg, x_header))
        use_x = len(x_names) == len(pairs)
        for i, (name, key) in enumerate(pairs):
            if key in seen:
                continue
            seen.add(key)
            display = _clean_name(name) or (x_names[i] if use_x else "")
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


def _reject_binary(data: bytes) -> None:
    if b"\x00" in data:
        raise MalformedItem("binary-file: contains NUL bytes, not an email")
    head = data[:8192]
    if head and len(_CONTROL.findall(head)) > len(head) // 20:
        raise MalformedItem("binary-file: mostly control bytes, not an email")


def _leaves(part: Message) -> Iterator[Message]:
    """Leaf parts; an attached message (message/rfc822) is one leaf."""
    if part.get_content_maintype() == "message" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _leaves(sub)


def _is_attachment(part: Message) -> bool:
    if part.get_content_maintype() == "message":
        return True
    if part.get_content_disposition() == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart")


def _attachment(part: Message) -> Attachment:
    mime = part.get_content_type()
    name = part.get_filename() or ""
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        size = len(str(inner[0])) if isinstance(inner, list) and inner else None
        if not name and isinstance(inner, list) and inner and isinstance(inner[0], Message):
            name = (_header(inner[0], "Subject") or "message") + ".eml"
        return Attachment(name=_decode_filename(name or "message.eml"), mime_type=mime, size=size)
    payload = part.get_payload(decode=True)
    size = len(payload) if isinstance(payload, bytes) else None
    return Attachment(name=_decode_filename(name or "attachment"), mime_type=mime, size=size)


def _decode_filename(name: str) -> str:
    if "=?" in name:
        return "".join(
            _decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
            for chunk, charset in _safe_decode_header(name)
        )
    return name


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    if b"\x00" in payload:
        raise MalformedItem("binary-file: text part contains NUL bytes")
    declared = part.get_content_charset()
    for name in (declared, *_FALLBACK_CHARSETS):
        if not name:
            continue
        try:
            return payload.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise MalformedItem(f"bad-encoding: body is not valid {declared or 'us-ascii'}, utf-8 or cp1252")


def _body_and_attachments(msg: Message) -> tuple[str, list[Attachment]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in _leaves(msg):
        if _is_attachment(part):
            attachments.append(_attachment(part))
        elif part.get_content_type() == "text/html":
            html.append(html_to_text(_part_text(part)))
        else:  # text/plain and any other inline text
            plain.append(_part_text(part))
    body = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(t for t in html if t.strip())
    body = body.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return body, attachments
