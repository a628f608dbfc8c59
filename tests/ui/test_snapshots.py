"""SVG snapshots of the main screens (pytest-textual-snapshot). They depend on Textual's exact rendering, which
is why pyproject bounds Textual to one minor version. Update deliberately, looking at each changed SVG:

    python -m pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from casatui.demo import DemoServer, SeedOptions

from .scenarios import NOW, SCENARIOS, TOKEN, Scenario, build_app, play


@pytest.fixture
def server_for(snapshot_demo: DemoServer) -> Iterator[Callable[[Scenario], DemoServer]]:
    own: list[DemoServer] = []

    def pick(scenario: Scenario) -> DemoServer:
        if not scenario.mutates:
            return snapshot_demo
        server = DemoServer(token=TOKEN, seed_options=SeedOptions(seed=1, jobs=300, now=NOW)).start()
        own.append(server)
        return server

    yield pick
    for server in own:
        server.stop()


@pytest.mark.xdist_group("snapshots")  # one worker owns the fixed port
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_snapshot(scenario: Scenario, server_for: Callable[[Scenario], DemoServer], snap_compare: Any) -> None:
    server = server_for(scenario)
    app = build_app(server, scenario)

    async def run_before(pilot: Any) -> None:
        await play(pilot, server, scenario)

    assert snap_compare(app, terminal_size=scenario.size, run_before=run_before)
