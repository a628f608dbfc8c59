"""The request log's latency is the wire's: from just before the request is written to when its body is read. What
the client does around it (masking headers, parsing JSON, telling listeners) is not the server's time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

import casatui.api.transport as transport
from casatui.api.client import CasaClient
from casatui.demo import DemoServer

from ..faults import FaultServer, Respond, Slow

SERVER_DELAY = 0.4  # seconds the server waits before it answers
CLIENT_DELAY = 0.3  # seconds of client-side work injected at each place around the exchange
PAGE = {"_items": [{"_id": "a" * 24, "name": "x"}], "_meta": {"page": 1, "max_results": 25, "total": 1}}


def slowed(work: Callable[..., Any]) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(CLIENT_DELAY)  # blocks the event loop, as client work does
        return work(*args, **kwargs)

    return slow


async def test_latency_is_the_servers_delay_without_the_clients_work(
    faults: FaultServer, demo: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before the request is written: masking the headers for the log; after the answer is read: masking its
    # headers, parsing its JSON, and a listener of the log
    monkeypatch.setattr(CasaClient, "_request_headers_shown", slowed(CasaClient._request_headers_shown))
    monkeypatch.setattr(CasaClient, "_headers_shown", slowed(CasaClient._headers_shown))
    monkeypatch.setattr(transport, "parse_json", slowed(transport.parse_json))
    faults.push(Slow(SERVER_DELAY, Respond(200, PAGE)))
    async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as client:
        client.listeners.append(lambda exchange: time.sleep(CLIENT_DELAY))
        began = time.perf_counter()
        page = await client.list("jobs")
        elapsed = time.perf_counter() - began
    assert page.total == 1 and len(client.exchanges) == 1
    assert elapsed >= SERVER_DELAY + 4 * CLIENT_DELAY  # every injected delay did happen
    latency = client.exchanges[0].latency_ms / 1000
    # At least the server's delay, and short of it plus any one of the client's delays.
    assert SERVER_DELAY <= latency < SERVER_DELAY + CLIENT_DELAY, latency
