"""Admin pages: what the knowledge base holds and what failed (admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web import get_store

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
def index() -> str | Response:
    if g.user is None:
        return redirect(url_for("auth.login", next=request.path))
    if not g.user["is_admin"]:
        abort(403)
    store = get_store()
    return render_template("admin.html", stats=store.stats(), failures=store.failures())
