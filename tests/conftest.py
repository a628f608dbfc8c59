"""Shared fixtures: the embedded CloudCasa-compatible server on a loopback port, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from casatui.demo import DemoServer, SeedOptions

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


def _client(server: DemoServer) -> httpx.Client:
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
