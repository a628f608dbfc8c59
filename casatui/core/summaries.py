"""What the job and definition views show of a document, as plain data, read here through the collection's profile
and the overlay's field names (`cloudcasa.py`): the screens only lay it out.

A part whose field the document lacks (a server whose schema differs), or holds as something else than expected, is
left out: empty, None or not listed, never a crash and never "None". Strings are the server's as sent; the UI makes
them safe where it shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from . import cloudcasa
from .cloudcasa import (
    COPY_PROGRESS,
    POLICIES,
    POLICY_SCHEDULES,
    POLICY_TIMEZONE,
    RUN_STATE,
    SCHEDULE_CRON,
    SCHEDULE_CRON_FIELDS,
    SCHEDULE_KEEP_DAYS,
    SCHEDULE_LOCKED,
    SNAPSHOT_PROGRESS,
    SUCCEEDED,
    ProgressFields,
)
from .formatting import as_epoch, as_text, lookup, number_at, text_at
from .profiles import Profile
from .schedule import CronError, describe, known_zone, next_run

Names = Mapping[str, Mapping[str, str]]  # collection -> id -> name: the names casatui knows
LAST_RUNS = 3  # how many of the runs a definition records of itself are shown


@dataclass(frozen=True)
class Reference:
    """A document this one points at."""

    field: str
    label: str  # the field as a label: "Cluster", "Policy" (for `policy_id`)
    collection: str
    id: str
    name: str  # the name the document carries beside the id, else one casatui knows, else the id
    carried: bool  # the document carries the name itself: nothing to look up


def references_of(document: Mapping[str, Any], profile: Profile, names: Names | None = None) -> tuple[Reference, ...]:
    """What a document points at, in the profile's order of references (a job's cluster first)."""
    found = []
    for key, collection in profile.references.items():
        value = document.get(key)
        if not isinstance(value, str) or not value:
            continue
        beside = text_at(document, cloudcasa.NAME_BESIDE_ID.format(key))
        name = beside or (names or {}).get(collection, {}).get(value) or value
        label = key.removesuffix("_id").replace("_", " ").capitalize()
        found.append(Reference(key, label, collection, value, name, bool(beside)))
    return tuple(found)


# -- a job ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a run got: `done` of `total` (bytes of a copy, volumes of a snapshot)."""

    done: int
    total: int  # more than 0
    failed: int = 0
    files: tuple[int, int] | None = None  # (done, in all), where the job counts files


@dataclass(frozen=True)
class ActivityLine:
    when: str  # "2026-11-28 20:00:00 UTC"; "" for a line without a time
    what: str


@dataclass(frozen=True)
class JobSummary:
    id: str
    title: str  # what names it (the profile's name field: the definition's name on CloudCasa's jobs)
    state: str
    type: str = ""
    run_name: str = ""  # the run's own name, shown beside its id
    context: str = ""  # a second label beside the title (its cluster)
    references: tuple[Reference, ...] = ()
    start: float | None = None  # epoch seconds
    end: float | None = None
    counters: tuple[tuple[str, int | float], ...] = ()  # (label, count)
    copy: Progress | None = None
    snapshot: Progress | None = None
    message: str = ""  # "" when the server said nothing (or only blanks)
    activity: tuple[ActivityLine, ...] = ()


def summarize_job(job: Mapping[str, Any], profile: Profile, names: Names | None = None) -> JobSummary:
    """A job as its view, the overview and a definition's runs show it; `profile` is the jobs' profile."""
    extra = cloudcasa.overlay(profile.collection)
    start, end = (as_epoch(value) for value in profile.times_of(job))
    message = text_at(job, extra.message_field)
    return JobSummary(
        id=as_text(job.get("_id")),
        title=profile.name_of(job),
        state=profile.state_of(job),
        type=text_at(job, extra.type_field),
        run_name=text_at(job, extra.own_name_field),
        context=profile.context_of(job),
        references=references_of(job, profile, names),
        start=start,
        end=end,
        counters=tuple((label, n) for key, label in extra.counters if (n := number_at(job, key)) is not None),
        copy=_progress(job, COPY_PROGRESS),
        snapshot=_progress(job, SNAPSHOT_PROGRESS),
        message=message if message.strip() else "",
        activity=_activity(lookup(job, extra.activity_field) if extra.activity_field else None),
    )


def _progress(job: Mapping[str, Any], fields: ProgressFields) -> Progress | None:
    """The progress a job counts, when it counts any (a total above 0)."""
    total = int(number_at(job, fields.total) or 0)  # a fraction of a byte is no total: never divided by
    if total <= 0:
        return None
    files_total = number_at(job, fields.files_total)
    return Progress(
        done=int(number_at(job, fields.done) or 0),
        total=total,
        failed=int(number_at(job, fields.failed) or 0),
        files=(int(number_at(job, fields.files_done) or 0), int(files_total)) if files_total is not None else None,
    )


