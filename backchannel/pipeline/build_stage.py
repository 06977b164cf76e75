"""Build: privacy, NLP and indexing over every message not built yet.

For each message the raw text is read again from its source (it was never
stored), parsed by spaCy once, and that one parse feeds both Presidio (PII)
and the entity linker. Only the scrubbed text, the links and the index entry
are written, in one transaction per message, so an interrupted build resumes
where it stopped.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backchannel.pipeline.membership import org_domains, split_names
from backchannel.pipeline.privacy_setup import keep_terms, make_detector
from backchannel.progress import progress_bar
from backchannel.records import BuiltMessage, Entity, IngestFailure, Mention, RawMessage, ScrubbedText
from backchannel.settings import Settings
from backchannel.store import Store, entity_key
from ingest.quotes import authored_text
from nlp.linker import LinkRequest
from nlp.parse import clip
from privacy.keep_terms import KeepTerms
from privacy.names import KnownNames
from privacy.pseudonyms import Pseudonymizer, load_key
from privacy.scrub import member_name_forms, scrub
from privacy.sensitive_topics import BLOCK, GREY, TopicLists

if TYPE_CHECKING:
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

BATCH = 64
#: Messages linked together: the embedding model is called once per chunk.
LINK_BATCH = 32


@dataclass
class BuildStats:
    built: int = 0
    failed: int = 0
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, stage: str, since: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - since


@dataclass
class _Engines:
    """The models one build needs, loaded once."""

    nlp: Any
    detector: Any
    keep_terms: KeepTerms
    linker: Any
    kb: Any
    surrogate: Pseudonymizer
    topics: TopicLists


def _load_engines(settings: Settings, store: Store) -> _Engines:
    from nlp.kb import KnowledgeBase
    from nlp.linker import make_linker
    from nlp.parse import load_nlp
    from privacy.vault import Vault

    kb = KnowledgeBase.open(settings.kb_path, settings.data_dir / "kb")
    vault = Vault(settings.vault_key) if settings.vault else None
    linker = make_linker(kb, settings.link_threshold, semantic=settings.link_semantic)
    linker.use_vocabulary(store.alias_rules(), store.local_topic_forms())
    return _Engines(
        nlp=load_nlp(),
        detector=make_detector(settings, store, kb),
        keep_terms=keep_terms(settings, store),
        linker=linker,
        kb=kb,
        surrogate=Pseudonymizer(store, load_key(settings), vault),
        topics=TopicLists.from_settings(
            settings.topic_greylist, settings.topic_blocklist, settings.topic_allowlist
        ),
    )


#: Below this many pending messages, extra spaCy processes cost more to start than they save.
PARALLEL_MIN = 500


def build(store: Store, settings: Settings, *, quiet: bool = False) -> BuildStats:
    """Scrub, link and index every pending message, then refresh the page list.

    One streaming ``nlp.pipe`` over all pending messages: with ``workers`` > 1
    spaCy parses in that many processes while this one detects, links and
    writes. Each message is saved in its own transaction.
    """
    stats = BuildStats()
    pending = store.pending()
    if pending:
        t0 = time.perf_counter()
        engines = _load_engines(settings, store)
        stats.timed("load_models", t0)
        people = store.identity_keys()
        members, outsiders = split_names(people, org_domains(store, settings.org_domains, people))
        kept = set() if settings.scrub_member_names else members | member_name_forms(members, outsiders)
        names = (kept, KnownNames(outsiders))
        n_process = max(1, settings.workers) if len(pending) >= PARALLEL_MIN else 1
        with progress_bar(len(pending), "build", quiet=quiet) as bar:
            raws = _read_all(store, pending, stats, bar)
            texts = ((clip(raw.body), (raw, body_end)) for raw, body_end in raws)
            t_loop = time.perf_counter()
            busy = stats.seconds.copy()
            parsed = engines.nlp.pipe(texts, as_tuples=True, batch_size=BATCH, n_process=n_process)
            while chunk := list(islice(parsed, LINK_BATCH)):
                # Linked a chunk at a time (one embedding batch); a thread's entities
                # are those saved before the chunk.
                t0 = time.perf_counter()
                requests = [
                    LinkRequest(doc, None, store.thread_entity_titles(raw.id), _context_words(raw))
                    for doc, (raw, _) in chunk
                ]
                linked_chunk = engines.linker.link_many(requests)
                stats.timed("link", t0)
                for (doc, (raw, body_end)), linked in zip(chunk, linked_chunk, strict=True):
                    built = _build_one(raw, body_end, doc, engines, settings, names, stats, linked)
                    t0 = time.perf_counter()
                    store.save_built(built)
                    stats.timed("store_index", t0)
                    stats.built += 1
                    bar.update()
            # Parsing is what the loop spent waiting on spaCy, not on our own stages.
            ours = sum(stats.seconds.values()) - sum(busy.values())
            stats.seconds["parse"] = time.perf_counter() - t_loop - ours
        t0 = time.perf_counter()
        _local_topics(store, settings, engines.linker.is_alias)
        stats.timed("local_topics", t0)
    if settings.search_vectors:
        from backchannel.vectors import index_vectors

        t0 = time.perf_counter()
        index_vectors(store, quiet=quiet)
        stats.timed("vectors", t0)
    t0 = time.perf_counter()
    stats.pages = store.refresh_pages(settings.min_topic_mentions)
    stats.timed("pages", t0)
    log.info("build done: built=%d failed=%d pages=%d", stats.built, stats.failed, stats.pages)
    return stats


def _local_topics(store: Store, settings: Settings, is_alias: Any) -> None:
    """Admins' aliases and emerging topics over the whole store, once every message is saved.

    Only the organisation's members' use of a phrase counts towards a topic.
    """
    from nlp.emerging import update_local_topics

    members = store.people_at(org_domains(store, settings.org_domains))
    update_local_topics(store, settings, is_alias, members)


def _read_all(
    store: Store, pending: list[Any], stats: BuildStats, bar: Any
) -> Iterator[tuple[RawMessage, int]]:
    """Each pending message re-read from its source; a read that fails is recorded and skipped.

    The text of its attachments (PDF, DOCX, TXT) is appended to the body, so it
    is scrubbed, linked and indexed with the message; the int is where the
    mail's own body ends.
    """
    from ingest.registry import get_connector

    connectors: dict[str, Any] = {}
    for row in pending:
        t0 = time.perf_counter()
        connector = connectors.setdefault(row["kind"], get_connector(row["kind"]))
        item = connector.read(Path(row["root"]), row["locator"])
        if isinstance(item, IngestFailure):
            store.record_failure(row["source_id"], row["locator"], "build", item.reason)
            stats.failed += 1
            stats.timed("read", t0)
            bar.update()
            continue
        store.clear_failure(row["source_id"], row["locator"], "build")
        item.id = row["id"]  # the id recorded at ingest, even if a copy differs
        body_end = len(item.body)
        item.body = with_attachment_text(item)
        stats.timed("read", t0)
        yield item, body_end


def with_attachment_text(raw: RawMessage) -> str:
    """The body followed by each attachment's extracted text under a ``[Attachment: name]`` line."""
    parts = [
        f"[Attachment: {a.name}]\n{text}" for a in raw.attachments if (text := getattr(a, "text", "").strip())
    ]
    return "\n\n".join([raw.body, *parts]) if parts else raw.body


