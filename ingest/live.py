"""The contract of live sources (Slack's Web API, IMAP) and their checkpoints.

A live connector never hands messages to the store directly. ``sync`` copies
what is new on the server into a local **mirror** folder, in a layout one of
its own file readers understands (a Slack export folder for Slack, ``.eml``
files for IMAP), and the ordinary ingest stage then reads that mirror like any
other file source. That gives live sources everything file sources already
have (locators, re-reading at build time, failures, no duplicates) and makes
an interrupted sync cheap: each item is written to the mirror atomically
*before* the checkpoint that says it was fetched is saved, so a crash at any
point at worst fetches an item again and overwrites the same file.

The mirror holds raw text, like the export zip or maildir an admin points a
file source at; it lives under ``data_dir/mirrors/<source name>`` with
owner-only permissions and is deleted with the source.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from backchannel.records import IngestFailure

CHECKPOINT_FILE = ".checkpoint.json"


@dataclass
class SyncReport:
    """What one sync fetched. Counts only: never message text or names."""

    fetched: int = 0  # items written to the mirror (new or changed)
    deleted: int = 0  # items removed from the mirror because the server deleted them
    skipped: list[str] = field(default_factory=list)  # "C123: not_in_channel", "Junk: no access"
    rate_limited: int = 0  # times the server said "slow down" and we waited
    #: Items the server has that will never be fetched (a message over the size
    #: limit), named by the locator they would have in the mirror.
    failed_items: list[IngestFailure] = field(default_factory=list)


class Checkpoint:
    """A small JSON document saved atomically in the mirror (``.checkpoint.json``).

    Connectors keep their cursors here (Slack: per-channel latest ``ts`` and the
    page cursor of an unfinished listing; IMAP: per-folder UIDVALIDITY and last
    UID). ``save`` replaces the file with ``os.replace``, so a kill leaves
    either the old or the new state, never half of one.
    """

    def __init__(self, mirror: Path) -> None:
        self.path = Path(mirror) / CHECKPOINT_FILE
        try:
            self.state: dict[str, Any] = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            self.state = {}
        except ValueError:
            # A checkpoint we cannot read only costs a full re-fetch: files are overwritten, not added.
            self.state = {}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self.state, sort_keys=True, indent=1).encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@runtime_checkable
class LiveConnector(Protocol):
    """A source on a server. Also a file connector (list_locators/read/people) over its mirror."""

    kind: str  # "slack_api" | "imap"

    def sync(
        self,
        options: dict[str, str],
        secret: str | None,
        mirror: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> SyncReport:
        """Fetch what is new (or changed, or deleted) into ``mirror``; resume from its checkpoint.

        ``options`` are the admin's settings for the source (``folders=INBOX,Sent``,
        ``host=...``); ``secret`` is the token or password, already decrypted or
        read from the environment. It must never be logged, put in an exception
        message, or written to the mirror. ``progress(n)`` reports n more items
        done. Errors the admin must fix (bad token, unreachable host) raise
        :class:`~backchannel.errors.ConnectorError` with a message that says what
        to do; a single bad item or an unreadable channel/folder is skipped and
        listed in :attr:`SyncReport.skipped`.
        """
        ...
