"""The Eve application: settings that make Eve answer as CloudCasa does, bearer auth, hooks and routes."""

from __future__ import annotations

import functools
import hmac
import logging
from typing import Any

from eve import Eve
from eve.auth import TokenAuth
from flask import abort

from . import hooks, routes
from .domain import domain
from .store import DemoMongo, Store
from .validation import DemoValidator

API_PREFIX = "/api/v1"


def settings() -> dict[str, Any]:
    return {
        "DOMAIN": domain(),
        "URL_PREFIX": "api",
        "API_VERSION": "v1",
        "MONGO_DBNAME": "cloudcasa",
        # Eve bans $regex by default; CloudCasa clients filter with it.
        "MONGO_QUERY_BLACKLIST": ["$where"],
        "PAGINATION_DEFAULT": 25,
        # Eve silently clamps max_results to this.
        "PAGINATION_LIMIT": 1000,
        # POST, PUT and PATCH answer with the full stored document, as CloudCasa does.
        "BANDWIDTH_SAVER": False,
        # A PUT to a deleted document is a 404, not a silent re-create.
        "UPSERT_ON_PUT": False,
        "RENDERERS": ["eve.render.JSONRenderer"],
        "OPTIMIZE_PAGINATION_FOR_SPEED": False,
        "ALLOW_UNKNOWN": False,
    }


class BearerAuth(TokenAuth):
    """`Authorization: Bearer <token>`, compared in constant time; 401 with `WWW-Authenticate: Bearer`."""

    def __init__(self, token: str) -> None:
        self._token = token

    def check_auth(self, token: str, allowed_roles: list[str], resource: str | None, method: str) -> bool:
        return hmac.compare_digest(token.encode(), self._token.encode())

    def authenticate(self) -> Any:
        abort(
            401,
            description="Please provide proper credentials",
            www_authenticate=("WWW-Authenticate", "Bearer"),
        )


def create_app(store: Store, token: str, *, quiet: bool = True) -> Eve:
    app = Eve(
        settings=settings(),
        validator=DemoValidator,
        data=functools.partial(DemoMongo, store=store),
        auth=BearerAuth(token),
    )
    if quiet:
        # Under the TUI, anything written to stderr would land on the screen.
        app.logger.handlers.clear()
        app.logger.addHandler(logging.NullHandler())
        app.logger.propagate = False
    hooks.install(app)
    routes.install(app, store)
    return app
