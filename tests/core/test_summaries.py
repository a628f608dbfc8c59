"""What the job, definition and overview screens show, read in core: from documents of both servers (the demo, and
one shaped like CloudCasa's published document, whose jobs lack `display_name`, copy progress, file counts and
some states), and from documents of odd shapes. A part the document lacks is left out, never shown as "None"."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from casatui.api import CasaClient, discover
from casatui.core.overview import Attention, gather_overview
from casatui.core.profiles import Profiles
from casatui.core.schedule import describe
from casatui.core.summaries import (
    ActivityLine,
    Progress,
    last_run_time,
    policy_schedule,
    summarize_definition,
    summarize_job,
)

from ..servers import ServerUnderTest

NOW = 1_795_900_000


async def fetched(server: ServerUnderTest, collection: str, **query: Any) -> tuple[Profiles, list[dict[str, Any]]]:
    async with CasaClient(server.api_root, server.token) as client:
        profiles = Profiles(await discover(client))
        page = await client.list(collection, max_results=100, **query)
    assert page.items, collection
    return profiles, page.items


def strings(value: Any) -> Iterator[str]:
    """Every string a summary holds, through nested summaries and tuples."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for part in dataclasses.fields(value):
            yield from strings(getattr(value, part.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from strings(item)


def never_none(summary: Any) -> None:
    assert not [s for s in strings(summary) if s == "None" or s.startswith("None ")], summary


async def test_a_job_summary_holds_what_the_job_has(any_server: ServerUnderTest) -> None:
    profiles, jobs = await fetched(any_server, "jobs")
    profile = profiles["jobs"]
    counters = dict((field, label) for field, label in (("num_total_resources", "resources"), ("num_errors", "errors")))
    for job in jobs:
        summary = summarize_job(job, profile)
        never_none(summary)
        assert summary.id == job["_id"] and summary.title == profile.name_of(job) and summary.title
        assert summary.state == job.get("state", "")
        assert summary.type == job.get("type", "") and summary.run_name == job.get("name", "")
        assert summary.context == job.get("cluster_name", "")
        assert summary.message == (job.get("message") or "" if (job.get("message") or "").strip() else "")
        assert summary.start == job.get("start_time") and summary.end == job.get("end_time")
        shown = dict(summary.counters)
        for field, label in counters.items():
            assert shown.get(label) == job.get(field)
        assert [r.collection for r in summary.references][:1] == ["kubeclusters"]  # the cluster first
        for reference in summary.references:
            assert reference.id == job[reference.field]
            assert reference.carried == (f"{reference.field}_name" in job)
            assert reference.name == job.get(f"{reference.field}_name", reference.id)
        assert len(summary.activity) == len(job.get("activity") or [])
        assert all(line.when.endswith(" UTC") and line.what for line in summary.activity)
    if any_server.name == "cloudcasa":
        # CloudCasa's jobs: `name` titles them, some have no state, none counts copies or failed volumes.
        assert profile.name_field == "name"
        assert any(summarize_job(job, profile).state == "" for job in jobs)
        assert all(summarize_job(job, profile).copy is None for job in jobs)
        snapshots = [summarize_job(job, profile).snapshot for job in jobs]
        assert snapshots and all(s == Progress(done=5, total=5, failed=0) for s in snapshots)
        assert all({label for label, _ in summarize_job(job, profile).counters} <= {"resources", "errors", "warnings"}
                   for job in jobs)  # fmt: skip


async def test_a_copy_counts_bytes_and_files_where_the_job_counts_them(any_server: ServerUnderTest) -> None:
    profiles, _ = await fetched(any_server, "jobs", where={})
    profile = profiles["jobs"]
    # As CloudCasa's published schema has it: sizes but no file counts.
    job = {"_id": "j1", "name": "kubeoffload-a", "kube_copy_progress": {"stats": {"estimated_size": 400,
           "transferred_size": 100, "io_size": 5}, "total_pvs": 2}}  # fmt: skip
    assert summarize_job(job, profile).copy == Progress(done=100, total=400, files=None)
    job["kube_copy_progress"]["stats"] |= {"estimated_number_of_files": 20}
    assert summarize_job(job, profile).copy == Progress(done=100, total=400, files=(0, 20))
    if any_server.name == "demo":
        _, copies = await fetched(any_server, "jobs", where={"type": "K8S_COPY"})
        for copy in copies:
            stats = copy["kube_copy_progress"]["stats"]
            progress = summarize_job(copy, profile).copy
            assert progress is not None and progress.total == stats["estimated_size"]
            assert progress.files == (stats["transferred_number_of_files"], stats["estimated_number_of_files"])


@pytest.mark.parametrize(
    "odd",
    [
        {"kube_copy_progress": [1, 2], "kube_snapshot_progress": "5 of 5", "activity": "one line", "message": {"a": 1}},
        {"kube_copy_progress": {"stats": {"estimated_size": math.inf}}, "kube_snapshot_progress": {"total_pvs": -3}},
        {"kube_copy_progress": {"stats": {"estimated_size": "400"}}, "kube_snapshot_progress": {"total_pvs": True}},
        {"num_total_resources": "12", "num_errors": None, "num_warnings": False, "type": None, "name": 7},
        {"activity": [None, {"t": 1}, "", 3], "message": "   \n ", "cluster": 5, "start_time": "yesterday"},
    ],
)
def test_odd_shapes_leave_their_part_out(odd: dict[str, Any]) -> None:
    profile = Profiles()["jobs"]
    summary = summarize_job({"_id": "x", "display_name": "nightly", "state": "FAILED", **odd}, profile)
    never_none(summary)
    assert summary.title == "nightly" and summary.state == "FAILED"
    assert summary.copy is None and summary.snapshot is None and summary.message == "" and summary.counters == ()
    assert summary.type == "" and summary.references == () and summary.start is None
    assert summary.activity in ((), (ActivityLine("", "3"),))
    assert summary.run_name in ("", "7")


async def test_a_definition_summary_on_either_server(any_server: ServerUnderTest) -> None:
    profiles, backups = await fetched(any_server, "kubebackups")
    profile = profiles["kubebackups"]
    for backup in backups:
        summary = summarize_definition(backup, profile)
        never_none(summary)
        assert summary.title == backup["name"] and summary.collection == "kubebackups"
        assert summary.trigger == backup["trigger_type"] and summary.paused is backup["pause"]
        assert summary.last_runs == tuple(run["state"] for run in backup["status"]["jobs"][:3])
        if backup.get("policy"):
            assert summary.policy is not None and summary.policy.field == "policy"
            assert summary.policy.id == backup["policy"] and summary.policy.collection == "policies"
        else:
            assert summary.policy is None
        assert all(r.collection != "policies" for r in summary.references)
        assert [r.id for r in summary.references if r.field == "cluster"] == [backup["cluster"]]
    assert any(summarize_definition(b, profile).policy is None for b in backups)  # ADHOC ones
    # A backup with a copy points at the copy's policy too, which schedules the copy, not the backup.
    copied = [b for b in backups if b.get("copy_policy") and b["copy_policy"] != b.get("policy")]
    assert copied or any_server.name == "cloudcasa"
    for backup in copied:
        policy = summarize_definition(backup, profile).policy
        assert (policy.id if policy else None) == backup.get("policy")


def test_a_definition_without_the_overlays_fields_has_none_of_their_parts() -> None:
    profile = Profiles()["kubebackups"]
    summary = summarize_definition({"_id": "b", "name": "bare", "status": {"jobs": "COMPLETED"}}, profile)
    assert (summary.trigger, summary.paused, summary.last_runs, summary.policy) == ("", False, (), None)
    odd = {"_id": "b", "name": "odd", "pause": "yes", "status": {"jobs": [{"state": "FAILED"}, "x", {"jobid": "j"}]}}
    summary = summarize_definition(odd, profile)
    assert summary.paused is False and summary.last_runs == ("FAILED", "", "")


async def test_a_policy_schedule_on_either_server(any_server: ServerUnderTest) -> None:
    profiles, policies = await fetched(any_server, "policies")
    profile = profiles["policies"]
    for policy in policies:
        schedule = policy_schedule(policy, profile, NOW)
        never_none(schedule)
        assert schedule.name == policy["name"] and schedule.timezone == policy.get("timezone", "UTC")
        assert [e.cron for e in schedule.entries] == [s["schedule"]["cronSpec"] for s in policy["schedules"]]
        assert [e.words for e in schedule.entries] == [describe(e.cron) for e in schedule.entries]
        assert [e.keep_days for e in schedule.entries] == [s["retainDays"] for s in policy["schedules"]]
        assert [e.locked for e in schedule.entries] == [s.get("locked") is True for s in policy["schedules"]]
        soonest = schedule.next_run
        assert soonest is not None and soonest.timestamp() > NOW
        assert soonest == min(e.next_run for e in schedule.entries if e.next_run is not None)


def test_a_policy_with_only_the_five_cron_fields_and_missing_parts() -> None:
    profile = Profiles()["policies"]
    five = {"minute": "30", "hour": "0", "dayOfMonth": "*", "month": "*", "dayOfWeek": "MON,WED,FRI"}
    policy = {"_id": "p", "name": "mwf", "schedules": [{"schedule": five}, "junk", {"retainDays": 3, "locked": 1},
              {"schedule": {"cronSpec": "not a cron"}, "retainDays": "7"}]}  # fmt: skip
    schedule = policy_schedule(policy, profile, NOW)
    never_none(schedule)
    assert schedule.timezone == "UTC"  # CloudCasa's default
    first, second, third = schedule.entries
    assert (first.cron, first.words, first.keep_days, first.locked) == (
        "30 0 * * MON,WED,FRI", "At 00:30, only on Monday, Wednesday, and Friday", None, False)  # fmt: skip
    assert isinstance(first.next_run, datetime) and first.next_run.timestamp() > NOW
    assert (second.cron, second.words, second.keep_days, second.locked, second.next_run) == ("", "", 3, False, None)
    assert (third.cron, third.words, third.keep_days, third.next_run) == ("not a cron", "not a cron", None, None)
    assert schedule.next_run == first.next_run
    assert policy_schedule({"_id": "p", "schedules": "daily"}, profile, NOW).entries == ()


def test_the_time_a_run_action_answers() -> None:
    assert last_run_time({"status": {"last_job_run_time": NOW}}, "kubebackups") == NOW
    assert last_run_time({"status": {"last_job_run_time": str(NOW)}}, "kubebackups") is None
    assert last_run_time({"status": None}, "kubeoffloads") is None
    assert last_run_time(["not", "a", "document"], "kubebackups") is None
    assert last_run_time({"status": {"last_job_run_time": NOW}}, "kubeclusters") is None  # not a definition


async def test_the_overview_lists_summaries_of_what_needs_attention(any_server: ServerUnderTest) -> None:
    async with CasaClient(any_server.api_root, any_server.token) as client:
        profiles = Profiles(await discover(client))
        overview = await gather_overview(client, profiles, NOW)
        clusters = {c["_id"]: c for c in (await client.list("kubeclusters", max_results=100)).items}
    assert overview.silent_clusters and not overview.problems
    for entry in overview.silent_clusters:
        never_none(entry)
        cluster = clusters[entry.id]
        status = cluster["status"]
        assert entry == Attention("kubeclusters", cluster["_id"], cluster["name"], status["state"],
                                  status.get("message", ""), "", status.get("updateTime"))  # fmt: skip
    assert overview.failed and all(job.state in ("FAILED", "PARTIAL") for job in overview.failed)
    assert [job.start for job in overview.failed] == sorted((job.start for job in overview.failed), reverse=True)
    for entries, collection in ((overview.storage, "objectstores"), (overview.accounts, "cloudaccounts")):
        for entry in entries:  # a state that is not the good one, or none at all (`$ne` matches a missing one)
            never_none(entry)
            assert entry.collection == collection and entry.name and entry.state not in ("READY", "ACTIVE")
    if any_server.name == "demo":
        failed = [s for s in overview.storage if s.state == "FAILED"]
        assert failed and all(s.detail for s in failed)  # a store that failed to validate says why
        assert overview.accounts and all(a.kind for a in overview.accounts)


def test_a_fractional_progress_total_is_no_total() -> None:
    from casatui.core.cloudcasa import COPY_PROGRESS
    from casatui.core.profiles import Profiles
    from casatui.core.summaries import summarize_job

    job: dict[str, object] = {"_id": "a" * 24, "name": "x"}
    node: dict[str, object] = job
    *parents, last = COPY_PROGRESS.total.split(".")
    for part in parents:
        node = node.setdefault(part, {})  # type: ignore[assignment]
    node[last] = 0.5
    summary = summarize_job(job, Profiles()["jobs"])
    assert summary.copy is None  # 0.5 bytes would have been a total of 0, then a division by it
