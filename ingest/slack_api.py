"""Slack's Web API as a live source: ``sync`` mirrors a workspace into an export-shaped folder.

The mirror is a Slack export folder (``users.json``, ``channels.json``,
``groups.json``, ``dms.json``, ``mpims.json``, one folder per conversation of
``YYYY-MM-DD.json`` day files, messages sorted by ``ts``, thread replies in the
day of their own ``ts``), so reading it is :class:`SlackExportConnector`'s
job, with ``source="slack_api"``. Conversation folders are named after the
conversation's id, not its name, so a renamed channel keeps its locators.

What one sync does, per conversation (public and private channels, group DMs
and DMs the token can see):

- ``conversations.history`` from the newest ``ts`` already mirrored, reaching
  back ``rescan_days`` (default 7) so that recent edits and deletions are
  seen: a changed message is rewritten in its day file, one missing from the
  re-scanned window is removed (:attr:`SyncReport.deleted`);
- ``conversations.replies`` for threads with replies newer than the mirror's
  (the parent's ``latest_reply``), and for every thread active within
  ``thread_days`` (default 30), since a reply to an old thread does not bring
  its parent back into the history window;
- the members of private channels, group DMs and DMs: their access list.

Progress is kept in the mirror's :class:`~ingest.live.Checkpoint`: per
conversation the newest ``ts`` fetched, the threads being followed, and the
cursor of a history listing in progress, saved after each page (whose
messages are written first), so an interrupted sync resumes at the page it
stopped at. A conversation the token cannot read (``not_in_channel``,
``missing_scope``...) is skipped and listed in :attr:`SyncReport.skipped`.

HTTP 429 answers are obeyed (``Retry-After``) and counted; connection errors
and 5xx answers are retried a few times with backoff. Calls to each method are
paced by a minimum interval (Slack's tiers), 0 against a local ``base_url``.
The token is only ever handed to :class:`slack_sdk.WebClient`: it is not
logged, not written to the mirror, and not in any error message.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from backchannel.errors import ConnectorError

from .live import Checkpoint, SyncReport, write_atomic
from .slack_export import SlackExportConnector

log = logging.getLogger(__name__)
# slack_sdk logs whole response bodies (message text) at DEBUG: keep its logger at WARNING.
_SDK_LOG = logging.getLogger(__name__ + ".sdk")
_SDK_LOG.setLevel(logging.WARNING)

DEFAULT_BASE_URL = "https://slack.com/api/"
ALL_TYPES = ("public_channel", "private_channel", "mpim", "im")
# Seconds between two calls of a method against real Slack (tier 2: 20/min, tier 3: 50/min, tier 4: 100/min).
TIER_INTERVALS = {
    "users.list": 3.0,
    "conversations.list": 3.0,
    "conversations.history": 1.2,
    "conversations.replies": 1.2,
    "conversations.members": 0.6,
}
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Answers that mean the token itself is bad: nothing can be synced until the admin replaces it.
_AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission"}
)
# Answers that mean this one conversation cannot be read with this token: skip it, go on.
_SKIP_ERRORS = frozenset({"not_in_channel", "channel_not_found", "missing_scope", "access_denied"})
_RETRIES = 3  # retries of a connection error or 5xx answer, with backoff 1 s, 2 s, 4 s
_MAX_RATE_LIMITED = 30  # consecutive 429 answers to one call before giving up
_TRANSIENT = (URLError, ConnectionError, TimeoutError, http.client.HTTPException)
_OPTIONS = (
    "base_url",
    "types",
    "exclude_archived",
    "rescan_days",
    "thread_days",
    "page_limit",
    "oldest",
    "min_interval",
)
_LISTINGS = {  # listing file of each kind of conversation
    "public": "channels.json",
    "private": "groups.json",
    "mpim": "mpims.json",
    "im": "dms.json",
}
_DAY = 86400


@dataclass(frozen=True)
class SlackApiOptions:
    """The admin's settings of a ``slack_api`` source, parsed from ``dict[str, str]``."""

    base_url: str = DEFAULT_BASE_URL
    types: tuple[str, ...] = ALL_TYPES
    exclude_archived: bool = False
    rescan_days: int = 7
    thread_days: int = 30
    page_limit: int = 200
    oldest: str = "0"  # a Slack ts: nothing older is fetched
    min_interval: float | None = None  # None: Slack's tiers, or 0 against a local base_url

    @classmethod
    def parse(cls, options: dict[str, str]) -> SlackApiOptions:
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            raise ConnectorError(
                f"[I200] unknown slack_api option(s) {', '.join(unknown)}; known: {', '.join(_OPTIONS)}"
            )
        types = tuple(t.strip() for t in options.get("types", ",".join(ALL_TYPES)).split(",") if t.strip())
        if not types or not set(types) <= set(ALL_TYPES):
            raise ConnectorError(
                f"[I200] slack_api option types: give a comma list of {', '.join(ALL_TYPES)}"
            )
        return cls(
            base_url=options.get("base_url", DEFAULT_BASE_URL).strip() or DEFAULT_BASE_URL,
            types=types,
            exclude_archived=_flag(options, "exclude_archived"),
            rescan_days=_number(options, "rescan_days", 7, 0, 365),
            thread_days=_number(options, "thread_days", 30, 0, 3650),
            page_limit=_number(options, "page_limit", 200, 1, 999),
            oldest=_day_ts(options["oldest"]) if options.get("oldest") else "0",
            min_interval=_seconds(options["min_interval"]) if options.get("min_interval") else None,
        )

    def interval(self, method: str) -> float:
        """Seconds to leave between two calls of ``method``."""
        if self.min_interval is not None:
            return self.min_interval
        if urlsplit(self.base_url).hostname in _LOCAL_HOSTS:
            return 0.0
        return TIER_INTERVALS.get(method, 0.0)


