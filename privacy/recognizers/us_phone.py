"""North American phone numbers as Enron-era mail and Slack write them.

Presidio's PhoneRecognizer (the phonenumbers library) scores ``(713) 853-6197``
0.4 without a context word, one rounding away from leaking a signature block,
and misses ``713/853-6197``, the commonest form in Enron signatures. Every
area code and exchange starts with 2-9 (NANP), which keeps dates, versions,
SSNs and zip+4 codes out; a number written with spaces only (``713 853 6197``)
could be three table cells, so it scores lower unless a phone word precedes it.
The shape ``(ddd) ddd-dddd`` or ``ddd-ddd-dddd`` with digits NANP refuses (made-up
numbers in forms and test data, "(790)091-7442") still scores 0.6: in 4,000 Enron
bodies it found nothing else; dotted ones stay strict ("flows of 100.200.3000 Dth").
Other forms score 0.9, above spaCy's 0.85 for a DATE_TIME (kept by the policy)
over the same digits.
"""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule

# Optional trunk prefix (1-800-...); "+1" is IntlPhoneRecognizer's. No decimals ("0.713-...").
# A label may be glued on: "V(732)933-9500", "Fax(512)338-1103", "CANES/305-284-6699".
_GLUED_LABEL = "|".join(
    [r"(?<=(?<![\w])[VFTCMHOPWD])", r"(?<=[A-Za-z]/)"]
    + [rf"(?<=(?i:{label}))" for label in ("fax", "tel", "ph", "cell", "mobile", "mob", "phone", "pager")]
)
# (?=[\d(]) first: a cheap test that fails at most positions before the lookbehinds run.
_BEFORE = rf"(?=[\d(])(?:{_GLUED_LABEL}|(?<![\w+$,/-])(?<!\d\.))(?:1[-. ]\s?)?"
_LINE = r"[2-9]\d{2}[-. ]\d{4}"
_EXT = r"(?:,?\s?(?:x|ext\.?|extension)\s?\d{1,6})?"
# Nothing more of a number after it; a label may follow glued on ("...-6197-Home", "...6522texasjake@").
_AFTER = r"(?!\d|-(?!(?i:home|office|fax|cell|mobile|work|direct|pager)\b)|[.,/]\d|_)"
_CONTEXT = (
    r"\b(?:phone|ph|tel|telephone|cell|cellular|mobile|fax|pager|office|direct|home|work|call"
    r"|(?:my|his|her|their|your|our)\s(?:new\s)?number|reach\s(?:\w+\s)?at|contact\s(?:\w+\s)?at|text)\b"
)


class UsPhoneRecognizer(RegexRecognizer):
    """(NXX) NXX-XXXX, NXX-NXX-XXXX, NXX.NXX.XXXX, NXX/NXX-XXXX, NXX NXX XXXX, optional extension;
    a 7-digit local NXX-XXXX only next to a phone word."""

    ENTITY = "PHONE_NUMBER"
    RULES = (
        Rule(
            "NANP, punctuated",
            rf"{_BEFORE}(?:\(\s?[2-9]\d{{2}}\s?\)\s?|[2-9]\d{{2}}(?: ?[-.] ?|\s?/\s?)){_LINE}{_EXT}{_AFTER}",
            0.9,
            context=_CONTEXT,
            context_score=0.95,
        ),
        Rule(  # "(790)091-7442", "223-087-9502": the shape of a phone number, digits NANP would refuse
            "phone-shaped",
            rf"{_BEFORE}(?:\(\d{{3}}\)\s?\d{{3}}-\d{{4}}|\d{{3}}-\d{{3}}-\d{{4}}){_EXT}{_AFTER}",
            0.6,
            context=_CONTEXT,
            context_score=0.9,
        ),
        Rule(
            "NANP, spaces",
            rf"{_BEFORE}[2-9]\d{{2}} {_LINE}{_EXT}(?![\w-]|[.,/]\d| \d)",
            0.6,
            context=_CONTEXT,
            context_score=0.9,
        ),
        Rule(  # "my cell is 514-3303", "Tel 231-5188": a local number, only after a phone word
            "local, after a phone word",
            r"(?=\d)(?<![\w+$,/.)-])(?<!\) )(?<!\d )[2-9]\d{2}-\d{4}(?![\w-]|[.,/]\d)",
            0,
            context=_CONTEXT,
            context_score=0.9,
            window=25,
        ),
        Rule(  # "560-7048 (office)" in a signature
            "local, labelled after",
            r"(?=\d)(?<![\w+$,/.)-])(?<!\) )(?<!\d )[2-9]\d{2}-\d{4}"
            r"(?=\s?\((?:office|cell|mobile|home|fax|work|direct|pager)\))",
            0.9,
        ),
        Rule(  # "2146250394 (office)" in a signature
            "unseparated, labelled after",
            r"(?=\d)(?<![\w.,-])[2-9]\d{2}[2-9]\d{6}(?=\s?\((?:office|cell|mobile|home|fax|work|direct|pager)\))",
            0.9,
        ),
        Rule(  # "Phone:            7138531234" in HR forms: ten bare digits only after a phone word
            "NANP, unseparated",
            r"(?=\d)(?<![\w.,-])[2-9]\d{2}[2-9]\d{6}(?![\w-]|[.,]\d)",
            0,
            context=_CONTEXT,
            context_score=0.9,
            window=25,
        ),
    )
