"""Regenerate every SVG in screenshots/ by driving the app with Pilot against the embedded server.

    python scripts/screenshots.py            # all of them
    python scripts/screenshots.py editor     # some of them

The scenarios are those of the snapshot tests (tests/ui/scenarios.py): the pictures are the tested screens.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TZ"] = "UTC"
time.tzset()

from casatui.demo import DemoServer, SeedOptions  # noqa: E402
from tests.ui.scenarios import NOW, SCENARIOS, TOKEN, build_app, play  # noqa: E402

OUT = ROOT / "screenshots"
PORT = 48765


async def shoot(names: set[str]) -> None:
    OUT.mkdir(exist_ok=True)
    for scenario in SCENARIOS:
        if names and scenario.name not in names:
            continue
        with DemoServer(port=PORT, token=TOKEN, seed_options=SeedOptions(seed=1, jobs=300, now=NOW)) as server:
            app = build_app(server, scenario)
            async with app.run_test(size=scenario.size) as pilot:
                await play(pilot, server, scenario)
                app.save_screenshot(f"{scenario.name}.svg", str(OUT))
        print(f"screenshots/{scenario.name}.svg  {scenario.title}")


if __name__ == "__main__":
    asyncio.run(shoot(set(sys.argv[1:])))
