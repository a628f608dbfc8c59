"""Running a definition now, and finding the job that run started: shared by the explorer and `casatui run`.

CloudCasa's run action answers with the definition, not with the job it started, so the job is found the way
CloudCasa's own clients find it: the newest job pointing at the definition that began since the run was asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..api.client import CasaClient
from ..api.errors import ApiError
from .cloudcasa import JOBS
from .profiles import Profile
from .summaries import last_run_time

CLOCK_SLACK = 5  # seconds: a job stamped by a server clock a little behind ours is still the one started


async def start_run(
    client: CasaClient, profile: Profile, item_id: str, *, clock: Callable[[], float] = time.time
) -> int:
    """POST the profile's run action for one document; when (epoch seconds) the job it started can have begun:
    the definition's own record of its last run where the answer holds one, else now less a little slack.
    Raises ApiError (ReadOnlyRefused, NotAllowed, ActionMissing, ...) as the client does."""
    action = profile.run_action
    if action is None:
        raise ValueError(f"{profile.collection} has no run action")
    asked = int(clock()) - CLOCK_SLACK
    answer: Any = await client.action(profile.collection, item_id, action, dict(profile.run_body or {}))
    return last_run_time(answer, profile.collection) or asked


async def find_job(client: CasaClient, jobs: Profile, link: str, item_id: str, since: int) -> dict[str, Any] | None:
    """The newest job whose `link` field points at `item_id` and that began at `since` or later; None when none
    shows yet (or the list cannot be had: the run itself was started). `jobs` is the jobs' profile."""
    where: dict[str, Any] = {link: item_id}
    if jobs.start_field:  # CloudCasa's start times are epoch seconds
        where[jobs.start_field] = {"$gte": since}
    try:
        page = await client.list(JOBS, where=where, sort=list(jobs.default_sort), max_results=1)
    except ApiError:
        return None
    return dict(page.items[0]) if page.items else None
