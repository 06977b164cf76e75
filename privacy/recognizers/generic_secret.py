"""Secrets after a generic label: ``api_key=...``, ``token: ...``, ``secret=...``, ``Bearer ...``.

The labels are common words ("secret Santa", "token of thanks"), so the value
must look random: 16 characters or more, letters and digits, and a Shannon
entropy of at least 3 bits per character (placeholders such as
``YOUR_API_KEY_HERE`` and words fail).
"""

from __future__ import annotations

import math
from collections import Counter

from privacy.recognizers.base import RegexRecognizer, Rule


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``'s own character distribution."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


class GenericSecretRecognizer(RegexRecognizer):
    """A labelled high-entropy value."""

    ENTITY = "CREDENTIAL"
    MIN_ENTROPY = 3.0
    RULES = (
        Rule(
            "labelled secret",
            r"\b(?:api[_-]?key|api[_-]?secret|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret"
            r"|secret(?:[_-]?key)?|token|bearer|private[_-]?key"
            r"|(?:vpn|ssh|wifi|wpa|license|encryption)[_ -]?key|[a-z0-9_]*_(?:key|key_id|token|secret))"
            r"[\"']?(?:\s?[:=]\s?|\s(?:is\s)?)[\"']?"
            r"(?P<value>[A-Za-z0-9_+/~.=-]{15,511}[A-Za-z0-9_+/~=-])",
            0.8,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        return (
            any(c.isdigit() for c in value)
            and any(c.isalpha() for c in value)
            and shannon_entropy(value) >= self.MIN_ENTROPY
        )
