"""Message rendering and date filters (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backchannel.records import Mention
from web.filters import filesize, human_date, human_datetime, relative_date, wikipedia_url
from web.render import excerpt, linked_text, quote_offset, render_body


def _link(m: Mention) -> str | None:
    return f"/topic/{m.entity}" if m.entity else None


def test_web_render_mentions_linked_and_text_escaped() -> None:
    body = "<b>Enron</b> & Lay"
    out = linked_text(body, [Mention(3, 8, "Enron", "Enron", 1.0)], 0, len(body), _link)
    assert (
        str(out)
        == '&lt;b&gt;<a class="mention" href="/topic/Enron" title="Enron">Enron</a>&lt;/b&gt; &amp; Lay'
    )


def test_web_render_unlinked_and_overlapping_mentions_left_as_text() -> None:
    body = "Kenneth Lay and NIL"
    mentions = [
        Mention(0, 11, "Kenneth Lay", "Kenneth Lay", 1),
        Mention(8, 11, "Lay", "Lay", 1),
        Mention(16, 19, "NIL", None, 0),
    ]
    out = str(linked_text(body, mentions, 0, len(body), _link))
    assert out.count("<a ") == 1 and out.endswith(" and NIL")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Hi\n\n-----Original Message-----\nFrom: x", 4),
        ("Sure.\n> earlier text", 6),
        ("Yes\nOn Mon, Oct 1, 2001 Bob wrote:\n> hi", 4),
        ("> quote only at top", None),
        ("No quote at all", None),
        ("Hi\n  ---------------------- Forwarded by Bob/HOU/ECT on 10/24/2001", 3),
    ],
)
def test_web_render_quote_offset(body: str, expected: int | None) -> None:
    assert quote_offset(body) == expected


def test_web_render_body_splits_quote() -> None:
    rendered = render_body("Mine\n\n> theirs", [], _link)
    assert str(rendered.authored) == "Mine"
    assert rendered.quoted is not None and "&gt; theirs" in str(rendered.quoted)


def test_web_render_excerpt_marks_entity() -> None:
    body = "x " * 300 + "Enron rocks"
    out = str(excerpt(body, [Mention(600, 605, "Enron", "Enron", 1)], "Enron"))
    assert "<mark>Enron</mark>" in out and out.startswith("…")


def test_web_render_dates() -> None:
    ts = datetime(2001, 10, 24, 14, 3, tzinfo=UTC)
    assert human_date(ts) == "Oct 24, 2001"
    assert human_datetime(ts) == "Oct 24, 2001, 14:03 UTC"
    assert relative_date(ts, now=ts + timedelta(hours=3)) == "3 hours ago"
    assert relative_date(ts, now=ts + timedelta(days=1, hours=1)) == "yesterday"
    assert relative_date(ts, now=ts + timedelta(days=40)) == "Oct 24, 2001"


def test_web_render_filesize_and_wikipedia_url() -> None:
    assert filesize(512) == "512 bytes"
    assert filesize(2048) == "2.0 KB"
    assert wikipedia_url("Kenneth Lay") == "https://en.wikipedia.org/wiki/Kenneth_Lay"
    assert wikipedia_url("AT&T") == "https://en.wikipedia.org/wiki/AT%26T"


def test_scrubbed_values_show_as_chips_and_the_rest_stays_escaped() -> None:
    body = "Ask <PERSON_17> at <PHONE_NUMBER> <script>x</script> <b_2>"
    html = str(render_body(body, [], lambda m: None).authored)
    chip = '<span class="scrubbed" title="person: the same value everywhere it appears">person 17</span>'
    assert chip in html
    assert '<span class="scrubbed" title="phone number: removed">phone number</span>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "&lt;b_2&gt;" in html
