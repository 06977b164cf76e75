"""Emerging topics: phrases many people use that no Wikipedia entity covers.

"Project Raptor", "the raptor deal", "Raptors" and "Raptor's" in Enron mail,
a codename in Slack: each recurs across several people and threads, matches
no knowledge-base alias, and names a *local* entity (``entities.kind =
'local'``) with mention rows like a linked one, so pages, people, related
topics and digests treat it like any topic.

Candidates come from the stored, scrubbed text only, never raw text: mentions
the linker left unlinked, capitalised word runs ("Gas Daily", "Raptor"), and
"project X" / "X deal" phrases, all within what the author wrote (not quoted
history). Variants share a key (:func:`phrase_key`): case, plural,
possessive, a leading article and a "project"/"deal" head fold away. A key
becomes a topic when enough distinct authors and threads use it and it is
not a stop phrase, a known person's name, a KB alias the linker could have
linked, a sensitive or blocked topic, or a surrogate (``<PERSON_3>``).

The run covers the whole store and replaces the previous one: entity ids come
from the key (``local:raptor``), so running it twice changes nothing.
Aliases an admin added (``backchannel topics alias``) are looked for in the
text here too. No SQL: reads and writes go through the store; nothing logged
but counts.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from backchannel.records import Entity
from privacy.sensitive_topics import TopicLists

if TYPE_CHECKING:
    from backchannel.settings import Settings
    from backchannel.store import Store

log = logging.getLogger(__name__)

LOCAL_PREFIX = "local:"
DESCRIPTION = "A company topic: people here talk about it, and Wikipedia has no article on it."
MAX_WORDS = 4

#: A capitalised word: "Raptor", "EOL", "AT&T", "Raptor's", "Co-op".
_CAP = r"[A-Z][A-Za-z0-9]*(?:[&'’\-][A-Za-z0-9]+)*"
#: Runs of capitalised words on one line, with an inner "of" or "&" ("Bank of Tokyo").
_CAP_RUN = re.compile(rf"(?<![\w<>@#/.&'’\-]){_CAP}(?:[ \t]+(?:(?:of|&)[ \t]+)?{_CAP})*(?![\w>@])")
#: "project raptor", "raptor deal", "raptor project" in any case.
_HEADED = re.compile(
    r"(?<![\w<>@#/])(?:project[ \t]+[a-z][\w\-]*|[a-z][\w\-]*[ \t]+(?:deal|project)s?)(?![\w>@])",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"<[^<>\s]{0,200}>|\b[A-Z_]+_\d+\b|\S+@\S+|\bhttps?://\S+")
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z][a-z\-]*(?![\w'’])")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_HEADS = ("project", "projects", "deal", "deals")
_ARTICLES = frozenset("the a an our their this that these those his her its my your".split())
#: Words that never make a topic alone: function words, mail furniture, days, months, titles.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    let me more most my myself no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their theirs them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with would
    you your yours yourself please thanks thank regards hi hello dear fyi re fw fwd subject sent from
    cc bcc date original message forwarded attached attachment note call meeting today tomorrow
    yesterday morning afternoon evening week weekend month year ok okay yes sure great good new best
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun url www http com
    mr mrs ms dr inc corp co llc ltd am pm est cst pst cdt edt pdt let us one two three first next
    last any many much per via etc team group everyone all hope need know see get got think update
    """.split()
)


class Row(Protocol):
    """A stored row (``sqlite3.Row``) or a plain dict in tests."""

    def __getitem__(self, key: str, /) -> Any: ...


@dataclass(frozen=True)
class Occurrence:
    """One place a candidate phrase occurs in a stored (scrubbed) body."""

    message_id: str
    start: int
    end: int
    text: str
    mention_id: int | None = None  # an unlinked mention the linker stored, or None: found in the text
    label: str = ""  # the stored mention's spaCy label


