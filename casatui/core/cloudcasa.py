"""What casatui knows of CloudCasa beyond what its API document says: the overlay of the collection profiles.

Everything here adds meaning to the server's document (which field names a job, which states are live, which field
of a job points at a backup definition, how a definition is run); none of it is assumed to exist. `profiles.py`
keeps what the server's schema and rows confirm and lets the rest give way: a field named here that the schema and
the rows lack is not shown, sorted by or searched, and a write or action the document does not offer is not offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .columns import C, Column

JOBS = "jobs"  # the collection CloudCasa keeps the runs of every definition in
POLICIES = "policies"  # the collection of schedules a definition refers to
# What the overview watches beside jobs, and the state each is in when all is well.
CLUSTERS, CLUSTER_PENDING, CLUSTER_ACTIVE = "kubeclusters", "PENDING", "ACTIVE"
STORES, STORE_READY = "objectstores", "READY"
ACCOUNTS, ACCOUNT_ACTIVE = "cloudaccounts", "ACTIVE"

# Fields the server writes and a client never sends, beyond Eve's own (`casatui.api.edits.SERVER_FIELDS`).
SERVER_OWNED = ("status", "cc_user_email", "org_id")

# Fields that name a document, in the order they are preferred, for collections the overlay says nothing of.
NAME_FIELDS = ("name", "display_name", "title", "email", "type")

# States of a job or a definition's run, by meaning. A state the overlay does not know is neither live nor final: it
# is shown and counted as it is, never dropped.
LIVE_STATES = frozenset(
    {"RUNNING", "PENDING", "CANCELLING", "WAITING", "QUEUED", "STARTING", "RETRYING", "IN_PROGRESS", "VALIDATING"}
)
FINAL_STATES = frozenset({"COMPLETED", "PARTIAL", "FAILED", "SKIPPED", "CANCELED", "CANCELLED", "ERROR", "EXPIRED"})
SUCCEEDED = frozenset({"COMPLETED"})
FAILED = frozenset({"FAILED", "PARTIAL", "ERROR"})


@dataclass(frozen=True)
class Overlay:
    """What casatui adds to one collection's profile."""

    columns: tuple[Column, ...] = ()
    name_fields: tuple[str, ...] = NAME_FIELDS
    natural_sort: str | None = None  # a time field to sort by, newest first; `_created` otherwise
    state_field: str | None = None
    jobs_link: str | None = None  # the field of a job that points at a document of this collection
    view: str = "document"  # how Enter opens a document: "document", "job" or "definition"
    pause_field: str | None = None  # a boolean that pauses the document's schedule
    run: Mapping[str, Any] | None = None  # the body of the `run` action, where the overlay knows one
    refs: Mapping[str, str] = field(default_factory=dict)  # field -> collection, where the schema does not say
    states: tuple[str, ...] = ()  # the state field's values, where the schema has no enum of them
    start_field: str | None = None  # when a run began and ended (epoch seconds)
    end_field: str | None = None
    context_field: str | None = None  # a second label beside the name (a job's cluster)
    own_name_field: str | None = None  # a run's own name, shown beside its id (its title names what it ran)
    type_field: str | None = None  # what kind of thing it is (a job's type, a store's or account's provider)
    message_field: str | None = None  # what the server last said of it
    heartbeat_field: str | None = None  # when its agent last reported (epoch seconds)
    activity_field: str | None = None  # a run's log: lines "<time> UTC: <what happened>"
    counters: tuple[tuple[str, str], ...] = ()  # (field, label) of a run's counts
    trigger_field: str | None = None  # what starts a definition (SCHEDULED, ADHOC)
    policy_field: str | None = None  # the reference to the policy that schedules it (a backup's copy has its own)
    runs_field: str | None = None  # the latest runs a definition records of itself, newest first (RUN_STATE)
    last_run_field: str | None = None  # when a definition last ran (epoch seconds), also in a run action's answer


_DEFINITION_RUN = {"retention": {"retainDays": 7}, "runBackup": True}
# What a backup or copy definition is: run now, paused, on a policy, with its last runs in its status.
_DEFINITION: dict[str, Any] = {
    "view": "definition",
    "pause_field": "pause",
    "run": _DEFINITION_RUN,
    "trigger_field": "trigger_type",
    "policy_field": "policy",
    "runs_field": "status.jobs",
    "last_run_field": "status.last_job_run_time",
}

# The state of one of the runs a definition records of itself (`runs_field`).
RUN_STATE = "state"

