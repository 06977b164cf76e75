"""Jinja filters: human-friendly dates (UTC), sizes, source labels, Wikipedia links."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from flask import Flask

from backchannel.digest import thread_title

_SOURCE_LABELS = {
    "slack_export": "Slack",
    "slack_api": "Slack",
    "maildir": "Email",
    "mbox": "Email",
    "eml": "Email",
    "imap": "Email",
}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def human_date(value: datetime | None) -> str:
    """``Oct 24, 2001``."""
    if value is None:
        return ""
    v = _utc(value)
    return f"{v:%b} {v.day}, {v.year}"


def human_datetime(value: datetime | None) -> str:
    """``Oct 24, 2001, 14:03 UTC``."""
    if value is None:
        return ""
    v = _utc(value)
    return f"{human_date(v)}, {v:%H:%M} UTC"


def relative_date(value: datetime | None, now: datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 hours ago``, ``yesterday``, ``4 days ago``, else the date."""
    if value is None:
        return ""
    v = _utc(value)
    now = _utc(now) if now else datetime.now(UTC)
    seconds = (now - v).total_seconds()
    if seconds < 0:
        return human_date(v)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return human_date(v)


def filesize(value: int | None) -> str:
    if value is None:
        return ""
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


def source_label(kind: str) -> str:
    return _SOURCE_LABELS.get(kind, kind.replace("_", " ").title())


def wikipedia_url(title: str) -> str:
    """https://en.wikipedia.org/wiki/<Title_with_underscores>."""
    return "https://en.wikipedia.org/wiki/" + quote(title.strip().replace(" ", "_"), safe="/:(),'!_-.~")


def message_title(subject: str, container: str) -> str:
    """A message's subject, or where it was posted (Slack messages have no subject)."""
    return subject.strip() or f"Message in {container}"


def initials(name: str) -> str:
    parts = [p for p in name.replace(".", " ").replace("@", " ").split() if p[:1].isalnum()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def register(app: Flask) -> None:
    app.add_template_filter(human_date, "date")
    app.add_template_filter(human_datetime, "datetime")
    app.add_template_filter(relative_date, "ago")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(source_label, "source_label")
    app.add_template_filter(wikipedia_url, "wikipedia_url")
    app.add_template_filter(initials, "initials")
    app.add_template_filter(thread_title, "thread_title")
    app.add_template_filter(message_title, "message_title")
