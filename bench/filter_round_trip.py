"""filter_round_trip: a filter typed and Enter pressed, until the new rows are painted, vs the bare HTTP round trip.

A worker process runs the real app headless (120x35) against a demo server with 400 jobs in another process.
Each round: `/` focuses the filter bar, the old text is cleared, the filter is typed key by key (not timed), then the
clock starts, Enter is pressed (Pilot) and the clock stops when the table renders its first line holding a row of
the new answer. The filters alternate (`state:FAILED`, `state:COMPLETED`) so every Enter is a new query.
Between rounds, the very list request the app sent (its URL from `client.exchanges`, same headers) is sent again
three times with a plain keep-alive `httpx.Client`: the bare round trip. Both medians and their ratio are reported
(no target), with the app's own recorded latency for its request and how many page-1 requests each Enter sent.
"""

from __future__ import annotations

import sys
from typing import Any

from common import Result, ServerPool, emit, median, ratio, run_worker, summary

NAME = "filter_round_trip"
JOBS = 400
ROUNDS = 11
QUICK_ROUNDS = 4
FILTERS = ("state:FAILED", "state:COMPLETED")
BARE_PER_ROUND = 3


async def _measure(api_root: str, token: str, rounds: int) -> dict[str, Any]:
    import asyncio
    import time

    import httpx
    from common import SIZE, PaintWatch, last_exchange_number, list_exchanges_since, make_app, settle

    from casatui.ui.widgets.filter_bar import FilterBar

    watch = PaintWatch()
    app = make_app(api_root, token)
    client = app.session.client
    app_ms: list[float] = []
    app_latency_ms: list[float] = []
    bare_ms: list[float] = []
    sent: list[str] = []
    page_requests: list[int] = []
    bare = httpx.Client(headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, timeout=30)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            bar = screen.query_one(FilterBar)
            for number in range(rounds + 1):  # the first one is a warm-up
                text = FILTERS[number % len(FILTERS)]
                await asyncio.sleep(0.3)  # the preview's request, if any, comes and goes
                await settle(pilot)
                await pilot.press("slash")
                bar.input.value = ""
                await pilot.press(*text)
                if bar.input.value != text:
                    raise RuntimeError(f"typed {bar.input.value!r}, meant {text!r}")
                before = last_exchange_number(client)
                watch.arm()
                started = time.perf_counter()
                await pilot.press("enter")
                painted = await watch.wait()
                await asyncio.sleep(0.3)
                await settle(pilot)
                requests = list_exchanges_since(client, before)
                if not requests or requests[0].status != 200:
                    raise RuntimeError("the filter sent no successful list request")
                if screen.table.model.count == 0 or screen.table.model.count == JOBS:  # type: ignore[attr-defined]
                    raise RuntimeError("the filter did not narrow the jobs")
                app_ms.append((painted - started) * 1000)
                app_latency_ms.append(requests[0].latency_ms)
                url = requests[0].url
                sent.append(url)
                page_requests.append(len([e for e in requests if dict(e.query).get("page") == "1"]))
                bare.get(url).raise_for_status()  # the same request, bare (the app is idle meanwhile)
                for _ in range(BARE_PER_ROUND):
                    begun = time.perf_counter()
                    answer = bare.get(url)
                    bare_ms.append((time.perf_counter() - begun) * 1000)
                    answer.raise_for_status()
    finally:
        bare.close()
    drop = slice(1, None)
    return {
        "app_ms": app_ms[drop],
        "app_latency_ms": app_latency_ms[drop],
        "bare_ms": bare_ms[BARE_PER_ROUND:],
        "example_url": sent[-1],
        "page1_requests_per_enter": page_requests[drop],
    }


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    server = pool.get(JOBS)
    rounds = QUICK_ROUNDS if quick else ROUNDS
    data = run_worker("filter_round_trip.py", ["--worker", server.api_root, server.token, str(rounds)], timeout=600)
    figure, baseline = median(data["app_ms"]), median(data["bare_ms"])
    log(f"  Enter → rows painted {figure:.1f} ms; bare HTTP {baseline:.1f} ms (medians of {rounds})")
    overhead = [a - lat for a, lat in zip(data["app_ms"], data["app_latency_ms"], strict=True)]
    return [
        Result(
            name="filter_round_trip",
            figure=figure,
            unit="ms",
            baseline=baseline,
            baseline_label="same GET, bare httpx",
            ratio=ratio(figure, baseline),
            target="(report only)",
            passed=None,
            runs=rounds,
            details={
                "app_ms": summary(data["app_ms"]),
                "app_request_latency_ms": summary(data["app_latency_ms"]),
                "app_minus_its_latency_ms": summary(overhead),
                "bare_ms": summary(data["bare_ms"]),
                "example_url": data["example_url"],
                "page1_requests_per_enter": data["page1_requests_per_enter"],
                "jobs": JOBS,
            },
        )
    ]


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    import asyncio

    emit(asyncio.run(_measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
