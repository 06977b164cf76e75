"""North American phone numbers as Enron-era mail writes them.

Presidio's PhoneRecognizer finds ``(713) 853-6197``, ``713.853.6197`` and
``713-853-6197 x123`` but scores them 0.4 without a context word, which is
exactly the default ``pii_min_score``: one rounding away from leaking a
signature block. This pattern scores the separated NANP forms above it.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class UsPhoneRecognizer(PatternRecognizer):
    """(NXX) NXX-XXXX, NXX-NXX-XXXX, NXX.NXX.XXXX, NXX/NXX-XXXX, optional extension."""

    PATTERNS = [
        Pattern(
            "NANP phone (separated)",
            r"(?<![\w-])(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[-./ ])[2-9]\d{2}[-. ]\d{4}\b"
            r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,5}\b)?",
            0.6,
        ),
    ]
    CONTEXT = ["phone", "tel", "cell", "mobile", "fax", "call", "office", "pager", "direct"]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language="en",
            name="UsPhoneRecognizer",
        )
