"""Ingest: read a source through its connector and record what is new.

Only metadata and locators reach the store here; the text is read again,
scrubbed and stored by the build stage. Work is committed in batches, so an
interrupted run loses at most one batch, and a re-run skips every item whose
locator is already recorded with the same version: nothing is duplicated.

Parsing is the expensive part, so with ``workers`` > 1 and enough new items,
worker processes read and parse chunks of items while this process writes.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from backchannel.errors import ConnectorError
from backchannel.progress import progress_bar
from backchannel.records import IngestFailure, IngestStats, RawMessage
from backchannel.store import Store
from ingest.base import Connector

log = logging.getLogger(__name__)

#: Items committed per transaction: what an interrupted run may have to read again.
BATCH = 1000
#: Below this many items to read, starting worker processes costs more than it saves.
PARALLEL_MIN = 2000
#: Items a worker parses per task.
CHUNK = 250

Item = RawMessage | IngestFailure


def ingest_path(
    store: Store, path: Path, *, kind: str | None = None, quiet: bool = False, workers: int = 1
) -> IngestStats:
    """Ingest one source (maildir, mbox, .eml folder or Slack export), detecting its kind."""
    from ingest.registry import detect_kind

    path = Path(path)
    if not path.exists():
        raise ConnectorError(
            f"[I001] {path} does not exist. Give the path of a maildir, mbox, .eml folder or Slack export."
        )
    kind = kind or detect_kind(path)
    root = path.resolve()
    return ingest_source(store, store.source_id(kind, root), kind, root, quiet=quiet, workers=workers)


def ingest_source(
    store: Store, source_id: int, kind: str, root: Path, *, quiet: bool = False, workers: int = 1
) -> IngestStats:
    """Record what is new or changed in a source, and forget what it deleted."""
    from ingest.registry import get_connector

    connector = get_connector(kind)
    for person in connector.people(root):
        store.merge_person(person)
    known = store.known_versions(source_id)
    listing = dict(_listing(connector, root))
    todo = [(loc, ver) for loc, ver in listing.items() if known.get(loc) != ver]
    gone = (
        [loc for loc in known if loc not in listing] if getattr(connector, "tracks_deletions", False) else []
    )
    stats = IngestStats(skipped=len(listing) - len(todo))
    log.info(
        "ingest %s source %s: %d items, %d to read, %d gone",
        kind,
        source_id,
        len(listing),
        len(todo),
        len(gone),
    )
    versions = dict(todo)
    failing = store.failed_locators(source_id, "ingest")
    items = _read_items(connector, kind, root, [loc for loc, _ in todo], workers)
    with progress_bar(len(todo), f"ingest {kind}", quiet=quiet) as bar:
        while batch := list(islice(items, BATCH)):
            with store.transaction():
                for locator, item in batch:
                    bar.update()
                    _record(store, source_id, locator, item, versions[locator], locator in known, stats)
                    if locator in failing and not isinstance(item, IngestFailure):
                        store.clear_failure(source_id, locator, "ingest")
    if gone:
        with store.transaction():
            stats.deleted = store.forget_locations(source_id, gone)
    if stats.new:
        from backchannel.pipeline.identities import merge_same_names

        merge_same_names(store)
    store.mark_synced(source_id)
    log.info(
        "ingest %s done: read=%d new=%d changed=%d duplicates=%d skipped=%d deleted=%d failed=%d",
        kind,
        stats.read,
        stats.new,
        stats.changed,
        stats.duplicates,
        stats.skipped,
        stats.deleted,
        stats.failed,
    )
    return stats


def _record(
    store: Store, source_id: int, locator: str, item: Item, version: str, known: bool, stats: IngestStats
) -> None:
    stats.read += 1
    if isinstance(item, IngestFailure):
        store.record_failure(source_id, locator, "ingest", item.reason)
        stats.add_failure(item.reason)
        return
    if known:
        stats.changed += 1
        store.update_raw(source_id, item, version)
    elif store.add_raw(source_id, item, version):
        stats.new += 1
    else:
        stats.duplicates += 1


def _listing(connector: Connector, root: Path) -> Iterator[tuple[str, str]]:
    """``(locator, version)`` of every item; the version is ``""`` for sources that never change."""
    list_versions = getattr(connector, "list_versions", None)
    if list_versions is not None:
        yield from list_versions(root)
    else:
        for locator in connector.list_locators(root):
            yield locator, ""


def _read_items(
    connector: Connector, kind: str, root: Path, locators: list[str], workers: int
) -> Iterator[tuple[str, Item]]:
    """Every item read and parsed, in listing order; in worker processes when it pays."""
    if workers <= 1 or len(locators) < PARALLEL_MIN:
        for locator in locators:
            yield locator, connector.read(root, locator)
        return
    chunks = [(kind, str(root), locators[i : i + CHUNK]) for i in range(0, len(locators), CHUNK)]
    # spawn, not fork: the caller may hold model threads (torch) that a fork would copy half-way.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for chunk in pool.map(_read_chunk, chunks):
            yield from chunk


def _read_chunk(task: tuple[str, str, list[str]]) -> list[tuple[str, Item]]:
    """Worker side: parse some items and send back their metadata (never their text)."""
    from ingest.registry import get_connector

    kind, root, locators = task
    connector = get_connector(kind)
    out: list[tuple[str, Item]] = []
    for locator in locators:
        item = connector.read(Path(root), locator)
        if isinstance(item, RawMessage):
            item = dataclasses.replace(
                item,
                body="",
                attachments=[
                    dataclasses.replace(a, text="") if getattr(a, "text", "") else a for a in item.attachments
                ],
            )
        out.append((locator, item))
    return out
