"""Private channels, DMs and mail reach only their members, on every page and in search."""

from __future__ import annotations

import pytest

from tests.webdata import ALICE, BOB, CAROL, DM_WORD, EMAIL_WORD, PRIVATE_WORD, WebData, build, login
from web import create_app


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_privacy"))


@pytest.fixture()
def client(data: WebData):  # type: ignore[no-untyped-def]
    return create_app(data.settings, {"TESTING": True}).test_client()


def _visible_words(client, data: WebData) -> set[str]:  # type: ignore[no-untyped-def]
    """Which private words any page shows: browsing pages contain them, search pages highlight them."""
    pages = [
        "/",
        "/topics",
        "/people",
        "/topic/enron",
        "/topic/kenneth_lay",
        f"/person/{data.alice}",
        f"/person/{data.bob}",
        f"/person/{data.carol}",
        f"/person/{data.dave}",
    ]
    browsed = "\n".join(client.get(u).get_data(True) for u in pages).lower()
    seen = {w for w in (PRIVATE_WORD, DM_WORD, EMAIL_WORD) if w in browsed}
    for word in (PRIVATE_WORD, DM_WORD, EMAIL_WORD):
        # The query itself is echoed on the page; a hit highlights it.
        if f"<mark>{word}</mark>" in client.get(f"/search?q={word}").get_data(True).lower():
            seen.add(word)
    return seen


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        (None, set()),
        (CAROL, {EMAIL_WORD}),
        (ALICE, {PRIVATE_WORD, DM_WORD, EMAIL_WORD}),
        (BOB, {PRIVATE_WORD, DM_WORD, EMAIL_WORD}),
    ],
)
def test_web_privacy_pages_and_search_show_only_what_viewer_may_see(client, data, who, visible) -> None:  # type: ignore[no-untyped-def]
    if who:
        login(client, who)
    assert _visible_words(client, data) == visible


@pytest.mark.parametrize(
    ("who", "private", "dm", "email"),
    [(None, 404, 404, 404), (CAROL, 404, 404, 200), (ALICE, 200, 200, 200)],
)
def test_web_privacy_thread_pages(client, data: WebData, who, private, dm, email) -> None:  # type: ignore[no-untyped-def]
    if who:
        login(client, who)
    assert client.get(f"/thread/{data.private_thread}").status_code == private
    assert client.get(f"/thread/{data.dm_thread}").status_code == dm
    assert client.get(f"/thread/{data.email_thread}").status_code == email
    assert client.get(f"/thread/{data.public_thread}").status_code == 200


def test_web_privacy_hidden_thread_404_identical_to_missing(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    hidden = client.get(f"/thread/{data.dm_thread}")
    missing = client.get("/thread/thread:00000000000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data(True).replace(data.dm_thread, "X") == missing.get_data(True).replace(
        "thread:00000000000000000000", "X"
    )


def test_web_privacy_person_with_only_private_messages_hidden(client, data: WebData) -> None:  # type: ignore[no-untyped-def]
    # Bob wrote in #exec and by mail only: anonymous visitors get no page for him.
    assert client.get(f"/person/{data.bob}").status_code == 404
    login(client, CAROL)
    html = client.get(f"/person/{data.bob}").get_data(True)
    assert "Enron quarterly numbers" in html and PRIVATE_WORD not in html.lower()


def test_web_privacy_home_counts_only_visible_messages(client) -> None:  # type: ignore[no-untyped-def]
    anon = client.get("/").get_data(True)
    assert "<dt>Messages</dt><dd>2</dd>" in anon
    login(client, ALICE)
    assert "<dt>Messages</dt><dd>6</dd>" in client.get("/").get_data(True)
