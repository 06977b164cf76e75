"""Planted PII must appear nowhere after a build: not in the SQLite file (nor
its WAL), not in the search index, not in rendered pages, not in digests."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.security import generate_password_hash

from backchannel.digest import build_digest, render_digest
from backchannel.records import Viewer
from backchannel.search import search
from backchannel.settings import Settings
from backchannel.store import Store
from tests.conftest import FIXTURES, OUTSIDER, SECRETS
from tests.webdata import login


def _fixture_text() -> str:
    files = [*(FIXTURES / "maildir").rglob("*"), *(FIXTURES / "slack_export").rglob("*.json")]
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files if p.is_file())


def _variants(secret: str) -> list[str]:
    return [secret, secret.replace(" ", ""), secret.replace("-", "")]


def test_canaries_are_planted_in_fixtures() -> None:
    text = _fixture_text()
    for canary in (*SECRETS, *OUTSIDER):
        assert canary in text, f"fixture lost its canary {canary!r}: these tests would prove nothing"


def test_secrets_absent_from_database_files(built_settings: Settings) -> None:
    db = built_settings.database_path
    blobs = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert len(blobs) > 10_000
    for secret in SECRETS:
        for form in _variants(secret):
            assert form.encode() not in blobs, secret


def test_outsider_absent_from_stored_and_indexed_text(built_settings: Settings) -> None:
    with Store.open(built_settings.database_path) as store:
        rows = store.db.execute("SELECT coalesce(subject,''), body, authored FROM messages").fetchall()
        assert len(rows) > 50 and all(r[1] is not None for r in rows)
        stored = "\n".join("\n".join(r) for r in rows)
        assert re.search(r"<PERSON_\d+>", stored) and "<US_SSN>" in stored and "<CREDENTIAL>" in stored
        for canary in OUTSIDER:
            assert canary.lower() not in stored.lower()
        everyone = Viewer(everything=True)
        assert search(store, everyone, "Westheimer duplex").hits  # her message is indexed...
        # ...but not her name: no indexed word matches it. (Vectors are made from the same
        # scrubbed text, so they hold nothing of it either; a vector "neighbour" of the word
        # is no match, hence the keyword ranking here and the check of what hybrid shows.)
        assert not search(store, everyone, "Gonzalez", mode="bm25").hits
        assert not search(store, everyone, "536", mode="bm25").hits
        for query in ("Gonzalez", "536"):
            for hit in search(store, everyone, query).hits:
                assert query.lower() not in f"{hit.subject} {hit.snippet}".lower()


def _copy(db: Path, dest: Path) -> Path:
    """The session's database copied, so that this test may add users to it."""
    with sqlite3.connect(db) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    return dest


def test_secrets_absent_from_every_page_and_digest(built_settings: Settings, tmp_path: Path) -> None:
    from web import create_app

    settings = built_settings.with_overrides(
        database=_copy(built_settings.database_path, tmp_path / "kb.sqlite")
    )
    with Store.open(settings.database_path) as store:
        accounts: dict[str, int] = {}  # one mail address per person: they sign in with it
        for pid, (_name, keys) in store.identity_keys().items():
            mail = sorted(k for k in keys if "@" in k and not k.startswith("slack:"))
            if mail:
                accounts[mail[-1]] = pid
        for email in accounts:
            store.add_user(email, generate_password_hash("pw"))
        urls: dict[str, list[str]] = {}
        rendered: list[str] = []
        for email, pid in accounts.items():
            viewer = Viewer(person_id=pid)
            urls[email] = (
                ["/", "/topics", "/people", "/search?q=SSN", "/search?q=token"]
                + [f"/person/{ref.id}" for ref, _n in store.people_index(viewer)]
                + [f"/thread/{t.id}" for t in store.recent_threads(viewer, limit=500)]
                + [f"/topic/{t.entity_id}" for t in store.top_topics(viewer, limit=500)]
            )
            digest = build_digest(store, viewer, period="month", until=datetime(2030, 1, 1, tzinfo=UTC))
            out = render_digest(digest, settings)
            rendered += [out.text, out.html]
    # Someone must see the planted messages, or this test proves nothing.
    assert any(len(u) > 20 for u in urls.values())
    app = create_app(settings, {"TESTING": True})
    seen = 0
    for email, paths in urls.items():
        client = app.test_client()
        assert login(client, email, "pw").status_code == 302
        for path in paths:
            page = client.get(path)
            assert page.status_code == 200, path
            rendered.append(page.get_data(as_text=True))
            seen += 1
    assert seen > 50
    for text in rendered:
        for secret in SECRETS:
            for form in _variants(secret):
                assert form not in text, secret
