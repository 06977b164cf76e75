"""The pure Slack message converter and markup resolution."""

from __future__ import annotations

import pytest

from backchannel.records import RawMessage, Visibility
from ingest.email_parse import MalformedItem
from ingest.slack_parse import (
    Conversation,
    Directory,
    SlackLink,
    blocks_text,
    is_message,
    parse_slack_message,
    resolve_markup,
    slack_links,
)

DIRECTORY = Directory(
    users={
        "U1": {"id": "U1", "name": "ann", "real_name": "Ann Lee", "profile": {"real_name": "Ann Lee"}},
        "U2": {"id": "U2", "name": "bo", "profile": {"display_name": "Bo"}},
    },
    channel_names={"C1": "general"},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi <@U1>", "hi @Ann Lee"),
        ("hi <@U1|ann>", "hi @Ann Lee"),
        ("hi <@U2>", "hi @Bo"),
        ("hi <@U9|zed>", "hi @zed"),
        ("hi <@U9>", "hi @U9"),
        ("see <#C1|general>", "see #general"),
        ("see <#C1>", "see #general"),
        ("see <#C7|random>", "see #random"),
        ("<https://x.io/a?b=1&amp;c=2|the doc>", "the doc (https://x.io/a?b=1&c=2)"),
        ("<https://x.io>", "https://x.io"),
        ("<https://x.io|https://x.io>", "https://x.io"),
        ("<mailto:ann@x.io|ann@x.io>", "ann@x.io"),
        ("<mailto:ann@x.io>", "ann@x.io"),
        ("<mailto:ann@x.io|Ann>", "Ann (ann@x.io)"),
        ("<!here> deploy", "@here deploy"),
        ("<!subteam^S1|@backend> ping", "@backend ping"),
        ("<!date^1772460120^{date}|Mar 2, 2026>", "Mar 2, 2026"),
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
        ("&lt;@U1&gt; is literal", "<@U1> is literal"),
        ("no markup", "no markup"),
    ],
)
def test_slack_parse_resolve_markup(text: str, expected: str) -> None:
    assert resolve_markup(text, DIRECTORY) == expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"subtype": "channel_join"}, False),
        ({"subtype": "group_topic"}, False),
        ({"subtype": "channel_purpose"}, False),
        ({"subtype": "pinned_item"}, False),
        ({"subtype": "bot_add"}, False),
        ({"subtype": "channel_convert_to_private"}, False),
        ({"subtype": "message_deleted"}, False),
        ({"subtype": "file_share"}, True),
        ({"subtype": "me_message"}, True),
        ({"subtype": "bot_message"}, True),
        ({"subtype": "thread_broadcast"}, True),
        ({}, True),
        ("broken", True),  # listed, so that reading it reports the problem
    ],
)
def test_slack_parse_is_message(item: object, expected: bool) -> None:
    assert is_message(item) is expected


def test_slack_parse_single_file_and_bot_profile() -> None:
    conversation = Conversation(id="C1", name="general")
    item = {
        "ts": "1772460120.000100",
        "bot_id": "B9",
        "bot_profile": {"name": "CI"},
        "text": "done",
        "file": {"id": "F1", "title": "log.txt", "mimetype": "text/plain", "size": "12"},
    }
    msg = parse_slack_message(item, conversation=conversation, directory=DIRECTORY, locator="l", source="s")
    assert msg.author.key == "slack:B9" and msg.author.name == "CI"
    assert [(a.name, a.mime_type, a.size) for a in msg.attachments] == [("log.txt", "text/plain", None)]
    assert msg.visibility is Visibility.PUBLIC


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"user": "U1", "ts": ""}, "missing-ts: message has no ts"),
        ({"user": "U1", "ts": "yesterday"}, "bad-ts: 'yesterday' is not a Slack timestamp"),
        ({"ts": "1.0"}, "malformed-item: message has neither user nor bot_id"),
        ([1, 2], "malformed-item: expected a JSON object, got list"),
    ],
)
def test_slack_parse_bad_items(item: object, reason: str) -> None:
    with pytest.raises(MalformedItem) as err:
        parse_slack_message(
            item, conversation=Conversation("C1", "general"), directory=DIRECTORY, locator="l", source="s"
        )
    assert err.value.reason == reason


def parse(item: dict[str, object], conversation: Conversation | None = None) -> RawMessage:
    return parse_slack_message(
        {"ts": "1772460120.000100", **item},
        conversation=conversation or Conversation("C1", "general"),
        directory=DIRECTORY,
        locator="l",
        source="s",
    )


def test_slack_parse_links() -> None:
    text = (
        "<@U1> <@U9|zed> in <#C1|general> <#C7> see <https://x.io/a?b=1&amp;c=2|the &lt;doc&gt;> "
        "<https://y.io> <mailto:ann@x.io|Ann> <!here> <!subteam^S1|@backend> plain &lt;text&gt;"
    )
    assert slack_links(text) == [
        SlackLink("user", "U1"),
        SlackLink("user", "U9", "zed"),
        SlackLink("channel", "C1", "general"),
        SlackLink("channel", "C7"),
        SlackLink("url", "https://x.io/a?b=1&c=2", "the <doc>"),
        SlackLink("url", "https://y.io"),
        SlackLink("mailto", "ann@x.io", "Ann"),
        SlackLink("special", "here"),
        SlackLink("special", "subteam^S1", "@backend"),
    ]
    assert slack_links("no markup &amp; no links") == []


