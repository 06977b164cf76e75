"""Ingest: read a source through its connector and record what is new.

Only metadata and locators reach the store here; the text is read again,
scrubbed and stored by the build stage. Work is committed in batches, so an
interrupted run loses at most one batch, and a re-run skips every item whose
locator is already recorded: nothing is duplicated.
"""

from __future__ import annotations

import logging
from pathlib import Path

from backchannel.errors import ConnectorError
from backchannel.progress import progress_bar
from backchannel.records import IngestFailure, IngestStats
from backchannel.store import Store

log = logging.getLogger(__name__)

BATCH = 500


def ingest_path(store: Store, path: Path, *, kind: str | None = None, quiet: bool = False) -> IngestStats:
    """Ingest one source (maildir, mbox, .eml folder or Slack export), detecting its kind."""
    from ingest.registry import detect_kind, get_connector

    path = Path(path)
    if not path.exists():
        raise ConnectorError(
            f"[I001] {path} does not exist. Give the path of a maildir, mbox, .eml folder or Slack export."
        )
    kind = kind or detect_kind(path)
    connector = get_connector(kind)
    root = path.resolve()
    source_id = store.source_id(kind, root)
    for person in connector.people(root):
        store.merge_person(person)
    seen = store.known_locators(source_id)
    locators = list(connector.list_locators(root))
    stats = IngestStats()
    log.info("ingest %s source %s: %d items, %d already recorded", kind, source_id, len(locators), len(seen))
    with progress_bar(len(locators), f"ingest {kind}", quiet=quiet) as bar:
        for start in range(0, len(locators), BATCH):
            with store.transaction():
                for locator in locators[start : start + BATCH]:
                    bar.update()
                    if locator in seen:
                        stats.skipped += 1
                        continue
                    stats.read += 1
                    item = connector.read(root, locator)
                    if isinstance(item, IngestFailure):
                        store.record_failure(source_id, locator, "ingest", item.reason)
                        stats.add_failure(item.reason)
                        continue
                    store.clear_failure(source_id, locator, "ingest")
                    if store.add_raw(source_id, item):
                        stats.new += 1
                    else:
                        stats.duplicates += 1
        store.mark_synced(source_id)
    log.info(
        "ingest %s done: read=%d new=%d duplicates=%d skipped=%d failed=%d",
        kind,
        stats.read,
        stats.new,
        stats.duplicates,
        stats.skipped,
        stats.failed,
    )
    return stats
