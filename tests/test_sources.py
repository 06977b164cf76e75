"""Named sources through the CLI: add, list, sync (incremental), remove; secrets at rest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backchannel.cli import cli
from backchannel.secrets import new_key
from backchannel.settings import Settings
from backchannel.store import Store
from tests.conftest import FIXTURES

TOKEN = "xoxp-4242424242-secret-token-value"


def invoke(
    settings: Settings, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    return CliRunner().invoke(
        cli, ["--quiet", "--data-dir", str(settings.data_dir), *args], input=input, env=env or {}
    )


def ok(settings: Settings, *args: str, **kwargs: object) -> str:
    result = invoke(settings, *args, **kwargs)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def counts(settings: Settings) -> dict[str, int]:
    return json.loads(ok(settings, "stats", "--json"))


def test_add_list_sync_twice_remove(settings: Settings) -> None:
    ok(settings, "source", "add", "mail", "maildir", f"path={FIXTURES / 'maildir'}")
    ok(settings, "source", "add", "chat", "slack_export", f"path={FIXTURES / 'slack_export'}")
    listed = json.loads(ok(settings, "source", "list", "--json"))
    assert [s["name"] for s in listed] == ["chat", "mail"]
    assert all(s["last_sync"] is None for s in listed)

    first = ok(settings, "sync", "--all")
    assert "mail: fetched 0, new 19," in first and "chat: fetched 0, new 39," in first
    before = counts(settings)
    second = ok(settings, "sync", "--all")
    assert "new 0, changed 0, duplicates 0, deleted 0" in second
    assert counts(settings) == before

    listed = {s["name"]: s for s in json.loads(ok(settings, "source", "list", "--json"))}
    assert listed["mail"]["messages"] == 19 and listed["mail"]["failures"] == 1
    assert listed["chat"]["last_result"]["ingest"]["skipped"] == 39

    assert "removed with 39 messages" in ok(settings, "source", "remove", "chat", "--yes")
    after = counts(settings)
    assert after["messages"] == before["messages"] - 39
    assert [s["name"] for s in json.loads(ok(settings, "source", "list", "--json"))] == ["mail"]


def test_removing_a_source_keeps_messages_another_source_holds(settings: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURES / "maildir" / "allen-p", copy / "allen-p")
    ok(settings, "source", "add", "all", "maildir", f"path={FIXTURES / 'maildir'}")
    ok(settings, "source", "add", "allen", "maildir", f"path={copy}")
    ok(settings, "sync", "all", "allen")
    before = counts(settings)["messages"]
    assert "removed with 0 messages" in ok(settings, "source", "remove", "allen", "--yes")
    assert counts(settings)["messages"] == before
    with Store.open(settings.database_path) as store:
        orphans = store.db.execute(
            "SELECT count(*) FROM messages m WHERE NOT EXISTS "
            "(SELECT 1 FROM locations l WHERE l.message_id = m.id)"
        ).fetchone()[0]
        stale = store.db.execute(
            "SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM locations l "
            "WHERE l.message_id = m.id AND l.source_id = m.source_id AND l.locator = m.locator)"
        ).fetchone()[0]
    assert orphans == 0 and stale == 0


def test_one_failing_source_does_not_stop_the_others(settings: Settings, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    shutil.copytree(FIXTURES / "maildir" / "allen-p", gone / "allen-p")
    ok(settings, "source", "add", "gone", "maildir", f"path={gone}")
    ok(settings, "source", "add", "mail", "maildir", f"path={FIXTURES / 'maildir'}")
    shutil.rmtree(gone)
    result = invoke(settings, "sync", "--all")
    assert result.exit_code == 1
    assert "gone: FAILED:" in result.output and "mail: fetched 0, new 19," in result.output
    assert "1 of 2 sources failed: gone" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x", "maildir"), "needs path=WHERE"),
        (("x", "maildir", "path=/no/such/folder"), "does not exist"),
        (("x", "maildir", "path"), "is not KEY=VALUE"),
        (("Bad Name", "maildir", f"path={FIXTURES}"), "lower-case letters"),
        (("x", "imap", "host=mail.example.com"), "needs its password"),
        (("x", "slack_api"), "needs its token"),
    ],
)
def test_add_explains_what_is_wrong(settings: Settings, args: tuple[str, ...], message: str) -> None:
    result = invoke(settings, "source", "add", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_a_name_is_taken_once(settings: Settings) -> None:
    ok(settings, "source", "add", "mail", "maildir", f"path={FIXTURES / 'maildir'}")
    result = invoke(settings, "source", "add", "mail", "mbox", f"path={FIXTURES / 'maildir'}")
    assert result.exit_code != 0 and "exists" in result.output


def test_a_stored_secret_is_encrypted_and_never_shown(settings: Settings) -> None:
    key = new_key()
    env = {"BACKCHANNEL_SECRETS_KEY": key}
    ok(settings, "source", "add", "eng", "slack_api", "--secret-stdin", input=TOKEN + "\n", env=env)
    listed = ok(settings, "source", "list", "--json", env=env)
    assert TOKEN not in listed and json.loads(listed)[0]["has_secret"] is True
    assert "[secret stored encrypted]" in ok(settings, "source", "list")
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    with Store.open(settings.database_path) as store:
        sealed = store.source_by_name("eng")["secret"]
    from backchannel.secrets import decrypt

    assert decrypt(sealed, key, source="eng") == TOKEN


def test_a_secret_needs_the_key(settings: Settings) -> None:
    result = invoke(settings, "source", "add", "eng", "slack_api", "--secret-stdin", input=TOKEN + "\n")
    assert result.exit_code != 0 and "BACKCHANNEL_SECRETS_KEY" in result.output
    assert TOKEN not in result.output


def test_a_secret_from_the_environment_is_not_stored(settings: Settings) -> None:
    ok(settings, "source", "add", "eng", "slack_api", "secret_env=BC_TEST_SLACK_TOKEN")
    with Store.open(settings.database_path) as store:
        assert store.source_by_name("eng")["secret"] is None
    result = invoke(settings, "source", "sync", "eng")
    assert result.exit_code == 1 and "BC_TEST_SLACK_TOKEN, which is not set" in result.output


def test_a_wrong_key_says_so(settings: Settings) -> None:
    ok(
        settings,
        "source",
        "add",
        "eng",
        "slack_api",
        "--secret-stdin",
        input=TOKEN + "\n",
        env={"BACKCHANNEL_SECRETS_KEY": new_key()},
    )
    result = invoke(settings, "source", "sync", "eng", env={"BACKCHANNEL_SECRETS_KEY": new_key()})
    assert result.exit_code == 1 and "cannot be decrypted" in result.output
    assert TOKEN not in result.output


def test_a_truncated_export_is_a_listed_failure_and_the_others_go_on(
    settings: Settings, tmp_path: Path
) -> None:
    archive = tmp_path / "export.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", FIXTURES / "slack_export")
    whole = archive.read_bytes()
    archive.write_bytes(whole[: len(whole) // 2])
    ok(settings, "source", "add", "chat", "slack_export", f"path={archive}")
    ok(settings, "source", "add", "mail", "maildir", f"path={FIXTURES / 'maildir'}")
    result = invoke(settings, "sync", "--all")
    assert result.exit_code == 1 and "mail: fetched 0, new 19," in result.output
    assert "chat: FAILED: [I104]" in result.output and "download the export again" in result.output
    listed = ok(settings, "failures")
    assert "[source] source chat (the whole source)" in listed and "truncated or corrupt" in listed

    archive.write_bytes(whole)  # the admin downloads it again
    assert "chat: fetched 0, new 39," in ok(settings, "sync", "chat")
    assert "source chat" not in ok(settings, "failures")


def test_a_fixed_item_leaves_the_failure_list(settings: Settings, tmp_path: Path) -> None:
    maildir = tmp_path / "maildir"
    shutil.copytree(FIXTURES / "maildir" / "allen-p", maildir / "allen-p")
    bad = maildir / "allen-p" / "inbox" / "99."
    bad.write_bytes(b"\x00\x00 binary")
    ok(settings, "source", "add", "mail", "maildir", f"path={maildir}")
    assert "1 x binary-file" in ok(settings, "sync", "mail")
    assert "allen-p/inbox/99." in ok(settings, "failures")
    bad.write_bytes(
        b"From: a@enron.com\nTo: b@enron.com\nSubject: fixed\n"
        b"Date: Mon, 14 May 2001 16:39:00 -0700\n\nA mail.\n"
    )
    assert "new 1," in ok(settings, "sync", "mail")
    assert "allen-p/inbox/99." not in ok(settings, "failures")
