"""`casatui run COLLECTION NAME|ID [--wait]`: a definition run now, and the job it started.

The job is found as the explorer finds it (`core/runs.py`); CloudCasa creates it a moment after answering, so it is
looked for a few times. A run whose job does not show is still a run started: without --wait that is success (exit
0, with how to find the job); with --wait there is nothing to follow, so it is a failure (exit 1, or 11 when --timeout
passed first).

--wait follows the job with GETs carrying If-None-Match (an unchanged job costs a 304), every couple of seconds,
slower as it goes on, until its state is one the profile calls final. Success is the overlay's (`succeeded`); any
other final state is exit 10.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from ..api.models import Item
from ..core.cloudcasa import JOBS
from ..core.formatting import size
from ..core.listing import slim
from ..core.profiles import Profile
from ..core.runs import find_job, start_run
from ..core.safe_text import safe_json, visible
from ..core.session import Session
from ..core.summaries import JobSummary, succeeded, summarize_job
from . import exits
from .confirm import check_given_name, protected_name, refuse_if_read_only
from .exits import CommandError
from .lookup import find, profile_for
from .output import ProgressLine

POLL_FIRST = 2.0  # seconds between two looks at the job
POLL_MOST = 10.0
POLL_GROWTH = 1.2
FIND_TRIES = (0.5, 1.0, 2.0, 3.0)  # pauses before looking for the new job again (about 6.5 s in all)
FIND_FOR_AT_MOST = 60.0  # --wait without --timeout: how long a job that does not show is looked for


class Clock:
    """--timeout's deadline (None: no deadline)."""

    def __init__(self, timeout: float | None) -> None:
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def passed(self) -> bool:
        left = self.left()
        return left is not None and left <= 0

    async def pause(self, seconds: float) -> None:
        left = self.left()
        await asyncio.sleep(max(0.0, min(seconds, left)) if left is not None else seconds)


def job_line(summary: JobSummary) -> str:
    name = summary.run_name or summary.title
    parts = [f"{JOBS}/{visible(name)} ({visible(summary.id)})", visible(summary.state or "(no state)")]
    if summary.title and summary.title != name:
        parts.append(f"of {visible(summary.title)}")
    return " ".join(parts)


def progress_text(summary: JobSummary) -> str:
    """How far the job got, as far as it counts (bytes copied, volumes snapshotted)."""
    parts = []
    if summary.copy is not None:
        done, total = summary.copy.done, summary.copy.total
        parts.append(f"copied {size(done)} of {size(total)} ({100 * done // total}%)")
    if summary.snapshot is not None:
        parts.append(f"volumes {summary.snapshot.done}/{summary.snapshot.total}")
    return ", ".join(parts)


def write_job(job: dict[str, Any], jobs: Profile, form: str) -> None:
    if form == "json":
        print(safe_json(slim([job])[0], indent=2), flush=True)
    else:
        print(job_line(summarize_job(job, jobs)), flush=True)


async def look_for_job(
    session: Session, profile: Profile, item_id: str, since: dict[str, Any], clock: Clock, *, wait: bool
) -> dict[str, Any] | None:
    link = profile.jobs_link
    assert link is not None
    jobs = session.profile_of(JOBS)
    pauses = list(FIND_TRIES)
    started = time.monotonic()
    while True:
        job = await find_job(session.client, jobs, link, item_id, since)
        if job is not None:
            return job
        if clock.passed():
            return None
        if pauses:
            await clock.pause(pauses.pop(0))
        elif wait and (clock.deadline is not None or time.monotonic() - started < FIND_FOR_AT_MOST):
            await clock.pause(POLL_FIRST)
        else:
            return None


async def follow(session: Session, job: dict[str, Any], clock: Clock) -> tuple[dict[str, Any], bool]:
    """The job once its state is final (True), or as last seen when the deadline passed (False)."""
    jobs = session.profile_of(JOBS)
    line = ProgressLine(sys.stderr)
    item = Item(JOBS, job, str(job.get("_etag", "")))
    pause = POLL_FIRST
    try:
        while True:
            summary = summarize_job(item.data, jobs)
            if jobs.is_final(summary.state):
                return dict(item.data), True
            progress = progress_text(summary)
            line.update(f"{job_line(summary)}{': ' if progress else ''}{progress}")
            if clock.passed():
                return dict(item.data), False
            await clock.pause(pause)
            pause = min(POLL_MOST, pause * POLL_GROWTH)
            newer = await session.client.get(JOBS, item.id, if_none_match=item.etag or None)
            if newer is not None:
                item = newer
    finally:
        line.end()


async def run(args: Any, session: Session) -> int:
    client = session.client
    profile = await profile_for(session, args.collection)
    if profile.run_action is None:
        hint = "" if client.trust_api_docs else " (nor does casatui know one for it)"
        raise CommandError(f"{profile.collection} has no run action: the server's API document offers none{hint}",
                           exits.REFUSED)  # fmt: skip
    if args.wait and profile.jobs_link is None:
        raise CommandError(f"--wait cannot follow a run of {profile.collection}: casatui knows no field of a job "
                           "that points at it; nothing was started", exits.REFUSED)  # fmt: skip
    if args.timeout is not None and not args.wait:
        raise CommandError("--timeout goes with --wait", exits.USAGE)
    if args.timeout is not None and not args.timeout > 0:  # (NaN too)
        raise CommandError("--timeout must be a number of seconds above 0", exits.USAGE)
    refuse_if_read_only(session, "run")
    item = await find(session, profile, args.target)
    name = profile.name_of(item.data)
    shown = f"{profile.collection}/{visible(name)} ({visible(item.id)})"
    confirmed = check_given_name(args.confirm, name, shown, "nothing was started")
    if session.settings.protected and not confirmed:
        protected_name(session, "run", shown, name, "nothing was started")
    since = await start_run(client, profile, item)
    clock = Clock(args.timeout)
    form = args.output or "text"
    if profile.jobs_link is None:
        exits.say(f"Started {shown}; its jobs do not point at it, so the job cannot be shown")
        return exits.OK
    job = await look_for_job(session, profile, item.id, since, clock, wait=args.wait)
    if job is None:
        where = f"{profile.jobs_link}={item.id}"
        exits.say(f"Started {shown}, but its job does not show yet: casatui get jobs --where '{where}' "
                  "--sort -_created --limit 1")  # fmt: skip
        if not args.wait:
            return exits.OK
        return exits.TIMED_OUT if clock.deadline is not None else exits.FAILED
    if not args.wait:
        write_job(job, session.profile_of(JOBS), form)
        return exits.OK
    job, ended = await follow(session, job, clock)
    jobs = session.profile_of(JOBS)
    write_job(job, jobs, form)
    summary = summarize_job(job, jobs)
    if not ended:
        exits.say(f"{job_line(summary)} after {args.timeout:g} s; it goes on")
        return exits.TIMED_OUT
    if succeeded(summary.state):
        return exits.OK
    message = f": {summary.message}" if summary.message else ""
    exits.say(f"{job_line(summary)}{message}")
    return exits.JOB_FAILED
