"""`backchannel`: a click group whose subcommands mirror the pipeline.

Each command is a thin wrapper over an importable function. Our own errors
become one clear line (ClickException) here, at the edge, and nowhere else.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from backchannel.errors import BackchannelError
from backchannel.records import Viewer
from backchannel.settings import Settings, load_settings, setting_help
from backchannel.store import Store


class Context:
    def __init__(self, settings: Settings, quiet: bool) -> None:
        self.settings = settings
        self.quiet = quiet

    def store(self) -> Store:
        store = Store.open(self.settings.database_path)
        store.thread_window_s = self.settings.thread_window_days * 86400
        return store


pass_ctx = click.make_pass_decorator(Context)


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Backchannel errors into one line for the user instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BackchannelError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", type=click.Path(path_type=Path), help="TOML settings file (default: ./backchannel.toml)."
)
@click.option("--database", type=click.Path(path_type=Path), help="SQLite database (overrides the setting).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Folder for the database and caches.")
@click.option("--kb", "kb_path", type=click.Path(path_type=Path), help="Wikipedia knowledge base folder.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="backchannel")
@click.pass_context
def cli(
    ctx: click.Context,
    config: Path | None,
    database: Path | None,
    data_dir: Path | None,
    kb_path: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Backchannel: a knowledge base that writes itself out of Slack and email."""
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Presidio logs every recognizer it loads at INFO; only its problems matter here.
    logging.getLogger("presidio-analyzer").setLevel(max(logging.WARNING, logging.root.level))
    try:
        settings = load_settings(config).with_overrides(database=database, data_dir=data_dir, kb_path=kb_path)
    except BackchannelError as exc:
        raise click.ClickException(str(exc)) from exc
    ctx.obj = Context(settings, quiet)


# --- pipeline ------------------------------------------------------------------


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["maildir", "mbox", "eml", "slack_export"]),
    help="Source kind; detected from PATH when left out.",
)
@pass_ctx
@friendly_errors
def ingest(ctx: Context, path: Path, kind: str | None) -> None:
    """Read a maildir, mbox, .eml folder or Slack export (zip or folder)."""
    from backchannel.pipeline import ingest_path

    with ctx.store() as store:
        stats = ingest_path(store, path, kind=kind, quiet=ctx.quiet, workers=ctx.settings.workers)
    click.echo(
        f"{path}: read {stats.read}, new {stats.new}, duplicates {stats.duplicates}, "
        f"already ingested {stats.skipped}, failed {stats.failed}"
    )
    for reason, count in sorted(stats.failure_reasons.items()):
        click.echo(f"  failed: {count} x {reason} (see `backchannel failures`)")
    if stats.new:
        click.echo("Next: `backchannel build` scrubs, links and indexes the new messages.")


@cli.command()
@pass_ctx
@friendly_errors
def build(ctx: Context) -> None:
    """Scrub PII, link entities and index every message not built yet."""
    from backchannel.pipeline import build as run_build

    with ctx.store() as store:
        stats = run_build(store, ctx.settings, quiet=ctx.quiet)
    click.echo(f"built {stats.built} messages, {stats.failed} failed, {stats.pages} pages")
    if stats.built:
        click.echo("Next: `backchannel serve` shows the wiki.")


@cli.command()
@click.option("--full", is_flag=True, help="Drop every message vector and embed all messages again.")
@click.option(
    "--backend",
    type=click.Choice(["sqlite", "es", "elasticsearch"]),
    help="sqlite: embed missing vectors (the index lives in the database). es: also rebuild the "
    "Elasticsearch index and move its alias to it. Default: the search_backend setting.",
)
@pass_ctx
@friendly_errors
def reindex(ctx: Context, full: bool, backend: str | None) -> None:
    """Embed built messages that have no search vector yet; with --backend es, rebuild the
    Elasticsearch index from the database (which stays the system of record)."""
    from backchannel.vectors import index_vectors

    target = "elasticsearch" if backend == "es" else backend or ctx.settings.search_backend
    if target != "elasticsearch" and not ctx.settings.search_vectors:
        raise click.ClickException(
            "search_vectors is off: search is keyword only, there is nothing to embed."
        )
    with ctx.store() as store:
        if ctx.settings.search_vectors:
            if full:
                store.drop_vectors()
            click.echo(f"embedded {index_vectors(store, quiet=ctx.quiet)} messages")
        if target == "elasticsearch":
            from backchannel.elastic import rebuild_index

            stats = rebuild_index(store, ctx.settings, quiet=ctx.quiet)
            click.echo(
                f"indexed {stats.indexed} messages ({stats.with_vector} with vectors) into {stats.index}; "
                f"{stats.alias} now points at it"
                + (f" (replaced and deleted {', '.join(stats.replaced)})" if stats.replaced else "")
            )


