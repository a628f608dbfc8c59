"""Run casatui's benchmarks and print a table (and write JSON).

    python bench/run.py [--quick] [--only NAME ...] [--json PATH]

NAME is one of the benchmarks `--help` lists, each described in bench/README.md.
Demo servers run in their own processes on ephemeral loopback ports and are stopped when the run ends, whatever
happens; each in-process measurement runs in a fresh worker process of its own.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import big_document
import big_table
import demo_server
import editor_typing
import endurance
import filter_round_trip
import first_page
import first_second
import get_command
import startup
from common import BENCH, Result, ServerPool, failed, loadavg, machine

# In this order, so each demo server is seeded once and stopped when nothing else needs it.
# endurance, big_document_editor and editor_typing change their server's data (and endurance needs activity on): each
# starts and stops a demo server of its own, so they need nothing from the pool.
BENCHMARKS = {
    module.NAME: module
    for module in (
        startup,
        first_second,
        filter_round_trip,
        get_command,
        first_page,
        big_table,
        demo_server,
        endurance,
        big_document,
        editor_typing,
    )
}
NEEDS: dict[str, set[int]] = {
    "startup": {400},
    "first_second": {400},
    "filter_round_trip": {400},
    "get_command": {400},
    "first_page": {100, 100_000},
    "big_table": {100_000},
    "demo_server": {1_000, 100_000},
    "endurance": set(),
    "big_document_editor": set(),
    "editor_typing": set(),
}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if not unit and float(value).is_integer():  # counts (edits, crashes, workers…)
        return f"{int(value):,}"
    if unit == "MB" or abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if unit != "s" else f"{value:.3f}"
    return f"{text} {unit}".strip()


def table(results: list[Result]) -> str:
    head = ("benchmark", "figure", "baseline", "ratio", "target", "result", "runs")
    rows = []
    for r in results:
        if r.error:
            rows.append((r.name, "ERROR", "-", "-", r.target or "-", "FAIL", "-"))
            continue
        baseline = _number(r.baseline, r.unit) if r.baseline is not None else "(absolute)"
        verdict = "-" if r.passed is None else "pass" if r.passed else "FAIL"
        rows.append(
            (
                r.name,
                _number(r.figure, r.unit),
                baseline,
                f"{r.ratio:.2f}x" if r.ratio is not None else "-",
                r.target or "-",
                verdict,
                str(r.runs or "-"),
            )
        )
    widths = [max(len(str(row[i])) for row in (head, *rows)) for i in range(len(head))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (head, tuple("-" * w for w in widths), *rows)
    ]
    notes = []
    for r in results:
        if r.error:
            notes.append(f"  {r.name}: {r.error.splitlines()[-1] if r.error.strip() else r.error}")
        elif r.baseline_label:
            notes.append(f"  {r.name}: baseline = {r.baseline_label}")
    return "\n".join(lines) + ("\n\nbaselines and errors:\n" + "\n".join(notes) if notes else "")


def machine_text(info: dict[str, Any]) -> str:
    versions = info["versions"]
    memory = f", {info['memory_mb'] / 1024:.0f} GB RAM" if info.get("memory_mb") else ""
    return (
        f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable){memory}\n"
        f"         Python {info['python']} ({info['implementation']}), Textual {versions['textual']}, "
        f"Rich {versions['rich']}, httpx {versions['httpx']}, casatui {versions['casatui']}"
        + (f" @ {info['commit']}" if info.get("commit") else "")
        + f"\n         load average (1/5/15 min) at start {info['loadavg_at_start']}"
        + (f", at end {info['loadavg_at_end']}" if info.get("loadavg_at_end") else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and moves; endurance runs 30 s")
    parser.add_argument(
        "--only", nargs="+", choices=list(BENCHMARKS), metavar="NAME", help=f"run only these: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=BENCH / "results" / "latest.json",
        metavar="PATH",
        help="where to write the results (default: bench/results/latest.json)",
    )
    args = parser.parse_args(argv)

    def terminated(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)  # unwinds through `finally`: servers and workers are stopped

    signal.signal(signal.SIGTERM, terminated)
    chosen = [name for name in BENCHMARKS if not args.only or name in args.only]
    info = machine()
    mode = "quick" if args.quick else "full"
    log(machine_text(info))
    log(f"mode: {mode}; benchmarks: {', '.join(chosen)}\n")
    results: list[Result] = []
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    with ServerPool(log) as pool:
        for position, name in enumerate(chosen):
            log(f"[{name}]")
            started = time.perf_counter()
            try:
                results.extend(BENCHMARKS[name].run(pool, args.quick, log))
            except Exception as error:  # one broken benchmark must not hide the others
                log(traceback.format_exc())
                results.append(failed(name, f"{type(error).__name__}: {error}"))
            seconds[name] = time.perf_counter() - started
            log(f"  ({seconds[name]:.0f} s)\n")
            still_needed = set().union(*(NEEDS[n] for n in chosen[position + 1 :]))
            for jobs in list(pool.servers):
                if jobs not in still_needed:
                    pool.release(jobs)
    total = time.perf_counter() - began
    info["loadavg_at_end"] = loadavg()

    report = {
        "mode": mode,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": {"total": total, **seconds},
        "machine": info,
        "results": [r.as_dict() for r in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(machine_text(info))
    print(f"mode: {mode}; total {total:.0f} s; medians (runs = how many)\n")
    print(table(results))
    print(f"\nJSON: {args.json}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
