"""Find personal data in text: Presidio on the one shared spaCy parse.

When the caller already parsed a message (the NLP stage does, for linking),
pass its ``Doc``: Presidio gets NlpArtifacts built from it and spaCy does not
run a second time. Without a Doc we parse here, with the same pipeline, so
both paths give the same spans.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from backchannel.records import PiiSpan
from nlp import parse
from nlp.parse import clip, load_nlp
from privacy.analyzer import LANGUAGE, SharedSpacyNlpEngine, get_analyzer

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


class PiiDetector:
    """Presidio's analyzer with our recognizers, reused for every message."""

    def __init__(self, analyzer: AnalyzerEngine | None = None, *, floor: float = DETECT_FLOOR) -> None:
        self.analyzer = analyzer or get_analyzer()
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
        elif not text.startswith(doc.text):
            raise ValueError("doc is not a parse of this text (expected nlp(clip(text)))")
        spans = self._analyze(doc, 0)
        # The shared parse covers the first MAX_CHARS; the (rare) rest still has to be
        # scanned, or a long message would be stored with its tail unscrubbed.
        end = len(doc.text)
        while end < len(text):
            cut = text.rfind(" ", end - WINDOW_OVERLAP, end)
            start = cut + 1 if cut > 0 else end - WINDOW_OVERLAP
            end = min(len(text), start + parse.MAX_CHARS)
            spans += self._analyze(load_nlp()(text[start:end]), start)
        return resolve_overlaps(spans)

    def _analyze(self, doc: Doc, offset: int) -> list[PiiSpan]:
        results = self.analyzer.analyze(
            doc.text,
            language=LANGUAGE,
            nlp_artifacts=self.engine.artifacts(doc),
            score_threshold=self.floor,
        )
        return [
            PiiSpan(r.start + offset, r.end + offset, r.entity_type, round(float(r.score), 4))
            for r in results
        ]

    def detect_many(self, texts: Iterable[str]) -> list[list[PiiSpan]]:
        """Detect in many texts, parsing them in batches with ``nlp.pipe``."""
        texts = list(texts)
        docs = load_nlp().pipe((clip(t) for t in texts), batch_size=PIPE_BATCH)
        return [self.detect(text, doc) for text, doc in zip(texts, docs, strict=True)]


def resolve_overlaps(found: Sequence[PiiSpan]) -> list[PiiSpan]:
    """One span per stretch of text.

    A span inside a longer one goes (the ``6197`` that spaCy calls a date
    inside a phone number, the digits inside a Slack token); of two spans
    that only partly overlap or cover the same text, the higher score wins,
    then the longer one.
    """
    spans = sorted(set(found), key=lambda s: (-(s.end - s.start), -s.score, s.start, s.type))
    kept: list[PiiSpan] = []
    for span in spans:  # longest first: anything contained in a kept span is dropped
        if any(k.start <= span.start and span.end <= k.end for k in kept):
            continue
        kept.append(span)
    kept.sort(key=lambda s: (-s.score, -(s.end - s.start), s.start))
    final: list[PiiSpan] = []
    for span in kept:
        if any(span.start < k.end and k.start < span.end for k in final):
            continue
        final.append(span)
    return sorted(final, key=lambda s: s.start)
