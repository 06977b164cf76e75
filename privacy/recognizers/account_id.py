"""Employee and account ids after their label: "SAP ID: P00503324", "acct # 4471-0092".

One type, ACCOUNT_ID, for both: the policy handles them alike (redact), and
the labels overlap in practice ("personnel account", "ID number"). The label
is part of the regex (cheap, no context enhancer) but not of the span; the id
must hold at least three digits so that "account number below" never fires.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

_LABEL = (
    r"\b(?:employee\s?(?:id|\#|no\.?|number|num)|emp\.?\s?(?:id|\#|no\.?)|personnel\s?(?:id|\#|no\.?|number)"
    r"|sap\s?(?:id|\#|number)|badge\s?(?:id|\#|no\.?|number)|account\s?(?:id|\#|no\.?|number|num)"
    r"|acct\.?(?:\s?(?:id|\#|no\.?|number|num))?|a/c(?:\s?(?:\#|no\.?))?"
    r"|(?:policy|member(?:ship)?|customer|client|frequent\sflyer|mileage|loyalty|hr\w{0,6}|tax|patient)"
    r"\s?(?:id|\#|no\.?|number|num))"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")


class AccountIdRecognizer(RegexRecognizer):
    """A labelled id of letters, digits and dashes with three or more digits."""

    ENTITY = "ACCOUNT_ID"
    RULES = (
        Rule(
            "labelled id",
            rf"{_LABEL}(?:\s(?:is|was))?\s?[:#=.]?[ \t]{{0,30}}\#?\s?"  # forms align values in columns
            r"(?P<value>[A-Z0-9][A-Z0-9-]{2,24}[A-Z0-9])(?![\w-])",
            0.9,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        return sum(c.isdigit() for c in value) >= 3 and not _YEAR.fullmatch(value)
