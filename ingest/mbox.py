"""One mbox file. A locator is ``mbox:<byte offset>`` of the message's ``From `` line.

Offsets stay valid when mail is appended to the file, so a later run lists
the old messages under the same locators and only the new ones are new.
Bodies are read as mboxo/mboxrd: a ``>From `` line loses one ``>``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, PersonRecord, RawMessage

from .base import MAX_MESSAGE_BYTES, too_large_reason
from .email_parse import MalformedItem, parse_or_failure

log = logging.getLogger(__name__)

_PREFIX = "mbox:"
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


class MboxConnector:
    """Reads a single mbox file (``root`` is the file)."""

    kind = "mbox"

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes

    def list_locators(self, root: Path) -> Iterator[str]:
        _check(root)
        count = 0
        with root.open("rb") as fh:
            offset = 0
            previous_blank = True
            for line in fh:
                if line.startswith(b"From ") and (previous_blank or offset == 0):
                    count += 1
                    yield f"{_PREFIX}{offset}"
                previous_blank = line in (b"\n", b"\r\n")
                offset += len(line)
        log.debug("mbox %s: %d messages listed", root.name, count)

    def read(self, root: Path, locator: str) -> RawMessage | IngestFailure:
        if not locator.startswith(_PREFIX) or not locator[len(_PREFIX) :].isdigit():
            return IngestFailure(self.kind, locator, "bad-locator: expected mbox:<byte offset>")
        offset = int(locator[len(_PREFIX) :])
        try:
            _check(root)
            data = self._message_bytes(root, offset)
        except OSError as exc:
            return IngestFailure(self.kind, locator, f"unreadable: {exc.strerror or exc}")
        except MalformedItem as exc:
            return IngestFailure(self.kind, locator, exc.reason)
        return parse_or_failure(
            data, source=self.kind, locator=locator, container=root.stem, owner="", max_bytes=self.max_bytes
        )

    def people(self, root: Path) -> list[PersonRecord]:
        return []

    def _message_bytes(self, root: Path, offset: int) -> bytes:
        """The message at ``offset``, without its ``From `` line, unescaped."""
        with root.open("rb") as fh:
            fh.seek(offset)
            first = fh.readline()
            if not first.startswith(b"From "):
                raise MalformedItem("bad-locator: no message starts at this offset")
            lines: list[bytes] = []
            size = 0
            previous_blank = False
            for line in fh:
                if line.startswith(b"From ") and previous_blank:
                    break
                size += len(line)
                if size > self.max_bytes:
                    raise MalformedItem(too_large_reason(size, self.max_bytes) + " (at least)")
                lines.append(line)
                previous_blank = line in (b"\n", b"\r\n")
        if lines and lines[-1] in (b"\n", b"\r\n"):
            lines.pop()  # the separator before the next From line
        return _ESCAPED_FROM.sub(rb"\1", b"".join(lines))


CONNECTOR = MboxConnector


def looks_like_mbox(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(5) == b"From "


def _check(root: Path) -> None:
    if not root.exists():
        raise ConnectorError(f"[I102] mbox file {root} does not exist; check the path")
    if not root.is_file():
        raise ConnectorError(
            f"[I102] {root} is a folder, not an mbox file; for a folder of .eml use --kind eml"
        )
