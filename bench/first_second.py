"""first_second: a key pressed as the first rows appear, against the same key a few seconds later (target: ratio
<= 1.5).

Each round starts a fresh casatui as `startup` does (the real command in a 120x35 pseudo-terminal, the server's
document kept by an earlier run, 400 jobs), sends `j` the moment the terminal first shows a job row, and times
until the table's position line says "2 of 400" (the line is updated as the cursor is set, so it is painted in the
same frame as the moved cursor). Three seconds later, the app idle, `j` again, timed until "3 of 400". Both are
times on the terminal: from the key's bytes written to the frame showing its effect read. Median of each over the
rounds; the figure is the first key's, the baseline the rested one's.

What the first key waits for is whatever start-up still runs on the UI's event loop after the first rows: that is
what the target is about (discovery, imports, the preview, footers rebuilt).
"""

from __future__ import annotations

import time
from typing import Any

from common import Result, ServerPool, median, ratio, summary
from startup import JOBS, TIMEOUT, casatui_terminal, job_row_shown, position_shows

NAME = "first_second"
TARGET = 1.5
ROUNDS = 11
QUICK_ROUNDS = 4
REST = 3.0  # seconds between the first rows and the second key: the app is idle by then


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    server = pool.get(JOBS)
    rounds = QUICK_ROUNDS if quick else ROUNDS
    first: list[float] = []
    rested: list[float] = []
    shown_at: list[float] = []
    with casatui_terminal(server.api_root, server.token) as casa:
        for number in range(rounds + 1):  # the first is a warm-up
            with casa.start() as term:
                shown = term.wait_for(job_row_shown, timeout=TIMEOUT)
                sent = term.send("j")
                moved = term.wait_for(position_shows(2), after=sent, timeout=TIMEOUT)
                time.sleep(max(0.0, shown + REST - time.perf_counter()))
                sent_again = term.send("j")
                moved_again = term.wait_for(position_shows(3), after=sent_again, timeout=TIMEOUT)
            if number:
                shown_at.append((shown - term.spawned) * 1000)
                first.append((moved - sent) * 1000)
                rested.append((moved_again - sent_again) * 1000)
                log(f"  round {number}/{rounds}: first j {first[-1]:.0f} ms, rested j {rested[-1]:.0f} ms "
                    f"(rows shown {shown_at[-1]:.0f} ms after spawn, "
                    f"key sent {(sent - shown) * 1000:.1f} ms later)")  # fmt: skip
    figure, baseline = median(first), median(rested)
    value = ratio(figure, baseline)
    log(f"  … first j {figure:.0f} ms, rested j {baseline:.0f} ms, ratio {value:.2f} (medians)")
    return [
        Result(
            name=NAME,
            figure=figure,
            unit="ms",
            baseline=baseline,
            baseline_label=f"the same key {REST:.0f} s after the first rows (app idle)",
            ratio=value,
            target=f"ratio <= {TARGET}",
            passed=value is not None and value <= TARGET,
            runs=rounds,
            details={
                "first_key_ms": summary(first),
                "rested_key_ms": summary(rested),
                "rows_shown_ms": summary(shown_at),
                "jobs": JOBS,
            },
        )
    ]
