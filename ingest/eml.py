"""A folder of ``.eml`` files (searched recursively), or one ``.eml`` file.

A locator is the file's path relative to ``root`` (``2001/q4/memo.eml``);
the container is its folder (``2001/q4``), or the root folder's name for
files at the top.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, PersonRecord, RawMessage

from .base import MAX_MESSAGE_BYTES, read_file
from .email_parse import parse_or_failure

log = logging.getLogger(__name__)


class EmlConnector:
    """Reads ``*.eml`` files; one file is one message."""

    kind = "eml"

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes

    def list_locators(self, root: Path) -> Iterator[str]:
        if root.is_file():
            yield root.name
            return
        if not root.is_dir():
            raise ConnectorError(f"[I103] eml source {root} does not exist; check the path")
        paths = sorted(eml_files(root), key=lambda p: p.relative_to(root).as_posix())
        log.debug("eml %s: %d files listed", root.name, len(paths))
        for path in paths:
            yield path.relative_to(root).as_posix()

    def read(self, root: Path, locator: str) -> RawMessage | IngestFailure:
        path = root if root.is_file() else root / locator
        parent = path.parent.relative_to(root).as_posix() if not root.is_file() else "."
        container = (root.parent.name if root.is_file() else root.name) if parent == "." else parent
        data = read_file(self.kind, path, locator, self.max_bytes)
        if isinstance(data, IngestFailure):
            return data
        return parse_or_failure(
            data, source=self.kind, locator=locator, container=container, owner="", max_bytes=self.max_bytes
        )

    def people(self, root: Path) -> list[PersonRecord]:
        return []


CONNECTOR = EmlConnector


def eml_files(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.suffix.lower() == ".eml" and p.is_file())
