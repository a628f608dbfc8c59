"""big_table: 100,000 rows loaded by scrolling; one cursor move in under 16 ms; memory under 160 MB.

A worker process runs the real app headless (120x35, page_size 1000) against a demo server with 100,000 jobs in
another process. It loads every page through the app's own paging: the cursor jumps down into each next page (as
a held page-down does), the table asks for the page it now shows, and the worker waits for it to arrive. Then:

- RSS of the app process (VmRSS, after gc) before loading (app up, first page shown) and after all pages;
- the client CPU time spent taking in the rows (process CPU time while loading; the server is another process);
- single cursor moves in the middle of the loaded rows, the cursor on the bottom line so every move scrolls:
  * `pilot.press("j")` and the repaint it causes: process CPU time per press (Pilot's wall time is mostly its own
    20 ms idle sleeps). Baseline: pressing a key nothing is bound to, the same way (Pilot + key dispatch alone);
  * a key event "j" posted to the app as Pilot posts it, then a quiet 70 ms window: process CPU time of all it
    causes (binding, action, watcher, CursorMoved handler, the position line, the repaint at the next frame),
    without Pilot's own bookkeeping. Baseline: an unbound key posted the same way;
  * `table.action_cursor(1)` then `render_line` of every visible line: wall time (the table's own share).

The baseline that justified the design (full mode only): Textual's own `DataTable.add_rows` of 100,000 rows of 7
short columns until its first row is painted, in a fresh process, with its RSS and its cursor key (down) timed as
the posted "j" above.
"""

from __future__ import annotations

import sys
from typing import Any

from common import Result, ServerPool, emit, ratio, run_worker, summary

NAME = "big_table"
JOBS = 100_000
PAGE_SIZE = 1000
MOVE_TARGET_MS = 16.0
MEMORY_TARGET_MB = 160.0
MOVES = 200
QUICK_MOVES = 50
NOOP_KEY = "f19"  # bound to nothing in casatui
SLOW_PREVIEW_DELAY = 5.0  # seconds (casatui: 0.15), see _measure
KEY_WINDOW = 0.07  # seconds after each posted key: the handling (~25 ms CPU) plus up to one frame (1/60 s)
COLUMNS = ("Name", "State", "Cluster", "Type", "Started", "Duration", "Size")


def _cpu_ms_of_press(samples: list[float]) -> Any:
    import time

    class Timer:
        async def __call__(self, pilot: Any, key: str) -> None:
            cpu = time.process_time()
            await pilot.press(key)
            pilot.app.screen._on_timer_update()  # the repaint, if the update timer has not run it yet
            samples.append((time.process_time() - cpu) * 1000)

    return Timer()


async def _cpu_ms_of_keys(app: Any, key: str, count: int) -> list[float]:
    """Process CPU time of each key event, from posting it (as Pilot does) through everything it causes (handlers,
    messages, the repaint at the next frame): each key gets a quiet window of KEY_WINDOW seconds."""
    import asyncio
    import time

    from textual import events

    samples: list[float] = []
    for _ in range(count):
        cpu = time.process_time()
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await asyncio.sleep(KEY_WINDOW)
        samples.append((time.process_time() - cpu) * 1000)
    return samples


