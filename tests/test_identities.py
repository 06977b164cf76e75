"""One person behind several addresses of one organisation, and no more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backchannel.pipeline.identities import merge_same_names
from backchannel.records import Address, RawMessage, content_id
from backchannel.store import Store
from tests.conftest import FIXTURES

SENDERS = [
    ("phillip.allen@enron.com", "Phillip K Allen"),
    ("k..allen@enron.com", "Phillip K Allen"),
    ("pallen@enron.com", "Phillip K. Allen"),
    ("john.allen@enron.com", "John Allen"),  # another Allen
    ("allen@enron.com", "Phillip Allen"),  # a bare surname fits nobody for sure
    ("john.smith@gmail.com", "John Smith"),
    ("jsmith@gmail.com", "John Smith"),  # free mail: two John Smiths may be two people
    ("ops@enron.com", "Enron Operations"),  # a role, not a person
]


def _ingest(store: Store) -> None:
    source = store.source_id("eml", FIXTURES)
    start = datetime(2001, 1, 2, tzinfo=UTC)
    with store.transaction():
        for i, (address, name) in enumerate(SENDERS):
            when = start + timedelta(hours=i)
            store.add_raw(
                source,
                RawMessage(
                    id=content_id("test", address),
                    source="eml",
                    locator=f"{i}.eml",
                    container="inbox",
                    author=Address(address, name),
                    timestamp=when,
                    body="hello",
                    subject=f"note {i}",
                    recipients=[Address("desk@enron.com")],
                    access=["desk@enron.com"],
                ),
            )


def _person(store: Store, key: str) -> int:
    pid = store.person_by_key(key)
    assert pid is not None
    return pid


def test_one_persons_addresses_become_one_person(store: Store) -> None:
    _ingest(store)
    assert merge_same_names(store) == 2
    phillip = _person(store, "phillip.allen@enron.com")
    assert _person(store, "k..allen@enron.com") == phillip == _person(store, "pallen@enron.com")
    for other in ("john.allen@enron.com", "allen@enron.com", "ops@enron.com"):
        assert _person(store, other) != phillip
    assert _person(store, "john.smith@gmail.com") != _person(store, "jsmith@gmail.com")
    authored = store.db.execute("SELECT count(*) FROM messages WHERE author_id = ?", (phillip,)).fetchone()[0]
    assert authored == 3
    # what any of the three addresses may read, the one person may read
    visible = store.db.execute(
        "SELECT count(*) FROM message_access WHERE person_id = ?", (phillip,)
    ).fetchone()[0]
    assert visible == 3
    assert merge_same_names(store) == 0  # idempotent
