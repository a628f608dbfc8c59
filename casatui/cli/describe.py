"""`casatui describe COLLECTION NAME|ID`: one document as text, for troubleshooting, like `kubectl describe`.

What is shown, each part only where the collection's profile has it: the document's name, id, state and Eve's
times; what it points at, by name; a job's run (state, times, progress, counts, the server's message) and its
activity; a definition's trigger, policy, schedule and next run; a policy's schedule and next run; every field as
indented text (times as UTC with their age); and the latest jobs that point at the document.

Every string from the server passes `visible` (stdout may be a terminal); states are coloured only on a terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from ..api.errors import ApiError
from ..api.sort import format_sort
from ..core import formatting as fmt
from ..core.cloudcasa import JOBS, POLICIES
from ..core.profiles import Profile
from ..core.safe_text import visible
from ..core.session import Session
from ..core.summaries import (
    JobSummary,
    PolicySchedule,
    Reference,
    policy_schedule,
    references_of,
    summarize_definition,
    summarize_job,
)
from . import exits
from .exits import CommandError
from .lookup import find, profile_for
from .output import Lines

# Eve's own fields: shown in the heading (`_links` not at all: it repeats the references).
HEADING_FIELDS = ("_id", "_created", "_updated", "_etag")
LEFT_OUT = ("_links",)
KEY_WIDTH = 24  # keys longer than this do not push the values of their siblings further right
INLINE_LIST = 80  # a list of scalars this long or shorter is written on its key's line
# A number in a field named so is a time (epoch seconds); other numbers are counts or sizes, whatever their value.
TIME_NAME = re.compile(r"(time|timestamp|date|_at$|expir|heartbeat)", re.IGNORECASE)


def utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def moment(epoch: float, now: float) -> str:
    """`2026-12-02 06:30:10 UTC (6h ago)`."""
    return f"{utc(epoch)} ({fmt.relative(epoch, now)})"


class Text(Lines):
    """The lines of the description, written as they are made; `colour` only when stdout is a terminal."""

    def pairs(self, rows: list[tuple[str, str]], indent: int = 0) -> None:
        """Labels and values, the values aligned; labels are casatui's, values already made visible."""
        width = min(KEY_WIDTH, max((len(label) for label, _ in rows), default=0)) + 2
        for label, value in rows:
            first, *rest = value.split("\n")
            self.line(" " * indent + f"{label + ':':<{width}}{first}")
            for line in rest:
                self.line(" " * (indent + width) + line)


# -- the fields ------------------------------------------------------------------------------------------------


class Fields:
    """A document's fields as indented text: times with their age, references with the name they point at."""

    def __init__(self, profile: Profile, now: float, names: Mapping[str, str]) -> None:
        self.profile = profile
        self.now = now
        self.names = names  # field -> the name of the document it points at
        self.time_fields = {c.key for c in profile.columns if c.kind == "time"}
        self.time_fields |= {f for f in (profile.start_field, profile.end_field) if f}

    def is_time(self, path: str, value: Any) -> bool:
        if isinstance(value, str):
            return fmt.as_epoch(value) is not None  # Eve's RFC 1123 dates
        if fmt.as_epoch(value) is None:
            return False
        if path in self.time_fields:
            return True
        spec = self.profile.resource.field(path) if self.profile.resource is not None else None
        if spec is not None and spec.type == "datetime":
            return True
        return bool(TIME_NAME.search(path.rsplit(".", 1)[-1]))

    def scalar(self, path: str, value: Any) -> str:
        if value is None:
            return "<none>"
        if isinstance(value, bool):
            return "true" if value else "false"
        if self.is_time(path, value):
            epoch = fmt.as_epoch(value)
            assert epoch is not None
            return moment(epoch, self.now)
        if path in self.names:
            return f"{visible(self.names[path])} ({visible(str(value))})"
        return visible(str(value), newlines=True)

    def lines(self, document: Mapping[str, Any], path: str = "", indent: int = 2) -> Iterator[str]:
        keys = [k for k in document if not (not path and (k in HEADING_FIELDS or k in LEFT_OUT))]
        width = min(KEY_WIDTH, max((len(visible(str(k))) for k in keys), default=0)) + 2
        for key in keys:
            value = document[key]
            label = visible(str(key)) + ":"
            label = label if len(label) < width else label + " "
            here = f"{path}.{key}" if path else str(key)
            yield from self.entry(label, here, value, indent, width)

    def entry(self, label: str, path: str, value: Any, indent: int, width: int) -> Iterator[str]:
        pad = " " * indent
        if isinstance(value, dict):
            if not value:
                yield f"{pad}{label:<{width}}{{}}"
                return
            yield pad + label
            yield from self.lines(value, path, indent + 2)
            return
        if isinstance(value, list):
            if not value:
                yield f"{pad}{label:<{width}}[]"
                return
            if not any(isinstance(v, (dict, list)) for v in value):
                joined = ", ".join(self.scalar(path, v) for v in value)
                if len(joined) <= INLINE_LIST and "\n" not in joined:
                    yield f"{pad}{label:<{width}}{joined}"
                    return
            yield pad + label
            for index, item in enumerate(value):
                yield from self.item(f"{path}.{index}", item, indent + 2)
            return
        text = self.scalar(path, value)
        first, *rest = text.split("\n")
        yield f"{pad}{label:<{width}}{first}"
        yield from (pad + " " * width + line for line in rest)

    def item(self, path: str, value: Any, indent: int) -> Iterator[str]:
        """One element of a list, YAML-like: `- ` before its first line."""
        pad = " " * indent
        if isinstance(value, dict) and value:
            inner = list(self.lines(value, path, indent + 2))
            yield pad + "- " + inner[0][indent + 2 :]
            yield from inner[1:]
        elif isinstance(value, list) and value:
            yield pad + "-"
            for index, item in enumerate(value):
                yield from self.item(f"{path}.{index}", item, indent + 2)
        else:
            shown = "{}" if isinstance(value, dict) else "[]" if isinstance(value, list) else self.scalar(path, value)
            first, *rest = shown.split("\n")
            yield f"{pad}- {first}"
            yield from (pad + "  " + line for line in rest)


