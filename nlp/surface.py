"""Other ways to write a mention's surface, to look up when the surface as written finds nothing.

People write "Enron Corp.", "The Washington Post", "#Astros", "*Boston*",
"Brantford, Ontario", "Houston, TX", "U.S. Coast Guard Reserve", "Alzheimer’s disease",
"Turku's": the knowledge base's aliases are "Enron", "Washington Post", "Houston
Astros" (via "astros"), "Brantford", "Houston", "United States Coast Guard Reserve",
"Alzheimer's disease". :func:`variants` gives the forms to try, most faithful first;
the linker takes the first that has candidates, with a small prior discount. Hyphen
and space variants ("University of California-Berkeley") are matched by the KB's
letters-and-digits key (:meth:`nlp.kb.KnowledgeBase.squashed_keys`), plurals by the
lemma.
"""

from __future__ import annotations

import re

#: Company forms dropped from a surface ("Enron Corp." is Enron).
CORPORATE = re.compile(
    r"(?:,?\s+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|llp|plc|group|holdings"
    r"|gmbh|ag|sa|nv|bv|s\.a|l\.p|lp)\.?)+$",
    re.IGNORECASE,
)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_MARKUP = re.compile(r"^[#@*_\"'“‘(\[]+|[*_\"'”’)\].,;:!?]+$")
_POSSESSIVE = re.compile(r"['’]s?$")
_QUALIFIED_PLACE = re.compile(r"^(?P<place>[^,]{2,60}),\s*(?P<region>[A-Za-z. ]{2,30})$")
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
#: Abbreviations written inside names ("U.S. Coast Guard", "Univ. of Texas").
_WORD_EXPANSIONS = [
    (re.compile(r"\bU\.\s?S\.(?:\s?A\.)?(?=\s|$)"), "United States"),
    (re.compile(r"\bU\.\s?K\.(?=\s|$)"), "United Kingdom"),
    (re.compile(r"\bUniv\.(?=\s|$)"), "University"),
    (re.compile(r"\bSt\.(?=\s)"), "Saint"),
    (re.compile(r"\bMt\.(?=\s)"), "Mount"),
    (re.compile(r"\bFt\.(?=\s)"), "Fort"),
    (re.compile(r"\bDept\.(?=\s|$)"), "Department"),
    (re.compile(r"\b&(?=\s)"), "and"),
]


def clean(surface: str) -> str:
    """The surface without markup, edge punctuation, curly quotes and doubled spaces."""
    text = " ".join(surface.replace("’", "'").replace("‘", "'").split())
    previous = None
    while text != previous:
        previous, text = text, _MARKUP.sub("", text).strip()
    return text


def variants(surface: str) -> list[str]:
    """Forms of ``surface`` to look up, most faithful first, without the surface itself."""
    base = clean(surface)
    out: list[str] = []

    def add(form: str) -> None:
        form = " ".join(form.split())
        if form and form not in out and len(form) >= 2:
            out.append(form)

    add(base)
    add(_POSSESSIVE.sub("", base))
    expanded = base
    for pattern, words in _WORD_EXPANSIONS:
        expanded = pattern.sub(words, expanded)
    add(expanded)
    for form in list(out):
        add(_LEADING_THE.sub("", form))
        add(CORPORATE.sub("", form))
    place = _QUALIFIED_PLACE.match(base)
    if place:  # "Houston, TX" -> "Houston, Texas", then "Houston"
        region = place.group("region").strip().rstrip(".")
        state = US_STATES.get(region.replace(".", "").upper())
        if state:
            add(f"{place.group('place')}, {state}")
        add(place.group("place"))
    return [form for form in out if form != surface]


#: KB types a candidate found under a shortened form may have: a company name without its
#: "Group" is still a company ("NorthBridge Group" is not the town of Northbridge).
COMPANY_KINDS = frozenset({"organization", "technology", "unknown"})
PLACE_KINDS = frozenset({"place", "unknown"})


def variants_with_kinds(surface: str) -> list[tuple[str, frozenset[str] | None]]:
    """:func:`variants` with the KB types their candidates may have (None: any)."""
    base = clean(surface)
    company = CORPORATE.sub("", _LEADING_THE.sub("", base)) if CORPORATE.search(base) else None
    place = _QUALIFIED_PLACE.match(base)
    out: list[tuple[str, frozenset[str] | None]] = []
    for form in variants(surface):
        if company is not None and form == company:
            out.append((form, COMPANY_KINDS))
        elif place is not None and form.startswith(place.group("place")):
            out.append((form, PLACE_KINDS))
        else:
            out.append((form, None))
    return out
