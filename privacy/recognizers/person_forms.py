"""Person names in forms spaCy's small model rarely tags: Notes addresses, header lines, @mentions.

Enron mail quotes Lotus Notes addresses everywhere ("cc: Lars Duchesne/NA/Enron@Enron",
"Forwarded by Ilse Boyd/HOU/ECT"), Outlook header blocks write people "Last, First"
("From: Fischer, Ingrid"), and Slack messages address people as "@marcy". The
name (not the Notes hierarchy or the "@") is reported; whether it is kept (a
member) or scrubbed (an outsider) is the policy's business, as for any PERSON.
"""

from __future__ import annotations

from privacy.person_filter import DETERMINERS, ORG_WORDS
from privacy.recognizers.base import RegexRecognizer, Rule

_NAME = r"[A-Z][a-z'’-]+(?:\s[A-Z]\.?)?(?:\s[A-Z][A-Za-z'’-]+){1,2}"
_SLACK_SPECIAL = frozenset({"here", "channel", "everyone", "all", "team"})


class PersonFormsRecognizer(RegexRecognizer):
    """Notes addresses, "Last, First" in header lines, and Slack @mentions (type PERSON)."""

    ENTITY = "PERSON"
    RULES = (
        Rule(
            "Notes address",
            # after the name an office code ("/HOU", "/NA"), or a word that goes on to more of the
            # hierarchy ("/Corp/Enron", "/Enron@Enron"): "Texas Ind Energy/Panda" is no address
            rf"(?<![\w/])(?P<value>{_NAME})/(?:[A-Z]{{2,6}}(?![a-z])|[A-Z][a-z]+(?=[/@]))"
            rf"(?:/[A-Za-z]{{2,10}}){{0,3}}(?:@[A-Za-z]+)?",
            0.9,
            flags=0,
        ),
        Rule(
            "header Last, First",
            r"(?m)^[ \t>]*(?:From|To|Cc|CC|cc|Bcc|Sent by)\s?:[ \t]*"
            r"(?P<value>[A-Z][a-z'’-]+,\s[A-Z][a-z]+(?:\s[A-Z]\.?)?)"
            r"(?=\s*(?:[;<\n]|$))",
            0.9,
            flags=0,
        ),
        Rule(
            "Slack @mention",
            r"(?<![\w@./])@(?P<value>[a-z][a-z0-9._-]{1,30}[a-z0-9])(?![\w@.-])",
            0.6,
            flags=0,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        if rule.name == "Notes address":
            words = value.split()
            return words[0].casefold() not in DETERMINERS and words[-1].casefold() not in ORG_WORDS
        return not (rule.name == "Slack @mention" and value.casefold() in _SLACK_SPECIAL)