async def _measure(api_root: str, token: str, pages: int, moves: int) -> dict[str, Any]:
    import asyncio
    import gc
    import time

    from common import SIZE, deep_size_mb, make_app, peak_rss_mb, rss_mb, settle

    from casatui.ui.screens import explorer as explorer_module

    app = make_app(api_root, token, page_size=PAGE_SIZE)
    result: dict[str, Any] = {}
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = now - clock
        clock = now

    result["phase_s"] = phases
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        phase("start")
        table = app.screen.table  # type: ignore[attr-defined]
        model = table.model
        if model.count != JOBS or set(model.pages) != {1}:
            raise RuntimeError(f"unexpected start: {model.count} rows, pages {sorted(model.pages)}")
        await asyncio.sleep(0.3)
        await settle(pilot)
        gc.collect()
        result["rss_before_mb"] = rss_mb()
        # Scrolling and moving as fast as a held key, the preview never fires; Pilot and this loop are slower than
        # key repeat, so the rest-then-preview delay is raised for the whole measurement (the timer is still set and
        # stopped on every move). Otherwise each fired preview queues a ~0.5 s item GET on the mongomock server.
        explorer_module.PREVIEW_DELAY = SLOW_PREVIEW_DELAY

        # -- load every page by moving the cursor down into it ---------------------------------------------------
        cpu, started = time.process_time(), time.perf_counter()
        page_wall: list[float] = []
        for number in range(2, pages + 1):
            asked = time.perf_counter()
            table.cursor = (number - 1) * PAGE_SIZE + PAGE_SIZE // 2
            while number not in model.pages:
                if not model.loading and number not in model.pages:
                    raise RuntimeError(f"page {number} was not asked for (cursor {table.cursor})")
                await asyncio.sleep(0.005)
            page_wall.append(time.perf_counter() - asked)
        await settle(pilot)
        result["load_wall_s"] = time.perf_counter() - started
        result["load_cpu_s"] = time.process_time() - cpu
        result["page_wall_s"] = summary(page_wall) if page_wall else None
        result["loaded_rows"] = model.loaded_rows
        result["pages"] = len(model.pages)
        latencies = [e.latency_ms for e in app.session.client.exchanges if e.path.endswith("/jobs")]
        result["page_latency_ms"] = summary(latencies[-len(page_wall) :]) if page_wall else None
        gc.collect()
        result["rss_after_mb"] = rss_mb()
        result["peak_rss_mb"] = peak_rss_mb()
        result["held_mb"] = {  # what holds the memory (deep sizes, Python objects only)
            "table.model.pages (rows)": deep_size_mb(model.pages),
            "session.names": deep_size_mb(app.session.names),
            "client.exchanges (request log)": deep_size_mb(app.session.client.exchanges),
            "table line cache": deep_size_mb(table._lines),
        }
        result["exchanges_kept"] = len(app.session.client.exchanges)
        phase("load")

        # -- cursor moves ---------------------------------------------------------------------------------------
        middle = model.loaded_rows // 2
        table.cursor = 0  # then down to the middle: the cursor lands on the bottom line
        await pilot.pause()
        table.cursor = middle
        await asyncio.sleep(0.3)
        await settle(pilot)
        bottom = table._first_visible() + table._page_rows - 1
        if table.cursor != bottom:
            raise RuntimeError(f"cursor {table.cursor} is not on the bottom line {bottom}")
        noop: list[float] = []
        press: list[float] = []
        time_noop, time_press = _cpu_ms_of_press(noop), _cpu_ms_of_press(press)
        for _ in range(10):  # warm-up
            await time_press(pilot, "j")
        press.clear()
        for _ in range(moves):
            await time_noop(pilot, NOOP_KEY)
            await time_press(pilot, "j")
        moved = table.cursor - middle
        if moved != moves + 10:
            raise RuntimeError(f"the cursor moved {moved} rows for {moves + 10} presses")
        result["press_cpu_ms"] = summary(press)
        result["noop_press_cpu_ms"] = summary(noop)
        phase("press")

        await asyncio.sleep(0.3)
        await settle(pilot)
        table.cursor = model.loaded_rows * 7 // 10
        await pilot.pause()
        height = table.size.height
        render: list[float] = []
        for _ in range(moves):
            begun = time.perf_counter()
            table.action_cursor(1)
            for y in range(height):
                table.render_line(y)
            render.append((time.perf_counter() - begun) * 1000)
        if model.row(table.cursor) is None or table._first_visible() + height - 2 != table.cursor:
            raise RuntimeError("the cursor's row is not loaded or not on the bottom line")
        result["cursor_render_ms"] = summary(render)
        phase("render")

        await pilot.pause()
        await asyncio.sleep(0.3)
        await settle(pilot)
        result["key_j_cpu_ms"] = summary(await _cpu_ms_of_keys(app, "j", moves))
        result["noop_key_cpu_ms"] = summary(await _cpu_ms_of_keys(app, NOOP_KEY, max(20, moves // 3)))
        await asyncio.sleep(0.3)
        await settle(pilot)
        phase("keys")
        result["count"] = model.count
    phase("exit")
    return result


async def _datatable(rows: int, moves: int) -> dict[str, Any]:
    """Textual's DataTable with `rows` rows of 7 short columns: add_rows until painted, RSS, cursor moves."""
    import asyncio
    import gc
    import time

    from common import SIZE, peak_rss_mb, rss_mb
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    painted = asyncio.Event()

    class Watched(DataTable[str]):
        def render_line(self, y: int) -> Any:
            strip = super().render_line(y)
            if y >= 1 and self.row_count:
                painted.set()
            return strip

    class Plain(App[None]):
        def compose(self) -> ComposeResult:
            yield Watched(id="table")

    states = ("COMPLETED", "FAILED", "PARTIAL", "SKIPPED")
    data = [
        (
            f"job-{i:06d}",
            states[i % 4],
            f"cluster-{i % 8}",
            "backup",
            f"2026-11-{1 + i % 28:02d} 21:06",
            f"{i % 59}m {i % 60:02d}s",
            f"{i % 997 / 10:.1f} GB",
        )
        for i in range(rows)
    ]
    result: dict[str, Any] = {"rows": rows}
    app = Plain()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(Watched)
        table.add_columns(*COLUMNS)
        await pilot.pause()
        gc.collect()
        result["rss_before_mb"] = rss_mb()
        cpu, started = time.process_time(), time.perf_counter()
        table.add_rows(data)
        result["add_rows_s"] = time.perf_counter() - started
        await asyncio.wait_for(painted.wait(), 600)
        result["paint_s"] = time.perf_counter() - started
        result["cpu_s"] = time.process_time() - cpu
        await pilot.pause()
        del data
        gc.collect()
        result["rss_after_mb"] = rss_mb()
        result["peak_rss_mb"] = peak_rss_mb()
        table.focus()
        table.move_cursor(row=rows // 2)
        await pilot.pause()
        result["key_down_cpu_ms"] = summary(await _cpu_ms_of_keys(app, "down", moves))
    return result


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    server = pool.get(JOBS)
    pages = JOBS // PAGE_SIZE  # all of them, --quick too: memory is measured, not extrapolated
    moves = QUICK_MOVES if quick else MOVES
    log(f"  loading {pages} pages of {PAGE_SIZE} rows by moving the cursor, then {moves} cursor moves of each kind …")
    data = run_worker("big_table.py", ["--worker", server.api_root, server.token, str(pages), str(moves)], timeout=900)
    loaded = data["loaded_rows"]
    log(
        f"  … {loaded:,} rows in {data['load_wall_s']:.1f} s (client CPU {data['load_cpu_s']:.1f} s), "
        f"RSS {data['rss_before_mb']:.0f} → {data['rss_after_mb']:.0f} MB; held: "
        + ", ".join(f"{k} {v:.0f} MB" for k, v in data["held_mb"].items())
    )
    expected = pages * PAGE_SIZE
    if loaded != expected:
        raise RuntimeError(f"{loaded} rows loaded, expected {expected}")
    results: list[Result] = []

    def move_result(
        name: str, key: str, label: str, baseline: dict[str, Any] | None = None, baseline_label: str = ""
    ) -> Result:
        figure = data[key]["median"]
        base = baseline["median"] if baseline else None
        return Result(
            name=name,
            figure=figure,
            unit="ms",
            baseline=base,
            baseline_label=baseline_label,
            ratio=ratio(figure, base),
            target=f"< {MOVE_TARGET_MS:g} ms (median and p95)",
            passed=data[key]["median"] < MOVE_TARGET_MS and data[key]["p95"] < MOVE_TARGET_MS,
            runs=data[key]["n"],
            details={"what": label, key: data[key], **({"baseline": baseline} if baseline else {})},
        )

    results.append(
        move_result(
            "big_table.press_j",
            "press_cpu_ms",
            "CPU ms per pilot.press('j') + repaint",
            data["noop_press_cpu_ms"],
            f"press of unbound {NOOP_KEY}",
        )
    )
    results.append(
        move_result(
            "big_table.cursor+render_line",
            "cursor_render_ms",
            "wall ms: action_cursor(1) + render_line of the visible lines",
        )
    )
    results.append(
        move_result(
            "big_table.key_j",
            "key_j_cpu_ms",
            "CPU ms per posted key 'j' through its handlers and repaint (no Pilot)",
            data["noop_key_cpu_ms"],
            f"posted unbound key {NOOP_KEY}",
        )
    )

    before, after = data["rss_before_mb"], data["rss_after_mb"]
    memory_details = {
        k: data[k]
        for k in ("rss_before_mb", "rss_after_mb", "peak_rss_mb", "loaded_rows", "pages", "held_mb", "exchanges_kept")
    }
    memory_details["per_1000_rows_mb"] = (after - before) / max(1, loaded - PAGE_SIZE) * 1000
    results.append(
        Result(
            name="big_table.rss",
            figure=after,
            unit="MB",
            baseline=before,
            baseline_label="RSS before loading (1 page)",
            ratio=ratio(after, before),
            target=f"< {MEMORY_TARGET_MB:g} MB",
            passed=after < MEMORY_TARGET_MB,
            runs=1,
            details=memory_details,
        )
    )
    load = Result(
        name="big_table.ingest_cpu",
        figure=data["load_cpu_s"],
        unit="s",
        runs=1,
        details={k: data[k] for k in ("load_wall_s", "load_cpu_s", "page_wall_s", "page_latency_ms", "loaded_rows")},
    )
    results.append(load)

    if not quick:
        log(f"  baseline: Textual DataTable.add_rows of {JOBS:,} rows x {len(COLUMNS)} columns …")
        table = run_worker("big_table.py", ["--datatable", str(JOBS), str(moves // 3)], timeout=900)
        log(
            f"  … add_rows {table['add_rows_s']:.1f} s, painted after {table['paint_s']:.1f} s, "
            f"RSS {table['rss_before_mb']:.0f} → {table['rss_after_mb']:.0f} MB"
        )
        load.baseline = table["cpu_s"]
        load.baseline_label = "DataTable.add_rows 100k + paint (CPU)"
        load.ratio = ratio(load.figure, load.baseline)
        load.details["datatable"] = table
        results.append(
            Result(
                name="big_table.datatable_move",
                figure=data["key_j_cpu_ms"]["median"],
                unit="ms",
                baseline=table["key_down_cpu_ms"]["median"],
                baseline_label="DataTable 100k: posted key down (CPU)",
                ratio=ratio(data["key_j_cpu_ms"]["median"], table["key_down_cpu_ms"]["median"]),
                runs=table["key_down_cpu_ms"]["n"],
                details={
                    "what": "CPU ms per cursor key, casatui (j) vs a bare DataTable app (down), 100,000 rows",
                    "datatable_key_down_cpu_ms": table["key_down_cpu_ms"],
                    "datatable_rss_after_mb": table["rss_after_mb"],
                },
            )
        )
        results.append(
            Result(
                name="big_table.datatable_rss",
                figure=after,
                unit="MB",
                baseline=table["rss_after_mb"],
                baseline_label="DataTable 100k rows RSS",
                ratio=ratio(after, table["rss_after_mb"]),
                runs=1,
                details={"datatable": {k: table[k] for k in ("rss_before_mb", "rss_after_mb", "peak_rss_mb")}},
            )
        )
    return results


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    import asyncio

    emit(asyncio.run(_measure(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))))
elif __name__ == "__main__" and sys.argv[1:2] == ["--datatable"]:
    import asyncio

    emit(asyncio.run(_datatable(int(sys.argv[2]), int(sys.argv[3]))))
