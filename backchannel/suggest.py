""" "Did you mean": a misspelt word replaced by a close word of the index vocabulary.

Only words that no message the viewer may read contains are corrected. A
replacement is a vocabulary term (a Porter stem, as the index keeps them)
within one edit (two from five letters) of the word's own stem, the likeliest
first, and it is offered only as written in a message the viewer may read
(``Store.surface_forms``): the vocabulary is the whole index's, so a word
of a private DM is never suggested to someone outside it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from backchannel.query import ParsedQuery
from backchannel.records import Viewer
from backchannel.store import Store

#: Words shorter than this are not corrected (too many near neighbours).
MIN_LENGTH = 4
#: Candidates tried per word, most frequent first.
TRIES = 5


def max_edits(stem: str) -> int:
    return 1 if len(stem) < 5 else 2


@dataclass
class _Vocabulary:
    stamp: tuple[int, int]
    by_length: dict[int, tuple[list[str], list[int]]] = field(default_factory=dict)


_CACHE: dict[str, _Vocabulary] = {}


def _vocabulary(store: Store) -> _Vocabulary:
    """The index's terms, grouped by length, cached per database until the index changes."""
    stamp = store.vocabulary_stamp()
    cached = _CACHE.get(str(store.path))
    if cached is not None and cached.stamp == stamp:
        return cached
    grouped: dict[int, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    for term, docs in store.vocabulary():
        if term.isalpha():
            terms, counts = grouped[len(term)]
            terms.append(term)
            counts.append(docs)
    vocab = _Vocabulary(stamp, dict(grouped))
    _CACHE[str(store.path)] = vocab
    return vocab


def _closest(vocab: _Vocabulary, stem: str) -> list[str]:
    """Vocabulary terms within :func:`max_edits` of ``stem`` (a swap of two letters is one edit),
    likeliest first: an edit costs as much as a hundredfold difference in how common a word is."""
    limit = max_edits(stem)
    found: list[tuple[float, str]] = []
    for length in range(len(stem) - limit, len(stem) + limit + 1):
        terms, docs = vocab.by_length.get(length, ((), ()))
        for term, d, i in process.extract(stem, terms, scorer=OSA.distance, score_cutoff=limit, limit=None):
            if d > 0:
                found.append((d - math.log10(docs[i]) / 2, term))
    return [term for _, term in sorted(found)[:TRIES]]


def did_you_mean(store: Store, viewer: Viewer, text: str, query: ParsedQuery) -> str:
    """``text`` with its misspelt words corrected, or "" when there is nothing to correct."""
    words = sorted(
        {w.casefold() for p in query.phrases for w in p.split() if len(w) >= MIN_LENGTH and w.isalpha()}
    )
    unknown = [w for w in words if not store.surface_forms(viewer, w, limit=1)]
    if not unknown:
        return ""
    vocab = _vocabulary(store)
    replacements: dict[str, str] = {}
    for word, stem in store.stems(unknown).items():
        for term in _closest(vocab, stem):
            forms = store.surface_forms(viewer, term)
            if forms:  # as written in a message the viewer may read, the form nearest the typed word
                replacements[word] = min(forms, key=lambda f: (OSA.distance(word, f), f))
                break
    if not replacements:
        return ""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, replacements)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: replacements[m.group(0).casefold()], text)
