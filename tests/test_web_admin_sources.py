"""Admins add, sync and remove sources in the web app; nobody else can."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.webdata import ADMIN, CAROL, build, csrf_from, login
from web import create_app


@pytest.fixture()
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = build(tmp_path)
    return create_app(data.settings, {"TESTING": True}).test_client()


def _post(client, path: str, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/admin/").get_data(True))
    return client.post(path, data={"csrf_token": token, **form}, follow_redirects=True)


def test_admin_adds_syncs_and_removes_a_source(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = _post(
        client, "/admin/sources", name="fixture-mail", kind="maildir", options=f"path={FIXTURES / 'maildir'}"
    ).get_data(True)
    assert "Source fixture-mail (maildir) added." in page
    assert "<strong>fixture-mail</strong>" in page and "never" in page

    page = html.unescape(_post(client, "/admin/sources/fixture-mail/sync").get_data(True))
    assert "fixture-mail: fetched 0, new 19, changed 0, deleted 0, failed 1." in page
    assert "the whole source" not in page

    page = _post(client, "/admin/sources/fixture-mail/remove").get_data(True)
    assert "Source fixture-mail removed with 19 messages only it held." in page
    assert "<strong>fixture-mail</strong>" not in page


def test_admin_sees_what_is_wrong_with_a_source(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = html.unescape(
        _post(client, "/admin/sources", name="x", kind="imap", options="host=mail.example.com").get_data(True)
    )
    assert "needs its password" in page
    page = html.unescape(
        _post(client, "/admin/sources", name="x", kind="maildir", options="path").get_data(True)
    )
    assert "is not KEY=VALUE" in page
    page = html.unescape(_post(client, "/admin/sources/nope/sync").get_data(True))
    assert "No source named 'nope'" in page


def test_only_admins_touch_sources(client) -> None:  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/login").get_data(True))
    anonymous = client.post("/admin/sources", data={"csrf_token": token, "name": "x", "kind": "maildir"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, CAROL)
    token = csrf_from(client.get("/").get_data(True))
    resp = client.post("/admin/sources", data={"csrf_token": token, "name": "x", "kind": "maildir"})
    assert resp.status_code == 403


def test_a_form_without_its_token_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    resp = client.post("/admin/sources", data={"name": "x", "kind": "maildir", "options": f"path={FIXTURES}"})
    assert resp.status_code == 400
