"""The admin's Privacy page: keep-list (audited, admins only, CSRF) and "why was this redacted?"."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.webdata import ADMIN, CAROL, WebData, build, csrf_from, login
from web import create_app


@pytest.fixture()
def data(tmp_path: Path) -> WebData:
    return build(tmp_path)


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def _post(client, path: str, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/admin/privacy/").get_data(True))
    return client.post(path, data={"csrf_token": token, **form}, follow_redirects=True)


def test_web_privacy_admins_only_and_tokens(client) -> None:  # type: ignore[no-untyped-def]
    anonymous = client.get("/admin/privacy/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, CAROL)
    assert client.get("/admin/privacy/").status_code == 403
    client.get("/logout")
    login(client, ADMIN)
    assert client.post("/admin/privacy/keep", data={"term": "Kestrel"}).status_code in (400, 403)
    assert "Kestrel" not in client.get("/admin/privacy/").get_data(True)


def test_web_privacy_keep_list_add_and_remove_is_audited(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = html.unescape(_post(client, "/admin/privacy/keep", term="Project Bluebird").get_data(True))
    assert "'Project Bluebird' is now on the keep-list" in page
    assert "<strong>Project Bluebird</strong>" in page and ADMIN in page
    page = html.unescape(_post(client, "/admin/privacy/keep/remove", term="Project Bluebird").get_data(True))
    assert "removed from the keep-list" in page
    assert "privacy.keep_term" not in page  # actions are shown by name, not by code
    from backchannel.store import Store

    with Store.open(data.settings.database_path) as store:
        actions = [(r["actor"], r["action"]) for r in store.audit_entries("privacy.")]
    assert actions == [(ADMIN, "privacy.keep_term.remove"), (ADMIN, "privacy.keep_term.add")]


def test_web_privacy_explain_shows_each_span_and_why(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    _post(client, "/admin/privacy/keep", term="Zebrafinch")
    page = html.unescape(
        _post(
            client, "/admin/privacy/", text="ask Karen about Zebrafinch, her cell is 713-853-6197"
        ).get_data(True)
    )
    assert 'id="explain-results"' in page
    assert "<code>713-853-6197</code>" in page and "UsPhoneRecognizer" in page and "redact" in page
    assert "<code>Karen</code>" in page and "pseudonymize" in page
    # nothing pasted: no results table
    assert 'id="explain-results"' not in client.get("/admin/privacy/").get_data(True)
