"""startup: launch to first rows painted, whole processes, against a bare Textual app that paints one widget.

Both are timed wall-clock from spawn to their first paint (imports, app start, requests, first paint; each driver
reports the moment it painted, so interpreter shutdown is not counted), interleaved (bare, casatui, bare, ...) after
one discarded warm-up each; the figure is the ratio of the medians. Spawn-to-exit times are kept too. casatui runs
against a demo server with 400 jobs and no activity in another process, so its figure includes the HTTP requests the
first paint needs, with the server's document kept by an earlier run (as every start but the first has it); the very
first start, without it, is reported beside (`casatui_first_run_painted_s`). The casatui driver also reports where its
time went (imports done, first request sent, rows painted, exit; seconds since spawn) and the full run adds import
times of `textual.app` and `casatui.ui.app` alone, and casatui's time when every process compiles casatui from source
(no bytecode cache: how this sandbox runs by default, see common.child_env).
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from common import (
    BENCH,
    PYTHON,
    ROOT,
    Result,
    ServerPool,
    _die_with_parent,
    child_env,
    median,
    ratio,
    stop_process,
    summary,
)

NAME = "startup"
JOBS = 400
TARGET = 1.5
RUNS = 21
QUICK_RUNS = 4
TIMEOUT = 60.0


def _timed(args: list[str], phases: list[dict[str, float]] | None = None, *, bytecode_cache: bool = True,
           painted: list[float] | None = None) -> float:  # fmt: skip
    """Seconds from spawn to exit of one process; it must exit 0. With `phases`, the casatui driver's report of
    where its time went is appended (seconds since spawn); with `painted`, the seconds from spawn to the first
    paint the driver reports."""
    started, epoch = time.perf_counter(), time.time()
    process = subprocess.Popen(
        [PYTHON, *args],
        cwd=ROOT,
        env=child_env(bytecode_cache=bytecode_cache),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent,
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{args[0]} did not exit within {TIMEOUT:.0f} s") from None
    finally:
        stop_process(process)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{args[0]} exited {process.returncode}: {(err or out).strip()[-2000:]}")
    if painted is not None:
        painted.append(json.loads(out.strip().splitlines()[-1])["painted"] - epoch)
    if phases is not None:
        report = json.loads(out.strip().splitlines()[-1])
        requests = report["requests"]
        phases.append(
            {
                "imports_done": report["imported"] - epoch,
                "first_request_sent": min(r["started"] for r in requests) - epoch,
                "requests_before_paint": sum(1 for r in requests if r["started"] < report["painted"]),
                "request_ms_before_paint": sum(r["latency_ms"] for r in requests if r["started"] < report["painted"]),
                "painted": report["painted"] - epoch,
                "exited": elapsed,
            }
        )
    return elapsed


def _import_seconds(module: str) -> float:
    """Median wall time of `python -c "import MODULE"` (3 runs), to show where startup goes."""
    return median([_timed(["-c", f"import {module}"]) for _ in range(3)])


def _kept_document(api_root: str, token: str) -> str:
    """A state directory holding the server's document as an earlier run kept it: how casatui starts every time but
    the first (see casatui/core/catalog_cache.py)."""
    import asyncio
    import tempfile
    from pathlib import Path

    from casatui.api import CasaClient, discover
    from casatui.core import catalog_cache

    state = tempfile.mkdtemp(prefix="casatui-bench-state-")

    async def keep() -> None:
        async with CasaClient(api_root, token) as client:
            catalog_cache.save(Path(state), client.root, await discover(client))

    asyncio.run(keep())
    return state


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    server = pool.get(JOBS)
    bare = [str(BENCH / "drivers" / "startup_bare.py")]
    first_run = [str(BENCH / "drivers" / "startup_casatui.py"), server.api_root, server.token]
    casa = [*first_run, _kept_document(server.api_root, server.token)]
    runs = QUICK_RUNS if quick else RUNS
    _timed(bare), _timed(casa)  # warm-up: file caches, .pyc files
    bare_times: list[float] = []
    casa_times: list[float] = []
    bare_painted: list[float] = []
    casa_painted: list[float] = []
    phases: list[dict[str, float]] = []
    for number in range(runs):
        bare_times.append(_timed(bare, painted=bare_painted))
        casa_times.append(_timed(casa, phases, painted=casa_painted))
        log(f"  run {number + 1}/{runs}: first paint bare {bare_painted[-1]:.3f} s, casatui {casa_painted[-1]:.3f} s"
            f" (exit {bare_times[-1]:.3f} / {casa_times[-1]:.3f} s)")  # fmt: skip
    details: dict[str, Any] = {
        "bare_painted_s": summary(bare_painted),
        "casatui_painted_s": summary(casa_painted),
        "bare_exit_s": summary(bare_times),
        "casatui_exit_s": summary(casa_times),
        "jobs": JOBS,
        "casatui_phases_s": {key: median([p[key] for p in phases]) for key in phases[0]},
    }
    first_painted: list[float] = []
    for _ in range(3 if quick else 7):  # the very first start against a server: its document not kept yet
        _timed(first_run, painted=first_painted)
    details["casatui_first_run_painted_s"] = summary(first_painted)
    if not quick:
        details["casatui_s_compiling_every_time"] = median([_timed(casa, bytecode_cache=False) for _ in range(3)])
        details["import_s"] = {
            "python -c pass": _import_seconds("sys"),
            "textual.app": _import_seconds("textual.app"),
            "casatui.ui.app": _import_seconds("casatui.ui.app"),
        }
    figure, baseline = median(casa_painted), median(bare_painted)
    value = ratio(figure, baseline)
    return [
        Result(
            name="startup",
            figure=figure,
            unit="s",
            baseline=baseline,
            baseline_label="bare Textual app, 1 Static",
            ratio=value,
            target=f"ratio <= {TARGET}",
            passed=value is not None and value <= TARGET,
            runs=runs,
            details=details,
        )
    ]
