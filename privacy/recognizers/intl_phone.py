"""International phone numbers: ``+44 20 7946 0958``, ``+1 713 853 6197``, ``011 44 20 7946 0958``.

A leading ``+`` or the US exit code ``011`` then a country code and groups of
digits. Price moves (``+1.25 10.50``) look alike, so a match needs 8 to 15
digits after the prefix (the ITU's E.164 maximum is 15), and ``phonenumbers``
must know the country code and find the length possible in its numbering plan.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

_DIGITS = re.compile(r"\d")


class IntlPhoneRecognizer(RegexRecognizer):
    """``+CC`` or ``011 CC`` followed by digit groups, optional extension."""

    ENTITY = "PHONE_NUMBER"
    MIN_DIGITS = 8
    MAX_DIGITS = 15
    RULES = (
        Rule(
            "E.164-style",
            r"(?<![\w+])(?<!\d\.)(?:\+\s?|\b011[-. ]?)[1-9]\d{0,2}(?:[-. /]?\(?\d{1,5}\)?){2,6}"
            r"(?:,?\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?![\w-]|[.,]\d)",
            0.9,
            context=r"\b(?:phone|ph|tel|telephone|cell|mobile|fax|office|direct|call)\b",
            context_score=0.95,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        number = re.split(r"(?i)\s?,?\s?(?:x|ext)", value, maxsplit=1)[0]
        digits = len(_DIGITS.findall(number)) - (3 if number.startswith("011") else 0)
        return self.MIN_DIGITS <= digits <= self.MAX_DIGITS and possible_number(number)


def possible_number(number: str) -> bool:
    """Whether ``phonenumbers`` (Google's libphonenumber data) knows the country code and the
    length fits its numbering plan. Only numbers the regex let through get here (a few a message)."""
    import phonenumbers

    digits = "".join(_DIGITS.findall(number))
    international = "+" + (digits[3:] if number.lstrip().startswith("011") else digits)
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(international, None))
    except phonenumbers.NumberParseException:
        return False
