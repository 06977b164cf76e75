"""Digests: what goes in (only what the recipient may see), rendering, real SMTP delivery."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from backchannel.digest import (
    RenderedDigest,
    build_digest,
    render_digest,
    send_digest,
    thread_url,
    topic_url,
    viewer_for_address,
)
from backchannel.errors import ConfigError, DeliveryError
from backchannel.records import Viewer
from backchannel.store import Store
from tests.conftest import SmtpInbox
from tests.webdata import ALICE, CAROL, DM_WORD, PRIVATE_WORD, WebData, build

NOV_2026 = datetime(2026, 11, 23, tzinfo=UTC)
OCT_2001 = datetime(2001, 10, 26, tzinfo=UTC)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("digest"))


@pytest.fixture()
def store(data: WebData) -> Iterator[Store]:
    s = Store.open(data.settings.database_path)
    yield s
    s.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_digest_week_has_threads_topics_and_counts(store: Store, data: WebData) -> None:
    d = build_digest(store, Viewer(person_id=data.carol), period="week", until=OCT_2001)
    assert [t.subject for t in d.threads] == ["Enron quarterly numbers"]
    assert d.thread_count == 1 and d.message_count == 2
    assert {t.title for t in d.topics} == {"Enron", "Kenneth Lay"}
    assert d.topics[0].title == "Enron"  # most mentioned first
    assert not d.empty and d.latest_activity is None


def test_digest_privacy_dm_between_others_never_included(store: Store, data: WebData) -> None:
    carol = render_digest(
        build_digest(store, viewer_for_address(store, CAROL), until=NOV_2026), data.settings
    )
    for part in (carol.text, carol.html, carol.subject):
        assert DM_WORD not in part.lower() and PRIVATE_WORD not in part.lower()
        assert data.dm_thread not in part and data.private_thread not in part
    assert "Has anyone read the" in carol.text  # the public thread is there

    alice = render_digest(
        build_digest(store, viewer_for_address(store, ALICE), until=NOV_2026), data.settings
    )
    assert DM_WORD in alice.text.lower() and PRIVATE_WORD in alice.html.lower()


def test_digest_anonymous_gets_public_only(store: Store) -> None:
    d = build_digest(store, viewer_for_address(store, "stranger@example.com"), until=NOV_2026)
    assert d.thread_count == 1 and d.message_count == 2


def test_digest_viewer_for_address(store: Store, data: WebData) -> None:
    assert viewer_for_address(store, "Alice@Enron.com") == Viewer(person_id=data.alice)
    assert viewer_for_address(store, "nobody@example.com") == Viewer()


def test_digest_empty_period_names_latest_activity(store: Store, data: WebData) -> None:
    d = build_digest(
        store, Viewer(person_id=data.carol), period="day", until=datetime(2015, 1, 1, tzinfo=UTC)
    )
    assert d.empty and d.threads == ()
    assert d.latest_activity == datetime(2026, 11, 20, 11, 30, tzinfo=UTC)
    r = render_digest(d, data.settings)
    assert "nothing new" in r.subject.lower()
    assert "Nov 20, 2026" in r.text and "--until 2026-11-21" in r.text
    assert "Nov 20, 2026" in r.html


def test_digest_unknown_period_is_config_error(store: Store) -> None:
    with pytest.raises(ConfigError, match="C020"):
        build_digest(store, Viewer(), period="year")


def test_digest_render_text_and_html(store: Store, data: WebData) -> None:
    d = build_digest(store, Viewer(person_id=data.alice), period="month", until=NOV_2026)
    r = render_digest(d, data.settings)
    assert r.subject.startswith(
        "Monthly Backchannel digest, Oct 24, 2026 – Nov 22, 2026: 4 messages in 3 threads"
    )
    for subject in (t.subject for t in d.threads):
        assert subject[:40] in r.text
    url = thread_url("http://wiki.example.test", data.public_thread)
    assert url == f"http://wiki.example.test/thread/{data.public_thread}"
    assert url in r.text and f'href="{url}"' in r.html
    enron = topic_url("http://wiki.example.test", "enron")
    assert enron == "http://wiki.example.test/topic/enron"
    assert enron in r.text and f'href="{enron}"' in r.html
    assert "Kenneth Lay" in r.text and "Kenneth Lay" in r.html
    assert "style=" in r.html  # inline CSS
    # Message text is escaped in the HTML part.
    assert "<script>" not in r.html


def test_digest_send_real_smtp_multipart(store: Store, data: WebData, smtp_inbox: SmtpInbox) -> None:
    rendered = render_digest(build_digest(store, Viewer(person_id=data.carol), until=OCT_2001), data.settings)
    send_digest(rendered, CAROL, data.settings, host="127.0.0.1", port=smtp_inbox.port)
    handler = smtp_inbox

    assert len(handler.envelopes) == 1
    env = handler.envelopes[0]
    assert env.mail_from == data.settings.smtp_sender
    assert env.rcpt_tos == [CAROL]
    msg = message_from_bytes(env.content, policy=policy.default)
    assert msg["To"] == CAROL and msg["From"] == data.settings.smtp_sender
    assert msg["Subject"] == rendered.subject
    assert msg.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Enron quarterly numbers" in parts["text/plain"]
    assert "Enron quarterly numbers" in parts["text/html"]


def test_digest_send_connection_refused_is_delivery_error(data: WebData) -> None:
    port = _free_port()  # nothing listens there
    with pytest.raises(
        DeliveryError, match=rf"\[M001\] Could not connect to SMTP server 127.0.0.1:{port}.*smtp_host"
    ):
        send_digest(RenderedDigest("s", "t", "<p>h</p>"), CAROL, data.settings, host="127.0.0.1", port=port)