def _activity(lines: Any) -> tuple[ActivityLine, ...]:
    if not isinstance(lines, list):
        return ()
    result = []
    for line in lines:
        text = as_text(line)
        when, _, what = text.partition(" UTC: ")
        if text:
            result.append(ActivityLine(f"{when} UTC", what) if what else ActivityLine("", text))
    return tuple(result)


def succeeded(state: str) -> bool:
    return state.upper() in SUCCEEDED


# -- a definition and its policy -----------------------------------------------------------------------


@dataclass(frozen=True)
class DefinitionSummary:
    title: str
    collection: str
    references: tuple[Reference, ...]  # what it points at, its policies aside
    policy: Reference | None  # the policy that schedules it (the overlay's field, else the first policy)
    trigger: str = ""
    paused: bool = False
    last_runs: tuple[str, ...] = ()  # states of the latest runs it records of itself, newest first


def summarize_definition(
    document: Mapping[str, Any], profile: Profile, names: Names | None = None
) -> DefinitionSummary:
    extra = cloudcasa.overlay(profile.collection)
    references = references_of(document, profile, names)
    policies = [r for r in references if r.collection == POLICIES]
    if extra.policy_field:  # its own policy, not its copy's
        policies = [r for r in policies if r.field == extra.policy_field]
    recorded = lookup(document, extra.runs_field) if extra.runs_field else None
    return DefinitionSummary(
        title=profile.name_of(document),
        collection=profile.collection,
        references=tuple(r for r in references if r.collection != POLICIES),
        policy=policies[0] if policies else None,
        trigger=text_at(document, extra.trigger_field),
        paused=bool(profile.pause_field) and lookup(document, profile.pause_field or "") is True,
        last_runs=tuple(
            text_at(run, RUN_STATE) for run in (recorded if isinstance(recorded, list) else [])[:LAST_RUNS]
        ),
    )


def last_run_time(document: Any, collection: str) -> int | None:
    """When a definition last ran (epoch seconds), from the definition or a run action's answer, where it says."""
    value = number_at(document, cloudcasa.overlay(collection).last_run_field)
    return int(value) if value else None


@dataclass(frozen=True)
class ScheduleEntry:
    cron: str  # "" when the schedule says none
    words: str  # the cron in words ("every day at 02:00"), the cron itself when it does not parse
    keep_days: int | float | None  # how long its recovery points are kept
    locked: bool  # SafeLock
    next_run: datetime | None  # in the policy's timezone


@dataclass(frozen=True)
class PolicySchedule:
    name: str
    timezone: str  # the policy's, with "unknown: times in UTC" when this machine does not know it
    entries: tuple[ScheduleEntry, ...]

    @property
    def next_run(self) -> datetime | None:
        """The soonest of the schedules' next runs (by the instant: in an hour that repeats, the wall clock lies)."""
        runs = [e.next_run for e in self.entries if e.next_run is not None]
        return min(runs, key=datetime.timestamp, default=None)


def policy_schedule(policy: Mapping[str, Any], profile: Profile, now: float) -> PolicySchedule:
    """A policy's schedules in words, each with its next run after `now`; `profile` is the policies' profile."""
    zone = text_at(policy, POLICY_TIMEZONE) or "UTC"
    after = datetime.fromtimestamp(now, timezone.utc)
    schedules = lookup(policy, POLICY_SCHEDULES)
    entries = []
    for schedule in schedules if isinstance(schedules, list) else []:
        if not isinstance(schedule, dict):
            continue
        cron = _cron(schedule)
        try:
            upcoming = next_run(cron, zone, after) if cron else None
        except CronError:
            upcoming = None
        keep = number_at(schedule, SCHEDULE_KEEP_DAYS)
        locked = lookup(schedule, SCHEDULE_LOCKED) is True
        entries.append(ScheduleEntry(cron, describe(cron) if cron else "", keep, locked, upcoming))
    label = zone if known_zone(zone) else f"{zone}, unknown: times in UTC"
    return PolicySchedule(profile.name_of(policy), label, tuple(entries))


def _cron(schedule: Mapping[str, Any]) -> str:
    """The schedule's `cronSpec`, else its five cron fields joined (CloudCasa accepts either; `cronSpec` wins)."""
    spec = text_at(schedule, SCHEDULE_CRON)
    if spec:
        return spec
    parts = [text_at(schedule, name) for name in SCHEDULE_CRON_FIELDS]
    return " ".join(parts) if all(parts) else ""
