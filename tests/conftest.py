"""Shared fixtures: real SQLite in a temp dir, settings pointing at fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

from backchannel.settings import PROJECT_ROOT, Settings
from backchannel.store import Store

FIXTURES = PROJECT_ROOT / "fixtures"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own data dir, the fixture knowledge base."""
    return Settings(data_dir=tmp_path / "var", kb_path=FIXTURES / "wikipedia")


@pytest.fixture
def store(settings: Settings):
    s = Store.open(settings.database_path)
    yield s
    s.close()
