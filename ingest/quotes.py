"""What the author of a message actually wrote, without the quoted history.

Indexing and NLP use :func:`authored_text`, so a phrase quoted in ten replies
counts once; the stored body keeps everything.

Decisions worth knowing:

* Quoted material starts at the first line that opens a reply or forward
  header (Outlook, Lotus Notes, ``On ... wrote:``, ``Begin forwarded
  message:``); everything from there on goes.
* A message that is *only* a forward (nothing written above the forward
  header) is what its author chose to share: the forwarded message's own
  authored text is returned, its header block skipped, up to
  :data:`_MAX_FORWARD_DEPTH` forwards deep. When even that is empty the whole
  body is returned, never ``""`` for a non-empty body.
* Signatures are cut conservatively: after a ``-- `` line; after a sign-off
  and a name (``Thanks,`` / ``Mark``), only when the few lines left are all
  signature-like (title, company, phone, address); and free-mail advertising
  footers. The sign-off and the name stay.
"""

from __future__ import annotations

import re

_MAX_FORWARD_DEPTH = 5
_HEADER_SEARCH_LINES = 100  # a forwarded header block (long To: lists included) ends within this

# A line where quoted or forwarded material starts; everything from it on goes.
_CUT_LINES = [
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Forwarded by\b.*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(?:Forwarded|Begin forwarded) message\s*-*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*Begin forwarded message:\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{3,}\s*Reply Separator\s*_{3,}\s*$", re.IGNORECASE),  # cc:Mail
]
_RULE = re.compile(r"^\s*[_-]{10,}\s*$")  # a rule above a From:/Sent: block or a footer
_HEADER_FROM = re.compile(r"^\s*\*?From:\*?\s+\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*\*?(?:Sent|Date|To|Sent by|cc|Subject):\*?\s", re.IGNORECASE)
_ON_WROTE = re.compile(r"^\s*On\b.*\bwrote:\s*$", re.IGNORECASE)
_ON_START = re.compile(r"^\s*On\s+\S.*(?:\d{4}|AM|PM|am|pm).*$")
_WROTE_END = re.compile(r"^.*\bwrote:\s*$", re.IGNORECASE)
# "At 10:33 AM 12/5/2001 -0600, you wrote:", "Kevin.M.Presto@enron.com wrote:"
_ATTRIBUTION = re.compile(r"^\s*\S.{0,200}\b(?:wrote|writes):\s*$", re.IGNORECASE)
_ATTRIBUTION_HINT = re.compile(r"@|\d")
# Lotus Notes replies (Enron): "Jeff Dasovich" / "10/23/2001 08:14 AM" / "To: ..." / "cc: ..."
_NOTES_DATE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?\s*$", re.I)
_NOTES_TO = re.compile(r"^\s*To:\s", re.IGNORECASE)
_NOTES_CC = re.compile(r"^\s*cc:", re.IGNORECASE)
# Lotus Notes: '"Allen, Phillip" <pallen@enron.com> on 05/01/2001 10:15 AM',
# "From: Kim Ward on 04/30/2001 05:34 PM"
_NOTES_ON = re.compile(
    r"^\s*(?:From:\s*)?\S.{0,150}\son\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?\b",
    re.IGNORECASE,
)
_NOTES_NEXT = re.compile(r"^\s*(?:To|cc|Subject|Sent by|Please respond to)\b:?", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*Subject:", re.IGNORECASE)
_AFTER_SUBJECT = re.compile(r"^\s*(?:Importance|Sensitivity|Priority|Attachments):", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")
_SIGNATURE = re.compile(r"^--\s?$")

# Sign-off, then a name line, then at most a few signature lines.
_SIGN_OFF = re.compile(
    r"^\s*(?:thanks|thank you|thx|tx|regards|best regards|kind regards|best|cheers|sincerely|"
    r"many thanks|rgds|take care|talk to you soon)\b[\s,.!-]*$",
    re.IGNORECASE,
)
_NAME_LINE = re.compile(r"^\s*-?\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*$")
_PHONE = re.compile(r"(?:\+?\d[\d\s().-]{6,}\d|\b[xX]?\d-\d{4}\b|\b(?:ext|x)\.?\s*\d{3,5}\b)")
_CONTACT = re.compile(r"@|https?://|www\.|\b(?:tel|fax|phone|mob|mobile|cell|office|pager)\b", re.IGNORECASE)
_TITLE_LINE = re.compile(
    r"^\s*[A-Z][\w&.,'/-]*(?:\s+(?:[A-Z&][\w&.,'/-]*|of|and|for|the|de|\d+\w*)){0,7}\s*$"
)
_MAX_SIGNATURE_LINES = 5
_AD_FOOTER = re.compile(
    r"Get Your Private, Free E-?mail|Do You Yahoo!\?|Get your FREE download of MSN Explorer|"
    r"Join the world.s largest e-mail service with MSN Hotmail",
    re.IGNORECASE,
)


def authored_text(body: str) -> str:
    """The part of ``body`` its author wrote: no quoted replies, forwards or signature.

    Cuts at Outlook ``-----Original Message-----`` and ``From:``/``Sent:``
    header blocks, Lotus Notes ``Forwarded by`` rules and reply headers,
    ``On ... wrote:`` and similar attribution lines; drops ``>``-quoted lines
    and signatures. A bare forward gives the forwarded text (see the module doc).
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for _ in range(_MAX_FORWARD_DEPTH):
        cut = _cut_index(lines)
        own = _own_text(lines[:cut])
        if own or cut >= len(lines):
            return own or body.strip()
        lines = lines[_header_end(lines, cut) :]
    return body.strip()


def _own_text(lines: list[str]) -> str:
    """Lines above the quoted material, without ``>`` quotes and signatures."""
    lines = [line.rstrip() for line in lines if not _QUOTED.match(line)]
    for i in range(len(lines) - 1, -1, -1):
        if _SIGNATURE.match(lines[i]):
            lines = lines[:i]
            break
    lines = lines[: _footer_start(lines)]
    lines = lines[: _signature_block_start(lines)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _cut_index(lines: list[str]) -> int:
    """Index of the first line of quoted material, or ``len(lines)``."""
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _CUT_LINES):
            return i
        if _HEADER_FROM.match(line) and any(_HEADER_NEXT.match(n) for n in lines[i + 1 : i + 6]):
            return i - 1 if i >= 1 and _RULE.match(lines[i - 1]) else i
        if _ON_WROTE.match(line) or _is_attribution(line):
            return i
        if _ON_START.match(line) and i + 1 < len(lines) and _WROTE_END.match(lines[i + 1]):
            return i
        if _NOTES_ON.match(line) and any(_NOTES_NEXT.match(n) for n in lines[i + 1 : i + 8]):
            return i
        if _NOTES_TO.match(line) and any(_NOTES_CC.match(n) for n in lines[i + 1 : i + 4]):
            start = _notes_header_start(lines, i)
            if start is not None:
                return start
    return len(lines)


def _is_attribution(line: str) -> bool:
    return bool(_ATTRIBUTION.match(line)) and bool(_ATTRIBUTION_HINT.search(line))


def _notes_header_start(lines: list[str], to_index: int) -> int | None:
    """Where a Notes reply header ("name" / "date" / "To:") starts, if the lines above are one."""
    above = [j for j in range(to_index - 1, max(-1, to_index - 6), -1) if lines[j].strip()]
    if not above or not _NOTES_DATE.match(lines[above[0]]):
        return None
    date_index = above[0]
    if len(above) > 1 and above[1] >= date_index - 2 and len(lines[above[1]].strip()) < 60:
        return above[1]  # the sender's name, just above the date
    return date_index


def _header_end(lines: list[str], start: int) -> int:
    """Index just past the header block of quoted material that starts at ``start``.

    The block ends after its ``Subject:`` line; without one (``Begin forwarded
    message:`` followed by text), at the first blank line after the cut line.
    """
    for i in range(start, min(len(lines), start + _HEADER_SEARCH_LINES)):
        if _SUBJECT.match(lines[i]):
            i += 1
            while i < len(lines) and _AFTER_SUBJECT.match(lines[i]):
                i += 1
            return i
    i = start + 1
    while i < len(lines) and lines[i].strip():
        i += 1
    return i


def _footer_start(lines: list[str]) -> int:
    """Where a free-mail advertising footer (a rule, then an ad line) starts, or ``len(lines)``."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    for i in content[-4:]:
        if _AD_FOOTER.search(lines[i]):
            rule = [j for j in content if i - 3 <= j < i and _RULE.match(lines[j])]
            return rule[0] if rule else i
    return len(lines)


def _signature_block_start(lines: list[str]) -> int:
    """Where the signature lines under a sign-off and a name start, or ``len(lines)``.

    ``Thanks,`` / ``Mark`` / ``Vice President`` / ``713-853-1234``: cut after
    ``Mark``, only when every line after the name looks like a signature line
    and there are at most :data:`_MAX_SIGNATURE_LINES` of them.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    tail = content[-(_MAX_SIGNATURE_LINES + 2) :]
    for pos, index in enumerate(tail[:-2]):
        if not _SIGN_OFF.match(lines[index]) or not _NAME_LINE.match(lines[tail[pos + 1]]):
            continue
        rest = [lines[j] for j in tail[pos + 2 :]]
        if content[0] < index and all(_is_signature_line(line) for line in rest):
            return tail[pos + 1] + 1
    return len(lines)


def _is_signature_line(line: str) -> bool:
    text = line.strip()
    if len(text) > 60:
        return False
    return bool(_PHONE.search(text) or _CONTACT.search(text) or _TITLE_LINE.match(text))
