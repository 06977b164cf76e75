"""Message bodies as HTML: entity mentions become topic links, quoted history is split off.

Pure functions (no Flask): every text piece is escaped here, so the result
is safe to mark up as-is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from backchannel.records import Mention

#: Where quoted history begins: a line starting with ">", an Outlook
#: "-----Original Message-----" or a Lotus Notes "----- Forwarded by" line,
#: or an "On <date>, <name> wrote:" line.
_QUOTE_START = re.compile(
    r"^(?:>|[ \t]*-{3,}[ \t]*Original Message[ \t]*-{3,}|[ \t]*-{3,}[ \t]*Forwarded by"
    r"|On .{4,200} wrote:[ \t]*$)",
    re.MULTILINE | re.IGNORECASE,
)


#: What the privacy stage left in place of personal data, once escaped: <PHONE_NUMBER>, <PERSON_17>.
_SCRUBBED = re.compile(r"&lt;([A-Z][A-Z_]*?)(?:_(\d+))?&gt;")


def _shown(text: str) -> str:
    """Escaped text with each scrubbed value shown as a labelled chip, not as raw angle brackets."""

    def chip(m: re.Match[str]) -> str:
        kind, number = m.group(1), m.group(2)
        label = kind.replace("_", " ").lower() + (f" {number}" if number else "")
        why = "the same value everywhere it appears" if number else "removed"
        return f'<span class="scrubbed" title="{kind.replace("_", " ").lower()}: {why}">{label}</span>'

    return _SCRUBBED.sub(chip, str(escape(text)))


def quote_offset(body: str) -> int | None:
    """Character offset where quoted history starts, or None.

    A quote at the very top (nothing authored before it) is not collapsed:
    hiding the whole message would be worse than showing the quote.
    """
    m = _QUOTE_START.search(body)
    if m is None or not body[: m.start()].strip():
        return None
    return m.start()


def linked_text(
    body: str,
    mentions: Iterable[Mention],
    start: int,
    end: int,
    link_for: Callable[[Mention], str | None],
) -> Markup:
    """``body[start:end]`` escaped, with each linkable mention wrapped in a link.

    ``link_for`` returns the mention's URL, or None to leave it as text.
    Mentions that overlap an earlier one or fall outside the range are skipped.
    """
    out: list[str] = []
    pos = start
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < pos or m.end > end or m.start >= m.end:
            continue
        url = link_for(m)
        if url is None:
            continue
        out.append(_shown(body[pos : m.start]))
        out.append(
            f'<a class="mention" href="{escape(url)}" title="{escape(m.entity or "")}">'
            f"{escape(body[m.start : m.end])}</a>"
        )
        pos = m.end
    out.append(_shown(body[pos:end]))
    return Markup("".join(out))


@dataclass(frozen=True)
class RenderedBody:
    authored: Markup
    quoted: Markup | None  # history to collapse, if any


def render_body(
    body: str, mentions: Iterable[Mention], link_for: Callable[[Mention], str | None]
) -> RenderedBody:
    """A message body split into what the author wrote and the quoted history."""
    mentions = list(mentions)
    cut = quote_offset(body)
    if cut is None:
        return RenderedBody(linked_text(body, mentions, 0, len(body), link_for), None)
    return RenderedBody(
        linked_text(body, mentions, 0, cut, link_for).rstrip(),
        linked_text(body, mentions, cut, len(body), link_for),
    )


def excerpt(
    body: str, mentions: Iterable[Mention] = (), entity: str | None = None, width: int = 280
) -> Markup:
    """A short escaped piece of ``body``: around the first mention of ``entity``
    (marked), or the start of what the author wrote."""
    cut = quote_offset(body)
    text_end = cut if cut is not None else len(body)
    target = next(
        (m for m in mentions if entity is not None and m.entity == entity and m.end <= len(body)), None
    )
    if target is None:
        piece = " ".join(body[:text_end].split())
        return Markup(_shown(piece[:width] + ("…" if len(piece) > width else "")))
    start = max(0, target.start - width // 3)
    # Stay inside what the author wrote when the mention is there: no quoted history.
    limit = text_end if target.end <= text_end else len(body)
    end = min(limit, target.end + width)
    before = " ".join(body[start : target.start].split())
    after = " ".join(body[target.end : end].split())
    lead = "…" if start > 0 else ""
    tail = "…" if body[end:limit].strip() else ""
    return Markup(
        f"{escape(lead)}{_shown(before)} <mark>{escape(body[target.start : target.end])}</mark> "
        f"{_shown(after)}{escape(tail)}"
    )
