"""Shared fixtures: the embedded CloudCasa-compatible server and a CloudCasa-like one, on loopback ports, over real
HTTP; `any_server` runs a test against each."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from casatui.demo import DemoServer, SeedOptions

from .cloudcasa import CloudCasaLikeServer
from .servers import ServerUnderTest

TEST_TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="session")
def demo() -> Iterator[DemoServer]:
    """One server for tests that only read, or that write to documents of their own."""
    with DemoServer(token=TEST_TOKEN, seed_options=SeedOptions(seed=3, jobs=300)) as server:
        yield server


@pytest.fixture
def fresh_demo() -> Iterator[DemoServer]:
    """A server of the test's own, for tests that change shared documents."""
    with DemoServer(token=TEST_TOKEN, seed_options=SeedOptions(seed=5, jobs=120)) as server:
        yield server


@pytest.fixture(scope="session")
def cloudcasa() -> Iterator[CloudCasaLikeServer]:
    """A server shaped like CloudCasa's published document (not like the demo), for tests that only read."""
    with CloudCasaLikeServer(token=TEST_TOKEN, seed_value=7) as server:
        yield server


@pytest.fixture
def fresh_cloudcasa() -> Iterator[CloudCasaLikeServer]:
    with CloudCasaLikeServer(token=TEST_TOKEN, seed_value=11) as server:
        yield server


@pytest.fixture(params=["demo", "cloudcasa"])
def any_server(request: pytest.FixtureRequest) -> ServerUnderTest:
    """Each of the two servers in turn, for tests of behaviour that must hold against both (read-only use)."""
    return ServerUnderTest.of(request.getfixturevalue(request.param))


@pytest.fixture(params=["demo", "cloudcasa"])
def fresh_any_server(request: pytest.FixtureRequest) -> ServerUnderTest:
    """Each of the two servers in turn, a fresh one for the test, which may change anything."""
    return ServerUnderTest.of(request.getfixturevalue(f"fresh_{request.param}"))


def _client(server: DemoServer | CloudCasaLikeServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.api_root,
        headers={"Authorization": f"Bearer {server.token}", "Accept": "application/json"},
        timeout=30,
    )


@pytest.fixture
def http(demo: DemoServer) -> Iterator[httpx.Client]:
    with _client(demo) as client:
        yield client


@pytest.fixture
def fresh_http(fresh_demo: DemoServer) -> Iterator[httpx.Client]:
    with _client(fresh_demo) as client:
        yield client


@pytest.fixture
def cloudcasa_http(cloudcasa: CloudCasaLikeServer) -> Iterator[httpx.Client]:
    """A plain client at the CloudCasa-like server's document root (`/v1`)."""
    with _client(cloudcasa) as client:
        yield client


@pytest.fixture
def fresh_cloudcasa_http(fresh_cloudcasa: CloudCasaLikeServer) -> Iterator[httpx.Client]:
    with _client(fresh_cloudcasa) as client:
        yield client
