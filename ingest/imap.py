"""A mailbox on an IMAP server, mirrored as ``.eml`` files (a live connector).

``sync`` copies each chosen folder's new messages into the mirror as
``<folder>/<uidvalidity>/<uid>.eml``, where ``<folder>`` is the IMAP folder
name (decoded from modified UTF-7) percent-encoded so that ``/``, ``.`` and
non-ASCII names are one safe, reversible path segment. A locator is that
relative path, so a hit can cite the folder and UID it came from.

The checkpoint keeps, per folder, the UIDVALIDITY and the last UID fetched:

* a sync fetches UIDs above ``last_uid`` with ``BODY.PEEK[]`` on a read-only
  SELECT (flags such as ``\\Seen`` are never changed), in batches, saving the
  checkpoint after each, so an interrupted sync resumes where it stopped;
* a new UIDVALIDITY means the server renumbered the folder: it is fetched
  again from UID 1 into a new directory and the old one is removed (the
  copies share content ids, so ingest does not duplicate them);
* mirror files whose UID the server no longer lists were expunged: they are
  deleted, and ingest forgets them (``tracks_deletions``).

The reader lists only the current UIDVALIDITY directory of each folder the
checkpoint knows and parses each file like any ``.eml``, with the folder name
as container and the account's address as owner (it joins the access list).
"""

from __future__ import annotations

import logging
import re
import shutil
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import CapabilityError, IMAPClientAbortError, IMAPClientError, LoginError

from backchannel.errors import ConnectorError
from backchannel.records import IngestFailure, PersonRecord, RawMessage

from .base import MAX_MESSAGE_BYTES, read_file, too_large_reason
from .email_parse import parse_or_failure
from .live import Checkpoint, SyncReport, write_atomic

log = logging.getLogger(__name__)

OPTIONS = ("host", "port", "username", "tls", "allow_insecure", "ca_file", "folders", "address", "batch")
#: Options the caller acts on before ``sync`` (where the secret comes from): allowed, not ours.
CALLER_OPTIONS = ("secret_env",)
TLS_MODES = ("implicit", "starttls", "none")
DEFAULT_BATCH = 200
#: UIDs per FETCH command: imapclient 4.1 sends every UID (no ranges), and servers cap line length.
MAX_BATCH = 1000
#: A batch is also cut when its messages add up to this much, to bound memory.
BATCH_BYTES = 50 * 1024 * 1024
#: Seconds to connect and get the greeting, then to wait for any one read or write.
CONNECT_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 60.0
#: Errors that mean the connection itself failed (as opposed to one command being refused).
_CONNECTION_ERRORS = (IMAPClientAbortError, ssl.SSLError, TimeoutError, ConnectionError)
_BYTES_REPR = re.compile(r"b(['\"])(.*)\1")
_TIMINGS = re.compile(r"\s*\([\d.+ ]+secs\)\.?$")


