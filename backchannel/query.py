"""The search query language: words, "exact phrases", -exclusions and operators.

    gas prices "price cap" -weather from:phillip.allen@enron.com in:#trading source:mail
    topic:"Ruby on Rails" after:2001-05-01 before:2001-06 during:2001 has:attachment

The same operator given twice means either (``from:a from:b``: by a or b);
different operators must all hold. A query that is only operators lists the
matching messages, newest first. Nothing a user types is ever passed on as
FTS5 syntax (every term is quoted), and a query never fails: an unknown
operator or a date that cannot be read is searched as plain words and
explained in :attr:`ParsedQuery.problems`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from backchannel.records import SearchFilters

#: word, "phrase", -word, -"phrase", op:value, op:"quoted value"
_TOKEN = re.compile(r'(-?)([A-Za-z]+):"([^"]*)"?|(-?)"([^"]*)"?|(\S+)')
_OPERATOR = re.compile(r"(-?)([A-Za-z]+):(.*)")
_WORD = re.compile(r"\w+", re.UNICODE)
#: Prefixes that are part of a word, not operators ("http://", "mailto:").
_NOT_OPERATORS = frozenset({"http", "https", "mailto", "ftp", "file"})
#: Each operator with an example, shown when it is given without a value.
_EXAMPLES = {
    "from": "from:phillip.allen@enron.com or from:Phillip",
    "in": "in:#general or in:inbox",
    "source": "source:slack, source:mail or a source's name",
    "topic": 'topic:"Ruby on Rails"',
    "before": "before:2001-06-01",
    "after": "after:2001-05",
    "during": "during:2001",
    "has": "has:attachment",
}
OPERATORS = tuple(_EXAMPLES)
HAS_VALUES = ("attachment",)
#: Lucene's (and Elasticsearch's) English stop words: left out of relaxed any-word queries.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then "
    "there these they this to was will with".split()
)
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query: what must match, what must not, and the filters."""

    phrases: tuple[str, ...]  # each a word or a multi-word exact phrase
    excluded: tuple[str, ...]
    filters: SearchFilters = field(default_factory=SearchFilters)
    problems: tuple[str, ...] = ()  # what was not understood, in words for the user

    def fts(self, any_term: bool = False, optional: frozenset[str] = frozenset()) -> str:
        """The FTS5 MATCH expression. Every term is quoted, so user input is never FTS syntax.

        ``any_term``: any of the words (the relaxed query when no message has all),
        leaving out stop words unless nothing else is left ("the" and "in" match
        nearly every message, so they would fill the results). ``optional``:
        words (lower case) that alone do not make a relaxed match, such as those in
        a large share of messages; when the query has other words, a relaxed query
        matches only messages with at least one of those, while every word still
        counts in the ranking (``(others) AND (all)``: the others count twice).
        Lucene's common-terms query does the same: a word in many messages says
        little, and ranking every message that holds it made relaxed queries slow
        on large stores.
        """
        phrases = self.phrases
        if any_term:
            phrases = tuple(p for p in self.phrases if p.casefold() not in STOP_WORDS) or self.phrases
        terms = [(p, f'"{p}"') for p in phrases]  # every term quoted: never FTS syntax
        expr = (" OR " if any_term else " ").join(q for _, q in terms)
        if any_term and optional:
            rare = [q for p, q in terms if p.casefold() not in optional]
            if rare and len(rare) < len(phrases):
                expr = f"({' OR '.join(rare)}) AND ({expr})"
        for term in self.excluded:
            expr = f'({expr}) NOT "{term}"'
        return expr


def parse_query(text: str) -> ParsedQuery:
    """Split ``text`` into phrases, exclusions, filters and problems (see the module doc)."""
    phrases: list[str] = []
    excluded: list[str] = []
    problems: list[str] = []
    found: dict[str, list[str]] = {}
    bounds: dict[str, datetime] = {}

    def words_of(raw: str, negative: bool, phrase: bool) -> None:
        words = _WORD.findall(raw)
        if not words:
            return
        target = excluded if negative else phrases
        if phrase:
            target.append(" ".join(words))
        else:
            target.extend(words)

    for m in _TOKEN.finditer(text):
        if m.group(2) is not None:  # op:"quoted value"
            op, value, negative, raw = m.group(2).lower(), m.group(3), bool(m.group(1)), m.group(0)
        elif m.group(5) is not None:  # "phrase"
            words_of(m.group(5), bool(m.group(4)), phrase=True)
            continue
        else:
            raw = m.group(6)
            op_match = _OPERATOR.fullmatch(raw)
            if op_match is None or op_match.group(2).lower() in _NOT_OPERATORS:
                words_of(raw.lstrip("-"), raw.startswith("-") and len(raw) > 1, phrase=False)
                continue
            negative, op, value = bool(op_match.group(1)), op_match.group(2).lower(), op_match.group(3)
        value = value.strip()
        if op not in OPERATORS:
            problems.append(
                f"{op}: is not a search operator, so {raw!r} was searched as words. "
                f"Operators: {', '.join(o + ':' for o in OPERATORS)}."
            )
            words_of(f"{op} {value}", negative, phrase=False)
            continue
        if negative:
            problems.append(f"-{op}: cannot be excluded; {op}:{value} was applied as given.")
        if not value:
            problems.append(f"{op}: needs a value, e.g. {_EXAMPLES[op]}.")
            continue
        if op == "has":
            if value.lower() not in HAS_VALUES:
                problems.append(f"has:{value} is not known; use has:attachment.")
                continue
            found.setdefault("has", []).append(value.lower())
        elif op in ("before", "after", "during"):
            span = _date_span(value)
            if span is None:
                problems.append(
                    f"{op}:{value} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, e.g. {op}:2001-05."
                )
                continue
            start, end = span
            if op == "after":
                _tighten(bounds, "since", start, later=True)
            elif op == "before":
                _tighten(bounds, "until", start, later=False)
            else:
                _tighten(bounds, "since", start, later=True)
                _tighten(bounds, "until", end, later=False)
        else:
            found.setdefault(op, []).append(value.removeprefix("#") if op == "in" else value)

    filters = SearchFilters(
        authors=tuple(found.get("from", ())),
        containers=tuple(found.get("in", ())),
        sources=tuple(found.get("source", ())),
        topics=tuple(found.get("topic", ())),
        since=bounds.get("since"),
        until=bounds.get("until"),
        has_attachment="has" in found,
    )
    if filters.since and filters.until and filters.since >= filters.until:
        problems.append("The dates leave no time between them: nothing can match.")
    return ParsedQuery(tuple(phrases), tuple(excluded), filters, tuple(problems))


def _date_span(value: str) -> tuple[datetime, datetime] | None:
    """[start, end) of a year, month or day written YYYY, YYYY-MM or YYYY-MM-DD (UTC)."""
    m = _DATE.fullmatch(value)
    if m is None:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day is not None:
            start = datetime(year, int(month), int(day), tzinfo=UTC)
            end = datetime.fromordinal(start.toordinal() + 1).replace(tzinfo=UTC)
        elif month is not None:
            start = datetime(year, int(month), 1, tzinfo=UTC)
            end = datetime(year + (int(month) == 12), int(month) % 12 + 1, 1, tzinfo=UTC)
        else:
            start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    except ValueError:
        return None
    return start, end


def _tighten(bounds: dict[str, datetime], key: str, value: datetime, *, later: bool) -> None:
    """Keep the narrower bound: the later start, the earlier end."""
    old = bounds.get(key)
    if old is None or (value > old if later else value < old):
        bounds[key] = value