RICH_TEXT = [
    {
        "type": "rich_text",
        "block_id": "b1",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hi "},
                    {"type": "user", "user_id": "U1"},
                    {"type": "text", "text": " and "},
                    {"type": "broadcast", "range": "here"},
                    {"type": "text", "text": ", see "},
                    {"type": "channel", "channel_id": "C1"},
                    {"type": "text", "text": " and "},
                    {"type": "link", "url": "https://x.io", "text": "the doc"},
                    {"type": "text", "text": " "},
                    {"type": "emoji", "name": "tada", "unicode": "1f389"},
                    {"type": "emoji", "name": "partyparrot"},
                    {"type": "text", "text": "\n"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "indent": 1,
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "sub"}]}],
            },
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quoted\nlines"}]},
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "x = 1"}]},
        ],
    },
    {"type": "divider"},
    {"type": "section", "text": {"type": "mrkdwn", "text": "Ping <@U2>"}},
]


def test_slack_parse_rich_text_blocks() -> None:
    assert blocks_text(RICH_TEXT, DIRECTORY) == (
        "Hi @Ann Lee and @here, see #general and the doc (https://x.io) \U0001f389:partyparrot:\n"
        "\n- one\n- two\n  1. sub\n> quoted\n> lines\nx = 1\nPing @Bo"
    )


def test_slack_parse_text_comes_from_blocks_only_when_text_is_empty() -> None:
    assert parse({"user": "U1", "text": "", "blocks": RICH_TEXT}).body.startswith("Hi @Ann Lee and @here")
    assert parse({"user": "U1", "blocks": RICH_TEXT}).body.startswith("Hi @Ann Lee")
    assert parse({"user": "U1", "text": "short <@U2>", "blocks": RICH_TEXT}).body == "short @Bo"


def test_slack_parse_bot_message_with_legacy_attachments() -> None:
    item = {
        "subtype": "bot_message",
        "bot_id": "B1",
        "username": "ci",
        "text": "",
        "attachments": [
            {"fallback": "Build 12 failed", "title": "Build 12", "text": "failed on <@U1>'s commit"},
            {"fallback": "only a fallback"},
            {"fields": [{"title": "Branch", "value": "main"}]},
        ],
    }
    msg = parse(item)
    assert msg.author.key == "slack:B1" and msg.author.name == "ci"
    assert msg.body == "Build 12\nfailed on @Ann Lee's commit\nonly a fallback\nBranch\nmain"


def test_slack_parse_subtypes_old_and_new() -> None:
    me = parse({"subtype": "me_message", "user": "U2", "text": "waves"})
    assert (me.author.name, me.body) == ("Bo", "waves")
    broadcast = parse(
        {"subtype": "thread_broadcast", "user": "U1", "text": "also here", "thread_ts": "1772460000.000100"}
    )
    assert broadcast.thread_key == "C1:1772460000.000100"
    old_parent = parse(
        {"user": "U1", "text": "q?", "reply_count": 1, "replies": [{"user": "U2", "ts": "2.0"}]}
    )
    assert old_parent.thread_key == "C1:1772460120.000100"
    comment = parse(
        {
            "subtype": "file_comment",
            "text": "<@U2|bo> commented on a file: nice",
            "comment": {"user": "U2", "comment": "nice"},
        }
    )
    assert comment.author.name == "Bo" and comment.body == "@Bo commented on a file: nice"


def test_slack_parse_files_metadata_only_and_edited() -> None:
    msg = parse(
        {
            "subtype": "file_share",
            "user": "U1",
            "text": "",
            "edited": {"user": "U1", "ts": "1772460200.000100"},
            "files": [
                {
                    "id": "F1",
                    "name": "a.png",
                    "mimetype": "image/png",
                    "size": 10,
                    "url_private": "https://f",
                },
                {"id": "F2", "mode": "tombstone"},
                {"id": "F3", "mode": "hidden_by_limit"},
            ],
        }
    )
    assert [(a.name, a.mime_type, a.size) for a in msg.attachments] == [("a.png", "image/png", 10)]
    assert msg.edited is True and msg.body == ""


def test_slack_parse_restricted_conversation_access() -> None:
    group = Conversation("G1", "dm:ann,bo", Visibility.RESTRICTED, members=("U1", "U2"), is_dm=True)
    msg = parse({"user": "U1", "text": "hi"}, group)
    assert msg.access == ["slack:U1", "slack:U2"]
    assert [r.key for r in msg.recipients] == ["slack:U2"]
    outsider = parse({"user": "U3", "text": "hi"}, group)
    assert outsider.access == ["slack:U1", "slack:U2", "slack:U3"]
