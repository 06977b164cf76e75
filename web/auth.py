"""Sign-in, the per-request user and viewer, and CSRF protection of POST forms."""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from backchannel.records import Viewer
from web import get_store

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

#: Compared against when an email is unknown, so a failed sign-in takes as
#: long whether or not the account exists.
_DUMMY_HASH = "pbkdf2:sha256:600000$bc$" + "0" * 64


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def _check_csrf() -> None:
    if request.method != "POST":
        return
    expected = session.get("csrf")
    sent = request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(expected), sent):
        log.warning("rejected a POST to %s: bad or missing CSRF token", request.path)
        abort(400, description="Your form expired. Go back, reload the page and try again.")


def _load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is not None:
        user = get_store().user_by_id(int(user_id))
        if user is None:
            session.pop("user_id", None)
        else:
            g.user = user
    g.viewer = Viewer(person_id=g.user["person_id"]) if g.user is not None else Viewer()


def admins_only() -> Response | None:
    """A blueprint's ``before_request`` guard: sign in first, then admins only (403)."""
    if g.user is None:
        return redirect(url_for("auth.login", next=request.path))
    if not g.user["is_admin"]:
        abort(403)
    return None


def current_viewer() -> Viewer:
    """Whose eyes this request reads with: the signed-in user's person, or public only."""
    viewer: Viewer = g.viewer
    return viewer


def register(app: Flask) -> None:
    @app.before_request
    def _before() -> None:
        _check_csrf()
        # Static files need no database.
        if request.endpoint != "static":
            _load_user()

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["here"] = here


def here() -> str:
    """This page's path and query, for "sign in and come back here" links."""
    return request.full_path if request.query_string else request.path


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a user off to another host after sign-in."""
    if not target:
        return url_for("wiki.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("wiki.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> tuple[str, int] | Response:
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        password = request.form.get("password", "")
        user = get_store().user_by_email(email) if email else None
        ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password)
        if user is not None and ok:
            next_url = _safe_next(request.form.get("next"))
            session.clear()  # a fresh session: no fixation
            session["user_id"] = int(user["id"])
            csrf_token()
            log.info("user %s signed in", user["id"])
            return redirect(next_url)
        log.info("failed sign-in attempt")
        error = "That email and password don't match an account."
    page = render_template(
        "login.html", error=error, email=email, next=_safe_next(request.values.get("next"))
    )
    return page, (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    user = g.get("user")
    session.clear()
    if user is not None:
        log.info("user %s signed out", user["id"])
    flash("You are signed out.")
    return redirect(url_for("wiki.home"))
