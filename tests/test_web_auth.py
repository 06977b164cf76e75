"""Sign-in, sign-out and CSRF."""

from __future__ import annotations

import pytest

from tests.webdata import ALICE, WebData, build, csrf_from, login
from web import create_app


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_auth"))


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def test_web_auth_login_logout_flow(client) -> None:  # type: ignore[no-untyped-def]
    resp = login(client, ALICE)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    html = client.get("/").get_data(True)
    assert ALICE in html and "Sign out" in html
    resp = client.post("/logout", data={"csrf_token": csrf_from(html)})
    assert resp.status_code == 302
    html = client.get("/").get_data(True)
    assert ALICE not in html
    assert "Sign in to see your private channels, DMs and mail" in html


def test_web_auth_wrong_password_rejected(client) -> None:  # type: ignore[no-untyped-def]
    resp = login(client, ALICE, "wrong")
    assert resp.status_code == 401
    assert "don&#39;t match" in resp.get_data(True) or "don't match" in resp.get_data(True)
    assert ALICE not in client.get("/").get_data(True).replace(f'value="{ALICE}"', "")


def test_web_auth_unknown_email_rejected(client) -> None:  # type: ignore[no-untyped-def]
    assert login(client, "nobody@enron.com", "x").status_code == 401


def test_web_auth_post_without_csrf_rejected(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    resp = client.post("/login", data={"email": ALICE, "password": "alice-pw"})
    assert resp.status_code == 400
    assert ALICE not in client.get("/").get_data(True)


def test_web_auth_logout_needs_csrf(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ALICE)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert ALICE in client.get("/").get_data(True)


def test_web_auth_next_redirect_only_same_site(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login?next=/topics").get_data(True)
    token = csrf_from(page)
    resp = client.post(
        "/login", data={"email": ALICE, "password": "alice-pw", "csrf_token": token, "next": "/topics"}
    )
    assert resp.headers["Location"] == "/topics"
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(True))})
    token = csrf_from(client.get("/login").get_data(True))
    resp = client.post(
        "/login",
        data={"email": ALICE, "password": "alice-pw", "csrf_token": token, "next": "//evil.example/x"},
    )
    assert resp.headers["Location"] == "/"


def test_web_auth_session_is_renewed_on_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    before = csrf_from(client.get("/login").get_data(True))
    login(client, ALICE)
    after = csrf_from(client.get("/").get_data(True))
    assert before != after
