"""Error pages (403, 404, 500, ...) in the site's layout."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from backchannel.errors import ConfigError

log = logging.getLogger(__name__)

_TEXT = {
    400: ("Something was off with that request", "Go back, reload the page and try again."),
    403: ("You can't open this page", "It is for admins only. Ask an admin if you need access."),
    404: (
        "We couldn't find that page",
        "It may not exist, or it may be in a channel, DM or mailbox you are not a member of.",
    ),
    405: ("That doesn't work here", "This address does not accept that kind of request."),
    500: ("Something went wrong on our side", "The error was logged. Try again in a moment."),
}


def register(app: Flask) -> None:
    @app.errorhandler(ConfigError)
    def _not_set_up(exc: ConfigError) -> tuple[str, int]:
        """A setting or a service the page needs is missing (e.g. the Elasticsearch cluster is down):
        say what is wrong and what to do, as the CLI does, instead of a bare 500."""
        log.error("configuration error: %s", exc)
        title = "This part of the wiki is not available right now"
        return render_template("error.html", code=503, title=title, text=str(exc)), 503

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        title, text = _TEXT.get(code, (exc.name, exc.description or ""))
        if code == 400 and exc.description and "form expired" in exc.description:
            text = exc.description
        return render_template("error.html", code=code, title=title, text=text), code

    @app.errorhandler(InternalServerError)
    def _server_error(exc: InternalServerError) -> tuple[str, int]:
        log.error("internal error: %s", type(getattr(exc, "original_exception", exc)).__name__)
        title, text = _TEXT[500]
        return render_template("error.html", code=500, title=title, text=text), 500
