"""Mail threads as people see them: a reply sits with what it answers."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta

from backchannel.pipeline import ingest_path
from backchannel.records import Address, RawMessage, content_id
from backchannel.store import Store
from tests.conftest import FIXTURES

_ID = re.compile(r"<[^<>\s]+>")


def test_fixture_replies_share_their_originals_thread(store: Store) -> None:
    ingest_path(store, FIXTURES / "maildir", quiet=True)
    thread_of_locator = dict(
        store.db.execute(
            "SELECT l.locator, m.thread_id FROM locations l JOIN messages m ON m.id = l.message_id"
        )
    )
    by_msgid: dict[str, str] = {}
    replies: list[tuple[str, list[str]]] = []
    for path in sorted((FIXTURES / "maildir").rglob("*.")):
        locator = path.relative_to(FIXTURES / "maildir").as_posix()
        if locator not in thread_of_locator:
            continue  # the malformed file
        msg = email.message_from_bytes(path.read_bytes())
        by_msgid[msg["Message-ID"].strip()] = thread_of_locator[locator]
        parents = _ID.findall(str(msg.get("In-Reply-To", "")) + str(msg.get("References", "")))
        if parents:
            replies.append((thread_of_locator[locator], parents))
    checked = 0
    for thread, parents in replies:
        for parent in parents:
            if parent in by_msgid:
                assert by_msgid[parent] == thread, parent
                checked += 1
    assert checked >= 3, "the fixtures lost their reply chains"


def _mail(subject: str, when: datetime, body: str, sender: str = "ann@example.com") -> RawMessage:
    return RawMessage(
        id=content_id("test", subject, when.isoformat(), body),
        source="eml",
        locator=f"{when:%Y%m%d%H%M}-{len(body)}.eml",
        container="inbox",
        author=Address(sender),
        timestamp=when,
        body=body,
        subject=subject,
        thread_key="subject:" + subject.lower(),
    )


def _threads_of(store: Store, *raws: RawMessage) -> list[str]:
    source = store.source_id("eml", FIXTURES)
    with store.transaction():
        for raw in raws:
            store.add_raw(source, raw)
    return [
        store.db.execute("SELECT thread_id FROM messages WHERE id = ?", (r.id,)).fetchone()[0] for r in raws
    ]


def test_a_generic_subject_joins_a_thread_only_near_in_time(store: Store) -> None:
    day = datetime(2001, 3, 1, 9, tzinfo=UTC)
    a, b, c = _threads_of(
        store,
        _mail("Meeting", day, "agenda one"),
        _mail("Meeting", day + timedelta(days=3), "re agenda one"),
        _mail("Meeting", day + timedelta(days=300), "a different meeting"),
    )
    assert a == b
    assert c != a


def test_a_mail_between_two_subject_threads_joins_them(store: Store) -> None:
    store.thread_window_s = 10 * 86400
    day = datetime(2001, 3, 1, 9, tzinfo=UTC)
    first, last, middle = _threads_of(
        store,
        _mail("Gas curves", day, "one"),
        _mail("Gas curves", day + timedelta(days=16), "three"),
        _mail("Gas curves", day + timedelta(days=8), "two"),
    )
    assert first == middle == last
    (threads,) = store.db.execute(
        "SELECT count(*) FROM subject_threads WHERE subject = 'gas curves'"
    ).fetchone()
    assert threads == 1
