"""The server changing documents on its own, as CloudCasa does: job progress, heartbeats, new runs.

Every change writes a new `_etag`, so a client holding an older one gets a 412 on its next write.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from .jobs import advance, finish, is_nearly_done, new_job
from .store import Store

HEARTBEAT_EVERY = 15  # ticks between two heartbeats of one cluster
STALE_AFTER = 10 * 60  # a cluster silent for longer has stopped reporting and gets no heartbeat
NEW_JOB_CHANCE = 0.08  # per tick
_OUTCOMES = (("COMPLETED", 80), ("PARTIAL", 10), ("FAILED", 10))


class Activity:
    def __init__(self, store: Store, *, interval: float = 2.0, seed: int = 1) -> None:
        self.store = store
        self.interval = interval
        self.rng = random.Random(seed * 7919)
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="casatui-demo-activity", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self, now: int | None = None) -> list[str]:
        """One round of server-side changes; returns what changed as `collection/_id` strings."""
        now = int(time.time()) if now is None else now
        changed: list[str] = []
        with self.store.lock:
            self.ticks += 1
            changed += self._progress_jobs(now)
            changed += self._heartbeats(now)
            if self.rng.random() < NEW_JOB_CHANCE:
                changed += self._start_job(now)
        return changed

    def _progress_jobs(self, now: int) -> list[str]:
        changed = []
        jobs = self.store.db["jobs"]
        for job in list(jobs.find({"state": "RUNNING"})):
            if is_nearly_done(job) and now - job["start_time"] >= 20:
                state = self.rng.choices([s for s, _ in _OUTCOMES], [w for _, w in _OUTCOMES])[0]
                changes = finish(job, self.rng, state, now)
                changes.pop("_updated", None)
                self._record_on_definition(job, changes)
            else:
                changes = advance(job, self.rng, now)
            if changes:
                self.store.touch("jobs", job["_id"], changes)
                changed.append(f"jobs/{job['_id']}")
        return changed

    def _record_on_definition(self, job: dict[str, Any], changes: dict[str, Any]) -> None:
        """Mirror a finished job's state into its definition's `status`."""
        if "offloaddef" in job:
            collection, definition_id = "kubeoffloads", job["offloaddef"]
        elif "backupdef" in job:
            collection, definition_id = "kubebackups", job["backupdef"]
        else:
            return
        definition = self.store.db[collection].find_one({"_id": definition_id})
        if definition is None:
            return
        status = dict(definition.get("status") or {})
        if collection == "kubebackups":
            entries = [dict(entry) for entry in status.get("jobs") or []]
            for entry in entries:
                if entry.get("jobid") == str(job["_id"]):
                    entry.update(state=changes["state"], message=changes["message"])
            status["jobs"] = entries
        else:
            status["message"] = changes["message"] if changes["state"] == "FAILED" else ""
        self.store.touch(collection, definition_id, {"status": status})

    def _heartbeats(self, now: int) -> list[str]:
        changed = []
        clusters = self.store.db["kubeclusters"]
        for index, cluster in enumerate(clusters.find({"status.state": "ACTIVE"}, {"status.updateTime": 1})):
            last = cluster.get("status", {}).get("updateTime")
            if last is None or now - last > STALE_AFTER:
                continue
            if (self.ticks + index) % HEARTBEAT_EVERY == 0:
                self.store.touch("kubeclusters", cluster["_id"], {"status.updateTime": now})
                changed.append(f"kubeclusters/{cluster['_id']}")
        return changed

    def _start_job(self, now: int) -> list[str]:
        """A scheduled backup of a reporting cluster starts, as its policy says it would."""
        candidates = []
        for backup in self.store.db["kubebackups"].find({"pause": False, "trigger_type": "SCHEDULED"}):
            cluster = self.store.db["kubeclusters"].find_one({"_id": backup["cluster"]}) or {}
            last = cluster.get("status", {}).get("updateTime")
            if last is not None and now - last <= STALE_AFTER:
                candidates.append((backup, cluster))
        if not candidates:
            return []
        backup, cluster = self.rng.choice(candidates)
        job = new_job(
            self.rng,
            job_type="K8S_SNAP",
            definition=backup,
            definition_resource="kubebackups",
            cluster=cluster,
            start=now,
            retention={"retainDays": 7, "numAlwaysRetain": 0},
            store=self.store,
        )
        self.store.db["jobs"].insert_one(job)
        status = dict(backup.get("status") or {})
        status["jobs"] = [
            {"jobid": str(job["_id"]), "state": "RUNNING", "message": ""},
            *(status.get("jobs") or []),
        ][:5]
        status["last_job_run_time"] = now
        self.store.touch("kubebackups", backup["_id"], {"status": status})
        return [f"jobs/{job['_id']}", f"kubebackups/{backup['_id']}"]
