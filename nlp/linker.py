"""Link mentions to Wikipedia entities: candidates from the KB, then disambiguation.

A candidate's score combines four signals, each explainable on its own:

* **prior**: the KB's ``prior_est`` (a popularity estimate, not link counts,
  so it weighs less than in a classic linker);
* **context**: words around the mention against the candidate's description,
  title and title qualifier, directly and through small topic fields
  (:data:`FIELDS`: "script" and "programming" are both *software*). It is
  relative: context that fits a rival candidate counts against this one, so
  "a python at the zoo" pulls *away* from the programming language;
* **type**: spaCy's label against the KB's coarse type (PERSON vs person);
* **coherence**: agreement with the other mentions' best entities and with
  ``context_entities`` (entities of the same thread).

Below the threshold a mention stays unlinked (NIL): no link is better than a
wrong one. ``extra_aliases.tsv`` patches known KB gaps ("ROR" -> Ruby on Rails).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.lang.en.stop_words import STOP_WORDS

from backchannel.lexicon import first_names, is_known_name
from backchannel.records import Mention
from nlp.kb import Candidate, KnowledgeBase, norm
from nlp.mentions import find_mentions
from nlp.parse import clip, load_nlp
from nlp.semantic import describable
from nlp.surface import clean, variants_with_kinds

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from nlp.semantic import SemanticContext

log = logging.getLogger(__name__)

EXTRA_ALIASES = Path(__file__).with_name("extra_aliases.tsv")
W_PRIOR, W_CONTEXT, W_TYPE, W_COHERENCE = 0.35, 0.4, 0.15, 0.1
#: Weight of the MiniLM similarity (relative to the best rival's), where it is asked for.
W_SEMANTIC = 0.8
#: The embedding model is asked only when the best two first-pass scores are this close.
SEMANTIC_MARGIN = 0.6
CONTEXT_WINDOW = 60  # tokens either side of a mention
SEMANTIC_WINDOW = 10  # tokens either side of a mention for the embedding model (speed: short texts)
MAX_CANDIDATES = 10
#: Prior given to an entity whose initials spell an acronym mention (the others share the rest).
ACRONYM_PRIOR = 0.7
#: Entity labels whose mentions may match the KB approximately when nothing matches exactly.
#: Not PERSON (a private person one typo from a famous one must stay unlinked), nor NORP
#: ("Malaysian" is one letter from Malaysia but is not the country).
FUZZY_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
#: A fuzzy candidate's prior is scaled by this: a near miss is weaker evidence than an exact alias.
FUZZY_PRIOR = 0.6
#: A bare, empty page this popular (redirects point at it: "ENRON", "INSEAD") is a real article;
#: below it ("ECT", Enron's internal code, 0.69) it is a stub or a disambiguation page.
BARE_PAGE_POPULARITY = 1.0
#: Prior kept by candidates found under another form of the surface ("Enron Corp." -> Enron).
VARIANT_PRIOR = 0.9
#: Prior kept by a plural's candidates found under its lemma ("walls" -> Wall). Measured: 0.6
#: cost Spotlight 0.054 F1 (most plurals there are the concept itself) and did not stop
#: "pandas" (the Python library, not in the KB) becoming Giant panda on our real set.
LEMMA_PRIOR = 1.0
#: Candidates of a lone name from the KB's first-name/surname index: context has to carry them.
NAME_PART_CANDIDATES = 12
_ACRONYM = re.compile(r"[A-Z][A-Za-z]{1,5}")
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "de", "&"})


def _singular(key: str) -> str:
    """The singular of a normalised plural surface ("angels" -> "angel"), else ``key``."""
    if len(key) > 4 and key.endswith("s") and not key.endswith(("ss", "us", "is")) and " " not in key:
        return key[:-1]
    return key


def is_acronym(text: str) -> bool:
    """Whether a mention looks like an acronym: "FERC", "KL", "RoR" (2-6 letters, mostly capitals)."""
    return bool(_ACRONYM.fullmatch(text)) and sum(ch.isupper() for ch in text) >= max(2, len(text) - 1)


def initials(title: str) -> set[str]:
    """Acronyms a title may be written as: all words' initials, and without minor words.

    "Ruby on Rails" -> {"ROR", "RR"}, "Kenneth Lay" -> {"KL"}; a qualifier
    ("Python (genus)") and anything after a comma are left out.
    """
    words = re.split(r"[\s\-]+", re.sub(r"\s*\(.*\)$", "", title.split(",")[0]).strip())
    words = [w for w in words if w]
    if len(words) < 2:
        return set()
    every = "".join(w[0] for w in words).upper()
    major = "".join(w[0] for w in words if w.casefold() not in _MINOR_WORDS).upper()
    return {every, major}


def _stem(word: str) -> str:
    """Crude plural folding, the same for context, profiles and fields."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


