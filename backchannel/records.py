"""The one record model that crosses every stage boundary.

Connectors yield :class:`RawMessage` (or :class:`IngestFailure` for an item
they could not read); the privacy stage turns a raw message into a
:class:`ScrubbedText`; the NLP stage yields :class:`Mention`; the store keeps
:class:`Message` rows and hands them to search, pages and digests.

No stage passes raw dicts to another: if a field is missing, add it here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Visibility(StrEnum):
    """Who may read a message.

    ``PUBLIC`` means every member of the workspace (public Slack channels).
    ``RESTRICTED`` means only the principals in :attr:`RawMessage.access`
    (private channels, DMs, and all email: sender, recipients, mailbox owner).
    """

    PUBLIC = "public"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Address:
    """One participant as a source names them.

    ``key`` is the stable identity the store uses for a person: a lower-cased
    email address (``phillip.allen@enron.com``) or a Slack user id prefixed
    with ``slack:`` (``slack:U024BE7LH``).
    """

    key: str
    name: str = ""


@dataclass(frozen=True)
class Attachment:
    """Metadata of a file attached to or shared in a message (never its bytes)."""

    name: str
    mime_type: str = ""
    size: int | None = None
    # extracted text of a PDF/DOCX/TXT attachment; scrubbed with the body at build time, never stored raw
    text: str = field(default="", repr=False)


@dataclass
class RawMessage:
    """A message as a connector read it, before privacy and NLP.

    ``id`` is stable across runs: the same source item always gets the same
    id, and two copies of one email in different folders share it (it is a
    fingerprint of the content, see :func:`content_id`), which is how
    duplicates are recognised.

    ``locator`` says where this copy lives in its source (a maildir file, an
    mbox key, a Slack export member and index) so that the raw text can be
    read again at build time without ever being written to the store.
    """

    id: str
    source: str  # connector kind: "maildir", "mbox", "eml", "slack_export"
    locator: str
    container: str  # mail folder or Slack channel name
    author: Address
    timestamp: datetime
    body: str
    subject: str = ""
    recipients: list[Address] = field(default_factory=list)
    thread_key: str = ""  # messages sharing a thread_key form one thread
    native_id: str = ""  # Message-ID header or Slack ts
    visibility: Visibility = Visibility.RESTRICTED
    access: list[str] = field(default_factory=list)  # Address.key of readers
    attachments: list[Attachment] = field(default_factory=list)
    edited: bool = False
    owner: str = ""  # mailbox owner (maildir) or workspace, when known


@dataclass(frozen=True)
class PersonRecord:
    """One person as a source knows them: every identity key and a display name.

    A Slack export's ``users.json`` says that ``slack:U024BE7LH`` and
    ``ann@example.com`` are the same person; the store merges such keys.
    """

    keys: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class IngestFailure:
    """An item a connector could not turn into a message. A value, not a crash."""

    source: str
    locator: str
    reason: str


@dataclass(frozen=True)
class PiiSpan:
    """A piece of personal data found in a text (character offsets)."""

    start: int
    end: int
    type: str  # Presidio's entity type name, e.g. PHONE_NUMBER
    score: float
    #: The recognizer that found it (for ``pii explain``); not part of equality.
    source: str = field(default="", compare=False)


@dataclass
class ScrubbedText:
    """Text after the privacy policy was applied.

    ``offset_map`` maps positions of the original text to the scrubbed one so
    that spans found on the original parse (mentions) can be moved over.
    ``detector_counts`` records which detectors fired and how often (types and
    counts only, never values).
    """

    text: str
    spans: list[PiiSpan]
    replacements: list[tuple[int, int, int, int]]  # (orig_start, orig_end, new_start, new_end)
    detector_counts: dict[str, int] = field(default_factory=dict)

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Move an original-text span into the scrubbed text.

        Returns ``None`` when the span overlaps a replaced piece of text: that
        content no longer exists in the stored message.
        """
        shift = 0
        for o_start, o_end, n_start, n_end in self.replacements:
            if o_end <= start:
                shift += (n_end - n_start) - (o_end - o_start)
            elif o_start >= end:
                break
            else:
                return None
        return start + shift, end + shift


@dataclass(frozen=True)
class Mention:
    """A span of text that may name an entity, and the entity it was linked to."""

    start: int
    end: int
    text: str
    entity: str | None  # Wikipedia title, or None (NIL)
    score: float
    label: str = ""  # spaCy label or "ALIAS" for dictionary matches


@dataclass(frozen=True)
class Entity:
    """A knowledge-base entity (a Wikipedia article)."""

    id: str  # the KB's key: lower-cased title with underscores
    title: str
    description: str = ""
    type: str = "unknown"
    grey: bool = False  # sensitive: kept in messages, never surfaced as a topic


