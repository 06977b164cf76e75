"""One Slack message (a dict from an export or the API) to a :class:`RawMessage`. Pure.

Shared by the export connector and the live Slack connector: the caller says
which conversation the message belongs to (:class:`Conversation`) and who the
workspace's users are (:class:`Directory`).

The text comes from ``text`` (Slack's ``<@U1>`` markup resolved to names);
when that is empty, from the rich-text ``blocks`` newer clients send, then
from legacy ``attachments`` (bots). :func:`slack_links` gives the structured
mentions and links of a ``text``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from backchannel.records import Address, Attachment, RawMessage, Visibility, content_id

from .email_parse import MalformedItem

# Events in a channel that are not messages anyone wrote. ``message_changed`` and
# ``message_deleted`` are event wrappers some exporters leave in day files.
NON_MESSAGE_SUBTYPES = frozenset(
    f"{prefix}_{event}"
    for prefix in ("channel", "group")
    for event in ("join", "leave", "purpose", "topic", "name", "archive", "unarchive")
) | {
    "tombstone",
    "pinned_item",
    "unpinned_item",
    "bot_add",
    "bot_remove",
    "bot_enable",
    "bot_disable",
    "app_conversation_join",
    "app_conversation_leave",
    "channel_convert_to_private",
    "channel_convert_to_public",
    "channel_posting_permissions",
    "channel_canvas_updated",
    "reminder_add",
    "sh_room_created",
    "message_changed",
    "message_deleted",
    "ekm_access_denied",
}

_MARKUP = re.compile(r"<([^<>]+)>")
# File entries that stand for a deleted file, or one beyond a free plan's history limit.
_GONE_FILE_MODES = frozenset({"tombstone", "hidden_by_limit"})


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
    body = message_text(item, directory)
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


def message_text(item: dict[str, Any], directory: Directory) -> str:
    """The readable text of a message: ``text``, else its rich-text blocks, else legacy attachments."""
    text = item.get("text")
    if isinstance(text, str) and text.strip():
        return resolve_markup(text, directory)
    blocks = item.get("blocks")
    if isinstance(blocks, list) and (rendered := blocks_text(blocks, directory)):
        return rendered
    comment = item.get("comment")  # old exports' file_comment
    if isinstance(comment, dict) and isinstance(comment.get("comment"), str):
        return resolve_markup(comment["comment"], directory)
    return _legacy_attachments_text(item.get("attachments"), directory)


@dataclass(frozen=True)
class SlackLink:
    """One piece of ``<...>`` markup in a message's text: a mention, a channel, a link."""

    kind: str  # "user" | "channel" | "url" | "mailto" | "special" (<!here>, <!subteam^S1|@team>)
    target: str  # user id, channel id, URL, email address, or the special command ("here", "subteam^S1")
    label: str = ""  # the text after "|", if any


def slack_links(text: str) -> list[SlackLink]:
    """Every mention and link of a Slack ``text``, in order, entities unescaped."""
    out = []
    for match in _MARKUP.finditer(text):
        link = _link(match.group(1))
        out.append(SlackLink(link.kind, html.unescape(link.target), html.unescape(link.label)))
    return out


def resolve_markup(text: str, directory: Directory) -> str:
    """Slack's ``<@U1>``, ``<#C1|general>``, ``<url|label>`` and entities to plain text."""

    def replace(match: re.Match[str]) -> str:
        link = _link(match.group(1))
        target, label = link.target, link.label
        if link.kind == "user":
            name = directory.user_name(target)
            return "@" + (label if name == target and label else name)
        if link.kind == "channel":
            return "#" + (label or directory.channel_names.get(target, target))
        if link.kind == "special":  # <!here>, <!subteam^S1|@backend>, <!date^...|Oct 3>
            return label or "@" + target.split("^", 1)[0]
        if link.kind == "mailto":
            return target if not label or label == target else f"{label} ({target})"
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_MARKUP.sub(replace, text)) if "<" in text or "&" in text else text


def _link(inner: str) -> SlackLink:
    """What one ``<...>`` markup (without its brackets) points at; entities still escaped."""
    target, _, label = inner.partition("|")
    for prefix, kind in (("@", "user"), ("#", "channel"), ("!", "special"), ("mailto:", "mailto")):
        if target.startswith(prefix):
            return SlackLink(kind, target[len(prefix) :], label)
    return SlackLink("url", target, label)