#: Topic fields: a candidate and a context "agree" when their words hit the same field.
FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(_stem(w) for w in words.split())
    for name, words in {
        "software": "code coding coder script scripting programming program programmer software developer "
        "library framework api app deploy deployment server database query bug repo repository commit "
        "compile install pip gem package web backend frontend sql migration migrate function import "
        "production staging release upgrade computer operating github stack open-source "
        "ruby rails python java javascript postgres linux",
        "animal": "zoo snake animal specie genus reptile pet wild wildlife cage bite jungle habitat predator "
        "prey mammal bird fur feline",
        "investment": "investor invest investment funding fund round raise raised seed capital startup "
        "valuation equity venture financing vc",
        "religion": "religion religious god heaven church spiritual prayer bible mythology supernatural "
        "faith divine",
        "screen": "episode season television tv show watch watched film movie actor cast sitcom",
        "food": "fruit eat ate eating pie juice orchard food fresh sweet recipe cider edible tree",
        "car": "car drive driving automobile vehicle dealer engine sedan motor luxury",
        "tech_company": "iphone ipad mac macbook stock share company ceo earnings product launch store "
        "device technology multinational",
        "energy": "gas power electricity energy pipeline utility megawatt mw fuel generation plant grid "
        "transmission electric trading commodity",
        "railway": "train railway railroad track station locomotive rail freight",
        "finance": "financial finance contract trade trading desk hedge hedging swap option bond "
        "security securities instrument credit risk book portfolio counterparty",
        "math": "mathematics math calculus function equation integral slope theorem instantaneous "
        "variable limit",
    }.items()
}
_WORD = re.compile(r"[a-z][a-z\-]+")
_STOP = frozenset(
    "the a an of and or in on at to for with from by as is are was were be been this that these those "
    "it its into over under about also known american general high level".split()
)

#: spaCy label -> (KB types that agree, KB types that neither agree nor clash).
_TYPE_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "PERSON": (frozenset({"person"}), frozenset({"work"})),
    "ORG": (frozenset({"organization"}), frozenset({"technology", "work", "event"})),
    "GPE": (frozenset({"place"}), frozenset({"organization"})),
    "LOC": (frozenset({"place"}), frozenset()),
    "FAC": (frozenset({"place"}), frozenset({"organization"})),
    "NORP": (frozenset({"place", "organization"}), frozenset({"concept"})),
    "PRODUCT": (frozenset({"technology", "work"}), frozenset({"organization", "concept"})),
    "WORK_OF_ART": (frozenset({"work"}), frozenset()),
    "EVENT": (frozenset({"event"}), frozenset({"concept"})),
    "LAW": (frozenset({"work", "concept"}), frozenset({"organization"})),
    "LANGUAGE": (frozenset({"concept", "technology"}), frozenset()),
}


def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.casefold()) if w not in _STOP}


def _fields(words: Iterable[str]) -> set[str]:
    words = set(words)
    return {name for name, vocab in FIELDS.items() if words & vocab}


#: A clash counts less than an agreement: spaCy's small model often mislabels in chat and tweets
#: ("fly to Barbados" as ORG, "position to Manchester" as PERSON), and a clash of -1 vetoed
#: the one right candidate there.
TYPE_CLASH = -0.33


def type_agreement(label: str, kb_type: str) -> float:
    """+1 agree, 0 unknown or compatible, TYPE_CLASH for a clash."""
    rule = _TYPE_RULES.get(label)
    if rule is None or kb_type in ("unknown", ""):
        return 0.0
    agree, neutral = rule
    if kb_type in agree:
        return 1.0
    return 0.0 if kb_type in neutral else TYPE_CLASH


@dataclass(frozen=True)
class _Item:
    """A mention on its way through the two scoring passes."""

    start: int
    end: int
    label: str
    text: str
    cands: list[Candidate]
    base: list[float]
    best: Candidate | None