@dataclass
class EmergingTopic:
    """A local entity: its key, name (most frequent form) and where it occurs."""

    key: str
    occurrences: list[Occurrence] = field(default_factory=list)
    authors: set[int] = field(default_factory=set)
    threads: set[str] = field(default_factory=set)

    @property
    def entity_id(self) -> str:
        return LOCAL_PREFIX + self.key.replace(" ", "_")

    @property
    def forms(self) -> Counter[str]:
        return Counter(_clean_form(o.text) for o in self.occurrences)

    @property
    def title(self) -> str:
        """The most frequent form; ties go to a capitalised, then shorter, form."""
        counts = self.forms
        return min(counts, key=lambda f: (-counts[f], not f[:1].isupper(), len(f), f))


@dataclass(frozen=True)
class EmergingRules:
    """Thresholds and filters (from settings and the store's people and topic lists)."""

    min_authors: int = 3
    min_threads: int = 3
    link_threshold: float = 0.3
    is_alias: Callable[[str], bool] = lambda _key: False
    name_words: frozenset[str] = frozenset()
    topics: TopicLists = TopicLists()
    #: Authors whose use counts (the organisation's members); None: everyone. A newsletter
    #: repeating "SmartMoney" from five list addresses is not five colleagues.
    members: frozenset[int] | None = None


def phrase_key(text: str) -> str:
    """The key variants of one phrase share.

    >>> [phrase_key(t) for t in ("Project Raptor", "the raptor deal", "Raptors", "Raptor's")]
    ['raptor', 'raptor', 'raptor', 'raptor']
    """
    words = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").split()
    while words and words[0] in _ARTICLES:
        words = words[1:]
    if len(words) > 1 and words[0] in ("project", "projects"):
        words = words[1:]
    if len(words) > 1 and words[-1] in _HEADS:
        words = words[:-1]
    if not words:
        return ""
    words[-1] = _singular(_POSSESSIVE.sub("", words[-1]))
    return " ".join(w for w in words if w)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _clean_form(text: str) -> str:
    """A form as a title: no possessive, no leading article, single spaces."""
    words = text.replace("’", "'").split()
    while len(words) > 1 and words[0].casefold() in _ARTICLES:
        words = words[1:]
    if words:
        words[-1] = re.sub(r"'s$", "", words[-1])
    return " ".join(words)


