"""The admin's privacy page: the keep-list (terms never redacted) and "why was this redacted?".

Admins only; forms carry the session's CSRF token. Keep-list changes are
stored and audited with the admin's address and apply to what is built next.
The explain form runs the build's detector on text the admin pastes and shows
each span with its recognizer, score and the policy's action; the pasted text
is shown back to that admin only and never stored or logged.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from backchannel.errors import BackchannelError
from backchannel.settings import Settings
from web import get_store
from web.auth import admins_only
from web.curation import knowledge_base

log = logging.getLogger(__name__)

bp = Blueprint("privacy", __name__, url_prefix="/admin/privacy")
bp.before_request(admins_only)

#: Longest text the explain form takes (the detector's cost grows with it).
EXPLAIN_MAX_CHARS = 20_000


@bp.route("/", methods=["GET", "POST"])
def index() -> str:
    from backchannel.pipeline.privacy_setup import keep_terms, make_detector
    from privacy.explain import explain
    from privacy.keep_terms import parse_terms

    settings, store = _settings(), get_store()
    text = request.form.get("text", "") if request.method == "POST" else ""
    rows = None
    if len(text) > EXPLAIN_MAX_CHARS:
        flash(f"Paste at most {EXPLAIN_MAX_CHARS:,} characters; the rest was left out.")
        text = text[:EXPLAIN_MAX_CHARS]
    if text.strip():
        with knowledge_base(settings) as kb:
            detector = make_detector(settings, store, kb)
            rows = explain(
                text,
                detector,
                settings.pii_policy,
                min_score=settings.pii_min_score,
                keep_terms=keep_terms(settings, store),
            )
    return render_template(
        "admin_privacy.html",
        setting_terms=parse_terms(settings.pii_keep_terms),
        stored_terms=store.keep_terms(),
        history=store.audit_entries("privacy.", limit=15),
        text=text,
        rows=rows,
        min_score=settings.pii_min_score,
    )


@bp.route("/keep", methods=["POST"])
def add_term() -> Response:
    term = request.form.get("term", "")
    try:
        added = get_store().add_keep_term(term, actor=str(g.user["email"]))
    except BackchannelError as exc:
        flash(str(exc))
    else:
        flash(f"{term.strip()!r} {'is now on' if added else 'was already on'} the keep-list. It applies to "
              "messages built from now on.")  # fmt: skip
    return redirect(url_for("privacy.index"))


@bp.route("/keep/remove", methods=["POST"])
def remove_term() -> Response:
    term = request.form.get("term", "")
    removed = get_store().remove_keep_term(term, actor=str(g.user["email"]))
    flash(f"{term!r} {'removed from' if removed else 'was not on'} the keep-list.")
    return redirect(url_for("privacy.index"))


def _settings() -> Settings:
    settings: Settings = current_app.config["BACKCHANNEL_SETTINGS"]
    return settings
