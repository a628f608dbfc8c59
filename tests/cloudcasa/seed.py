"""Documents for the CloudCasa-like server, generated from its schemas: deterministic for a seed, relative to `now`.

A few documents in every collection, filled field by field from the Eve schema derived from the document (so every
one of them can be written back unchanged), and hand-shaped documents where tests look for something: clusters,
policies and backup definitions with the names in `NAMES`, ~60 jobs over the last four days that point at them,
alerts on failed jobs, namespaces of each cluster, user groups and permissions.
"""

from __future__ import annotations

import hashlib
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from bson import ObjectId

from casatui.demo.store import Store

from .spec import ALERT_TYPES

DAY = 86_400
EMAIL = "platform-team@example.org"
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper")


@dataclass(frozen=True)
class Names:
    """Names of documents every seed creates, for tests to look them up."""

    clusters: tuple[str, ...] = ("aks-payments", "eks-analytics", "gke-edge")
    policies: tuple[str, ...] = ("nightly-14d", "weekly-90d", "every-6h-2d")
    # backup definition: (cluster index, policy index or None for an ad hoc one)
    backups: tuple[tuple[str, int, int | None], ...] = (
        ("payments-nightly", 0, 0),
        ("analytics-weekly", 1, 1),
        ("payments-db-6h", 0, 2),
        ("edge-adhoc", 2, None),
    )
    namespaces: tuple[str, ...] = ("default", "kube-system", "apps")
    usergroups: tuple[str, ...] = ("operators", "auditors")
    permissions: tuple[tuple[str, str], ...] = (
        ("kubebackups", "create"),
        ("kubebackups", "run"),
        ("kubeclusters", "restore"),
        ("policies", "update"),
    )


NAMES = Names()
# Documents per collection; the ones not named here get GENERIC_COUNT.
COUNTS = {
    "kubeclusters": len(NAMES.clusters),
    "policies": len(NAMES.policies),
    "kubebackups": len(NAMES.backups),
    "kubenamespaces": len(NAMES.clusters) * len(NAMES.namespaces),
    "usergroups": len(NAMES.usergroups),
    "rbac_permissions": len(NAMES.permissions),
    "alerts": 5,
    "runkubebackup": 2,
}
GENERIC_COUNT = 3
# (state or None for a job without one, weight): finished states most, a few without any state.
STATE_WEIGHTS = (
    ("COMPLETED", 30),
    ("FAILED", 9),
    ("PARTIAL", 5),
    ("SKIPPED", 3),
    ("CANCELLED", 3),
    ("RUNNING", 3),
    ("PENDING", 2),
    ("WAITING", 2),
    ("RETRYING", 2),
    ("CANCELLING", 1),
    ("DELETING", 1),
    (None, 6),
)
FINISHED = {"COMPLETED", "FAILED", "PARTIAL", "SKIPPED", "CANCELLED"}
MESSAGES = {
    "COMPLETED": "Backup Successful. ",
    "FAILED": "Internal operation failed: snapshot of pvc data-0 timed out",
    "PARTIAL": "2 of 5 volumes were not snapshotted",
    "SKIPPED": "Skipped: the previous run of this definition was still active",
    "CANCELLED": "Cancelled by the user",
    "RETRYING": "Agent not responding; retrying",
}


def object_id(rng: random.Random, when: int) -> ObjectId:
    return ObjectId(when.to_bytes(4, "big") + rng.randbytes(8))


def suffix(rng: random.Random, length: int = 10) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))


