"""Fixtures of the resilience tests: a demo server of their own, and the misbehaving server in front of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from casatui.demo import DemoServer, SeedOptions

from ..faults import FaultServer
from ..ui.conftest import NOW


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(token="resilience-token-42", seed_options=SeedOptions(seed=4, jobs=250, now=NOW)) as demo:
        yield demo


@pytest.fixture
def faults(server: DemoServer) -> Iterator[FaultServer]:
    with FaultServer(upstream=server.base_url) as fault_server:
        yield fault_server
