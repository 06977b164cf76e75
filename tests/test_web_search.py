"""The search page: highlighted snippets, escaping, links, empty and relaxed results."""

from __future__ import annotations

import pytest

from tests.webdata import WebData, build
from web import create_app


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_search"))


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def test_web_search_highlights_and_links_to_message(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=annual+report").get_data(True)
    assert "<mark>annual</mark>" in html
    assert f'href="/thread/{data.public_thread}#m-{data.public_message}"' in html
    assert "Alice Ames" in html and "general" in html and "Nov 20, 2026" in html


def test_web_search_escapes_script_in_body(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=great+honestly").get_data(True)
    assert "<mark>great</mark>" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_web_search_query_is_escaped(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E").get_data(True)
    assert "<img src=x" not in html
    assert "&lt;img" in html


def test_web_search_no_results_help(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=xylophone").get_data(True)
    assert 'id="no-results"' in html and "Check the spelling" in html


def test_web_search_relaxed_notice(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=annual+xylophone").get_data(True)
    assert 'id="relaxed"' in html and "<mark>annual</mark>" in html


def test_web_search_message_hint_for_exclusions_only(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=-enron").get_data(True)
    assert "Type at least one word" in html
    assert 'id="no-results"' not in html


def test_web_search_empty_query_shows_prompt(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/search")
    assert resp.status_code == 200 and "Type a word" in resp.get_data(True)
