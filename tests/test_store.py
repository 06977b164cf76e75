"""The store on real SQLite: ingest writes, build writes, access filtering, people."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from backchannel.errors import StoreError
from backchannel.records import (
    Address,
    BuiltMessage,
    Entity,
    Mention,
    PersonRecord,
    RawMessage,
    Viewer,
    Visibility,
)
from backchannel.store import Store
from backchannel.store.migrations import MIGRATIONS


def raw(
    id_: str, author: str, *, access: list[str] = (), public: bool = False, thread: str = "t"
) -> RawMessage:
    return RawMessage(
        id=id_,
        source="slack_export" if public else "maildir",
        locator=f"loc/{id_}",
        container="general" if public else "inbox",
        author=Address(author, author.split("@")[0].title()),
        timestamp=datetime(2001, 10, 1, tzinfo=UTC),
        body="SECRET RAW BODY",
        subject="raw subject",
        thread_key=thread,
        visibility=Visibility.PUBLIC if public else Visibility.RESTRICTED,
        access=list(access),
    )


def built(id_: str, text: str, entity: str | None = None) -> BuiltMessage:
    mentions = [Mention(0, len(entity), entity, entity, 0.9, "ORG")] if entity else []
    entities = [Entity(entity.lower(), entity, "an entity")] if entity else []
    return BuiltMessage(id_, "Subject", text, text, mentions, entities, {"PHONE_NUMBER": 1})


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> Store:
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        store.add_raw(sid, raw("m1", "ann@x.com", access=["bob@x.com"]))
        store.add_raw(sid, raw("m2", "carl@x.com", public=True, thread="u"))
    store.save_built(built("m1", "Enron private note", "Enron"))
    store.save_built(built("m2", "Enron public note", "Enron"))
    store.refresh_pages(min_mentions=1)
    return store


def test_store_add_raw_is_idempotent_and_records_copies(store: Store, tmp_path: Path) -> None:
    sid = store.source_id("maildir", tmp_path)
    first = raw("m1", "ann@x.com")
    copy = raw("m1", "ann@x.com")
    copy.locator = "loc/other-folder-copy"
    with store.transaction():
        assert store.add_raw(sid, first) is True
        assert store.add_raw(sid, copy) is False
        assert store.add_raw(sid, first) is False
    counts = store.stats()
    assert counts["messages"] == 1
    assert counts["locations"] == 2
    assert store.known_locators(sid) == {"loc/m1", "loc/other-folder-copy"}


def test_store_never_holds_raw_text_after_ingest(store: Store, tmp_path: Path) -> None:
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        store.add_raw(sid, raw("m1", "ann@x.com"))
    store.close()
    data = Path(store.path).read_bytes()
    assert b"SECRET RAW BODY" not in data
    assert b"raw subject" not in data


def test_store_access_filter_on_every_read(filled: Store) -> None:
    bob = filled.person_by_key("bob@x.com")
    dan = filled.person_for(Address("dan@x.com"))
    for viewer, expected in [
        (Viewer(), {"m2"}),
        (Viewer(person_id=dan), {"m2"}),
        (Viewer(person_id=bob), {"m1", "m2"}),
        (Viewer(everything=True), {"m1", "m2"}),
    ]:
        hits = {r["id"] for r in filled.search_fts(viewer, '"enron"')}
        assert hits == expected
        threads = filled.recent_threads(viewer)
        assert sum(t.messages for t in threads) == len(expected)
        topic = filled.topic(viewer, "enron")
        assert topic is not None and {m.id for m in topic.messages} == expected
        assert filled.top_topics(viewer)[0].mentions == len(expected)


def test_store_private_thread_and_person_hidden_from_outsiders(filled: Store) -> None:
    ann = filled.person_by_key("ann@x.com")
    bob = filled.person_by_key("bob@x.com")
    private_thread = filled.message_thread_id(Viewer(everything=True), "m1")
    assert filled.thread(Viewer(), private_thread) is None
    assert filled.thread(Viewer(person_id=bob), private_thread) is not None
    assert filled.person(Viewer(), ann) is None
    assert filled.person(Viewer(person_id=bob), ann).message_count == 1


def test_store_pages_need_enough_mentions(filled: Store) -> None:
    assert filled.refresh_pages(min_mentions=3) == 2  # two person pages, no topic page
    assert filled.top_topics(Viewer(everything=True)) == []
    assert filled.refresh_pages(min_mentions=2) == 3


def test_store_merge_person_unifies_identities(store: Store, tmp_path: Path) -> None:
    sid = store.source_id("slack_export", tmp_path)
    with store.transaction():
        store.add_raw(sid, raw("s1", "slack:U1", public=True))
        store.add_raw(sid, raw("e1", "ann@x.com"))
    merged = store.merge_person(PersonRecord(("slack:U1", "ann@x.com"), "Ann Real"))
    assert store.person_by_key("slack:U1") == store.person_by_key("ann@x.com") == merged
    assert store.stats()["people"] == 1
    name, keys = store.identity_keys()[merged]
    assert name == "Ann Real" and sorted(keys) == ["ann@x.com", "slack:U1"]


def test_store_failures_upsert_not_duplicate(store: Store, tmp_path: Path) -> None:
    sid = store.source_id("maildir", tmp_path)
    store.record_failure(sid, "a/1.", "ingest", "malformed-email: no headers")
    store.record_failure(sid, "a/1.", "ingest", "malformed-email: no headers")
    rows = store.failures()
    assert len(rows) == 1 and rows[0]["attempts"] == 2
    store.clear_failure(sid, "a/1.", "ingest")
    assert store.failures() == []


def test_store_open_rejects_a_non_database(tmp_path: Path) -> None:
    bogus = tmp_path / "not.sqlite"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="S002"):
        Store.open(bogus)


def test_store_migrations_run_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store.open(path).close()
    with Store.open(path) as again:
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def _mail(id_: str, native: str, key: str) -> RawMessage:
    r = raw(id_, "ann@x.com", thread=key)
    r.native_id = native
    return r


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_store_mail_threads_whichever_arrives_first(
    store: Store, tmp_path: Path, order: tuple[int, ...]
) -> None:
    """Original (subject key), a reply by References, a reply by subject only: one thread."""
    mails = [
        _mail("orig", "<1@x>", "subject:raptor hedges"),
        _mail("reply", "<2@x>", "<1@x>"),
        _mail("re-re", "<3@x>", "subject:raptor hedges"),
    ]
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        for i in order:
            store.add_raw(sid, mails[i])
        store.add_raw(sid, _mail("other", "<4@x>", "subject:something else"))
    thread_of = dict(store.db.execute("SELECT id, thread_id FROM messages"))
    assert thread_of["orig"] == thread_of["reply"] == thread_of["re-re"] != thread_of["other"]
