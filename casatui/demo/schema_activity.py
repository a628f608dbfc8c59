"""Schemas of what CloudCasa records as it works: jobs, recovery points and alerts."""

from __future__ import annotations

from .fields import (
    Rule,
    array,
    boolean,
    common_fields,
    enum,
    integer,
    name_field,
    obj,
    ref,
    retention,
    string,
)
from .schema_protection import JOB_STATES

JOB_TYPES = (
    "K8S_SNAP",
    "RESTORE",
    "K8S_COPY",
    "DELETE_BACKUP",
    "AWS_INVENTORY",
    "CLOUD_INVENTORY",
    "AWSRDS_BACKUP",
    "AWSRDS_RESTORE",
    "AWSRDS_BACKUP_DELETE",
    "AWSRDS_COPY",
    "AWSEKS_RESTORE",
    "KOPIACONDENSE",
    "SECURITY_SCAN",
    "AGENT_UPDATE",
)

_PV_COUNTS = ("total_pvs", "pending_pvs", "active_pvs", "completed_pvs", "failed_pvs")
_COUNTERS = (
    "num_total_resources",
    "num_backup_resources",
    "num_restored_resources",
    "num_volume_snapshots_attempted",
    "num_volume_snapshots_completed",
    "num_total_snapshots",
    "num_snapshot_offload_attempted",
    "num_snapshot_offload_completed",
    "num_errors",
    "num_warnings",
)

JOB: dict[str, Rule] = {
    "name": name_field(unique=False),
    "type": enum(*JOB_TYPES, required=True),
    "display_type": string(),
    "display_name": string(),
    "state": enum(*JOB_STATES, default="UNKNOWN"),
    "phase": enum("OFFLOAD_RUNNING", "OFFLOAD_COMPLETED", "OFFLOAD_PARTIAL", default="OFFLOAD_RUNNING"),
    "message": string(nullable=True),
    "activity": array(string()),
    "start_time": integer(nullable=True),
    "end_time": integer(nullable=True),
    **{counter: integer() for counter in _COUNTERS},
    "jobrunner": string(required=True),
    "policy_id": ref("policies"),
    "retention": retention(),
    "cluster": ref("kubeclusters"),
    "backupdef": ref("kubebackups"),
    "restoredef": ref("kuberestores"),
    "offloaddef": ref("kubeoffloads"),
    "security_scan_def": string(nullable=True),
    "backup_inst": ref("backupinstances"),
    "offload_backup_inst": ref("backupinstances"),
    "security_scan_inst": string(nullable=True),
    "cloudaccount": ref("cloudaccounts"),
    "cluster_name": string(nullable=True),
    "backupdef_name": string(nullable=True),
    "restoredef_name": string(nullable=True),
    "offloaddef_name": string(nullable=True),
    "securityscan_name": string(nullable=True),
    "record_offload_snapshot_job": boolean(),
    "process_logs": boolean(),
    "logs_available": boolean(),
    "awsrds": obj(),
    "awsebs": obj(),
    "awseks": obj(),
    "azure_aks": obj(),
    "google_cloud_gke": obj(),
    "kube_copy_progress": obj(
        {
            "stats": obj(
                {
                    "estimated_size": integer(),
                    "estimated_number_of_files": integer(),
                    "io_size": integer(),
                    "io_number_of_files": integer(),
                    "transferred_size": integer(),
                    "transferred_number_of_files": integer(),
                }
            ),
            **{count: integer() for count in _PV_COUNTS},
        }
    ),
    "kube_snapshot_progress": obj({**{count: integer() for count in _PV_COUNTS}, "skipped_pvs": integer()}),
    **common_fields(),
}

BACKUPINSTANCE: dict[str, Rule] = {
    "name": name_field(unique=False),
    "type": enum("SNAPSHOT", "COPY"),
    "source_type": enum("kubernetes", "awsrds"),
    "state": enum("PENDING", "READY", "DELETING"),
    "start_time": integer(nullable=True),
    "end_time": integer(nullable=True),
    "expiry_timestamp": integer(nullable=True),
    "cluster": ref("kubeclusters"),
    "cluster_name": string(nullable=True),
    "backupdef": ref("kubebackups"),
    "backupdef_name": string(nullable=True),
    "objectstore": ref("objectstores"),
    "offload_def": ref("kubeoffloads"),
    "source_backupinst": ref("backupinstances"),
    "backup_job_id": ref("jobs"),
    "offload_snapshot_job_id": ref("jobs"),
    "cloudaccount": ref("cloudaccounts"),
    "backup_selection": obj(),
    "backup_location": obj(
        {
            "backup_provider": string(),
            "bucket_name": string(),
            "region": string(),
            "endpoint": string(),
            "prefix": string(),
            "backup_repo_prefix": string(),
            "repo_password": string(),
            "backup_location_info": string(),
        }
    ),
    "pv_count": integer(),
    **{counter: integer() for counter in _COUNTERS},
    "backup_storage_size": integer(),
    "protected_storage_size": integer(),
    "total_snapshot_data": integer(),
    "total_copy_data": integer(),
    "retention": retention(),
    "status": obj(
        {
            "backup_size_set": boolean(),
            "s3_dir_deleted": boolean(),
            "deleted": boolean(),
            "locked": boolean(),
        }
    ),
    "kubeagent_info": obj({"format_version": string(), "phase": string()}),
    "awsrds": obj(),
    "awseks": obj(),
    "azure_aks": obj(),
    **common_fields(),
}

ALERT_TYPES = (
    "BACKUP_FAILED",
    "BACKUP_SKIPPED",
    "BACKUP_PARTIAL",
    "BACKUP_DATA_NOT_FOUND",
    "RESTORE_FAILED",
    "RESTORE_SKIPPED",
    "RESTORE_PARTIAL",
    "CLUSTER_NOT_RESPONDING",
    "AWS_ACCOUNT_DISCONNECTED",
)

ALERT: dict[str, Rule] = {
    "name": string(),
    "type": enum(*ALERT_TYPES, required=True),
    "description": string(),
    "job": ref("jobs"),
    "cluster": ref("kubeclusters"),
    **common_fields(),
}
