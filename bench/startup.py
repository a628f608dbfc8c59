"""startup: spawn to the first job row shown on a real terminal, against a bare Textual app showing one Static.

Both run as a person runs them, in a pseudo-terminal of 120x35 read into a screen emulator (`terminal.Terminal`),
and are timed from spawn to the moment the terminal first shows, between two frames, what they are started for:
the bare app's text; for casatui a job row under the table's header. Interleaved (bare, casatui, bare, …) after a
discarded warm-up of each; the parent kills each process once it is shown, so shutdown is not counted.

casatui is the real command, `python -m casatui --url API_ROOT --resource jobs`, the token in
`CLOUDCASA_API_TOKEN`, against a demo server of 400 jobs with no activity in another process, so its figure holds
the requests the first rows need. Its configuration, state and cache directories (XDG) are a temporary directory
that an earlier, discarded run filled with the server's document, as a user's second run has it. `first_second.py`
uses the same set-up (`CasaTerminal`).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import BENCH, PYTHON, Result, ServerPool, child_env, median, ratio, summary
from terminal import Screen, Terminal

NAME = "startup"
JOBS = 400
TARGET = 1.25
RUNS = 21
QUICK_RUNS = 4
TIMEOUT = 60.0
SIZE = (120, 35)

BARE_TEXT = "Hello from a bare Textual app"
_STATES = re.compile(r"\b(?:COMPLETED|FAILED|RUNNING|PARTIAL|SKIPPED|CANCELLED|PENDING|QUEUED)\b")


def bare_shown(screen: Screen) -> bool:
    return BARE_TEXT in screen.text()


def job_row_shown(screen: Screen) -> bool:
    """A job row under the table's header: the line after the one naming the columns has a state in the State
    column (not "Loading…", not a placeholder)."""
    for y in range(SIZE[1] - 1):
        header = screen.row(y)
        column = header.find(" State ")
        if column != -1 and "Name" in header:
            below = screen.row(y + 1)
            return bool(_STATES.match(below, column + 1))
    return False


def position_shows(row: int, total: int = JOBS) -> Any:
    """A condition: the table's position line says the cursor is on `row` (1-based), "2 of 400"."""
    pattern = re.compile(rf"(?:^|[\s▎]){row:,} of {total:,}\b")

    def condition(screen: Screen) -> bool:
        return any(pattern.search(screen.row(y)) for y in range(SIZE[1] - 4, SIZE[1]))

    return condition


class CasaTerminal:
    """casatui as a user starts it, with a state directory an earlier run filled with the server's document."""

    def __init__(self, api_root: str, token: str, home: Path) -> None:
        (home / "config").mkdir(parents=True, exist_ok=True)
        self.env = child_env(
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CACHE_HOME=str(home / "cache"),
            XDG_DATA_HOME=str(home / "data"),
            CLOUDCASA_API_TOKEN=token,
        )
        for name in ("CASATUI_CONFIG", "CASATUI_STATE_DIR", "CLOUDCASA_URL", "CASATUI_PROFILE"):
            self.env.pop(name, None)
        self.argv = [PYTHON, "-m", "casatui", "--url", api_root, "--resource", "jobs"]
        self.home = home

    def start(self) -> Terminal:
        return Terminal(self.argv, size=SIZE, env=self.env)

    def prepare(self) -> None:
        """A first run, discarded: it keeps the server's document in the state directory once discovery is done."""
        with self.start() as term:
            term.wait_for(job_row_shown, timeout=TIMEOUT)
            for _ in range(100):
                if any((self.home / "state").rglob("*.json")):
                    break
                time.sleep(0.1)
        if not any((self.home / "state").rglob("*.json")):
            raise RuntimeError("the first run kept no API document in its state directory")


@contextmanager
def casatui_terminal(api_root: str, token: str) -> Iterator[CasaTerminal]:
    home = Path(tempfile.mkdtemp(prefix="casatui-bench-home-"))
    try:
        casa = CasaTerminal(api_root, token, home)
        casa.prepare()
        yield casa
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _shown(argv_or_casa: Any, condition: Any) -> float:
    """Seconds from spawn to the condition shown, in a fresh process that is then killed."""
    if isinstance(argv_or_casa, CasaTerminal):
        term = argv_or_casa.start()
    else:
        term = Terminal(argv_or_casa, size=SIZE, env=child_env())
    with term:
        return term.wait_for(condition, timeout=TIMEOUT) - term.spawned


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    server = pool.get(JOBS)
    bare = [PYTHON, str(BENCH / "drivers" / "startup_bare.py")]
    runs = QUICK_RUNS if quick else RUNS
    bare_s: list[float] = []
    casa_s: list[float] = []
    with casatui_terminal(server.api_root, server.token) as casa:
        _shown(bare, bare_shown), _shown(casa, job_row_shown)  # warm-up: file caches, .pyc files
        for number in range(runs):
            bare_s.append(_shown(bare, bare_shown))
            casa_s.append(_shown(casa, job_row_shown))
            log(f"  run {number + 1}/{runs}: shown bare {bare_s[-1] * 1000:.0f} ms, casatui {casa_s[-1] * 1000:.0f} ms")
    figure, baseline = median(casa_s) * 1000, median(bare_s) * 1000
    value = ratio(figure, baseline)
    ratios = [c / b for c, b in zip(casa_s, bare_s, strict=True)]
    log(f"  … bare {baseline:.0f} ms, casatui {figure:.0f} ms, ratio {value:.2f} (medians)")
    return [
        Result(
            name=NAME,
            figure=figure,
            unit="ms",
            baseline=baseline,
            baseline_label="bare Textual app, 1 Static, spawn to its text shown (120x35 terminal)",
            ratio=value,
            target=f"ratio <= {TARGET}",
            passed=value is not None and value <= TARGET,
            runs=runs,
            details={
                "bare_ms": summary([s * 1000 for s in bare_s]),
                "casatui_ms": summary([s * 1000 for s in casa_s]),
                "pair_ratios": summary(ratios),
                "jobs": JOBS,
                "size": list(SIZE),
            },
        )
    ]
