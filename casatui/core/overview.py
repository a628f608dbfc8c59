"""What needs attention, as data: gathered with cheap `where` queries, shown by the overview screen."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..api.client import CasaClient
from ..api.errors import ApiError
from ..api.query import format_eve_date
from . import cloudcasa
from .cloudcasa import (
    ACCOUNT_ACTIVE,
    ACCOUNTS,
    CLUSTER_ACTIVE,
    CLUSTER_PENDING,
    CLUSTERS,
    FAILED,
    JOBS,
    STORE_READY,
    STORES,
    SUCCEEDED,
)
from .formatting import as_epoch, as_text, lookup, text_at
from .profiles import Profile, Profiles
from .summaries import JobSummary, summarize_job

DAY = 86_400
STALE_AGENT = 10 * 60  # seconds without a heartbeat before an ACTIVE cluster counts as not reporting


@dataclass(frozen=True)
class StateCounts:
    """How many documents a query matches, by state, adding up to the server's total: every state the profile knows
    (the schema's enum) with its count, those without a state, and those in a state it does not know."""

    field: str
    total: int
    states: dict[str, int]  # only states with documents, in the profile's order
    no_state: int

    @property
    def other(self) -> int:
        return max(0, self.total - sum(self.states.values()) - self.no_state)

    def other_filter(self, extra: str = "") -> str:
        """The filter of the documents in a state the profile does not know."""
        known = ",".join(self.states) or "-"
        return f"!{self.field}:{known} has:{self.field}{extra}"


@dataclass(frozen=True)
class Attention:
    """One document that needs attention, as the overview lists it; a part the document lacks is empty."""

    collection: str
    id: str
    name: str
    state: str
    detail: str = ""  # what the server last said of it
    kind: str = ""  # its type or provider
    heard: float | None = None  # when its agent last reported (epoch seconds); None: never, or not said


def attention(profile: Profile, document: Mapping[str, Any]) -> Attention:
    extra = cloudcasa.overlay(profile.collection)
    return Attention(
        collection=profile.collection,
        id=as_text(document.get("_id")),
        name=profile.name_of(document),
        state=profile.state_of(document),
        detail=text_at(document, extra.message_field),
        kind=text_at(document, extra.type_field),
        heard=as_epoch(lookup(document, extra.heartbeat_field)) if extra.heartbeat_field else None,
    )


@dataclass
class Overview:
    clusters: StateCounts | None = None  # None: not known (could not load, or the server has no clusters)
    silent_clusters: list[Attention] = field(default_factory=list)  # ACTIVE but no recent heartbeat, or PENDING
    jobs_today: StateCounts | None = None
    jobs_time_field: str = "_created"
    running: list[JobSummary] = field(default_factory=list)
    failed: list[JobSummary] = field(default_factory=list)  # failed and partial of the last day, newest first
    storage: list[Attention] = field(default_factory=list)  # object stores not READY
    accounts: list[Attention] = field(default_factory=list)  # cloud accounts not ACTIVE
    problems: list[str] = field(default_factory=list)  # parts that could not be fetched, and why
    failed_parts: set[str] = field(default_factory=set)  # collections whose part failed: "could not load"
    errors: list[ApiError] = field(default_factory=list)  # why, as the client raised it (one per problem)
    fixes: list[str] = field(default_factory=list)  # what fixes the failures, once each ("Token refused: set …")


async def count(client: CasaClient, collection: str, where: dict[str, Any]) -> int:
    page = await client.list(collection, where=where, max_results=1, projection={"_id": 1})
    return page.total if page.total is not None else len(page.items)


async def state_counts(client: CasaClient, profile: Profile, where: dict[str, Any]) -> StateCounts | None:
    """Counts of `where` by the profile's state field; None when the profile has no state field."""
    field_name = profile.state_field
    if field_name is None:
        return None
    states = list(dict.fromkeys(profile.states))
    queries = [where, {**where, field_name: None}] + [{**where, field_name: s} for s in states]
    total, no_state, *counts = await asyncio.gather(*(count(client, profile.collection, q) for q in queries))
    by_state = {s: n for s, n in zip(states, counts, strict=True) if n}
    return StateCounts(field_name, total, by_state, no_state)


def _since(profile: Profile, time_field: str, moment: float) -> dict[str, Any]:
    """`time_field` after `moment`, written as the schema types the field (epoch seconds, or Eve's dates)."""
    spec = profile.resource.field(time_field) if profile.resource is not None else None
    if time_field in ("_created", "_updated") or (spec is not None and spec.type == "datetime"):
        return {time_field: {"$gt": format_eve_date(moment)}}
    return {time_field: {"$gt": int(moment)}}


def _time_field(profile: Profile) -> str:
    """The field a job's start is read from: the profile's (`start_time`, where the schema has it), else Eve's
    `_created` (a date, not epoch seconds: the filter language writes either as the schema says)."""
    return profile.start_field or "_created"


async def gather_overview(client: CasaClient, profiles: Profiles, now: float) -> Overview:
    """Everything the overview shows, fetched concurrently; a part that fails is reported, not fatal, and never
    shown as zero. A part whose collection or fields this server's document does not have is left out."""
    overview = Overview()

    def offered(collection: str) -> bool:
        catalog = profiles.catalog
        return catalog is None or catalog.source != "server" or collection in catalog.resources

    async def part(name: str, job: Any) -> None:
        try:
            await job
        except ApiError as error:
            overview.problems.append(f"{name}: {error}")
            overview.failed_parts.add(name)
            overview.errors.append(error)
            fix = f"{error.title}: {error.fix}" if error.fix else ""
            if fix and fix not in overview.fixes:  # a refused token fails every part the same way: said once
                overview.fixes.append(fix)

    async def clusters() -> None:
        if not offered(CLUSTERS):
            return
        profile = profiles[CLUSTERS]
        overview.clusters = await state_counts(client, profile, {})
        state, heard = profile.state_field, cloudcasa.overlay(CLUSTERS).heartbeat_field
        if state is None or heard is None or not profile.knows(heard):
            return
        message = cloudcasa.overlay(CLUSTERS).message_field
        shown = (state, heard, *([message] if message else []))
        page = await client.list(
            CLUSTERS,
            where={
                "$or": [
                    {state: CLUSTER_PENDING},
                    {state: CLUSTER_ACTIVE, heard: {"$lt": int(now - STALE_AGENT)}},
                ]
            },
            sort=heard,
            max_results=50,
            projection={profile.name_field: 1, **{path.split(".")[0]: 1 for path in shown}},
        )
        overview.silent_clusters = [attention(profile, cluster) for cluster in page.items]

    async def jobs() -> None:
        if not offered(JOBS):
            return
        profile = profiles[JOBS]
        time_field = overview.jobs_time_field = _time_field(profile)
        recent = _since(profile, time_field, now - DAY)
        overview.jobs_today = await state_counts(client, profile, recent)
        state = profile.state_field
        if state is None:
            return
        live = [s for s in profile.states if profile.is_live(s)]
        if live:
            running = await client.list(
                JOBS, where={state: {"$in": live}}, sort=list(profile.default_sort), max_results=20
            )
            overview.running = [summarize_job(job, profile) for job in running.items]
        failed_states = [s for s in profile.states if s.upper() in FAILED]
        if failed_states:
            failed = await client.list(
                JOBS,
                where={state: {"$in": failed_states}, **recent},
                sort=list(profile.default_sort),
                max_results=25,
            )
            overview.failed = [summarize_job(job, profile) for job in failed.items]

    async def storage() -> None:
        for collection, good, into in (
            (STORES, STORE_READY, overview.storage),
            (ACCOUNTS, ACCOUNT_ACTIVE, overview.accounts),
        ):
            state = profiles[collection].state_field if offered(collection) else None
            if state is not None:
                page = await client.list(collection, where={state: {"$ne": good}}, max_results=50)
                into.extend(attention(profiles[collection], document) for document in page.items)

    await asyncio.gather(part(CLUSTERS, clusters()), part(JOBS, jobs()), part("storage", storage()))
    return overview


def success_rate(runs: Sequence[Mapping[str, Any]], profile: Profile) -> tuple[int, int]:
    """(successful, finished) among runs: COMPLETED counts as success; running ones are left out."""
    finished = [profile.state_of(r).upper() for r in runs if profile.is_final(profile.state_of(r))]
    return sum(1 for state in finished if state in SUCCEEDED), len(finished)


def bar(done: float, total: float, width: int = 20) -> str:
    if total <= 0:
        return "░" * width
    filled = max(0, min(width, round(width * done / total)))
    return "█" * filled + "░" * (width - filled)
