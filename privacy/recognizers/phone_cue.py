"""Phone numbers in any country's national format, when the text says it is a phone number.

Outside North America there is no one shape: ``020 7946 0958``, ``06-24312407``,
``(11) 4706-6184``, ``0487 23 46 71``, ``02.27.96.63.08``, ``33 93 31``. Written
alone, most of these could be a table row, a part number or a date, so a match
counts only beside a cue: a phone word, "call", "reach", "dial" or "answering"
just before it (nothing but words between, no other number), or a line label
right after it (``-Office``, ``(fax)``, `` mobile``). Numbers with a ``+``/``00``
prefix and NANP numbers are :mod:`intl_phone`'s and :mod:`us_phone`'s, which need
no cue.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

# Digit groups with one separator between them, an optional area code in brackets,
# an optional extension; never inside a longer token, a decimal or a range.
_NUMBER = (
    r"(?=[\d(+])(?:(?<![\w+$€£.,/:-])(?:\+\s?|00\s?)?(?:\(\d{1,5}\)[ .]?)?|(?<![\w+$€£])\(\d{1,5}\)[ .]?)"
    r"\d{1,13}(?:(?:[ ]?[-./][ ]?|[ ])\d{1,8}){0,5}"
    r"(?:,?[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6})?"
)
_END = r"(?![\w]|[.,:/-]\d|[ ]\d)"
#: Words that make the next number a phone number. Nothing but words may stand
#: between the cue and the number ("call me at", "Phone:", "reach Anna on").
_CUE = (
    r"\b(?:phone|ph|tel|tél|telephone|téléphone|telefon|tlf|mobile|mob|cell|cellular|handy|fax|pager"
    r"|beeper|direct|hotline|whats\s?app|sms|call|calling|dial|voicemail"
    r"|(?:reach|contact|text|ring|answering|answer)(?:\s[\w.]+){0,2}\s(?:at|on)"
    r"|(?:me|him|her|us|them)\s(?:at|on)"
    r"|contact\s(?:number|no\.?|\#|details|info)|(?:whats|what's|what\sis)\s(?:your|his|her)\snumber"
    r"|(?:my|his|her|their|your|our|phone|cell|mobile|home|work|office|fax|contact)\s(?:new\s)?(?:number|no\.?|\#))"
    r"\b[^\d\n]{0,30}$"
)
#: A label right after the number, as signature and contact lines write them.
_LABEL_AFTER = (
    r"(?=[ ]?(?:-|\(|/|,)?[ ]?(?i:office|fax|mobile|cell|home|work|direct|pager|tel|phone|main|desk)\b)"
)
_DIGIT = re.compile(r"\d")
_DECIMAL = re.compile(r"\d+\.\d+")  # "14236.94": an index value in a table
_YEARS = re.compile(r"(?:(?:19|20)\d{2}[ ./-]?)+")
_EXTENSION_SHAPE = re.compile(r"\d-\d{4}")  # Enron's five-digit internal numbers: "call Greg (5-8741)"
_DECIMAL_AND_SPACE = re.compile(r"\d\.\d+ \d|\d \d+\.\d")  # "2.45 3.50": prices in a row, not a phone
_EXTENSION = re.compile(r"(?i),?\s?(?:x|ext\.?|extension)\s?\d+$")
_DATE = re.compile(
    r"(?:\d{1,2}[-./]\d{1,2}[-./](?:\d{2}|\d{4})|(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}"
    r"|(?:19|20)\d{2}[- ](?:19|20)\d{2})"
)


class CuedPhoneRecognizer(RegexRecognizer):
    """6 to 15 digits in groups, after a phone cue or before a phone label (type PHONE_NUMBER)."""

    ENTITY = "PHONE_NUMBER"
    MIN_DIGITS = 6
    MAX_DIGITS = 15
    RULES = (
        Rule("after a phone cue", _NUMBER + _END, 0, context=_CUE, context_score=0.9, window=40),
        Rule("before a phone label", _NUMBER + _END + _LABEL_AFTER, 0.9),
        Rule(  # a signature or contact line that is only a number in groups: "(85) 5986-8343"
            "alone on a line",
            r"(?m)^[ \t>]*" + f"(?P<value>{_NUMBER})" + r"[ \t]*$",
            0.6,
        ),
        Rule(  # "Thanks,\nJoannie\n3-1769": an extension alone on the line under a signature
            "extension line",
            r"(?m)(?<=[A-Za-z.,]\n)[ \t]*\d-\d{4}[ \t]*$",
            0.7,
        ),
        Rule(  # an internal extension: "x3-1234", "ext. 35012" (not "2 x 1000")
            "extension",
            r"(?<![\w-])(?<!\d[ ])(?:x|ext\.?|extension)[ -]?\d(?:-?\d){3,5}(?![\w-]|[.,]\d)",
            0.85,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        if rule.name.startswith("extension"):
            return True
        number = _EXTENSION.sub("", value)
        digits = len(_DIGIT.findall(number))
        if not self._digits_ok(number.strip(), digits):
            return False
        if _DATE.fullmatch(number.strip()) or _DECIMAL_AND_SPACE.search(number):
            return False
        if rule.name == "alone on a line":  # groups with separators, 7 digits or more
            plain = number.strip()
            # not "2001 2002", "14236.94" (an index value), "12/17/00-12/29/00" (dates)
            looks_else = _YEARS.fullmatch(plain) or _DECIMAL.fullmatch(plain) or _DATE.search(plain)
            return digits >= 7 and not plain.isdigit() and not looks_else
        # An unbroken run is a phone number only from 7 digits ("call 123456" may be a deal).
        return digits >= 7 or not number.isdigit()

    def _digits_ok(self, number: str, digits: int) -> bool:
        return self.MIN_DIGITS <= digits <= self.MAX_DIGITS or bool(_EXTENSION_SHAPE.fullmatch(number))
