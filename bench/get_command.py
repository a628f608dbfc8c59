"""get_command: `casatui get jobs -o json` (one page of 100, to a pipe) vs `curl … | python -m json.tool` on the same
page, whole process, wall clock.

Both run in turn against the 400-job demo server (A B A B …; the first pair is a warm-up, which also keeps the
server's API document in casatui's state directory, as any run after the first has it), and the ratio is taken pair by
pair so a drift of the machine's speed moves both. The page is the one casatui asks for: page 1 of 100, newest first.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import Result, ServerPool, child_env, median, summary

NAME = "get_command"
JOBS = 400
TARGET = 2.0
RUNS = 15
QUICK_RUNS = 5


def _wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.lstrip().startswith((b"[", b"{")):
        raise RuntimeError(f"{argv[:4]} failed with exit status {done.returncode}")
    return seconds


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    if shutil.which("curl") is None:
        raise RuntimeError("curl is not installed")
    server = pool.get(JOBS)
    runs = QUICK_RUNS if quick else RUNS
    url = f"{server.api_root}/jobs?page=1&max_results=100&sort=-start_time"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "config.toml").touch()
        env = child_env(CASATUI_CONFIG=f"{tmp}/config.toml", CASATUI_STATE_DIR=f"{tmp}/state",
                        CLOUDCASA_API_TOKEN=server.token)  # fmt: skip
        env.pop("CLOUDCASA_URL", None)
        casatui = [sys.executable, "-m", "casatui", "get", "jobs", "-o", "json", "--url", server.api_root]
        curl = ["sh", "-c", 'curl -sf -H "Authorization: Bearer $CLOUDCASA_API_TOKEN" "$1" | python3 -m json.tool',
                "sh", url]  # fmt: skip
        log(f"  {runs} pairs (casatui get, curl | json.tool) …")
        a: list[float] = []
        b: list[float] = []
        for index in range(runs + 1):
            pair = (_wall(casatui, env) * 1000, _wall(curl, env) * 1000)
            if index:  # the first is a warm-up
                a.append(pair[0])
                b.append(pair[1])
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    value = median(ratios)
    log(f"  … casatui {median(a):.0f} ms, curl | json.tool {median(b):.0f} ms, ratio {value:.2f} (medians)")
    return [
        Result(
            name=NAME,
            figure=median(a),
            unit="ms",
            baseline=median(b),
            baseline_label="curl | python -m json.tool on the same page (whole process, wall)",
            ratio=value,
            target=f"ratio <= {TARGET}",
            passed=value <= TARGET,
            runs=runs,
            details={"casatui_ms": summary(a), "curl_ms": summary(b), "ratios": summary(ratios)},
        )
    ]
