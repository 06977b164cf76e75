"""Street addresses, US and international, on one line or several.

A street line is found first, in one of the shapes addresses take:

* number, name, street type: ``1400 Smith Street``, ``4589 40th Street`` (US, UK, AU);
* street type, name, number: ``Via Carlo Cattaneo 130``, ``Rue de la Sarthe 421``,
  ``ul. Karpacka 69``, or the number first: ``40 rue Victor Hugo``;
* a name ending in a street type, number: ``Schaarsteinweg 58``, ``Hulsterdreef 100``,
  ``Gosposka ulica 47``;
* P.O. boxes, military addresses (``PSC 7004, Box 8380`` / ``APO AP 11949``), "the corner
  of X and Y";
* number, name, number with nothing else to go on (``56 Canelones 2266``): this one
  only counts when the lines after it read as the rest of an address, or the text
  says an address comes ("my address is", "ship to", "lives at").

Then the span grows over what follows the street in the same block, separated by
commas, spaces or line breaks (quote marks allowed): units (``Apt. 305``,
``Suite 3500``), a town, a region or state, a postcode, a country. A town alone at
the end of the block is left out (``PO Box 4321, Houston``): a place name is not
personal data, the postcode and country are what tie the rest together. The
words "200 Enron employees" or "2001 Annual Report" are not an address: no street
type, and nothing after them reads as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from backchannel.lexicon import written_in_lower_case
from privacy.recognizers.address_words import (
    COMPOUNDS,
    MORE_SUFFIXES,
    PARTICLES,
    PREFIXES,
    STATE_NAMES,
    SUFFIXES,
    UNIT,
    US_STATES,
    country_pattern,
)
from privacy.recognizers.base import RegexRecognizer, Rule

_START = r"(?<![\w$.,:/#-])"
_NUMBER = r"(?:\d{1,4}/)?\d{1,5}(?:-?[A-Za-z](?![\w]))?"  # "1/79": unit 1, number 79
#: A house number after the street's name: "5-2", "3b/5", "No. 33" as well.
_HOUSE = r"(?:(?:No\.|N°|Nº|N\.º)[ ]?)?\d{1,5}(?:[A-Za-z]|[/-]\d{1,4}[A-Za-z]?)?(?![\w])"
_WORD = r"[^\W\d_][\w'’]*\.?"  # letters of any script, any case (checked by _case_ok)
_NAME_WORD = rf"(?:{_WORD}|\d{{1,3}}(?:st|nd|rd|th))"
#: "415 W 22 Street"; never a small word that starts a phrase ("415 W 22 Street in the Heights")
_STREET_NAME_WORD = (
    rf"(?!(?:in|the|at|on|to|for|and|or|of|is|a|an|with|from|by)[ ])(?:{_WORD}|\d{{1,3}}(?:st|nd|rd|th)?)"
)
_DIRECTION = r"(?:[NSEW]\.?|North|South|East|West|[NS][EW]\.?)"
_POSTCODE = (
    r"(?:\d{5}-\d{4}|\d{4,5}-\d{3}|\d{3}[ ]\d{2}|\d{2}-\d{3}|\d{4}[ ]?[A-Z]{2}(?![\w])"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|\d{4,6})(?![\w-])"
)
_UNIT_PART = rf"{UNIT}\.?[ ]?\#?[ ]?[A-Z0-9][A-Z0-9-]{{0,5}}\b"

#: Words that do not appear inside a street or place name: a sentence has begun.
_STOP_WORDS = frozenset(
    """a all also am an and any are as at be been but by can could did does for from had has have he her
    here his how i if in into is it its last me more my next night no not now of off on once one or our
    out over please she so some than that the their them then there these they this those to too two up
    us very was we were what when where which who will with would you your days week weeks year years
    today tomorrow yesterday morning evening time times""".split()
)
#: A name word that is not one of those ("40 rue Victor Hugo| last night").
_NOT_STOP = rf"(?!(?i:{'|'.join(sorted(_STOP_WORDS, key=len, reverse=True))})\b)"

# Street lines. Named groups tell which shape matched (its evidence on its own).
_STREETS = re.compile(
    # every shape starts with a digit, or P(.O.)/Post, PSC/CMR/Unit, US(S...), the corner, a Colombian
    # street type, a UK flat, an Indian house number, R. and Ruta: a cheap first test
    r"(?=[\dPpUuCcTtADFHKSR])(?:"
    + "|".join(
        [
            # 1400 Smith Street [N] — the commonest US/UK form
            rf"(?P<suffixed>{_START}{_NUMBER}[ ](?:{_DIRECTION}[ ])?(?!United Way)"
            rf"(?:{_STREET_NAME_WORD}[ ]){{1,4}}"
            rf"(?i:{SUFFIXES}|{MORE_SUFFIXES})\b\.?(?:[ ]{_DIRECTION}\b\.?)?)",
            # 40 rue Victor Hugo (the other prefixed and the compound shapes: _anchored_streets)
            rf"(?P<numbered_prefixed>{_START}{_NUMBER}[ ](?i:{PREFIXES})(?:[ ]|(?<=/))"
            rf"{_NOT_STOP}{_NAME_WORD}(?:[ ]?{_NOT_STOP}{_NAME_WORD}){{0,4}}\b)",
            # P.O. Box 1188 / Post Office Box 2511 / PSC 7004, Box 8380
            r"(?P<box>\b(?i:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box|(?:PSC|CMR|Unit)[ ]\d{1,5},?[ ]Box)"
            r"\s?\#?\d{1,7}\b)",
            r"(?P<ship>\b(?i:US[A-Z]{1,3})[ ](?:[^\W\d_][\w]*[ ]?){1,3}(?=\n[ \t]*(?i:FPO|APO|DPO)\b))",
            # the corner of Auenweg 85 and Kesä Street
            rf"(?P<corner>\b(?i:the[ ])?(?i:corner)[ ]of[ ][^\n,;]{{3,60}}?[ ](?:and|&)[ ]"
            rf"(?:(?:{_NAME_WORD}[ ]){{0,3}}?(?i:{SUFFIXES})\b\.?|{_NAME_WORD}(?:[ ]{_NAME_WORD})?))",
            # Calle 122T # 20-28 Este / Cra. 9ª # 64-74 Sur (Colombia: street, "#", cross street, house)
            r"(?P<hash>\b(?:Calle|Cl|Carrera|Cra|Kr|Avenida|Av|Diagonal|Dg|Transversal|Tv|Tr)\.?[ ]\d{1,3}"
            r"[A-Za-zª]{0,2}(?:[ ]Bis)?[ ]?\#[ ]?\d{1,3}[A-Za-z]?-\d{1,3}"
            r"(?:[ ](?:Sur|Este|Norte|Oeste))?\b)",
            # Studio 35l / Hale Port, Flat 3 / Smith Road (UK: the flat on its own line above the street)
            rf"(?P<unit_first>\b(?:Flat|Studio|Apartment|Unit)[ ]\d{{1,4}}[A-Za-z]?[ \t]*\n[ \t]*"
            rf"(?:{_STREET_NAME_WORD}[ ]){{1,3}}(?i:{SUFFIXES}|{MORE_SUFFIXES})\b\.?)",
            # H.No. 55, Mukhopadhyay Marg (India: the house number first)
            r"(?P<house_no>\bH\.[ ]?No\.[ ]?\d{1,5}[A-Za-z]?(?:/\d{1,4})?\b)",
            # R. Alexandra Lopes, 62 (Portugal's "Rua" shortened: needs a postcode and town after it)
            rf"(?P<rua>\bR\.[ ](?:(?:{_NAME_WORD})[ ]){{0,3}}{_NAME_WORD},[ ]\d{{1,5}}[A-Za-z]?\b)",
            # Ruta 5 Sur, km 203 (a house on a highway, Chile and Argentina)
            r"(?P<ruta>\bRuta[ ][A-Z]?-?\d{1,3}(?:[ ](?:Sur|Norte|Este|Oeste))?,[ ]km[ ]\d{1,4}\b)",
            # 56 Canelones 2266 / 262 Pavlou Drandaki: needs the rest of an address after it
            rf"(?P<bare>{_START}{_NUMBER}[ ](?:\d{{1,5}}[ ])?(?:{_NAME_WORD}[ ]){{0,3}}{_NAME_WORD}"
            rf"(?:[ ]{_NUMBER}\b\.?)?)",
        ]
    )
    + ")"
)

# Streets whose type word is a prefix ("Via Carlo Cattaneo 130", "ul. Karpacka 69") or the end of
# the name ("Schaarsteinweg 58", "Gosposka ulica 47"). Scanning the text with these two patterns
# cost 2.8 ms a message (the name words before a compound ending are tried at every position),
# so they are matched only where a word is a street-type prefix, or ends like a street type
# right before a number.
_PREFIXED_AT = re.compile(
    rf"(?:{_NUMBER},?[ ])?(?i:{PREFIXES})(?:[ ]|(?<=/))"
    rf"(?:{_NAME_WORD}[ ]){{0,5}}?{_NAME_WORD},?[ ]{_HOUSE}\.?"
)
#: "rue Lebrun" / "32, avenue Alexandrie Boyer": no number after the name; counts only when a
#: postcode and town (or a region or country) follow.
_PREFIXED_UNNUMBERED_AT = re.compile(
    rf"(?:{_NUMBER},?[ ])?(?i:{PREFIXES})[ ](?:{_NAME_WORD}[ ]){{0,3}}?{_NAME_WORD}(?=[ \t]*[,\n])"
)
_COMPOUND_WORD = (
    rf"(?:[^\W\d_]+\.?-)*[^\W\d_]*(?i:{COMPOUNDS})"  # "Gordon-Schmiedt-Platz", "D.-Geisel-Straße"
)
_COMPOUND_AT = re.compile(rf"(?:{_NUMBER}[ ])?(?:{_WORD}[ ]){{0,3}}{_COMPOUND_WORD}[ ]{_HOUSE}\.?")
#: "606 Stegerplatz", "2 Tivolska cesta": the number first, then a name ending in a street type.
_NUMBER_COMPOUND_AT = re.compile(rf"{_NUMBER},?[ ](?:{_WORD}[ ]){{0,3}}{_COMPOUND_WORD}(?![\w'’-])\.?")
#: "Ilica 0a", "Solbergtjernet 1", "Gang Wonoayu No. 1": a name and a house number and nothing
#: else; counts only when a postcode and town (or a region or country) follow.
_HOUSE_THEN_NEXT_PART = re.compile(rf"{_HOUSE}[ \t]*[,\n]")
_NAME_NUMBER_AT = re.compile(rf"(?:{_NAME_WORD}[ ]){{0,3}}{_NAME_WORD}[ ]{_HOUSE}")
_ANCHOR_WORDS = re.compile(r"(?<![\w'’])[^\W\d_][\w'’]*[./]?")
_PREFIX_WORD = re.compile(rf"(?i:{PREFIXES})(?:[ ]|(?<=/))")
_PREFIX_SET = frozenset(p.replace("\\.", ".").casefold() for p in PREFIXES.split("|"))
_NUMBER_START = re.compile(r"(?<![\w$.,:/#-])\d")
_WORD_THEN_NUMBER = re.compile(r"(?<=[^\W\d_.]|\.) (?=\d)")
_COMPOUND_ENDINGS = tuple(c.replace("\\.", ".").casefold() for c in COMPOUNDS.split("|"))
_SHAPE_SCORE = {
    "suffixed": 0.9,
    "prefixed": 0.85,
    "numbered_prefixed": 0.85,
    "compound": 0.85,
    "number_compound": 0.85,
    "box": 0.9,
    "ship": 0.85,
    "corner": 0.85,
    "hash": 0.9,
    "unit_first": 0.9,
    "house_no": 0.85,
    "rua": 0.0,
    "ruta": 0.9,
    "bare": 0.0,
    "name_number": 0.0,
    "prefixed_unnumbered": 0.0,
}
#: Shapes that are an address only with strong evidence after them (a postcode and town, a
#: region and postcode, a country or a unit), not a cue word alone.
_NEEDS_PLACE = frozenset({"name_number", "prefixed_unnumbered", "rua"})
#: What may follow a street line, after a comma, a line break (quote marks allowed) or a space or two.
_SEPARATOR = re.compile(r",[ \t]*|[ \t]*\n(?:[ \t]*[>?*|]+)?[ \t]*|[ ]{1,2}")
#: Parts that may follow after spaces alone (a town or postcode needs a comma or a new line).
_AFTER_SPACES = frozenset({"unit", "military", "region_postcode", "country"})
#: A part ends the line, the clause, or runs into the next part.
_PART_END = re.compile(r"[ \t]*(?:[,;\n]|\.?(?:\s|$)|$)|[ ]{1,2}\S")
_YEAR = re.compile(r"19\d{2}|20[0-3]\d")  # 2043 is a postcode sooner than a year
_MONTHS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june july august "
    "september october november december q1 q2 q3 q4".split()
)
_PARTS = {
    "unit": re.compile(_UNIT_PART),
    "military": re.compile(r"(?i:APO|FPO|DPO)[ ](?i:AA|AE|AP)[ ]\d{5}\b"),
    "region_postcode": re.compile(
        rf"(?:(?:{'|'.join(US_STATES)})\.?|(?:{STATE_NAMES})|[A-Z]{{2,3}}),?[ ]{{1,2}}{_POSTCODE}"
    ),
    "country": re.compile(rf"(?i:{country_pattern()})(?:[ ]{{1,2}}{_POSTCODE})?(?![\w])"),
    "postcode_locality": re.compile(rf"{_POSTCODE}[ ]{{1,2}}(?:{_WORD}[ -]){{0,3}}{_WORD}(?![\w])"),
    "postcode": re.compile(_POSTCODE),
    "locality": re.compile(
        rf"(?:{_WORD}[ -]){{0,3}}{_WORD}"
        rf"(?:,?[ ]{{1,2}}(?:[A-Za-z]{{2,3}}\.?,?[ ]{{1,2}})?{_POSTCODE})?(?![\w])"
    ),
}
#: Parts that show the block is an address (a town alone does not).
_EVIDENCE = frozenset({"unit", "military", "region_postcode", "country", "postcode", "postcode_locality"})
#: Evidence enough for a street line that shows no street type (_NEEDS_PLACE).
_STRONG_EVIDENCE = frozenset({"unit", "region_postcode", "country", "postcode_locality", "locality_postcode"})
_LOCALITY_HAS_POSTCODE = re.compile(rf"{_POSTCODE}$")
_UNIT_BEFORE = re.compile(rf"(?:{_UNIT_PART}[ ,]+)?(?:\d{{1,5}}[ ])?$")
#: Words ending like a street type that are ordinary English ("Spring 2001", "Brigade 7").
_NOT_STREETS = frozenset("spring string during king brigade arcade offstring".split())
#: An address is announced: "my address is", "ship it to", "lives at", "office is at".
_CUE = re.compile(
    r"(?i:\baddress(?:es)?\b|\b(?:sent|send|ship|shipped|mail|mailed|deliver|delivered|post|posted|moved|move"
    r"|moving|forward|forwarded|return|returned|drive|driving|go|going|come|coming|taxi|cab|directions"
    r"|shipping|sending|mailing|delivering|posting|bring|bringing|drop|dropped|transfer|transferred|relocate"
    r"|relocated|relocating|invoice|bill|billed)"
    r"(?:\s\w+){0,2}\s(?:to|at)\b"
    r"|\b(?:live|lives|lived|living|located|reside|resides|resided|stay|staying|stayed|based|is|are|was|were"
    r"|arrived|arrive|arriving|meet|meeting|find|found|visit|visiting)(?:\s\w+)?\s(?:at|on|in)\b"
    r"|\bhere (?:it is|they are)\b)[^\n\d]{0,20}$"
)
#: "his address: 818 Thomas, Mahikeng": the word itself, right before a number and a name.
_ADDRESS_WORD = re.compile(r"(?i:\baddress(?:es)?\b)(?:\s(?:is|was|will be|now))?[ \t]*:?[ \t]*\n?[ \t]*$")
_DIGIT = re.compile(r"\d")
#: The rest of the address follows after a comma or on the next line.
_MORE_SUFFIX = re.compile(rf"(?i:{MORE_SUFFIXES})\.?$")
_REGION_CODE = re.compile(r"[A-Z]{2,3}\.?")
_US_ZIP = re.compile(r"\d{5}(?:-\d{4})?")  # "6201 Meadow Lake 77057"
_ON_NEXT_PART = re.compile(r"[ \t]*(?:,|\n)")
_HOUSE_NUMBER_BEFORE = re.compile(rf"(?<![\w$.,:/#-]){_NUMBER},?[ ]$")


@dataclass
class _Found:
    start: int
    end: int
    score: float


class StreetAddressRecognizer(RegexRecognizer):
    """A street line (several shapes, see the module) and the rest of its address block."""

    ENTITY = "STREET_ADDRESS"
    RULES = (
        Rule("suite", r"(?<!Office )\b(?:Suite|Ste\.|Apt\.?|Apartment)\s?\#?\d{1,5}[A-Z]?\b", 0.6, flags=0),
        Rule(
            "postcode after its label",
            rf"\b(?i:zip|zip\s?code|postal\s?code|post\s?code|postcode)\b\s?(?:is|:|=|\#)?\s?(?P<value>{_POSTCODE})",
            0.85,
            flags=0,
        ),
    )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        found = [_Found(r.start, r.end, r.score) for r in super().analyze(text, entities, nlp_artifacts)]
        lower_text = written_in_lower_case(text)
        streets = [(m.lastgroup or "bare", m) for m in _scanned_streets(text)]
        streets += _anchored_streets(text, lower_text)
        for shape, match in streets:
            start, end = match.span()
            street = match.group()
            strict = _plausible_street(street, shape, lower_text)
            if not (strict or _plausible_street(street, shape, lower_text, lenient=True)):
                continue
            end, evidence = _extend_block(text, end, lower_text)
            if (shape in _NEEDS_PLACE or not strict) and not (
                evidence & _STRONG_EVIDENCE and _ON_NEXT_PART.match(text, match.end())
            ):
                continue  # "Ilica 0a\n38056 Đurđevac", not "Buys 4 U.S." or "Risk 2002 USA"
            if shape == "suffixed" and not evidence and _YEAR.fullmatch(street.split()[0]):
                if _MORE_SUFFIX.search(street):
                    continue  # "1998 Thunder Mountain": a wine's vintage, not a house number
            score = _SHAPE_SCORE[shape]
            if shape == "prefixed" and lower_text and not street[0].isdigit() and not evidence:
                continue  # "sent via email 3 times": in lower-case chat a prefix word alone proves little
            if shape == "bare":
                # "56 Canelones 2266", not "2000 Migration Mailbox"
                numbered = _DIGIT.match(street.split()[-1])
                cued = numbered and _CUE.search(text, max(0, start - 60), start)
                if not (evidence or cued or _ADDRESS_WORD.search(text, max(0, start - 30), start)):
                    continue
                score = 0.85
            # "Apt. 434 40 Rue de la Sarthe 421": a unit and a building number before the street
            before = _UNIT_BEFORE.search(text, text.rfind("\n", 0, start) + 1, start)
            start = before.start() if before and before.group().strip() else start
            found.append(_Found(start, end, max(score, 0.9 if evidence else 0)))
        return [self._result(f.start, f.end, f.score) for f in _merge(found)]


def _scanned_streets(text: str) -> list[re.Match[str]]:
    """Street lines of the cheap-to-scan shapes; after a rejected one, a shorter one may start inside it."""
    out, pos = [], 0
    while match := _STREETS.search(text, pos):
        out.append(match)
        pos = match.start() + 1
    return out


def _anchored_streets(text: str, lower_text: bool) -> list[tuple[str, re.Match[str]]]:
    """Prefixed and compound street lines, matched only at words that can start or end them."""
    out: list[tuple[str, re.Match[str]]] = []
    for word in _ANCHOR_WORDS.finditer(text):
        if word.group().casefold() not in _PREFIX_SET or not _PREFIX_WORD.match(text, word.start()):
            continue
        starts = [_number_before(text, word.start()), word.start()]
        out += _first_match(_PREFIXED_AT, text, starts, "prefixed", lower_text)
        if _PREFIXED_UNNUMBERED_AT.match(text, word.start()):
            out += _first_match(_PREFIXED_UNNUMBERED_AT, text, starts, "prefixed_unnumbered", lower_text)
    for gap in _WORD_THEN_NUMBER.finditer(text):  # "Schaarsteinweg| 58"
        line_start = text.rfind("\n", 0, gap.start()) + 1
        word_start = max(text.rfind(" ", line_start, gap.start()) + 1, line_start)
        earlier = [
            m.start() for m in _ANCHOR_WORDS.finditer(text, max(line_start, word_start - 60), word_start)
        ]
        earlier = earlier[-3:]
        if text[word_start : gap.start()].casefold().endswith(_COMPOUND_ENDINGS):
            starts = [_number_before(text, s) for s in earlier[:1]] + earlier + [word_start]
            out += _first_match(_COMPOUND_AT, text, starts, "compound", lower_text)
        elif _HOUSE_THEN_NEXT_PART.match(text, gap.end()):  # "Ilica 0a\n...", "Gang Wonoayu No. 1,"
            starts = earlier if text[word_start : gap.start()] == "No." else [*earlier, word_start]
            out += _first_match(_NAME_NUMBER_AT, text, starts, "name_number", lower_text)
    for word in _ANCHOR_WORDS.finditer(text):  # "606 Stegerplatz", "2 Tivolska cesta"
        if not word.group().casefold().rstrip(".").endswith(_COMPOUND_ENDINGS):
            continue
        line_start = text.rfind("\n", 0, word.start()) + 1
        numbers = [
            m.start() for m in _NUMBER_START.finditer(text, max(line_start, word.start() - 50), word.start())
        ]
        if numbers:
            out += _first_match(_NUMBER_COMPOUND_AT, text, numbers[-2:], "number_compound", lower_text)
    return out


def _number_before(text: str, pos: int) -> int:
    """Where a house number right before ``pos`` starts ("40 rue ..."), or ``pos``."""
    match = _HOUSE_NUMBER_BEFORE.search(text, max(0, pos - 8), pos)
    return match.start() if match else pos


def _first_match(
    regex: re.Pattern[str], text: str, starts: list[int], shape: str, lower_text: bool
) -> list[tuple[str, re.Match[str]]]:
    """The match from the earliest start that makes a plausible street."""
    for start in sorted(set(starts)):
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "$.,:/#-"):
            continue  # the same boundary as _START
        match = regex.match(text, start)
        if match and _plausible_street(match.group(), shape, lower_text, lenient=True):
            return [(shape, match)]
    return []


def _case_ok(words: list[str], lower_text: bool) -> bool:
    """Name words are capitalised (or upper case), except small particles; any case in all-lower text."""
    if lower_text:
        return True
    return all(w[0].isupper() or w[0].isdigit() or w.casefold() in PARTICLES for w in words if w)


def _plausible_street(street: str, shape: str, lower_text: bool, lenient: bool = False) -> bool:
    """Whether ``street`` reads as the street line of its shape. ``lenient``: a capitalised first
    name word is enough for the shapes whose languages write the rest in lower case ("Za progo
    7c", "Ulica padlých hrdino 194"); such a street needs a postcode and town after it."""
    words = [w for w in re.split(r"[ \n]+", street) if w and not _DIGIT.match(w) and w != "No."]
    if shape == "corner":  # "the corner of Auenweg 85 and Kesä Street": no sentence, a house number
        inner = street.split(" of ", 1)[1].replace(" and ", " ").replace(" & ", " ")
        stop = any(w.casefold().rstrip(".") in _STOP_WORDS for w in inner.split())
        return not stop and bool(_DIGIT.search(inner))
    if shape in ("box", "ship", "hash", "house_no", "ruta"):
        return True
    if any(_is_stop_word(w, lower_text) for w in words):
        return False
    if shape == "compound" and any(w.casefold() in _NOT_STREETS for w in words):
        return False
    if shape == "bare" and not words:
        return False  # "250 300 4500 5000": numbers, no street name
    if shape in ("bare", "name_number") and (
        any(w.casefold().rstrip(".") in _MONTHS for w in words) or _YEAR.fullmatch(street.split()[-1])
    ):
        return False  # "100 Index Dec 2001", "Terms expiring 2004"
    if shape == "number_compound":
        # "606 Stegerplatz", "2 Tivolska cesta"; not "3 menu." or "2 weeks" (the name must be more
        # than its street-type ending, and capitalised)
        last = words[-1].casefold().rstrip(".")
        ending = max((e for e in _COMPOUND_ENDINGS if last.endswith(e)), key=len, default="")
        if words[-1][0].islower():  # a street-type word of its own ("cesta"), not "withdrawal"
            if last != ending or len(words) == 1:
                return False
        elif len(last) < len(ending) + 3:
            return False
        if any(w.casefold() in _NOT_STREETS for w in words):
            return False
        return _case_ok(words if len(words) == 1 else words[:-1], lower_text=False)
    # the street type itself may be written in lower case ("ul. Karpacka", "Gosposka ulica")
    if shape == "compound":
        words = words[:-1]
    elif shape in ("prefixed", "numbered_prefixed", "prefixed_unnumbered"):
        words = [w for w in words if not re.fullmatch(rf"(?:{PREFIXES})", w, re.I)]
    if lenient and shape in ("prefixed", "name_number"):
        return _case_ok(words[:1], lower_text)  # "Za progo 7c"
    return _case_ok(words, lower_text)


def _is_stop_word(word: str, lower_text: bool) -> bool:
    """A word no street name holds; a capital letter alone is an initial ("9211 I Sanchez Avenue")."""
    if not lower_text and len(word.rstrip(".")) == 1 and word[0].isupper():
        return False
    return word.casefold().rstrip(".") in _STOP_WORDS


def _extend_block(text: str, end: int, lower_text: bool) -> tuple[int, frozenset[str]]:
    """Where the address that starts with a street line ending at ``end`` ends, and the parts
    after the street that show it is an address (a unit, postcode, region or country)."""
    parts: list[tuple[int, str | None]] = []  # (end, the kind of evidence or None)
    pos = end
    for _ in range(6):
        sep = _SEPARATOR.match(text, pos)
        if sep is None:
            break
        at = sep.end()
        spaces_only = not ("\n" in sep.group() or "," in sep.group())
        for kind, regex in _PARTS.items():
            part = regex.match(text, at)
            if part is None or part.end() == at:
                continue
            part_text, part_end = part.group(), part.end()
            if kind in ("locality", "postcode_locality"):
                part_text = _before_stop_word(part_text)  # "38056 Đurđevac| last night"
                part_end = at + len(part_text)
            if not _PART_END.match(text, part_end):
                continue
            zip_after_street = kind == "postcode" and not parts and _US_ZIP.fullmatch(part_text)
            if (
                spaces_only
                and kind not in _AFTER_SPACES
                and not (kind == "locality" and parts)
                and not zip_after_street
            ):
                continue  # "Suite 498 Curitiba": a town after a unit, on the same line
            if kind in ("postcode", "postcode_locality") and _YEAR.fullmatch(part_text.split()[0]):
                continue
            if kind in ("locality", "postcode_locality"):
                words = part_text.replace(",", " ").split()
                letters = [w for w in words if not _DIGIT.match(w)]
                if len(part_text) > 40 or not letters:
                    continue
                if len(words) > 2 and _DIGIT.match(words[-1]) and len(words[-2]) <= 3:
                    letters = letters[:-1]  # a region code before the postcode, any case ("ON", "nan")
                if not _case_ok(letters, lower_text):
                    continue
            if kind == "locality" and parts and parts[-1][1] == "postcode" and "\n" in sep.group():
                parts[-1] = (parts[-1][0], "postcode_locality")  # "Seppering 822\n9054\nBellem"
                parts.append((part_end, "postcode_locality"))
            elif kind == "locality":
                postcode = _LOCALITY_HAS_POSTCODE.search(part_text)
                # "Sydney, NSW, 2000": after a region code a year-like number is a postcode
                after_region = len(words) > 2 and _REGION_CODE.fullmatch(words[-2])
                has_postcode = bool(postcode and (after_region or not _YEAR.fullmatch(postcode.group())))
                parts.append((part_end, "locality_postcode" if has_postcode else None))
            else:
                parts.append((part_end, kind if kind in _EVIDENCE else None))
            pos = part_end
            break
        else:
            break
    while parts and parts[-1][1] is None:  # a trailing town alone is not kept
        parts.pop()
    if not parts:
        return end, frozenset()
    return parts[-1][0], frozenset(kind for _, kind in parts if kind)


def _before_stop_word(part: str) -> str:
    """``part`` up to the first word that cannot be in a place name ("Đurđevac last night" -> "Đurđevac")."""
    words = part.split(" ")
    for i, word in enumerate(words):
        if word.casefold().rstrip(".,") in _STOP_WORDS:
            return " ".join(words[:i]).rstrip(" ,-")
    return part


def _merge(found: list[_Found]) -> list[_Found]:
    """Overlapping findings become one span with the best score."""
    out: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if out and f.start < out[-1].end:
            out[-1].end = max(out[-1].end, f.end)
            out[-1].score = max(out[-1].score, f.score)
        else:
            out.append(_Found(f.start, f.end, f.score))
    return out
