"""`casatui overview [-o text|json]`: what the TUI's overview screen shows (`core.overview.gather_overview`), as
aligned text or as JSON for scripts and monitoring.

Text is the default, also in a pipe: the overview is read by people, and a script asks for `-o json`, whose shape
is stable (documented in the README):

    {"time": ISO, "clusters": COUNTS|null, "jobs_last_day": COUNTS+{"since", "time_field"}|null,
     "running": [ENTRY], "storage": [ENTRY], "attention": [ENTRY], "could_not_load": [{"part", "error"}]}

COUNTS is {"field", "total", "states": {STATE: n}, "other", "no_state"} (states, other and no_state add up to
total); ENTRY is {"collection", "id", "name", "state", "reason", "time"}; `attention` lists the agents not
reporting, the failed and partial jobs of the last day and the storage not ready. A part that could not be loaded
is null (or empty) and named in `could_not_load`, never counted as zero; a part this server's document does not
have (no clusters, no jobs) is null without being named there.

Exit status: 0; 1 when a part could not be loaded (what could be is still written); when nothing could, the status
of why: 7 the token, 8 the network, 9 the server.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Any

from ..core import formatting as fmt
from ..core.cloudcasa import CLUSTERS, JOBS
from ..core.overview import DAY, Attention, Overview, StateCounts, gather_overview
from ..core.safe_text import safe_json, visible
from ..core.session import Session
from ..core.summaries import JobSummary
from . import exits
from .lookup import ensure_catalog
from .output import Lines


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- JSON ------------------------------------------------------------------------------------------------------


def counts_json(counts: StateCounts | None) -> dict[str, Any] | None:
    if counts is None:
        return None
    return {"field": counts.field, "total": counts.total, "states": dict(counts.states), "other": counts.other,
            "no_state": counts.no_state}  # fmt: skip


def job_entry(job: JobSummary, reason: str | None = None) -> dict[str, Any]:
    return {"collection": JOBS, "id": job.id, "name": job.title, "state": job.state,
            "reason": job.message if reason is None else reason, "time": iso(job.start)}  # fmt: skip


def last_heartbeat(cluster: Attention, now: float) -> str:
    return f"last heartbeat {fmt.relative(cluster.heard, now)}" if cluster.heard else "no heartbeat yet"


def heard(cluster: Attention, now: float) -> str:
    """For the text: when its agent was last heard of, and what the server says about it."""
    return last_heartbeat(cluster, now) + (f": {fmt.one_line(cluster.detail)}" if cluster.detail else "")


def silent_reason(cluster: Attention, now: float) -> str:
    """For the JSON: the same, as data (the detail as the server wrote it)."""
    return f"agent not reporting ({last_heartbeat(cluster, now)})" + (f": {cluster.detail}" if cluster.detail else "")


def document_entry(document: Attention, reason: str) -> dict[str, Any]:
    return {"collection": document.collection, "id": document.id, "name": document.name, "state": document.state,
            "reason": reason, "time": iso(document.heard)}  # fmt: skip


def problems(data: Overview) -> list[dict[str, str]]:
    """The parts that could not be loaded and why (`problems` holds "<part>: <error>")."""
    found = []
    for problem in data.problems:
        part, _, error = problem.partition(": ")
        found.append({"part": part, "error": error} if part in data.failed_parts else {"part": "", "error": problem})
    return found


def as_json(data: Overview, now: float) -> dict[str, Any]:
    jobs = counts_json(data.jobs_today)
    if jobs is not None:
        jobs = {"since": iso(now - DAY), "time_field": data.jobs_time_field, **jobs}
    storage = [document_entry(d, d.detail or "not ready") for d in (*data.storage, *data.accounts)]
    attention = [document_entry(c, silent_reason(c, now)) for c in data.silent_clusters]
    attention += [job_entry(job) for job in data.failed]
    attention += storage
    return {
        "time": iso(now),
        "clusters": counts_json(data.clusters),
        "jobs_last_day": jobs,
        "running": [job_entry(job) for job in data.running],
        "storage": storage,
        "attention": attention,
        "could_not_load": problems(data),
    }


# -- text ------------------------------------------------------------------------------------------------------


def counts_rows(counts: StateCounts) -> list[list[str]]:
    """A line per state, then "other" and "no state": lines that add up to the total."""
    rows = [(visible(state), n) for state, n in counts.states.items()]
    rows += [(label, n) for label, n in (("other", counts.other), ("no state", counts.no_state)) if n]
    return [[state, str(n).rjust(6)] for state, n in rows]


def write_text(data: Overview, now: float, out: Lines) -> None:
    def counts(title: str, value: StateCounts | None, part: str) -> None:
        if value is not None:
            out.section(f"{title} ({value.total})")
            out.table(counts_rows(value), state_column=0)
        elif part in data.failed_parts:
            out.section(title)
            out.line("  could not load (see below)")

    counts("Clusters", data.clusters, CLUSTERS)
    if data.silent_clusters:
        out.section(f"Agents not reporting ({len(data.silent_clusters)})")
        out.table([[visible(c.name), visible(c.state), heard(c, now)] for c in data.silent_clusters], state_column=1)
    counts(f"Jobs of the last 24 hours, by {data.jobs_time_field}", data.jobs_today, JOBS)
    if data.running:
        out.section(f"Running now ({len(data.running)})")
        out.table([job_row(job, now) for job in data.running], state_column=1)
    if data.jobs_today is not None:
        out.section(f"Failed and partial, last 24 hours, newest first ({len(data.failed)})")
        if not data.failed:
            out.line("  none")
        out.table([job_row(job, now) for job in data.failed], state_column=1)
    stores = [*data.storage, *data.accounts]
    if stores:
        out.section(f"Storage and cloud accounts not ready ({len(stores)})")
        rows = [[s.collection, visible(s.name), visible(s.state) or "<none>", fmt.one_line(s.detail)] for s in stores]
        out.table(rows, state_column=2)
    if data.problems:
        out.section("Could not load")
        for problem in data.problems:
            out.line(f"  {visible(problem)}")


def job_row(job: JobSummary, now: float) -> list[str]:
    started = fmt.relative(job.start, now) if job.start is not None else ""
    return [visible(job.id), visible(job.state) or "<none>", started, fmt.one_line(job.title, 40),
            fmt.one_line(job.context, 30), fmt.one_line(job.message, 200)]  # fmt: skip


async def run(args: Any, session: Session) -> int:
    await ensure_catalog(session)
    now = session.now()
    data = await gather_overview(session.client, session.profiles, now)
    if args.output == "json":
        sys.stdout.write(safe_json(as_json(data, now), indent=2) + "\n")
    else:
        write_text(data, now, Lines(sys.stdout, colour=sys.stdout.isatty()))
    sys.stdout.flush()
    if not data.problems:
        return exits.OK
    fixes = "".join(f"; {fix}" for fix in data.fixes)  # what would make them load (a token, the URL, …)
    exits.say(f"{len(data.problems)} part(s) of the overview could not be loaded{fixes}")
    if data.clusters is None and data.jobs_today is None and data.errors:
        return exits.status_of(data.errors[0])  # nothing could be loaded: why (the token, the network, the server)
    return exits.FAILED
