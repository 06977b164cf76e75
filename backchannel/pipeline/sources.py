"""Sources an admin configures by name, and syncing them.

File sources (maildir, mbox, eml, slack_export) name a ``path``; live sources
(slack_api, imap) fetch into a mirror under ``data_dir/mirrors/<name>`` first
(see ``ingest/live.py``) and the mirror is then ingested like a file source.
A sync is incremental: the connector's checkpoint and the store's locations
make a re-run fetch and record only what is new, changed or deleted.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from backchannel import secrets
from backchannel.errors import BackchannelError, ConfigError
from backchannel.pipeline.ingest_stage import ingest_source
from backchannel.progress import progress_bar
from backchannel.records import IngestStats
from backchannel.settings import Settings
from backchannel.store import Store

log = logging.getLogger(__name__)

FILE_KINDS = ("maildir", "mbox", "eml", "slack_export")
LIVE_KINDS = ("slack_api", "imap")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


@dataclass
class SyncResult:
    name: str
    fetched: int  # items a live source wrote to its mirror (0 for file sources)
    skipped: list[str]  # conversations or folders a live source could not read, with why
    rate_limited: int
    ingest: IngestStats

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ingest"].pop("failure_reasons", None)
        out["failure_reasons"] = self.ingest.failure_reasons
        return out


def parse_options(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``key=value`` words from the command line into options."""
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"[C030] Option {pair!r} is not KEY=VALUE (e.g. path=/data/maildir).")
        options[key.strip()] = value.strip()
    return options


def mirror_path(settings: Settings, name: str) -> Path:
    return settings.data_dir / "mirrors" / name


def add_source(
    store: Store, settings: Settings, name: str, kind: str, options: dict[str, str], secret: str | None = None
) -> int:
    """Check and register a source; a secret is encrypted before it is stored."""
    if not _NAME.match(name):
        raise ConfigError(
            f"[C031] Source name {name!r}: use lower-case letters, digits, '-', '_' or '.' (e.g. enron-mail)."
        )
    if kind in FILE_KINDS:
        if "path" not in options:
            raise ConfigError(f"[C032] A {kind} source needs path=WHERE (the folder or file to read).")
        root = Path(options["path"]).expanduser().resolve()
        if not root.exists():
            raise ConfigError(f"[C033] {root} does not exist; give the path of the {kind} to read.")
        options = {**options, "path": str(root)}
    elif kind in LIVE_KINDS:
        if secret is None and "secret_env" not in options:
            raise ConfigError(
                f"[C034] A {kind} source needs its {'token' if kind == 'slack_api' else 'password'}: "
                "name the environment variable that holds it (secret_env=VAR), or give it with --secret."
            )
        root = mirror_path(settings, name)
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    else:
        known = ", ".join(FILE_KINDS + LIVE_KINDS)
        raise ConfigError(f"[C035] Unknown source kind {kind!r}; known kinds: {known}.")
    sealed = secrets.encrypt(secret, settings.secrets_key) if secret is not None else None
    with store.transaction():
        source_id = store.add_source(name, kind, root, options, sealed)
        store.audit("cli", "source.add", f"{name} ({kind})")
    return source_id


def sync_source(store: Store, settings: Settings, name: str, *, quiet: bool = False) -> SyncResult:
    """Fetch (live sources) and ingest what is new, changed or deleted."""
    row = _source(store, name)
    kind, root = str(row["kind"]), Path(row["root"])
    options = _options(row)
    source_id = int(row["id"])
    fetched, skipped, rate_limited = 0, [], 0
    try:
        if kind in LIVE_KINDS:
            from ingest.registry import get_connector

            connector = get_connector(kind)
            secret = _secret(row, settings, options)
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            with progress_bar(None, f"fetch {name}", quiet=quiet) as bar:
                report = connector.sync(  # type: ignore[attr-defined]
                    _connector_options(options), secret, root, progress=bar.update
                )
            fetched, skipped, rate_limited = report.fetched, list(report.skipped), report.rate_limited
            _record_fetch_problems(store, source_id, report)
        stats = ingest_source(store, source_id, kind, root, quiet=quiet, workers=settings.workers)
    except BackchannelError as exc:
        # The whole source failed (bad token, truncated zip): `backchannel failures` lists it too.
        with store.transaction():
            store.record_failure(source_id, "", "source", str(exc))
            store.set_sync_result(source_id, {"error": str(exc)})
        raise
    result = SyncResult(name, fetched, skipped, rate_limited, stats)
    with store.transaction():
        store.clear_failure(source_id, "", "source")
        store.set_sync_result(source_id, result.as_dict())
    return result


def remove_source(store: Store, settings: Settings, name: str) -> int:
    """Forget a source and the messages only it held; delete a live source's mirror."""
    row = _source(store, name)
    removed = store.remove_source(int(row["id"]))
    with store.transaction():
        store.audit("cli", "source.remove", f"{name}: {removed} messages")
    if row["kind"] in LIVE_KINDS:
        shutil.rmtree(Path(row["root"]), ignore_errors=True)
    return removed


def _source(store: Store, name: str) -> Any:
    row = store.source_by_name(name)
    if row is None:
        raise ConfigError(f"[C036] No source named {name!r}; `backchannel source list` shows them.")
    return row


def _options(row: Any) -> dict[str, str]:
    return dict(json.loads(row["options"] or "{}"))


def _record_fetch_problems(store: Store, source_id: int, report: Any) -> None:
    """What a live sync could not fetch, for `backchannel failures`.

    Skipped conversations and folders (``not_in_channel``) are as the latest
    sync found them; an item that will never be fetched (too large) stays
    listed, like any failed item.
    """
    with store.transaction():
        store.clear_failures(source_id, "fetch")
        for entry in report.skipped:
            where, _, why = entry.partition(": ")
            store.record_failure(source_id, where, "fetch", why or entry)
        for item in report.failed_items:
            store.record_failure(source_id, item.locator, "ingest", item.reason)


#: Options the pipeline reads itself; the connector never sees them.
_PIPELINE_OPTIONS = ("secret_env",)


def _connector_options(options: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in options.items() if k not in _PIPELINE_OPTIONS}


def _secret(row: Any, settings: Settings, options: dict[str, str]) -> str | None:
    if "secret_env" in options:
        return secrets.from_environment(options["secret_env"], source=str(row["name"]))
    if row["secret"]:
        return secrets.decrypt(str(row["secret"]), settings.secrets_key, source=str(row["name"]))
    return None
