"""One Slack message (a dict from an export or the API) to a :class:`RawMessage`. Pure.

Shared by the export connector and the live Slack connector to come: the
caller says which conversation the message belongs to (:class:`Conversation`)
and who the workspace's users are (:class:`Directory`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from backchannel.records import Address, Attachment, RawMessage, Visibility, content_id

from .email_parse import MalformedItem

# Events in a channel that are not messages anyone wrote.
NON_MESSAGE_SUBTYPES = frozenset(
    f"{prefix}_{event}"
    for prefix in ("channel", "group")
    for event in ("join", "leave", "purpose", "topic", "name", "archive", "unarchive")
) | {"tombstone"}

_MARKUP = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class Conversation:
    """A channel, private channel, DM or group DM, as the listings describe it."""

    id: str
    name: str  # container: "general", or "dm:ann,bob" for direct messages
    visibility: Visibility = Visibility.PUBLIC
    members: tuple[str, ...] = ()  # user ids; used for restricted conversations
    is_dm: bool = False


@dataclass
class Directory:
    """Users and channels of a workspace, for names and markup."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> users.json entry
    channel_names: dict[str, str] = field(default_factory=dict)  # channel id -> name

    def user_name(self, user_id: str) -> str:
        """A person's best name: real name, then display name, then handle, then id."""
        user = self.users.get(user_id) or {}
        profile = user.get("profile") or {}
        for name in (
            user.get("real_name"),
            profile.get("real_name"),
            profile.get("display_name"),
            user.get("name"),
        ):
            if isinstance(name, str) and name.strip():
                return name.strip()
        return user_id

    def handle(self, user_id: str) -> str:
        user = self.users.get(user_id) or {}
        name = user.get("name")
        return name if isinstance(name, str) and name else user_id


def is_message(item: object) -> bool:
    """False for channel events (joins, topic changes...) that are not messages."""
    return not (isinstance(item, dict) and item.get("subtype") in NON_MESSAGE_SUBTYPES)


def parse_slack_message(
    item: object, *, conversation: Conversation, directory: Directory, locator: str, source: str
) -> RawMessage:
    """Convert one message dict; raises :class:`MalformedItem` for what cannot be a message."""
    if not isinstance(item, dict):
        raise MalformedItem(f"malformed-item: expected a JSON object, got {type(item).__name__}")
    ts = item.get("ts")
    if not isinstance(ts, str) or not ts.strip():
        raise MalformedItem("missing-ts: message has no ts")
    timestamp = slack_time(ts)

    author = _author(item, directory)
    text = item.get("text")
    body = resolve_markup(text if isinstance(text, str) else "", directory)
    thread_ts = item.get("thread_ts")
    thread_root = thread_ts if isinstance(thread_ts, str) and thread_ts else ts

    if conversation.visibility is Visibility.RESTRICTED:
        access = [f"slack:{m}" for m in conversation.members]
        if author.key not in access:
            access.append(author.key)
    else:
        access = []
    recipients = []
    if conversation.is_dm:
        recipients = [
            Address(key=f"slack:{m}", name=directory.user_name(m))
            for m in conversation.members
            if f"slack:{m}" != author.key
        ]

    return RawMessage(
        id=content_id("slack", conversation.id, ts),
        source=source,
        locator=locator,
        container=conversation.name,
        author=author,
        timestamp=timestamp,
        body=body,
        subject="",
        recipients=recipients,
        thread_key=f"{conversation.id}:{thread_root}",
        native_id=ts,
        visibility=conversation.visibility,
        access=access,
        attachments=_attachments(item),
        edited=bool(item.get("edited")),
    )


def slack_time(ts: str) -> datetime:
    """A Slack ``ts`` (``"1772460120.000100"``) as an exact UTC datetime (no float rounding)."""
    seconds, _, fraction = ts.strip().partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise MalformedItem(f"bad-ts: {ts[:30]!r} is not a Slack timestamp")
    try:
        base = datetime.fromtimestamp(int(seconds), UTC)
    except (ValueError, OverflowError, OSError):
        raise MalformedItem(f"bad-ts: {ts[:30]!r} is out of range") from None
    return base + timedelta(microseconds=int(fraction[:6].ljust(6, "0") or 0))


def resolve_markup(text: str, directory: Directory) -> str:
    """Slack's ``<@U1>``, ``<#C1|general>``, ``<url|label>`` and entities to plain text."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            name = directory.user_name(user_id)
            return "@" + (label if name == user_id and label else name)
        if target.startswith("#"):
            channel_id = target[1:]
            return "#" + (label or directory.channel_names.get(channel_id, channel_id))
        if target.startswith("!"):
            if label:  # <!subteam^S1|@team>, <!date^...|Oct 3>
                return label
            command = target[1:].split("^", 1)[0]
            return f"@{command}"
        if target.startswith("mailto:"):
            address = target[len("mailto:") :]
            return label if not label or label == address else f"{label} ({address})"
        if label and label != target:
            return f"{label} ({target})"
        return target

    return html.unescape(_MARKUP.sub(replace, text)) if "<" in text or "&" in text else text


def _author(item: dict[str, Any], directory: Directory) -> Address:
    user = item.get("user")
    bot_id = item.get("bot_id")
    is_bot_post = item.get("subtype") == "bot_message" or (bot_id and not user)
    if is_bot_post and isinstance(bot_id, str) and bot_id:
        profile = item.get("bot_profile") or {}
        name = item.get("username") or profile.get("name") or bot_id
        return Address(key=f"slack:{bot_id}", name=str(name))
    if isinstance(user, str) and user:
        return Address(key=f"slack:{user}", name=directory.user_name(user))
    raise MalformedItem("malformed-item: message has neither user nor bot_id")


def _attachments(item: dict[str, Any]) -> list[Attachment]:
    files = item.get("files")
    if not isinstance(files, list):
        single = item.get("file")
        files = [single] if isinstance(single, dict) else []
    out = []
    for f in files:
        if not isinstance(f, dict):
            continue
        name = f.get("name") or f.get("title") or f.get("id") or "file"
        size = f.get("size")
        out.append(
            Attachment(
                name=str(name),
                mime_type=str(f.get("mimetype") or ""),
                size=size if isinstance(size, int) else None,
            )
        )
    return out
