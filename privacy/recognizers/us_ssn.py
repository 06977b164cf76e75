"""US social security numbers after their label, whatever the separators.

Presidio's UsSsnRecognizer scores an unseparated "041507344" near zero even
after "SSN" (its context boost only lifts it to 0.4, where a bank or licence
number guess of the same score wins the overlap), so a payroll mail's
"social security number (369792923)" was stored as a bank number or not at all.
After a label, a number in the SSA's valid ranges (area 001-899 but not 666,
group 01-99, serial 0001-9999) is an SSN.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

_DIGITS = re.compile(r"\D")


def valid_ssn(value: str) -> bool:
    digits = _DIGITS.sub("", value)
    if len(digits) != 9:
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


class UsSsnContextRecognizer(RegexRecognizer):
    """9 digits, separated or not, within a few words after "SSN" / "social security"."""

    ENTITY = "US_SSN"
    RULES = (
        Rule(
            "labelled SSN",
            r"\b(?:SSN|SS\s?#|SS\s?No\.?|soc(?:ial)?\.?\s?sec(?:urity)?\.?(?:\s?(?:number|no\.?|#))?)s?"
            r"[^\d\n]{0,25}?(?<!\d)(?P<value>\d{3}[- ]?\d{2}[- ]?\d{4})(?![\d-])",
            0.95,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        return valid_ssn(value)
