"""Find the spans of a parsed message that may name an entity.

Two sources, merged without overlaps (the longer span wins, then the NER one):

* spaCy's named entities, minus the numeric kinds (dates, money, ...);
* dictionary matches: runs of nouns and proper nouns (with inner "of",
  "on", "and", ... as in "Ruby on Rails") whose text is a knowledge-base
  alias, checked through the ``is_alias`` callable so this module needs no KB.

A lone word outside NER ("python", "rails", "ROR") is only a mention when
``is_term`` says so: most words are Wikipedia titles too ("data", "memo",
"Active"), and linking every one of them would drown the real topics.
Leading determiners and possessives and a trailing "'s" are stripped; spaCy's
PERSON on a lone acronym ("ROR") becomes ``ALIAS``. Slack
markup (``#channel``, ``@name``, ``<...>``), URLs, email addresses and our own
placeholders (``<PERSON>``) never yield mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from nlp.kb import norm

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

IGNORED_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
MAX_NGRAM = 6
#: Text that is markup or an address, never a mention.
BLOCKED = re.compile(
    r"<[^<>\s]{0,200}>"  # <PERSON>, <@U123>, <#C1|general>, <http://x|label>
    r"|(?<![\w])[#@][\w.\-]+"  # #channel, @name
    r"|\b(?:https?://|www\.)\S+"  # URLs
    r"|\S*@\S+"  # email addresses, Lotus Notes "Jeff Dasovich/SF/ECT@ECT"
)
_LEAD_POS = frozenset({"DET", "PRON", "PART", "ADP", "CCONJ", "PUNCT", "SYM"})
_INNER_POS = frozenset({"ADP", "CCONJ", "DET", "PART", "PROPN", "NOUN", "ADJ", "NUM"})
_HEAD_POS = frozenset({"NOUN", "PROPN"})
_FIRST_POS = _HEAD_POS | {"ADJ"}


def _acronym_text(text: str) -> bool:
    return len(text) >= 2 and text.isupper() and text.isalpha()


def _is_acronym(token: Token) -> bool:
    return _acronym_text(token.text)


def _label(span: Span, label: str) -> str:
    """spaCy's label, except PERSON on a lone acronym ("ROR", "EOL"): that is no one's name."""
    if label == "PERSON" and len(span) == 1 and _is_acronym(span[0]):
        return "ALIAS"
    return label


def _trim(span: Span) -> tuple[int, int] | None:
    """Token bounds of ``span`` without leading determiners/possessives and trailing 's/punct."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].pos_ in _LEAD_POS or doc[start].tag_ == "PRP$"):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return (start, end) if end > start else None


def find_mentions(
    doc: Doc,
    is_alias: Callable[[str], bool] | None = None,
    is_term: Callable[[str], bool] | None = None,
    text: str | None = None,
) -> list[tuple[int, int, str]]:
    """``(char_start, char_end, label)`` of possible mentions, sorted, never overlapping.

    ``label`` is the spaCy entity label, or ``"ALIAS"`` for a dictionary match.
    ``is_alias(norm_text)`` says whether a KB alias has that key; ``is_term``
    (default: never) whether a lone lower-case common noun is worth linking.
    ``text`` is ``doc.text`` when the caller already has it (spaCy rebuilds it on every access).
    """
    text = doc.text if text is None else text
    blocked = [(m.start(), m.end()) for m in BLOCKED.finditer(text)]
    # Dates, amounts and numbers are not topics, even when a KB alias spells them ("May", "Friday").
    blocked += [(e.start_char, e.end_char) for e in doc.ents if e.label_ in IGNORED_LABELS]

    def clean(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in blocked)

    found: list[tuple[int, int, str, int]] = []  # (char start, end, label, priority)
    for ent in doc.ents:
        if ent.label_ in IGNORED_LABELS:
            continue
        bounds = _trim(ent)
        if bounds is None:
            continue
        span = doc[bounds[0] : bounds[1]]
        if not any(t.is_alpha for t in span) or (len(span.text) < 2):
            continue
        if clean(span.start_char, span.end_char):
            found.append((span.start_char, span.end_char, _label(span, ent.label_), 1))

    if is_alias is not None:
        for start, end in _dictionary_spans(doc, text, is_alias, is_term):
            s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
            if clean(s, e):
                found.append((s, e, "ALIAS", 0))

    # Longest first, NER before dictionary at equal length; drop anything overlapping a kept span.
    found.sort(key=lambda m: (-(m[1] - m[0]), -m[3], m[0]))
    kept: list[tuple[int, int, str, int]] = []
    for m in found:
        if all(m[1] <= k[0] or k[1] <= m[0] for k in kept):
            kept.append(m)
    return sorted((s, e, label) for s, e, label, _ in kept)


def _dictionary_spans(
    doc: Doc, text: str, is_alias: Callable[[str], bool], is_term: Callable[[str], bool] | None
) -> list[tuple[int, int]]:
    """Token spans (longest first at each start) whose text is a KB alias.

    Token attributes are read once into lists: touching spaCy ``Token`` objects
    in the inner loop was most of the linking time.
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH, POS, SENT_START

    rows = doc.to_array([POS, IDX, LENGTH, IS_SPACE, SENT_START]).tolist() if len(doc) else []
    names = doc.vocab.strings
    pos = [names[r[0]] for r in rows]
    idx = [r[1] for r in rows]
    words = [text[r[1] : r[1] + r[2]] for r in rows]
    ok_inner = [p in _INNER_POS and not r[3] for p, r in zip(pos, rows, strict=True)]
    sent_start = [r[4] == 1 for r in rows]
    out: list[tuple[int, int]] = []
    n = len(doc)
    covered_until = 0
    for i in range(n):
        if i < covered_until or pos[i] not in _FIRST_POS or not words[i][:1].isalnum() or not ok_inner[i]:
            continue
        best = None
        for j in range(min(n, i + MAX_NGRAM), i, -1):  # longest first
            if pos[j - 1] not in _HEAD_POS and not _acronym_text(words[j - 1]):
                continue
            if not all(ok_inner[i:j]) or any(sent_start[i + 1 : j]):
                continue
            if j - i == 1 and not _single_ok(doc[i], is_term):
                continue
            if is_alias(norm(text[idx[i] : idx[j - 1] + len(words[j - 1])])):
                best = (i, j)
                break
        if best:
            out.append(best)
            covered_until = best[1]
    return out


def _single_ok(token: Token, is_term: Callable[[str], bool] | None) -> bool:
    """Whether a one-token span may be a dictionary mention.

    Capitalisation says little in mail ("Active", "Sales", "Position" head
    lines and table cells), so a lone word needs ``is_term`` whatever its tag;
    real one-word names mostly come from NER anyway.
    """
    if token.pos_ not in _HEAD_POS or token.is_stop or len(token.text) < 3:
        return False
    return is_term is not None and is_term(norm(token.text))