# -- the command -----------------------------------------------------------------------------------------------


async def run(args: Any, session: Session) -> int:
    if args.last < 0:
        raise CommandError("--last must be 0 or more", exits.USAGE)
    profile = await profile_for(session, args.collection)
    document = dict((await find(session, profile, args.target, {})).data)
    now = session.now()
    out = Text(sys.stdout, colour=sys.stdout.isatty())
    references = await named_references(session, profile, document)
    status = exits.OK

    heading(out, profile, document, now)
    if references:
        out.section("References:")
        out.pairs([(r.label, f"{visible(r.name)} ({r.collection} {visible(r.id)})") for r in references], 2)
    job: JobSummary | None = None
    if profile.view == "job":
        job = summarize_job(document, profile, session.names)
        describe_job(out, job, now)
    if profile.view == "definition":
        status = max(status, await describe_definition(out, session, profile, document, now))
    if profile.collection == POLICIES:
        describe_schedule(out, policy_schedule(document, profile, now), paused=False, now=now)
    out.section("Fields:")
    names = {r.field: r.name for r in references if r.name != r.id}
    for line in Fields(profile, now, names).lines(document):
        out.line(line)
    if job is not None and job.activity:
        out.section("Activity:")
        for entry in job.activity:
            out.line(f"  {visible(entry.when):<24} {visible(entry.what)}" if entry.when else f"  {visible(entry.what)}")
    if profile.jobs_link is not None and args.last > 0 and offered(session, JOBS):
        status = max(status, await latest_jobs(out, session, profile, document, args.last, now))
    sys.stdout.flush()
    return status


def offered(session: Session, collection: str) -> bool:
    catalog = session.catalog
    return catalog is None or catalog.source != "server" or collection in catalog.resources


async def named_references(session: Session, profile: Profile, document: Mapping[str, Any]) -> tuple[Reference, ...]:
    """What the document points at, with the names of those it does not name itself (looked up, a batch each)."""
    wanted: dict[str, set[str]] = {}
    for reference in references_of(document, profile):
        if not reference.carried and offered(session, reference.collection):
            wanted.setdefault(reference.collection, set()).add(reference.id)
    for collection, ids in wanted.items():
        await session.resolve_names(collection, ids)
    return references_of(document, profile, session.names)


def heading(out: Text, profile: Profile, document: Mapping[str, Any], now: float) -> None:
    rows = [
        ("Name", visible(profile.name_of(document))),
        ("Collection", f"{profile.collection} ({visible(profile.title)})"),
        ("ID", visible(fmt.as_text(document.get("_id")))),
    ]
    if profile.state_field is not None:
        rows.append(("State", out.state(profile.state_of(document)) or "<none>"))
    for key, label in (("_created", "Created"), ("_updated", "Updated")):
        epoch = fmt.as_epoch(document.get(key))
        if epoch is not None:
            rows.append((label, moment(epoch, now)))
    if document.get("_etag"):
        rows.append(("Etag", visible(str(document["_etag"]))))
    out.pairs(rows)


