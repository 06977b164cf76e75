"""Admin pages: sources (add, sync, remove), what the knowledge base holds, what failed.

Admins only. Adding, syncing and removing a source call the same functions as
``backchannel source ...``; a sync runs in the request (fine for the sizes an
admin clicks for; cron runs ``backchannel sync --all`` for the rest).
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from backchannel.errors import BackchannelError
from backchannel.pipeline.sources import FILE_KINDS, LIVE_KINDS, add_source, remove_source, sync_source
from web import get_store
from web.auth import admins_only

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/admin")


bp.before_request(admins_only)


@bp.route("/")
def index() -> str:
    store = get_store()
    return render_template(
        "admin.html",
        stats=store.stats(),
        failures=store.failures(),
        sources=store.named_sources(),
        kinds=FILE_KINDS + LIVE_KINDS,
    )


@bp.route("/sources", methods=["POST"])
def add() -> Response:
    form = request.form
    name, kind = form.get("name", "").strip(), form.get("kind", "")
    options = {}
    for line in form.get("options", "").splitlines():
        key, sep, value = line.partition("=")
        if line.strip() and not sep:
            flash(f"Option {line.strip()!r} is not KEY=VALUE (e.g. path=/data/maildir).")
            return redirect(url_for("admin.index"))
        if key.strip():
            options[key.strip()] = value.strip()
    secret = form.get("secret") or None
    try:
        add_source(get_store(), _settings(), name, kind, options, secret)
    except BackchannelError as exc:
        flash(str(exc))
    else:
        flash(f"Source {name} ({kind}) added. Sync it to read its messages.")
    return redirect(url_for("admin.index"))


@bp.route("/sources/<name>/sync", methods=["POST"])
def sync(name: str) -> Response:
    try:
        result = sync_source(get_store(), _settings(), name, quiet=True)
    except BackchannelError as exc:
        flash(f"{name}: sync failed: {exc}")
    else:
        s = result.ingest
        flash(
            f"{name}: fetched {result.fetched}, new {s.new}, changed {s.changed}, deleted {s.deleted}, "
            f"failed {s.failed}. Run a build to scrub, link and index what is new."
        )
    return redirect(url_for("admin.index"))


@bp.route("/sources/<name>/remove", methods=["POST"])
def remove(name: str) -> Response:
    try:
        removed = remove_source(get_store(), _settings(), name)
    except BackchannelError as exc:
        flash(str(exc))
    else:
        flash(f"Source {name} removed with {removed} messages only it held.")
    return redirect(url_for("admin.index"))


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["BACKCHANNEL_SETTINGS"]
