"""One settings object, built once and passed down.

Layers, later ones win: defaults, an optional TOML file
(``backchannel.toml`` in the working directory, or ``--config``),
``BACKCHANNEL_``-prefixed environment variables, then CLI flags.
Every setting has help text; ``tests/test_settings.py`` fails when the README
does not document one.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from backchannel.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_PII_POLICY: dict[str, str] = {
    # Presidio type -> "keep", "redact" (<TYPE>) or "pseudonymize" (<TYPE_n>, the same n
    # for the same value everywhere). Types not listed are redacted (fail closed).
    "PERSON": "pseudonymize",  # outsiders only: workspace members keep their names
    "EMAIL_ADDRESS": "pseudonymize",
    "PHONE_NUMBER": "redact",
    "US_SSN": "redact",
    "CREDIT_CARD": "redact",
    "IBAN_CODE": "redact",
    "IP_ADDRESS": "redact",
    "US_BANK_NUMBER": "redact",
    "US_DRIVER_LICENSE": "redact",
    "US_PASSPORT": "redact",
    "US_ITIN": "redact",
    "CRYPTO": "redact",
    "CREDENTIAL": "redact",  # passwords, API tokens and keys (privacy/recognizers)
    "STREET_ADDRESS": "redact",
    "TRACKING_NUMBER": "redact",
    "ACCOUNT_ID": "redact",
    "DATE_OF_BIRTH": "redact",
    "LOCATION": "keep",
    "DATE_TIME": "keep",
    "URL": "keep",
    "NRP": "keep",
}


def _setting(default: Any, help: str) -> Any:
    factory = (lambda: dict(default)) if isinstance(default, dict) else None
    if factory:
        return field(default_factory=factory, metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(
        Path("var"), "Folder for the SQLite knowledge base and caches (created if missing)."
    )
    database: Path = _setting(Path(""), "SQLite database file. Empty means DATA_DIR/backchannel.sqlite.")
    kb_path: Path = _setting(
        PROJECT_ROOT / "fixtures" / "wikipedia",
        "Folder with the Wikipedia knowledge base (aliases.tsv.gz, entities.jsonl.gz). "
        "Point it at ../shared/wikipedia for the full one.",
    )
    store_raw_text: bool = _setting(
        False, "Keep unscrubbed message text in the store (admin opt-in; off by default)."
    )
    pii_policy: dict[str, str] = _setting(
        DEFAULT_PII_POLICY, "Per Presidio entity type: keep, redact or pseudonymize."
    )
    pii_min_score: float = _setting(0.4, "Presidio confidence below which a span is ignored.")
    pii_keep_terms: str = _setting(
        "",
        "Comma-separated terms never redacted (codenames, product names: 'Zebrafinch, Project Bluebird'), "
        "added to those admins keep on the admin page. Applies to messages built after it changes.",
    )
    scrub_member_names: bool = _setting(
        False, "Also redact the names of known workspace members (authors and recipients)."
    )
    org_domains: str = _setting(
        "",
        "Comma-separated email domains of the organisation: their people are members and keep "
        "their names in text. Empty: the domains of Slack members and the domain most mail is from.",
    )
    pseudonym_key: str = _setting(
        "",
        "Key of the keyed hash that gives each real value its stable surrogate number; environment "
        "only. Empty: one is generated once and kept in DATA_DIR/pseudonym_key.",
    )
    vault: bool = _setting(
        False, "Keep the real value behind each surrogate, encrypted, for re-identification by an admin."
    )
    vault_key: str = _setting(
        "", "Key that encrypts the vault; environment only. `backchannel vault new-key` makes one."
    )
    topic_greylist: str = _setting(
        "",
        "Comma-separated topics (entity titles or terms) kept in messages but never surfaced as topics, "
        "added to the built-in sensitive list (health, religion, sexuality, ...).",
    )
    topic_blocklist: str = _setting(
        "", "Comma-separated topics never linked, stored as topics, suggested or shown."
    )
    topic_allowlist: str = _setting(
        "", "Comma-separated topics taken off the built-in sensitive list (e.g. Cancer at an oncology firm)."
    )
    link_threshold: float = _setting(
        0.3, "Entity-link confidence below which a mention is left unlinked (NIL)."
    )
    link_semantic: bool = _setting(
        True,
        "Let the MiniLM model compare a mention's context with its candidates' descriptions where the "
        "cheaper signals leave it close ('Jaguar' the car or the cat). More accurate, a little slower.",
    )
    search_vectors: bool = _setting(
        True,
        "Embed each built message (subject + what its author wrote) with MiniLM and fuse vector "
        "similarity with BM25 in search. Off: keyword search only, and builds skip the embedding step.",
    )
    search_backend: str = _setting(
        "sqlite",
        "Where search runs: `sqlite` (the embedded default: FTS5 BM25 + MiniLM vectors in the database) "
        "or `elasticsearch` (a cluster at elasticsearch_url, filled by `backchannel reindex --backend es`).",
    )
    elasticsearch_url: str = _setting(
        "http://localhost:9200",
        "The Elasticsearch cluster used when search_backend is elasticsearch; "
        "https://USER:PASSWORD@HOST:9200 for a secured one.",
    )
    elasticsearch_index: str = _setting(
        "backchannel-messages",
        "Alias the Elasticsearch backend searches; each rebuild fills a new index behind it and swaps.",
    )
    thread_window_days: int = _setting(
        14, "A mail with no threading headers joins a same-subject thread only within this many days."
    )
    secrets_key: str = _setting(
        "",
        "Key that encrypts source secrets (tokens, passwords) in the database; set it through the "
        "environment only. `backchannel source new-key` makes one.",
    )
    min_topic_mentions: int = _setting(2, "Mentions an entity needs before it gets a topic page.")
    emerging_topics: bool = _setting(
        True,
        "Turn phrases many people use that match no Wikipedia entity into local topics at each build.",
    )
    emerging_min_authors: int = _setting(
        3, "Distinct authors a phrase needs before it becomes a local (emerging) topic."
    )
    emerging_min_threads: int = _setting(
        3, "Distinct threads a phrase needs before it becomes a local (emerging) topic."
    )
    review_max_score: float = _setting(
        0.5,
        "Links scored from link_threshold up to this are offered for review on /admin/topics/review.",
    )
    workers: int = _setting(2, "Processes used by the NLP stage.")
    host: str = _setting("127.0.0.1", "Address the web app listens on.")
    port: int = _setting(8000, "Port the web app listens on.")
    secret_key: str = _setting("", "Flask session secret. Empty means one is generated and kept in DATA_DIR.")
    smtp_host: str = _setting("localhost", "SMTP server that sends digests.")
    smtp_port: int = _setting(25, "SMTP port.")
    smtp_sender: str = _setting("backchannel@localhost", "From address of digests.")
    smtp_starttls: bool = _setting(False, "Use STARTTLS when sending digests.")
    smtp_user: str = _setting("", "SMTP user name (password from BACKCHANNEL_SMTP_PASSWORD).")
    smtp_password: str = _setting("", "SMTP password; set it through the environment only.")
    base_url: str = _setting(
        "http://127.0.0.1:8000", "Public address of the web app, used for links in digests."
    )

    @property
    def database_path(self) -> Path:
        return self.database if str(self.database) not in ("", ".") else self.data_dir / "backchannel.sqlite"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some settings replaced (values of None are ignored)."""
        clean = {k: _coerce(k, v) for k, v in overrides.items() if v is not None}
        return replace(self, **clean)