@dataclass(frozen=True)
class LinkRequest:
    """One doc to link, with what :meth:`Linker.link` takes besides it."""

    doc: Doc
    spans: list[tuple[int, int]] | None = None
    context_entities: Collection[str] = ()
    context_words: Collection[str] = ()


def _best(base: list[float], cands: list[Candidate]) -> Candidate | None:
    """The first-pass favourite (the first of equals)."""
    return max(zip(base, cands, strict=True), key=lambda x: x[0])[1] if cands else None


@dataclass(frozen=True)
class _Profile:
    words: frozenset[str]
    fields: frozenset[str]


class Linker:
    """Disambiguates mentions in a parsed message against a :class:`KnowledgeBase`."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float,
        extra_aliases: Path | None = EXTRA_ALIASES,
        semantic: SemanticContext | None = None,
    ):
        self.kb = kb
        self.threshold = threshold
        self.semantic = semantic
        self._extra: dict[str, list[tuple[str, float]]] = {}
        self._titles: dict[str, str] = {}
        if extra_aliases is not None:
            self._load_extra(extra_aliases)
        #: The organisation's own words (see :meth:`use_vocabulary`): surface key -> entity id or None.
        self._vocabulary: dict[str, str | None] = {}
        self._cands = lru_cache(maxsize=65_536)(self._merged_candidates)
        self._profile = lru_cache(maxsize=65_536)(self._make_profile)
        self._fuzzy = lru_cache(maxsize=65_536)(self._fuzzy_candidates)
        self._lookups = lru_cache(maxsize=65_536)(self._lookup)

    # -- candidates ---------------------------------------------------------

    def _load_extra(self, path: Path) -> None:
        skipped = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            surface, title, prior = line.split("\t")
            eid = title.casefold().replace(" ", "_")
            if self.kb.entity(eid) is None:
                skipped += 1
                continue
            self._titles[eid] = title
            rows = self._extra.setdefault(norm(surface), [])
            rows[:] = [r for r in rows if r[0] != eid] + [(eid, float(prior))]
        log.debug("extra aliases: %d surfaces, %d rows not in this KB", len(self._extra), skipped)

    def use_vocabulary(self, aliases: Iterable[tuple[str, str]], local_forms: Iterable[str]) -> None:
        """The organisation's words come before Wikipedia's.

        ``aliases`` (surface, entity id) are an admin's: the surface names that entity
        only. ``local_forms`` are the ways the organisation's own topics are written
        ("EOL", "Sitara", found by emerging-topic detection): they are left unlinked, so
        that the local topic claims them, never a Wikipedia page that happens to share
        the name.
        """
        self._vocabulary = {norm(f): None for f in local_forms if f.strip()}
        self._vocabulary.update({norm(s): e for s, e in aliases if s.strip()})

    def _vocabulary_candidates(self, text: str) -> list[Candidate] | None:
        """None: not the organisation's word; else its candidates ([] for a local topic)."""
        key = norm(text)
        if key not in self._vocabulary:
            return None
        eid = self._vocabulary[key]
        ent = self.kb.entity(eid) if eid else None
        return [Candidate(ent.id, ent.title, 1.0, "vocabulary", ent.description, ent.type)] if ent else []

    def title(self, candidate: Candidate) -> str:
        return self._titles.get(candidate.entity_id, candidate.title)

    def candidates(self, surface: str) -> list[Candidate]:
        """KB candidates merged with the alias supplement, best prior first."""
        return list(self._cands(norm(surface)))

    def lookup(self, surface: str, label: str = "", lemma: str | None = None) -> list[Candidate]:
        """See :meth:`_lookup` (cached: the same surfaces come back in every message)."""
        return list(self._lookups(surface, label, lemma))

    def _lookup(self, surface: str, label: str = "", lemma: str | None = None) -> tuple[Candidate, ...]:
        """Candidates of a mention: the surface as written, else another form of it.

        In order: the surface; its forms without markup, possessive, "The",
        company suffix, expanded abbreviations, "City, ST" (:func:`nlp.surface.variants`);
        its hyphen/space/accent variants (the KB's letters-and-digits key); then, for
        the labels that allow it, the nearest keys within a typo or two. A plural
        common noun also gets its lemma's candidates ("miles" is not only MILES).
        """
        if surface.strip().islower() and surface.strip() in STOP_WORDS:
            return ()  # "he" is not Hebrew (ISO code "he"), "his" not histidine
        cands = self.candidates(surface) if surface.strip() else []
        if lemma and surface.islower() and lemma != surface and not is_acronym(surface):
            singular = [replace(c, prior=c.prior * LEMMA_PRIOR) for c in self.candidates(lemma)]
            cands = _merge(cands, singular) if cands else singular
        if cands or not surface.strip():
            return tuple(cands)
        for form, kinds in variants_with_kinds(surface):
            found = [c for c in self.candidates(form) if kinds is None or c.type in kinds]
            if found:
                return tuple(replace(c, prior=c.prior * VARIANT_PRIOR, source="variant") for c in found)
        for key in self.kb.squashed_keys(surface):
            found = list(self._cands(key))
            if found:
                return tuple(replace(c, prior=c.prior * VARIANT_PRIOR, source="variant") for c in found)
        if label in FUZZY_LABELS or (label in ("", "ALIAS") and " " in surface.strip()):
            return self._fuzzy(norm(surface))
        return ()

    def name_part_candidates(self, surface: str, label: str) -> list[Candidate]:
        """People a lone surname may be: "Skilling", "Murkowski" (ranked by context, not popularity)."""
        word = clean(surface)
        if " " in word or len(word) < 3 or not word[:1].isupper() or word.isupper():
            return []  # a name is capitalised; "VAR", "EOL" are acronyms
        if word.casefold() in first_names():
            # "Keith", "Randy" alone in mail are colleagues, not the famous Keiths (measured: the
            # first-name index made 250 of 355 close calls on 600 Enron bodies, all wrong)
            return []
        found = self.kb.persons_named(word, limit=NAME_PART_CANDIDATES)
        # no prior: a surname alone says nothing about which Smith; the context has to
        return [replace(c, prior=0.0) for c in found]

    def _merged_candidates(self, key: str) -> tuple[Candidate, ...]:
        found = self.kb.candidates(key, limit=MAX_CANDIDATES)
        # A plural inherits its singular's supplement rows ("angels" as "angel"); the KB's
        # own singular entities are not added: on dev that linked "pandas" to Giant panda.
        extra = self._extra.get(key) or self._extra.get(_singular(key), [])
        if extra:
            share = max(0.0, 1.0 - sum(p for _, p in extra))
            merged = {c.entity_id: replace(c, prior=c.prior * share) for c in found}
            for eid, p in extra:
                if eid in merged:
                    merged[eid] = replace(merged[eid], prior=merged[eid].prior + p)
                else:
                    ent = self.kb.entity(eid)
                    if ent is not None:
                        merged[eid] = Candidate(eid, ent.title, p, "extra", ent.description, ent.type)
            found = list(merged.values())
        # A thin, unqualified entity next to qualified siblings ("python" beside
        # "python_(genus)") is a disambiguation page: never a link target.
        ids = [c.entity_id for c in found]
        found = [
            c
            for c in found
            if not (
                c.type == "unknown"
                and not c.description
                and "(" not in c.entity_id
                and any(i.startswith(c.entity_id + "_(") for i in ids)
            )
        ]
        total = sum(c.prior for c in found)
        if total > 0:
            found = [replace(c, prior=c.prior / total, title=self.title(c)) for c in found]
        return tuple(sorted(found, key=lambda c: (-c.prior, c.entity_id)))

    def _fuzzy_candidates(self, key: str) -> tuple[Candidate, ...]:
        """Candidates of the KB keys nearest ``key`` (:meth:`KnowledgeBase.fuzzy_keys`), prior discounted."""
        merged: dict[str, Candidate] = {}
        for near in self.kb.fuzzy_keys(key):
            for c in self._cands(near):
                if c.entity_id not in merged or merged[c.entity_id].prior < c.prior:
                    merged[c.entity_id] = c
        total = sum(c.prior for c in merged.values()) or 1.0
        found = [replace(c, prior=FUZZY_PRIOR * c.prior / total, source="fuzzy") for c in merged.values()]
        return tuple(sorted(found, key=lambda c: (-c.prior, c.entity_id))[:MAX_CANDIDATES])

    def is_alias(self, norm_text: str) -> bool:
        """Whether a normalised string is a KB or supplement alias (for find_mentions)."""
        return norm_text in self._extra or self.kb.has_alias(norm_text)

    def is_term(self, norm_text: str) -> bool:
        """Whether a lone word is worth a mention (for find_mentions).

        Yes when the supplement lists it, or when it is also the name of a
        product or company whose title is the word plus more ("python" ->
        "Python (programming language)", "apple" -> "Apple Inc."). Words that
        are an article's title ("Business") or a redirect to one ("company") are not.
        """
        if norm_text in self._extra:
            return True
        return any(
            c.type in ("technology", "organization")
            and c.prior >= 0.2
            and norm(self.title(c)).startswith(norm_text + " ")
            for c in self._cands(norm_text)
        )

    # -- scoring --------------------------------------------------------------

    def _make_profile(self, candidate: Candidate) -> _Profile:
        words = _words(f"{self.title(candidate)} {candidate.description}")
        return _Profile(frozenset(words), frozenset(_fields(words)))

    def link(
        self,
        doc: Doc,
        spans: list[tuple[int, int]] | None = None,
        context_entities: Collection[str] = (),
        context_words: Collection[str] = (),
    ) -> list[Mention]:
        """Mentions in ``doc`` with their entity (a Wikipedia title) or None.

        With ``spans`` (character offsets) only those are disambiguated;
        otherwise :func:`nlp.mentions.find_mentions` chooses them.
        ``context_entities`` are titles or ids of entities already linked in
        the same thread: candidates among them, or in their topic, gain, and
        an acronym that spells one of them ("KL" for Kenneth Lay) may be it.
        ``context_words`` are words around the message rather than in it (the
        channel's name and purpose, the mail's subject): they count as context
        of every mention ("angel" in #startups is the investor).
        """
        return self.link_many([LinkRequest(doc, spans, context_entities, context_words)])[0]

    def link_many(self, requests: Sequence[LinkRequest]) -> list[list[Mention]]:
        """:meth:`link` for several docs at once: one embedding batch serves them all.

        The embedding model costs about as much per call as per short text, so
        the build hands over a few dozen messages at a time.
        """
        firsts = [self._first_pass(r) for r in requests]
        if self.semantic is not None:
            firsts = self._semantic_pass(requests, firsts)
        pairs = zip(requests, firsts, strict=True)
        return [self._second_pass(items, r.context_entities) for r, items in pairs]

    def _first_pass(self, request: LinkRequest) -> list[_Item]:
        """Mentions with candidates and their prior + context + type scores."""
        doc = request.doc
        text_all = doc.text  # Doc.text is rebuilt from the tokens on every access
        if request.spans is None:
            found = find_mentions(doc, self.is_alias, self.is_term, text_all)
        else:
            labels = {(e.start_char, e.end_char): e.label_ for e in doc.ents}
            found = [(s, e, labels.get((s, e), "")) for s, e in request.spans]

        around = {_stem(w) for w in _words(" ".join(request.context_words))}
        expansions = self._acronym_expansions(
            [text_all[s:e] for s, e, _ in found if " " in text_all[s:e].strip()], request.context_entities
        )
        longer = _longer_names(text_all, found)
        items = []
        for start, end, label in found:
            text = text_all[start:end] if 0 <= start < end <= len(text_all) else ""
            full = longer.get((start, end))
            own = self._vocabulary_candidates(text) if self._vocabulary else None
            if own is not None:
                cands = own
            elif full is not None:  # "Skilling" after "Jeffrey Skilling": the same entity (or none)
                cands = self._usable(self.lookup(full[0], full[1]), full[1], full[0])
            else:
                cands = self._usable(self.lookup(text, label, _plural_lemma(doc, start, end)), label, text)
                if not cands and label in ("PERSON", "", "ALIAS"):
                    cands = self.name_part_candidates(text, label)
            if expansions and is_acronym(text.strip()):
                cands = _with_expansion(cands, expansions.get(text.strip().upper(), []))
            ctx = (self._context(doc, start, end) | around) if cands else set()
            base = self._score(label, cands, ctx, _words(text))
            items.append(_Item(start, end, label or "ALIAS", text, cands, base, _best(base, cands)))
        return items

    def _second_pass(self, items: list[_Item], context_entities: Collection[str]) -> list[Mention]:
        """Coherence with the doc's other best guesses and the thread, then the NIL threshold."""
        known = {norm(x) for x in context_entities}
        thread_fields: set[str] = set()
        for name in context_entities:
            ent = self.kb.entity(name.casefold().replace(" ", "_"))
            if ent is not None:
                cand = Candidate(ent.id, ent.title, 1.0, "", ent.description, ent.type)
                thread_fields |= self._profile(cand).fields
        # What the doc's mentions agree on, counted so that a mention can leave itself out.
        best_ids = Counter(i.best.entity_id for i in items if i.best)
        best_fields = Counter(f for i in items if i.best for f in self._profile(i.best).fields)

        mentions = []
        for item in items:
            if item.best is None:
                mentions.append(Mention(item.start, item.end, item.text, None, 0.0, item.label))
                continue
            own_fields = self._profile(item.best).fields
            other_fields = {f for f, n in best_fields.items() if n - (f in own_fields) > 0} | thread_fields
            scored = []
            for base, cand in zip(item.base, item.cands, strict=True):
                others = best_ids[cand.entity_id] - (cand.entity_id == item.best.entity_id)
                if others > 0 or norm(cand.entity_id) in known or norm(self.title(cand)) in known:
                    coherence = 1.0
                else:
                    coherence = 0.5 if self._profile(cand).fields & other_fields else 0.0
                scored.append((base + W_COHERENCE * coherence, cand))
            score, cand = max(scored, key=lambda x: (x[0], x[1].prior))
            score = round(min(1.0, max(0.0, score)), 4)
            entity = self.title(cand) if score >= self.threshold else None
            mentions.append(Mention(item.start, item.end, item.text, entity, score, item.label))
        return mentions

    def _semantic_pass(self, requests: Sequence[LinkRequest], firsts: list[list[_Item]]) -> list[list[_Item]]:
        """Add the embedding similarity to mentions the cheap signals leave close.

        A mention qualifies when two or more candidates are :func:`describable` and
        its best two first-pass scores are within :data:`SEMANTIC_MARGIN`.
        Each describable candidate gains ``W_SEMANTIC`` times its similarity
        minus the best rival's (so it is relative, like the word context);
        one that is not describable is neither helped nor hurt. All docs'
        close calls go to the model in one batch.
        """
        assert self.semantic is not None
        chosen = [(d, i) for d, items in enumerate(firsts) for i, it in enumerate(items) if _close_call(it)]
        if not chosen:
            return firsts
        contexts = []
        for d, i in chosen:
            item, request = firsts[d][i], requests[d]
            window = self._window(request.doc, item.start, item.end)
            contexts.append(f"{window} {' '.join(request.context_words)}".strip())
        sims = self.semantic.similarities(contexts, [firsts[d][i].cands for d, i in chosen])
        out = [list(items) for items in firsts]
        for (d, i), row in zip(chosen, sims, strict=True):
            item = firsts[d][i]
            described = [j for j, c in enumerate(item.cands) if describable(c)]
            base = list(item.base)
            for j in described:
                rival = max(row[k] for k in described if k != j)
                base[j] += W_SEMANTIC * (row[j] - rival)
            out[d][i] = replace(item, base=base, best=_best(base, item.cands))
        return out

    @staticmethod
    def _window(doc: Doc, start: int, end: int) -> str:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return doc.text[max(0, start - 150) : end + 150]
        lo, hi = max(0, span.start - SEMANTIC_WINDOW), min(len(doc), span.end + SEMANTIC_WINDOW)
        return doc[lo:hi].text

    def _acronym_expansions(
        self, phrases: Iterable[str], context_entities: Collection[str]
    ) -> dict[str, list[Candidate]]:
        """Acronym -> entities it may abbreviate: the thread's entities and the doc's longer mentions."""
        out: dict[str, list[Candidate]] = {}
        pool = [c for p in phrases for c in self._cands(norm(p))[:1]]
        for name in context_entities:
            ent = self.kb.entity(name.casefold().replace(" ", "_"))
            if ent is not None:
                pool.append(Candidate(ent.id, ent.title, 1.0, "context", ent.description, ent.type))
        for cand in pool:
            for acro in initials(self.title(cand)):
                if all(c.entity_id != cand.entity_id for c in out.get(acro, [])):
                    out.setdefault(acro, []).append(cand)
        return out

    def _usable(self, cands: list[Candidate], label: str, text: str) -> list[Candidate]:
        """Drop candidates that cannot be right whatever the context.

        A one-word PERSON mention ("Mike", "John") is never the article on
        the word itself or its qualified variants ("Mike", "Mike (film)"), nor
        a "John, King of England": it names a person. An all-caps mention
        whose only page is a bare, empty, rarely redirected "ECT" gets nothing
        ("ENRON", with eight redirects in, keeps Enron).
        """
        if label == "PERSON" and " " not in text.strip():
            key = norm(text)
            if is_known_name(text.strip()):
                # "Mike", "John", "William": a first name or surname, so a person: never the article
                # on the name, its "(film)" variants, "John, King of England" or "Williams College"
                return [
                    c
                    for c in cands
                    if "," not in self.title(c)
                    and (
                        c.type == "person"  # "Shakira" is a first name, and her page
                        or c.type == "unknown"
                        and norm(self.title(c)) != key
                        and not norm(self.title(c)).startswith(key + " (")
                    )
                ]
            # a one-word PERSON that is no name is a mononymous person ("Shakira"), a brand, or
            # a place spaCy mislabelled ("Chattanooga"): everything but films, songs and concepts
            return [c for c in cands if c.type not in ("work", "concept")]
        if text.islower() and len(text.strip()) >= 3:
            # a lower-case word is no acronym: "miles" is not MILES, "songs" not SONGS (a power station)
            upper = text.strip().upper()
            cands = [c for c in cands if upper not in initials(self.title(c))]
        if text.isupper():  # a bare all-caps page with nothing on it ("ECT") is a disambiguation page
            key = norm(text)
            return [
                c
                for c in cands
                if not (
                    c.entity_id == key
                    and not c.description
                    and c.type == "unknown"
                    and c.popularity < BARE_PAGE_POPULARITY
                )
            ]
        return cands

    def _context(self, doc: Doc, start: int, end: int) -> set[str]:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return set()
        lo, hi = max(0, span.start - CONTEXT_WINDOW), min(len(doc), span.end + CONTEXT_WINDOW)
        out = set()
        for tok in doc[lo:hi]:
            if span.start <= tok.i < span.end or tok.is_stop or not tok.is_alpha:
                continue
            out.add(_stem(tok.lower_))
            out.add(_stem(tok.lemma_.casefold()))
        return out

    def _score(self, label: str, cands: list[Candidate], ctx: set[str], surface: set[str]) -> list[float]:
        """Prior + relative context + type, per candidate (coherence comes later).

        The mention's own words are left out of the candidates' profiles: every
        "Angel ..." title contains "angel", which says nothing about which one.
        """
        ctx_fields = _fields(ctx)
        fit = []
        for cand in cands:
            words = self._profile(cand).words - surface
            fit.append(min(1.0, 0.8 * len(_fields(words) & ctx_fields) + 0.3 * len(words & ctx)))
        scores = []
        for i, cand in enumerate(cands):
            rival = max((f for j, f in enumerate(fit) if j != i), default=0.0)
            context = fit[i] - rival if fit[i] < rival else fit[i]
            agreement = type_agreement(label, cand.type)
            scores.append(W_PRIOR * cand.prior + W_CONTEXT * context + W_TYPE * agreement)
        return scores


