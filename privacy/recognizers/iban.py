"""IBANs wherever they are written, validated by their ISO 13616 mod-97 check digits.

Presidio's IbanRecognizer missed valid IBANs in plain chat ("i have
ES0589797550646994418775 from an old thread") while finding the same string
after the word "IBAN". The check digits make a context word unnecessary: a
random string of this shape passes mod 97 once in 97 times, and must also
have a known country's length.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

#: IBAN length per country (ISO 13616 registry; the countries a US/EU company meets most).
LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21, "CY": 28,
    "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23,
    "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "QA": 29,
    "RO": 24, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}  # fmt: skip
_SPACES = re.compile(r"[ ]")


def valid_iban(value: str) -> bool:
    """Known country, its length, and the mod-97 check."""
    iban = _SPACES.sub("", value).upper()
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
            r"(?:[A-Z0-9]{11,27}|(?:[ ][A-Z0-9]{4}){2,6}(?:[ ][A-Z0-9]{1,4})?))(?![A-Za-z0-9])",
            1.0,
            flags=0,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        return valid_iban(value)
