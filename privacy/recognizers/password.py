"""Passwords, passcodes and PINs written after their label: the value is redacted, not the label.

Enron mail is full of "password: fercnow", "Passcode: 647083#" (conference
calls) and "login/password: jdoe / Summer2001!", but also of "forgot your
password?", "your password is case sensitive" and "password-protected". A
value after an explicit ``:``, ``=``, ``-`` or "is" counts when it holds a digit
or symbol, or when it is one word that ends the line or clause, and never when
it is a common word, a URL or quoted-printable debris; a value after a bare
space ("enter password baseball1") must mix letters and digits; a PIN is 4-8 digits.
"""

from __future__ import annotations

import re

from privacy.recognizers.base import RegexRecognizer, Rule

_LABEL = r"\b(?:password|passwd|pass\s?word|pwd|pw|pass\s?code|pass\s?phrase)s?"
_SEPARATOR = r"\s?(?:(?:is|was|will\sbe)\s?:?|[:=]|\s-)\s*"
# A value with a digit or symbol, ending before trailing sentence punctuation ("Summer2001!" keeps its "!").
_MIXED = (
    r"[\"']?(?P<value>(?=[^\s\"'<>]*[^A-Za-z\s\"'<>])[^\s\"'<>]*?[^\s\"'<>.,;:)\]])[\"']?"
    r"(?=[.,;:)\]]*(?:\s|$))"
)
# A plain word only when it ends the line or the clause: "password: fercnow", not "password is currently ...".
_WORD = r"[\"']?(?P<value>[A-Za-z]{3,})[\"']?(?=[ \t]*(?:[\r\n.,;!)]|$))"
_STOP_WORDS = frozenset(
    """a an and and/or any are as at be below by can cannot case change changed enter entered expired
    expires field for forgot forgotten from has have here hint if in info information into invalid is
    it login must my n/a none not of on or our page please policy prompt protected protection
    required reset same sensitive should tbd that the their there this to user username via was when
    which will with you your""".split()
)
_DEBRIS = re.compile(r"^(?:https?:|www\.|[=&%?]|\*+$|x+$)|@", re.IGNORECASE)  # URLs, QP "=20", query strings
_LETTER_AND_DIGIT = re.compile(r"(?=.*[A-Za-z])(?=.*\d)")


class PasswordRecognizer(RegexRecognizer):
    """Labelled passwords, login/password pairs and PINs (type CREDENTIAL)."""

    ENTITY = "CREDENTIAL"
    RULES = (
        Rule(
            "login/password pair",
            r"\b(?:login|user\s?(?:name|id)?|id)\s?(?:/|and)\s?(?:password|pwd|pw)\s?(?:is|are)?\s?[:=]?\s?"
            r"(?P<value>[^\s/]+\s?/\s?[^\s/]*[^\s/.,;])",
            0.95,
        ),
        Rule(  # "login admin / river38": the password after the user name
            "login user / password",
            r"\blog\s?in\s?:?\s[^\s/]{2,40}\s?/\s?(?P<value>[^\s/]*[^\s/.,;])",
            0.9,
        ),
        Rule("labelled", rf"{_LABEL}{_SEPARATOR}{_MIXED}", 0.9),
        Rule(  # "the password for the staging db is Summer2246!", "password is now falcon45"
            "labelled later",
            rf"{_LABEL}(?:\s(?:for|to|of|on)\s(?:the\s)?[\w-]+(?:\s[\w-]+)?)?\s(?:is|was)\s(?:now\s|still\s)?{_MIXED}",
            0.9,
        ),
        Rule("labelled word", rf"{_LABEL}{_SEPARATOR}{_WORD}", 0.86),
        Rule("bare", rf"{_LABEL}\s{_MIXED}", 0.6),
        Rule("PIN", r"\bPIN(?:\s?(?:code|number|\#|no\.?))?\s?(?:is|was|[:=#])\s?(?P<value>\d{4,8})\b", 0.9),
        Rule(  # conference calls: "Participant code:\t214268", "Host Code: 661877", "access code 1234#"
            "conference code",
            r"\b(?:participant|host|leader|moderator|chair(?:person)?|guest|conference|access|attendee|bridge)"
            r"\s?(?:code|pin|passcode|pass\scode|id|\#|number)s?\s?(?:is|was|[:=#])?[ \t]*"
            r"(?P<value>\d[\d*-]{2,14}\d\#?)(?![\w-])",
            0.9,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        if rule.name == "login/password pair":
            return all(self._plausible(part.strip()) for part in value.split("/"))
        if rule.name in ("bare", "login user / password"):
            return self._plausible(value) and len(value) >= 5 and bool(_LETTER_AND_DIGIT.match(value))
        return self._plausible(value)

    @staticmethod
    def _plausible(value: str) -> bool:
        return len(value) >= 3 and value.casefold() not in _STOP_WORDS and not _DEBRIS.search(value)
