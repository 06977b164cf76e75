"""Connectors by name. A module is imported only when its kind is first used."""

from __future__ import annotations

import importlib
from pathlib import Path

from backchannel.errors import ConnectorError

from .base import Connector

# kind -> module; each module exposes its class as ``CONNECTOR``.
CONNECTORS: dict[str, str] = {
    "maildir": "ingest.maildir",
    "mbox": "ingest.mbox",
    "eml": "ingest.eml",
    "slack_export": "ingest.slack_export",
    "slack_api": "ingest.slack_api",
    "imap": "ingest.imap",
}

_instances: dict[str, Connector] = {}


def get_connector(kind: str) -> Connector:
    """The connector for ``kind`` (one instance per kind, so its caches are shared)."""
    if kind not in CONNECTORS:
        known = ", ".join(sorted(CONNECTORS))
        raise ConnectorError(f"[I100] unknown source kind {kind!r}; known kinds: {known}")
    if kind not in _instances:
        module = importlib.import_module(CONNECTORS[kind])
        _instances[kind] = module.CONNECTOR()
    return _instances[kind]


def detect_kind(path: Path) -> str:
    """Guess a source's kind from its shape; raises ConnectorError when unsure."""
    from .eml import eml_files
    from .maildir import looks_like_maildir
    from .mbox import looks_like_mbox
    from .slack_export import looks_like_slack_export

    if not path.exists():
        raise ConnectorError(f"[I100] {path} does not exist; check the path")
    if looks_like_slack_export(path):
        return "slack_export"
    if looks_like_maildir(path):
        return "maildir"
    if path.is_file():
        if looks_like_mbox(path):
            return "mbox"
        if path.suffix.lower() == ".eml":
            return "eml"
    elif next(eml_files(path), None) is not None:
        return "eml"
    known = ", ".join(sorted(CONNECTORS))
    raise ConnectorError(f"[I100] cannot tell what kind of source {path} is; name it with --kind ({known})")
