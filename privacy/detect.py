"""Find personal data in text: Presidio on the one shared spaCy parse.

When the caller already parsed a message (the NLP stage does, for linking),
pass its ``Doc``: Presidio gets NlpArtifacts built from it and spaCy does not
run a second time. Without a Doc we parse here, with the same pipeline, so
both paths give the same spans.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from presidio_analyzer import RecognizerResult
from spacy.attrs import IDX, LENGTH, POS

from backchannel.lexicon import curated_first_names, first_names, is_common_word, surnames
from backchannel.records import PiiSpan
from nlp import parse
from nlp.parse import clip, load_nlp
from privacy.analyzer import LANGUAGE, SharedSpacyNlpEngine, get_analyzer
from privacy.person_filter import NonPerson, credible_persons

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Spans scored below this are dropped before overlaps are resolved, so that
#: near-zero guesses (a 10-digit number as a 0.01 driver's licence) cannot
#: swallow a real finding. The policy's own min_score is applied by scrub().
DETECT_FLOOR = 0.2
PIPE_BATCH = 64
#: Texts longer than spaCy's limit are scanned in further windows that overlap
#: by this much, so that nothing straddling a window's edge escapes.
WINDOW_OVERLAP = 200

#: Types that describe rather than identify (the default policy keeps them). They
#: never win an overlap against an identifying type: a phone number that spaCy
#: also calls a DATE must be scrubbed as a phone number, not kept as a date.
DESCRIPTIVE_TYPES = frozenset({"DATE_TIME", "LOCATION", "NRP", "URL", "ORGANIZATION"})

#: First names that are also ordinary words: taken only with a capitalised surname after them.
AMBIGUOUS_FIRST_NAMES = frozenset(
    "will may mark bill grant rich sue pat art hope joy faith dawn rob drew jack chase frank gene guy ray "
    "rose iris ruby amber crystal penny sandy misty robin jay wade dale glen glenn max june april don jan "
    "dean pete lance kay lee jean christian victor earl grace holly sally miles mason kent ross norman "
    "carter hunter austin dallas jordan morgan shelby sidney lloyd pearl stella".split()
)
#: Capitalised words that follow a first name without being a surname ("Thanks Karen", "Karen Street").
NOT_SURNAMES = frozenset(
    "and or the thanks thank please regards cheers hi hello dear on at in for from to cc re fw fwd subject "
    "street st road rd avenue ave drive dr blvd suite floor north south east west america energy gas power "
    "trading desk team group company corp inc llc ltd monday tuesday wednesday thursday friday saturday "
    "sunday january february march april may june july august september october november december".split()
)
#: Labels spaCy's small model sometimes calls a PERSON (signature lines, mail headers).
NOT_NAMES = frozenset(
    "tel fax phone cell mobile pager office direct email e-mail home work re fw fwd cc bcc to from sent "
    "subject date importance".split()
)
NAME_LIST = "first-name list"  # the source of name_spans' findings
NAME_PAIR_SCORE = 0.75  # "Karen Farrow", "Farrow, Karen": a first name and a surname
LONE_NAME_SCORE = 0.6  # "ask Karen"
LOWER_NAME_SCORE = 0.5  # "talked to karen" (chat)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_SURNAME_AFTER = re.compile(r"[ \t]+(?:[A-Z]\.?[ \t]+)?((?:Mc|O'|O’)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_SURNAME_BEFORE = re.compile(r"\b((?:Mc|O'|O’)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?),[ \t]+$")
_INITIAL_AFTER = re.compile(r"[ \t]+[A-Z]\.(?![\w])")
_PIECE = re.compile(r"[^\n:]+")
#: "Layla, Harry, Michele": a list of first names, not "Farrow, Karen".
_LIST_GOES_ON = re.compile(r",[ \t]*[A-Z]|[ \t]+(?:and|&)[ \t]+[A-Z]")


class PiiDetector:
    """Presidio's analyzer with our recognizers, reused for every message."""

    def __init__(
        self,
        analyzer: AnalyzerEngine | None = None,
        *,
        floor: float = DETECT_FLOOR,
        non_person: NonPerson | None = None,
    ) -> None:
        """``non_person(text)`` says a PERSON guess is a known thing (a topic, a KB entity)."""
        self.analyzer = analyzer or get_analyzer()
        self.non_person = non_person
        engine = self.analyzer.nlp_engine
        if not isinstance(engine, SharedSpacyNlpEngine):
            raise TypeError("PiiDetector needs an analyzer from privacy.analyzer.build_analyzer()")
        self.engine = engine
        self.floor = floor

    def detect(self, text: str, doc: Doc | None = None) -> list[PiiSpan]:
        """PII spans in ``text`` (character offsets), without overlaps, sorted by start.

        ``doc`` is the shared parse of ``clip(text)``; it is made here when absent.
        """
        if doc is None:
            doc = load_nlp()(clip(text))
        doc_text = doc.text  # made from the tokens on every read: read it once
        if not text.startswith(doc_text):
            raise ValueError("doc is not a parse of this text (expected nlp(clip(text)))")
        spans = self._analyze(doc, 0, doc_text)
        # The shared parse covers the first MAX_CHARS; the (rare) rest still has to be
        # scanned, or a long message would be stored with its tail unscrubbed.
        end = len(doc_text)
        while end < len(text):
            cut = text.rfind(" ", end - WINDOW_OVERLAP, end)
            start = cut + 1 if cut > 0 else end - WINDOW_OVERLAP
            end = min(len(text), start + parse.MAX_CHARS)
            spans += self._analyze(load_nlp()(text[start:end]), start, text[start:end])
        found = credible_persons(
            text, tidy_persons(text, spans) + name_spans(text), self.non_person, _next_pos(doc)
        )
        return resolve_overlaps(found, text)

    def _analyze(self, doc: Doc, offset: int, doc_text: str) -> list[PiiSpan]:
        results = self.analyzer.analyze(
            doc_text,
            language=LANGUAGE,
            nlp_artifacts=self.engine.artifacts(doc),
            score_threshold=self.floor,
        )
        return [
            PiiSpan(
                r.start + offset,
                r.end + offset,
                r.entity_type,
                round(float(r.score), 4),
                (r.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, ""),
            )
            for r in results
        ]

    def detect_many(self, texts: Iterable[str]) -> list[list[PiiSpan]]:
        """Detect in many texts, parsing them in batches with ``nlp.pipe``."""
        texts = list(texts)
        docs = load_nlp().pipe((clip(t) for t in texts), batch_size=PIPE_BATCH)
        return [self.detect(text, doc) for text, doc in zip(texts, docs, strict=True)]


