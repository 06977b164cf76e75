"""Apply the privacy policy to detected spans: the text that may be stored.

Per entity type the policy says ``keep``, ``redact`` (``<PHONE_NUMBER>``) or
``pseudonymize`` (``<PERSON_17>``: the same surrogate for the same real value
everywhere, so a thread stays readable; see :mod:`privacy.pseudonyms`).

Plain code rather than presidio-anonymizer: we need the offset map (to move
mentions found on the original parse) and the workspace-member exemption,
and both are simpler to get right here than around the anonymizer's output.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable

from backchannel.records import PiiSpan, ScrubbedText
from ingest.names import nicknames
from privacy.keep_terms import KeepTerms

KEEP = "keep"
REDACT = "redact"
PSEUDONYMIZE = "pseudonymize"
ACTIONS = (KEEP, REDACT, PSEUDONYMIZE)

#: ``surrogate(type, real value)`` -> the token that stands for that value (``<PERSON_17>``).
Surrogate = Callable[[str, str], str]
_PUNCT = re.compile(r"[^\w\s'-]")
_POSSESSIVE = re.compile(r"['’]s?$")
_NOTES_TAIL = re.compile(r"[/@].*$", re.DOTALL)
_TITLE = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)\.?\s+", re.IGNORECASE)


def name_key(name: str) -> str:
    """Compare names case- and punctuation-insensitively ("Allen, Phillip K." too).

    A Lotus Notes address ("Steven J Kean/NA/Enron@Enron") compares as its name.
    """
    name = _NOTES_TAIL.sub("", unicodedata.normalize("NFKC", name)).strip()
    if name.count(",") == 1:  # "Last, First" as mail headers write it
        last, first = name.split(",")
        name = f"{first} {last}"
    name = _TITLE.sub("", _POSSESSIVE.sub("", name.strip()))  # "Mr. Allen" is Allen
    return " ".join(_PUNCT.sub(" ", name).casefold().split())


def name_variants(names: Iterable[str]) -> set[str]:
    """Keys under which a known person's name may appear: full name and first + last."""
    keys: set[str] = set()
    for name in names:
        key = name_key(name)
        if not key:
            continue
        keys.add(key)
        parts = key.split()
        if len(parts) > 2:
            keys.add(f"{parts[0]} {parts[-1]}")
    return keys


def member_name_forms(members: Iterable[str], outsiders: Iterable[str] = ()) -> set[str]:
    """Other ways members are named, to keep like their full names.

    Their first or last name alone ("Phillip", "Mr. Allen") and a usual
    nickname with or without the last name ("Steve", "Ken Lay" for Kenneth
    Lay). A lone word an outsider's name shares is left out: "Maria" alone
    could be either of two Marias, so it is scrubbed (fail closed). Words under
    3 letters are too.
    """
    outsider_words = {w for key in name_variants(outsiders) for w in key.split()}
    forms: set[str] = set()
    for name in members:
        parts = name_key(name).split()
        if len(parts) < 2:
            continue
        first, last = parts[0], parts[-1]
        nicks = nicknames(first)
        forms.update(f"{nick} {last}" for nick in nicks)
        forms.update(w for w in {first, last, *nicks} if len(w) >= 3 and w not in outsider_words)
    return forms


#: Why a span is kept or not (``pii explain`` shows it; the admin page too).
REASON_POLICY = "policy for {type}"
REASON_MEMBER = "names a member of the organisation"
REASON_KEEP_LIST = "keep-list term"
REASON_LOW_SCORE = "score below pii_min_score {min_score}"
REASON_UNLISTED = "type not in the policy (redacted until someone says otherwise)"


def decide(
    text: str,
    span: PiiSpan,
    policy: dict[str, str],
    *,
    min_score: float,
    members: Collection[str] = (),
    keep_terms: KeepTerms | None = None,
    keep_spans: list[tuple[int, int]] | None = None,
) -> tuple[str, str]:
    """(action, reason) for one detected span: ``keep``, ``redact`` or ``pseudonymize``.

    ``members`` are name keys (:func:`name_variants`) kept for PERSON;
    ``keep_spans`` the keep-list occurrences in ``text`` (found once per text).
    """
    if span.score < min_score:
        return KEEP, REASON_LOW_SCORE.format(min_score=min_score)
    if keep_terms is not None and keep_terms.covers(span, keep_spans or []):
        return KEEP, REASON_KEEP_LIST
    action = policy.get(span.type)
    if action == KEEP:
        return KEEP, REASON_POLICY.format(type=span.type)
    if span.type == "PERSON" and name_key(text[span.start : span.end]) in members:
        return KEEP, REASON_MEMBER
    if action is None:
        return REDACT, REASON_UNLISTED
    return action, REASON_POLICY.format(type=span.type)


def decider(
    text: str,
    policy: dict[str, str],
    *,
    min_score: float,
    keep_names: Collection[str] = (),
    keep_terms: KeepTerms | None = None,
) -> Callable[[PiiSpan], tuple[str, str]]:
    """:func:`decide` for the spans of one text: members' name keys and keep-list hits found once."""
    members = name_variants(keep_names)
    keep_spans = keep_terms.occurrences(text) if keep_terms else []

    def one(span: PiiSpan) -> tuple[str, str]:
        return decide(
            text,
            span,
            policy,
            min_score=min_score,
            members=members,
            keep_terms=keep_terms,
            keep_spans=keep_spans,
        )

    return one


def scrub(
    text: str,
    spans: list[PiiSpan],
    policy: dict[str, str],
    *,
    min_score: float,
    keep_names: Collection[str] = (),
    keep_terms: KeepTerms | None = None,
    surrogate: Surrogate | None = None,
) -> ScrubbedText:
    """Replace every span the policy does not keep with ``<TYPE>`` or its surrogate.

    Spans below ``min_score`` are ignored. PERSON spans naming someone in
    ``keep_names`` (workspace members) are kept, and so is anything inside a
    keep-list term. Types missing from the policy are redacted: a new
    recognizer's findings are private until someone says not. A
    ``pseudonymize`` type without a ``surrogate`` function is redacted too.
    ``detector_counts`` counts every span that fired, kept or not.
    """
    fired = sorted((s for s in spans if s.score >= min_score), key=lambda s: (s.start, -s.end))
    counts = Counter(s.type for s in fired)
    action_of = decider(text, policy, min_score=min_score, keep_names=keep_names, keep_terms=keep_terms)

    # Merge overlapping redactions so that no part of a span survives.
    cuts: list[list[int | str]] = []
    for span in fired:
        action, _ = action_of(span)
        if action == KEEP:
            continue
        if cuts and span.start < cuts[-1][1]:
            cuts[-1][1] = max(int(cuts[-1][1]), span.end)
            continue
        cuts.append([span.start, span.end, span.type])

    out: list[str] = []
    replacements: list[tuple[int, int, int, int]] = []
    pos = new_len = 0
    for start, end, kind in cuts:
        assert isinstance(start, int) and isinstance(end, int)
        out.append(text[pos:start])
        new_len += start - pos
        token = f"<{kind}>"
        if surrogate is not None and policy.get(str(kind)) == PSEUDONYMIZE:
            token = surrogate(str(kind), text[start:end])
        out.append(token)
        replacements.append((start, end, new_len, new_len + len(token)))
        new_len += len(token)
        pos = end
    out.append(text[pos:])
    return ScrubbedText(
        text="".join(out),
        spans=fired,
        replacements=replacements,
        detector_counts=dict(sorted(counts.items())),
    )
