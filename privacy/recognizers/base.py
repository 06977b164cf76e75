"""Shared machinery of our recognizers: regex rules whose ``value`` group is the span.

Presidio's PatternRecognizer reports the whole match, so "password: hunter2"
would be redacted label and all, and its context words go through the lemma
context enhancer (about a quarter of privacy time in our profile). Here a rule
may name a group ``value``: only that part is reported, and the label that made
the match believable stays in the text. Context is a cheap regex searched in
the few characters before a match, never the enhancer (recognizers built on
this class declare no Presidio ``context``, so the enhancer skips their results).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

VALUE = "value"


@dataclass(frozen=True)
class Rule:
    """One regex. ``score`` 0 means the match counts only when ``context`` is found.

    ``context`` is searched (case-insensitively) in the ``window`` characters
    before the reported span; when found the score becomes ``context_score``.
    """

    name: str
    regex: str
    score: float
    flags: int = re.IGNORECASE
    context: str = ""
    context_score: float = 0.0
    window: int = 40


class RegexRecognizer(EntityRecognizer):
    """A recognizer of one entity type made of :class:`Rule` s (see the module docstring).

    A rule whose matches spaCy may also label with a type the policy keeps
    (DATE_TIME, LOCATION: both 0.85) must score above 0.85: on the same text
    the higher score wins, and a tie could go to the kept type.
    """

    ENTITY: ClassVar[str]
    RULES: ClassVar[Sequence[Rule]]

    def __init__(self) -> None:
        self._compiled = [
            (rule, re.compile(rule.regex, rule.flags), re.compile(rule.context, re.IGNORECASE))
            for rule in self.RULES
        ]
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__, supported_language="en")

    def load(self) -> None:  # nothing to load: the rules compile in __init__
        return None

    def accept(self, value: str, rule: Rule) -> bool:
        """Last check on a matched value (checksums, stop words); everything passes by default."""
        return True

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        results = []
        for rule, regex, context in self._compiled:
            for match in regex.finditer(text):
                group = VALUE if VALUE in regex.groupindex and match.group(VALUE) is not None else 0
                start, end = match.span(group)
                if start == end or not self.accept(text[start:end], rule):
                    continue
                score = rule.score
                if rule.context and context.search(text, max(0, start - rule.window), start):
                    score = rule.context_score
                if score > 0:
                    results.append(self._result(start, end, score))
        return results

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
