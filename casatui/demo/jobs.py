"""The life of a job: started, making progress, finished. Shared by the seed data, actions and activity."""

from __future__ import annotations

import random
import string
from datetime import datetime, timezone
from typing import Any

from bson import ObjectId

from .store import Store

_PREFIX = {
    "K8S_SNAP": "kubebackup",
    "K8S_COPY": "kubeoffload",
    "RESTORE": "kuberestore",
    "DELETE_BACKUP": "deletebackup",
    "AGENT_UPDATE": "agentupdate",
    "KOPIACONDENSE": "kopiacondense",
}
_VERB = {"K8S_SNAP": "backup", "K8S_COPY": "copy", "RESTORE": "restore"}

SUCCESS_MESSAGE = {
    "K8S_SNAP": "Backup Successful. ",
    "K8S_COPY": "Copy Successful. ",
    "RESTORE": "Restore Successful. ",
    "DELETE_BACKUP": "Expired recovery point deleted",
    "AGENT_UPDATE": "Agent updated",
    "KOPIACONDENSE": "Repository maintenance completed",
}

# Failure and warning texts, some long, some unicode, some that look like Rich markup: all must show literally.
FAILURE_MESSAGES = (
    "Internal operation failed",
    "Agent is not connected",
    "Error in accessing bucket: check credentials and permissions",
    "Failed to create snapshot for PVC postgres/data-postgres-0: rpc error: code = DeadlineExceeded desc = "
    "context deadline exceeded while waiting for the CSI driver ebs.csi.aws.com to report the snapshot "
    "as ready to use; the driver may be overloaded or the volume may be attached to a node in another zone",
    "Pre-hook failed in pod shop/[bold]cart-7f9c[/bold]: exit status 1",
    "Unexpected token '[/]' in hook output",
    "Échec de la sauvegarde du volume « données » — quota dépassé",
    "Snapshot of PVC 日志-存储 failed ⚠ (timeout after 600s)",
)
PARTIAL_MESSAGES = (
    "1 of 6 PVC snapshots failed",
    "Backup completed with 3 warnings",
    "2 resources could not be backed up: [v1/Secret] shop/tls-cert, [v1/ConfigMap] shop/[red]flags",
    "Restore completed with warnings",
)
SKIPPED_MESSAGE = "Previous backup still running; this run was skipped"


def job_name(rng: random.Random, job_type: str) -> str:
    suffix = "".join(rng.choices(string.ascii_letters + string.digits, k=10))
    return f"{_PREFIX.get(job_type, 'job')}-{suffix}"


def _pod_suffix(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=5))


def object_id(rng: random.Random, when: int) -> ObjectId:
    """A deterministic ObjectId whose time part is `when`, as Mongo's would be."""
    return ObjectId(when.to_bytes(4, "big") + rng.randbytes(8))


def activity_line(when: int, text: str) -> str:
    stamp = datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return f"{stamp} UTC: {text}"


def _empty_progress() -> tuple[dict[str, Any], dict[str, Any]]:
    copy = {
        "stats": {
            "estimated_size": 0,
            "estimated_number_of_files": 0,
            "io_size": 0,
            "io_number_of_files": 0,
            "transferred_size": 0,
            "transferred_number_of_files": 0,
        },
        "total_pvs": 0,
        "pending_pvs": 0,
        "active_pvs": 0,
        "completed_pvs": 0,
        "failed_pvs": 0,
    }
    snapshot = {
        "total_pvs": 0,
        "pending_pvs": 0,
        "active_pvs": 0,
        "completed_pvs": 0,
        "failed_pvs": 0,
        "skipped_pvs": 0,
    }
    return copy, snapshot