def _build_one(
    raw: RawMessage,
    body_end: int,
    doc: Doc,
    engines: _Engines,
    settings: Settings,
    names: tuple[set[str], KnownNames],
    stats: BuildStats,
    linked: list[Mention],
) -> BuiltMessage:
    keep_names, outsiders = names

    def scrubbed(text: str, parsed: Doc | None) -> ScrubbedText:
        spans = engines.detector.detect(text, parsed) + outsiders.spans(text)
        return scrub(
            text,
            spans,
            settings.pii_policy,
            min_score=settings.pii_min_score,
            keep_names=keep_names,
            keep_terms=engines.keep_terms,
            surrogate=engines.surrogate,
        )

    t0 = time.perf_counter()
    text = clip(raw.body)
    body = scrubbed(text, doc)
    subject = scrubbed(raw.subject, None) if raw.subject.strip() else None
    stats.timed("privacy", t0)
    t0 = time.perf_counter()
    # Quote stripping applies to the mail's own body; attachment text is all kept.
    cut = body.map_span(body_end, body_end) if body_end < len(text) else None
    split = cut[0] if cut is not None else len(body.text)
    authored = authored_text(body.text[:split]) + body.text[split:]
    mentions = _mentions_in_authored(body, linked, authored)
    mentions, grey = _apply_topic_lists(mentions, engines.topics)
    entities = _entities(engines.kb, mentions, grey)
    stats.timed("link", t0)
    counts = dict(body.detector_counts)
    if subject is not None:
        for k, v in subject.detector_counts.items():
            counts[k] = counts.get(k, 0) + v
    return BuiltMessage(
        id=raw.id,
        subject=subject.text if subject is not None else "",
        body=body.text,
        authored=authored,
        mentions=mentions,
        entities=entities,
        detector_counts=counts,
        raw_body=raw.body if settings.store_raw_text else None,
    )


def _mentions_in_authored(body: ScrubbedText, mentions: list[Mention], authored: str) -> list[Mention]:
    """Mentions moved into the scrubbed text, keeping those in what the author wrote.

    A mention inside redacted text is dropped (its words are gone); one in
    quoted history is dropped so a long reply chain does not count a topic
    once per quote.
    """
    authored_lines = {line.strip() for line in authored.splitlines() if line.strip()}
    kept: list[Mention] = []
    for m in mentions:
        span = body.map_span(m.start, m.end)
        if span is None:
            continue
        start, end = span
        line_start = body.text.rfind("\n", 0, start) + 1
        line_end = body.text.find("\n", end)
        line = body.text[line_start : line_end if line_end != -1 else len(body.text)].strip()
        if line not in authored_lines:
            continue
        kept.append(Mention(start, end, body.text[start:end], m.entity, m.score, m.label))
    return kept


def _context_words(raw: RawMessage) -> list[str]:
    """What the conversation is about besides the text: a channel's name ("startups"), a mail's subject."""
    return [w for w in re.split(r"[\W_]+", f"{raw.container} {raw.subject}".lower()) if len(w) > 2]


def _apply_topic_lists(mentions: list[Mention], topics: TopicLists) -> tuple[list[Mention], set[str]]:
    """Drop mentions of blocked topics; name the grey ones (kept, never surfaced)."""
    kept, grey = [], set()
    for m in mentions:
        verdict = topics.classify(m.entity, m.text) if m.entity else None
        if verdict == BLOCK:
            continue
        if verdict == GREY:
            grey.add(str(m.entity))
        kept.append(m)
    return kept, grey


def _entities(kb: Any, mentions: list[Mention], grey: set[str]) -> list[Entity]:
    found: dict[str, Entity] = {}
    for m in mentions:
        if m.entity and m.entity not in found:
            entity = kb.entity(entity_key(m.entity))
            found[m.entity] = Entity(
                id=entity_key(m.entity),
                title=m.entity,
                description=getattr(entity, "description", "") or "",
                type=getattr(entity, "type", "unknown") or "unknown",
                grey=m.entity in grey,
            )
    return list(found.values())
