"""AWS access key ids (AKIA/ASIA + 16 upper-case letters or digits)."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class AwsKeyRecognizer(PatternRecognizer):
    """An access key id is distinctive enough to score high without context."""

    PATTERNS = [
        Pattern("AWS access key id", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b", 0.9),
    ]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CREDENTIAL",
            patterns=self.PATTERNS,
            supported_language="en",
            name="AwsKeyRecognizer",
            global_regex_flags=0,  # case matters: AKIA..., not akia...
        )