def setting_help() -> dict[str, str]:
    """Every setting's name and help text (for docs and ``backchannel settings``)."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}


_TYPES = {f.name: f.type for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    if name not in _TYPES:
        raise ConfigError(f"[C001] Unknown setting {name!r}. Known settings: {', '.join(sorted(_TYPES))}.")
    kind = _TYPES[name]
    try:
        if kind == "Path":
            return Path(value)
        if kind == "bool":
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off", ""):
                    return False
                raise ValueError(value)
            return bool(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "dict[str, str]":
            if isinstance(value, str):
                # BACKCHANNEL_PII_POLICY="PERSON=keep,URL=redact" updates the default.
                pairs = [p.split("=", 1) for p in value.split(",") if p.strip()]
                merged = dict(DEFAULT_PII_POLICY)
                merged.update({k.strip().upper(): v.strip().lower() for k, v in pairs})
                value = merged
            policy = {str(k).upper(): str(v).lower() for k, v in dict(value).items()}
            bad = {k: v for k, v in policy.items() if v not in ("redact", "keep", "pseudonymize")}
            if bad:
                raise ValueError(f"actions must be keep, redact or pseudonymize, got {bad}")
            return policy
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[C002] Setting {name} has an invalid value {value!r}: {exc}.") from exc


def load_settings(config_file: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file, then ``BACKCHANNEL_*`` environment variables."""
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {}
    path = config_file or (Path(env["BACKCHANNEL_CONFIG"]) if env.get("BACKCHANNEL_CONFIG") else None)
    if path is None and Path("backchannel.toml").is_file():
        path = Path("backchannel.toml")
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"[C003] Config file {path} does not exist. Create it or drop --config.")
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"[C004] Config file {path} is not valid TOML: {exc}.") from exc
    for name in _TYPES:
        key = "BACKCHANNEL_" + name.upper()
        if key in env:
            values[name] = env[key]
    return Settings().with_overrides(**values)
