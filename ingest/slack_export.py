"""A Slack workspace export: the zip Slack hands out, or that zip unpacked.

Layout: ``users.json``, ``channels.json`` (public), ``groups.json`` (private
channels), ``dms.json`` and ``mpims.json`` (direct messages) at the top, and
one folder per conversation holding a ``YYYY-MM-DD.json`` list per day
(public and private channels and group DMs by name, DMs by id; the live
Slack mirror names every folder by id).

A locator is ``<folder>/<day>.json#<ts>``: the message's ``ts``, which stays
put when other messages of the day are edited or deleted. A ts repeated within
a day (some bots do that) gets ``#<ts>~2``, ``~3``... in file order; an item
without a usable ts gets ``#@<index>`` so that it is reported once as a
failure. A day file that cannot be parsed is the one locator
``<folder>/<day>.json``. Channel events (joins, topic changes) are not listed.

Each locator has a version (:class:`~ingest.base.VersionedConnector`): a hash
of the item and of who may read its conversation, so an edit, or a change of a
private channel's members, makes the ingest stage read it again. An export is
a snapshot, so a locator missing from a later export is not a deletion
(``tracks_deletions = False``); the live Slack mirror says otherwise.

Parsed listings and day files are cached, so the build stage's re-reads of
single messages do not parse a day file each time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, PersonRecord, RawMessage, Visibility

from .email_parse import MalformedItem
from .slack_parse import Conversation, Directory, is_message, parse_slack_message

log = logging.getLogger(__name__)

LISTING_FILES = ("users.json", "channels.json", "groups.json", "dms.json", "mpims.json")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_USABLE_TS = re.compile(r"^\d+(?:\.\d+)?$")
_ABSENT = object()
# Folders that look like a DM, a group DM or a private channel (G...) are never guessed public.
_DM_FOLDER = re.compile(r"^(?:[DG][A-Z0-9]{6,}|mpdm-.+)$")


class SlackExportConnector:
    """Reads a Slack export zip or folder (and, as a subclass, the live Slack mirror)."""

    kind = "slack_export"
    tracks_deletions = False

    def __init__(self) -> None:
        self._exports: dict[str, tuple[tuple[int, ...], _Export]] = {}

    def list_locators(self, root: Path) -> Iterator[str]:
        for locator, _ in self.list_versions(root):
            yield locator

    def list_versions(self, root: Path) -> Iterator[tuple[str, str]]:
        export = self._export(root, fresh=True)
        count = 0
        for folder in sorted(export.day_files):
            access = _access_stamp(export.conversations[folder])
            for day in export.day_files[folder]:
                name = f"{folder}/{day}"
                items = export.day(name)
                if isinstance(items, str):
                    count += 1
                    yield name, _digest(items)
                    continue
                for fragment, item in items.items():
                    if is_message(item):
                        count += 1
                        yield f"{name}#{fragment}", _digest(json.dumps(item, sort_keys=True) + access)
        log.debug("%s %s: %d items listed", self.kind, root.name, count)

    def read(self, root: Path, locator: str) -> RawMessage | IngestFailure:
        export = self._export(root)
        name, hash_, fragment = locator.partition("#")
        folder = name.split("/", 1)[0]
        conversation = export.conversations.get(folder)
        if conversation is None or name.count("/") != 1:
            return IngestFailure(
                self.kind, locator, f"missing: no conversation folder {folder!r} in the export"
            )
        items = export.day(name)
        if isinstance(items, str):
            return IngestFailure(self.kind, locator, items)
        if not hash_:
            return IngestFailure(
                self.kind, locator, "stale-locator: this day file parses now; list the source again"
            )
        item = items.get(fragment, _ABSENT)
        if item is _ABSENT or not is_message(item):
            return IngestFailure(self.kind, locator, f"missing: {name} has no message #{fragment}")
        try:
            return parse_slack_message(
                item,
                conversation=conversation,
                directory=export.directory,
                locator=locator,
                source=self.kind,
            )
        except MalformedItem as exc:
            return IngestFailure(self.kind, locator, exc.reason)

    def people(self, root: Path) -> list[PersonRecord]:
        export = self._export(root)
        people = []
        for user_id, user in export.directory.users.items():
            profile = user.get("profile") or {}
            email = profile.get("email")
            keys = [f"slack:{user_id}"]
            if isinstance(email, str) and "@" in email:
                keys.append(email.strip().lower())
            people.append(PersonRecord(keys=tuple(keys), name=export.directory.user_name(user_id)))
        return people

    def _export(self, root: Path, fresh: bool = False) -> _Export:
        """The parsed export, reused while the zip (or the folder's listings) is unchanged.

        A listing always rescans, so day files added to an unpacked folder are seen.
        """
        key, stamp = str(root), _stamp(root)
        cached = self._exports.get(key)
        if fresh or cached is None or cached[0] != stamp:
            if len(self._exports) >= 4:
                self._exports.pop(next(iter(self._exports)))
            self._exports[key] = (stamp, _Export(root))
        return self._exports[key][1]


CONNECTOR = SlackExportConnector


def looks_like_slack_export(path: Path) -> bool:
    if path.is_dir():
        return any((path / name).is_file() for name in ("channels.json", "users.json"))
    return path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path))


def _stamp(root: Path) -> tuple[int, ...]:
    try:
        stat = root.stat()
        listings = tuple((root / n).stat().st_mtime_ns for n in LISTING_FILES if (root / n).is_file())
    except OSError as exc:
        raise ConnectorError(
            f"[I104] Slack export {root} cannot be read ({exc.strerror}); check the path"
        ) from None
    return (stat.st_mtime_ns, stat.st_size, *listings)


class _Export:
    """Listings, users and the day files of one export; day files parsed on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.is_zip = root.is_file()
        self.prefix = ""
        names = self._zip_names() if self.is_zip else self._folder_names()
        listings = {n: self._listing(n) for n in LISTING_FILES if n in names}
        if not listings and not any(_is_day(n) for n in names):
            raise ConnectorError(
                f"[I105] {root} is not a Slack export (no users.json, channels.json or day files); "
                "pass the export zip or its unpacked folder, or use --kind"
            )
        users = {u["id"]: u for u in listings.get("users.json", []) if isinstance(u, dict) and "id" in u}
        self.directory = Directory(users=users)
        self.conversations = self._conversations(listings)
        self.day_files: dict[str, list[str]] = {}
        for name in sorted(names):
            if _is_day(name):
                folder, day = name.split("/")
                self.day_files.setdefault(folder, []).append(day)
        unlisted = sorted(f for f in self.day_files if f not in self.conversations)
        for folder in unlisted:
            restricted = bool(_DM_FOLDER.match(folder))
            self.conversations[folder] = Conversation(
                id=folder,
                name=f"dm:{folder}" if restricted else folder,
                visibility=Visibility.RESTRICTED if restricted else Visibility.PUBLIC,
                is_dm=restricted,
            )
        if unlisted:
            log.warning(
                "slack export %s: %d folders in no channel listing; DM-like ones kept restricted, "
                "the others treated as public channels: %s",
                root.name,
                len(unlisted),
                ", ".join(unlisted),
            )
        self._parsed_day = functools.lru_cache(maxsize=64)(self._parse_day)

    def day(self, name: str) -> dict[str, Any] | str:
        """A day's items by locator fragment (see :func:`_by_fragment`), or why the file is unusable.

        In a folder the file's size and mtime are part of the cache key, so a day file
        rewritten in place (the live mirror does that) is parsed again.
        """
        stamp: tuple[int, int] | None = None
        if not self.is_zip:
            try:
                stat = (self.root / name).stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamp = None
        return self._parsed_day(name, stamp)

    def read_member(self, name: str) -> bytes:
        if not self.is_zip:
            return (self.root / name).read_bytes()
        with zipfile.ZipFile(self.root) as archive:
            return archive.read(self.prefix + name)

    def _zip_names(self) -> set[str]:
        try:
            with zipfile.ZipFile(self.root) as archive:
                names = [n for n in archive.namelist() if not n.endswith("/")]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ConnectorError(
                f"[I104] Slack export {self.root} is not a readable zip (truncated or corrupt: {exc}); "
                "download the export again, or unzip what you can and pass the folder"
            ) from None
        # Some tools zip the export inside a top folder: find where the listings are.
        tops = sorted((n for n in names if n.rsplit("/", 1)[-1] in LISTING_FILES), key=lambda n: n.count("/"))
        if tops and "/" in tops[0]:
            self.prefix = tops[0].rsplit("/", 1)[0] + "/"
        return {n[len(self.prefix) :] for n in names if n.startswith(self.prefix)}

    def _folder_names(self) -> set[str]:
        if not self.root.is_dir():
            raise ConnectorError(f"[I104] Slack export {self.root} is neither a zip nor a folder")
        names = set()
        for entry in self.root.iterdir():
            if entry.is_file():
                names.add(entry.name)
            elif entry.is_dir() and not entry.name.startswith("."):
                names.update(f"{entry.name}/{f.name}" for f in entry.iterdir() if f.is_file())
        return names

    def _listing(self, name: str) -> list[Any]:
        """A top-level listing; a broken one stops the source (privacy depends on them)."""
        try:
            data = json.loads(self.read_member(name))
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            raise ConnectorError(
                f"[I106] {name} in Slack export {self.root} cannot be read ({exc}); "
                "without it, who may read which channel is unknown: fix or re-export it"
            ) from None
        if not isinstance(data, list):
            raise ConnectorError(
                f"[I106] {name} in Slack export {self.root} is not a JSON list; re-export it"
            )
        return data

    def _conversations(self, listings: dict[str, list[Any]]) -> dict[str, Conversation]:
        """Conversations by folder: Slack names folders after channels and DMs after their id;
        the live mirror names every folder after the id, which survives renames."""
        out: dict[str, Conversation] = {}
        handle = self.directory.handle
        for kind, visibility in (
            ("channels.json", Visibility.PUBLIC),
            ("groups.json", Visibility.RESTRICTED),
        ):
            for ch in listings.get(kind, []):
                if isinstance(ch, dict) and ch.get("name") and ch.get("id"):
                    self.directory.channel_names[ch["id"]] = ch["name"]
                    out[ch["name"]] = out[ch["id"]] = Conversation(
                        id=ch["id"], name=ch["name"], visibility=visibility, members=_members(ch)
                    )
        for kind, folder_key in (("mpims.json", "name"), ("dms.json", "id")):
            for ch in listings.get(kind, []):
                if isinstance(ch, dict) and ch.get(folder_key) and ch.get("id"):
                    members = _members(ch)
                    out[ch[folder_key]] = out[ch["id"]] = Conversation(
                        id=ch["id"],
                        name="dm:" + ",".join(sorted(handle(m) for m in members)),
                        visibility=Visibility.RESTRICTED,
                        members=members,
                        is_dm=True,
                    )
        return out

    def _parse_day(self, name: str, stamp: tuple[int, int] | None) -> dict[str, Any] | str:
        """A day's items by locator fragment, or the failure reason for the whole file."""
        try:
            raw = self.read_member(name)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            return f"unreadable: {exc}"
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            return f"bad-encoding: day file is not UTF-8 ({exc.reason} at byte {exc.start})"
        except json.JSONDecodeError as exc:
            return f"invalid-json: {exc.msg} line {exc.lineno} col {exc.colno}"
        if not isinstance(data, list):
            return f"malformed-export: day file holds a JSON {type(data).__name__}, not a list"
        return _by_fragment(data)


def _is_day(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and bool(_DAY_FILE.match(parts[1]))


def _members(ch: dict[str, Any]) -> tuple[str, ...]:
    members = ch.get("members")
    return tuple(m for m in members if isinstance(m, str)) if isinstance(members, list) else ()


def _by_fragment(items: list[Any]) -> dict[str, Any]:
    """Each item of a day under its locator fragment: ``ts``, ``ts~2`` when repeated, or ``@index``."""
    out: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        ts = item.get("ts") if isinstance(item, dict) else None
        if isinstance(ts, str) and _USABLE_TS.match(ts):
            seen[ts] = seen.get(ts, 0) + 1
            out[ts if seen[ts] == 1 else f"{ts}~{seen[ts]}"] = item
        else:
            out[f"@{index}"] = item
    return out


def _access_stamp(conversation: Conversation) -> str:
    """What of a conversation shapes its messages' records: name, visibility, readers."""
    members = conversation.members if conversation.visibility is Visibility.RESTRICTED else ()
    return json.dumps([conversation.name, conversation.visibility.value, sorted(members)])


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
