"""Person names the words around them give away: titles, greetings, sign-offs, introductions, lists.

spaCy's small model misses many names in short chat and in mail around a name:
"Mr. Grimes", "Hi Torben,", "Thanks,\\nLisa", "my name is Oksana", "her maiden
name is Fedorov", "They had 6: Layla, Harry, Michele and Erika". The cue is
matched here; the name after it counts when it is capitalised, or, in text
written in lower case, when it is a known first name or surname or no common
English word (``hi karen``, not ``hi all``). Whether the name is kept (a
member) or scrubbed is the policy's business, as for any PERSON.
"""

from __future__ import annotations

import re
import threading

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from backchannel.lexicon import (
    curated_first_names,
    first_names,
    is_common_word,
    is_known_name,
    written_in_lower_case,
)
from privacy.person_filter import ORG_WORDS, mostly_words
from privacy.recognizers.base import RegexRecognizer, Rule

_NAME = r"(?!(?i:apt|apartment|suite|ste|unit|flat|room)\b)[^\W\d_][\w'’-]*"
#: Upper-case letters of the Latin, Greek and Cyrillic alphabets (re has no \p{Lu}).
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΑ-ΩА-Я"
#: A name of one to three words; words after the first are capitalised ("Mr. Ford is" stops at "Ford").
_NAMES = rf"{_NAME}(?:[ ](?:[A-Z]\.[ ])?(?=[{_UPPER}]){_NAME}){{0,2}}"
_END = r"(?=[ \t]*(?:[,!.:;?)\n]|$))"
#: Words that follow "hi", "thanks" or "my name is" without being a name.
_NOT_NAMES = frozenset(
    """all everyone everybody team guys folks there you again again. so much very a an the for both each
    again sir madam ma'am friends people y'all yall gang everybody! gentlemen ladies mate man dude bro
    in advance anyway anyways though tho everyone! again! guys! all! and or i if when so but to""".split()
)
# Each cue starts with a one-character look-ahead: a cheap test that fails at most positions.
_TITLE = r"(?=[MmDdPpSsHhFf])(?<![\w.])(?i:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau|Sr|Sra)\.?"


