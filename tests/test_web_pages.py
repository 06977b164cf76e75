"""Topic, people and admin pages."""

from __future__ import annotations

import pytest

from tests.webdata import ADMIN, ALICE, CAROL, WebData, build, login
from web import create_app


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_pages"))


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def test_web_pages_topic_page(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/topic/kenneth_lay").get_data(True)
    assert "<h1>Kenneth Lay</h1>" in html
    assert "founder and CEO of Enron" in html
    assert 'href="https://en.wikipedia.org/wiki/Kenneth_Lay"' in html
    assert "<mark>Kenneth Lay</mark>" in html  # excerpt around the mention
    assert f'href="/thread/{data.public_thread}#m-{data.public_message}"' in html
    assert f'href="/person/{data.alice}"' in html  # who talks about it
    assert 'href="/topic/enron"' in html  # related topic


def test_web_pages_topics_index(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/topics").get_data(True)
    assert 'href="/topic/enron"' in html and 'href="/topic/kenneth_lay"' in html


def test_web_pages_unknown_topic_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/topic/no_such_thing").status_code == 404


def test_web_pages_person_page(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/person/{data.alice}").get_data(True)
    assert "<h1>Alice Ames</h1>" in html
    assert "slack:UALICE" in html and ALICE in html  # identities
    assert "1 message you can see" in html
    assert 'href="/topic/enron"' in html  # their topics
    assert "Has anyone read the" in html  # recent message


def test_web_pages_people_index(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/people").get_data(True)
    assert f'href="/person/{data.alice}"' in html and f'href="/person/{data.dave}"' in html


def test_web_pages_unknown_person_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/person/99999").status_code == 404


def test_web_pages_admin_forbidden_for_non_admin(client) -> None:  # type: ignore[no-untyped-def]
    login(client, CAROL)
    resp = client.get("/admin/")
    assert resp.status_code == 403
    assert "admins only" in resp.get_data(True)
    assert 'href="/admin/"' not in client.get("/").get_data(True)


def test_web_pages_admin_anonymous_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/admin/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_web_pages_admin_shows_stats_and_failures(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    resp = client.get("/admin/")
    html = resp.get_data(True)
    assert resp.status_code == 200
    assert "messages built" in html and "topic pages" in html
    assert "carol/inbox/17." in html and "I004 not an email: no headers found" in html
