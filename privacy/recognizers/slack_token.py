"""Slack API tokens (xoxb-, xoxp-, xoxa-, ...): a leaked one is a live credential."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class SlackTokenRecognizer(PatternRecognizer):
    """``xox[abposr]-`` followed by dash-separated alphanumeric groups."""

    PATTERNS = [
        Pattern("Slack token", r"\bxox[abposr]-[0-9A-Za-z]{1,}(?:-[0-9A-Za-z]{1,})+\b", 0.95),
    ]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CREDENTIAL",
            patterns=self.PATTERNS,
            supported_language="en",
            name="SlackTokenRecognizer",
        )
