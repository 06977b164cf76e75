"""The wiki web app: an app factory around the store and search.

Routes call store and search functions (never SQL) and always with the
signed-in user's :class:`~backchannel.records.Viewer`; see ``web/README.md``.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g

from backchannel.settings import Settings
from backchannel.store import Store

log = logging.getLogger(__name__)


def load_secret_key(settings: Settings) -> str:
    """settings.secret_key, or a random key generated once and kept in DATA_DIR/secret_key (0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
        # An empty file (a crash between create and write): replace it.
        path.unlink()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    log.info("generated a new session secret in %s", path)
    return key


def get_store() -> Store:
    """The request's store, opened on first use and closed at teardown."""
    if "store" not in g:
        from flask import current_app

        g.store = Store.open(current_app.config["BACKCHANNEL_SETTINGS"].database_path)
    store: Store = g.store
    return store


def _close_store(_exc: BaseException | None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def create_app(settings: Settings, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the wiki app for ``settings`` (``test_config`` overrides Flask config)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=load_secret_key(settings),
        BACKCHANNEL_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)

    app.teardown_appcontext(_close_store)

    from web import admin, auth, curation, errors, filters, privacy, wiki

    filters.register(app)
    auth.register(app)
    errors.register(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(wiki.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(curation.bp)
    app.register_blueprint(privacy.bp)
    return app