class SlackApiConnector(SlackExportConnector):
    """Mirrors a workspace through the Web API; reads the mirror like an export."""

    kind = "slack_api"
    tracks_deletions = True

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._sleep = sleep
        self._clock = clock  # "now", for the re-scan and thread windows

    def sync(
        self,
        options: dict[str, str],
        secret: str | None,
        mirror: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> SyncReport:
        settings = SlackApiOptions.parse(options)
        if not secret or not secret.strip():
            raise ConnectorError(
                "[I201] no Slack token was given; create a Slack app token (see ingest/README.md) "
                "and store it with the source"
            )
        report = SyncReport()
        client = WebClient(token=secret, base_url=settings.base_url, retry_handlers=[], logger=_SDK_LOG)
        api = _Api(client, settings, report, self._sleep)
        me = api.call("auth.test", {})
        _Sync(api, settings, Path(mirror), me.get("user_id", ""), self._clock(), progress).run()
        log.info(
            "slack_api sync: %d written, %d deleted, %d skipped, %d rate limited",
            report.fetched,
            report.deleted,
            len(report.skipped),
            report.rate_limited,
        )
        return report


CONNECTOR = SlackApiConnector


class _ApiError(Exception):
    """Slack answered ``ok: false``; ``error`` is its error code (``not_in_channel``)."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


class _Api:
    """Calls with Slack's manners: paced per method, 429s obeyed, transient failures retried."""

    def __init__(
        self, client: WebClient, settings: SlackApiOptions, report: SyncReport, sleep: Callable[[float], None]
    ) -> None:
        self.client = client
        self.settings = settings
        self.report = report
        self.sleep = sleep
        self._last_call: dict[str, float] = {}

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """One call's answer. ``ok: false`` raises _ApiError, or ConnectorError when the admin must act."""
        form = {k: v for k, v in params.items() if v is not None and v != ""}
        failures = rate_limited = 0
        while True:
            self._pace(method)
            try:
                return dict(self.client.api_call(method, data=form).data)  # type: ignore[arg-type]
            except SlackApiError as exc:
                status = exc.response.status_code
                if status == 429 and rate_limited < _MAX_RATE_LIMITED:
                    rate_limited += 1
                    self.report.rate_limited += 1
                    self.sleep(_retry_after(exc.response.headers))
                    continue
                if status >= 500 and failures < _RETRIES:
                    failures += 1
                    self.sleep(2.0 ** (failures - 1))
                    continue
                raise self._error(method, status, exc.response.data) from None
            except _TRANSIENT as exc:
                if failures < _RETRIES:
                    failures += 1
                    self.sleep(2.0 ** (failures - 1))
                    continue
                raise ConnectorError(
                    f"[I202] cannot reach Slack at {self.settings.base_url} ({type(exc).__name__}, "
                    f"{_RETRIES + 1} tries on {method}); check the network or the base_url option, "
                    "then sync again: it resumes where it stopped"
                ) from None

    def pages(self, method: str, key: str, params: dict[str, Any]) -> Iterator[Any]:
        """Every item under ``key`` across a cursor-paginated listing."""
        cursor = ""
        while True:
            data = self.call(method, {**params, "limit": self.settings.page_limit, "cursor": cursor or None})
            items = data.get(key)
            yield from items if isinstance(items, list) else []
            cursor = _next_cursor(data)
            if not cursor:
                return

    def _pace(self, method: str) -> None:
        interval = self.settings.interval(method)
        if interval > 0 and method in self._last_call:
            wait = self._last_call[method] + interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last_call[method] = time.monotonic()

    def _error(self, method: str, status: int, data: object) -> Exception:
        error = data.get("error") if isinstance(data, dict) else None
        if status == 429:
            return ConnectorError(
                f"[I205] Slack rate-limited {method} {_MAX_RATE_LIMITED} times in a row; "
                "sync again later, or set a larger min_interval option"
            )
        if status >= 500 or not isinstance(error, str):
            return ConnectorError(
                f"[I203] Slack failed (HTTP {status}) on {method} {_RETRIES + 1} times; "
                "sync again later: it resumes where it stopped"
            )
        if error in _AUTH_ERRORS:
            return ConnectorError(
                f"[I201] Slack rejected the token ({error}): it is invalid, revoked, or its user was "
                "deactivated; create a new token (bot scopes channels:history, groups:history, im:history, "
                "mpim:history, channels:read, groups:read, im:read, mpim:read, users:read, "
                "users:read.email) and store it with the source again"
            )
        return _ApiError(method, error)


class _Sync:
    """One sync of a workspace into a mirror folder."""

    def __init__(
        self,
        api: _Api,
        settings: SlackApiOptions,
        mirror: Path,
        me: str,
        now: float,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.api = api
        self.settings = settings
        self.mirror = mirror
        self.me = me
        self.report = api.report
        self.progress = progress or (lambda n: None)
        self.checkpoint = Checkpoint(mirror)
        self.rescan_from = _ts(now - settings.rescan_days * _DAY)
        self.threads_from = _ts(now - settings.thread_days * _DAY)

    def run(self) -> None:
        self.mirror.mkdir(parents=True, exist_ok=True)
        os.chmod(self.mirror, 0o700)
        users = [u for u in self.api.pages("users.list", "members", {}) if isinstance(u, dict)]
        write_atomic(self.mirror / "users.json", _dump(users))
        readable = self._write_listings()
        for conversation_id in readable:
            try:
                self._sync_conversation(conversation_id)
            except _ApiError as exc:
                if exc.error not in _SKIP_ERRORS:
                    raise ConnectorError(
                        f"[I204] Slack answered {exc.error!r} to {exc.method} for {conversation_id}; "
                        "check the app's scopes, then sync again"
                    ) from None
                self.report.skipped.append(f"{conversation_id}: {exc.error}")
                log.info("slack_api: skipped %s (%s)", conversation_id, exc.error)

    # -- listings ---------------------------------------------------------------------------

    def _write_listings(self) -> list[str]:
        """Write the five listing files; the ids of the conversations to fetch, in order.

        A conversation no longer listed (the app left it, it was deleted, ``types``
        changed) keeps its old entry, so its mirrored messages keep their access list
        instead of becoming an unlisted folder.
        """
        listings: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _LISTINGS.values()}
        for name in listings:
            for entry in _read_listing(self.mirror / name):
                listings[name][entry["id"]] = entry
        params = {"types": ",".join(self.settings.types), "exclude_archived": self.settings.exclude_archived}
        readable = []
        for conversation in self.api.pages("conversations.list", "channels", params):
            conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
            if not isinstance(conversation_id, str) or not conversation_id:
                continue
            kind = _kind(conversation)
            if kind != "public":
                members = self._members(conversation, kind)
                if members is None:
                    continue
                conversation = {**conversation, "members": members}
            for entries in listings.values():  # a channel made private moves to groups.json
                entries.pop(conversation_id, None)
            listings[_LISTINGS[kind]][conversation_id] = conversation
            readable.append(conversation_id)
        for name, entries in listings.items():
            write_atomic(self.mirror / name, _dump([entries[k] for k in sorted(entries)]))
        return sorted(readable)

    def _members(self, conversation: dict[str, Any], kind: str) -> list[str] | None:
        """Who may read a private conversation; None (and a skip) when Slack will not say."""
        if kind == "im" and isinstance(conversation.get("user"), str):
            return sorted({self.me, conversation["user"]} - {""})
        try:
            members = self.api.pages("conversations.members", "members", {"channel": conversation["id"]})
            return sorted(m for m in members if isinstance(m, str))
        except _ApiError as exc:
            if exc.error not in _SKIP_ERRORS:
                raise ConnectorError(
                    f"[I204] Slack answered {exc.error!r} to conversations.members for "
                    f"{conversation['id']}; check the app's scopes, then sync again"
                ) from None
            self.report.skipped.append(f"{conversation['id']}: {exc.error}")
            return None

    # -- one conversation -------------------------------------------------------------------

    def _sync_conversation(self, conversation_id: str) -> None:
        states = self.checkpoint.state.setdefault("conversations", {})
        state: dict[str, Any] = states.setdefault(conversation_id, {})
        days = _DayFiles(self.mirror / conversation_id)
        self._history(conversation_id, state, days)
        self._threads(conversation_id, state, days)

    def _history(self, conversation_id: str, state: dict[str, Any], days: _DayFiles) -> None:
        """Fetch the history window page by page, saving the cursor after each page.

        Deletions are only inferred from a listing seen whole in this run: after a
        resume, the pages fetched before the interruption are not known here, and the
        next sync's re-scan catches up.
        """
        listing = state.get("listing")
        resumed = listing is not None
        if listing is None:
            listing = {"oldest": self._history_oldest(state), "cursor": "", "newest": state.get("newest", "")}
        threads: dict[str, list[str]] = state.setdefault("threads", {})
        seen: set[str] = set()
        while True:
            params = {
                "channel": conversation_id,
                "oldest": listing["oldest"],
                "limit": self.settings.page_limit,
                "cursor": listing["cursor"] or None,
            }
            data = self.api.call("conversations.history", params)
            messages = [m for m in data.get("messages") or [] if _valid(m)]
            for message in messages:
                seen.add(message["ts"])
                self._put(days, message)
                _note_thread(threads, message)
                listing["newest"] = max(listing["newest"], message["ts"], key=_key)
            self.progress(len(messages))
            days.flush()
            listing["cursor"] = _next_cursor(data)
            if not listing["cursor"]:
                break
            state["listing"] = listing
            self.checkpoint.save()
        if not resumed:
            for message in days.since(listing["oldest"]):
                if _in_history(message) and message["ts"] not in seen:
                    self.report.deleted += days.remove(message["ts"])
            days.flush()
        state.pop("listing", None)
        if listing["newest"]:
            state["newest"] = listing["newest"]
        self.checkpoint.save()

    def _history_oldest(self, state: dict[str, Any]) -> str:
        newest = state.get("newest")
        if not newest:
            return self.settings.oldest
        return max(self.settings.oldest, min(newest, self.rescan_from, key=_key), key=_key)

    def _threads(self, conversation_id: str, state: dict[str, Any], days: _DayFiles) -> None:
        """Re-read the threads with replies we do not have, or recent enough to have changed.

        ``threads`` maps a parent ``ts`` to ``[newest reply mirrored, latest_reply Slack reported]``.
        """
        threads: dict[str, list[str]] = state.setdefault("threads", {})
        for parent in sorted(threads, key=_key):
            have, latest = threads[parent]
            active = max(parent, have or parent, latest or parent, key=_key)
            if _key(latest) > _key(have) or _key(active) >= _key(self.threads_from):
                self._thread(conversation_id, parent, threads, days)
            else:
                del threads[parent]  # quiet for longer than thread_days: stop following it
            self.checkpoint.save()

    def _thread(
        self, conversation_id: str, parent: str, threads: dict[str, list[str]], days: _DayFiles
    ) -> None:
        have = threads[parent][0]
        oldest = min(have, self.rescan_from, key=_key) if have else ""
        params = {"channel": conversation_id, "ts": parent, "oldest": oldest or None}
        seen: set[str] = set()
        try:
            for message in self.api.pages("conversations.replies", "messages", params):
                if not _valid(message):
                    continue
                seen.add(message["ts"])
                self._put(days, message)
                self.progress(1)
                have = max(have or message["ts"], message["ts"], key=_key)
        except _ApiError as exc:
            if exc.error != "thread_not_found":
                raise
            oldest = ""  # the parent is gone, and with it the thread: drop all its replies
            del threads[parent]
        for message in days.since(oldest or "0"):
            if message.get("thread_ts") == parent and message["ts"] != parent and message["ts"] not in seen:
                self.report.deleted += days.remove(message["ts"])
        days.flush()
        if parent in threads:
            threads[parent] = [have, have]

    def _put(self, days: _DayFiles, message: dict[str, Any]) -> None:
        self.report.fetched += days.put(message)


class _DayFiles:
    """The day files of one conversation folder of the mirror, changed in memory, written on flush."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._days: dict[str, dict[str, dict[str, Any]]] = {}
        self._dirty: set[str] = set()

    def put(self, message: dict[str, Any]) -> bool:
        """Add or replace a message; False when the mirror already holds exactly this."""
        day = self._day(_day_of(message["ts"]))
        if day.get(message["ts"]) == message:
            return False
        day[message["ts"]] = message
        self._dirty.add(_day_of(message["ts"]))
        return True

    def remove(self, ts: str) -> bool:
        day = self._day(_day_of(ts))
        if day.pop(ts, None) is None:
            return False
        self._dirty.add(_day_of(ts))
        return True

    def since(self, oldest: str) -> list[dict[str, Any]]:
        """Every mirrored message newer than ``oldest`` (a ts; "0" for all)."""
        first = _day_of(oldest) if _key(oldest) > 0 else ""
        names = {p.stem for p in self.folder.glob("????-??-??.json")} | set(self._days)
        out = []
        for name in sorted(n for n in names if n >= first):
            out += [m for ts, m in self._day(name).items() if _key(ts) > _key(oldest)]
        return out

    def flush(self) -> None:
        """Write every changed day (sorted by ts) atomically; forget what is cached."""
        for name in sorted(self._dirty):
            messages = sorted(self._days[name].values(), key=lambda m: _key(m["ts"]))
            path = self.folder / f"{name}.json"
            if messages:
                write_atomic(path, _dump(messages))
            else:
                path.unlink(missing_ok=True)
        self._dirty.clear()
        self._days.clear()

    def _day(self, name: str) -> dict[str, dict[str, Any]]:
        if name not in self._days:
            messages = _read_listing(self.folder / f"{name}.json", key="ts")
            self._days[name] = {m["ts"]: m for m in messages}
        return self._days[name]


def _kind(conversation: dict[str, Any]) -> str:
    if conversation.get("is_im"):
        return "im"
    if conversation.get("is_mpim"):
        return "mpim"
    if conversation.get("is_private") or conversation.get("is_group"):
        return "private"
    return "public"


def _note_thread(threads: dict[str, list[str]], message: dict[str, Any]) -> None:
    """Follow a parent's thread: remember the ``latest_reply`` Slack reports for it."""
    latest = message.get("latest_reply")
    if not message.get("reply_count") and not isinstance(latest, str):
        return
    if message.get("thread_ts", message["ts"]) != message["ts"]:
        return  # a broadcast reply, not a parent
    have, known = threads.get(message["ts"], ["", ""])
    reported = latest if isinstance(latest, str) and _valid_ts(latest) else message["ts"]
    threads[message["ts"]] = [have, max(known or reported, reported, key=_key)]


def _in_history(message: dict[str, Any]) -> bool:
    """Whether conversations.history lists this message: not a reply, unless broadcast."""
    thread_ts = message.get("thread_ts")
    return not thread_ts or thread_ts == message["ts"] or message.get("subtype") == "thread_broadcast"


def _valid(message: object) -> bool:
    return isinstance(message, dict) and isinstance(message.get("ts"), str) and _valid_ts(message["ts"])


def _valid_ts(ts: str) -> bool:
    seconds, _, fraction = ts.partition(".")
    return seconds.isdigit() and (not fraction or fraction.isdigit())


def _key(ts: str) -> Decimal:
    """A ts as an exact number for comparisons ("" sorts first)."""
    try:
        return Decimal(ts) if ts else Decimal(-1)
    except InvalidOperation:
        return Decimal(-1)


def _ts(seconds: float) -> str:
    return f"{max(int(seconds), 0)}.000000"


def _day_of(ts: str) -> str:
    return datetime.fromtimestamp(int(ts.partition(".")[0]), UTC).date().isoformat()


def _day_ts(value: str) -> str:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ConnectorError(f"[I200] slack_api option oldest={value!r}: give a date, YYYY-MM-DD") from None
    return _ts(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _flag(options: dict[str, str], name: str) -> bool:
    value = options.get(name, "false").strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ConnectorError(f"[I200] slack_api option {name}={value!r}: give true or false")
    return value in ("true", "1", "yes")


def _number(options: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = options.get(name, str(default)).strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConnectorError(f"[I200] slack_api option {name}={value!r}: give a whole number {low}..{high}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 600:
        raise ConnectorError(f"[I200] slack_api option min_interval={value!r}: give seconds, 0..600")
    return seconds


def _retry_after(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def _next_cursor(data: dict[str, Any]) -> str:
    metadata = data.get("response_metadata")
    cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
    return cursor if isinstance(cursor, str) else ""


def _read_listing(path: Path, key: str = "id") -> list[dict[str, Any]]:
    """A JSON list of objects the mirror wrote before (those with ``key``); [] when absent or damaged."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return []
    return (
        [e for e in data if isinstance(e, dict) and isinstance(e.get(key), str)]
        if isinstance(data, list)
        else []
    )


def _dump(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