@cli.command()
@click.option("--host", help="Address to listen on (setting: host).")
@click.option("--port", type=int, help="Port (setting: port).")
@pass_ctx
@friendly_errors
def serve(ctx: Context, host: str | None, port: int | None) -> None:
    """Serve the wiki (development server, for one team)."""
    from web import create_app

    settings = ctx.settings.with_overrides(host=host, port=port)
    app = create_app(settings)
    click.echo(f"Backchannel wiki at http://{settings.host}:{settings.port}/  (Ctrl+C stops it)")
    app.run(host=settings.host, port=settings.port, debug=False, use_reloader=False)


@cli.command()
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="week", show_default=True)
@click.option("--to", "to", help="Send the digest to this address (its owner's access applies).")
@click.option("--as", "as_", help="Render with this person's access when not sending (email or Slack id).")
@click.option("--smtp", help="SMTP server as HOST:PORT (setting: smtp_host, smtp_port).")
@click.option("--until", type=click.DateTime(), help="End of the period (default: now, UTC).")
@click.option("--html", "show_html", is_flag=True, help="Print the HTML version instead of the text one.")
@pass_ctx
@friendly_errors
def digest(
    ctx: Context,
    period: str,
    to: str | None,
    as_: str | None,
    smtp: str | None,
    until: datetime | None,
    show_html: bool,
) -> None:
    """Render a digest of the period; send it with --to, print it otherwise."""
    from backchannel.digest import build_digest, render_digest, send_digest, viewer_for_address

    until_utc = until.replace(tzinfo=UTC) if until is not None else None
    with ctx.store() as store:
        viewer = viewer_for_address(store, to or as_) if (to or as_) else Viewer()
        rendered = render_digest(build_digest(store, viewer, period=period, until=until_utc), ctx.settings)
    if not to:
        click.echo(rendered.html if show_html else rendered.text)
        return
    host, port = None, None
    if smtp:
        host, _, port_s = smtp.rpartition(":")
        if not host or not port_s.isdigit():
            raise click.BadParameter("use HOST:PORT, e.g. localhost:1025", param_hint="--smtp")
        port = int(port_s)
    send_digest(rendered, to, ctx.settings, host=host, port=port)
    click.echo(f"sent {period} digest to {to}")


# --- machine-readable commands ---------------------------------------------------


@cli.group()
def pii() -> None:
    """Personal-data detection."""


def _privacy(ctx: Context) -> tuple[Any, Any]:
    """The detector and keep-list the build would use: the KB, topics and terms of this database."""
    from backchannel.pipeline.privacy_setup import keep_terms, make_detector
    from nlp.kb import KnowledgeBase

    settings = ctx.settings
    kb = KnowledgeBase.open(settings.kb_path, settings.data_dir / "kb")
    store = ctx.store() if settings.database_path.exists() else None
    try:
        return make_detector(settings, store, kb), keep_terms(settings, store)
    finally:
        if store is not None:
            store.close()


@pii.command("detect")
@click.option("--all", "everything", is_flag=True, help="Also spans scored under pii_min_score.")
@pass_ctx
@friendly_errors
def pii_detect(ctx: Context, everything: bool) -> None:
    """JSON Lines {"id", "text"} on stdin -> {"id", "spans": [...]} on stdout.

    Each span has start, end, type, score and the build's action (redact, pseudonymize or keep).
    """
    from privacy import detect_pii_jsonl

    detector, terms = _privacy(ctx)
    min_score = 0.0 if everything else ctx.settings.pii_min_score
    for line in detect_pii_jsonl(
        sys.stdin, detector, min_score=min_score, policy=ctx.settings.pii_policy, keep_terms=terms
    ):
        click.echo(line)