def _close_call(item: _Item) -> bool:
    """Whether the embedding model should weigh in on this mention (see :meth:`Linker._semantic_pass`)."""
    if len(item.cands) < 2:
        return False
    (s1, c1), (s2, c2) = sorted(zip(item.base, item.cands, strict=True), key=lambda x: -x[0])[:2]
    return s1 - s2 < SEMANTIC_MARGIN and describable(c1) and describable(c2)


def _with_expansion(cands: list[Candidate], expanded: list[Candidate]) -> list[Candidate]:
    """Candidates of an acronym plus the entities it abbreviates in context (which get ACRONYM_PRIOR)."""
    if not expanded:
        return cands
    share = ACRONYM_PRIOR / len(expanded)
    ids = {c.entity_id for c in expanded}
    rest = [replace(c, prior=c.prior * (1 - ACRONYM_PRIOR)) for c in cands if c.entity_id not in ids]
    return sorted([replace(c, prior=share) for c in expanded] + rest, key=lambda c: (-c.prior, c.entity_id))


def _merge(first: list[Candidate], second: list[Candidate]) -> list[Candidate]:
    """Two candidate lists as one, priors shared equally between them (each list sums to 1)."""
    if not first or not second:
        return first or second
    merged: dict[str, Candidate] = {}
    for c in [*first, *second]:
        earlier = merged[c.entity_id].prior if c.entity_id in merged else 0.0
        merged[c.entity_id] = replace(c, prior=earlier + c.prior / 2)
    return sorted(merged.values(), key=lambda c: (-c.prior, c.entity_id))


