"""Deterministic, cross-referenced seed data for the embedded server, scalable to 100,000 jobs."""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bson import ObjectId

from . import seed_catalog as catalog
from .hooks import ORG_ID, USER_EMAIL
from .jobs import FAILURE_MESSAGES, PARTIAL_MESSAGES, finish, new_job, object_id
from .seed_catalog import DAY, HOUR, MINUTE
from .store import Store

MAX_JOBS = 100_000
# Job states of finished runs and how often they happen.
_OUTCOMES = (("COMPLETED", 78), ("FAILED", 8), ("PARTIAL", 9), ("SKIPPED", 5))


@dataclass(frozen=True)
class SeedOptions:
    seed: int = 1
    jobs: int = 400
    running_jobs: int = 3
    now: int | None = None  # epoch seconds; None for the current time


class _Builder:
    def __init__(self, store: Store, options: SeedOptions) -> None:
        self.store = store
        self.rng = random.Random(options.seed)
        self.now = options.now if options.now is not None else int(time.time())
        self.options = options
        self.ids: dict[str, list[ObjectId]] = {}
        self.docs: dict[str, list[dict[str, Any]]] = {}

    # -- helpers ---------------------------------------------------------------------------------------

    def meta(self, created_ago: int, updated_ago: int | None = None) -> dict[str, Any]:
        created = self.now - created_ago
        updated = self.now - (created_ago if updated_ago is None else updated_ago)
        return {
            "_id": object_id(self.rng, created),
            "_created": datetime.fromtimestamp(created, timezone.utc),
            "_updated": datetime.fromtimestamp(updated, timezone.utc),
        }

    def add(self, collection: str, document: dict[str, Any]) -> dict[str, Any]:
        document.setdefault("tags", {})
        document["_etag"] = hashlib.sha1(f"{collection}:{document['_id']}:{document['_updated']}".encode()).hexdigest()
        self.docs.setdefault(collection, []).append(document)
        self.ids.setdefault(collection, []).append(document["_id"])
        return document

    def ref(self, collection: str, index: int) -> ObjectId:
        return self.ids[collection][index]

    def flush(self) -> None:
        for collection, documents in self.docs.items():
            self.store.load(collection, documents)

    # -- fixed part ------------------------------------------------------------------------------------

    def objectstores(self) -> None:
        for i, (
            name,
            provider,
            bucket,
            region,
            prefix,
            endpoint,
            state,
            message,
            private,
            locked,
        ) in enumerate(catalog.OBJECTSTORES):
            s3provider: dict[str, Any] = {"endpoint": endpoint} if endpoint else {}
            if provider == "azure":
                s3provider = {
                    "cloud": "Public",
                    "resource_group_name": "rg-backup",
                    "storage_account_name": "acmeccbackups",
                }
            document = {
                **self.meta((60 - i * 7) * DAY, (3 + i) * DAY),
                "name": name,
                "provider_type": provider,
                "region": region,
                "prefix": prefix,
                "s3provider": s3provider,
                "private": private,
                "proxy_cluster_list": [],
                "locked": locked,
                "skip_tls_certificate_validation": private,
                "validate_state": state,
                "validate_message": message,
                "cc_user_email": USER_EMAIL,
            }
            if bucket:
                document["bucket_name"] = bucket
            self.add("objectstores", document)

    def accounts(self) -> None:
        aws = self.add(
            "awsaccounts",
            {
                **self.meta(120 * DAY, 2 * HOUR),
                "name": "aws-prod-account",
                "opt_out": [],
                "cc_user_email": USER_EMAIL,
                "status": {
                    "state": "ACTIVE",
                    "region": "us-east-1",
                    "externalId": "cc-ext-4f9d2a",
                    "awsAccountId": "123456789012",
                    "awsAccountRole": "CloudCasaRole",
                    "awsCFStackName": "cloudcasa-integration",
                    "awsRoleArn": "arn:aws:iam::123456789012:role/CloudCasaRole",
                    "cfTemplateVersion": "2.1.0",
                    "message": "",
                    "version": "",
                    "pendingStateTimestamp": 0,
                    "inventory": {
                        "lastCompletedTimestamp": self.now - 2 * HOUR,
                        "state": "PENDING",
                        "event_name": "",
                    },
                },
            },
        )
        for i, (name, provider, state, update) in enumerate(catalog.CLOUDACCOUNTS):
            status: dict[str, Any] = {
                "state": state,
                "updateAvailable": update,
                "pendingStateTimestamp": 0 if state == "ACTIVE" else self.now - i * HOUR,
            }
            if state == "ACTIVE":
                status["inventory"] = {
                    "lastCompletedTimestamp": self.now - (2 + i) * HOUR,
                    "state": "PENDING",
                    "event_name": "",
                }
            document = {
                **self.meta((120 - i * 20) * DAY, (2 + i) * HOUR),
                "name": name,
                "provider_type": provider,
                "description": {"aws": "AWS account", "azure": "Azure subscription", "gcp": "GCP project"}[provider],
                "cc_user_email": USER_EMAIL,
                "status": status,
            }
            if provider == "aws" and state == "ACTIVE":
                document["aws"] = {"awsaccount": aws["_id"]}
            self.add("cloudaccounts", document)

    def clusters(self) -> None:
        for i, (name, platform, state, version, agent, seen_ago, message) in enumerate(catalog.CLUSTERS):
            status: dict[str, Any] = {
                "state": state,
                "agentURL": f"https://demo.cloudcasa.invalid/kubeclusteragents/agent-{self.rng.getrandbits(24):06x}/"
                f"{hashlib.sha1(name.encode()).hexdigest()[:32]}=.yaml",
                "pendingStateTimestamp": self.now - 2 * HOUR if state == "PENDING" else 0,
                "dormant": False,
                "num_recovery_points": 0,
                "kubeAgentManagerVersion": agent or "0.0",
                "scan_count": 0,
            }
            if seen_ago is not None:
                status.update(
                    message=message,
                    version=version,
                    agentVersion=3,
                    kubeAgentVersion=agent,
                    updateTime=self.now - seen_ago,
                    deployment_platform=platform,
                )
            document = {
                **self.meta((200 - i * 20) * DAY, seen_ago if seen_ago is not None else 5 * DAY),
                "name": name,
                "description": f"{platform or 'Lab'} cluster",
                "cc_user_email": USER_EMAIL,
                "org_id": ORG_ID,
                "tags": {"env": name.split("-")[0]},
                "status": status,
            }
            if i == 0:
                document["backup_provider"] = {"user_objectstore": self.ref("objectstores", 0)}
            self.add("kubeclusters", document)
        # The private MinIO store reaches the Internet through the lab cluster.
        self.docs["objectstores"][1]["proxy_cluster_list"] = [self.ref("kubeclusters", 2)]

    def namespaces(self) -> None:
        for c, cluster in enumerate(self.docs["kubeclusters"]):
            if cluster["status"]["state"] == "REGISTERED":
                continue
            for n, name in enumerate(catalog.NAMESPACES[: 4 + c % 5]):
                self.add(
                    "kubenamespaces",
                    {
                        **self.meta((150 - c) * DAY, (c + n) * HOUR),
                        "name": name,
                        "cluster_id": cluster["_id"],
                        "k8s_uid": f"{self.rng.getrandbits(128):032x}",
                    },
                )

    def policies(self) -> None:
        for i, (name, zone, schedules) in enumerate(catalog.POLICIES):
            entries = []
            for cron, retain, locked, always in schedules:
                minute, hour, dom, month, dow = cron.split()
                entries.append(
                    {
                        "retainDays": retain,
                        "locked": locked,
                        "numAlwaysRetain": always,
                        "schedule": {
                            "cronSpec": cron,
                            "minute": minute,
                            "hour": hour,
                            "dayOfMonth": dom,
                            "month": month,
                            "dayOfWeek": dow,
                        },
                    }
                )
            self.add(
                "policies",
                {
                    **self.meta((300 - i * 30) * DAY, (30 - i) * DAY),
                    "name": name,
                    "timezone": zone,
                    "schedules": entries,
                    "status": {"suspended": False},
                    "cc_user_email": USER_EMAIL,
                },
            )

    def hooks(self) -> None:
        for i, (name, kind, description, labels, container, command) in enumerate(catalog.HOOKS):
            target: dict[str, str] = {"command": command}
            if container:
                target["container"] = container
            self.add(
                "kubehooks",
                {
                    **self.meta((100 - i) * DAY),
                    "name": name,
                    "hook_type": kind,
                    "description": description,
                    "hook": [{"labels": labels, "target": [target]}],
                    "cc_user_email": USER_EMAIL,
                },
            )

    def backups(self) -> None:
        for i, (name, cluster, policy, trigger, paused, namespaces, hook) in enumerate(catalog.BACKUPS):
            source: dict[str, Any] = {
                "all_namespaces": namespaces is None,
                "snapshotPersistentVolumes": True,
                "snapshot_longhorn": True,
            }
            if namespaces is not None:
                source["namespaces"] = namespaces
            else:
                source["excluded_namespaces"] = ["kube-system"]
            document: dict[str, Any] = {
                **self.meta((90 - i * 5) * DAY, (12 - i) * DAY),
                "name": name,
                "cluster": self.ref("kubeclusters", cluster),
                "trigger_type": trigger,
                "pause": paused,
                "source": source,
                "pre_hooks": [
                    {
                        "template": False,
                        "namespaces": namespaces or [],
                        "hooks": [self.ref("kubehooks", hook)],
                    }
                ]
                if hook is not None
                else [],
                "post_hooks": [],
                "cc_user_email": USER_EMAIL,
                "org_id": ORG_ID,
            }
            if policy is not None:
                document["policy"] = self.ref("policies", policy)
            self.add("kubebackups", document)

    def offloads(self) -> None:
        for i, (name, backup, policy, store) in enumerate(catalog.OFFLOADS):
            definition = self.docs["kubebackups"][backup]
            document = self.add(
                "kubeoffloads",
                {
                    **self.meta((80 - i) * DAY, 2 * DAY),
                    "name": name,
                    "backupdef": definition["_id"],
                    "cluster": definition["cluster"],
                    "policy": self.ref("policies", policy),
                    "trigger_type": "SCHEDULED",
                    "delete_snapshots": True,
                    "run_backup": True,
                    "skip_live_copy": False,
                    "snapshot_longhorn": True,
                    "pause": False,
                    "offload_provider": {"user_objectstore": self.ref("objectstores", store)},
                    "options": {
                        "pvc_parallelism": 4,
                        "upload_speed_limit": 200_000_000,
                        "mover_ready_timeout": "20m",
                    },
                    "status": {"state": "PENDING", "message": ""},
                    "cc_user_email": USER_EMAIL,
                },
            )
            definition["copydef"] = document["_id"]
            definition["copy_policy"] = document["policy"]

    def restores(self) -> None:
        for i, (name, target, source, namespaces, options) in enumerate(catalog.RESTORES):
            selection: dict[str, Any] = {
                "all_namespaces": namespaces is None,
                "restorePersistentVolumes": True,
            }
            if namespaces is not None:
                selection["namespaces"] = namespaces
            document = {
                **self.meta((2 + i) * DAY, (2 + i) * DAY - 10),
                "name": name,
                "cluster": self.ref("kubeclusters", target),
                "source_cluster": self.ref("kubeclusters", source),
                "selection": selection,
                "pre_hooks": [],
                "post_hooks": [],
                "cc_user_email": USER_EMAIL,
                "status": {"state": "PENDING", "message": ""},
                **options,
            }
            self.add("kuberestores", document)

    def link_restores(self) -> None:
        """Point each restore, and its jobs, at a recovery point of its source cluster (made from the jobs)."""
        points = self.docs.get("backupinstances") or []
        for i, restore in enumerate(self.docs["kuberestores"]):
            mine = [p for p in points if p["cluster"] == restore["source_cluster"]] or points
            if mine:
                restore["backup_inst"] = mine[i % len(mine)]["_id"]
        by_id = {restore["_id"]: restore for restore in self.docs["kuberestores"]}
        for job in self.docs["jobs"]:
            target = by_id.get(job.get("restoredef"))
            if target is not None and "backup_inst" in target:
                job["backup_inst"] = target["backup_inst"]

    def admin(self) -> None:
        for i, (name, kind, description, permissions) in enumerate(catalog.ROLES):
            self.add(
                "roles",
                {
                    **self.meta(400 * DAY - i),
                    "name": name,
                    "type": kind,
                    "description": description,
                    "permissions": permissions,
                },
            )
        for i, (name, role, users) in enumerate(catalog.USERGROUPS):
            role_doc = self.docs["roles"][role]
            acl = {
                "resource": "allresources",
                "resourceIds": [],
                "permissions": [],
                "roles": [{"id": str(role_doc["_id"]), "name": role_doc["name"], "type": role_doc["type"]}],
            }
            self.add(
                "usergroups",
                {
                    **self.meta((300 - i) * DAY, (5 + i) * DAY),
                    "name": name,
                    "users": users,
                    "acls": [acl],
                    "cc_user_email": USER_EMAIL,
                },
            )
        for i, (email, first, last, state) in enumerate(catalog.INVITES):
            self.add(
                "orginvites",
                {
                    **self.meta((3 + 10 * i) * DAY),
                    "name": f"{first} {last}",
                    "email": email,
                    "first_name": first,
                    "last_name": last,
                    "expires_in_days": 7,
                    "state": state,
                    "inviter": USER_EMAIL,
                    "usergroups": [],
                    "acls": [],
                },
            )
        for i, (key_name, description, snippet, org_role) in enumerate(catalog.APIKEYS):
            self.add(
                "apikeys",
                {
                    **self.meta((50 - i * 20) * DAY),
                    "name": key_name,
                    "description": description,
                    "snippet": snippet,
                    "org_role": org_role,
                    "acls": [],
                    "cc_user_email": USER_EMAIL,
                },
            )

    # -- jobs and what follows from them -----------------------------------------------------------------

    def _start_times(self, count: int) -> list[int]:
        """Start times, newest first: a quarter in the last day, the rest spread over the last 30 days."""
        recent = count // 4
        times = [self.now - self.rng.randint(35 * MINUTE, DAY) for _ in range(recent)]
        times += [self.now - self.rng.randint(DAY, 30 * DAY) for _ in range(count - recent)]
        return sorted(times, reverse=True)

    def jobs(self) -> None:
        count = max(0, min(self.options.jobs, MAX_JOBS))
        backups = [b for b in self.docs["kubebackups"] if self._cluster(b["cluster"])["status"].get("updateTime")]
        offloads = self.docs["kubeoffloads"]
        restores = self.docs["kuberestores"]
        states = [state for state, _ in _OUTCOMES]
        weights = [weight for _, weight in _OUTCOMES]
        running = min(self.options.running_jobs, count)
        jobs: list[dict[str, Any]] = []
        unhappy = {"FAILED": FAILURE_MESSAGES, "PARTIAL": PARTIAL_MESSAGES}
        seen = {"FAILED": 0, "PARTIAL": 0}
        for index, start in enumerate(self._start_times(count)):
            roll = self.rng.random()
            # Paused definitions have older runs only: they were paused some days ago.
            runnable = [b for b in backups if not b["pause"]] if start > self.now - 5 * DAY else backups
            resource, definition, job_type = "kubebackups", self.rng.choice(runnable), "K8S_SNAP"
            if roll < 0.12 and offloads:
                resource, definition, job_type = "kubeoffloads", self.rng.choice(offloads), "K8S_COPY"
            elif roll < 0.14 and restores:
                resource, definition, job_type = "kuberestores", self.rng.choice(restores), "RESTORE"
            elif roll < 0.18:
                job_type = "DELETE_BACKUP"
            if index < running:
                start = self.now - self.rng.randint(2 * MINUTE, 30 * MINUTE)
                job_type = "K8S_COPY" if index == 0 and offloads else "K8S_SNAP"
                resource = "kubeoffloads" if job_type == "K8S_COPY" else "kubebackups"
                definition = offloads[0] if job_type == "K8S_COPY" else backups[index % len(backups)]
            cluster = self._cluster(definition.get("cluster"))
            job = new_job(
                self.rng,
                job_type=job_type,
                definition=definition,
                definition_resource=resource,
                cluster=cluster,
                start=start,
                retention={"retainDays": 7, "numAlwaysRetain": 0},
            )
            if index >= running:
                state = "COMPLETED" if job_type == "DELETE_BACKUP" else self.rng.choices(states, weights)[0]
                # Cycle through the awkward messages so that every one of them is in the data.
                message = None
                if state in unhappy:
                    messages = unhappy[state]
                    message = messages[seen[state] % len(messages)]
                    seen[state] += 1
                job.update(finish(job, self.rng, state, start + self.rng.randint(20, 50 * MINUTE), message))
            job["_etag"] = hashlib.sha1(f"jobs:{job['_id']}:{index}".encode()).hexdigest()
            jobs.append(job)
        jobs.sort(key=lambda job: job["start_time"], reverse=True)
        self.docs["jobs"] = jobs
        self.ids["jobs"] = [job["_id"] for job in jobs]

    def _cluster(self, cluster_id: Any) -> dict[str, Any]:
        for cluster in self.docs["kubeclusters"]:
            if cluster["_id"] == cluster_id:
                return cluster
        return self.docs["kubeclusters"][0]

    def definition_status(self) -> None:
        """Each definition's `status` from its newest jobs, as CloudCasa keeps it."""
        latest: dict[Any, list[dict[str, Any]]] = {}
        for job in self.docs["jobs"]:  # newest first
            for key in ("backupdef", "offloaddef", "restoredef"):
                if job["type"] != "DELETE_BACKUP" and key in job and len(latest.setdefault(job[key], [])) < 5:
                    if key == "backupdef" and "offloaddef" in job:
                        continue
                    latest[job[key]].append(job)
        for backup in self.docs["kubebackups"]:
            runs = latest.get(backup["_id"], [])
            if runs:
                backup["status"] = {
                    "jobs": [{"jobid": str(j["_id"]), "state": j["state"], "message": j["message"]} for j in runs],
                    "last_job_run_time": runs[0]["start_time"],
                }
        for collection in ("kubeoffloads", "kuberestores"):
            for definition in self.docs[collection]:
                runs = latest.get(definition["_id"], [])
                if runs:
                    state = "FAILED" if runs[0]["state"] == "FAILED" and collection == "kuberestores" else "JOB_CREATED"
                    definition["status"] = {
                        "state": state,
                        "jobid": str(runs[0]["_id"]),
                        "message": runs[0]["message"] if state == "FAILED" else "",
                        "last_job_run_time": runs[0]["start_time"],
                    }

    def recovery_points(self, limit: int = 300) -> None:
        made = 0
        for job in self.docs["jobs"]:
            if made >= limit:
                break
            if job["type"] not in ("K8S_SNAP", "K8S_COPY") or job["state"] not in ("COMPLETED", "PARTIAL"):
                continue
            copy = job["type"] == "K8S_COPY"
            retain = 30 if copy else 7
            if job["end_time"] + retain * DAY < self.now:
                continue
            backup_id = job.get("backupdef")
            backup = next((b for b in self.docs["kubebackups"] if b["_id"] == backup_id), None)
            point = self.add(
                "backupinstances",
                {
                    "_id": object_id(self.rng, job["start_time"]),
                    "_created": datetime.fromtimestamp(job["start_time"], timezone.utc),
                    "_updated": datetime.fromtimestamp(job["end_time"] + 18, timezone.utc),
                    "name": f"backupinst-{job['start_time']}",
                    "type": "COPY" if copy else "SNAPSHOT",
                    "source_type": "kubernetes",
                    "state": "READY",
                    "start_time": job["start_time"],
                    "end_time": job["end_time"],
                    "expiry_timestamp": job["end_time"] + retain * DAY,
                    "cluster": job["cluster"],
                    "cluster_name": job["cluster_name"],
                    "backupdef": backup_id,
                    "backupdef_name": job.get("backupdef_name"),
                    "backup_selection": dict((backup or {}).get("source", {})),
                    "pv_count": job["kube_snapshot_progress"]["total_pvs"] or job["kube_copy_progress"]["total_pvs"],
                    "retention": {"retainDays": retain, "numAlwaysRetain": 0},
                    "backup_location": {
                        "backup_provider": "aws",
                        "region": "us-east-1",
                        "backup_location_info": "CloudCasa (aws/us-east-1)",
                    },
                    "backup_job_id": job["_id"],
                    "num_total_resources": job.get("num_total_resources", 0),
                    "num_errors": job.get("num_errors", 0),
                    "num_warnings": job.get("num_warnings", 0),
                    "total_snapshot_data": 0 if copy else self.rng.randint(1, 200) * 1024**3,
                    "total_copy_data": job["kube_copy_progress"]["stats"]["estimated_size"] if copy else 0,
                    "status": {
                        "backup_size_set": True,
                        "s3_dir_deleted": False,
                        "deleted": False,
                        "locked": False,
                    },
                    "cc_user_email": None,
                },
            )
            job["backup_inst"] = point["_id"]
            made += 1
        for cluster in self.docs["kubeclusters"]:
            cluster["status"]["num_recovery_points"] = sum(
                1 for point in self.docs.get("backupinstances", []) if point["cluster"] == cluster["_id"]
            )

    def alerts(self, limit: int = 100) -> None:
        kinds = {
            ("K8S_SNAP", "FAILED"): "BACKUP_FAILED",
            ("K8S_SNAP", "PARTIAL"): "BACKUP_PARTIAL",
            ("K8S_SNAP", "SKIPPED"): "BACKUP_SKIPPED",
            ("RESTORE", "FAILED"): "RESTORE_FAILED",
            ("RESTORE", "PARTIAL"): "RESTORE_PARTIAL",
            ("K8S_COPY", "FAILED"): "BACKUP_FAILED",
        }
        made = 0
        for job in self.docs["jobs"]:
            kind = kinds.get((job["type"], job["state"]))
            if kind is None or job.get("end_time", 0) < self.now - 7 * DAY:
                continue
            self.add(
                "alerts",
                {
                    "_id": object_id(self.rng, job["end_time"]),
                    "_created": datetime.fromtimestamp(job["end_time"], timezone.utc),
                    "_updated": datetime.fromtimestamp(job["end_time"], timezone.utc),
                    "name": f"{kind.lower()}-{job['name']}",
                    "type": kind,
                    "description": job["message"],
                    "job": job["_id"],
                    "cluster": job["cluster"],
                },
            )
            made += 1
            if made >= limit:
                break
        for cluster in self.docs["kubeclusters"]:
            if cluster["status"]["state"] == "PENDING":
                self.add(
                    "alerts",
                    {
                        **self.meta(2 * HOUR),
                        "name": f"cluster-not-responding-{cluster['name']}",
                        "type": "CLUSTER_NOT_RESPONDING",
                        "cluster": cluster["_id"],
                        "description": cluster["status"].get("message", ""),
                    },
                )


def seed(store: Store, options: SeedOptions | None = None) -> None:
    """Fill `store` with a demo organisation. The same options give the same documents."""
    builder = _Builder(store, options or SeedOptions())
    builder.objectstores()
    builder.accounts()
    builder.clusters()
    builder.namespaces()
    builder.policies()
    builder.hooks()
    builder.backups()
    builder.offloads()
    builder.restores()
    builder.jobs()
    builder.recovery_points()
    builder.link_restores()
    builder.definition_status()
    builder.alerts()
    builder.admin()
    with store.lock:
        builder.flush()
