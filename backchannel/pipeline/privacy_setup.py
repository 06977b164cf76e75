"""The privacy stage as a build, ``pii detect`` and ``pii explain`` use it, from the settings.

The detector gets what the privacy package cannot know on its own (it imports
no knowledge base and no store): which capitalised words are the
organisation's own things, so that a PERSON guess on them is dropped. Those are
the names of local topics and admins' aliases, and strong knowledge-base
aliases of non-persons (an organisation, place, product, work or event) that
are no known first name or surname ("Entergy", "Hang Seng" are dropped;
"Austin" and "Sydney" stay people's names). The keep-list is the
``pii_keep_terms`` setting plus the admin's stored terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from backchannel.lexicon import is_known_name
from backchannel.settings import Settings
from privacy.keep_terms import KeepTerms, parse_terms
from privacy.scrub import name_key

if TYPE_CHECKING:
    from backchannel.store import Store
    from privacy.detect import PiiDetector

#: Knowledge-base entity types that are no person.
NON_PERSON_TYPES = frozenset({"organization", "place", "technology", "work", "event"})
#: The best candidate must be at least this likely for the surface to count as that thing.
NON_PERSON_PRIOR = 0.5


def keep_terms(settings: Settings, store: Store | None = None) -> KeepTerms:
    stored = [str(r["term"]) for r in store.keep_terms()] if store is not None else []
    return KeepTerms([*parse_terms(settings.pii_keep_terms), *stored])


def non_person_check(kb: Any | None, topic_terms: Iterable[str] = ()) -> Callable[[str], bool]:
    """``text -> bool``: the text names one of the organisation's things or a KB non-person."""
    topics = {name_key(t) for t in topic_terms if t.strip()}

    def check(text: str) -> bool:
        if name_key(text) in topics:
            return True
        words = text.split()
        if kb is None or not words or all(is_known_name(w) for w in words):
            return False
        candidates = kb.candidates(text, 3)
        if not candidates or any(c.type == "person" for c in candidates):
            return False
        best = candidates[0]
        return best.type in NON_PERSON_TYPES and best.prior >= NON_PERSON_PRIOR

    return check


def make_detector(settings: Settings, store: Store | None = None, kb: Any | None = None) -> PiiDetector:
    from privacy.detect import PiiDetector

    topics = store.topic_terms() if store is not None else []
    return PiiDetector(non_person=non_person_check(kb, topics))
