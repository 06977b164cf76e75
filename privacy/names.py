"""Find the names of known outsiders in text, whatever the NER model thinks.

spaCy's small English model misses many names ("Name: Maria Gonzalez", a
signature line). When the sender or a recipient of a message is an outsider
(not a member of the organisation), we already know their name from the
headers, so every occurrence of it in any message is a PERSON span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backchannel.records import PiiSpan
from privacy.scrub import name_key, name_variants

#: Above the default ``pii_min_score``: a name we know is certain, not guessed.
KNOWN_NAME_SCORE = 0.85
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


class KnownNames:
    """A matcher for multi-word names (one-word names are too often ordinary words)."""

    def __init__(self, names: Iterable[str]) -> None:
        self._keys = {k for k in name_variants(names) if len(k.split()) >= 2}
        self._longest = max((len(k.split()) for k in self._keys), default=0)

    def __len__(self) -> int:
        return len(self._keys)

    def spans(self, text: str) -> list[PiiSpan]:
        """PERSON spans of every known name in ``text``, longest match first, no overlaps."""
        if not self._keys:
            return []
        words = [(m.start(), m.end(), name_key(m.group())) for m in _WORD.finditer(text)]
        found: list[PiiSpan] = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 1, -1):
                key = " ".join(w[2] for w in words[i : i + n])
                if key in self._keys:
                    found.append(PiiSpan(words[i][0], words[i + n - 1][1], "PERSON", KNOWN_NAME_SCORE))
                    i += n
                    break
            else:
                i += 1
        return found