def describe_job(out: Text, job: JobSummary, now: float) -> None:
    out.section("Run:")
    rows = [("State", out.state(job.state) or "<none>")]
    if job.type:
        rows.append(("Type", visible(job.type)))
    if job.run_name and job.run_name != job.title:
        rows.append(("Run name", visible(job.run_name)))
    if job.start is not None:
        rows.append(("Started", moment(job.start, now)))
    if job.end is not None:
        took = f"  took {fmt.duration(job.end - job.start)}" if job.start is not None else ""
        rows.append(("Ended", moment(job.end, now) + took))
    elif job.start is not None:
        rows.append(("Running for", fmt.duration(now - job.start)))
    if job.snapshot is not None:
        snapshot = job.snapshot
        failed = f", {snapshot.failed} failed" if snapshot.failed else ""
        rows.append(("Snapshots", f"{snapshot.done} of {snapshot.total} volumes{failed}"))
    if job.copy is not None:
        copy = job.copy
        files = f", {copy.files[0]} of {copy.files[1]} files" if copy.files else ""
        rows.append(("Copied", f"{fmt.size(copy.done)} of {fmt.size(copy.total)}{files}"))
    if job.counters:
        rows.append(("Counts", ", ".join(f"{label} {n}" for label, n in job.counters)))
    if job.message:
        rows.append(("Message", visible(job.message.strip(), newlines=True)))
    out.pairs(rows, 2)


async def describe_definition(
    out: Text, session: Session, profile: Profile, document: Mapping[str, Any], now: float
) -> int:
    """A backup or copy definition: its trigger, whether it is paused, its policy's schedule and next run."""
    definition = summarize_definition(document, profile, session.names)
    out.section("Definition:")
    rows = []
    if definition.trigger:
        rows.append(("Trigger", visible(definition.trigger)))
    if profile.pause_field is not None:
        rows.append(("Paused", "yes: scheduled runs do not start" if definition.paused else "no"))
    if definition.last_runs:
        rows.append(("Last runs", ", ".join(out.state(s) for s in definition.last_runs)))
    if definition.policy is None:
        rows.append(("Policy", "none: runs only when started"))
    out.pairs(rows, 2)
    if definition.policy is None:
        return exits.OK
    try:
        found = await session.client.get(definition.policy.collection, definition.policy.id)
    except ApiError as error:
        out.line(f"  Policy {visible(definition.policy.name)} could not be loaded: {visible(str(error))}")
        exits.say(session.client.scrub(f"the policy could not be loaded: {error}"))
        return exits.status_of(error)
    if found is not None:
        policies = session.profile_of(definition.policy.collection)
        describe_schedule(out, policy_schedule(found.data, policies, now), paused=definition.paused, now=now)
    return exits.OK


def describe_schedule(out: Text, schedule: PolicySchedule, *, paused: bool, now: float) -> None:
    out.section(f"Schedule ({visible(schedule.name)}, {visible(schedule.timezone)}):")
    if not schedule.entries:
        out.line("  no schedules")
    for entry in schedule.entries:
        keep = [f"keep {entry.keep_days:g} days"] if entry.keep_days is not None else []
        said = "; ".join([visible(entry.cron), *keep, *(["SafeLock"] if entry.locked else [])])
        out.line(f"  {visible(entry.words) or '<no cron>'}  ({said})")
    soonest = schedule.next_run
    if paused:
        out.line("  Next run: none while paused")
    elif soonest is not None:
        local = soonest.strftime("%a %Y-%m-%d %H:%M %Z")
        out.line(f"  Next run: {moment(soonest.timestamp(), now)}  [{visible(local)}]")


async def latest_jobs(
    out: Text, session: Session, profile: Profile, document: Mapping[str, Any], last: int, now: float
) -> int:
    """The latest `last` jobs that point at the document, in the jobs' default order, like kubectl's events."""
    assert profile.jobs_link is not None
    jobs = session.profile_of(JOBS)
    sort = list(jobs.default_sort)
    try:
        page = await session.client.list(
            JOBS, where={profile.jobs_link: document.get("_id")}, sort=sort or None, max_results=last
        )
    except ApiError as error:
        out.section("Latest jobs:")
        out.line(f"  could not load: {visible(str(error))}")
        exits.say(session.client.scrub(f"the latest jobs could not be loaded: {error}"))
        return exits.status_of(error)
    total = page.total if page.total is not None else len(page.items)
    runs = [summarize_job(run, jobs) for run in page.items[:last]]
    order = f", by {format_sort(sort)}" if sort else ""
    out.section(f"Latest jobs ({len(runs)} of {total}{order}):")
    if not runs:
        out.line("  none")
        return exits.OK
    rows = [
        (
            visible(run.id),
            visible(run.state or "<none>"),
            moment(run.start, now) if run.start is not None else "",
            fmt.duration(((run.end or now) - run.start) if run.start is not None else None),
            fmt.one_line(run.message, 200),
        )
        for run in runs
    ]
    out.table([("ID", "STATE", "STARTED", "DURATION", "MESSAGE"), *rows], state_column=1)
    return exits.OK
