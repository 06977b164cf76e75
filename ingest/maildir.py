"""Enron-style maildir: ``root/<owner>/<folder>[/<sub>...]/<n>.``.

``root`` may be the maildir itself, a folder holding ``maildir/``, or one
owner's folder. A locator is the file's path relative to ``root``
(``allen-p/inbox/12.``). The container is the folder path inside the
mailbox (``inbox``, ``discussion_threads``, ``notes_inbox/projects``).

A mailbox owner's address is inferred once per owner: the most frequent
From address of the mails in their sent folders.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from pathlib import Path

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, PersonRecord, RawMessage

from .base import MAX_MESSAGE_BYTES, read_file
from .email_parse import parse_or_failure

log = logging.getLogger(__name__)

SENT_FOLDERS = ("sent", "sent_items", "_sent_mail")
_ENRON_NAME = re.compile(r"^\d+\.?$")


class MaildirConnector:
    """Reads an Enron maildir tree; one file is one message."""

    kind = "maildir"

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._owner_addresses: dict[tuple[str, str], str] = {}
        self._layouts: dict[str, tuple[Path, bool]] = {}

    def list_locators(self, root: Path) -> Iterator[str]:
        self._layouts.pop(str(root), None)  # a new listing looks at the tree afresh
        base, single_owner = self._layout(root)
        owners = [base] if single_owner else _subdirs(base)
        count = 0
        for owner_dir in owners:
            for folder in _subdirs(owner_dir):
                for path in _files_under(folder):
                    count += 1
                    yield path.relative_to(root).as_posix()
        log.debug("maildir %s: %d files listed", root, count)

    def read(self, root: Path, locator: str) -> RawMessage | IngestFailure:
        path = root / locator
        try:
            owner_dir, container = self._place(root, path)
        except ValueError as exc:
            return IngestFailure(self.kind, locator, f"bad-locator: {exc}")
        data = read_file(self.kind, path, locator, self.max_bytes)
        if isinstance(data, IngestFailure):
            return data
        return parse_or_failure(
            data,
            source=self.kind,
            locator=locator,
            container=container,
            owner=owner_dir.name,
            owner_address=self.owner_address(owner_dir),
            max_bytes=self.max_bytes,
        )

    def people(self, root: Path) -> list[PersonRecord]:
        return []

    def owner_address(self, owner_dir: Path) -> str:
        """The owner's address: most frequent From in their sent folders, or ``""``."""
        key = (str(owner_dir.parent.resolve()), owner_dir.name)
        if key not in self._owner_addresses:
            self._owner_addresses[key] = infer_owner_address(owner_dir)
        return self._owner_addresses[key]

    def _layout(self, root: Path) -> tuple[Path, bool]:
        key = str(root)
        if key not in self._layouts:
            self._layouts[key] = _layout(root)
        return self._layouts[key]

    def _place(self, root: Path, path: Path) -> tuple[Path, str]:
        """(owner folder, container) of a message file."""
        base, single_owner = self._layout(root)
        rel = path.relative_to(base).parts
        if single_owner:
            owner_dir, folder_parts = base, rel[:-1]
        else:
            owner_dir, folder_parts = base / rel[0], rel[1:-1]
        if not folder_parts:
            raise ValueError(f"{path.name} is not inside a mail folder")
        return owner_dir, "/".join(folder_parts)


CONNECTOR = MaildirConnector


def infer_owner_address(owner_dir: Path) -> str:
    """Most frequent From address in an owner's sent folders (headers only)."""
    counts: Counter[str] = Counter()
    parser = BytesHeaderParser(policy=compat32)
    for name in SENT_FOLDERS:
        folder = owner_dir / name
        if not folder.is_dir():
            continue
        for path in _files_under(folder):
            try:
                with path.open("rb") as fh:
                    headers = parser.parse(fh)
            except (OSError, ValueError):
                continue
            value = headers.get("From")
            if value is None:
                continue
            for _name, addr in getaddresses([str(value)]):
                if "@" in addr:
                    counts[addr.strip().lower()] += 1
    return counts.most_common(1)[0][0] if counts else ""


def looks_like_maildir(path: Path) -> bool:
    """True when ``path`` has Enron-named message files two or three levels down."""
    if not path.is_dir():
        return False
    if (path / "maildir").is_dir():
        return True
    for pattern in ("*/*", "*/*/*"):
        for candidate in path.glob(pattern):
            if _ENRON_NAME.match(candidate.name) and candidate.is_file():
                return True
    return False


def _layout(root: Path) -> tuple[Path, bool]:
    """(maildir base, whether it is a single owner's folder)."""
    if not root.is_dir():
        raise ConnectorError(f"[I101] maildir {root} is not a folder; pass the maildir root or --kind")
    base = root / "maildir" if (root / "maildir").is_dir() else root
    for child in _subdirs(base):
        if any(_ENRON_NAME.match(p.name) and p.is_file() for p in child.iterdir()):
            return base, True
    return base, False


def _subdirs(path: Path) -> list[Path]:
    return sorted((p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")), key=_sort_key)


def _files_under(folder: Path) -> Iterator[Path]:
    """Message files of a folder and its subfolders, in a stable natural order."""
    entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=_sort_key)
    for entry in entries:
        if entry.is_dir():
            yield from _files_under(entry)
        elif entry.is_file():
            yield entry


def _sort_key(path: Path) -> tuple[int, int, str]:
    """Files before folders; ``2.`` before ``10.``."""
    digits = path.name.rstrip(".")
    if digits.isdigit():
        return (0, int(digits), path.name)
    return (1, 0, path.name)
