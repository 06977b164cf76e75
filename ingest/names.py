"""People's names as mail headers write them, made comparable.

Enron alone writes one person as ``phillip.allen@enron.com``,
``Phillip K Allen``, ``"Allen, Phillip K."``,
``Phillip K Allen </O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN>``,
``Phillip K Allen/HOU/ECT@ECT`` and ``pallen@enron.com``. This module turns any
of those into a display name (:func:`display_name`), a matching key
(:func:`name_key`) and a test of whether an address could be that person's
(:func:`address_fits_name`). Pure functions; none of them raises.

Decisions worth knowing:

* An X.500 path alone (``/O=ENRON/.../CN=PALLEN``) has no display name: the CN
  is a mailbox handle, not how anybody is called, and callers have a better
  fallback (the email address).
* A display name that is an email address is no name either (``""``).
* ``"Last, First Middle"`` is turned round only when it is one comma between
  name-like parts, and not ``"Name, Jr."``.
"""

from __future__ import annotations

import re
import unicodedata

# Inputs are header values; anything longer is garbage and only cut down.
_MAX_INPUT = 1000

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"[^\s<>()\"',;]+@[^\s<>()\"',;]+")
_X500_PATH = re.compile(r"^/?O=[^\s]*$", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]*)>")
_PAREN = re.compile(r"\(([^()]*)\)")
# Lotus Notes hierarchy and domain: "Phillip K Allen/HOU/ECT@ECT", "Jeff Dasovich@ENRON"
_NOTES_TAIL = re.compile(r"\s*(?:/[^/@]*)*@\s*[\w.-]*\s*$")
_NOTES_PATH = re.compile(r"(?:/[A-Za-z][\w&-]*)+$")
# Letters, with spaces, dots, apostrophes and hyphens between words.
_NAME_SHAPE = re.compile(r"^[^\W\d_]+(?:[\s.'\u2019-]+[^\W\d_]+)*\.?$")
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"

_SUFFIXES = frozenset("jr sr ii iii iv v phd md esq cpa dds mba".split())
_TITLES = frozenset("mr mrs ms miss dr prof sir".split())
# Words that make a display name a role, a list or a company, not a person.
_ROLE_WORDS = frozenset(
    """
    team announcement announcements group department dept desk service services support
    office committee council admin administrator administration mailbox migration notification
    notifications news newsletter enron corp corporation inc llc ltd co company help helpdesk
    center centre communications communication resources hr it list staff board chairman the of
    and for digest daily weekly update updates alert alerts system systems info information sales
    marketing outlook mail email customer reply noreply webmaster postmaster operations security
    public relations all worldwide international global energy
    capital trading research report reports online network distribution com net org
    """.split()
)
# Common English nicknames, both ways: an address "mike.grigsby" fits "Michael Grigsby".
_NICKNAMES = {
    "michael": {"mike", "mick"},
    "william": {"bill", "will", "billy"},
    "robert": {"bob", "rob", "bobby"},
    "richard": {"rick", "dick", "rich"},
    "james": {"jim", "jimmy"},
    "thomas": {"tom", "tommy"},
    "david": {"dave"},
    "christopher": {"chris"},
    "joseph": {"joe"},
    "jeffrey": {"jeff"},
    "jeffery": {"jeff"},
    "steven": {"steve"},
    "stephen": {"steve"},
    "daniel": {"dan", "danny"},
    "matthew": {"matt"},
    "kenneth": {"ken", "kenny"},
    "elizabeth": {"liz", "beth", "betsy"},
    "katherine": {"kate", "kathy", "katie"},
    "kathryn": {"kate", "kathy"},
    "margaret": {"maggie", "peggy"},
    "susan": {"sue"},
    "patricia": {"pat", "patti", "patty"},
    "edward": {"ed", "eddie", "ted"},
    "benjamin": {"ben"},
    "anthony": {"tony"},
    "gregory": {"greg"},
    "timothy": {"tim"},
    "jonathan": {"jon"},
    "frederick": {"fred"},
    "lawrence": {"larry"},
}
_NICKNAME_PAIRS = frozenset(
    pair for full, nicks in _NICKNAMES.items() for nick in nicks for pair in ((full, nick), (nick, full))
)


def nicknames(first: str) -> frozenset[str]:
    """The usual short forms of a first name and the full forms of a short one ("steven" -> {"steve"})."""
    first = first.casefold()
    return frozenset(b for a, b in _NICKNAME_PAIRS if a == first)


