"""Topic curation for admins: merge, hide, alias, and "which entity is this?" reviews.

Admins only; every form carries the session's CSRF token (``web/auth.py``
checks it). Decisions are recorded by the store (audited) and applied at
once; ``refresh_pages`` applies them again after every build, so they hold
for past and future mentions. The review page shows scrubbed text only, with
operator access: an admin curates every mention.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from backchannel.errors import BackchannelError
from backchannel.records import Viewer
from backchannel.settings import Settings
from backchannel.store import Store, entity_key
from web import get_store
from web.auth import admins_only

if TYPE_CHECKING:
    from nlp.kb import KnowledgeBase

log = logging.getLogger(__name__)

bp = Blueprint("curation", __name__, url_prefix="/admin/topics")

#: Characters of scrubbed text shown either side of a mention under review.
CONTEXT = 160
#: Knowledge-base candidates offered per mention.
CHOICES = 5


bp.before_request(admins_only)


@bp.before_app_request
def _merged_topic_redirect() -> Response | None:
    """A merged-away topic's page sends its readers to the topic it was merged into."""
    if request.endpoint != "wiki.topic" or not request.view_args:
        return None
    target = get_store().merge_target(str(request.view_args.get("entity_id", "")))
    return redirect(url_for("wiki.topic", entity_id=target)) if target else None


@bp.route("/")
def index() -> str:
    store = get_store()
    q, kind = request.args.get("q", "").strip()[:200], request.args.get("kind", "")
    return render_template(
        "admin_topics.html",
        q=q,
        kind=kind,
        topics=store.curation_topics(q, kind=kind if kind in ("local", "wikipedia") else ""),
        hidden=[t for t in store.curation_topics(limit=100_000) if t["hidden"]],
        rules=store.link_rules(),
        log_entries=store.audit_entries("topic."),
    )


@bp.route("/review")
def review() -> str:
    store, settings = get_store(), _settings()
    rows = store.review_queue(Viewer(everything=True), settings.link_threshold, settings.review_max_score)
    with knowledge_base(settings) as kb:
        items = [
            {
                "mention": r,
                "before": r["body"][max(0, r["start"] - CONTEXT) : r["start"]],
                "after": r["body"][r["end"] : r["end"] + CONTEXT],
                "choices": kb.candidates(r["text"], limit=CHOICES) if kb is not None else [],
            }
            for r in rows
        ]
    return render_template("admin_review.html", items=items)


@bp.route("/link", methods=["POST"])
def link() -> Response:
    """An answer to "which entity is this?": for one mention, or every mention written alike."""
    store, form = get_store(), request.form
    try:
        mention = store.mention(int(form.get("mention_id", "")))
    except ValueError:
        mention = None
    if mention is None:
        flash("That mention is gone (a build rewrote it). Pick another one.")
        return redirect(url_for("curation.review"))
    entity_id = _entity_or_flash(store, form.get("entity", "")) if form.get("entity") else None
    if form.get("entity") and entity_id is None:
        return redirect(url_for("curation.review"))
    with store.transaction():
        if form.get("scope") == "all":
            store.link_surface(mention["text"], entity_id, alias=False, actor=_actor())
        else:
            store.link_mention(int(mention["id"]), entity_id, actor=_actor())
        store.refresh_pages(_settings().min_topic_mentions)
    flash(f"Linked “{mention['text']}” to {entity_id or 'no topic'}.")
    return redirect(url_for("curation.review"))


@bp.route("/merge", methods=["POST"])
def merge() -> Response:
    """Merge topic B (``source``) into topic A (``target``)."""
    store = get_store()
    source = _entity_or_flash(store, request.form.get("source", ""), kb=False)
    target = _entity_or_flash(store, request.form.get("target", ""))
    if source and target:
        _act(store, lambda: store.merge_topics(source, target, _actor()), f"Merged {source} into {target}.")
    return redirect(url_for("curation.index"))


@bp.route("/alias", methods=["POST"])
def alias() -> Response:
    """A surface form that names an entity, in past messages and every later build."""
    from nlp.emerging import apply_aliases

    store = get_store()
    surface = request.form.get("surface", "").strip()[:200]
    target = _entity_or_flash(store, request.form.get("entity", ""))
    if target:

        def add() -> None:
            store.link_surface(surface, target, alias=True, actor=_actor())
            apply_aliases(store)

        _act(store, add, f"“{surface}” now names {target}.")
    return redirect(url_for("curation.index"))


@bp.route("/hide", methods=["POST"])
def hide() -> Response:
    return _set_hidden(True)


@bp.route("/unhide", methods=["POST"])
def unhide() -> Response:
    return _set_hidden(False)


def _set_hidden(hidden: bool) -> Response:
    store = get_store()
    entity_id = _entity_or_flash(store, request.form.get("entity", ""), kb=False)
    if entity_id:
        done = f"{entity_id} is {'hidden' if hidden else 'shown again'}."
        _act(store, lambda: store.hide_topic(entity_id, _actor(), hidden=hidden), done)
    return redirect(url_for("curation.index"))


def _act(store: Store, action: Callable[[], object], done: str) -> None:
    """Record a decision and refresh the pages in one transaction; a refusal is flashed."""
    try:
        with store.transaction():
            action()
            store.refresh_pages(_settings().min_topic_mentions)
    except BackchannelError as exc:
        flash(str(exc))
    else:
        flash(done)


def _entity_or_flash(store: Store, ref: str, *, kb: bool = True) -> str | None:
    """The entity id an admin typed or chose (a stored topic's id or title, else a KB entity)."""
    ref = ref.strip()[:300]
    if not kb or store.topic_ref(ref) is not None:
        found = store.resolve_topic(ref)
    else:
        with knowledge_base(_settings()) as knowledge:
            lookup = (lambda r: knowledge.entity(entity_key(r))) if knowledge is not None else None
            found = store.resolve_topic(ref, lookup)
    if found is None:
        flash(f"No topic or Wikipedia entity {ref!r}. Use an id or title from the topics list.")
    return found


@contextmanager
def knowledge_base(settings: Settings) -> Iterator[KnowledgeBase | None]:
    """The knowledge base for candidates, or None (with a flash) when it cannot be opened."""
    from nlp.kb import KnowledgeBase

    try:
        kb = KnowledgeBase.open(settings.kb_path, settings.data_dir / "kb")
    except BackchannelError as exc:
        flash(str(exc))
        yield None
        return
    try:
        yield kb
    finally:
        kb.close()


def _actor() -> str:
    return str(g.user["email"])


def _settings() -> Settings:
    settings: Settings = current_app.config["BACKCHANNEL_SETTINGS"]
    return settings