def _next_pos(doc: Doc) -> dict[int, str]:
    """End offset of each token -> the part of speech of the token after it (one array read)."""
    columns = doc.to_array([IDX, LENGTH, POS])
    if len(columns) < 2:
        return {}
    names = doc.vocab.strings
    ends = (columns[:-1, 0] + columns[:-1, 1]).tolist()
    return dict(zip(ends, (names[p] for p in columns[1:, 2].tolist()), strict=True))


def resolve_overlaps(found: Sequence[PiiSpan], text: str = "") -> list[PiiSpan]:
    """One span per stretch of text.

    Identifying types are resolved first and descriptive ones (DATE_TIME,
    LOCATION, ...) only fill the gaps, so a kept type never hides a scrubbed
    one. Within each group a span inside a longer one goes (the ``6197``
    inside a phone number, the digits inside a Slack token); of two spans
    that only partly overlap or cover the same text, the higher score wins,
    then the longer one. An identifying span that loses keeps the part the
    winner does not cover ("Jennifer Shcherbakov" of a PERSON guess that ran
    into an address): dropping it whole would leak that part.
    """
    strong = _resolve([s for s in found if s.type not in DESCRIPTIVE_TYPES], trim_in=text)
    weak = [
        w
        for w in _resolve([s for s in found if s.type in DESCRIPTIVE_TYPES])
        if not any(w.start < k.end and k.start < w.end for k in strong)
    ]
    return sorted(strong + weak, key=lambda s: s.start)


def _resolve(found: Sequence[PiiSpan], *, trim_in: str | None = None) -> list[PiiSpan]:
    """See :func:`resolve_overlaps`; with ``trim_in`` (the text) a partly covered loser keeps its rest."""
    spans = sorted(set(found), key=lambda s: (-(s.end - s.start), -s.score, s.start, s.type))
    kept: list[PiiSpan] = []
    for span in spans:  # longest first: anything contained in a kept span is dropped
        if any(k.start <= span.start and span.end <= k.end for k in kept):
            continue
        kept.append(span)
    kept.sort(key=lambda s: (-s.score, -(s.end - s.start), s.start))
    final: list[PiiSpan] = []
    for span in kept:
        overlapping = [k for k in final if span.start < k.end and k.start < span.end]
        if not overlapping:
            final.append(span)
        elif trim_in is not None and (rest := _outside(span, overlapping, trim_in)) is not None:
            final.append(rest)
    return sorted(final, key=lambda s: s.start)


