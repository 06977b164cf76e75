"""Parcel tracking numbers: UPS ``1Z`` + 16 characters; FedEx/USPS digits after a shipping word.

A UPS number is distinctive on its own. FedEx numbers (12 or 15 digits, or
4-4-4 groups) and USPS ones (20 or 22 digits) are just long numbers, so they
count only when "FedEx", "tracking", "airbill" or the like comes shortly before.
"""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule


class TrackingNumberRecognizer(RegexRecognizer):
    """UPS by shape; FedEx and USPS by shape plus a shipping word before them."""

    ENTITY = "TRACKING_NUMBER"
    RULES = (
        Rule("UPS", r"\b1Z ?(?:[0-9A-Z] ?){15}[0-9A-Z]\b", 0.9, flags=0),
        Rule(
            "FedEx/USPS with context",
            r"(?<![\w-])(?:\d{12}|\d{15}|\d{20}|\d{22}|\d{4} \d{4} \d{4})(?![\w-])",
            0,
            context=r"\b(?:fed ?ex|federal express|usps|tracking|track|airbill|air bill|waybill)\b",
            context_score=0.9,
            window=50,
        ),
    )
