"""IBANs wherever they are written, validated by their ISO 13616 mod-97 check digits.

Presidio's IbanRecognizer missed valid IBANs in plain chat ("i have
ES0589797550646994418775 from an old thread") while finding the same string
after the word "IBAN". The check digits make a context word unnecessary: a
random string of this shape passes mod 97 once in 97 times, and must also
have a known country's length. Written in lower case, with spaces or dashes
between groups of four, they are still IBANs.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

#: IBAN length per country: every country of the ISO 13616 registry (SWIFT, 2025).
LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_SEPARATORS = re.compile(r"[ -]")


def valid_iban(value: str) -> bool:
    """Known country, its length, and the mod-97 check."""
    iban = _SEPARATORS.sub("", value).upper()
    if LENGTHS.get(iban[:2]) != len(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


class IbanChecksumRecognizer(RegexRecognizer):
    """Two capital letters, two check digits, then 11-27 letters and digits (or groups of 4)."""

    ENTITY = "IBAN_CODE"
    RULES = (
        Rule(
            "IBAN",
            # compact, or grouped by four ("DE89 3704 0044 0532 0130 00"), never run into the next word
            r"(?<![A-Za-z0-9])(?P<value>[A-Z]{2}\d{2}"
            r"(?:[A-Z0-9]{11,30}|(?:[ -][A-Z0-9]{4}){2,7}(?:[ -][A-Z0-9]{1,4})?))(?![A-Za-z0-9])",
            1.0,
            flags=re.IGNORECASE,  # the check digits are the evidence, in any case ("gb12spfc66...")
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        return valid_iban(value)
