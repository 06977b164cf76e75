"""The pure Slack message converter and markup resolution."""

from __future__ import annotations

import pytest

from backchannel.records import Visibility
from ingest.email_parse import MalformedItem
from ingest.slack_parse import Conversation, Directory, is_message, parse_slack_message, resolve_markup

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
        ({"subtype": "file_share"}, True),
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
