"""What the author of a message actually wrote, without the quoted history.

Indexing and NLP use :func:`authored_text`, so a phrase quoted in ten replies
counts once; the stored body keeps everything.
"""

from __future__ import annotations

import re

# A line where quoted or forwarded material starts; everything from it on goes.
_CUT_LINES = [
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Forwarded by\b.*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(?:Forwarded|Begin forwarded) message\s*-*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*Begin forwarded message:\s*$", re.IGNORECASE),
]
_RULE = re.compile(r"^\s*_{10,}\s*$")  # Outlook's rule above a From:/Sent: block
_HEADER_FROM = re.compile(r"^\s*\*?From:\*?\s+\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*\*?(?:Sent|Date|To):\*?\s", re.IGNORECASE)
_ON_WROTE = re.compile(r"^\s*On\b.*\bwrote:\s*$", re.IGNORECASE)
_ON_START = re.compile(r"^\s*On\s+\S.*(?:\d{4}|AM|PM|am|pm).*$")
_WROTE_END = re.compile(r"^.*\bwrote:\s*$", re.IGNORECASE)
# Lotus Notes replies (Enron): "Jeff Dasovich" / "10/23/2001 08:14 AM" / "To: ..." / "cc: ..."
_NOTES_DATE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?\s*$", re.I)
_NOTES_TO = re.compile(r"^\s*To:\s", re.IGNORECASE)
_NOTES_CC = re.compile(r"^\s*cc:", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")
_SIGNATURE = re.compile(r"^--\s?$")


def authored_text(body: str) -> str:
    """The part of ``body`` its author wrote: no quoted replies, forwards or signature.

    Cuts at Outlook ``-----Original Message-----``, ``Forwarded by`` rules,
    ``From:``/``Sent:`` header blocks, Lotus Notes reply headers and
    ``On ... wrote:`` lines; drops ``>``-quoted lines and a trailing ``-- ``
    signature. When nothing is left (a bare forward), returns the whole body,
    stripped: the forwarded text is then the message.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _cut_index(lines)]
    lines = [line for line in lines if not _QUOTED.match(line)]
    for i in range(len(lines) - 1, -1, -1):
        if _SIGNATURE.match(lines[i]):
            lines = lines[:i]
            break
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
    return text or body.strip()


def _cut_index(lines: list[str]) -> int:
    """Index of the first line of quoted material, or ``len(lines)``."""
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _CUT_LINES):
            return i
        if _HEADER_FROM.match(line) and any(_HEADER_NEXT.match(n) for n in lines[i + 1 : i + 4]):
            return i - 1 if i >= 1 and _RULE.match(lines[i - 1]) else i
        if _ON_WROTE.match(line):
            return i
        if _ON_START.match(line) and i + 1 < len(lines) and _WROTE_END.match(lines[i + 1]):
            return i
        if _NOTES_TO.match(line) and any(_NOTES_CC.match(n) for n in lines[i + 1 : i + 4]):
            start = _notes_header_start(lines, i)
            if start is not None:
                return start
    return len(lines)


def _notes_header_start(lines: list[str], to_index: int) -> int | None:
    """Where a Notes reply header ("name" / "date" / "To:") starts, if the lines above are one."""
    above = [j for j in range(to_index - 1, max(-1, to_index - 6), -1) if lines[j].strip()]
    if not above or not _NOTES_DATE.match(lines[above[0]]):
        return None
    date_index = above[0]
    if len(above) > 1 and above[1] >= date_index - 2 and len(lines[above[1]].strip()) < 60:
        return above[1]  # the sender's name, just above the date
    return date_index
