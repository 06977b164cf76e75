"""A PERSON needs evidence: the guesses of the NER model and the first-name list are checked here.

Over-redaction deletes what the product exists to keep: "the quarterly
zebrafinch review" stored as "the quarterly <PERSON_1> review" is gone from
search, topics and digests. spaCy's small model calls many capitalised things
a person (header labels, products, places, headings); such a guess is dropped
when the text says it is something else:

* a mail header label or signature label ("Sent", "Subject", "Fax");
* it ends in, or is followed by, a company or facility word ("Duke Energy",
  "Allen Center", "Mickey Ferrell Realtors", "Morningstar Inc");
* a codename or a thing: after "Project" / "Operation", or one word inside a noun
  phrase that starts with a determiner and goes on with a common noun
  ("the quarterly zebrafinch review");
* a country or US state, or a place written "San Francisco", "Fort Worth";
* a short all-capitals word that is not a sign-off on its own line ("RSVP", "MISO");
* every word is a common English word and none a known name ("Penalty", "Frozen
  Pork Bellies", "Outlook");
* the organisation's own terms: a strong non-person knowledge-base alias or an
  emerging topic (``non_person``, given by the build).

Spans from structural recognizers (Notes addresses, "Last, First" header lines,
titles, greetings, known outsiders' names) are not second-guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from backchannel.lexicon import first_names, is_common_word, is_known_name, surnames, written_in_lower_case
from backchannel.records import PiiSpan
from privacy.recognizers.address_words import PARTICLES, STATE_NAMES, US_STATES, country_pattern

SPACY = "SpacyRecognizer"
#: Recognizers whose PERSON spans are guesses to check.
GUESSING_SOURCES = frozenset({SPACY, "first-name list", "PersonGrammarRecognizer", ""})

HEADER_WORDS = frozenset(
    """sent subject to from cc bcc date importance attachments attachment re fw fwd tel fax phone cell
    mobile pager office direct email e-mail home work regards thanks""".split()
)
ORG_WORDS = frozenset(
    """inc inc. corp corp. corporation co co. company llc llp lp ltd ltd. plc gmbh ag sa nv bv group
    partners associates consultants consulting services systems solutions technologies technology
    energy power gas oil resources bank fund funds capital securities holdings international industries
    center centre plant station building tower towers hall hotel airport road drive street avenue
    office desk county city university college school institute hospital church club team committee
    council department association foundation realtors realty magazine journal news times daily weekly
    online software networks labs exchange markets trading apt apartment suite ste unit floor room hub intl
    app apps grill cafe café restaurant bistro tavern diner bakery brewery pub
    inlet basin gulf canyon creek valley island islands peninsula strait harbor harbour
    member members subscriber customer""".split()
)
MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december".split()
)
_GENERATIONS = frozenset("II III IV JR SR".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
DETERMINERS = frozenset("the a an this that these those our their its".split())
CODENAME_CUES = frozenset("project operation codename code-named codenamed".split())
PLACE_PREPOSITIONS = frozenset("in to from at of near across around via visit visited visiting".split())
PLACE_PREFIXES = frozenset("san santa st st. saint fort ft. port lake mount mt. new los las".split())
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_PLACES = re.compile(rf"(?i:{country_pattern()}|{STATE_NAMES})")
_LINE_ALONE = re.compile(r"^[ \t>]*$")
_POSSESSIVE = re.compile(r"['’]s?$")
_LABEL_START = re.compile(r"[ \t]*:")
_LABEL_WORDS = re.compile(r"[ \t>]*(?:[A-Z][\w-]*[ \t]+){0,3}")
_CODENAME = re.compile(r"\b(?i:project|operation|codename|code-named|codenamed)[ ]([^\W\d_][\w-]*)")
_STATE_AFTER = re.compile(
    rf"['’]?s?,[ ]?(?:(?:{'|'.join(US_STATES)})\b|(?:{STATE_NAMES})\b"
    rf"|(?:{'|'.join(s.title() for s in US_STATES)})[ ]+\d{{5}})"  # "Austin, Tx 78733"
)
_NEXT_WORD = re.compile(r"[ \t]*,?[ \t]*(?:\(\w+\??\)[ \t]*)?([^\W\d_][\w.]*)")

NonPerson = Callable[[str], bool]


def credible_persons(
    text: str,
    spans: Iterable[PiiSpan],
    non_person: NonPerson | None = None,
    next_pos: dict[int, str] | None = None,
) -> list[PiiSpan]:
    """``spans`` without the PERSON guesses that the text shows are no person (see the module).

    A word the text names as a codename anywhere ("Project Bluebird ... Bluebird needs
    testers") is no person in the rest of the text either.
    """
    spans = list(spans)
    guesses = [s for s in spans if s.type == "PERSON" and s.source in GUESSING_SOURCES]
    if not guesses:
        return spans
    codenames = {m.group(1).casefold() for m in _CODENAME.finditer(text)}
    dropped = {
        id(s)
        for s in guesses
        if text[s.start : s.end].casefold() in codenames or not credible(text, s, non_person, next_pos)
    }
    return [s for s in spans if id(s) not in dropped]


def credible(
    text: str, span: PiiSpan, non_person: NonPerson | None = None, next_pos: dict[int, str] | None = None
) -> bool:
    """Whether one guessed PERSON span may be a person (``next_pos``: the part of speech of the
    token after each token end, from the shared parse)."""
    value = text[span.start : span.end]
    words = _WORD.findall(value)
    if not words:
        return False
    keys = [_POSSESSIVE.sub("", w).casefold() for w in words]
    before = _WORD.findall(text[max(0, span.start - 40) : span.start])
    after = _WORD.findall(text[span.end : span.end + 30])
    if len(words) == 1 and (keys[0] in HEADER_WORDS or keys[0] in WEEKDAYS):
        return False  # "Sent", "Friday's number" ("Friday" is also a Census first name)
    if " - " in value or " / " in value:
        return False  # "Lunch - Fajita", "JDRF Raffle - Raffle": headings, no name holds a spaced dash
    if (
        len(words) == 1
        and keys[0] not in first_names()
        and _LABEL_START.match(text, span.end)
        and _at_line_start(text, span.start)
    ):
        return False  # "Backout: ...", "Passcode: 835951": a form's label
    if (
        span.source == SPACY
        and not written_in_lower_case(text)
        and any(w[0].islower() and k not in PARTICLES for w, k in zip(words, keys, strict=True))
    ):
        return False  # "the quarterly zebrafinch review": names are capitalised in mixed-case text
    if keys[-1] in ORG_WORDS or _org_word_follows(text, span.end):
        return False
    if keys[0] in CODENAME_CUES or (before and before[-1].casefold() in CODENAME_CUES):
        return False
    if len(words) == 1 and not is_known_name(words[0]) and _inside_noun_phrase(before, after):
        return False
    if _PLACES.fullmatch(value.strip()) and not _first_name_not_place(words, before):
        return False  # "Burkina Faso", "in Georgia" (but "I met Georgia and Stephanie")
    if len(words) > 1 and keys[0] in PLACE_PREFIXES:
        return False
    last_before = before[-1].rsplit("-", 1)[-1] if before else ""
    if last_before.casefold() in PLACE_PREFIXES and last_before[:1].isupper():
        return False  # "San Francisco" tagged as "Francisco", "(SFO-San Francisco Intl.)"
    if (
        "," in value
        and not is_known_name(words[0])
        and is_common_word(words[0])
        and not _first_name(words[1])
    ):
        return False  # "Management, May", "Administration, ENA": a list, not "Daw, Nicki"
    if _STATE_AFTER.match(text, span.end):
        return False  # "Austin, TX 78733", "Portland, Oregon"
    if len(words) == 1 and value.isupper() and len(value) <= 5 and not _alone_on_line(text, span):
        return False
    if len(words) == 1 and not is_known_name(words[0]) and is_common_word(words[0]):
        return False  # "Penalty", "Outlook"
    if (
        len(words) == 1
        and next_pos is not None
        and span.source == SPACY
        and not is_known_name(words[0])
        and next_pos.get(span.end) == "NOUN"
    ):
        return False  # "Sitara deal 490242", "Kobra curves": a word used as a modifier is a thing
    if len(words) > 1 and mostly_words(words):
        return False
    tokens = value.split()
    if len(tokens) > 1 and not value.isupper() and any(_acronym(t) for t in tokens):
        if not any(is_known_name(t) for t in tokens if not _acronym(t)):
            return False  # "JDRF Sneaker", "UBS App" (not "RICHARD A. OPPEL Jr."): a thing's name
    return not (non_person is not None and non_person(value))


def _acronym(word: str) -> bool:
    """An all-capitals word of 2+ letters that is no known name ("UBS"; not "JO", "M.", "J.C.")."""
    return (
        len(word) >= 2
        and word.isalpha()
        and word.isupper()
        and word not in _GENERATIONS
        and not is_known_name(word)
    )


def _first_name(word: str) -> bool:
    """A first name as "Last, First" writes it: capitalised, not all capitals, not a month."""
    return word[:1].isupper() and not word.isupper() and word.casefold() in first_names() - MONTH_NAMES


def _org_word_follows(text: str, end: int) -> bool:
    """ "Mickey Ferrell Realtors", "Duke Energy": a company word after the name on the same line."""
    match = _NEXT_WORD.match(text, end)
    return bool(match and match.group(1)[0].isupper() and match.group(1).casefold() in ORG_WORDS)


def _first_name_not_place(words: list[str], before: list[str]) -> bool:
    """A place name that is also a first name, not after a preposition of place."""
    return (
        len(words) == 1
        and words[0].casefold() in first_names()
        and not (before and before[-1].casefold() in PLACE_PREPOSITIONS)
    )


def mostly_words(words: list[str]) -> bool:
    """No first name, no surname that is not also a word, and every word (of 3 or more: all but
    one) a common English word: "Smart Order Routing", "Frozen Pork Bellies"."""
    evidence = any(
        w.casefold() in first_names() or (w.casefold() in surnames() and not is_common_word(w)) for w in words
    )
    common = sum(is_common_word(w) for w in words)
    return not evidence and common >= (len(words) - 1 if len(words) >= 3 else len(words))


def _inside_noun_phrase(before: list[str], after: list[str]) -> bool:
    """ "the quarterly X review": a determiner (maybe lower-case words between) and a common noun after."""
    if not after or not after[0].islower() or not is_common_word(after[0]):
        return False
    for word in reversed(before[-3:]):
        if word.casefold() in DETERMINERS:
            return True
        if not word.islower():
            return False
    return False


def _at_line_start(text: str, start: int) -> bool:
    """Nothing before ``start`` on its line but a few capitalised words ("Leader Passcode:")."""
    return bool(_LABEL_WORDS.fullmatch(text, text.rfind("\n", 0, start) + 1, start))


def _alone_on_line(text: str, span: PiiSpan) -> bool:
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    rest = text[span.end : line_end if line_end != -1 else len(text)]
    return bool(_LINE_ALONE.match(text[line_start : span.start])) and rest.strip(" \t.,!") == ""
