"""filter_round_trip: a filter typed and Enter pressed, until the new rows are painted, vs the bare HTTP round trip.

A worker process runs the real app headless (120x35) against a demo server with 400 jobs in another process.
Each round: `/` focuses the filter bar, the old text is cleared, the filter is typed key by key (not timed), then the
clocks start, Enter is pressed (Pilot) and the clocks stop when the table renders its first line holding a row of
the new answer. The filters alternate (`state:FAILED`, `state:COMPLETED`) so every Enter is a new query.
Between rounds, the very list request the app sent (its URL from `client.exchanges`, same headers) is sent again
three times with a plain keep-alive `httpx.Client` (GET and `.json()`): the bare round trip.

Rows: `filter_round_trip.cpu`, the process CPU time (`time.process_time()`) of the app per Enter against that of
the bare GET in the same process (target: ratio <= 2); `filter_round_trip`, the wall time of both (report only);
`filter_round_trip.logged_latency`, the latency the app's request log gives its request against the bare GET's wall
time (report only: the wire's time plus whatever kept the event loop from reading the answer);
`filter_round_trip.composes`, per Enter, the footer keys built anew though a key drawn the same was on show just
before (target 0: only a key that changed is rebuilt), with every widget composed per Enter, the footer's rebuilds and
the keys they mounted in the details.
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
    from textual.widget import Widget
    from textual.widgets._footer import FooterKey

    from casatui.ui.widgets.filter_bar import FilterBar
    from casatui.ui.widgets.footer import CasaFooter

    composed: dict[str, int] = {}
    rebuilds = {"all": 0, "keys_mounted": 0, "same_keys": 0}
    compose = Widget._compose

    def counting_compose(widget: Any) -> Any:
        name = type(widget).__name__
        composed[name] = composed.get(name, 0) + 1
        return compose(widget)

    def keys_of(footer: Any) -> dict[int, tuple[str, str, bool]]:
        return {id(k): (k.key, k.description, k.has_class("-disabled")) for k in footer.query(FooterKey)}

    recompose = CasaFooter.recompose

    async def counting_recompose(footer: Any) -> None:
        # However the footer goes about it: the key widgets on show after it that were not there before, and how
        # many of those draw a key that was on show before (a rebuild that changed nothing).
        before = keys_of(footer)
        await recompose(footer)
        after = keys_of(footer)
        new = [shown for key, shown in after.items() if key not in before]
        rebuilds["all"] += 1 if new or len(after) != len(before) else 0
        rebuilds["keys_mounted"] += len(new)
        rebuilds["same_keys"] += sum(1 for shown in new if shown in before.values())

    Widget._compose = counting_compose  # type: ignore[method-assign]
    CasaFooter.recompose = counting_recompose  # type: ignore[method-assign]
    watch = PaintWatch()
    app = make_app(api_root, token)
    client = app.session.client
    app_ms: list[float] = []
    app_cpu_ms: list[float] = []
    bare_cpu_ms: list[float] = []
    composes: list[dict[str, int]] = []
    footer_rebuilds: list[int] = []
    keys_mounted: list[int] = []
    same_key_rebuilds: list[int] = []
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
                await pilot.pause(0.05)  # the footer shows the filter's keys (a frame after the focus moved)
                before = last_exchange_number(client)
                composed.clear()
                rebuilds.update(all=0, keys_mounted=0, same_keys=0)
                watch.arm()
                started, cpu = time.perf_counter(), time.process_time()
                await pilot.press("enter")
                painted = await watch.wait()
                cpu = time.process_time() - cpu
                await asyncio.sleep(0.3)
                await settle(pilot)
                requests = list_exchanges_since(client, before)
                if not requests or requests[0].status != 200:
                    raise RuntimeError("the filter sent no successful list request")
                if screen.table.model.count == 0 or screen.table.model.count == JOBS:  # type: ignore[attr-defined]
                    raise RuntimeError("the filter did not narrow the jobs")
                composes.append(dict(composed))  # until the round settled: footer rebuilds come after a frame
                footer_rebuilds.append(rebuilds["all"])
                keys_mounted.append(rebuilds["keys_mounted"])
                same_key_rebuilds.append(rebuilds["same_keys"])
                app_ms.append((painted - started) * 1000)
                app_cpu_ms.append(cpu * 1000)
                app_latency_ms.append(requests[0].latency_ms)
                url = requests[0].url
                sent.append(url)
                page_requests.append(len([e for e in requests if dict(e.query).get("page") == "1"]))
                bare.get(url).raise_for_status()  # the same request, bare (the app is idle meanwhile)
                for _ in range(BARE_PER_ROUND):
                    begun, cpu = time.perf_counter(), time.process_time()
                    answer = bare.get(url)
                    answer.json()
                    bare_cpu_ms.append((time.process_time() - cpu) * 1000)
                    bare_ms.append((time.perf_counter() - begun) * 1000)
                    answer.raise_for_status()
    finally:
        bare.close()
    drop = slice(1, None)
    return {
        "app_ms": app_ms[drop],
        "app_cpu_ms": app_cpu_ms[drop],
        "bare_cpu_ms": bare_cpu_ms[BARE_PER_ROUND:],
        "composes": composes[drop],
        "footer_rebuilds": footer_rebuilds[drop],
        "footer_keys_mounted": keys_mounted[drop],
        "same_key_rebuilds": same_key_rebuilds[drop],
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
    cpu, bare_cpu = median(data["app_cpu_ms"]), median(data["bare_cpu_ms"])
    logged = median(data["app_latency_ms"])
    same_keys = max(data["same_key_rebuilds"])
    log(f"  Enter → rows painted {figure:.1f} ms; bare HTTP {baseline:.1f} ms (medians of {rounds})")
    log(f"  process CPU per Enter {cpu:.1f} ms; bare GET + .json() {bare_cpu:.2f} ms")
    log(f"  logged latency {logged:.1f} ms; footer keys mounted per Enter {data['footer_keys_mounted']}")
    overhead = [a - lat for a, lat in zip(data["app_ms"], data["app_latency_ms"], strict=True)]
    cpu_ratio = ratio(cpu, bare_cpu)
    totals: dict[str, list[int]] = {}
    for counts in data["composes"]:
        for name in counts:
            totals.setdefault(name, [])
    for name, values in totals.items():
        values.extend(counts.get(name, 0) for counts in data["composes"])
    return [
        Result(
            name="filter_round_trip.cpu",
            figure=cpu,
            unit="ms CPU",
            baseline=bare_cpu,
            baseline_label="same GET + .json(), bare httpx, CPU",
            ratio=cpu_ratio,
            target="ratio <= 2",
            passed=cpu_ratio is not None and cpu_ratio <= 2,
            runs=rounds,
            details={
                "app_cpu_ms": summary(data["app_cpu_ms"]),
                "bare_cpu_ms": summary(data["bare_cpu_ms"]),
                "jobs": JOBS,
            },
        ),
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
        ),
        Result(
            name="filter_round_trip.logged_latency",
            figure=logged,
            unit="ms",
            baseline=baseline,
            baseline_label="same GET, bare httpx, wall",
            ratio=ratio(logged, baseline),
            target="(report only)",
            passed=None,
            runs=rounds,
            details={"app_request_latency_ms": summary(data["app_latency_ms"]), "bare_ms": summary(data["bare_ms"])},
        ),
        Result(
            name="filter_round_trip.composes",
            figure=float(same_keys),
            unit="footer keys rebuilt unchanged",
            target="0 (only a footer key that changed is rebuilt)",
            passed=same_keys == 0,
            runs=rounds,
            details={
                "footer_rebuilds_per_enter": data["footer_rebuilds"],
                "footer_keys_mounted_per_enter": data["footer_keys_mounted"],
                "keys_rebuilt_unchanged_per_enter": data["same_key_rebuilds"],
                "composes_per_enter": {name: summary([float(v) for v in values]) for name, values in totals.items()},
            },
        ),
    ]


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    import asyncio

    emit(asyncio.run(_measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
