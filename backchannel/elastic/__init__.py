"""The Elasticsearch search backend: index layout, request bodies, indexing, searching.

Boundary: this package talks to the cluster through the official client and
reads the store through its own queries (``store.documents``; the database
is the system of record; an index can always be rebuilt from it). Request bodies are built by
pure functions (``queries``, ``mapping``) so tests can check them without a
cluster. Nothing here logs message text: ids and counts only.
"""

from backchannel.elastic.backend import ElasticSearch, resolve
from backchannel.elastic.client import ElasticError, client_for
from backchannel.elastic.indexing import BulkRetry, IndexingError, IndexStats, rebuild_index
from backchannel.elastic.mapping import index_body, index_template

__all__ = [
    "BulkRetry",
    "ElasticError",
    "ElasticSearch",
    "IndexStats",
    "IndexingError",
    "client_for",
    "index_body",
    "index_template",
    "rebuild_index",
    "resolve",
]
