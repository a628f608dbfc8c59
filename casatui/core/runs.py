"""Running a definition now, and finding the job that run started: shared by the explorer and `casatui run`.

CloudCasa's run action answers with the definition, not with the job it started, so the job is found the way
CloudCasa's own clients find it: the newest job pointing at the definition that began after the definition's
previous run (its record of it read before the run was asked for; the answer's may already be the new run's, or
still the old one's).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..api.client import CasaClient
from ..api.errors import ApiError
from ..api.models import Item
from .cloudcasa import JOBS
from .profiles import Profile
from .summaries import last_run_time

CLOCK_SLACK = 5  # seconds: a job stamped by a server clock a little behind ours is still the one started


async def start_run(
    client: CasaClient, profile: Profile, item: Item, *, clock: Callable[[], float] = time.time
) -> dict[str, Any]:
    """POST the profile's run action for one definition (`item`, as read before); the bound on the start time of
    the job it starts (a `where` condition): after the definition's previous run where it records one, else from
    now less a little slack. Raises ApiError (ReadOnlyRefused, NotAllowed, ActionMissing, ...) as the client does."""
    action = profile.run_action
    if action is None:
        raise ValueError(f"{profile.collection} has no run action")
    previous = last_run_time(item.data, profile.collection)
    asked = int(clock()) - CLOCK_SLACK
    await client.action(profile.collection, item.id, action, dict(profile.run_body or {}))
    return {"$gt": previous} if previous else {"$gte": asked}


async def find_job(
    client: CasaClient, jobs: Profile, link: str, item_id: str, since: dict[str, Any]
) -> dict[str, Any] | None:
    """The newest job whose `link` field points at `item_id` and that began within `since` (`start_run`'s bound);
    None when none shows yet (or the list cannot be had: the run itself was started). `jobs` is the jobs' profile."""
    where: dict[str, Any] = {link: item_id}
    if jobs.start_field:  # CloudCasa's start times are epoch seconds
        where[jobs.start_field] = since
    try:
        page = await client.list(JOBS, where=where, sort=list(jobs.default_sort), max_results=1)
    except ApiError:
        return None
    return dict(page.items[0]) if page.items else None
