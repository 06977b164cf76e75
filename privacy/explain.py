"""Why a text is scrubbed the way it is: every span, its recognizer, score and the policy's action.

``backchannel pii explain`` and the admin page's "Explain" form show this, so an
admin can see why a word was redacted (and add it to the keep-list). The text
is the admin's own input; it is shown back to them and never logged.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from privacy.detect import PiiDetector
from privacy.keep_terms import KeepTerms
from privacy.scrub import decider


@dataclass(frozen=True)
class Explained:
    """One detected span and what the policy does with it."""

    start: int
    end: int
    text: str
    type: str
    score: float
    recognizer: str
    action: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return dict(vars(self))


def explain(
    text: str,
    detector: PiiDetector,
    policy: dict[str, str],
    *,
    min_score: float,
    keep_terms: KeepTerms | None = None,
    keep_names: Collection[str] = (),
) -> list[Explained]:
    """Every span the detector reports in ``text`` (also those under ``min_score``), in order."""
    action_of = decider(text, policy, min_score=min_score, keep_names=keep_names, keep_terms=keep_terms)
    out = []
    for span in detector.detect(text):
        action, reason = action_of(span)
        out.append(
            Explained(
                span.start, span.end, text[span.start : span.end], span.type, span.score,
                span.source or "unknown", action, reason,
            )
        )  # fmt: skip
    return out
