"""Person names the grammar of the sentence gives away: whose address it is, who was given what.

"here's Agata's address", "Lyn's cell phone number is", "had given Lukas his
address", "said Freddie to Kevin": the word is a person by what is said of it,
even when neither spaCy's small model nor the first-name list knows it. These
are guesses all the same ("Enron's e-mail system", "EIA's home page"), so the
detector checks them like spaCy's (``privacy.person_filter``): a known
organisation, an all-capitals word or a common word is dropped there.
"""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule
from privacy.recognizers.person_cues import _NAMES, _NOT_NAMES, _UPPER

_CAPITALISED_NAME = rf"(?=[{_UPPER}]){_NAMES}"
#: Things a person has that an organisation rarely does.
_OWNED = (
    r"(?i:home[ ])?(?i:address|phone|phone number|number|cell|cell phone|mobile|email|e-mail|email address"
    r"|home|house|wife|husband|son|daughter|mother|father|mom|dad|kids|children|birthday|family"
    r"|boyfriend|girlfriend|fiance|fiancée)\b"
)


class PersonGrammarRecognizer(RegexRecognizer):
    """A capitalised name that owns contact details or family, is given something, or speaks."""

    ENTITY = "PERSON"
    RULES = (
        Rule("owner", rf"(?P<value>{_CAPITALISED_NAME})['’]s[ ]{_OWNED}", 0.7, flags=0),
        Rule(  # "had given Lukas his address", not "gave Microsoft the contract"
            "recipient",
            r"\b(?=[GgSsTtHhOoPp])(?i:given|gave|give|gives|sent|send|sends|showed|shown|handed|offered"
            r"|promised|told|tells|owe|owes|owed)"
            rf"[ ](?P<value>{_CAPITALISED_NAME})(?=[ ](?:his|her|their)\b)",
            0.6,
            flags=0,
        ),
        Rule(  # "said Freddie to Kevin", "shouted Aki at Amanda"
            "speaker",
            r"\b(?=[SsYyWw])(?i:said|says|shouted|yelled|whispered|wrote)"
            rf"[ ](?P<value>{_CAPITALISED_NAME})(?=[ ](?:to|at)[ ])",
            0.6,
            flags=0,
        ),
    )

    def accept(self, value: str, rule: Rule) -> bool:
        words = value.split()
        return bool(words) and value.casefold() not in _NOT_NAMES and words[0].casefold() not in _NOT_NAMES
