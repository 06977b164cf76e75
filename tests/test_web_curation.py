"""Admins curate topics on /admin/topics; nobody else can, and no form works without its token."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from backchannel.records import BuiltMessage, Mention
from backchannel.store import Store
from tests.webdata import ADMIN, CAROL, WebData, build, csrf_from, login
from web import create_app


@pytest.fixture()
def data(tmp_path: Path) -> WebData:
    return build(tmp_path)


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def _post(client, path: str, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/admin/topics/").get_data(True))
    return client.post(path, data={"csrf_token": token, **form}, follow_redirects=True)


def test_web_curation_admins_only(client) -> None:  # type: ignore[no-untyped-def]
    anonymous = client.get("/admin/topics/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, CAROL)
    assert client.get("/admin/topics/").status_code == 403
    assert client.get("/admin/topics/review").status_code == 403
    token = csrf_from(client.get("/").get_data(True))
    resp = client.post("/admin/topics/hide", data={"csrf_token": token, "entity": "enron"})
    assert resp.status_code == 403
    assert client.get("/topic/enron").status_code == 200  # nothing was hidden


def test_web_curation_forms_need_their_token(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    for path, form in [
        ("/admin/topics/hide", {"entity": "enron"}),
        ("/admin/topics/merge", {"source": "kenneth_lay", "target": "enron"}),
        ("/admin/topics/alias", {"surface": "KL", "entity": "kenneth_lay"}),
        ("/admin/topics/link", {"mention_id": "1", "entity": ""}),
    ]:
        assert client.post(path, data=form).status_code == 400, path
    assert client.get("/topic/enron").status_code == 200


def test_web_curation_lists_topics(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = client.get("/admin/topics/").get_data(True)
    assert "<code>enron</code>" in page and "<code>kenneth_lay</code>" in page
    assert 'href="/topic/enron"' in page


def test_web_curation_merge_redirects_and_leaves_related_topics(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = html.unescape(
        _post(client, "/admin/topics/merge", source="Kenneth Lay", target="enron").get_data(True)
    )
    assert "Merged kenneth_lay into enron." in page
    assert "merged into <code>enron</code>" in page
    resp = client.get("/topic/kenneth_lay")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/topic/enron")
    enron = client.get("/topic/enron").get_data(True)
    assert "Related topics" not in enron
    assert 'href="/topic/kenneth_lay"' not in client.get("/topics").get_data(True)
    assert "topic.merge" in client.get("/admin/topics/").get_data(True)  # audited


def test_web_curation_hidden_topic_has_no_page(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = html.unescape(_post(client, "/admin/topics/hide", entity="enron").get_data(True))
    assert "enron is hidden." in page
    assert client.get("/topic/enron").status_code == 404
    assert 'href="/topic/enron"' not in client.get("/topics").get_data(True)
    assert 'href="/topic/enron"' not in client.get("/topic/kenneth_lay").get_data(True)
    page = html.unescape(_post(client, "/admin/topics/unhide", entity="enron").get_data(True))
    assert "enron is shown again." in page
    assert client.get("/topic/enron").status_code == 200


def test_web_curation_alias_and_unknown_topics(client) -> None:  # type: ignore[no-untyped-def]
    login(client, ADMIN)
    page = html.unescape(
        _post(client, "/admin/topics/alias", surface="lunch", entity="Kenneth Lay").get_data(True)
    )
    assert "“lunch” now names kenneth_lay." in page and "<code>lunch</code>" in page
    page = html.unescape(_post(client, "/admin/topics/merge", source="nope", target="enron").get_data(True))
    assert "No topic or Wikipedia entity 'nope'" in page


def test_web_curation_review_offers_candidates_and_links(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    body = "Is Python the right tool here?"
    with Store.open(data.settings.database_path) as store:
        store.save_built(
            BuiltMessage(
                id="slack:pub2",
                subject="",
                body=body,
                authored=body,
                mentions=[Mention(3, 9, "Python", None, 0.2, "ALIAS")],
                entities=[],
                detector_counts={},
            )
        )
    login(client, ADMIN)
    page = client.get("/admin/topics/review").get_data(True)
    assert "Is <mark>Python</mark> the right tool here?" in page
    assert 'value="python_(programming_language)"' in page and "Not a topic" in page
    mention_id = page.split('name="mention_id" value="', 1)[1].split('"', 1)[0]
    page = html.unescape(
        _post(
            client,
            "/admin/topics/link",
            mention_id=mention_id,
            entity="python_(programming_language)",
            scope="all",
        ).get_data(True)
    )
    assert "Linked “Python” to python_(programming_language)." in page
    assert "Nothing to review" in page
    topics = client.get("/admin/topics/?q=python").get_data(True)
    assert "<code>python_(programming_language)</code>" in topics and "too few mentions" in topics