# A document carries the name of a document it points at beside the id: `cluster_name` beside `cluster`.
NAME_BESIDE_ID = "{}_name"


@dataclass(frozen=True)
class ProgressFields:
    """Where a job counts how far it got (dotted paths): done of total, and what failed or how many files."""

    done: str
    total: str
    failed: str | None = None
    files_done: str | None = None
    files_total: str | None = None


COPY_PROGRESS = ProgressFields(
    done="kube_copy_progress.stats.transferred_size",
    total="kube_copy_progress.stats.estimated_size",
    files_done="kube_copy_progress.stats.transferred_number_of_files",
    files_total="kube_copy_progress.stats.estimated_number_of_files",
)
SNAPSHOT_PROGRESS = ProgressFields(
    done="kube_snapshot_progress.completed_pvs",
    total="kube_snapshot_progress.total_pvs",
    failed="kube_snapshot_progress.failed_pvs",
)

# A policy's schedules: its timezone, and per schedule the cron (`cronSpec`, or the five fields CloudCasa also
# accepts), how many days its recovery points are kept, and whether they are locked (SafeLock).
POLICY_TIMEZONE = "timezone"
POLICY_SCHEDULES = "schedules"
SCHEDULE_CRON = "schedule.cronSpec"
SCHEDULE_CRON_FIELDS = tuple(f"schedule.{f}" for f in ("minute", "hour", "dayOfMonth", "month", "dayOfWeek"))
SCHEDULE_KEEP_DAYS = "retainDays"
SCHEDULE_LOCKED = "locked"