@dataclass(frozen=True)
class ImapOptions:
    """The admin's settings for one IMAP source, checked."""

    host: str
    port: int
    username: str
    tls: str
    ca_file: str
    folders: tuple[str, ...]  # ("*",) for every selectable folder
    address: str
    batch: int

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, options: dict[str, str]) -> ImapOptions:
        unknown = sorted(set(options) - set(OPTIONS) - set(CALLER_OPTIONS))
        if unknown:
            raise _option_error(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(OPTIONS)}")
        host = options.get("host", "").strip()
        username = options.get("username", "").strip()
        if not host or not username:
            raise _option_error("host and username are required")
        tls = options.get("tls", "implicit").strip().lower()
        if tls not in TLS_MODES:
            raise _option_error(f"tls must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        if tls == "none" and options.get("allow_insecure", "").strip().lower() != "yes":
            raise _option_error("tls=none sends the password in clear text; also set allow_insecure=yes")
        ca_file = options.get("ca_file", "").strip()
        if ca_file and not Path(ca_file).is_file():
            raise _option_error(f"ca_file {ca_file} does not exist")
        folders = tuple(f.strip() for f in options.get("folders", "INBOX").split(",") if f.strip())
        return cls(
            host=host,
            port=_whole_number(options, "port", 993 if tls == "implicit" else 143, 65535),
            username=username,
            tls=tls,
            ca_file=ca_file,
            folders=folders or ("INBOX",),
            address=options.get("address", username if "@" in username else "").strip().lower(),
            batch=_whole_number(options, "batch", DEFAULT_BATCH, MAX_BATCH),
        )


class ImapConnector:
    """Syncs IMAP folders into a mirror of ``.eml`` files and reads that mirror."""

    kind = "imap"
    tracks_deletions = True

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._addresses: dict[str, str] = {}

    # -- live side ---------------------------------------------------------------

    def sync(
        self,
        options: dict[str, str],
        secret: str | None,
        mirror: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> SyncReport:
        config = ImapOptions.parse(options)
        if not secret:
            raise ConnectorError(
                f"[I300] IMAP source {config.server} has no password; set the source's secret"
            )
        mirror.mkdir(mode=0o700, parents=True, exist_ok=True)
        checkpoint = Checkpoint(mirror)
        checkpoint.state["address"] = config.address
        checkpoint.state.setdefault("folders", {})
        report = SyncReport()
        with _connect(config, secret) as client:
            try:
                for folder in _chosen_folders(client, config.folders):
                    _FolderSync(client, folder, config, mirror, checkpoint, report, progress).run()
            except _CONNECTION_ERRORS as exc:
                raise ConnectorError(
                    f"[I305] connection to IMAP server {config.server} was lost during the sync "
                    f"({type(exc).__name__}); run the sync again: it resumes where it stopped"
                ) from exc
        checkpoint.save()
        self._addresses.pop(str(mirror), None)
        return report

    # -- file side (the mirror) ----------------------------------------------------

    def list_locators(self, root: Path) -> Iterator[str]:
        if not root.is_dir():
            raise ConnectorError(f"[I309] IMAP mirror {root} does not exist; sync the source first")
        state = Checkpoint(root).state
        self._addresses[str(root)] = state.get("address", "")
        count = 0
        for folder, place in sorted(state.get("folders", {}).items()):
            directory = root / folder_dir(folder) / str(place["uidvalidity"])
            for uid in _mirrored_uids(directory):
                count += 1
                yield f"{folder_dir(folder)}/{place['uidvalidity']}/{uid}.eml"
        log.debug("imap mirror %s: %d messages listed", root.name, count)

    def list_versions(self, root: Path) -> Iterator[tuple[str, str]]:
        """Mail never changes under a UID: it only appears or is expunged, so one version fits all."""
        return ((locator, "") for locator in self.list_locators(root))

    def read(self, root: Path, locator: str) -> RawMessage | IngestFailure:
        parts = locator.split("/")
        if len(parts) != 3 or not parts[2].endswith(".eml"):
            return IngestFailure(self.kind, locator, "bad-locator: expected <folder>/<uidvalidity>/<uid>.eml")
        data = read_file(self.kind, root / locator, locator, self.max_bytes)
        if isinstance(data, IngestFailure):
            return data
        address = self._address(root)
        return parse_or_failure(
            data,
            source=self.kind,
            locator=locator,
            container=folder_name(parts[0]),
            owner=address,
            owner_address=address,
            max_bytes=self.max_bytes,
        )

    def people(self, root: Path) -> list[PersonRecord]:
        return []

    def _address(self, root: Path) -> str:
        key = str(root)
        if key not in self._addresses:
            self._addresses[key] = Checkpoint(root).state.get("address", "")
        return self._addresses[key]


CONNECTOR = ImapConnector


def folder_dir(folder: str) -> str:
    """An IMAP folder name as one path segment: percent-encoded, never hidden, never ``.``/``..``."""
    encoded = quote(folder, safe=" ")
    return "%2E" + encoded[1:] if encoded.startswith(".") else encoded


def folder_name(directory: str) -> str:
    """The IMAP folder name a mirror directory stands for (the inverse of :func:`folder_dir`)."""
    return unquote(directory)


class _FolderSync:
    """One folder's share of a sync: new messages in, expunged ones out, renumbering handled."""

    def __init__(
        self,
        client: IMAPClient,
        folder: str,
        config: ImapOptions,
        mirror: Path,
        checkpoint: Checkpoint,
        report: SyncReport,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.client = client
        self.folder = folder
        self.config = config
        self.checkpoint = checkpoint
        self.report = report
        self.progress = progress
        self.base = mirror / folder_dir(folder)

    def run(self) -> None:
        try:
            selected = self.client.select_folder(self.folder, readonly=True)
        except IMAPClientAbortError:
            raise  # the connection is gone, not just this folder
        except IMAPClientError as exc:
            self.report.skipped.append(f"{self.folder}: {_server_text(exc)}")
            log.info("imap folder %s skipped: cannot be selected", self.folder)
            return
        place = self._place(int(selected[b"UIDVALIDITY"]))
        directory = self.base / str(place["uidvalidity"])
        on_server = sorted(self.client.search("ALL"))
        self._fetch([uid for uid in on_server if uid > place["last_uid"]], place, directory)
        self._delete_expunged(directory, set(on_server))
        self._remove_other_uidvalidities(directory)

    def _place(self, uidvalidity: int) -> dict[str, int]:
        """This folder's checkpoint entry, started afresh when the server renumbered the folder."""
        folders: dict[str, dict[str, int]] = self.checkpoint.state["folders"]
        place = folders.get(self.folder)
        if place is None or place["uidvalidity"] != uidvalidity:
            if place is not None:
                log.info("imap folder %s: UIDVALIDITY changed, fetching it again", self.folder)
            place = folders[self.folder] = {"uidvalidity": uidvalidity, "last_uid": 0}
            self.checkpoint.save()
        return place

    def _fetch(self, uids: list[int], place: dict[str, int], directory: Path) -> None:
        if not uids:
            return
        sizes = self._sizes(uids, directory)
        for batch in _batches(uids, sizes, self.config.batch):
            wanted = [uid for uid in batch if sizes.get(uid, 0) <= MAX_MESSAGE_BYTES]
            bodies = self.client.fetch(wanted, ["BODY.PEEK[]"]) if wanted else {}
            written = 0
            for uid in wanted:
                body = bodies.get(uid, {}).get(b"BODY[]")
                if body is not None:  # None: expunged between SEARCH and FETCH
                    write_atomic(directory / f"{uid}.eml", body)
                    written += 1
            place["last_uid"] = max(batch)
            self.checkpoint.save()
            self.report.fetched += written
            if self.progress is not None:
                self.progress(len(batch))
            log.debug("imap folder %s: %d messages fetched up to uid %d", self.folder, written, max(batch))

    def _sizes(self, uids: list[int], directory: Path) -> dict[int, int]:
        """Each message's size, so that batches stay bounded and oversized mail is not downloaded."""
        sizes: dict[int, int] = {}
        for start in range(0, len(uids), MAX_BATCH):
            fetched = self.client.fetch(uids[start : start + MAX_BATCH], ["RFC822.SIZE"])
            sizes.update((uid, int(data[b"RFC822.SIZE"])) for uid, data in fetched.items())
        for uid in sorted(uid for uid, size in sizes.items() if size > MAX_MESSAGE_BYTES):
            locator = f"{self.base.name}/{directory.name}/{uid}.eml"
            self.report.failed_items.append(
                IngestFailure("imap", locator, too_large_reason(sizes[uid], MAX_MESSAGE_BYTES))
            )
        return sizes

    def _delete_expunged(self, directory: Path, on_server: set[int]) -> None:
        gone = [uid for uid in _mirrored_uids(directory) if uid not in on_server]
        for uid in gone:
            (directory / f"{uid}.eml").unlink(missing_ok=True)
        self.report.deleted += len(gone)
        if gone:
            log.info("imap folder %s: %d expunged messages removed from the mirror", self.folder, len(gone))

    def _remove_other_uidvalidities(self, current: Path) -> None:
        """Directories of an earlier UIDVALIDITY: their messages were fetched again under the new one."""
        if not self.base.is_dir():
            return
        for directory in self.base.iterdir():
            if directory.is_dir() and directory != current:
                shutil.rmtree(directory)


def _connect(config: ImapOptions, secret: str) -> IMAPClient:
    """A logged-in client; every failure becomes a ConnectorError that says what to do."""
    context = _tls_context(config)
    try:
        client = IMAPClient(
            config.host,
            config.port,
            ssl=config.tls == "implicit",
            ssl_context=context,
            timeout=SocketTimeout(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        )
    except ssl.SSLCertVerificationError as exc:
        raise ConnectorError(
            f"[I302] the TLS certificate of IMAP server {config.server} could not be verified "
            f"({exc.verify_message}); check the host name, or set ca_file to the CA that signed it"
        ) from None
    except ssl.SSLError as exc:
        raise ConnectorError(
            f"[I302] TLS with IMAP server {config.server} failed ({exc.reason}); check the port and the "
            "tls option (implicit for port 993, starttls for port 143)"
        ) from None
    except TimeoutError:
        raise ConnectorError(
            f"[I301] IMAP server {config.server} did not greet us within {CONNECT_TIMEOUT_S:g} s; check "
            "the host and port, and the tls option (tls=starttls or none on an implicit-TLS port such as "
            "993 waits for a greeting that never comes)"
        ) from None
    except IMAPClientError as exc:
        raise ConnectorError(
            f"[I301] {config.server} did not answer as an IMAP server ({_server_text(exc)}); check the host, "
            "port and tls option"
        ) from None
    except OSError as exc:
        raise ConnectorError(
            f"[I301] cannot reach IMAP server {config.server} ({exc.strerror or type(exc).__name__}); "
            "check the host and port, and that the server accepts connections from here"
        ) from None
    # imaplib would log every line on the wire (message text included) at DEBUG.
    client._imap.debug = 0
    try:
        _secure_and_login(client, config, context, secret)
    except BaseException:
        client.shutdown()
        raise
    return client


def _secure_and_login(client: IMAPClient, config: ImapOptions, context: ssl.SSLContext, secret: str) -> None:
    try:
        if config.tls == "starttls":
            client.starttls(context)
        if config.username.isascii() and secret.isascii():
            client.login(config.username, secret)
        else:  # LOGIN's quoted strings are ASCII; SASL PLAIN carries UTF-8
            client.plain_login(config.username, secret)
    except CapabilityError:
        raise ConnectorError(
            f"[I302] IMAP server {config.server} does not offer STARTTLS; use tls=implicit (port 993)"
        ) from None
    except LoginError as exc:
        raise ConnectorError(
            f"[I303] IMAP login to {config.server} as {config.username} failed: check the username and "
            f"password ({_server_text(exc)})"
        ) from None
    except ssl.SSLError as exc:
        raise ConnectorError(
            f"[I302] STARTTLS with IMAP server {config.server} failed ({exc.reason}); check ca_file and the "
            "tls option"
        ) from None
    except _CONNECTION_ERRORS as exc:
        raise ConnectorError(
            f"[I301] IMAP server {config.server} closed the connection before login ({type(exc).__name__}); "
            "check the port and the tls option"
        ) from None


def _tls_context(config: ImapOptions) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=config.ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _chosen_folders(client: IMAPClient, folders: tuple[str, ...]) -> list[str]:
    """The folders to sync: as named, or with ``*`` every folder that can be selected."""
    if folders != ("*",):
        return list(folders)
    listed = client.list_folders()
    return sorted(
        name for flags, _delim, name in listed if not {b"\\Noselect", b"\\NonExistent"} & set(flags)
    )


def _batches(uids: list[int], sizes: dict[int, int], count: int) -> Iterator[list[int]]:
    """Runs of at most ``count`` UIDs whose sizes add up to at most BATCH_BYTES (or one message)."""
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = min(sizes.get(uid, 0), MAX_MESSAGE_BYTES)
        if batch and (len(batch) >= count or total + size > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


def _mirrored_uids(directory: Path) -> list[int]:
    """UIDs of the ``<uid>.eml`` files in one UIDVALIDITY directory, ascending."""
    if not directory.is_dir():
        return []
    return sorted(int(p.stem) for p in directory.glob("*.eml") if p.stem.isdigit())


def _server_text(exc: Exception) -> str:
    """The server's words from an imapclient error: no ``select failed:`` prefix, ``b'...'`` or timings."""
    text = str(exc.args[0] if exc.args else "")
    text = text.split(" failed: ", 1)[-1].strip()
    quoted = _BYTES_REPR.fullmatch(text)
    if quoted:
        text = quoted.group(2)
    return _TIMINGS.sub("", text).strip()


def _whole_number(options: dict[str, str], name: str, default: int, highest: int) -> int:
    value = options.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) <= highest:
        raise _option_error(f"{name} must be a whole number from 1 to {highest}, not {value!r}")
    return int(value)


def _option_error(detail: str) -> ConnectorError:
    return ConnectorError(f"[I300] IMAP source options: {detail}")
