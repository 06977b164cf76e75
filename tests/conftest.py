"""Shared fixtures: real SQLite in a temp dir, settings pointing at fixtures/."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from backchannel.cli import cli
from backchannel.records import Viewer
from backchannel.settings import PROJECT_ROOT, Settings
from backchannel.store import Store

FIXTURES = PROJECT_ROOT / "fixtures"


def invoke_cli(settings: Settings, *args: str, input: str | None = None) -> Result:
    """Run ``backchannel --quiet`` with ``settings``' data dir and KB; it must succeed."""
    result = CliRunner().invoke(
        cli,
        ["--quiet", "--data-dir", str(settings.data_dir), "--kb", str(settings.kb_path), *args],
        input=input,
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def viewer_of(store: Store, key: str) -> Viewer:
    """The access of the person known by ``key`` (an address or ``slack:U...``), who must exist."""
    person = store.person_by_key(key)
    assert person is not None, key
    return Viewer(person_id=person)


def cli_json(settings: Settings, *args: str) -> Any:
    """A ``--json`` command's answer, parsed (stdout only)."""
    return json.loads(invoke_cli(settings, *args).stdout)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own data dir, the fixture knowledge base."""
    return Settings(data_dir=tmp_path / "var", kb_path=FIXTURES / "wikipedia")


@pytest.fixture
def store(settings: Settings):
    s = Store.open(settings.database_path)
    yield s
    s.close()


#: Secrets planted in the fixture text (see fixtures/README.md). None may survive a
#: build anywhere: database files, search, pages, digests.
SECRETS = (
    "536-22-8471",
    "4111 1111 1111 1111",
    "(713) 853-6197",
    "xoxb-1234567890-abcdefghijklmnop",
)
#: An outsider who writes in with her details. Her name and address may stay as
#: who sent her message, but never in the stored or indexed text of any message.
OUTSIDER = ("Maria Gonzalez", "maria.gonzalez@gmail.com")


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The whole pipeline run once over fixtures/ (ingest both corpora, build).

    Session-scoped because loading spaCy and Presidio takes seconds; tests that
    use it must not write to its database.
    """
    from backchannel.pipeline import build, ingest_path

    root = tmp_path_factory.mktemp("built")
    settings = Settings(data_dir=root / "var", kb_path=FIXTURES / "wikipedia")
    with Store.open(settings.database_path) as s:
        ingest_path(s, FIXTURES / "maildir", quiet=True)
        ingest_path(s, FIXTURES / "slack_export", quiet=True)
        build(s, settings, quiet=True)
    return settings


class SmtpInbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        inbox.port = int(sock.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