OVERLAY: dict[str, Overlay] = {
    "jobs": Overlay(
        columns=(
            C("display_name", "Name", width=22, priority=9, min_width=12),
            C("type", "Type", width=13, priority=3),
            C("state", "State", "state", width=10, priority=8),
            C("cluster_name", "Cluster", width=16, priority=4),
            C("start_time", "Started", "time", width=20, priority=7),
            C("start_time", "Duration", "duration", end="end_time", width=9, sortable=False, priority=2),
            C("message", "Message", width=30, flex=True, priority=6, min_width=16),
        ),
        name_fields=("display_name", "name"),
        natural_sort="start_time",
        state_field="state",
        states=("RUNNING", "PENDING", "COMPLETED", "PARTIAL", "FAILED", "SKIPPED", "CANCELED"),
        start_field="start_time",
        end_field="end_time",
        context_field="cluster_name",
        own_name_field="name",
        type_field="type",
        message_field="message",
        activity_field="activity",
        counters=(
            ("num_total_resources", "resources"),
            ("num_backup_resources", "backed up"),
            ("num_restored_resources", "restored"),
            ("num_volume_snapshots_attempted", "snapshots tried"),
            ("num_volume_snapshots_completed", "snapshots done"),
            ("num_errors", "errors"),
            ("num_warnings", "warnings"),
        ),
        view="job",
        refs={
            "cluster": "kubeclusters",
            "backupdef": "kubebackups",
            "offloaddef": "kubeoffloads",
            "restoredef": "kuberestores",
            "policy_id": "policies",
        },
    ),
    "kubeclusters": Overlay(
        columns=(
            C("name", "Name", width=20),
            C("status.state", "State", "state", width=10),
            C("status.version", "Kubernetes", width=10),
            C("status.kubeAgentVersion", "Agent", width=8),
            C("status.updateTime", "Last update", "time", width=20),
            C("description", "Description", width=20, flex=True),
        ),
        state_field="status.state",
        states=("ACTIVE", "PENDING", "REGISTERED", "INVENTORY", "DISCOVERED"),
        jobs_link="cluster",
        message_field="status.message",
        heartbeat_field="status.updateTime",
    ),
    "kubebackups": Overlay(
        columns=(
            C("name", "Name", width=22),
            C("cluster", "Cluster", "ref", ref="kubeclusters", width=18),
            C("policy", "Policy", "ref", ref="policies", width=16),
            C("trigger_type", "Trigger", width=9),
            C("pause", "Paused", "bool", width=6),
            C("status.last_job_run_time", "Last run", "time", width=20),
            C("status.jobs", "Last 3 runs", "states", width=11, sortable=False),
        ),
        jobs_link="backupdef",
        **_DEFINITION,
    ),
    "kubeoffloads": Overlay(
        columns=(
            C("name", "Name", width=20),
            C("backupdef", "Backup", "ref", ref="kubebackups", width=18),
            C("policy", "Policy", "ref", ref="policies", width=16),
            C("trigger_type", "Trigger", width=9),
            C("pause", "Paused", "bool", width=6),
            C("status.state", "State", "state", width=11),
            C("status.last_job_run_time", "Last run", "time", width=20),
        ),
        state_field="status.state",
        jobs_link="offloaddef",
        **_DEFINITION,
    ),
    "kuberestores": Overlay(
        columns=(
            C("name", "Name", width=24),
            C("cluster", "Target cluster", "ref", ref="kubeclusters", width=18),
            C("source_cluster", "Source cluster", "ref", ref="kubeclusters", width=18),
            C("status.state", "State", "state", width=11),
            C("status.last_job_run_time", "Last run", "time", width=20),
            C("status.message", "Message", width=20, flex=True),
        ),
        state_field="status.state",
        jobs_link="restoredef",
    ),
    "policies": Overlay(
        columns=(
            C("name", "Name", width=22),
            C("schedules", "Schedules", "schedules", width=30, flex=True, sortable=False),
            C("timezone", "Timezone", width=18),
            C("status.suspended", "Suspended", "bool", width=9),
        ),
        jobs_link="policy_id",
    ),
    "backupinstances": Overlay(
        columns=(
            C("name", "Name", width=22),
            C("type", "Type", width=8),
            C("state", "State", "state", width=8),
            C("cluster_name", "Cluster", width=16),
            C("backupdef_name", "Backup", width=18),
            C("start_time", "Started", "time", width=20),
            C("expiry_timestamp", "Expires", "time", width=20),
        ),
        natural_sort="start_time",
        state_field="state",
        start_field="start_time",
        jobs_link="backup_inst",
    ),
    "alerts": Overlay(
        columns=(
            C("type", "Type", width=22),
            C("cluster", "Cluster", "ref", ref="kubeclusters", width=16),
            C("_created", "Raised", "time", width=20),
            C("description", "Description", width=30, flex=True),
        ),
        name_fields=("type", "name"),
    ),
    "objectstores": Overlay(
        columns=(
            C("name", "Name", width=20),
            C("provider_type", "Provider", width=8),
            C("bucket_name", "Bucket", width=16),
            C("region", "Region", width=12),
            C("validate_state", "State", "state", width=10),
            C("s3provider.endpoint", "Endpoint", width=20, flex=True),
        ),
        state_field="validate_state",
        type_field="provider_type",
        message_field="validate_message",
    ),
    "cloudaccounts": Overlay(
        columns=(
            C("name", "Name", width=22),
            C("provider_type", "Provider", width=8),
            C("status.state", "State", "state", width=8),
            C("status.inventory.lastCompletedTimestamp", "Last inventory", "time", width=20),
            C("description", "Description", width=20, flex=True),
        ),
        state_field="status.state",
        jobs_link="cloudaccount",
        type_field="provider_type",
    ),
    "awsaccounts": Overlay(
        columns=(
            C("name", "Name", width=22),
            C("status.state", "State", "state", width=8),
            C("status.awsAccountId", "Account", width=14),
            C("status.region", "Region", width=12),
        ),
        state_field="status.state",
    ),
    "kubehooks": Overlay(
        columns=(
            C("name", "Name", width=18),
            C("hook_type", "Type", width=12),
            C("description", "Description", width=30, flex=True),
        )
    ),
    "kubenamespaces": Overlay(
        columns=(C("name", "Name", width=20), C("cluster_id", "Cluster", "ref", ref="kubeclusters", width=20))
    ),
    "usergroups": Overlay(
        columns=(
            C("name", "Name", width=20),
            C("users", "Users", "count", width=6, sortable=False),
            C("acls", "Access rules", "count", width=12, sortable=False),
        )
    ),
    "roles": Overlay(
        columns=(C("name", "Name", width=18), C("type", "Type", width=8), C("description", "Description", flex=True))
    ),
    "orginvites": Overlay(
        columns=(
            C("email", "Email", width=24),
            C("state", "State", "state", width=9),
            C("expires_in_days", "Expires in (d)", width=8),
            C("_created", "Sent", "time", width=20),
        ),
        name_fields=("email", "name"),
        state_field="state",
    ),
    "apikeys": Overlay(
        columns=(
            C("name", "Name", width=18),
            C("snippet", "Key ends", width=8),
            C("org_role", "Role", width=6),
            C("description", "Description", flex=True),
        )
    ),
}

NONE = Overlay()


def overlay(collection: str) -> Overlay:
    return OVERLAY.get(collection, NONE)
