"""Rebuilding the index behind the alias, so searches never see a half-built one.

A rebuild creates ``<alias>-<UTC timestamp>`` from the index template, bulk-loads
every built message into it (429 rejections retried with backoff, connection
errors and 5xx retried by the client), refreshes it, then moves the alias in
one ``_aliases`` call (remove the old index, add the new) and deletes the old
index. Until that call the old index keeps serving; if any document fails,
the alias does not move, the new index is deleted, and the error lists why.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from backchannel.elastic.client import BULK_TIMEOUT, ElasticError, client_for, error_reason, translated
from backchannel.elastic.documents import documents
from backchannel.elastic.mapping import DIMS, index_template
from backchannel.progress import progress_bar
from backchannel.settings import Settings
from backchannel.store import Store

log = logging.getLogger(__name__)

#: Documents per bulk request.
CHUNK = 500


@dataclass(frozen=True)
class BulkRetry:
    """How often and how patiently a document the cluster rejected with 429 (busy) is sent again:
    after ``initial_backoff`` seconds, then twice as long each time, ``max_backoff`` at most."""

    max_retries: int = 5
    initial_backoff: float = 1.0
    max_backoff: float = 60.0


@dataclass
class IndexStats:
    """What one rebuild did."""

    alias: str
    index: str  # the new concrete index
    indexed: int = 0
    with_vector: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (message id, why), never text
    replaced: tuple[str, ...] = ()  # the indices the alias pointed at before, now deleted

    @property
    def failed(self) -> int:
        return len(self.failures)


class IndexingError(ElasticError):
    """Some documents could not be indexed; the alias was left where it was."""

    def __init__(self, stats: IndexStats, total: int) -> None:
        reasons = Counter(why for _, why in stats.failures)
        listed = "; ".join(f"{why} ({n}x)" for why, n in reasons.most_common(3))
        super().__init__(
            f"[C043] {stats.failed} of {total} messages could not be indexed ({listed}; first: "
            f"{stats.failures[0][0]}), so {stats.alias!r} still points at the index it had. "
            "Fix the cause and run `backchannel reindex --backend es` again."
        )
        self.stats = stats


def new_index_name(alias: str, now: datetime | None = None) -> str:
    """``<alias>-<UTC timestamp>``: lower case, as index names must be, and sortable."""
    return f"{alias}-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S-%f}"


def alias_actions(alias: str, new: str, old: Iterable[str]) -> list[dict[str, Any]]:
    """One atomic ``_aliases`` request: searches see either the old index or the new, never neither."""
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in sorted(old)]
    return [*actions, {"add": {"index": new, "alias": alias}}]


def rebuild_index(
    store: Store,
    settings: Settings,
    *,
    client: Elasticsearch | None = None,
    quiet: bool = False,
    retry: BulkRetry = BulkRetry(),
) -> IndexStats:
    """Fill a new index with every built message and move ``settings.elasticsearch_index`` to it."""
    client = client or client_for(settings)
    alias = settings.elasticsearch_index
    stats = IndexStats(alias=alias, index=new_index_name(alias))
    with translated(client, alias):
        client.indices.put_index_template(name=alias, **index_template(alias, DIMS))
        client.indices.create(index=stats.index, settings={"index": {"refresh_interval": "-1"}})
    try:
        total = _load(client, store, stats, retry, quiet)
        if stats.failures:
            raise IndexingError(stats, total)
        with translated(client, alias):
            stats.replaced = _serve(client, alias, stats.index)
    except BaseException:
        _drop(client, stats.index)
        raise
    if stats.replaced:
        with translated(client, alias):
            client.indices.delete(index=list(stats.replaced))
    log.info("indexed %d messages into %s", stats.indexed, stats.index)
    return stats


def _serve(client: Elasticsearch, alias: str, index: str) -> tuple[str, ...]:
    """Make ``index`` searchable and move ``alias`` onto it; returns the indices it leaves."""
    client.indices.put_settings(index=index, settings={"index": {"refresh_interval": None}})
    client.indices.refresh(index=index)
    old = _indices_behind(client, alias)
    client.indices.update_aliases(actions=alias_actions(alias, index, old))
    return tuple(sorted(old))


def _load(client: Elasticsearch, store: Store, stats: IndexStats, retry: BulkRetry, quiet: bool) -> int:
    """Bulk-load every document into ``stats.index``, recording each one's outcome; returns how many."""
    total = store.built_count()
    vectors: set[str] = set()
    results = streaming_bulk(
        client.options(request_timeout=BULK_TIMEOUT),
        _actions(store, stats.index, vectors),
        chunk_size=CHUNK,
        max_retries=retry.max_retries,
        initial_backoff=retry.initial_backoff,
        max_backoff=retry.max_backoff,
        raise_on_error=False,
        raise_on_exception=False,
    )
    with progress_bar(total, "elasticsearch", quiet=quiet) as bar, translated(client, stats.alias):
        for ok, item in results:
            info = next(iter(item.values()))
            if ok:
                stats.indexed += 1
                if info["_id"] in vectors:
                    stats.with_vector += 1
            else:
                kind, reason = error_reason(info.get("error"))
                stats.failures.append((str(info.get("_id", "?")), f"{kind}: {reason}"))
                log.warning("message %s not indexed: HTTP %s %s", info.get("_id"), info.get("status"), kind)
            bar.update(1)
    return total


def _actions(store: Store, index: str, vectors: set[str]) -> Iterator[dict[str, Any]]:
    for doc in documents(store):
        if "vector" in doc:
            vectors.add(doc["message_id"])
        yield {"_op_type": "index", "_index": index, "_id": doc["message_id"], "_source": doc}


def _indices_behind(client: Elasticsearch, alias: str) -> set[str]:
    """The concrete indices ``alias`` points at now (none before the first rebuild)."""
    try:
        return set(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        return set()


def _drop(client: Elasticsearch, index: str) -> None:
    """Delete a half-built index; the error that stopped the rebuild is the one worth reporting."""
    try:
        client.indices.delete(index=index, ignore_unavailable=True)
    except (ApiError, TransportError) as exc:
        log.warning("could not delete the unfinished index %s: %s", index, type(exc).__name__)
