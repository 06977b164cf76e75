"""One person behind several addresses of one organisation.

Enron writes Phillip Allen as ``phillip.allen@enron.com`` and
``k..allen@enron.com`` (and sometimes ``pallen@enron.com``), each with a
display name from the mail headers. People whose display names give the same
``(first, last)`` key, whose addresses are in the same domain and each fit
that name, are one person. Free-mail domains are left alone: two John Smiths
at gmail.com are two people. Slack ids join email addresses through the
export's or the API's user profiles, before this runs.
"""

from __future__ import annotations

import logging

from backchannel.pipeline.membership import FREE_MAIL
from backchannel.records import PersonRecord
from backchannel.store import Store
from ingest.names import address_fits_name, name_key

log = logging.getLogger(__name__)


def merge_same_names(store: Store) -> int:
    """Merge people who are one person by name and address; returns how many were merged away."""
    people = store.identity_keys()
    groups: dict[tuple[str, tuple[str, str]], set[int]] = {}
    for pid, (name, keys) in people.items():
        key = name_key(name)
        if key is None:
            continue
        for address in keys:
            if address.startswith("slack:") or "@" not in address:
                continue
            domain = address.rsplit("@", 1)[1]
            if domain not in FREE_MAIL and address_fits_name(address, key):
                groups.setdefault((domain, key), set()).add(pid)
    merged = 0
    with store.transaction():
        for pids in groups.values():
            if len(pids) < 2:
                continue
            keys = tuple(k for pid in sorted(pids) for k in people[pid][1])
            name = max((people[pid][0] for pid in pids), key=lambda n: (len(n), n))
            store.merge_person(PersonRecord(keys=keys, name=name))
            merged += len(pids) - 1
    if merged:
        log.info("identities: %d addresses joined to the person they belong to", merged)
    return merged
