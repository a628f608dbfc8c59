"""Fixtures of the API tests: the misbehaving server of `tests/faults.py` in front of the embedded one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from casatui.demo.server import DemoServer

from ..faults import FaultServer


@pytest.fixture
def faults(demo: DemoServer) -> Iterator[FaultServer]:
    with FaultServer(upstream=demo.base_url) as server:
        yield server