def blocks_text(blocks: list[Any], directory: Directory) -> str:
    """Plain text of Block Kit blocks: rich text (sections, lists, quotes, code) and section text."""
    parts = [_block_text(block, directory) for block in _dicts(blocks)]
    return "\n".join(part for part in parts if part).strip()


def _block_text(block: dict[str, Any], directory: Directory) -> str:
    kind = block.get("type")
    if kind == "rich_text":
        parts = [_rich_text(element, directory) for element in _dicts(block.get("elements"))]
        return "\n".join(part for part in parts if part)
    if kind in ("section", "header", "context"):
        objects = [block.get("text"), *_dicts(block.get("fields")), *_dicts(block.get("elements"))]
        texts = [o["text"] for o in _dicts(objects) if isinstance(o.get("text"), str)]
        return "\n".join(resolve_markup(t, directory) for t in texts if t)
    return ""


def _rich_text(element: dict[str, Any], directory: Directory) -> str:
    """One rich-text container: a section, a list, a quote or a preformatted block."""
    kind = element.get("type")
    if kind in ("rich_text_section", "rich_text_preformatted"):
        return "".join(_rich_inline(e, directory) for e in _dicts(element.get("elements")))
    if kind == "rich_text_quote":
        quoted = "".join(_rich_inline(e, directory) for e in _dicts(element.get("elements")))
        return "\n".join("> " + line for line in quoted.split("\n"))
    if kind == "rich_text_list":
        indent = "  " * _int(element.get("indent"))
        ordered = element.get("style") == "ordered"
        items = _dicts(element.get("elements"))
        return "\n".join(
            f"{indent}{f'{n}.' if ordered else '-'} {_rich_text(item, directory)}"
            for n, item in enumerate(items, start=1 + _int(element.get("offset")))
        )
    return ""


def _rich_inline(element: dict[str, Any], directory: Directory) -> str:
    """One inline rich-text element, written the way :func:`resolve_markup` writes its markup."""
    kind = element.get("type")
    if kind == "link":
        url, label = str(element.get("url") or ""), element.get("text")
        return f"{label} ({url})" if isinstance(label, str) and label and label != url else url
    if kind == "user":
        return "@" + directory.user_name(str(element.get("user_id") or ""))
    if kind == "channel":
        channel_id = str(element.get("channel_id") or "")
        return "#" + directory.channel_names.get(channel_id, channel_id)
    if kind == "emoji":
        return _emoji(element)
    if kind == "broadcast":
        return "@" + str(element.get("range") or "here")
    if kind == "usergroup":
        return "@" + str(element.get("usergroup_id") or "")
    if kind == "date":
        return str(element.get("fallback") or element.get("timestamp") or "")
    text = element.get("text")  # "text" and kinds this reader does not know
    return text if isinstance(text, str) else ""


def _emoji(element: dict[str, Any]) -> str:
    """The emoji's character when Slack gives its code points (``1f389``), else ``:name:``."""
    code = element.get("unicode")
    if isinstance(code, str):
        try:
            return "".join(chr(int(point, 16)) for point in code.split("-"))
        except (ValueError, OverflowError):
            pass
    return f":{element.get('name') or 'emoji'}:"


def _legacy_attachments_text(attachments: object, directory: Directory) -> str:
    """Text of old-style message attachments (bots, unfurls): pretext, title, text, fields."""
    lines = []
    for attachment in _dicts(attachments):
        parts = [attachment.get(k) for k in ("pretext", "title", "text")]
        for f in _dicts(attachment.get("fields")):
            parts += [f.get("title"), f.get("value")]
        found = [p for p in parts if isinstance(p, str) and p.strip()]
        fallback = attachment.get("fallback")
        lines += found or ([fallback] if isinstance(fallback, str) and fallback.strip() else [])
    return resolve_markup("\n".join(lines), directory)


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _author(item: dict[str, Any], directory: Directory) -> Address:
    user = item.get("user")
    bot_id = item.get("bot_id")
    is_bot_post = item.get("subtype") == "bot_message" or (bot_id and not user)
    if is_bot_post and isinstance(bot_id, str) and bot_id:
        profile = item.get("bot_profile") or {}
        name = item.get("username") or profile.get("name") or bot_id
        return Address(key=f"slack:{bot_id}", name=str(name))
    comment = item.get("comment")  # old exports' file_comment has its author there
    if not (isinstance(user, str) and user) and isinstance(comment, dict):
        user = comment.get("user")
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
        if not isinstance(f, dict) or f.get("mode") in _GONE_FILE_MODES:
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
