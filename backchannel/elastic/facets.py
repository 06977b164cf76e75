"""Facet rows from Elasticsearch's aggregations, named by the store, valued by ``backchannel.facets``.

The counts are Elasticsearch's, taken inside the viewer's access filter. The
names come from the database, the system of record: a person's name and key,
a topic's title. A topic that is grey or hidden now, or a person who is gone,
is left out even if a stale document still names them. The rows are shaped as
``Store.facet_counts`` shapes them, so both backends label and refine alike.
"""

from __future__ import annotations

from typing import Any

from backchannel.facets import FacetValue, facet_values
from backchannel.store import Store
from backchannel.store.facets import FACET_VALUES, FacetRow


def facets_of(aggregations: dict[str, Any], store: Store) -> dict[str, list[FacetValue]]:
    """FACETS name -> values, labelled and refined as the SQLite backend does it."""
    return facet_values(facet_rows(aggregations, store))


def facet_rows(aggregations: dict[str, Any], store: Store) -> list[FacetRow]:
    """The rows ``Store.facet_counts`` would give for the same messages."""
    buckets = {name: aggregations.get(name, {}).get("buckets", []) for name in aggregations}
    rows = [FacetRow("source", b["key"], b["key"], b["doc_count"]) for b in buckets.get("source", [])]
    for b in buckets.get("container", []):
        kind, container = b["key"]
        rows.append(FacetRow("container", f"{kind}\0{container}", container, b["doc_count"]))
    people = store.people_refs([int(b["key"]) for b in buckets.get("person", [])])
    for b in buckets.get("person", []):
        if (ref := people.get(int(b["key"]))) is not None:
            rows.append(FacetRow("person", ref.key, ref.name, b["doc_count"]))
    titles = store.topic_titles([str(b["key"]) for b in buckets.get("topic", [])])
    topics = [b for b in buckets.get("topic", []) if str(b["key"]) in titles][:FACET_VALUES]
    rows += [FacetRow("topic", b["key"], titles[b["key"]], b["doc_count"]) for b in topics]
    rows += [FacetRow("year", str(b["key"]), str(b["key"]), b["doc_count"]) for b in buckets.get("year", [])]
    return rows