@pii.command("explain")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per span.")
@pass_ctx
@friendly_errors
def pii_explain(ctx: Context, as_json: bool) -> None:
    """Text on stdin -> every span found, its recognizer and score, and what the policy does with it."""
    from privacy.explain import explain

    detector, terms = _privacy(ctx)
    text = sys.stdin.read()
    rows = explain(
        text, detector, ctx.settings.pii_policy, min_score=ctx.settings.pii_min_score, keep_terms=terms
    )
    if as_json:
        for row in rows:
            click.echo(json.dumps(row.as_json(), ensure_ascii=False))
        return
    if not rows:
        click.echo("no personal data found")
        return
    for r in rows:
        click.echo(
            f"{r.start:>5}-{r.end:<5} {r.type:<15} {r.score:>4.2f}  {r.action:<12} {r.text!r}\n"
            f"             by {r.recognizer}; {r.reason}"
        )


@pii.group("keep")
def pii_keep() -> None:
    """The keep-list: terms never redacted (codenames, product names)."""


@pii_keep.command("add")
@click.argument("term")
@click.option("--actor", help="Who asks (for the audit log; default: your login name).")
@pass_ctx
@friendly_errors
def pii_keep_add(ctx: Context, term: str, actor: str | None) -> None:
    """Never redact TERM in messages built from now on."""
    with ctx.store() as store:
        added = store.add_keep_term(term, actor=_who(actor))
    click.echo(f"keep-list: {term!r} {'added' if added else 'was already there'}")


@pii_keep.command("remove")
@click.argument("term")
@click.option("--actor", help="Who asks (for the audit log; default: your login name).")
@pass_ctx
@friendly_errors
def pii_keep_remove(ctx: Context, term: str, actor: str | None) -> None:
    """Take TERM off the keep-list."""
    with ctx.store() as store:
        removed = store.remove_keep_term(term, actor=_who(actor))
    click.echo(f"keep-list: {term!r} {'removed' if removed else 'was not on it'}")


@pii_keep.command("list")
@pass_ctx
@friendly_errors
def pii_keep_list(ctx: Context) -> None:
    """Terms on the keep-list (the setting's and the stored ones)."""
    from privacy.keep_terms import parse_terms

    for term in parse_terms(ctx.settings.pii_keep_terms):
        click.echo(f"{term}\t(setting pii_keep_terms)")
    with ctx.store() as store:
        for row in store.keep_terms():
            click.echo(f"{row['term']}\t(added by {row['actor']} {row['created_at']})")


@cli.command()
@pass_ctx
@friendly_errors
def link(ctx: Context) -> None:
    """JSON Lines {"id", "text", ["mentions"]} on stdin -> linked mentions on stdout."""
    from nlp.kb import KnowledgeBase
    from nlp.linker import link_jsonl, make_linker

    kb = KnowledgeBase.open(ctx.settings.kb_path, ctx.settings.data_dir / "kb")
    linker = make_linker(kb, ctx.settings.link_threshold, semantic=ctx.settings.link_semantic)
    for line in link_jsonl(sys.stdin, linker):
        click.echo(line)


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", default=20, show_default=True, help="Most hits to return.")
@click.option("--as", "as_", help="Search with this person's access (email address or Slack user id).")
@click.option(
    "--all", "everything", is_flag=True, help="Operator access: every message, ignoring access lists."
)
@pass_ctx
@friendly_errors
def search(ctx: Context, query: str, as_json: bool, limit: int, as_: str | None, everything: bool) -> None:
    """Search the knowledge base. Without --as or --all only public channels are searched."""
    from backchannel.search import result_json
    from backchannel.search import search as run_search

    with ctx.store() as store:
        viewer = _viewer(store, as_, everything)
        result = run_search(store, viewer, query, limit=limit, settings=ctx.settings)
    if as_json:
        click.echo(json.dumps(result_json(result), indent=2))
        return
    if result.message:
        click.echo(result.message)
    for problem in result.problems:
        click.echo(f"Note: {problem}")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    if result.total:
        more = "more than " if result.more else ""
        plural = "s" if result.total != 1 or result.more else ""
        click.echo(f"{more}{result.total} matching message{plural}; the best {len(result.hits)}:")
    if result.relaxed:
        click.echo("No message has every word; these match some of them.")
    for h in result.hits:
        snippet = html.unescape(h.snippet.replace("<mark>", "[").replace("</mark>", "]"))
        click.echo(f"{h.timestamp:%Y-%m-%d} {h.container} {h.author_name}: {h.subject}\n    {snippet}")
        if h.citation is not None:
            click.echo(f"    [{h.citation.native_id}] {h.citation.source} {h.citation.locator}")
    if not result.hits and not result.message:
        click.echo("No results.")


