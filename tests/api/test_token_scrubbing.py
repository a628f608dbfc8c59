"""A server that reflects the token (in response headers, the etag, a Location, an error body) never gets it into
the request log, --log-file, a held item or an error message."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest

from casatui.api.client import CasaClient
from casatui.api.errors import ApiError
from casatui.cli import RequestLog
from casatui.demo import DemoServer

from ..faults import FaultServer, Respond


@pytest.fixture
async def client(faults: FaultServer, demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as c:
        yield c


def reflecting(token: str, status: int = 200, body: object = None) -> Respond:
    document = {"_id": "a1", "_etag": "e1", "name": "x"} if body is None else body
    return Respond(
        status,
        document,
        {
            "ETag": f'"{token}"',
            "X-Echo-Authorization": f"Bearer {token}",
            "Authorization": f"Bearer {token}",
            "Set-Cookie": f"session={token}",
            "X-Quoted": quote(token, safe=""),
        },
    )


def leaks(text: object, token: str) -> bool:
    return token in json.dumps(text, default=str)


async def test_reflected_response_headers_reach_neither_the_request_log_nor_the_log_file(
    client: CasaClient, faults: FaultServer, demo: DemoServer
) -> None:
    stream = io.StringIO()
    client.listeners.append(RequestLog(stream))
    faults.push(reflecting(demo.token))
    item = await client.get("kubebackups", "a1")
    assert item is not None
    exchange = client.exchanges[-1]
    assert not leaks(exchange.response_headers, demo.token)
    assert not leaks(exchange.etag, demo.token)
    assert not leaks(item.headers, demo.token)
    assert exchange.response_headers["authorization"] == "***"
    assert demo.token not in stream.getvalue() and '"etag": "***"' in stream.getvalue()


async def test_a_reflected_token_in_an_error_body_or_location_is_not_in_the_message(
    client: CasaClient, faults: FaultServer, demo: DemoServer
) -> None:
    faults.push(
        reflecting(demo.token, 500, {"_status": "ERR", "_error": {"code": 500, "message": f"bad {demo.token}"}})
    )
    with pytest.raises(ApiError) as caught:
        await client.list("policies")
    assert not leaks(str(caught.value), demo.token) and not leaks(caught.value.server_message, demo.token)
    assert not leaks(caught.value.body, demo.token)
    faults.push(Respond(302, b"", {"Location": f"https://evil.example.com/?t={demo.token}"}))
    with pytest.raises(ApiError) as caught:
        await client.list("policies")
    assert "evil.example.com" in str(caught.value) and not leaks(str(caught.value), demo.token)
    assert [k for exchange in client.exchanges for k, v in vars(exchange).items() if leaks(v, demo.token)] == []


def test_the_startup_prefetch_scrubs_response_headers_too(
    client: CasaClient, faults: FaultServer, demo: DemoServer
) -> None:
    faults.push(reflecting(demo.token, body={"_items": [], "_meta": {"total": 0}}))
    assert client.list_plain("policies") is not None
    assert not leaks(client.exchanges[-1].response_headers, demo.token)


async def test_a_header_named_after_the_token_is_scrubbed_on_the_startup_path_too(
    client: CasaClient, faults: FaultServer, demo: DemoServer
) -> None:
    """The prefetch's standard-library GET records its exchange itself: header names pass the scrubber there too."""
    page = {"_items": [], "_meta": {"page": 1, "max_results": 25, "total": 0}}
    faults.push(Respond(200, page, {f"X-{demo.token}": "1", "X-Echo": demo.token}))
    assert client.list_plain("kubebackups") is not None
    exchange = client.exchanges[-1]
    assert exchange.response_headers and not leaks(exchange.response_headers, demo.token)
