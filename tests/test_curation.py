"""Curation in the store: links, aliases, merges and hidden topics, applied again after every build."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from backchannel.digest import build_digest
from backchannel.errors import StoreError
from backchannel.pipeline import build, ingest_path
from backchannel.records import Entity, Viewer
from backchannel.settings import Settings
from backchannel.store import Store
from backchannel.store.curation import surface_key
from nlp.emerging import apply_aliases
from nlp.kb import norm
from tests.curationdata import ENRON, LAY, add_message, mentions_of

EVERYONE = Viewer(everything=True)
ANGEL = Entity("angel_investor", "Angel investor", "An investor in start-ups", "concept")


def _two_topics(store: Store, root: Path) -> None:
    add_message(
        store, root, 1, "ann@enron.com", "Enron and Kenneth Lay met.", {"Enron": ENRON, "Kenneth Lay": LAY}
    )
    add_message(
        store, root, 2, "bob@enron.com", "Kenneth Lay spoke for Enron.", {"Enron": ENRON, "Kenneth Lay": LAY}
    )
    store.refresh_pages(min_mentions=1)


@pytest.mark.parametrize("text", ["Kenneth  Lay", "ÉNRON corp.", "angel_investor", " Raptor's "])
def test_curation_surface_key_is_the_kb_key(text: str) -> None:
    assert surface_key(text) == norm(text)


def test_curation_merge_moves_mentions_and_drops_the_page(store: Store, tmp_path: Path) -> None:
    _two_topics(store, tmp_path)
    assert store.merge_topics("kenneth_lay", "enron", "admin") == "enron"
    store.refresh_pages(min_mentions=1)
    assert mentions_of(store, "kenneth_lay") == []
    assert len(mentions_of(store, "enron")) == 4
    assert store.topic(EVERYONE, "kenneth_lay") is None
    assert store.merge_target("kenneth_lay") == "enron"
    page = store.topic(EVERYONE, "enron")
    assert page is not None and page.related == ()


def test_curation_merge_chains_and_refuses_loops(store: Store, tmp_path: Path) -> None:
    _two_topics(store, tmp_path)
    store.resolve_topic("Angel investor", lambda _ref: ANGEL)
    store.merge_topics("kenneth_lay", "enron", "admin")
    store.merge_topics("enron", "angel_investor", "admin")
    assert store.merge_target("kenneth_lay") == "angel_investor"  # targets stay final
    with pytest.raises(StoreError, match="S022"):
        store.merge_topics("angel_investor", "kenneth_lay", "admin")
    with pytest.raises(StoreError, match="S023"):
        store.merge_topics("nothing_here", "enron", "admin")


def test_curation_hidden_topic_has_no_page_related_entry_or_digest_item(store: Store, tmp_path: Path) -> None:
    _two_topics(store, tmp_path)
    store.hide_topic("enron", "admin")
    store.refresh_pages(min_mentions=1)
    assert store.topic(EVERYONE, "enron") is None
    lay = store.topic(EVERYONE, "kenneth_lay")
    assert lay is not None and lay.related == ()
    assert [t.entity_id for t in store.top_topics(EVERYONE)] == ["kenneth_lay"]
    digest = build_digest(store, EVERYONE, period="month", until=None)
    assert "enron" not in {t.entity_id for t in digest.topics}
    person = store.person(EVERYONE, lay.people[0][0].id)
    assert person is not None and "enron" not in {t.entity_id for t in person.topics}
    store.hide_topic("enron", "admin", hidden=False)
    store.refresh_pages(min_mentions=1)
    assert store.topic(EVERYONE, "enron") is not None


def test_curation_links_hold_when_a_message_is_rebuilt(store: Store, tmp_path: Path) -> None:
    _two_topics(store, tmp_path)
    (first,) = [r["id"] for r in store.mention_spans(["mail:1"])["mail:1"] if r["text"] == "Enron"]
    store.resolve_topic("Angel investor", lambda _ref: ANGEL)
    store.link_mention(first, "angel_investor", "admin")
    store.link_surface("KENNETH LAY", None, alias=False, actor="admin")  # "not a topic", any case
    store.refresh_pages(min_mentions=1)
    assert mentions_of(store, "angel_investor") == [("mail:1", "Enron")]
    assert mentions_of(store, "kenneth_lay") == []
    # A rebuild writes the linker's answers again; the next page refresh puts the decisions back.
    add_message(
        store,
        tmp_path,
        1,
        "ann@enron.com",
        "Enron and Kenneth Lay met.",
        {"Enron": ENRON, "Kenneth Lay": LAY},
    )
    add_message(store, tmp_path, 3, "cat@enron.com", "Kenneth Lay again.", {"Kenneth Lay": LAY})
    store.refresh_pages(min_mentions=1)
    assert mentions_of(store, "angel_investor") == [("mail:1", "Enron")]
    assert mentions_of(store, "enron") == [("mail:2", "Enron")]
    assert mentions_of(store, "kenneth_lay") == []


def test_curation_alias_finds_new_mentions_in_the_text(store: Store, tmp_path: Path) -> None:
    _two_topics(store, tmp_path)
    body = "KL said yes, kl agrees.\n> KL in a quote"
    add_message(store, tmp_path, 3, "cat@enron.com", body, {}, authored=body.split("\n")[0])
    store.link_surface("kl", "kenneth_lay", alias=True, actor="admin")
    with store.transaction():
        assert apply_aliases(store) == 2  # both in the author's line, none in the quote
        assert apply_aliases(store) == 0  # already there: idempotent
    assert [m for m in mentions_of(store, "kenneth_lay") if m[0] == "mail:3"] == [
        ("mail:3", "KL"),
        ("mail:3", "kl"),
    ]


def test_curation_is_audited(store: Store, tmp_path: Path) -> None:
    _two_topics(store, tmp_path)
    store.hide_topic("enron", "ann")
    store.link_surface("K.L.", "kenneth_lay", alias=True, actor="bob")
    actions = [(e["actor"], e["action"]) for e in store.audit_entries("topic.")]
    assert actions == [("bob", "topic.alias"), ("ann", "topic.hide")]


def test_curation_review_queue_lists_unsure_links_once_per_surface(store: Store, tmp_path: Path) -> None:
    for n in range(3):
        add_message(store, tmp_path, n, "ann@enron.com", "Enron again", {"Enron": ENRON}, score=0.4)
    add_message(store, tmp_path, 9, "bob@enron.com", "Kenneth Lay", {"Kenneth Lay": LAY}, score=0.95)
    queue = store.review_queue(EVERYONE, 0.3, 0.5)
    assert [(r["text"], r["n"]) for r in queue] == [("Enron", 3)]
    store.link_surface("Enron", "enron", alias=False, actor="admin")  # confirmed
    store.refresh_pages(min_mentions=1)
    assert store.review_queue(EVERYONE, 0.3, 0.5) == []


def _mail(folder: Path, n: int, author: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"] = author, "team@enron.com"
    msg["Subject"], msg["Date"] = f"Scripts {n}", f"Tue, {n} May 2001 09:30:00 -0700"
    msg["Message-ID"] = f"<scripts.{n}@enron.com>"
    msg.set_content(body)
    (folder / f"{n}.").write_bytes(msg.as_bytes())


@pytest.mark.slow
def test_curation_correction_survives_a_rebuild(settings: Settings, tmp_path: Path) -> None:
    inbox = tmp_path / "maildir" / "ann-a" / "inbox"
    inbox.mkdir(parents=True)
    _mail(inbox, 1, "ann.ames@enron.com", "We rewrote the billing scripts in Python. Ask Enron.")
    with Store.open(settings.database_path) as store:
        ingest_path(store, tmp_path / "maildir", quiet=True)
        build(store, settings, quiet=True)
        (python,) = [r for rows in store.mention_spans().values() for r in rows if r["text"] == "Python"]
        assert python["entity_id"] is not None
        target = store.resolve_topic("python_(genus)", lambda ref: Entity(ref, "Python (genus)"))
        store.link_surface("python", target, alias=False, actor="admin")
        store.refresh_pages(settings.min_topic_mentions)
        _mail(inbox, 2, "bob.barr@enron.com", "The Python code runs nightly now.")
        ingest_path(store, tmp_path / "maildir", quiet=True)
        build(store, settings, quiet=True)
        found = [
            (mid, r["entity_id"])
            for mid, rows in store.mention_spans().items()
            for r in rows
            if r["text"] == "Python"
        ]
    assert len(found) == 2 and {e for _, e in found} == {"python_(genus)"}


def test_curation_cli(store: Store, settings: Settings, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from backchannel.cli import cli

    _two_topics(store, tmp_path)
    base = ["--data-dir", str(settings.data_dir), "--kb", str(settings.kb_path), "topics"]
    runner = CliRunner()
    result = runner.invoke(cli, [*base, "merge", "Kenneth Lay", "enron", "--actor", "ops"])
    assert result.exit_code == 0 and "merged Kenneth Lay into enron" in result.output
    result = runner.invoke(cli, [*base, "hide", "nope"])
    assert result.exit_code == 2 and "no topic or Wikipedia entity 'nope'" in result.output
    listing = runner.invoke(cli, [*base, "list"]).output
    assert "kenneth_lay  Kenneth Lay  -> enron" in listing
    assert [e["actor"] for e in store.audit_entries("topic.")] == ["ops"]