def _viewer(store: Store, as_: str | None, everything: bool) -> Viewer:
    if everything:
        return Viewer(everything=True)
    if not as_:
        return Viewer()
    key = as_ if "@" in as_ else f"slack:{as_.removeprefix('slack:')}"
    person = store.person_by_key(key)
    if person is None:
        raise click.ClickException(f"No person is known as {as_!r}. Use an email address or a Slack user id.")
    return Viewer(person_id=person)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
@friendly_errors
def stats(ctx: Context, as_json: bool) -> None:
    """Counts of messages, threads, people, entities, mentions, pages, failures."""
    with ctx.store() as store:
        counts = store.stats()
    if as_json:
        click.echo(json.dumps(counts, indent=2))
    else:
        for k, v in counts.items():
            click.echo(f"{k:>18}  {v}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
@friendly_errors
def failures(ctx: Context, as_json: bool) -> None:
    """Items that could not be read or built, with the reason."""
    with ctx.store() as store:
        rows = [dict(r) for r in store.failures()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No failures.")
    for r in rows:
        where = f"source {r['name']}" if r["name"] else f"{r['kind']} {r['root']}"
        item = f" :: {r['locator']}" if r["locator"] else " (the whole source)"
        click.echo(f"[{r['stage']}] {where}{item}\n    {r['reason']} (x{r['attempts']})")


# --- administration ----------------------------------------------------------------


@cli.group()
def source() -> None:
    """Sources by name: add one, list them, sync one or all, remove one."""


@source.command("add")
@click.argument("name")
@click.argument("kind", type=click.Choice(["maildir", "mbox", "eml", "slack_export", "slack_api", "imap"]))
@click.argument("options", nargs=-1)
@click.option(
    "--secret", "ask_secret", is_flag=True, help="Ask for the token/password and store it encrypted."
)
@click.option(
    "--secret-stdin", is_flag=True, help="Read the token/password from stdin and store it encrypted."
)
@pass_ctx
@friendly_errors
def source_add(
    ctx: Context, name: str, kind: str, options: tuple[str, ...], ask_secret: bool, secret_stdin: bool
) -> None:
    """Add a source: NAME KIND KEY=VALUE...

    \b
    backchannel source add enron maildir path=/data/maildir
    backchannel source add eng slack_api secret_env=SLACK_TOKEN
    backchannel source add ann imap host=mail.example.com username=ann@example.com folders=INBOX --secret
    """
    from backchannel.pipeline.sources import add_source, parse_options

    secret = None
    if secret_stdin:
        secret = sys.stdin.readline().strip()
    elif ask_secret:
        secret = click.prompt("Token or password", hide_input=True)
    with ctx.store() as store:
        add_source(store, ctx.settings, name, kind, parse_options(options), secret)
    click.echo(f"source {name} ({kind}) added. Next: `backchannel source sync {name}`.")


@source.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
@friendly_errors
def source_list(ctx: Context, as_json: bool) -> None:
    """Every named source with its last sync (secrets are never shown)."""
    with ctx.store() as store:
        rows = store.named_sources()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No sources yet. Add one with `backchannel source add NAME KIND KEY=VALUE...`.")
    for r in rows:
        options = " ".join(f"{k}={v}" for k, v in sorted(r["options"].items()))
        secret = " [secret stored encrypted]" if r["has_secret"] else ""
        click.echo(f"{r['name']:<16} {r['kind']:<12} {options}{secret}")
        click.echo(
            f"{'':<16} {r['messages']} messages, {r['failures']} failures, "
            f"last sync {r['last_sync'] or 'never'}"
        )


@source.command("sync")
@click.argument("name")
@click.option("--build", "then_build", is_flag=True, help="Build (scrub, link, index) what came in.")
@pass_ctx
@friendly_errors
def source_sync(ctx: Context, name: str, then_build: bool) -> None:
    """Fetch and ingest what is new, changed or deleted in one source."""
    _sync(ctx, [name], then_build)


@source.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
@friendly_errors
def source_remove(ctx: Context, name: str, yes: bool) -> None:
    """Forget a source and every message only it held (a live source's mirror too)."""
    from backchannel.pipeline.sources import remove_source

    if not yes:
        click.confirm(f"Remove source {name} and the messages only it holds?", abort=True)
    with ctx.store() as store:
        removed = remove_source(store, ctx.settings, name)
    click.echo(f"source {name} removed with {removed} messages")


@source.command("new-key")
def source_new_key() -> None:
    """Print a new key for BACKCHANNEL_SECRETS_KEY (encrypts stored tokens and passwords)."""
    from backchannel.secrets import new_key

    click.echo(new_key())


@cli.command("sync")
@click.argument("names", nargs=-1)
@click.option("--all", "sync_all", is_flag=True, help="Every named source (for cron).")
@click.option("--build", "then_build", is_flag=True, help="Build (scrub, link, index) what came in.")
@pass_ctx
@friendly_errors
def sync_command(ctx: Context, names: tuple[str, ...], sync_all: bool, then_build: bool) -> None:
    """Sync the named sources, or all of them with --all; exits 1 if any failed."""
    if sync_all:
        with ctx.store() as store:
            names = tuple(r["name"] for r in store.named_sources())
    if not names:
        raise click.UsageError("name sources to sync, or use --all")
    _sync(ctx, list(names), then_build)


def _sync(ctx: Context, names: list[str], then_build: bool) -> None:
    """Sync each source; one that fails is reported and the others still run."""
    from backchannel.pipeline.sources import sync_source

    failed = []
    with ctx.store() as store:
        for name in names:
            try:
                result = sync_source(store, ctx.settings, name, quiet=ctx.quiet)
            except BackchannelError as exc:
                click.echo(f"{name}: FAILED: {exc}", err=True)
                failed.append(name)
                continue
            s = result.ingest
            click.echo(
                f"{name}: fetched {result.fetched}, new {s.new}, changed {s.changed}, duplicates "
                f"{s.duplicates}, deleted {s.deleted}, unchanged {s.skipped}, failed {s.failed}"
            )
            for reason, count in sorted(s.failure_reasons.items()):
                click.echo(f"  failed: {count} x {reason} (see `backchannel failures`)")
            for item in result.skipped:
                click.echo(f"  skipped: {item}")
        if then_build and len(failed) < len(names):
            from backchannel.pipeline import build as run_build

            stats = run_build(store, ctx.settings, quiet=ctx.quiet)
            click.echo(f"built {stats.built} messages, {stats.failed} failed, {stats.pages} pages")
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(names)} sources failed: {', '.join(failed)}")


@cli.group()
def user() -> None:
    """Web users. A user sees what the person with the same email address may see."""


@user.command("add")
@click.argument("email")
@click.option("--admin", is_flag=True, help="May open the admin pages.")
@click.password_option(help="Password (asked for when left out).")
@pass_ctx
@friendly_errors
def user_add(ctx: Context, email: str, admin: bool, password: str) -> None:
    """Create a user (or reset their password)."""
    from werkzeug.security import generate_password_hash

    if "@" not in email:
        raise click.BadParameter("give an email address", param_hint="EMAIL")
    with ctx.store() as store:
        store.add_user(email, generate_password_hash(password), is_admin=admin)
    click.echo(f"user {email} ready{' (admin)' if admin else ''}")


@cli.command("settings")
@pass_ctx
def show_settings(ctx: Context) -> None:
    """Every setting with its current value and what it does."""
    for name, help_text in setting_help().items():
        value = getattr(ctx.settings, name)
        if name in ("smtp_password", "secret_key", "secrets_key", "pseudonym_key", "vault_key") and value:
            value = "(set)"
        click.echo(f"{name} = {value}\n    {help_text}  [env BACKCHANNEL_{name.upper()}]")


@cli.group()
def vault() -> None:
    """The encrypted real values behind surrogates such as <PERSON_17> (when the vault is on)."""


@vault.command("reveal")
@click.argument("surrogate")
@click.option("--reason", required=True, help="Why you re-identify it (written to the audit log).")
@click.option("--actor", default=None, help="Who asks (default: your login name).")
@pass_ctx
@friendly_errors
def vault_reveal(ctx: Context, surrogate: str, reason: str, actor: str | None) -> None:
    """Print the real value behind SURROGATE; every request is audited (never the value)."""
    import getpass

    from privacy.vault import reveal

    with ctx.store() as store:
        value = reveal(
            store, surrogate, ctx.settings.vault_key, actor=actor or getpass.getuser(), reason=reason
        )
    click.echo(value)


@vault.command("new-key")
def vault_new_key() -> None:
    """Print a new key for BACKCHANNEL_VAULT_KEY."""
    from privacy.vault import new_key

    click.echo(new_key())


@cli.group()
def kb() -> None:
    """The Wikipedia knowledge base."""


@kb.command("build")
@pass_ctx
@friendly_errors
def kb_build(ctx: Context) -> None:
    """Build (once) the fast lookup file from the knowledge base in the kb_path setting."""
    import time

    from nlp.kb import KnowledgeBase

    t0 = time.perf_counter()
    KnowledgeBase.open(ctx.settings.kb_path, ctx.settings.data_dir / "kb")
    click.echo(f"knowledge base ready ({time.perf_counter() - t0:.1f} s) from {ctx.settings.kb_path}")


@kb.command("import")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the knowledge base files (then use it with --kb or the kb_path setting).",
)
@click.option("--limit", type=int, help="Stop after this many pages (to try a slice).")
@pass_ctx
@friendly_errors
def kb_import(ctx: Context, dump: Path, out: Path, limit: int | None) -> None:
    """Build a knowledge base from a Wikipedia pages-articles dump (XML, .bz2 or .gz, streamed)."""
    from backchannel.progress import progress_bar
    from nlp.kb_import import import_dump

    with progress_bar(dump.stat().st_size, "kb import", quiet=ctx.quiet, unit="B") as bar:
        bar.unit_scale = True

        def advance(done: int) -> None:
            bar.update(done - bar.n)

        stats = import_dump(dump, out, limit=limit, on_page=advance)
    click.echo(
        f"{stats.pages:,} pages: {stats.entities:,} entities, {stats.aliases:,} aliases "
        f"({stats.redirects:,} redirects, {stats.disambiguations:,} disambiguation pages, "
        f"{stats.links:,} links) in {sum(stats.seconds.values()):.0f} s -> {out}\n"
        f"Use it with: backchannel --kb {out} build"
    )