def new_job(
    rng: random.Random,
    *,
    job_type: str,
    definition: dict[str, Any] | None,
    definition_resource: str | None,
    cluster: dict[str, Any],
    start: int,
    retention: dict[str, Any] | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """A job that has just started (state RUNNING), as CloudCasa's job runner creates it."""
    copy_progress, snapshot_progress = _empty_progress()
    pvs = rng.randint(1, 8)
    if job_type == "K8S_SNAP":
        snapshot_progress.update(total_pvs=pvs, pending_pvs=pvs)
    elif job_type == "K8S_COPY":
        size = rng.randint(2, 400) * 1024**3
        files = rng.randint(2_000, 400_000)
        copy_progress.update(total_pvs=pvs, pending_pvs=pvs)
        copy_progress["stats"].update(estimated_size=size, estimated_number_of_files=files)
    created = datetime.fromtimestamp(start, timezone.utc)
    doc_id = object_id(rng, start)
    verb = _VERB.get(job_type, "job")
    job: dict[str, Any] = {
        "_id": doc_id,
        "name": job_name(rng, job_type),
        "awsrds": {},
        "awsebs": {},
        "awseks": {},
        "azure_aks": {},
        "google_cloud_gke": {},
        "record_offload_snapshot_job": False,
        "process_logs": False,
        "logs_available": False,
        "kube_copy_progress": copy_progress,
        "kube_snapshot_progress": snapshot_progress,
        "phase": "OFFLOAD_RUNNING",
        "cc_user_email": None,
        "type": job_type,
        "display_type": job_type,
        "display_name": (definition or {}).get("name", cluster.get("name", "")),
        "state": "RUNNING",
        "start_time": start,
        "cluster": cluster.get("_id"),
        "cluster_name": cluster.get("name"),
        "jobrunner": f"{verb}-{_pod_suffix(rng)}-{_pod_suffix(rng)}",
        "message": "",
        "activity": [activity_line(start, f"Initiating the {verb} process")],
        "_created": created,
        "_updated": created,
        "_etag": store.new_etag(str(doc_id)) if store else f"{rng.getrandbits(160):040x}",
    }
    if definition is not None and definition_resource is not None:
        key = {"kubebackups": "backupdef", "kubeoffloads": "offloaddef", "kuberestores": "restoredef"}[
            definition_resource
        ]
        job[key] = definition["_id"]
        job[f"{key}_name"] = definition.get("name")
        if definition_resource == "kubeoffloads" and definition.get("backupdef") is not None:
            job["backupdef"] = definition["backupdef"]
        policy = definition.get("policy") or definition.get("copy_policy")
        if policy is not None:
            job["policy_id"] = policy
    if retention is not None:
        job["retention"] = retention
    return job


def advance(job: dict[str, Any], rng: random.Random, now: int) -> dict[str, Any]:
    """One step of progress for a running job; returns the changed fields."""
    changes: dict[str, Any] = {}
    if job["type"] == "K8S_SNAP":
        progress = dict(job["kube_snapshot_progress"])
        if progress["pending_pvs"]:
            progress["pending_pvs"] -= 1
            progress["active_pvs"] += 1
        elif progress["active_pvs"]:
            progress["active_pvs"] -= 1
            progress["completed_pvs"] += 1
        changes["kube_snapshot_progress"] = progress
    elif job["type"] == "K8S_COPY":
        progress = {**job["kube_copy_progress"], "stats": dict(job["kube_copy_progress"]["stats"])}
        stats = progress["stats"]
        step = max(1, stats["estimated_size"] // rng.randint(6, 14))
        stats["transferred_size"] = min(stats["estimated_size"], stats["transferred_size"] + step)
        stats["io_size"] = min(stats["estimated_size"], stats["transferred_size"] + step)
        fraction = stats["transferred_size"] / max(1, stats["estimated_size"])
        stats["transferred_number_of_files"] = int(stats["estimated_number_of_files"] * fraction)
        stats["io_number_of_files"] = stats["transferred_number_of_files"]
        total = progress["total_pvs"]
        done = min(total, int(total * fraction))
        progress.update(completed_pvs=done, active_pvs=min(1, total - done), pending_pvs=max(0, total - done - 1))
        changes["kube_copy_progress"] = progress
        if len(job["activity"]) == 1:
            changes["activity"] = [*job["activity"], activity_line(now, "Copying PV data to objectstore")]
    return changes


def is_nearly_done(job: dict[str, Any]) -> bool:
    if job["type"] == "K8S_SNAP":
        progress = job["kube_snapshot_progress"]
        return progress["pending_pvs"] == 0 and progress["active_pvs"] == 0
    if job["type"] == "K8S_COPY":
        stats = job["kube_copy_progress"]["stats"]
        return stats["transferred_size"] >= stats["estimated_size"]
    return True


def finish(job: dict[str, Any], rng: random.Random, state: str, end: int, message: str | None = None) -> dict[str, Any]:
    """The fields that change when a job ends in `state`; returns them (and applies nothing)."""
    verb = _VERB.get(job["type"], "job")
    changes: dict[str, Any] = {"state": state, "end_time": end}
    resources = rng.randint(40, 2500)
    if state == "COMPLETED":
        changes["message"] = SUCCESS_MESSAGE.get(job["type"], "Completed")
        errors, warnings = 0, rng.choice((0, 0, 0, 1, 2))
    elif state == "PARTIAL":
        changes["message"] = rng.choice(PARTIAL_MESSAGES)
        errors, warnings = rng.randint(0, 2), rng.randint(1, 6)
    elif state == "SKIPPED":
        changes["message"] = SKIPPED_MESSAGE
        errors, warnings, resources = 0, 0, 0
    else:
        changes["message"] = rng.choice(FAILURE_MESSAGES)
        errors, warnings = rng.randint(1, 4), rng.randint(0, 2)
    changes.update(num_errors=errors, num_warnings=warnings)
    if job["type"] in ("K8S_SNAP", "K8S_COPY"):
        changes.update(num_total_resources=resources, num_backup_resources=resources - errors)
    elif job["type"] == "RESTORE":
        changes.update(num_total_resources=resources, num_restored_resources=max(0, resources - warnings))
    if job["type"] == "K8S_SNAP":
        progress = dict(job["kube_snapshot_progress"])
        total = progress["total_pvs"]
        failed = 0 if state == "COMPLETED" else min(total, max(1, errors))
        if state == "SKIPPED":
            failed = 0
        progress.update(pending_pvs=0, active_pvs=0, completed_pvs=total - failed, failed_pvs=failed)
        changes["kube_snapshot_progress"] = progress
        changes.update(num_volume_snapshots_attempted=total, num_volume_snapshots_completed=total - failed)
    elif job["type"] == "K8S_COPY" and state == "COMPLETED":
        progress = {**job["kube_copy_progress"], "stats": dict(job["kube_copy_progress"]["stats"])}
        stats = progress["stats"]
        stats.update(
            transferred_size=stats["estimated_size"],
            io_size=stats["estimated_size"],
            transferred_number_of_files=stats["estimated_number_of_files"],
            io_number_of_files=stats["estimated_number_of_files"],
        )
        progress.update(completed_pvs=progress["total_pvs"], active_pvs=0, pending_pvs=0)
        changes["kube_copy_progress"] = progress
        changes["phase"] = "OFFLOAD_COMPLETED"
    if message is not None:
        changes["message"] = message
    outcome = {
        "COMPLETED": f"{verb.capitalize()} completed",
        "PARTIAL": f"{verb.capitalize()} finished with {warnings} warnings",
        "SKIPPED": f"{verb.capitalize()} skipped",
    }.get(state, f"{verb.capitalize()} failed")
    activity = list(changes.get("activity", job["activity"]))
    if state != "SKIPPED" and len(activity) == 1:
        middle = "Backing up Kubernetes resources" if verb == "backup" else f"Processing the {verb}"
        activity.append(activity_line(job["start_time"] + max(1, (end - job["start_time"]) // 3), middle))
    activity.append(activity_line(end, outcome))
    changes["activity"] = activity
    changes["logs_available"] = state != "SKIPPED"
    changes["_updated"] = datetime.fromtimestamp(end, timezone.utc)
    return changes
