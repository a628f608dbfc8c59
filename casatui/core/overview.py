"""What needs attention, as data: gathered with cheap `where` queries, shown by the overview and job screens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from ..api.client import CasaClient
from ..api.errors import ApiError
from .cloudcasa import FAILED, JOBS, SUCCEEDED
from .profiles import Profile, Profiles

DAY = 86_400
STALE_AGENT = 10 * 60  # seconds without a heartbeat before an ACTIVE cluster counts as not reporting
CLUSTERS = "kubeclusters"
STORES = "objectstores"
ACCOUNTS = "cloudaccounts"


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


@dataclass
class Overview:
    clusters: StateCounts | None = None  # None: not known (could not load, or the server has no clusters)
    silent_clusters: list[dict[str, Any]] = field(default_factory=list)  # ACTIVE but no recent heartbeat, or PENDING
    jobs_today: StateCounts | None = None
    jobs_time_field: str = "_created"
    running: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)  # failed and partial of the last day, newest first
    storage: list[dict[str, Any]] = field(default_factory=list)  # objectstores not READY
    accounts: list[dict[str, Any]] = field(default_factory=list)  # cloud accounts not ACTIVE
    problems: list[str] = field(default_factory=list)  # parts that could not be fetched, and why
    failed_parts: set[str] = field(default_factory=set)  # collections whose part failed: "could not load"


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


def _time_field(profile: Profile) -> str:
    """The field a job's start is read from: the profile's natural sort (`start_time`), else `_created`."""
    return next((key for key, _ in profile.default_sort), "_created")


async def gather_overview(client: CasaClient, profiles: Profiles, now: float) -> Overview:
    """Everything the overview shows, fetched concurrently; a part that fails is reported, not fatal, and never
    shown as zero. A part whose collection or fields this server's document does not have is left out."""
    overview = Overview()
    since = int(now - DAY)

    def offered(collection: str) -> bool:
        catalog = profiles.catalog
        return catalog is None or catalog.source != "server" or collection in catalog.resources

    async def part(name: str, job: Any) -> None:
        try:
            await job
        except ApiError as error:
            overview.problems.append(f"{name}: {error}")
            overview.failed_parts.add(name)

    async def clusters() -> None:
        if not offered(CLUSTERS):
            return
        profile = profiles[CLUSTERS]
        overview.clusters = await state_counts(client, profile, {})
        if not (profile.knows("status.state") and profile.knows("status.updateTime")):
            return
        page = await client.list(
            CLUSTERS,
            where={
                "$or": [
                    {"status.state": "PENDING"},
                    {"status.state": "ACTIVE", "status.updateTime": {"$lt": int(now - STALE_AGENT)}},
                ]
            },
            sort="status.updateTime",
            max_results=50,
            projection={profile.name_field: 1, "status": 1},
        )
        overview.silent_clusters = page.items

    async def jobs() -> None:
        if not offered(JOBS):
            return
        profile = profiles[JOBS]
        time_field = overview.jobs_time_field = _time_field(profile)
        recent = {time_field: {"$gt": since}}
        overview.jobs_today = await state_counts(client, profile, recent)
        state = profile.state_field
        if state is None:
            return
        live = [s for s in profile.states if profile.is_live(s)]
        if live:
            running = await client.list(
                JOBS, where={state: {"$in": live}}, sort=list(profile.default_sort), max_results=20
            )
            overview.running = running.items
        failed_states = [s for s in profile.states if s.upper() in FAILED]
        if failed_states:
            failed = await client.list(
                JOBS,
                where={state: {"$in": failed_states}, **recent},
                sort=list(profile.default_sort),
                max_results=25,
            )
            overview.failed = failed.items

    async def storage() -> None:
        for collection, state, good, into in (
            (STORES, "validate_state", "READY", overview.storage),
            (ACCOUNTS, "status.state", "ACTIVE", overview.accounts),
        ):
            if offered(collection) and profiles[collection].knows(state):
                page = await client.list(collection, where={state: {"$ne": good}}, max_results=50)
                into.extend(page.items)

    await asyncio.gather(part(CLUSTERS, clusters()), part(JOBS, jobs()), part("storage", storage()))
    return overview


def copy_progress(job: dict[str, Any]) -> tuple[int, int, int, int] | None:
    """(bytes done, bytes expected, files done, files expected) of a copy, when it has any."""
    stats = (job.get("kube_copy_progress") or {}).get("stats") or {}
    expected = stats.get("estimated_size") or 0
    if not expected:
        return None
    return (
        int(stats.get("transferred_size") or 0),
        int(expected),
        int(stats.get("transferred_number_of_files") or 0),
        int(stats.get("estimated_number_of_files") or 0),
    )


def snapshot_progress(job: dict[str, Any]) -> tuple[int, int, int] | None:
    """(PVs done, PVs in all, PVs failed) of a snapshot, when it has any."""
    progress = job.get("kube_snapshot_progress") or {}
    total = progress.get("total_pvs") or 0
    if not total:
        return None
    return int(progress.get("completed_pvs") or 0), int(total), int(progress.get("failed_pvs") or 0)


def success_rate(runs: list[dict[str, Any]], profile: Profile) -> tuple[int, int]:
    """(successful, finished) among runs: COMPLETED counts as success; running ones are left out."""
    finished = [profile.state_of(r).upper() for r in runs if profile.is_final(profile.state_of(r))]
    return sum(1 for state in finished if state in SUCCEEDED), len(finished)


def bar(done: float, total: float, width: int = 20) -> str:
    if total <= 0:
        return "░" * width
    filled = max(0, min(width, round(width * done / total)))
    return "█" * filled + "░" * (width - filled)