@cli.group()
def topics() -> None:
    """Curate topics: merge, hide, alias, correct links. Audited; kept across rebuilds."""


def _curate(ctx: Context, action: Callable[[Store], str]) -> None:
    """Run one curation decision and refresh the pages, all or nothing; print what it did."""
    with ctx.store() as store, store.transaction():
        done = action(store)
        store.refresh_pages(ctx.settings.min_topic_mentions)
    click.echo(done)


def _topic(store: Store, settings: Settings, ref: str) -> str:
    """A topic id from an id or title: a stored topic, else a knowledge-base entity."""
    found = store.resolve_topic(ref)
    if found is None:
        from backchannel.store import entity_key
        from nlp.kb import KnowledgeBase

        kb = KnowledgeBase.open(settings.kb_path, settings.data_dir / "kb")
        try:
            found = store.resolve_topic(ref, lambda r: kb.entity(entity_key(r)))
        finally:
            kb.close()
    if found is None:
        raise click.BadParameter(f"no topic or Wikipedia entity {ref!r}", param_hint="TOPIC")
    return found


_actor_option = click.option("--actor", default=None, help="Who decides (default: your login name).")


def _who(actor: str | None) -> str:
    import getpass

    return actor or getpass.getuser()


@topics.command("list")
@click.option(
    "--kind", type=click.Choice(["local", "wikipedia"]), help="Only local (emerging) or Wikipedia topics."
)
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines.")
@pass_ctx
def topics_list(ctx: Context, kind: str | None, limit: int, as_json: bool) -> None:
    """Topics by mentions, with their state (page, hidden, merged)."""
    with ctx.store() as store:
        rows = [dict(r) for r in store.curation_topics(kind=kind or "", limit=limit)]
    for r in rows:
        if as_json:
            click.echo(json.dumps(r))
        else:
            state = "hidden" if r["hidden"] else f"-> {r['merged_into']}" if r["merged_into"] else ""
            click.echo(f"{r['n']:>7}  {r['kind']:<9}  {r['id']}  {r['title']}  {state}".rstrip())


