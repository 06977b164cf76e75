"""The admin's keep-list: terms never redacted ("Zebrafinch", "Project Bluebird", a public hotline).

A detected span is kept when it lies inside an occurrence of a keep-list term
(whole words, any case): keeping "Project Bluebird" keeps a PERSON guess on
"Bluebird" there. The list is the ``pii_keep_terms`` setting plus the terms
admins add on the admin page (stored, audited). It applies to what is built
after it changes; messages already built keep their stored text until rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backchannel.records import PiiSpan


class KeepTerms:
    """A matcher for keep-list terms."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = sorted({" ".join(t.split()) for t in terms if t.strip()}, key=str.casefold)
        words = sorted((re.escape(t).replace(r"\ ", r"\s+") for t in self.terms), key=len, reverse=True)
        self._regex = re.compile(rf"(?<!\w)(?:{'|'.join(words)})(?!\w)", re.IGNORECASE) if words else None

    def __bool__(self) -> bool:
        return self._regex is not None

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """Where keep-list terms occur in ``text``."""
        return [m.span() for m in self._regex.finditer(text)] if self._regex is not None else []

    def covers(self, span: PiiSpan, occurrences: list[tuple[int, int]]) -> bool:
        return any(start <= span.start and span.end <= end for start, end in occurrences)


def parse_terms(value: str) -> list[str]:
    """The ``pii_keep_terms`` setting: comma-separated terms."""
    return [t.strip() for t in value.split(",") if t.strip()]
