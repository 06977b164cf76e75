"""The wiki's pages: home, search, threads, topics and people.

Every read goes through the store or search with the request's viewer, so a
private channel, DM or mail never reaches someone outside its access list.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from backchannel.errors import ConfigError
from backchannel.records import Mention, MessageView
from backchannel.search import result_json, thread_groups
from backchannel.search import search as run_search
from backchannel.store import entity_key
from web import get_store
from web.auth import current_viewer
from web.render import RenderedBody, excerpt, render_body

bp = Blueprint("wiki", __name__)

#: Each facet's heading on the search page (their order is backchannel.facets.FACETS).
FACET_TITLES = {
    "source": "Source",
    "container": "Channel or folder",
    "person": "From",
    "topic": "Topic",
    "year": "Year",
}
#: Big enough to count everything on the quick-stats card.
_ALL = 1_000_000


def _linker(messages: list[MessageView] | tuple[MessageView, ...]) -> Callable[[Mention], str | None]:
    """A ``link_for`` for these messages: mentions of topics that have a page the viewer can open."""
    keys = sorted({entity_key(m.entity) for msg in messages for m in msg.mentions if m.entity})
    linkable = {t.entity_id for t in get_store().top_topics_for(current_viewer(), keys)}

    def link_for(mention: Mention) -> str | None:
        if not mention.entity:
            return None
        key = entity_key(mention.entity)
        return url_for("wiki.topic", entity_id=key) if key in linkable else None

    return link_for


@bp.route("/")
def home() -> str:
    store, viewer = get_store(), current_viewer()
    threads = store.recent_threads(viewer, 12)
    topics = store.top_topics(viewer, 15)
    people = store.people_index(viewer, _ALL)
    stats = {
        "messages": sum(n for _, n in people),
        "people": len(people),
        "topics": len(store.top_topics(viewer, _ALL)),
    }
    return render_template("home.html", threads=threads, topics=topics, stats=stats, people=people[:8])


@bp.route("/search")
def search() -> str:
    q = request.args.get("q", "").strip()[:500]
    settings = current_app.config["BACKCHANNEL_SETTINGS"]
    result = run_search(get_store(), current_viewer(), q, limit=50, settings=settings) if q else None
    groups = thread_groups(result.hits) if result else []
    return render_template("search.html", q=q, result=result, groups=groups, facet_titles=FACET_TITLES)


@bp.route("/api/search")
def api_search() -> Response | tuple[Response, int]:
    """The search page as JSON (the shape of `backchannel search --json`), with the session's access."""
    q = request.args.get("q", "").strip()[:500]
    if not q:
        return jsonify(error="Give a query: /api/search?q=gas+prices (limit: 1-200, default 20)."), 400
    try:
        limit = min(max(int(request.args.get("limit", 20)), 1), 200)
    except ValueError:
        return jsonify(error="limit must be a whole number from 1 to 200."), 400
    settings = current_app.config["BACKCHANNEL_SETTINGS"]
    try:
        result = run_search(get_store(), current_viewer(), q, limit=limit, settings=settings)
    except ConfigError as exc:  # e.g. the Elasticsearch cluster cannot be reached: say so, in JSON
        return jsonify(error=str(exc)), 503
    return jsonify(result_json(result))


@bp.route("/thread/<thread_id>")
def thread(thread_id: str) -> str:
    found = get_store().thread(current_viewer(), thread_id)
    if found is None:
        # The same 404 for "does not exist" and "not yours": existence does not leak.
        abort(404)
    summary, messages = found
    link_for = _linker(messages)
    bodies: dict[str, RenderedBody] = {m.id: render_body(m.body, m.mentions, link_for) for m in messages}
    return render_template("thread.html", thread=summary, messages=messages, bodies=bodies)


@bp.route("/topics")
def topics() -> str:
    return render_template("topics.html", topics=get_store().top_topics(current_viewer(), 500))


@bp.route("/topic/<path:entity_id>")
def topic(entity_id: str) -> str:
    page = get_store().topic(current_viewer(), entity_id)
    if page is None:
        abort(404)
    excerpts = {m.id: excerpt(m.body, m.mentions, page.topic.title) for m in page.messages}
    return render_template("topic.html", page=page, excerpts=excerpts)


@bp.route("/people")
def people() -> str:
    return render_template("people.html", people=get_store().people_index(current_viewer(), 500))


@bp.route("/person/<int:person_id>")
def person(person_id: int) -> str:
    page = get_store().person(current_viewer(), person_id)
    if page is None:
        abort(404)
    excerpts = {m.id: excerpt(m.body) for m in page.messages}
    return render_template("person.html", page=page, excerpts=excerpts)
