"""What the server adds to documents on create and keeps on replace, as CloudCasa does."""

from __future__ import annotations

import secrets
from typing import Any

from eve import Eve

from .validation import cron_fields

ORG_ID = "65a1e000e4b0a1b2c3d4e000"
USER_EMAIL = "demo-admin@example.com"

# Fields a client never owns: a PUT that leaves them out keeps the stored value instead of erasing it.
SERVER_FIELDS = (
    "status",
    "cc_user_email",
    "org_id",
    "validate_state",
    "validate_message",
    "inviter",
    "snippet",
)


def _fill_cron(document: dict[str, Any]) -> None:
    """Fill the five cron fields from `cronSpec` (or the reverse) and add `numAlwaysRetain`, as CloudCasa does."""
    for entry in document.get("schedules") or []:
        if not isinstance(entry, dict):
            continue
        entry.setdefault("numAlwaysRetain", 0)
        schedule = entry.get("schedule")
        if not isinstance(schedule, dict):
            continue
        fields = cron_fields(schedule)
        if fields is None:
            continue
        names = ("minute", "hour", "dayOfMonth", "month", "dayOfWeek")
        schedule.update(dict(zip(names, fields, strict=True)))
        schedule["cronSpec"] = " ".join(fields)


def _on_insert(resource: str, documents: list[dict[str, Any]]) -> None:
    for document in documents:
        document.setdefault("cc_user_email", USER_EMAIL)
        document.setdefault("tags", {})
        document.pop("status", None)  # an empty status sent by a client is ignored
        if resource == "kubebackups":
            document["org_id"] = ORG_ID
            document["source"].setdefault("snapshot_longhorn", True)
            document.setdefault("pre_hooks", [])
            document.setdefault("post_hooks", [])
        elif resource == "kubeclusters":
            document["org_id"] = ORG_ID
            agent = secrets.token_urlsafe(4).lower().replace("_", "x").replace("-", "y")
            document["status"] = {
                "state": "PENDING",
                "agentURL": f"https://demo.cloudcasa.invalid/kubeclusteragents/agent-{agent}/"
                f"{secrets.token_urlsafe(24)}=.yaml",
                "pendingStateTimestamp": 0,
                "dormant": False,
                "num_recovery_points": 0,
                "kubeAgentManagerVersion": "0.0",
                "scan_count": 0,
            }
        elif resource == "kubeoffloads":
            document.setdefault("skip_live_copy", False)
            document.setdefault("snapshot_longhorn", True)
            document["status"] = {"state": "PENDING", "message": ""}
        elif resource == "kuberestores":
            document["status"] = {"state": "PENDING", "message": ""}
        elif resource == "objectstores":
            document["validate_state"] = "VALIDATING"
            document["validate_message"] = ""
        elif resource == "policies":
            document["status"] = {"suspended": False}
            _fill_cron(document)
        elif resource == "cloudaccounts":
            document["status"] = {"state": "PENDING", "pendingStateTimestamp": 0, "updateAvailable": False}


def _derive_offload_cluster(app: Eve, document: dict[str, Any]) -> None:
    """A kubeoffload's `cluster` is the cluster of its backup definition."""
    backupdef = document.get("backupdef")
    if backupdef is None:
        return
    backup = app.data.driver.db["kubebackups"].find_one({"_id": backupdef}, {"cluster": 1})
    if backup and backup.get("cluster") is not None:
        document["cluster"] = backup["cluster"]


def _on_replace(resource: str, document: dict[str, Any], original: dict[str, Any]) -> None:
    for field in SERVER_FIELDS:
        if field in original and document.get(field) in (None, {}):
            document[field] = original[field]
    if resource == "policies":
        _fill_cron(document)


def _on_update(resource: str, updates: dict[str, Any], original: dict[str, Any]) -> None:
    if resource == "policies" and "schedules" in updates:
        _fill_cron(updates)


def install(app: Eve) -> None:
    app.on_insert += _on_insert
    app.on_replace += _on_replace
    app.on_update += _on_update

    def offload_cluster_on_insert(documents: list[dict[str, Any]]) -> None:
        for document in documents:
            _derive_offload_cluster(app, document)

    def offload_cluster_on_write(document: dict[str, Any], original: dict[str, Any]) -> None:
        _derive_offload_cluster(app, document)

    app.on_insert_kubeoffloads += offload_cluster_on_insert
    app.on_replace_kubeoffloads += offload_cluster_on_write
    app.on_update_kubeoffloads += offload_cluster_on_write