def authored_ranges(body: str, authored: str) -> list[tuple[int, int]]:
    """Character ranges of ``body`` lines the author wrote (as the build keeps mentions)."""
    own = {line.strip() for line in authored.splitlines() if line.strip()}
    ranges, pos = [], 0
    for line in body.splitlines(keepends=True):
        if line.strip() in own:
            ranges.append((pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return ranges


def text_spans(body: str, authored: str) -> list[tuple[int, int, bool]]:
    """Candidate spans in what the author wrote: (start, end, headed) where ``headed`` marks
    a lower-case "x deal" / "project x" that only joins a phrase found another way."""
    masked = _MARKUP.sub(lambda m: " " * len(m.group()), body)
    out: list[tuple[int, int, bool]] = []
    for lo, hi in authored_ranges(body, authored):
        line = masked[lo:hi]
        caps = [_trim(line, m.start(), m.end()) for m in _CAP_RUN.finditer(line)]
        caps = [(s, e) for s, e in caps if not _lone_sentence_start(line, s, e)]
        out.extend((lo + s, lo + e, False) for s, e in caps)
        out.extend(
            (lo + m.start(), lo + m.end(), True)
            for m in _HEADED.finditer(line)
            if all(m.end() <= s or e <= m.start() for s, e in caps)
        )
    return sorted(out)


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    """Without a leading article ("The Raptors") or a trailing possessive ("Raptor's")."""
    first = re.match(r"(\S+)[ \t]+", line[start:end])
    if first and first.group(1).casefold() in _ARTICLES:
        start += first.end()
    m = _POSSESSIVE.search(line[start:end])
    return (start, end - len(m.group())) if m and line[start:end][-2:-1] in "'’" else (start, end)


def _lone_sentence_start(line: str, start: int, end: int) -> bool:
    """A single capitalised word that opens a sentence says nothing: grammar capitalised it."""
    if " " in line[start:end].strip():
        return False
    before = line[:start].rstrip()
    return not before or before[-1] in ".!?:;\"'(*->•"


def find_emerging(
    messages: Iterable[Row],
    mentions: Mapping[str, Sequence[Row]],
    rules: EmergingRules,
) -> list[EmergingTopic]:
    """Local topics in these messages (id, author_id, thread_id, body, authored), busiest first.

    ``mentions`` are the stored mentions by message id. Linked ones (score at
    or above the threshold) are never overlapped; unlinked ones are
    candidates themselves; previous local-topic rows are ignored (replaced).
    """
    strong: dict[str, EmergingTopic] = {}
    weak: list[tuple[str, Occurrence, int, str]] = []
    lower: Counter[str] = Counter()
    for msg in messages:
        lower.update(map(_singular, _LOWER_WORD.findall(_MARKUP.sub(" ", str(msg["authored"] or "")))))
        mid, author, thread = str(msg["id"]), int(msg["author_id"]), str(msg["thread_id"])
        for occ, headed in _occurrences(msg, mentions.get(mid, ()), rules.link_threshold):
            key = phrase_key(occ.text)
            if not key:
                continue
            if headed:
                weak.append((key, occ, author, thread))
                continue
            _add(strong.setdefault(key, EmergingTopic(key)), occ, author, thread, rules.members)
    for key, occ, author, thread in weak:
        if key in strong:
            _add(strong[key], occ, author, thread, rules.members)
    found = [t for t in strong.values() if _qualifies(t, rules, lower)]
    return sorted(found, key=lambda t: (-len(t.occurrences), t.key))


def _add(
    topic: EmergingTopic, occ: Occurrence, author: int, thread: str, members: frozenset[int] | None
) -> None:
    topic.occurrences.append(occ)
    if members is None or author in members:
        topic.authors.add(author)
        topic.threads.add(thread)


def _occurrences(
    msg: Row,
    stored: Sequence[Row],
    link_threshold: float,
) -> list[tuple[Occurrence, bool]]:
    mid, body = str(msg["id"]), str(msg["body"] or "")
    taken: list[tuple[int, int]] = []
    out: list[tuple[Occurrence, bool]] = []
    for m in stored:
        if m["label"] == "LOCAL":
            continue
        start, end = int(m["start"]), int(m["end"])
        taken.append((start, end))
        if float(m["score"]) < link_threshold:
            occ = Occurrence(mid, start, end, str(m["text"]), int(m["id"]), str(m["label"]))
            out.append((occ, False))
    for start, end, headed in text_spans(body, str(msg["authored"] or "")):
        if all(end <= s or e <= start for s, e in taken):
            taken.append((start, end))
            out.append((Occurrence(mid, start, end, body[start:end]), headed))
    return out


def _qualifies(topic: EmergingTopic, rules: EmergingRules, lower: Counter[str]) -> bool:
    """Whether a candidate is a topic: used widely, well formed, and nothing else already."""
    if len(topic.authors) < rules.min_authors or len(topic.threads) < rules.min_threads:
        return False
    return not (
        _malformed(topic.key)
        or _common_words(topic, lower)
        or _person(topic, rules.name_words)
        or rules.topics.classify(topic.title, topic.key) is not None
        or _known_to_kb(topic, rules.is_alias)
    )


def _malformed(key: str) -> bool:
    words = key.split()
    return (
        len(words) > MAX_WORDS
        or len(key) < 3
        or "'" in key
        or any(not any(c.isalnum() for c in w) for w in words)
        or all(w in STOP_WORDS or len(w) < 2 or w.isdigit() for w in words)
    )


def _common_words(topic: EmergingTopic, lower: Counter[str]) -> bool:
    """Every word is an ordinary one, written in lower case in more messages than this phrase
    is in ("Price", "Click Here", "No Scheduled Outages"): capitals from a heading or a
    shouting newsletter, not a name."""
    n = len({o.message_id for o in topic.occurrences})
    return all(w in STOP_WORDS or w.isdigit() or lower[w] >= n for w in topic.key.split())


def _person(topic: EmergingTopic, names: frozenset[str]) -> bool:
    """A known person's name (or part of one), or what spaCy mostly tags as a person."""
    if all(w.strip(".") in names or len(w) < 2 for w in topic.key.split()):
        return True
    labels = Counter(o.label for o in topic.occurrences if o.label)
    return bool(labels) and labels["PERSON"] * 2 > sum(labels.values())


def _known_to_kb(topic: EmergingTopic, is_alias: Callable[[str], bool]) -> bool:
    """A KB alias is the linker's business (linked, or rightly left unlinked) unless people
    call it a project or a deal ("Project Raptor"): then it is a codename of their own."""
    if not (is_alias(topic.key) or is_alias(_norm(topic.title))):
        return False
    return not any(_norm(f).split()[0] in _HEADS or _norm(f).split()[-1] in _HEADS for f in topic.forms)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()


def name_words(names: Iterable[str]) -> frozenset[str]:
    """Every word of known people's names ("phillip", "allen"), for the person-name filter."""
    return frozenset(w.strip(".,").casefold() for n in names for w in re.split(r"[\s,]+", n) if w)


# --- the build's hook ------------------------------------------------------------


def update_local_topics(
    store: Store, settings: Settings, is_alias: Callable[[str], bool], members: frozenset[int] | None
) -> int:
    """Apply admins' aliases, then replace the local topics with this run's; returns their number.

    ``is_alias`` takes a normalised phrase (``nlp.kb.norm``), as the linker's does;
    ``members`` are the people whose use of a phrase counts (None: everyone).
    """
    with store.transaction():
        added = apply_aliases(store)
    topics: list[EmergingTopic] = []
    if settings.emerging_topics:
        rules = EmergingRules(
            min_authors=settings.emerging_min_authors,
            min_threads=settings.emerging_min_threads,
            link_threshold=settings.link_threshold,
            is_alias=is_alias,
            members=members,
            name_words=name_words(store.person_names()),
            topics=TopicLists.from_settings(
                settings.topic_greylist, settings.topic_blocklist, settings.topic_allowlist
            ),
        )
        topics = find_emerging(store.built_texts(), store.mention_spans(), rules)
    store.replace_local_topics(
        [Entity(t.entity_id, t.title, DESCRIPTION) for t in topics],
        [(t.entity_id, o.mention_id) for t in topics for o in t.occurrences if o.mention_id is not None],
        [
            (o.message_id, o.start, o.end, o.text, t.entity_id)
            for t in topics
            for o in t.occurrences
            if o.mention_id is None
        ],
        settings.link_threshold,
    )
    log.info("local topics: %d (%d alias mentions added)", len(topics), added)
    return len(topics)


def apply_aliases(store: Store) -> int:
    """Mention rows for every admin alias found in what authors wrote; returns how many were added.

    A span already mentioned stays as it is (a surface rule relinks it),
    except a local-topic mention, which the alias overrules.
    """
    added = 0
    for surface, entity_id in store.alias_rules():
        pattern = re.compile(
            r"(?<![\w])" + r"\s+".join(map(re.escape, surface.split())) + r"(?![\w])", re.IGNORECASE
        )
        rows = store.messages_with_phrase(surface)
        spans = store.mention_spans(r["id"] for r in rows)
        new: list[tuple[str, int, int, str, str]] = []
        replaced: list[int] = []
        for row in rows:
            body, stored = str(row["body"] or ""), spans.get(row["id"], [])
            for lo, hi in authored_ranges(body, str(row["authored"] or "")):
                for m in pattern.finditer(body, lo, hi):
                    hits = [s for s in stored if s["start"] < m.end() and m.start() < s["end"]]
                    if any(s["label"] != "LOCAL" for s in hits):
                        continue
                    replaced += [int(s["id"]) for s in hits]
                    new.append((row["id"], m.start(), m.end(), m.group(), entity_id))
        store.add_curated_mentions(new, replaced)
        added += len(new)
    return added
