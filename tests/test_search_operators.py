"""Search operators and citations on the built fixtures, and that no operator opens a door.

Tomás is in #general and #engineering only; #leadership (Nina, Raj, Sam) and
the Raj-Lena DM are closed to him. Mail is visible to its mailbox owner and
its senders/recipients only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backchannel.records import Viewer
from backchannel.search import search
from backchannel.settings import Settings
from backchannel.store import Store
from tests.conftest import FIXTURES, cli_json, viewer_of


@pytest.fixture(scope="module")
def store(built_settings: Settings):
    with Store.open(built_settings.database_path) as s:
        yield s


ALL = Viewer(everything=True)


def _containers(store: Store, viewer: Viewer, query: str) -> set[str]:
    return {h.container for h in search(store, viewer, query, limit=200).hits}


def test_from_matches_an_address_a_slack_id_or_a_name(store) -> None:
    by_address = search(store, ALL, "from:phillip.allen@enron.com", limit=200).hits
    by_name = search(store, ALL, "from:Allen", limit=200).hits
    assert by_address and {h.author_name for h in by_address} == {"Phillip K Allen"}
    assert {h.message_id for h in by_address} <= {h.message_id for h in by_name}
    by_slack_id = search(store, ALL, "from:U05RPATEL1", limit=200).hits
    assert by_slack_id and {h.author_name for h in by_slack_id} == {"Raj Patel"}
    either = search(store, ALL, "from:U05RPATEL1 from:phillip.allen@enron.com", limit=200).hits
    assert {h.author_name for h in either} == {"Raj Patel", "Phillip K Allen"}


def test_in_topic_dates_and_attachments_filter(store) -> None:
    assert _containers(store, ALL, "in:#engineering") == {"engineering"}
    assert _containers(store, ALL, "in:inbox") == {"inbox"}
    in_2001 = search(store, ALL, "during:2001", limit=500).hits
    assert in_2001 and all(h.timestamp.year == 2001 for h in in_2001)
    recent = search(store, ALL, "after:2026-03-04", limit=500).hits
    assert recent and all(h.timestamp.isoformat() >= "2026-03-04" for h in recent)
    with_files = search(store, ALL, "has:attachment", limit=500).hits
    assert with_files
    for h in with_files:
        assert (
            store.db.execute("SELECT attachments FROM messages WHERE id = ?", (h.message_id,)).fetchone()[0]
            != "[]"
        )
    gas = search(store, ALL, 'topic:"Natural gas"', limit=500).hits
    assert gas
    for h in gas:
        assert store.db.execute(
            "SELECT 1 FROM mentions WHERE message_id = ? AND entity_id = 'natural_gas'", (h.message_id,)
        ).fetchone()
    words_and_topic = search(store, ALL, 'traders topic:"Natural gas"', limit=500).hits
    assert {h.message_id for h in words_and_topic} <= {h.message_id for h in gas}


@pytest.mark.parametrize(
    "query",
    [
        "in:leadership",
        "in:#leadership",
        "from:U05NOKAFOR in:leadership",
        'in:"dm:lena,raj"',
        "from:U05RPATEL1",
        "from:Lena",
        "xoxb",
        "has:attachment",
        "during:2026",
    ],
)
def test_no_operator_shows_a_non_member_a_private_message(store, query) -> None:
    tomas = viewer_of(store, "slack:U05THERRRA")
    assert not _containers(store, tomas, query) & {"leadership", "dm:lena,raj"}


def test_members_do_see_their_private_channel_through_operators(store) -> None:
    raj = viewer_of(store, "slack:U05RPATEL1")
    assert _containers(store, raj, "in:leadership") == {"leadership"}
    assert _containers(store, raj, 'in:"dm:lena,raj"') == {"dm:lena,raj"}


def test_anonymous_sees_no_mail_through_operators(store) -> None:
    for query in ("from:phillip.allen@enron.com", "in:inbox", 'topic:"Natural gas"', "during:2001"):
        assert search(store, Viewer(), query, limit=200).hits == []


def test_every_hit_cites_where_it_came_from(store) -> None:
    hits = search(store, ALL, "gas", limit=200).hits + search(store, ALL, "in:#engineering", limit=200).hits
    mail = [h for h in hits if h.citation and h.citation.kind == "maildir"]
    slack = [h for h in hits if h.citation and h.citation.kind == "slack_export"]
    assert mail and slack and all(h.citation is not None for h in hits)
    for h in mail:
        path = FIXTURES / "maildir" / h.citation.locator
        assert path.is_file()
        assert f"Message-ID: {h.citation.native_id}" in path.read_text(encoding="latin-1")
    for h in slack:
        day_file, ts = h.citation.locator.split("#")
        assert ts == h.citation.native_id and h.citation.container == h.container
        assert any(m.get("ts") == ts for m in json.loads((FIXTURES / "slack_export" / day_file).read_text()))
    for h in hits:
        assert h.citation.permalink == f"/thread/{h.thread_id}#m-{h.message_id}"


def test_cli_json_as_a_person_has_citations_and_problems(built_settings: Settings) -> None:
    mine = cli_json(built_settings, "search", "in:leadership has:pdf", "--json", "--as", "raj@tidewater.dev")
    assert mine["hits"] and {h["container"] for h in mine["hits"]} == {"leadership"}
    assert mine["hits"][0]["citation"]["locator"].startswith("leadership/")
    assert any("has:pdf is not known" in p for p in mine["problems"])
    theirs = cli_json(built_settings, "search", "in:leadership", "--json", "--as", "U05THERRRA")
    assert theirs["hits"] == []


def test_web_search_shows_operators_problems_and_citations(built_settings: Settings, tmp_path: Path) -> None:
    from web import create_app

    app = create_app(built_settings)
    app.config["TESTING"] = True
    client = app.test_client()
    page = client.get("/search", query_string={"q": "staging in:#engineering foo:bar"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "foo: is not a search operator" in html
    assert 'class="meta-row citation' in html and "engineering/2026-03" in html
    hidden = client.get("/search", query_string={"q": "in:leadership"}).get_data(as_text=True)
    assert "leadership/2026" not in hidden
