"""The thread page: messages in order, mention links, quotes, attachments, 404s."""

from __future__ import annotations

import pytest

from tests.webdata import ALICE, WebData, build, login
from web import create_app


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_thread"))


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def test_web_thread_mentions_link_to_topics(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/thread/{data.public_thread}").get_data(True)
    assert '<a class="mention" href="/topic/enron" title="Enron">Enron</a>' in html
    assert 'href="/topic/kenneth_lay"' in html


def test_web_thread_messages_in_order_with_meta(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/thread/{data.public_thread}").get_data(True)
    assert html.index(f'id="m-{data.public_message}"') < html.index(f'id="m-{data.xss_message}"')
    assert f'href="/person/{data.alice}"' in html
    assert "Nov 20, 2026, 10:00 UTC" in html
    assert ">edited<" in html
    assert "annual-report.pdf" in html and "application/pdf" in html and "242.2 KB" in html


def test_web_thread_escapes_script(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/thread/{data.public_thread}").get_data(True)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html


def test_web_thread_quoted_history_collapsed(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    login(client, ALICE)
    html = client.get(f"/thread/{data.email_thread}").get_data(True)
    authored, _, quoted = html.partition('<details class="quoted">')
    assert "Kenneth Lay</a> wants a summary" in authored
    assert "-----Original Message-----" in quoted
    assert "-----Original Message-----" not in authored
    assert "&gt; The" in quoted  # the reply's ">" quote


def test_web_thread_unknown_is_404(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/thread/thread:doesnotexist")
    assert resp.status_code == 404
    assert "Back to home" in resp.get_data(True)