class Seeder:
    def __init__(self, store: Store, domain: dict[str, dict[str, Any]], seed: int, now: int) -> None:
        self.store = store
        self.domain = domain
        self.rng = random.Random(seed)
        self.now = now
        self.ids: dict[str, list[ObjectId]] = {}
        self.docs: dict[str, list[dict[str, Any]]] = {}

    # -- plumbing -------------------------------------------------------------------------------------------

    def meta(self, resource: str, index: int, created: int) -> dict[str, Any]:
        oid = self.ids[resource][index]
        return {
            "_id": oid,
            "_created": datetime.fromtimestamp(created, timezone.utc),
            "_updated": datetime.fromtimestamp(created, timezone.utc),
            "_etag": hashlib.sha1(f"{resource}:{oid}:{created}".encode()).hexdigest(),
        }

    def add(self, resource: str, index: int, document: dict[str, Any], created: int | None = None) -> dict[str, Any]:
        created = created if created is not None else self.now - self.rng.randint(5 * DAY, 200 * DAY)
        document = {**document, **self.meta(resource, index, created)}
        self.docs.setdefault(resource, []).append(document)
        return document

    # -- values from a Cerberus rule ------------------------------------------------------------------------

    def value(self, name: str, rule: dict[str, Any], depth: int = 0) -> Any:
        rng = self.rng
        kind = rule.get("type")
        if "allowed" in rule:
            return rng.choice(rule["allowed"])
        if kind == "objectid":
            relation = rule.get("data_relation")
            if relation is None:
                return object_id(rng, self.now - rng.randint(DAY, 90 * DAY))
            targets = self.ids.get(relation["resource"])
            return rng.choice(targets) if targets else None
        if kind == "integer":
            if name.endswith(("time", "Time", "Timestamp", "timestamp")):
                return self.now - rng.randint(0, 5 * DAY)
            low = rule.get("min", 0)
            return rng.randint(low, rule.get("max", low + 100))
        if kind == "number":
            return round(rng.uniform(rule.get("min", 0), rule.get("max", 100)), 2)
        if kind == "boolean":
            return rule.get("default", rng.random() < 0.5)
        if kind == "datetime":  # stored naive, in UTC, as mongomock keeps them
            return (datetime.now(timezone.utc) + timedelta(days=rng.randint(1, 90))).replace(tzinfo=None, microsecond=0)
        if kind == "list":
            item = rule.get("schema") or {}
            return [self.value(name, item, depth + 1) for _ in range(rng.randint(1, 2))] if depth < 4 else []
        if kind == "dict":
            if "schema" in rule:
                return self.fields(rule["schema"], depth + 1)
            return {"team": rng.choice(WORDS)} if rng.random() < 0.5 else {}
        if name == "cc_user_email":
            return EMAIL
        text = f"{name.replace('_', ' ')} {rng.choice(WORDS)}"
        return text[: rule.get("maxlength", len(text))]

    def fields(self, schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for name, rule in schema.items():
            if not rule.get("required") and self.rng.random() < 0.25:
                continue
            value = self.value(name, rule, depth)
            if value is not None:
                document[name] = value
        return document

    def generic(self, resource: str) -> None:
        spec = self.domain[resource]
        stem = spec["item_title"].lower()
        for index in range(len(self.ids[resource])):
            document = self.fields(spec["schema"])
            if "name" in spec["schema"]:
                document["name"] = f"{stem}-{WORDS[index % len(WORDS)]}"
            self.add(resource, index, document)

    # -- the hand-shaped collections ------------------------------------------------------------------------

    def clusters(self) -> None:
        for index, name in enumerate(NAMES.clusters):
            state = ("ACTIVE", "ACTIVE", "PENDING")[index % 3]
            status = {
                "state": state,
                "agentURL": f"https://agents.example.org/kubeclusteragents/agent-{suffix(self.rng, 5)}/x.yaml",
                "version": f"v1.{27 + index}.{self.rng.randint(0, 9)}",
                "kubeAgentVersion": "3.4.1",
                "pendingStateTimestamp": 0,
                "updateTime": self.now - self.rng.randint(60, 3600),
                "dormant": False,
                "num_recovery_points": self.rng.randint(3, 40),
            }
            document = {"name": name, "description": f"{name.split('-')[1]} workloads", "status": status}
            self.add("kubeclusters", index, {**document, "cc_user_email": EMAIL, "tags": {"env": "prod"}})

    def policies(self) -> None:
        crons = (("0", "2", "*/1", "*", "*"), ("30", "3", "*", "*", "SUN"), ("15", "*/6", "*", "*", "*"))
        for index, name in enumerate(NAMES.policies):
            minute, hour, day, month, weekday = crons[index]
            schedule = {"minute": minute, "hour": hour, "dayOfMonth": day, "month": month, "dayOfWeek": weekday}
            schedule["cronSpec"] = " ".join(schedule.values())
            retain = int(name.split("-")[-1].removesuffix("d"))
            entry = {"retainDays": retain, "numAlwaysRetain": 0, "locked": False, "schedule": schedule}
            document = {"name": name, "timezone": "UTC", "schedules": [entry], "status": {"suspended": False}}
            self.add("policies", index, {**document, "cc_user_email": EMAIL, "tags": {}})

    def backups(self) -> None:
        for index, (name, cluster, policy) in enumerate(NAMES.backups):
            document: dict[str, Any] = {
                "name": name,
                "trigger_type": "ADHOC" if policy is None else "SCHEDULED",
                "cluster": self.ids["kubeclusters"][cluster],
                "source": {
                    "all_namespaces": index % 2 == 0,
                    "namespaces": [] if index % 2 == 0 else ["apps"],
                    "label_selector": {},
                    "snapshotPersistentVolumes": True,
                },
                "pre_hooks": [],
                "post_hooks": [],
                "pause": False,
                "status": {"jobs": [], "message": ""},
                "cc_user_email": EMAIL,
                "tags": {},
            }
            if policy is not None:
                document["policy"] = self.ids["policies"][policy]
            self.add("kubebackups", index, document)

    def jobs(self, count: int) -> None:
        backups = self.docs["kubebackups"]
        clusters = {doc["_id"]: doc for doc in self.docs["kubeclusters"]}
        states = [state for state, _ in STATE_WEIGHTS]
        weights = [weight for _, weight in STATE_WEIGHTS]
        for index in range(count):
            backup = backups[index % len(backups)]
            # Two failures in the last day whatever the seed, so "failed in the last 24 hours" is never empty.
            state = "FAILED" if index < 2 else self.rng.choices(states, weights)[0]
            start = self.now - (self.rng.randint(600, DAY - 600) if index < 2 else self.rng.randint(60, 4 * DAY))
            job = job_document(
                self.rng, backup, clusters[backup["cluster"]], start=start, state=state, retain_days=7 + index % 2 * 7
            )
            self.add("jobs", index, job, created=start)
        for backup in backups:  # each definition's last runs, newest first, as CloudCasa keeps them
            runs = sorted(
                (j for j in self.docs["jobs"] if j["backupdef"] == backup["_id"]), key=lambda j: -j["start_time"]
            )
            backup["status"]["jobs"] = [
                {"jobid": job["_id"], "state": job.get("state", "PENDING"), "message": job.get("message", "")}
                for job in runs[:3]
            ]
            if runs:
                backup["status"]["last_job_run_time"] = runs[0]["start_time"]

    def alerts(self) -> None:
        failed = [job for job in self.docs["jobs"] if job.get("state") in ("FAILED", "PARTIAL")]
        for index in range(COUNTS["alerts"]):
            job = failed[index % len(failed)]
            kind = ALERT_TYPES[index % 3]
            document = {
                "name": f"{kind.lower()}-{job['name']}",
                "type": kind,
                "description": f"Backup {job['backupdef_name']} on {job['cluster_name']}: {job.get('message', '')}",
                "job": job["_id"],
                "cc_user_email": EMAIL,
                "tags": {},
            }
            self.add("alerts", index, document, created=job["start_time"] + 120)

    def namespaces(self) -> None:
        index = 0
        for cluster in self.docs["kubeclusters"]:
            for name in NAMES.namespaces:
                uid = "-".join(suffix(self.rng, n) for n in (8, 4, 4, 4, 12))
                document = {"name": name, "cluster_id": cluster["_id"], "k8s_uid": uid, "tags": {}}
                self.add("kubenamespaces", index, document)
                index += 1

    def access(self) -> None:
        for index, name in enumerate(NAMES.usergroups):
            permissions = (
                ["kubebackups.create", "kubeclusters.backup"] if name == "operators" else ["kubenamespaces.read"]
            )
            acl = {"resource": "allresources", "resourceIds": [], "permissions": permissions, "roles": []}
            users = [object_id(self.rng, self.now - 30 * DAY) for _ in range(index + 1)]
            self.add("usergroups", index, {"name": name, "users": users, "acls": [acl], "tags": {}})
        for index, (resource, operation) in enumerate(NAMES.permissions):
            document = {"name": f"{resource}.{operation}", "resource": resource, "operation": operation, "tags": {}}
            self.add("rbac_permissions", index, document)

    def runs(self) -> None:
        for index in range(COUNTS["runkubebackup"]):
            backup = self.docs["kubebackups"][index]
            document = {"name": f"run-{backup['name']}", "backup": backup["_id"], "retention": {"retainDays": 7}}
            self.add("runkubebackup", index, {**document, "tags": {}})


def job_document(
    rng: random.Random,
    backup: dict[str, Any],
    cluster: dict[str, Any],
    *,
    start: int,
    state: str | None,
    retain_days: int,
) -> dict[str, Any]:
    """A K8S_SNAP job of a backup definition: `name`, never `display_name`, and no `state` when `state` is None."""
    job: dict[str, Any] = {
        "name": f"kubebackup-{suffix(rng)}",
        "type": "K8S_SNAP",
        "jobrunner": f"backup-{suffix(rng, 5)}-{suffix(rng, 5)}",
        "start_time": start,
        "cluster": cluster["_id"],
        "cluster_name": cluster["name"],
        "backupdef": backup["_id"],
        "backupdef_name": backup["name"],
        "retention": {"retainDays": retain_days, "numAlwaysRetain": 0},
        "num_total_resources": rng.randint(40, 400),
        "num_errors": 1 if state == "FAILED" else 0,
        "num_warnings": rng.randint(0, 3),
        "kube_snapshot_progress": {"total_pvs": 5, "pending_pvs": 0, "active_pvs": 0, "completed_pvs": 5},
        "activity": [f"{datetime.fromtimestamp(start, timezone.utc):%Y-%m-%d %H:%M:%S} UTC: Initiating the backup"],
        "cc_user_email": EMAIL,
        "tags": {},
    }
    if "policy" in backup:
        job["policy_id"] = backup["policy"]
    if state is not None:
        job["state"] = state
    if state in MESSAGES:
        job["message"] = MESSAGES[state]
    if state in FINISHED:
        job["end_time"] = start + rng.randint(30, 1800)
    return job


def seed(store: Store, domain: dict[str, dict[str, Any]], *, seed: int, jobs: int, now: int) -> None:
    seeder = Seeder(store, domain, seed, now)
    counts = {resource: COUNTS.get(resource, GENERIC_COUNT) for resource in domain}
    counts["jobs"] = jobs
    for resource, count in counts.items():  # every id first, so that any document can point at any other
        seeder.ids[resource] = [object_id(seeder.rng, now - (count - i) * 3600) for i in range(count)]
    seeder.clusters()
    seeder.policies()
    seeder.backups()
    seeder.jobs(jobs)
    seeder.alerts()
    seeder.namespaces()
    seeder.access()
    seeder.runs()
    for resource in domain:
        if resource not in seeder.docs:
            seeder.generic(resource)
    for resource, documents in seeder.docs.items():
        store.load(resource, documents)
