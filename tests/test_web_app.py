"""The app factory: secret key, store lifecycle, home page, error pages."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from flask import g

from backchannel.settings import Settings
from tests.webdata import ALICE, WebData, build, login
from web import create_app, load_secret_key


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_app"))


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def test_web_app_secret_key_generated_once_with_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    first = load_secret_key(settings)
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret_key(settings) == first
    assert len(first) >= 32


def test_web_app_secret_key_from_settings_wins(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "var", secret_key="s3cret"))
    assert app.config["SECRET_KEY"] == "s3cret"
    assert not (tmp_path / "var" / "secret_key").exists()


def test_web_app_store_closed_at_teardown(data: WebData) -> None:
    app = create_app(data.settings)
    with app.test_request_context("/"):
        from web import get_store

        store = get_store()
        assert g.store is store
    with pytest.raises(Exception, match="closed"):
        store.db.execute("SELECT 1")


def test_web_app_home_lists_threads_topics_stats(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(True)
    assert "Recent threads" in html
    assert "Has anyone read the" in html  # the public thread's preview
    assert 'href="/topic/enron"' in html and "Most-mentioned topics" in html
    assert "At a glance" in html
    assert "Nov 20, 2026" in html or "ago" in html or "yesterday" in html
    assert "style.css" in html


def test_web_app_anonymous_banner_then_gone_after_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    assert "Sign in to see your private channels, DMs and mail" in client.get("/").get_data(True)
    login(client, ALICE)
    html = client.get("/").get_data(True)
    assert "Sign in to see your private channels, DMs and mail" not in html
    assert ALICE in html


def test_web_app_404_page_in_layout_with_way_back(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/no/such/page")
    html = resp.get_data(True)
    assert resp.status_code == 404
    assert "couldn&#39;t find that page" in html or "couldn't find that page" in html
    assert 'href="/"' in html and "Back to home" in html
    assert "searchbox" in html  # the site's layout


def test_web_app_static_css_served(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/static/style.css")
    assert resp.status_code == 200
    assert b"--accent" in resp.data
    resp.close()


def test_web_app_500_page_in_layout(data: WebData) -> None:
    app = create_app(data.settings)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    resp = app.test_client().get("/boom")
    assert resp.status_code == 500
    assert "Something went wrong" in resp.get_data(True)
