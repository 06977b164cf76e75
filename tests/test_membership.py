"""Members keep their names, outsiders lose them, even where NER misses them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from backchannel.pipeline.membership import org_domains, split_names
from backchannel.records import Address, PersonRecord, RawMessage, Visibility
from backchannel.store import Store
from privacy.names import KnownNames


def _mail(mid: str, author: Address) -> RawMessage:
    return RawMessage(
        id=mid,
        source="maildir",
        locator=f"inbox/{mid}",
        container="inbox",
        author=author,
        timestamp=datetime(2001, 10, 1, tzinfo=UTC),
        body="",
        subject="s",
        visibility=Visibility.RESTRICTED,
    )


def _filled(store: Store, tmp_path: Path) -> Store:
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        for i in range(3):
            store.add_raw(sid, _mail(f"a{i}", Address("phillip.allen@enron.com", "Phillip K Allen")))
        store.add_raw(sid, _mail("m", Address("maria.gonzalez@gmail.com", "Maria Gonzalez")))
        store.add_raw(sid, _mail("n", Address("editor@energybriefing.com", "Energy Briefing")))
        store.add_raw(sid, _mail("o", Address("pwhite@energynews.com", "Pat White")))
    store.merge_person(PersonRecord(("slack:U1", "nina@tidewater.dev"), "Nina Okafor"))
    return store


def test_org_domains_inferred_from_slack_and_busiest_mail_domain(store: Store, tmp_path: Path) -> None:
    assert org_domains(_filled(store, tmp_path)) == {"enron.com", "tidewater.dev"}


def test_org_domains_never_a_free_mail_provider(store: Store, tmp_path: Path) -> None:
    sid = store.source_id("maildir", tmp_path)
    with store.transaction():
        store.add_raw(sid, _mail("g", Address("someone@gmail.com", "Some One")))
    assert org_domains(store) == set()


def test_org_domains_configured_wins(store: Store, tmp_path: Path) -> None:
    assert org_domains(_filled(store, tmp_path), " @Energynews.com, x.org ") == {"energynews.com", "x.org"}


def test_split_names_members_and_outsiders(store: Store, tmp_path: Path) -> None:
    members, outsiders = split_names(_filled(store, tmp_path).identity_keys(), {"enron.com", "tidewater.dev"})
    assert members == {"Phillip K Allen", "Nina Okafor"}
    assert outsiders == {"Maria Gonzalez", "Pat White"}  # a newsletter's name is not a person's


def test_known_names_find_every_multiword_occurrence() -> None:
    names = KnownNames(["Maria Gonzalez", "Gonzalez, Maria", "Cher", "Phillip K Allen"])
    text = "Name: Maria Gonzalez\nThanks,\nMARIA GONZALEZ's cousin; Cher; Phillip Allen and Phillip K. Allen"
    found = [(text[s.start : s.end], s.type) for s in names.spans(text)]
    assert found == [
        ("Maria Gonzalez", "PERSON"),
        ("MARIA GONZALEZ's", "PERSON"),
        ("Phillip Allen", "PERSON"),
        ("Phillip K. Allen", "PERSON"),
    ]
    assert KnownNames([]).spans(text) == []
    assert KnownNames(["Maria Gonzalez"]).spans("Maria went to Gonzalez Street") == []


def test_slack_messages_do_not_count_as_mail_from_their_domain(store: Store, tmp_path: Path) -> None:
    """A busy Slack workspace must not outvote the mail archive's own domain."""
    _filled(store, tmp_path)
    sid = store.source_id("slack_export", tmp_path)
    with store.transaction():
        for i in range(10):
            chat = _mail(f"s{i}", Address("slack:U1", "Nina Okafor"))
            chat.source, chat.locator, chat.visibility = "slack_export", f"general/{i}", Visibility.PUBLIC
            store.add_raw(sid, chat)
    assert org_domains(store) == {"enron.com", "tidewater.dev"}
