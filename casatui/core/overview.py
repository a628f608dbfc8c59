"""What needs attention, as data: gathered with cheap `where` queries, shown by the overview and job screens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from ..api.client import CasaClient
from ..api.errors import ApiError

DAY = 86_400
STALE_AGENT = 10 * 60  # seconds without a heartbeat before an ACTIVE cluster counts as not reporting
CLUSTER_STATES = ("ACTIVE", "PENDING", "REGISTERED", "INVENTORY", "DISCOVERED")
JOB_STATES = ("RUNNING", "PENDING", "COMPLETED", "PARTIAL", "FAILED", "SKIPPED", "CANCELED")
FINAL = ("COMPLETED", "PARTIAL", "FAILED", "SKIPPED", "CANCELED", "CANCELLED")


@dataclass
class Overview:
    clusters: dict[str, int] = field(default_factory=dict)
    silent_clusters: list[dict[str, Any]] = field(default_factory=list)  # ACTIVE but no recent heartbeat, or PENDING
    jobs_today: dict[str, int] = field(default_factory=dict)
    running: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)  # FAILED and PARTIAL of the last day, newest first
    storage: list[dict[str, Any]] = field(default_factory=list)  # objectstores not READY
    accounts: list[dict[str, Any]] = field(default_factory=list)  # cloud accounts not ACTIVE
    problems: list[str] = field(default_factory=list)  # parts that could not be fetched, and why


async def count(client: CasaClient, collection: str, where: dict[str, Any]) -> int:
    page = await client.list(collection, where=where, max_results=1, projection={"_id": 1})
    return page.total if page.total is not None else len(page.items)


async def gather_overview(client: CasaClient, now: float) -> Overview:
    """Everything the overview shows, fetched concurrently; a part that fails is reported, not fatal."""
    overview = Overview()
    since = int(now - DAY)

    async def part(name: str, job: Any) -> None:
        try:
            await job
        except ApiError as error:
            overview.problems.append(f"{name}: {error}")

    async def clusters() -> None:
        counts = await asyncio.gather(*(count(client, "kubeclusters", {"status.state": s}) for s in CLUSTER_STATES))
        overview.clusters = {s: n for s, n in zip(CLUSTER_STATES, counts, strict=True) if n}
        page = await client.list(
            "kubeclusters",
            where={
                "$or": [
                    {"status.state": "PENDING"},
                    {"status.state": "ACTIVE", "status.updateTime": {"$lt": int(now - STALE_AGENT)}},
                ]
            },
            sort="status.updateTime",
            max_results=50,
            projection={"name": 1, "status": 1},
        )
        overview.silent_clusters = page.items

    async def jobs() -> None:
        counts = await asyncio.gather(
            *(count(client, "jobs", {"state": s, "start_time": {"$gt": since}}) for s in JOB_STATES)
        )
        overview.jobs_today = {s: n for s, n in zip(JOB_STATES, counts, strict=True) if n}
        running = await client.list(
            "jobs", where={"state": {"$in": ["RUNNING", "PENDING"]}}, sort="-start_time", max_results=20
        )
        overview.running = running.items
        failed = await client.list(
            "jobs",
            where={"state": {"$in": ["FAILED", "PARTIAL"]}, "start_time": {"$gt": since}},
            sort="-start_time",
            max_results=25,
            projection={
                "name": 1,
                "display_name": 1,
                "state": 1,
                "message": 1,
                "start_time": 1,
                "cluster_name": 1,
                "type": 1,
            },
        )
        overview.failed = failed.items

    async def storage() -> None:
        stores = await client.list("objectstores", where={"validate_state": {"$ne": "READY"}}, max_results=50)
        overview.storage = stores.items
        accounts = await client.list("cloudaccounts", where={"status.state": {"$ne": "ACTIVE"}}, max_results=50)
        overview.accounts = accounts.items

    await asyncio.gather(part("clusters", clusters()), part("jobs", jobs()), part("storage", storage()))
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


def success_rate(runs: list[dict[str, Any]]) -> tuple[int, int]:
    """(successful, finished) among runs: COMPLETED counts as success; running ones are left out."""
    finished = [r for r in runs if str(r.get("state", "")).upper() in FINAL]
    return sum(1 for r in finished if str(r.get("state")).upper() == "COMPLETED"), len(finished)


def bar(done: float, total: float, width: int = 20) -> str:
    if total <= 0:
        return "░" * width
    filled = max(0, min(width, round(width * done / total)))
    return "█" * filled + "░" * (width - filled)
