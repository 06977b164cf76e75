"""The privacy policy through a real build: stable pseudonyms across messages, the vault, and
sensitive topics (grey: kept, never surfaced; block: never linked)."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from backchannel.cli import cli
from backchannel.pipeline import build, ingest_path
from backchannel.records import Viewer
from backchannel.settings import Settings
from backchannel.store import Store
from privacy.vault import new_key

pytestmark = pytest.mark.slow

MAILS = [
    (
        '"Maria Gonzalez" <maria.gonzalez@gmail.com>',
        "phillip.allen@enron.com",
        "Duplex",
        "Hi Phillip, this is Maria Gonzalez about the Westheimer duplex. Call me at (713) 555-0142.",
    ),
    (
        "phillip.allen@enron.com",
        "jeff.dasovich@enron.com",
        "Fw: Duplex",
        "Maria Gonzalez wants an answer by Friday; her number is 713.555.0142.\n"
        "Natural gas prices are up again, so the natural gas desk is busy.",
    ),
    (
        "jeff.dasovich@enron.com",
        "phillip.allen@enron.com",
        "Out Friday",
        "My sister was diagnosed last week, so I will be out Friday; the clinic is in Houston.\n"
        "Her Houston doctors book everything through Microsoft tools, like we do at Microsoft shops.",
    ),
]


def _write(folder: Path) -> None:
    folder.mkdir(parents=True)
    for i, (sender, to, subject, body) in enumerate(MAILS):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, subject
        msg["Date"] = f"Tue, {15 + i} May 2001 09:30:00 -0700"
        msg["Message-ID"] = f"<policy.{i}@example.com>"
        msg.set_content(body)
        (folder / f"{i}.eml").write_bytes(msg.as_bytes())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str]:
    root = tmp_path_factory.mktemp("policy")
    _write(root / "mail")
    vault_key = new_key()
    settings = Settings(
        data_dir=root / "var",
        kb_path=Path(__file__).resolve().parent.parent / "fixtures" / "wikipedia",
        vault=True,
        vault_key=vault_key,
        topic_greylist="Houston",  # as an admin would list a sensitive place, e.g. a clinic's town
        topic_blocklist="Natural gas",
        min_topic_mentions=1,
    )
    with Store.open(settings.database_path) as store:
        ingest_path(store, root / "mail", quiet=True)
        assert build(store, settings, quiet=True).built == 3
    return settings, vault_key


def _bodies(settings: Settings) -> dict[str, str]:
    with Store.open(settings.database_path) as store:
        return {r[0]: r[1] for r in store.db.execute("SELECT native_id, body FROM messages")}


def test_one_outsider_one_surrogate_across_messages(built: tuple[Settings, str]) -> None:
    settings, _ = built
    bodies = _bodies(settings)
    first, second = bodies["<policy.0@example.com>"], bodies["<policy.1@example.com>"]
    assert "Maria" not in first + second and "555-0142" not in first + second
    shared = set(re.findall(r"<PERSON_\d+>", first)) & set(re.findall(r"<PERSON_\d+>", second))
    assert len(shared) == 1
    assert "<PHONE_NUMBER>" in first and "<PHONE_NUMBER>" in second  # redacted, not pseudonymized
    assert "Phillip" in first  # a member keeps his name


def test_vault_reveals_with_a_reason_and_audits(built: tuple[Settings, str]) -> None:
    settings, key = built
    token = re.findall(r"<PERSON_\d+>", _bodies(settings)["<policy.1@example.com>"])[0]
    args = ["--quiet", "--data-dir", str(settings.data_dir), "vault", "reveal", token]
    env = {"BACKCHANNEL_VAULT_KEY": key}
    result = CliRunner().invoke(cli, [*args, "--reason", "legal hold 42", "--actor", "dpo"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Maria Gonzalez"
    missing_reason = CliRunner().invoke(cli, [*args, "--reason", " "], env=env)
    assert missing_reason.exit_code != 0 and "audit log" in missing_reason.output
    wrong_key = CliRunner().invoke(cli, [*args, "--reason", "x"], env={"BACKCHANNEL_VAULT_KEY": new_key()})
    assert wrong_key.exit_code != 0 and "another BACKCHANNEL_VAULT_KEY" in wrong_key.output
    with Store.open(settings.database_path) as store:
        audit = store.db.execute("SELECT actor, action, detail FROM audit_log WHERE action = 'vault.reveal'")
        rows = [tuple(r) for r in audit]
        sealed = [r[0] for r in store.db.execute("SELECT sealed FROM vault")]
    assert ("dpo", "vault.reveal", f"{token} reason: legal hold 42") in rows
    assert all("Maria" not in " ".join(r) for r in rows)
    assert sealed and all("Maria" not in s for s in sealed)


def test_grey_topic_kept_in_text_never_surfaced(built: tuple[Settings, str]) -> None:
    settings, _ = built
    assert "clinic is in Houston" in _bodies(settings)["<policy.2@example.com>"]
    with Store.open(settings.database_path) as store:
        grey = store.db.execute("SELECT grey FROM entities WHERE id = 'houston'").fetchone()
        assert grey is not None and grey[0] == 1
        assert store.topic(Viewer(everything=True), "houston") is None
        pages = {r[0] for r in store.db.execute("SELECT key FROM pages WHERE kind = 'topic'")}
        assert "houston" not in pages and "microsoft" in pages
        thread = store.db.execute("SELECT thread_id FROM messages WHERE native_id = '<policy.2@example.com>'")
        found = store.thread(Viewer(everything=True), thread.fetchone()[0])
        assert found is not None
        shown = {m.entity for v in found[1] for m in v.mentions}
        assert "Houston" not in shown and "Microsoft" in shown


def test_blocked_topic_is_never_linked(built: tuple[Settings, str]) -> None:
    settings, _ = built
    with Store.open(settings.database_path) as store:
        linked = store.db.execute("SELECT count(*) FROM mentions WHERE entity_id = 'natural_gas'").fetchone()
    assert linked[0] == 0
    assert "Natural gas prices" in _bodies(settings)["<policy.1@example.com>"]
