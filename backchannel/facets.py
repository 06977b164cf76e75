"""Facet values for a search result: labels for people to read, operators to click.

The counts come from ``Store.facet_counts`` (under the viewer's access); this
module names them and turns each into the query operator that narrows to it,
so clicking a facet is the same as typing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backchannel.records import SOURCE_GROUPS
from backchannel.store.facets import FacetRow

#: Facets, in the order pages show them.
FACETS = ("source", "container", "person", "topic", "year")


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: how many of the viewer's matching messages have it."""

    label: str  # what the page shows: "Slack", "#general", "Phillip Allen", "Natural gas", "2001"
    refine: str  # the operator that narrows the query to it: "source:slack", 'topic:"Natural gas"'
    count: int


def facet_values(rows: list[FacetRow]) -> dict[str, list[FacetValue]]:
    """Facet name -> values, most frequent first (years newest first); facets with no value are left
    out, and values with the same refine (two mail kinds) are one."""
    merged: dict[str, dict[str, FacetValue]] = {name: {} for name in FACETS}
    for row in rows:
        refine = refine_for(row)
        old = merged[row.facet].get(refine)
        count = row.count + (old.count if old else 0)
        merged[row.facet][refine] = FacetValue(label_for(row), refine, count)
    out = {}
    for name, values in merged.items():
        if not values:
            continue
        if name == "year":
            out[name] = sorted(values.values(), key=lambda v: v.label, reverse=True)
        else:
            out[name] = sorted(values.values(), key=lambda v: (-v.count, v.label.casefold()))
    return out


_GROUP_OF = {kind: group for group, kinds in SOURCE_GROUPS.items() for kind in kinds}
_GROUP_LABELS = {"mail": "Email", "slack": "Slack"}
_SLACK_KINDS = frozenset(SOURCE_GROUPS["slack"])


def quoted(value: str) -> str:
    """An operator value as the query language reads it back (quoted when it has spaces)."""
    return f'"{value}"' if any(c.isspace() for c in value) else value


def refine_for(row: FacetRow) -> str:
    """The operator that narrows a query to this facet value."""
    if row.facet == "source":
        return f"source:{_GROUP_OF.get(row.key, row.key)}"
    if row.facet == "container":
        kind, _, container = row.key.partition("\0")
        return f"in:#{container}" if kind in _SLACK_KINDS else f"in:{quoted(container)}"
    if row.facet == "person":
        return f"from:{row.key}"
    if row.facet == "topic":
        return f'topic:"{row.label}"' if '"' not in row.label else f"topic:{row.key}"
    return f"during:{row.key}"


def label_for(row: FacetRow) -> str:
    if row.facet == "source":
        return _GROUP_LABELS.get(_GROUP_OF.get(row.key, ""), row.label)
    if row.facet == "container":
        kind, _, container = row.key.partition("\0")
        return f"#{container}" if kind in _SLACK_KINDS else container
    return row.label