def display_name(raw: str) -> str:
    """A clean display name from any header form of a person, ``""`` when it holds none.

    ``"Allen, Phillip K." <phillip.allen@enron.com>`` -> ``Phillip K. Allen``;
    ``Phillip K Allen/HOU/ECT@ECT`` -> ``Phillip K Allen``;
    ``/O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN`` -> ``""``.
    """
    if not raw:
        return ""
    text = _CONTROL.sub(" ", str(raw)[:_MAX_INPUT])
    text = _PAREN.sub(_drop_address_note, text)  # "(E-mail)", "(by way of a@b.com)"
    text = _ANGLE.sub(" ", text).replace("<", " ").replace(">", " ")  # addresses, X.500 paths
    text = _strip_quotes(" ".join(text.split()))
    if not text or _X500_PATH.match(text) or _looks_like_email(text):
        return ""
    text = _strip_quotes(_NOTES_PATH.sub("", _NOTES_TAIL.sub("", text)))
    if "@" in text or _X500_PATH.match(text):
        return ""
    text = _uninvert(text.strip(" -,;:"))
    return text if any(ch.isalpha() for ch in text) else ""


def name_key(name: str) -> tuple[str, str] | None:
    """``(first, last)`` for matching one person's names, or ``None`` when it is no person's name.

    Lower case, no accents or punctuation, no middle names or initials, no
    titles or suffixes (``Dr.``, ``Jr.``, ``III``). ``None`` for a single word,
    an email address, a role or list (``Enron Announcements``) or anything with
    digits.
    """
    shown = display_name(name)
    if not _NAME_SHAPE.match(shown):  # digits, "&", "!", "@": not a person's name
        return None
    tokens = [_fold(t) for t in re.split(r"[\s.]+", shown) if t]
    if not all(tokens):  # a word of only non-Latin letters: nothing to compare
        return None
    while tokens and tokens[0] in _TITLES:
        tokens.pop(0)
    while tokens and tokens[-1] in _SUFFIXES:
        tokens.pop()
    if not 2 <= len(tokens) <= 5 or any(t in _ROLE_WORDS for t in tokens):
        return None
    last = tokens[-1]
    firsts = [t for t in tokens[:-1] if len(t) > 1]
    if len(last) < 2 or not firsts:
        return None
    return firsts[0], last


def address_fits_name(address: str, key: tuple[str, str]) -> bool:
    """Whether an address's local part could belong to the person with this name key.

    Fits: ``phillip.allen``, ``phillip_allen``, ``allen.phillip``, ``p.allen``,
    ``k..allen`` (a middle initial), ``phil.allen``, ``pallen``,
    ``phillipallen``, ``allenp``, ``pkallen``, ``pallen2``. Does not fit:
    ``john.smith``, ``allen`` alone, ``john.allen``. The domain is not looked
    at: callers compare addresses within one domain.
    """
    first, last = key
    if not first or not last:
        return False
    local = _fold(str(address).rsplit("@", 1)[0].split("+", 1)[0], keep="._-")
    local = re.sub(r"\d+$", "", local)
    pieces = [p for p in re.split(r"[._-]+", local) if p]
    if len(pieces) == 1:
        return _fits_joined(pieces[0], first, last)
    return _fits_pieces(pieces, first, last)


# -- helpers -----------------------------------------------------------------


def _drop_address_note(match: re.Match[str]) -> str:
    note = match.group(1)
    return " " if "@" in note or "mail" in note.lower() else match.group(0)


def _strip_quotes(text: str) -> str:
    return text.strip().strip(_QUOTES).strip()


def _looks_like_email(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text))


def _uninvert(text: str) -> str:
    """``Allen, Phillip K.`` -> ``Phillip K. Allen``; anything else unchanged."""
    if text.count(",") != 1:
        return text
    last, rest = (part.strip() for part in text.split(","))
    if not last or not rest or len(last.split()) > 2 or len(rest.split()) > 3:
        return text
    if _fold(rest.split()[0]) in _SUFFIXES:
        return text
    return f"{rest} {last}"


def _fold(text: str, keep: str = "") -> str:
    """Lower case ASCII letters and digits only (accents dropped), plus the ``keep`` characters."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch in keep))


def _first_fits(piece: str, first: str) -> bool:
    """A local-part piece that names the first name: whole, an initial, a short form, a nickname."""
    if piece == first or (piece, first) in _NICKNAME_PAIRS:
        return True
    return first.startswith(piece) and (len(piece) == 1 or len(piece) >= 3)


def _fits_pieces(pieces: list[str], first: str, last: str) -> bool:
    """Separated local part: the last name (maybe split by hyphens), then first-name pieces or initials."""
    for start in range(len(pieces)):
        for end in range(start + 1, len(pieces) + 1):
            if "".join(pieces[start:end]) != last:
                continue
            others = pieces[:start] + pieces[end:]
            if others and all(_first_fits(p, first) or len(p) == 1 for p in others):
                return True
    return False


def _fits_joined(local: str, first: str, last: str) -> bool:
    """Unseparated local part: ``pallen``, ``pkallen``, ``phillipallen``, ``allenp``, ``allenphillip``."""
    if local.endswith(last) and len(local) > len(last):
        head = local[: -len(last)]
        return _first_fits(head, first) or (len(head) == 2 and head[0] == first[0])
    if local.startswith(last) and len(local) > len(last):
        return _first_fits(local[len(last) :], first)
    return False
