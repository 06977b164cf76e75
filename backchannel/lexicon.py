"""Name and word lists the privacy and NLP stages consult, loaded once per process.

Shared by both, so it lives here in the base layer (``privacy`` and ``nlp`` do not import each
other).

* First names: ours (``first_names.txt``, common US names written for this
  project) and the US Census 1990 first-name lists (5,163 names; public-domain
  data, as packaged by the PyPI package ``names``).
* Surnames: the Census 1990 surname list, its most frequent :data:`SURNAME_RANKS`
  (they cover most of the US population; rarer entries include ordinary words
  such as "Trader" or "Dates").
* Common English words: ``wordfreq``'s English frequencies (Zipf scale: 3 is
  about once per million words). A capitalised common word that is no known
  name needs more evidence before it is called a person.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

FIRST_NAMES_FILE = Path(__file__).with_name("first_names.txt")
#: Census surnames up to this frequency rank count as names.
SURNAME_RANKS = 5000
#: Zipf frequency from which a word counts as common English.
COMMON_ZIPF = 3.0


def _census(name: str) -> list[str]:
    """One Census list (``dist.male.first`` ...), most frequent first, lower case."""
    text = resources.files("names").joinpath(name).read_text(encoding="utf-8")
    return [line.split()[0].casefold() for line in text.splitlines() if line.strip()]


@functools.cache
def curated_first_names() -> frozenset[str]:
    """Our own first-name list (backchannel/first_names.txt), lower case."""
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


@functools.cache
def first_names() -> frozenset[str]:
    """Ours and the Census first names, lower case."""
    return curated_first_names() | frozenset(_census("dist.male.first") + _census("dist.female.first"))


@functools.cache
def surnames() -> frozenset[str]:
    """The :data:`SURNAME_RANKS` most frequent Census surnames, lower case."""
    return frozenset(_census("dist.all.last")[:SURNAME_RANKS])


def is_known_name(word: str) -> bool:
    key = word.casefold().strip(".'’")
    return key in first_names() or key in surnames()


@functools.lru_cache(maxsize=65_536)
def is_common_word(word: str) -> bool:
    """Frequent in English text (any sense), by wordfreq."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.casefold(), "en") >= COMMON_ZIPF


def written_in_lower_case(text: str) -> bool:
    """Text without a capital letter (chat), where case says nothing about names."""
    return text.lower() == text
