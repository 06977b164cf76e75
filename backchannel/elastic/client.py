"""The Elasticsearch client, one per cluster address, and the errors a user sees.

Client errors become :class:`ElasticError` with a stable code and what to do
next; nothing here logs a request body (it holds message text).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlunsplit

from elasticsearch import ApiError, Elasticsearch, TransportError

from backchannel.errors import ConfigError
from backchannel.settings import Settings

#: Seconds before a search or admin request gives up (a bulk request gets :data:`BULK_TIMEOUT`).
REQUEST_TIMEOUT = 30.0
BULK_TIMEOUT = 120.0
#: The client retries a request on a connection error, a timeout or 429/502/503/504, with backoff.
CLIENT_RETRIES = 3
COMPOSE_HINT = "start one with `docker compose -f compose/elasticsearch.yml up -d` or set elasticsearch_url"
REINDEX_HINT = "run `backchannel reindex --backend es` to build it"

_CLIENTS: dict[str, Elasticsearch] = {}


class ElasticError(ConfigError):
    """The Elasticsearch cluster cannot serve a request: what failed and what to do."""


def client_for(settings: Settings) -> Elasticsearch:
    """This process's client for ``settings.elasticsearch_url`` (``http://user:password@host:9200``
    for a cluster with security on). Made once per address: it keeps a connection pool."""
    url = settings.elasticsearch_url
    transport_log = logging.getLogger("elastic_transport")
    if transport_log.level == logging.NOTSET:  # unless someone set it on purpose
        # It logs every retry with a traceback at WARNING; our errors say what failed and what to do.
        transport_log.setLevel(logging.ERROR)
    if url not in _CLIENTS:
        _CLIENTS[url] = Elasticsearch(
            url, request_timeout=REQUEST_TIMEOUT, max_retries=CLIENT_RETRIES, retry_on_timeout=True
        )
    return _CLIENTS[url]


def where(client: Elasticsearch) -> str:
    """The cluster's address for a message, without credentials."""
    node = next(iter(client.transport.node_pool.all())).config
    return urlunsplit((node.scheme, f"{node.host}:{node.port}", node.path_prefix, "", ""))


@contextmanager
def translated(client: Elasticsearch, alias: str) -> Iterator[None]:
    """Turn the client's exceptions into an :class:`ElasticError` that says what to do."""
    try:
        yield
    except ApiError as exc:
        raise api_error(exc.status_code, exc.body, alias) from exc
    except TransportError as exc:  # no answer: refused, timed out, TLS failed
        raise ElasticError(
            f"[C040] Elasticsearch at {where(client)} cannot be reached ({type(exc).__name__}); "
            f"{COMPOSE_HINT}."
        ) from exc


def api_error(status: int, body: object, alias: str) -> ElasticError:
    """An error answer of the cluster (a whole request's or one ``_msearch`` item's), as one line."""
    kind, reason = error_reason(body)
    if kind == "index_not_found_exception":
        return ElasticError(f"[C041] The Elasticsearch index {alias!r} does not exist yet: {REINDEX_HINT}.")
    return ElasticError(
        f"[C042] Elasticsearch refused a request (HTTP {status}, {kind}: {reason}); see the cluster's log."
    )


def error_reason(body: object) -> tuple[str, str]:
    """(type, reason) of an error answer or bulk item error, whatever shape the cluster gave it.

    A mapping error's reason can quote a field's value ("Preview of field's value: ..."), which
    may be message text: that part is cut so no error message or log carries a message's words.
    """
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        kind, reason = str(error.get("type", "error")), str(error.get("reason", ""))
    else:
        kind, reason = "error", str(error)
    return kind, reason.split(" Preview of field's value:")[0]
