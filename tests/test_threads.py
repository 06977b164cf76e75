"""Mail threads as people see them: a reply sits with what it answers."""

from __future__ import annotations

import email
import re

from backchannel.pipeline import ingest_path
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