def _outside(span: PiiSpan, others: Sequence[PiiSpan], text: str) -> PiiSpan | None:
    """The longest piece of ``span`` that none of ``others`` covers, without its edge punctuation
    (None: fewer than 2 letters or digits left)."""
    pieces, pos = [], span.start
    for other in sorted(others, key=lambda o: o.start):
        if other.start > pos:
            pieces.append((pos, other.start))
        pos = max(pos, other.end)
    if pos < span.end:
        pieces.append((pos, span.end))
    start, end = max(pieces, key=lambda p: p[1] - p[0], default=(0, 0))
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return replace(span, start=start, end=end) if end - start >= 2 else None


def tidy_persons(text: str, spans: Sequence[PiiSpan]) -> list[PiiSpan]:
    """PERSON spans cut at line breaks, without the pieces that hold digits or are labels ("Tel").

    spaCy's small model runs a name into the next signature line
    ("Karen Farrow\\n713-853-6197") or calls "Tel 713-853-6197" a person; such a
    span would also hide the phone number from the overlap resolution.
    """
    out: list[PiiSpan] = []
    for span in spans:
        if span.type != "PERSON":
            out.append(span)
            continue
        # a name holds no line break and no colon: "Mike \nCc: Friesenhahn" is "Mike" and "Friesenhahn"
        for piece in _PIECE.finditer(text, span.start, span.end):
            stripped = piece.group().strip()
            if stripped and not any(c.isdigit() for c in stripped) and stripped.casefold() not in NOT_NAMES:
                start = piece.start() + piece.group().index(stripped)
                out.append(PiiSpan(start, start + len(stripped), span.type, span.score, span.source))
    return out


def name_spans(text: str) -> list[PiiSpan]:
    """PERSON spans found with the first-name lexicon, for what spaCy's small model misses.

    "Karen Farrow" / "Karen K. Farrow" and "Farrow, Karen" score NAME_PAIR_SCORE;
    a lone capitalised first name LONE_NAME_SCORE; a lower-case one (chat)
    LOWER_NAME_SCORE. Names that are also ordinary words count only with a surname.
    """
    curated, names = curated_first_names(), first_names()
    found: list[PiiSpan] = []
    for m in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", m.group())
        key = word.casefold()
        if key not in names:
            continue
        start, end = m.start(), m.start() + len(word)
        if key not in curated and is_common_word(key):
            key_is_word = True  # a Census first name that is also an English word: needs a surname
        else:
            key_is_word = key in AMBIGUOUS_FIRST_NAMES
        if not word[0].isupper():
            if not key_is_word and len(key) >= 3 and word.islower():
                found.append(PiiSpan(start, end, "PERSON", LOWER_NAME_SCORE, NAME_LIST))
            continue
        found.append(_capitalised_name(text, start, end, key, key_is_word))
    return [s for s in found if s.score > 0]


def _surname_like(word: str) -> bool:
    """After a first name that is also a word ("Will", "Princess"), only a real surname makes a name."""
    return word.casefold() in surnames() or not is_common_word(word)


def _capitalised_name(text: str, start: int, end: int, key: str, ambiguous: bool) -> PiiSpan:
    """The span of a capitalised first name: with its surname if one is beside it (score 0: none)."""
    after = _SURNAME_AFTER.match(text, end)
    if (
        after
        and after.group(1).casefold() not in NOT_SURNAMES
        and (not ambiguous or _surname_like(after.group(1)))
    ):
        return PiiSpan(start, after.end(1), "PERSON", NAME_PAIR_SCORE, NAME_LIST)
    before = _SURNAME_BEFORE.search(text, max(0, start - 40), start)
    if before and before.group(1).casefold() not in NOT_SURNAMES and not _LIST_GOES_ON.match(text, end):
        initial = _INITIAL_AFTER.match(text, end)
        return PiiSpan(
            before.start(1), initial.end() if initial else end, "PERSON", NAME_PAIR_SCORE, NAME_LIST
        )
    if ambiguous or len(key) < 3:
        return PiiSpan(start, end, "PERSON", 0.0)
    return PiiSpan(start, end, "PERSON", LONE_NAME_SCORE, NAME_LIST)
