"""Schemas of what users define to protect clusters: backups, copies, restores, policies and hooks."""

from __future__ import annotations

from .fields import (
    Rule,
    array,
    boolean,
    common_fields,
    enum,
    hook_refs,
    integer,
    mover_options,
    name_field,
    obj,
    ref,
    server_owned,
    string,
)

JOB_STATES = (
    "UNKNOWN",
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "PARTIAL",
    "FAILED",
    "SKIPPED",
    "CATALOG",
    "CANCELLING",
    "CANCELED",
)
DEFINITION_STATES = ("PENDING", "FAILED", "JOB_CREATED")


def _job_summary() -> Rule:
    return obj({"jobid": string(), "state": enum(*JOB_STATES), "message": string(nullable=True)})


KUBEBACKUP: dict[str, Rule] = {
    "name": name_field(),
    "cluster": ref("kubeclusters", required=True, nullable=False),
    "policy": ref("policies"),
    "trigger_type": enum("SCHEDULED", "ADHOC", default="SCHEDULED"),
    "source": obj(
        {
            "all_namespaces": boolean(default=False),
            "namespaces": array(string()),
            "excluded_namespaces": array(string()),
            "label_selector": obj(),
            "snapshotPersistentVolumes": boolean(default=True),
            "snapshot_longhorn": boolean(),
            "included_resources": array(string()),
            "include_unattached_pvcs": boolean(),
            "csi_snapshot_timeout": integer(),
        },
        required=True,
    ),
    "pre_hooks": hook_refs(),
    "post_hooks": hook_refs(),
    "pause": boolean(default=False),
    "copydef": ref("kubeoffloads"),
    "copy_policy": ref("policies"),
    "migrationdef": string(nullable=True),
    "velero": obj(
        {
            "fs_backup": boolean(),
            "storage_location": string(),
            "volume_snapshot_locations": array(string()),
            "retention_days": integer(),
        }
    ),
    "velero_k8s_uid": string(),
    "status": server_owned(
        obj(
            {
                "jobs": array(_job_summary()),
                "message": string(nullable=True),
                "last_job_run_time": integer(),
                "velero": obj({"op_state": string(), "op_message": string()}),
            }
        )
    ),
    **common_fields(),
}

KUBEOFFLOAD: dict[str, Rule] = {
    "name": name_field(),
    "trigger_type": enum("SCHEDULED", "ADHOC", default="SCHEDULED"),
    "backupdef": ref("kubebackups"),
    "backup_inst": ref("backupinstances"),
    "policy": ref("policies"),
    "delete_snapshots": boolean(default=True),
    "run_backup": boolean(default=False),
    "skip_live_copy": boolean(),
    "snapshot_longhorn": boolean(),
    "offload_provider": obj({"type": string(), "region": string(), "user_objectstore": ref("objectstores")}),
    "options": mover_options(),
    # Filled in by the server from backupdef.
    "cluster": server_owned(ref("kubeclusters")),
    "pause": boolean(default=False),
    "status": server_owned(
        obj(
            {
                "state": enum(*DEFINITION_STATES),
                "jobid": string(),
                "message": string(nullable=True),
                "last_job_run_time": integer(),
            }
        )
    ),
    **common_fields(),
}

KUBERESTORE: dict[str, Rule] = {
    "name": name_field(),
    "backup_inst": ref("backupinstances", required=True, nullable=False),
    "cluster": ref("kubeclusters"),
    "source_cluster": ref("kubeclusters"),
    "selection": obj(
        {
            "all_namespaces": boolean(default=False),
            "namespaces": array(string()),
            "label_selector": obj(),
            "restorePersistentVolumes": boolean(default=True),
            "include_resource_types": array(string()),
        },
        required=True,
    ),
    "pre_hooks": hook_refs(),
    "post_hooks": hook_refs(),
    "namespaces_prefix": string(),
    "namespaces_suffix": string(),
    "namespaces_map": obj(),
    "storage_class_map": obj(),
    "options": mover_options(),
    "awseks": obj(),
    "azure_aks": obj(),
    "cloudaccount": ref("cloudaccounts"),
    "migrationdef": string(nullable=True),
    "status": server_owned(
        obj(
            {
                "state": enum(*DEFINITION_STATES),
                "jobid": string(),
                "message": string(nullable=True),
                "last_job_run_time": integer(),
            }
        )
    ),
    **common_fields(),
}

CRON_FIELDS = ("minute", "hour", "dayOfMonth", "month", "dayOfWeek")

POLICY: dict[str, Rule] = {
    "name": name_field(),
    "timezone": string(default="UTC"),
    "schedules": array(
        obj(
            {
                "retainDays": integer(min=1, default=7, required=True),
                "numAlwaysRetain": integer(min=0, max=30, default=0),
                "locked": boolean(default=False),
                "schedule": obj(
                    {
                        "cronSpec": string(),
                        **{field: string() for field in CRON_FIELDS},
                    },
                    required=True,
                ),
            }
        ),
        required=True,
        minlength=1,
        daily_or_slower=True,
    ),
    "status": server_owned(obj({"suspended": boolean()})),
    **common_fields(),
}

KUBEHOOK: dict[str, Rule] = {
    "name": name_field(),
    "hook_type": enum("PRE_BACKUP", "POST_BACKUP", "POST_RESTORE", "COMMON", default="COMMON"),
    "description": string(),
    "post_hook": ref("kubehooks"),
    "hook": array(
        obj(
            {
                "labels": obj(required=True),
                "target": array(obj({"container": string(), "command": string(required=True)})),
            }
        ),
        required=True,
    ),
    **common_fields(),
}
