"""The demo organisation's history: its jobs, and what follows from them (definitions' status, recovery points,
alerts). Jobs are the big part: up to 100,000, a quarter in the last day."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from .jobs import FAILURE_MESSAGES, PARTIAL_MESSAGES, finish, new_job, object_id
from .seed_builder import Builder
from .seed_catalog import DAY, HOUR, MINUTE

MAX_JOBS = 100_000
# Job states of finished runs and how often they happen.
_OUTCOMES = (("COMPLETED", 78), ("FAILED", 8), ("PARTIAL", 9), ("SKIPPED", 5))


class History(Builder):
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