def _plural_lemma(doc: Doc, start: int, end: int) -> str | None:
    """The lemma of a one-token plural common noun ("miles" -> "mile"), else None."""
    span = doc.char_span(start, end)
    if span is None or len(span) != 1 or span[0].tag_ not in ("NNS",):
        return None
    return span[0].lemma_


def _longer_names(text: str, found: Sequence[tuple[int, int, str]]) -> dict[tuple[int, int], tuple[str, str]]:
    """One-word mentions that repeat a word of a longer name mention in the same text.

    "Skilling" after "Jeffrey Skilling", "Nickerson" after "Eugene Nickerson": the
    shorter one names the same person, so it gets the longer one's candidates
    (none, if the longer one has none: a private person stays unlinked). Only
    names: the longer mention is a PERSON, or every word of it is capitalised.
    """
    names: dict[str, tuple[str, str]] = {}
    for start, end, label in found:
        words = text[start:end].split()
        if len(words) < 2 or label not in ("PERSON", "", "ALIAS") or not all(w[:1].isupper() for w in words):
            continue
        for word in (words[0], words[-1]):
            key = clean(word).casefold()
            if len(key) >= 3 and key not in names:
                names[key] = (text[start:end], label)
    out = {}
    for start, end, label in found:
        surface = text[start:end].strip()
        if " " not in surface and label in ("PERSON", "", "ALIAS") and surface[:1].isupper():
            full = names.get(clean(surface).casefold())
            if full is not None and full[0] != surface:
                out[(start, end)] = full
    return out


