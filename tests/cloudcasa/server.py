"""A second test server, shaped like CloudCasa's published OpenAPI document rather than like casatui's demo server.

The real Eve framework on the demo's in-memory store, on a loopback ephemeral port:

- 70+ collections, each with the Cerberus schema derived from the document (`domain.py`), and data generated from
  those schemas (`seed.py`);
- Eve at `/v1/<collection>` (URL_PREFIX "", API_VERSION "v1"), so `_links` say `/v1/...` as CloudCasa's do; the
  document at `GET /api-docs`, its `servers[0].url` this server's base URL, without `/api`;
- the same application also behind an `/api` prefix (`/api/v1/<collection>`), as CloudCasa's SaaS front serves it
  (https://api.cloudcasa.io/api/v1): that is `proxied_root`, and what casatui's client makes of `base_url`.

    with CloudCasaLikeServer() as server:
        httpx.get(server.api_root + "/jobs", headers={"Authorization": f"Bearer {server.token}"})
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from eve import Eve

from casatui.demo.app import BearerAuth
from casatui.demo.server import LoopbackServer
from casatui.demo.store import DemoMongo, Store

from . import actions
from .domain import domain_of
from .seed import seed
from .spec import cloudcasa_like_spec

FRONT_PREFIX = "/api"


def settings(domain: dict[str, Any]) -> dict[str, Any]:
    return {
        "DOMAIN": domain,
        "URL_PREFIX": "",
        "API_VERSION": "v1",
        "MONGO_DBNAME": "cloudcasa",
        "MONGO_QUERY_BLACKLIST": ["$where"],  # clients filter with $regex
        "PAGINATION_DEFAULT": 25,
        "PAGINATION_LIMIT": 1000,
        "BANDWIDTH_SAVER": False,  # writes answer with the whole document, as CloudCasa's do
        "UPSERT_ON_PUT": False,
        "RENDERERS": ["eve.render.JSONRenderer"],
        "OPTIMIZE_PAGINATION_FOR_SPEED": False,
        "ALLOW_UNKNOWN": False,
    }


class _Front:
    """Serves the application under `/api` too, as a reverse proxy that strips the prefix would."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == f"{FRONT_PREFIX}/v1" or path.startswith(f"{FRONT_PREFIX}/v1/"):
            environ = {**environ, "PATH_INFO": path[len(FRONT_PREFIX) :]}
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + FRONT_PREFIX
        return self._app(environ, start_response)


def create_app(store: Store, token: str, document: dict[str, Any]) -> Eve:
    app = Eve(
        settings=settings(domain_of(document)),
        data=functools.partial(DemoMongo, store=store),
        auth=BearerAuth(token),
    )
    app.logger.handlers.clear()
    app.logger.addHandler(logging.NullHandler())
    app.logger.propagate = False
    actions.install(app, store, document)
    return app


_Self = TypeVar("_Self", bound="CloudCasaLikeServer")


class CloudCasaLikeServer(LoopbackServer):
    """See the module docstring. `started_in` is how long construction and start took, in seconds."""

    POLL_INTERVAL = 0.05  # stopping waits for one poll, and the function-scoped fixture stops a server per test
    THREAD_NAME = "cloudcasa-like"

    def __init__(
        self,
        *,
        token: str | None = None,
        seed_value: int = 7,
        jobs: int = 60,
        now: int | None = None,
        padding: int = 18,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        began = time.perf_counter()
        self.token = token or f"cc-{secrets.token_urlsafe(18)}"
        self.store = Store()
        self.document = cloudcasa_like_spec(padding)
        self.now = now if now is not None else int(time.time())
        self.app = create_app(self.store, self.token, self.document)
        seed(self.store, self.app.config["DOMAIN"], seed=seed_value, jobs=jobs, now=self.now)
        super().__init__(_Front(self.app.wsgi_app), self.store.lock, host=host, port=port)
        self.document["servers"] = [{"url": self.base_url}]
        self._began = began
        self.started_in = 0.0

    @property
    def api_root(self) -> str:
        """The root the document describes: `servers[0].url` + `/v1`."""
        return self.base_url + "/v1"

    @property
    def proxied_root(self) -> str:
        """The same API behind CloudCasa's `/api` front; casatui's client turns `base_url` into this."""
        return self.base_url + FRONT_PREFIX + "/v1"

    def start(self: _Self) -> _Self:
        super().start()
        self.started_in = time.perf_counter() - self._began
        return self
