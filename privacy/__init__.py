"""PII detection and redaction: Presidio plus our recognizers, and the policy.

``detect_pii_jsonl`` is the library side of ``backchannel pii detect``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from privacy.detect import PiiDetector
    from privacy.keep_terms import KeepTerms

__all__ = ["detect_pii_jsonl"]

_CHUNK = 64


def _parse(line: str) -> tuple[Any, str | None, str | None]:
    """(id, text, error) of one input line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(item, dict):
        return None, None, "expected a JSON object with id and text"
    ident = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return ident, None, "missing or non-string field 'text'"
    return ident, text, None


def detect_pii_jsonl(
    lines: Iterable[str],
    detector: PiiDetector | None = None,
    *,
    min_score: float = 0.0,
    policy: dict[str, str] | None = None,
    keep_terms: KeepTerms | None = None,
) -> Iterator[str]:
    """``{"id", "text"}`` lines in, ``{"id", "spans": [{start, end, type, score, action}]}`` lines out.

    Offsets are character offsets into ``text``. Spans under ``min_score`` are
    left out; with a ``policy`` each span says what the build does with it
    (``redact``, ``pseudonymize`` or ``keep``: a kept type, a keep-list term).
    One output line per non-blank input line, in order; a bad line gives
    ``{"id", "error"}`` and processing goes on. Texts are parsed in batches.
    """
    from privacy.detect import PiiDetector
    from privacy.scrub import decider

    detector = detector or PiiDetector()
    it = (line for line in lines if line.strip())
    while chunk := list(islice(it, _CHUNK)):
        parsed = [_parse(line) for line in chunk]
        good = [text for _, text, err in parsed if err is None and text is not None]
        found = iter(detector.detect_many(good))
        for ident, text, err in parsed:
            if err is not None or text is None:
                yield json.dumps({"id": ident if isinstance(ident, str | int) else None, "error": err})
                continue
            action_of = decider(text, policy, min_score=min_score, keep_terms=keep_terms) if policy else None
            spans = []
            for s in next(found):
                if s.score < min_score:
                    continue
                span: dict[str, Any] = {"start": s.start, "end": s.end, "type": s.type, "score": s.score}
                if action_of is not None:
                    span["action"], _ = action_of(s)
                spans.append(span)
            yield json.dumps({"id": ident, "spans": spans}, ensure_ascii=False)
