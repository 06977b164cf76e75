"""Over-redaction through a real build: codenames and company terms stay; personal data does not.

A false PERSON erases a topic from search, topics and digests; a missed phone
number leaks. Both are checked on the stored text of a real build.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from backchannel.pipeline import build, ingest_path
from backchannel.pipeline.privacy_setup import non_person_check
from backchannel.settings import Settings
from backchannel.store import Store
from nlp.kb import KnowledgeBase

pytestmark = pytest.mark.slow

FIXTURE_KB = Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia"
MAILS = [
    "the quarterly zebrafinch review is on Friday, bring the Zebrafinch numbers.",
    "Project Bluebird ships in May; Bluebird needs two more testers.",
    "Call Oksana Petrenko on 0487 23 46 71 or at her desk x3-1234 about the Kestrel rollout.",
    "Her card 4556 6019 3807 1755 and IBAN gb82west12345698765432 went into Kestrel by mistake.",
]


def _write(folder: Path) -> None:
    folder.mkdir(parents=True)
    for i, body in enumerate(MAILS):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "jeff.dasovich@enron.com", "phillip.allen@enron.com", "Plans"
        msg["Date"] = f"Tue, {15 + i} May 2001 09:30:00 -0700"
        msg["Message-ID"] = f"<keep.{i}@enron.com>"
        msg.set_content(body)
        (folder / f"{i}.eml").write_bytes(msg.as_bytes())


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("keep")
    _write(root / "mail")
    settings = Settings(data_dir=root / "var", kb_path=FIXTURE_KB, pii_keep_terms="Kestrel")
    with Store.open(settings.database_path) as store:
        ingest_path(store, root / "mail", quiet=True)
        assert build(store, settings, quiet=True).built == len(MAILS)
        rows = store.db.execute("SELECT body FROM messages ORDER BY native_id").fetchall()
    return [r[0] for r in rows]


def test_over_redaction_codenames_stay_in_the_stored_text(bodies: list[str]) -> None:
    assert "the quarterly zebrafinch review is on Friday" in bodies[0]
    assert "Zebrafinch numbers" in bodies[0]
    assert bodies[1].startswith("Project Bluebird ships in May; Bluebird needs")


def test_over_redaction_keep_list_term_stays_personal_data_goes(bodies: list[str]) -> None:
    assert "Kestrel rollout" in bodies[2] and "into Kestrel" in bodies[3]
    for secret in ("Oksana", "Petrenko", "0487 23 46 71", "3-1234", "4556 6019 3807 1755", "gb82west"):
        assert all(secret not in body for body in bodies), secret
    assert "<PHONE_NUMBER>" in bodies[2] and "<CREDIT_CARD>" in bodies[3] and "<IBAN_CODE>" in bodies[3]


def test_over_redaction_kb_non_person_and_local_topics(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(FIXTURE_KB, tmp_path / "kb")
    check = non_person_check(kb, topic_terms=["Sitara"])
    assert check("Microsoft")  # an organisation in the knowledge base
    assert check("sitara")  # a local topic of the organisation
    assert not check("Houston")  # a place, but also a first name and surname: stays a possible person
    assert not check("Karen Farrow")  # not in the knowledge base
    assert not non_person_check(None)("Microsoft")  # no knowledge base: no opinion
