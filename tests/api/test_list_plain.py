"""`CasaClient.list_plain`: the startup prefetch's request, made with the standard library before httpx is imported.
It must answer as `list` does, log as every request does, and step aside (None, nothing logged) whenever it cannot
give the page, so that `list` asks again and explains."""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from casatui.api import stdlib_http
from casatui.api.client import CasaClient
from casatui.api.exchange import MASKED
from casatui.api.models import Page, Timeouts
from casatui.demo import DemoServer

from ..faults import HTML_502, FaultServer, ResetMidBody, Respond, Slow


@pytest.fixture
async def client(demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(demo.api_root, demo.token) as client:
        yield client


def _fields(page: Page | None) -> tuple[Any, ...]:
    assert page is not None
    return page.collection, page.items, page.page, page.max_results, page.total, page.has_more


QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("jobs", {}),
    ("jobs", {"where": {"state": "FAILED"}, "sort": [("start_time", -1)], "max_results": 40}),
    ("jobs", {"where": {"name": {"$regex": ".*NIGHTLY.*", "$options": "i"}}, "page": 2, "max_results": 10}),
    ("jobs", {"sort": "name", "projection": {"name": 1, "state": 1}, "max_results": 7}),
    ("kubeclusters", {"where": '{"status.state": "ACTIVE"}'}),
    ("kubebackups", {"where": {"name": "no such backup"}}),
]


@pytest.mark.parametrize(("collection", "query"), QUERIES)
async def test_it_answers_as_list_does(client: CasaClient, collection: str, query: dict[str, Any]) -> None:
    plain = client.list_plain(collection, **query)
    assert _fields(plain) == _fields(await client.list(collection, **query))


async def test_it_is_logged_as_every_request_is_and_never_shows_the_token(client: CasaClient, demo: DemoServer) -> None:
    seen = []
    client.listeners.append(seen.append)
    page = client.list_plain("jobs", where={"state": "FAILED"}, sort=[("start_time", -1)], max_results=5)
    assert page is not None and len(page.items) == 5
    assert len(seen) == 1 and list(client.exchanges) == seen
    exchange = seen[0]
    assert (exchange.method, exchange.path, exchange.status) == ("GET", "/api/v1/jobs", 200)
    sent = {"page": "1", "max_results": "5", "where": '{"state":"FAILED"}', "sort": "-start_time"}
    assert dict(exchange.query) == sent
    assert exchange.request_headers["Authorization"] == MASKED
    assert json.loads(exchange.response_body or "")["_items"] == page.items
    assert exchange.size > 0 and exchange.latency_ms > 0
    assert exchange.summary.startswith("GET /api/v1/jobs 200 ")
    assert demo.token not in repr(exchange) and demo.token not in exchange.as_curl()
    await client.list("jobs", max_results=1)
    assert [e.number for e in client.exchanges] == [1, 2]


async def test_it_steps_aside_when_the_answer_is_not_the_page(demo: DemoServer) -> None:
    stranger = CasaClient(demo.api_root, "not-the-token")
    assert stranger.list_plain("jobs") is None  # 401: `list` will say why
    with FaultServer(upstream=demo.base_url) as faults:
        client = CasaClient(f"{faults.base_url}/api/v1", demo.token, timeouts=Timeouts(connect=2, read=0.3))
        faults.push(
            Respond(502, HTML_502),
            Respond(200, "<html>a login page</html>"),
            Respond(200, {"not": "a list"}),
            ResetMidBody(),
            Slow(2.0),
            Respond(200, b"\x1f\x8b not gzip", {"Content-Type": "application/json", "Content-Encoding": "gzip"}),
            Respond(200, b"{}", {"Content-Type": "application/json", "Content-Encoding": "br"}),
        )
        for _ in range(7):
            assert client.list_plain("jobs") is None
        assert faults.count("GET", "/jobs") == 7
        # Each attempt is logged, as every request sent is, saying that it is asked again (by `list`).
        assert len(stranger.exchanges) == 1 and len(client.exchanges) == 7
        assert all("asked again" in (e.error or "") for e in [*stranger.exchanges, *client.exchanges])
        assert stranger.exchanges[0].status == 401 and "not-the-token" not in str(stranger.exchanges[0])
        assert _fields(client.list_plain("jobs")) == _fields(await client.list("jobs"))  # the script is over
        await client.aclose()
    refused = CasaClient(f"http://127.0.0.1:{faults.port}/api/v1", demo.token)  # the server is gone
    assert refused.list_plain("jobs") is None


async def test_a_compressed_answer_is_read(demo: DemoServer) -> None:
    body = {"_items": [{"_id": "a1", "name": "nightly"}], "_meta": {"total": 1, "page": 1, "max_results": 25}}
    with FaultServer(upstream=demo.base_url) as faults:
        compressed = gzip.compress(json.dumps(body).encode())
        faults.push(Respond(200, compressed, {"Content-Type": "application/json", "Content-Encoding": "gzip"}))
        client = CasaClient(f"{faults.base_url}/api/v1", demo.token)
        page = client.list_plain("jobs")
        assert page is not None and page.items == body["_items"] and page.total == 1
        assert faults.seen[0].headers["accept-encoding"] == "gzip, deflate"
        assert json.loads(client.exchanges[0].response_body or "") == body  # logged as read, not compressed


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "http_proxy", "ALL_PROXY"])
def test_with_a_proxy_configured_it_sends_nothing(
    demo: DemoServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FaultServer(upstream=demo.base_url) as faults:
        client = CasaClient(f"{faults.base_url}/api/v1", demo.token)
        monkeypatch.setenv("NO_PROXY", "example.com")  # exclusions alone are no proxy, nor an empty setting
        monkeypatch.setenv("SOCKS_PROXY", "")
        assert client.list_plain("jobs") is not None
        monkeypatch.setenv(variable, "http://127.0.0.1:9")
        started = time.perf_counter()
        assert client.list_plain("jobs") is None  # only httpx speaks to proxies
        assert time.perf_counter() - started < 1
        assert faults.count("GET", "/jobs") == 1


def test_an_ipv6_address_on_the_default_port_is_reached() -> None:
    # http.client reads a port from the last ":" of a host given without one: "::1" became host ":" port 1.
    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.HTTPServer):
        address_family = socket.AF_INET6

    try:
        server = Server(("::1", 80), Answer)
    except OSError as error:  # no IPv6, or not allowed to listen on port 80
        pytest.skip(f"cannot listen on [::1]:80 here ({error})")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = stdlib_http.get("http://[::1]/api/v1/jobs", {}, stdlib_http.tls_context(False), 2, 2)
        assert (answer.status, answer.content) == (200, b"{}")
    finally:
        server.shutdown()
        server.server_close()
