"""Run the embedded server in a background thread on a loopback port (for `casatui --demo`, tests, benchmarks)."""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, TypeVar

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .activity import Activity
from .app import API_PREFIX, create_app
from .seed import SeedOptions, seed
from .store import Store


class _Serialised:
    """WSGI wrapper running one request at a time under the store's lock (see store.py for why)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], lock: Any) -> None:
        self._app = app
        self._lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._lock:
            result = self._app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class _Handler(WSGIRequestHandler):
    SERVER = "casatui-demo"

    def version_string(self) -> str:
        """The Server header: one fixed name, so an answer (and a snapshot of the request log that shows it) is the
        same whatever Werkzeug and Python serve it (Werkzeug's own says `Werkzeug/3.1.9 Python/3.11.7`)."""
        return self.SERVER


class _QuietHandler(_Handler):
    def log(self, type: str, message: str, *args: Any) -> None:
        pass


class _PrintingHandler(_Handler):
    """Logs each request on stdout, for `python -m casatui.demo`."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        print(f"{self.command} {self.path} {code}", flush=True)

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            print(message % args, flush=True)


_Started = TypeVar("_Started", bound="LoopbackServer")
_Demo = TypeVar("_Demo", bound="DemoServer")


class LoopbackServer:
    """A WSGI app on a loopback port, served from a background thread, one request at a time under `lock`: the
    demo, and the test suite's other servers."""

    POLL_INTERVAL = 0.5  # seconds `stop` may wait for the serving loop to notice
    THREAD_NAME = "casatui-loopback"

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        lock: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        handler: type[WSGIRequestHandler] = _QuietHandler,
    ) -> None:
        self._server: BaseWSGIServer = make_server(
            host, port, _Serialised(app, lock), threaded=True, request_handler=handler
        )
        self.host = host
        self.port = self._server.server_port
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self: _Started) -> _Started:
        serve = functools.partial(self._server.serve_forever, poll_interval=self.POLL_INTERVAL)
        self._thread = threading.Thread(target=serve, name=self.THREAD_NAME, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self: _Started) -> _Started:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class DemoServer(LoopbackServer):
    """A CloudCasa-compatible API on loopback, backed by the real Eve framework and an in-memory store.

    with DemoServer(jobs=100) as server:
        httpx.get(server.api_root + "/jobs", headers={"Authorization": f"Bearer {server.token}"})
    """

    THREAD_NAME = "casatui-demo"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        seed_options: SeedOptions | None = None,
        activity: bool = False,
        activity_interval: float = 2.0,
        log_requests: bool = False,
    ) -> None:
        self.token = token or f"demo-{secrets.token_urlsafe(18)}"
        self.store = Store()
        self.seed_options = seed_options or SeedOptions()
        seed(self.store, self.seed_options)
        self.app = create_app(self.store, self.token, quiet=not log_requests)
        handler = _PrintingHandler if log_requests else _QuietHandler
        super().__init__(self.app.wsgi_app, self.store.lock, host=host, port=port, handler=handler)
        self.activity = Activity(self.store, interval=activity_interval, seed=self.seed_options.seed)
        self._activity_on = activity

    @property
    def api_root(self) -> str:
        return self.base_url + API_PREFIX

    def start(self: _Demo) -> _Demo:
        super().start()
        if self._activity_on:
            self.activity.start()
        return self

    def stop(self) -> None:
        self.activity.stop()
        super().stop()

    def serve_forever(self) -> None:
        """Serve in the calling thread (for the command line), with activity in the background if asked."""
        if self._activity_on:
            self.activity.start()
        try:
            self._server.serve_forever()
        finally:
            self.activity.stop()
            self._server.server_close()
