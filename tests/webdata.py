"""A small populated knowledge base for the web and digest tests, built only
through the public Store API (no SQL): a public Slack thread, a private
channel, a DM between Alice and Bob, and an email thread mentioning Enron and
Kenneth Lay. Also helpers to make an app and sign in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.security import generate_password_hash

from backchannel.records import (
    Address,
    Attachment,
    BuiltMessage,
    Entity,
    Mention,
    PersonRecord,
    RawMessage,
    Viewer,
    Visibility,
)
from backchannel.settings import Settings
from backchannel.store import Store

ALICE = "alice@enron.com"  # in #exec and the DM
BOB = "bob@enron.com"  # in #exec and the DM
CAROL = "carol@enron.com"  # on the email thread only
ADMIN = "admin@enron.com"
PASSWORDS = {ALICE: "alice-pw", BOB: "bob-pw", CAROL: "carol-pw", ADMIN: "admin-pw"}

ENRON = Entity(
    "enron", "Enron", "American energy, commodities and services company based in Houston, Texas", "ORG"
)
LAY = Entity("kenneth_lay", "Kenneth Lay", "American businessman, founder and CEO of Enron", "PERSON")

#: Words that appear in one message only, to look for on pages and in search.
PRIVATE_WORD = "zebraprivate"  # the private channel #exec
DM_WORD = "dmsecret"  # the Alice-Bob DM
EMAIL_WORD = "quarterly"  # the email thread (Alice, Bob, Carol)


@dataclass(frozen=True)
class WebData:
    settings: Settings
    public_thread: str
    private_thread: str
    dm_thread: str
    email_thread: str
    public_message: str
    xss_message: str
    email_message: str
    alice: int
    bob: int
    carol: int
    dave: int


def _mentions(body: str, *names: tuple[str, Entity]) -> list[Mention]:
    out = []
    for text, entity in names:
        for m in re.finditer(re.escape(text), body):
            out.append(Mention(m.start(), m.end(), text, entity.title, 0.9, "ORG"))
    return sorted(out, key=lambda m: m.start)


def _raw(
    mid: str, source: str, container: str, author: Address, ts: datetime, body: str, **kw: Any
) -> RawMessage:
    return RawMessage(
        id=mid,
        source=source,
        locator=f"{container}/{mid}",
        container=container,
        author=author,
        timestamp=ts,
        body=body,
        **kw,
    )


def populate(store: Store, root: Path) -> dict[str, str]:
    """Fill ``store`` with the test conversations; returns message ids by name."""
    alice_slack = Address("slack:UALICE", "Alice Ames")
    bob_slack = Address("slack:UBOB", "Bob Barker")
    dave_slack = Address("slack:UDAVE", "Dave Diaz")
    store.merge_person(PersonRecord(("slack:UALICE", ALICE), "Alice Ames"))
    store.merge_person(PersonRecord(("slack:UBOB", BOB), "Bob Barker"))
    store.merge_person(PersonRecord((CAROL,), "Carol Chen"))

    slack_body_1 = "Has anyone read the Enron annual report? Kenneth Lay says the quarter looks strong."
    slack_body_2 = "Yes, the numbers on page 4 are great <script>alert('xss')</script> honestly."
    exec_body = (
        f"{PRIVATE_WORD.capitalize()} plan: Enron will restructure the trading desk "
        "before Kenneth Lay's call."
    )
    dm_body = f"{DM_WORD.capitalize()}: lunch with Kenneth Lay on Friday?"
    mail_body = (
        "Team,\n\nThe Enron quarterly numbers are in. Kenneth Lay wants a summary by Friday.\n\nBob\n\n"
        "-----Original Message-----\nFrom: Alice Ames\nSent: Tuesday, October 23, 2001 9:12 AM\n"
        "Where are the Enron numbers?"
    )
    reply_body = (
        "Thanks Bob, I will draft the quarterly summary for Enron tonight.\n\n"
        "> The Enron quarterly numbers are in."
    )

    msgs = {
        "public": (
            _raw(
                "slack:pub1",
                "slack_export",
                "general",
                alice_slack,
                datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
                slack_body_1,
                thread_key="general:1",
                visibility=Visibility.PUBLIC,
            ),
            "",
            slack_body_1,
            [("Enron", ENRON), ("Kenneth Lay", LAY)],
        ),
        "xss": (
            _raw(
                "slack:pub2",
                "slack_export",
                "general",
                dave_slack,
                datetime(2026, 11, 20, 11, 30, tzinfo=UTC),
                slack_body_2,
                thread_key="general:1",
                visibility=Visibility.PUBLIC,
                edited=True,
                attachments=[Attachment("annual-report.pdf", "application/pdf", 248_000)],
            ),
            "",
            slack_body_2,
            [],
        ),
        "private": (
            _raw(
                "slack:exec1",
                "slack_export",
                "exec",
                bob_slack,
                datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
                exec_body,
                thread_key="exec:1",
                visibility=Visibility.RESTRICTED,
                access=["slack:UALICE", "slack:UBOB"],
            ),
            "",
            exec_body,
            [("Enron", ENRON), ("Kenneth Lay", LAY)],
        ),
        "dm": (
            _raw(
                "slack:dm1",
                "slack_export",
                "DM Alice Ames, Bob Barker",
                alice_slack,
                datetime(2026, 11, 22, 16, 45, tzinfo=UTC),
                dm_body,
                thread_key="dm:1",
                visibility=Visibility.RESTRICTED,
                access=["slack:UALICE", "slack:UBOB"],
            ),
            "",
            dm_body,
            [("Kenneth Lay", LAY)],
        ),
        "email": (
            _raw(
                "mail:1",
                "maildir",
                "bob/inbox",
                Address(BOB, "Bob Barker"),
                datetime(2001, 10, 24, 14, 3, tzinfo=UTC),
                mail_body,
                subject="Enron quarterly numbers",
                recipients=[Address(ALICE), Address(CAROL)],
                thread_key="enron quarterly numbers",
                access=[BOB, ALICE, CAROL],
            ),
            "Enron quarterly numbers",
            mail_body,
            [("Enron", ENRON), ("Kenneth Lay", LAY)],
        ),
        "email_reply": (
            _raw(
                "mail:2",
                "maildir",
                "carol/sent",
                Address(CAROL, "Carol Chen"),
                datetime(2001, 10, 25, 8, 30, tzinfo=UTC),
                reply_body,
                subject="RE: Enron quarterly numbers",
                recipients=[Address(ALICE), Address(BOB)],
                thread_key="enron quarterly numbers",
                access=[BOB, ALICE, CAROL],
            ),
            "RE: Enron quarterly numbers",
            reply_body,
            [("Enron", ENRON)],
        ),
    }
    slack_src = store.source_id("slack_export", root / "slack")
    mail_src = store.source_id("maildir", root / "maildir")
    with store.transaction():
        for raw, *_ in msgs.values():
            store.add_raw(slack_src if raw.source == "slack_export" else mail_src, raw)
        store.record_failure(mail_src, "carol/inbox/17.", "ingest", "I004 not an email: no headers found")
    for raw, subject, body, names in msgs.values():
        authored = body.split("\n\n-----Original", 1)[0].split("\n\n>", 1)[0]
        store.save_built(
            BuiltMessage(
                id=raw.id,
                subject=subject,
                body=body,
                authored=authored,
                mentions=_mentions(body, *names),
                entities=[e for _, e in names],
                detector_counts={},
            )
        )
    store.refresh_pages(min_mentions=1)
    for email, password in PASSWORDS.items():
        store.add_user(
            email, generate_password_hash(password, method="pbkdf2:sha256:1000"), is_admin=email == ADMIN
        )
    return {name: raw.id for name, (raw, *_) in msgs.items()}


def build(tmp: Path) -> WebData:
    """A populated database under ``tmp`` and Settings pointing at it."""
    settings = Settings(data_dir=tmp / "var", base_url="http://wiki.example.test")
    store = Store.open(settings.database_path)
    try:
        ids = populate(store, tmp)
        every = Viewer(everything=True)  # test setup only: look up where things landed

        def thread_of(mid: str) -> str:
            tid = store.message_thread_id(every, mid)
            assert tid is not None
            return tid

        def person(key: str) -> int:
            pid = store.person_by_key(key)
            assert pid is not None
            return pid

        return WebData(
            settings=settings,
            public_thread=thread_of(ids["public"]),
            private_thread=thread_of(ids["private"]),
            dm_thread=thread_of(ids["dm"]),
            email_thread=thread_of(ids["email"]),
            public_message=ids["public"],
            xss_message=ids["xss"],
            email_message=ids["email"],
            alice=person(ALICE),
            bob=person(BOB),
            carol=person(CAROL),
            dave=person("slack:UDAVE"),
        )
    finally:
        store.close()


def csrf_from(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client: Any, email: str, password: str | None = None) -> Any:
    """Sign in through the real form (CSRF token included); returns the response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password or PASSWORDS[email],
            "csrf_token": csrf_from(page.get_data(True)),
        },
    )
