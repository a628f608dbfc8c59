"""Faults the embedded server cannot produce, from a misbehaving server on loopback: bounded retries, clear errors."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from casatui.api.client import CasaClient
from casatui.api.errors import BadResponse, NetworkError, RateLimited, ServerError
from casatui.api.models import RetryPolicy, Timeouts
from casatui.demo import DemoServer

from ..faults import HTML_502, FaultServer, ResetMidBody, Respond, Slow


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(faults: FaultServer, demo: DemoServer, sleeps: Sleeps) -> AsyncIterator[CasaClient]:
    async with CasaClient(
        f"{faults.base_url}/api/v1", demo.token, sleep=sleeps, timeouts=Timeouts(connect=2, read=1.0)
    ) as c:
        yield c


async def test_a_502_html_page_is_retried_then_succeeds(
    client: CasaClient, faults: FaultServer, sleeps: Sleeps
) -> None:
    faults.push(Respond(502, HTML_502))
    page = await client.list("jobs")
    assert page.total == 300
    assert faults.count("GET", "/jobs") == 2 and len(sleeps) == 1


async def test_a_persistent_502_gives_up_after_three_tries_and_says_what_it_got(
    client: CasaClient, faults: FaultServer, sleeps: Sleeps
) -> None:
    faults.always = Respond(502, HTML_502)
    with pytest.raises(ServerError) as caught:
        await client.list("jobs")
    assert faults.count("GET") == 3 and len(sleeps) == 2
    assert all(0 <= delay <= 4 for delay in sleeps)
    assert "HTML page" in str(caught.value) and "502" in str(caught.value)


async def test_a_reset_mid_body_is_retried(client: CasaClient, faults: FaultServer) -> None:
    faults.push(ResetMidBody())
    page = await client.list("policies")
    assert page.total == 5
    assert faults.count("GET") == 2


async def test_a_reset_every_time_is_a_network_error(client: CasaClient, faults: FaultServer) -> None:
    faults.always = ResetMidBody()
    with pytest.raises(NetworkError) as caught:
        await client.list("policies")
    assert caught.value.kind == "protocol" and faults.count("GET") == 3


async def test_truncated_json_is_a_bad_response(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(200, '{"_items": [{"name": "prod-full'))
    with pytest.raises(BadResponse) as caught:
        await client.list("kubebackups")
    assert "truncated" in str(caught.value)
    assert faults.count("GET") == 1  # a complete answer is not retried


async def test_a_wrong_envelope_is_a_bad_response(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(200, {"items": []}))
    with pytest.raises(BadResponse) as caught:
        await client.list("kubebackups")
    assert "_items" in str(caught.value)


async def test_a_slow_answer_times_out_and_is_retried(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Slow(1.6))
    page = await client.list("policies")
    assert page.total == 5 and faults.count("GET") == 2


async def test_429_waits_for_retry_after(client: CasaClient, faults: FaultServer, sleeps: Sleeps) -> None:
    faults.push(Respond(429, {"_status": "ERR", "_error": {"code": 429, "message": "slow down"}}, {"Retry-After": "2"}))
    await client.list("policies")
    assert sleeps == [2.0]


async def test_429_with_a_long_retry_after_is_reported_not_waited(
    client: CasaClient, faults: FaultServer, sleeps: Sleeps
) -> None:
    faults.push(Respond(429, "", {"Retry-After": "600"}))
    with pytest.raises(RateLimited) as caught:
        await client.list("policies")
    assert caught.value.retry_after == 600 and sleeps == []
    assert "600" in str(caught.value)


async def test_503_with_eve_body_on_get_uses_retry_after(
    client: CasaClient, faults: FaultServer, sleeps: Sleeps
) -> None:
    faults.push(
        Respond(503, {"_status": "ERR", "_error": {"code": 503, "message": "maintenance"}}, {"Retry-After": "1"})
    )
    await client.list("policies")
    assert sleeps == [1.0]


async def test_writes_are_never_retried(client: CasaClient, faults: FaultServer) -> None:
    item = await client.get("policies", (await client.list("policies")).items[0]["_id"])
    assert item is not None
    faults.push(Respond(503, {"_status": "ERR", "_error": {"code": 503, "message": "maintenance"}}))
    with pytest.raises(ServerError) as caught:
        await client.patch(item, {**item.data, "timezone": "Europe/Rome"})
    assert "maintenance" in str(caught.value)
    assert faults.count("PATCH") == 1


async def test_500_with_eve_error_body_quotes_the_server(client: CasaClient, faults: FaultServer) -> None:
    faults.always = Respond(500, {"_status": "ERR", "_error": {"code": 500, "message": "database unavailable"}})
    with pytest.raises(ServerError) as caught:
        await client.list("jobs")
    assert "database unavailable" in str(caught.value)
    assert faults.count("GET") == 1  # 500 is not one of the statuses worth retrying


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_connection_refused(sleeps: Sleeps) -> None:
    async with CasaClient(
        f"http://127.0.0.1:{_closed_port()}", "t0ken-secret", sleep=sleeps, retry=RetryPolicy(attempts=2)
    ) as client:
        with pytest.raises(NetworkError) as caught:
            await client.list("jobs")
    assert caught.value.kind == "connect" and len(sleeps) == 1
    assert "t0ken-secret" not in str(caught.value)


async def test_tls_failure_is_explained(faults: FaultServer) -> None:
    async with CasaClient(f"https://127.0.0.1:{faults.port}", "t", retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(NetworkError) as caught:
            await client.list("jobs")
    assert caught.value.kind == "tls" and "--ca-cert" in str(caught.value)
