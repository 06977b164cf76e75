"""The contract every connector meets, and the limits they share.

A connector lists the items of a source cheaply (``list_locators``) and turns
one item into a record (``read``). Reading never raises for a bad item: it
returns an :class:`~backchannel.records.IngestFailure` whose reason starts
with a short stable category (``invalid-json: ...``). Only a source that
cannot be read at all raises :class:`~backchannel.errors.ConnectorError`.

Sources whose items change (a Slack message edited or deleted, an IMAP
message expunged) also implement :class:`VersionedConnector`: each locator
comes with a cheap version string, the ingest stage re-reads a locator whose
version changed, and, when ``tracks_deletions`` is true, forgets locators
that are gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from backchannel.records import IngestFailure, PersonRecord, RawMessage

# One message larger than this is reported as "too-large" instead of parsed.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024


@runtime_checkable
class Connector(Protocol):
    """Reads one kind of source. Locators are strings relative to ``root``."""

    kind: str  # "maildir" | "mbox" | "eml" | "slack_export"

    def list_locators(self, root: Path) -> Iterator[str]:
        """Every item of the source, in a stable order, without parsing it."""
        ...

    def read(self, root: Path, locator: str) -> RawMessage | IngestFailure:
        """Parse one item; a bad item comes back as an IngestFailure, never raised."""
        ...

    def people(self, root: Path) -> list[PersonRecord]:
        """Identities the source knows (Slack ``users.json``); ``[]`` for mail."""
        ...


@runtime_checkable
class VersionedConnector(Connector, Protocol):
    """A connector whose items can change or disappear between syncs."""

    #: True when a locator missing from the listing means the item was deleted at
    #: its source (a live mirror), not that the admin pointed at a partial copy.
    tracks_deletions: bool

    def list_versions(self, root: Path) -> Iterator[tuple[str, str]]:
        """Every ``(locator, version)``; the version changes whenever the item's content does."""
        ...


def decode_first(data: bytes, charsets: Iterable[str | None]) -> str | None:
    """``data`` decoded with the first charset that fits it; unknown or empty names are skipped.

    None when none fits: each caller has its own last resort (replacement
    characters, or a failure).
    """
    for name in charsets:
        if not name:
            continue
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def human_size(size: int) -> str:
    """A size for a failure reason: ``52 MB``, ``3 KB``, ``17 bytes``."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def too_large_reason(size: int, limit: int = MAX_MESSAGE_BYTES) -> str:
    return f"too-large: {human_size(size)} > {human_size(limit)} limit"


def read_file(
    kind: str, path: Path, locator: str, max_bytes: int = MAX_MESSAGE_BYTES
) -> bytes | IngestFailure:
    """A source file's bytes, or the reason they cannot be had (gone, unreadable, too large)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return IngestFailure(kind, locator, too_large_reason(size, max_bytes))
        return path.read_bytes()
    except FileNotFoundError:
        return IngestFailure(kind, locator, "missing: file no longer exists")
    except OSError as exc:
        return IngestFailure(kind, locator, f"unreadable: {exc.strerror or exc}")