class PersonCuesRecognizer(RegexRecognizer):
    """Names after a title, greeting, self-introduction or before a sign-off; lists of first names."""

    ENTITY = "PERSON"
    RULES = (
        # the title is part of the span: it names the person (and their gender)
        Rule("title", rf"(?P<value>{_TITLE}[ ]{_NAMES})", 0.85, flags=0),
        Rule(
            "greeting",
            r"(?:^|(?<=[.!?>]))[ \t]*(?=[HhDdTtCcGgMm])"
            r"(?i:hi|hello|hey|dear|hiya|thanks|thank you|thx|cheers|congrats|congratulations"
            r"|good morning|morning)"
            rf"[ ,]+(?P<value>{_NAMES}){_END}",
            0.7,
            flags=re.MULTILINE,
        ),
        Rule(
            "sign-off",
            r"\b(?=[TtMmRrBbKkWwCcSsYyLl])(?i:thanks|thank you|many thanks|regards|best regards|kind regards"
            r"|warm regards|best|cheers|sincerely|rgds|thx|yours|love)"
            r"[ \t]*[,.!-]?[ \t]*\n(?:[ \t]*\n){0,2}[ \t]*-?[ \t]*"
            rf"(?P<value>{_NAMES})[ \t]*(?=\n|$)",
            0.75,
            flags=0,
        ),
        Rule(
            "introduction",
            r"\b(?=[MmNnCcKkSs])(?i:my name is|my name's|name:|call me|calls me|known as|signed,)"
            rf"[ \t]*(?P<value>{_NAMES})\b",
            0.8,
            flags=0,
        ),
        Rule(
            "known name introduced",
            rf"\b(?=[TtIi])(?i:this is|i am|i'm|it's|it is)[ ](?P<value>{_NAMES})\b",
            0.7,
            flags=0,
        ),
        Rule(  # "Call Oksana Petrenko on ...", "ask Priya": verbs whose object is a person
            "person verb",
            r"\b(?=[CcAaTtPpEeMmSs])(?i:call|called|calling|ask|asked|tell|told|ping|pinged|email|emailed"
            r"|e-mail|e-mailed|cc|cc'd|thank|thanked|meet|met|contact|contacted|talk to|talked to|speak to"
            r"|speak with|spoke to|spoke with|follow up with|followed up with)"
            rf"[ ](?P<value>(?=[{_UPPER}]){_NAMES})\b",
            0.6,
            flags=0,
        ),
        Rule(
            "labelled name",
            r"\b(?=[MmFfLlGgSs])(?i:maiden|family|last|first|middle|given|sur)[ ]?(?i:name)"
            r"[ ]?(?:is|was|:)[ ]?"
            rf"(?P<value>{_NAMES}){_END}",
            0.85,
            flags=0,
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        # whether the text being analysed is all lower case: per thread (the web app's explain
        # form and a build may share this recognizer), read by accept()
        self._state = threading.local()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        self._state.lower_text = written_in_lower_case(text)
        return super().analyze(text, entities, nlp_artifacts) + self._name_lists(text)

    def accept(self, value: str, rule: Rule) -> bool:
        if rule.name == "title":
            value = _TITLE_START.sub("", value)
        words = [w for w in value.split() if not re.fullmatch(r"[A-Z]\.", w)]
        if not words or value.casefold() in _NOT_NAMES or words[0].casefold() in _NOT_NAMES:
            return False
        if rule.name == "known name introduced" and not is_known_name(words[0]):
            return False  # "this is Enron", "I'm Sorry"
        if rule.name == "person verb" and (
            any(w.isupper() and len(w) > 1 for w in words) or words[-1].casefold() in ORG_WORDS
        ):
            return False  # "spoke to PWC", "talk to UBS", "email THIS Browser Button"
        if all(w[0].isupper() for w in words):
            # a capitalised word after a cue, unless the words are common words and no name
            if len(words) > 1:
                return not mostly_words(words)
            return is_known_name(words[0]) or not is_common_word(words[0])
        if not self._state.lower_text:
            return False  # "thanks again" in mixed-case text is no name
        return all(is_known_name(w) or not is_common_word(w) for w in words)

    def _name_lists(self, text: str) -> list[RecognizerResult]:
        """In "A, B, C and D" of single words that are mostly first names, every word is a name."""
        out = []
        pattern, word = (_LOWER_LIST, _LOWER_WORD) if self._state.lower_text else (_LIST, _CAPITALISED)
        for match in pattern.finditer(text):
            words = [
                (m.start(), m.end())
                for m in re.finditer(word, match.group())
                if m.group() not in ("and", "or")
            ]
            texts = [match.group()[s:e] for s, e in words]
            names = [w for w in texts if _list_name(w)]
            others_rare = all(w.casefold() in first_names() or not is_common_word(w) for w in texts)
            # two thirds first names, or half and the rest no common word ("natalina", not "Chicago")
            if len(words) >= 3 and (
                len(names) * 3 >= len(words) * 2 or (len(names) * 2 >= len(words) and others_rare)
            ):
                out += [self._result(match.start() + s, match.start() + e, 0.6) for s, e in words]
        return out


def _list_name(word: str) -> bool:
    """A first name of our list, or of the Census's that is no common word ("Dallas", "Austin": places)."""
    key = word.casefold()
    return key in curated_first_names() or (key in first_names() and not is_common_word(key))


_TITLE_START = re.compile(rf"^{_TITLE}[ ]")
_CAPITALISED = rf"[{_UPPER}][\w'’-]+"
_LIST = re.compile(
    rf"(?=[{_UPPER}])(?<![\w,] ){_CAPITALISED}(?:,[ ]{_CAPITALISED}){{1,12}},?[ ](?:and|&|or)[ ]"
    rf"{_CAPITALISED}\b"
)
_LOWER_WORD = r"[^\W\d_][\w'’-]+"
_LOWER_LIST = re.compile(
    rf"(?<![\w,] ){_LOWER_WORD}(?:,[ ]{_LOWER_WORD}){{1,12}},?[ ](?:and|&|or)[ ]{_LOWER_WORD}\b"
)