@topics.command("merge")
@click.argument("source")
@click.argument("target")
@_actor_option
@pass_ctx
@friendly_errors
def topics_merge(ctx: Context, source: str, target: str, actor: str | None) -> None:
    """Merge topic SOURCE into TARGET: its mentions count for TARGET, its page redirects there."""

    def merge(store: Store) -> str:
        into = store.merge_topics(
            _topic(store, ctx.settings, source), _topic(store, ctx.settings, target), _who(actor)
        )
        return f"merged {source} into {into}"

    _curate(ctx, merge)


@topics.command("alias")
@click.argument("surface")
@click.argument("topic")
@_actor_option
@pass_ctx
@friendly_errors
def topics_alias(ctx: Context, surface: str, topic: str, actor: str | None) -> None:
    """SURFACE (words people write) names TOPIC, in past messages and later builds."""
    from nlp.emerging import apply_aliases

    def alias(store: Store) -> str:
        store.link_surface(surface, _topic(store, ctx.settings, topic), alias=True, actor=_who(actor))
        return f"{surface!r} names {topic}; {apply_aliases(store)} new mentions found"

    _curate(ctx, alias)


@topics.command("link")
@click.argument("mention_id", type=int)
@click.argument("topic", required=False)
@click.option("--all", "every", is_flag=True, help="Every mention written like this one.")
@_actor_option
@pass_ctx
@friendly_errors
def topics_link(ctx: Context, mention_id: int, topic: str | None, every: bool, actor: str | None) -> None:
    """Link mention MENTION_ID to TOPIC (left out: it names no topic)."""

    def link(store: Store) -> str:
        entity = _topic(store, ctx.settings, topic) if topic else None
        if every:
            mention = store.mention(mention_id)
            if mention is None:
                raise click.BadParameter(f"no mention {mention_id}", param_hint="MENTION_ID")
            store.link_surface(mention["text"], entity, alias=False, actor=_who(actor))
        else:
            store.link_mention(mention_id, entity, _who(actor))
        return f"mention {mention_id}{' and its like' if every else ''} -> {entity or 'no topic'}"

    _curate(ctx, link)


@topics.command("hide")
@click.argument("topic")
@click.option("--undo", is_flag=True, help="Show the topic again.")
@_actor_option
@pass_ctx
@friendly_errors
def topics_hide(ctx: Context, topic: str, undo: bool, actor: str | None) -> None:
    """Hide TOPIC: no page, not among related topics, people's topics or digests."""

    def hide(store: Store) -> str:
        entity = _topic(store, ctx.settings, topic)
        store.hide_topic(entity, _who(actor), hidden=not undo)
        return f"{entity} {'shown again' if undo else 'hidden'}"

    _curate(ctx, hide)


def main() -> None:
    cli(prog_name="backchannel")