@dataclass
class Message:
    """A message as stored: scrubbed text plus metadata."""

    id: str
    source: str
    container: str
    author_key: str
    author_name: str
    timestamp: datetime
    subject: str
    body: str  # scrubbed full text, quotes included
    thread_id: str
    visibility: Visibility


@dataclass(frozen=True)
class Viewer:
    """Whose eyes a query runs with. Every read of messages is filtered by it.

    ``person_id`` None is an anonymous viewer: public channels only.
    ``everything`` is operator access (the CLI's ``--all``), never the web's.
    """

    person_id: int | None = None
    everything: bool = False


#: What ``source:mail`` and ``source:slack`` stand for: connector kinds.
SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "mail": ("eml", "imap", "maildir", "mbox"),
    "slack": ("slack_api", "slack_export"),
}


@dataclass(frozen=True)
class SearchFilters:
    """What a query's operators ask for (``backchannel.query``); empty means no filter.

    A tuple's values are alternatives (any of them); different fields must all hold.
    """

    authors: tuple[str, ...] = ()  # an address, a Slack user id, or part of a name
    containers: tuple[str, ...] = ()  # a channel (without "#") or a mail folder
    sources: tuple[str, ...] = ()  # "mail", "slack" (SOURCE_GROUPS), a connector kind or a source's name
    topics: tuple[str, ...] = ()  # an entity's title or id
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    has_attachment: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.authors
            or self.containers
            or self.sources
            or self.topics
            or self.since
            or self.until
            or self.has_attachment
        )


@dataclass(frozen=True)
class Citation:
    """Where a message came from, so that a reader can cite it and find the original.

    Mail: ``native_id`` is the Message-ID header and ``locator`` the mailbox path
    (maildir file, ``mbox:<byte offset>``, or IMAP's ``<folder>/<uidvalidity>/<uid>.eml``).
    Slack: ``native_id`` is the message ``ts`` and ``container`` the channel.
    """

    source: str  # the source's name, or its kind and root folder
    kind: str  # maildir, mbox, eml, imap, slack_export, slack_api
    container: str
    native_id: str
    locator: str
    permalink: str  # the message in this app: /thread/<thread>#m-<message>


@dataclass(frozen=True)
class SearchHit:
    """One ranked search result."""

    message_id: str
    thread_id: str
    score: float
    snippet: str  # HTML-safe text with matches wrapped in <mark>
    subject: str
    author_name: str
    container: str
    timestamp: datetime
    citation: Citation | None = None


@dataclass
class IngestStats:
    """What one ingest run did: the numbers the summary prints."""

    read: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0  # already seen in an earlier run
    changed: int = 0  # read again because the source changed them (an edited Slack message)
    deleted: int = 0  # messages forgotten because their source deleted them
    failed: int = 0
    failure_reasons: dict[str, int] = field(default_factory=dict)

    def add_failure(self, reason: str) -> None:
        self.failed += 1
        key = reason.split(":", 1)[0]
        self.failure_reasons[key] = self.failure_reasons.get(key, 0) + 1


def content_id(prefix: str, *parts: str) -> str:
    """A stable id from content: the same parts always give the same id."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{prefix}:{digest[:20]}"


# --- What the store hands to pages, search and digests -----------------------


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    key: str  # primary identity: email address or slack:U…


@dataclass(frozen=True)
class TopicRef:
    entity_id: str
    title: str
    description: str = ""
    mentions: int = 0
    kind: str = "wikipedia"  # or "local" for emerging company topics


@dataclass(frozen=True)
class ThreadSummary:
    id: str
    subject: str
    container: str
    source: str
    last_ts: datetime
    messages: int
    participants: tuple[str, ...] = ()
    preview: str = ""


@dataclass(frozen=True)
class MessageView:
    id: str
    thread_id: str
    source: str
    container: str
    author: PersonRef
    timestamp: datetime
    subject: str
    body: str  # scrubbed full text
    mentions: tuple[Mention, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    edited: bool = False


@dataclass(frozen=True)
class BuiltMessage:
    """What the build stage writes back for one message: scrubbed text and links."""

    id: str
    subject: str
    body: str  # scrubbed full text
    authored: str  # scrubbed, quotes and signatures removed: what gets indexed
    mentions: list[Mention]
    entities: list[Entity]
    detector_counts: dict[str, int]
    raw_body: str | None = None  # only when the admin opted in (store_raw_text)


@dataclass(frozen=True)
class TopicPage:
    topic: TopicRef
    messages: tuple[MessageView, ...]
    people: tuple[tuple[PersonRef, int], ...]
    related: tuple[TopicRef, ...]


@dataclass(frozen=True)
class PersonPage:
    person: PersonRef
    identities: tuple[str, ...]
    messages: tuple[MessageView, ...]
    topics: tuple[TopicRef, ...]
    message_count: int
