"""Payment card numbers of every length and separator style, checked by their Luhn digit.

Presidio's CreditCardRecognizer expects four groups, so 12-digit Maestro,
15-digit Amex written 4-6-5, 19-digit Visa and dotted numbers slip through.
Here 12 to 19 digits in any grouping (spaces, dashes or dots between groups)
count when the Luhn check passes and the number starts like a card (an issuer
prefix of Visa, Mastercard, Amex, Discover, Diners, JCB, Maestro, UnionPay, Mir
or RuPay); a card word before it ("card", "visa", "cc #") raises the score.
Deal and invoice numbers rarely pass both (a random number passes Luhn one
time in ten and starts with 1, 7, 8, 9 or 0 half the time).
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

_DIGITS = re.compile(r"\d")
#: Issuer prefixes: 2 (Mastercard 2221-2720, Mir 2200-2204), 3 (Amex, Diners, JCB), 4 (Visa),
#: 5 (Mastercard, Maestro), 6 (Discover, Maestro, UnionPay, RuPay), and JCB's older 15-digit
#: ranges 2131 and 1800.
_ISSUER = re.compile(r"2[2-7]|3[045678]|4|5|6|2131|1800")
_CARD_WORDS = (
    r"\b(?:card|visa|master\s?card|amex|american express|discover|diners|jcb|maestro|cc"
    r"|credit|debit)\b[^\d\n]{0,20}$"
)
_CARD_DIGITS = r"(?<![\d.,/-])\d{2,6}(?:[ .-]?\d{2,6}){1,6}(?![\w-]|[.,]\d)"
#: After a card word a Luhn-valid number needs no issuer prefix (issuers' ranges change).
_AFTER_CARD_WORD = "card number after a card word"


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class PaymentCardRecognizer(RegexRecognizer):
    """12-19 digits, grouped any way, Luhn-valid, with an issuer prefix (type CREDIT_CARD)."""

    ENTITY = "CREDIT_CARD"
    RULES = (
        # letters may be glued before it ("CCCA4111.../0504" in travel records), never digits
        Rule("card number", _CARD_DIGITS, 0.85, context=_CARD_WORDS, context_score=0.95),
        Rule(_AFTER_CARD_WORD, _CARD_DIGITS, 0.0, context=_CARD_WORDS, context_score=0.9),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        digits = "".join(_DIGITS.findall(value))
        separators = {c for c in value if not c.isdigit()}
        return (
            12 <= len(digits) <= 19
            and len(separators) <= 1
            and (rule.name == _AFTER_CARD_WORD or bool(_ISSUER.match(digits)))
            and luhn_valid(digits)
        )