def make_linker(kb: KnowledgeBase, threshold: float, *, semantic: bool) -> Linker:
    """The linker the build and `backchannel link` use; ``semantic`` is the ``link_semantic`` setting.

    Entity vectors are cached beside the KB cache (``<cache>.vectors.sqlite``).
    """
    from nlp.semantic import SemanticContext

    sem = SemanticContext.with_minilm(kb.path.with_suffix(".vectors.sqlite")) if semantic else None
    return Linker(kb, threshold, semantic=sem)


# -- the `backchannel link` contract -------------------------------------------

_CHUNK = 64


def _parse(line: str) -> tuple[Any, str | None, list[tuple[int, int]] | None, str | None]:
    """(id, text, spans, error) of one input line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(item, dict):
        return None, None, None, "expected a JSON object with id and text"
    ident, text = item.get("id"), item.get("text")
    if not isinstance(text, str):
        return ident, None, None, "missing or non-string field 'text'"
    raw = item.get("mentions")
    if raw is None:
        return ident, text, None, None
    try:
        spans = [(int(m["start"]), int(m["end"])) for m in raw]
    except (TypeError, KeyError, ValueError):
        return ident, None, None, '\'mentions\' must be a list of {"start": int, "end": int}'
    if any(not 0 <= s < e <= len(text) for s, e in spans):
        return ident, None, None, "a mention's offsets are outside the text"
    return ident, text, spans, None


def link_jsonl(lines: Iterable[str], linker: Linker) -> Iterator[str]:
    """``{"id", "text", "mentions"?}`` lines in, ``{"id", "mentions": [...]}`` lines out.

    Each output mention is ``{"start", "end", "text", "entity", "score"}``
    (character offsets into ``text``; ``entity`` is a Wikipedia title or null).
    Given ``mentions`` are disambiguated as they are; otherwise they are found.
    A bad line gives ``{"id", "error"}`` and processing goes on.
    """
    nlp = load_nlp()
    it = (line for line in lines if line.strip())
    while chunk := list(islice(it, _CHUNK)):
        parsed = [_parse(line) for line in chunk]
        docs = iter(
            nlp.pipe((clip(p[1]) for p in parsed if p[3] is None and p[1] is not None), batch_size=_CHUNK)
        )
        good = [(p[2], next(docs)) for p in parsed if p[3] is None and p[1] is not None]
        linked = iter(linker.link_many([LinkRequest(doc, spans) for spans, doc in good]))
        for ident, text, _spans, err in parsed:
            if err is not None or text is None:
                yield json.dumps({"id": ident if isinstance(ident, str | int) else None, "error": err})
                continue
            mentions = next(linked)
            yield json.dumps(
                {
                    "id": ident,
                    "mentions": [
                        {"start": m.start, "end": m.end, "text": m.text, "entity": m.entity, "score": m.score}
                        for m in mentions
                    ],
                },
                ensure_ascii=False,
            )
