"""Seed data (deterministic, cross-referenced, awkward on purpose) and activity (documents change on their own)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import httpx

from casatui.demo import DemoServer, SeedOptions
from casatui.demo.seed import seed
from casatui.demo.store import Store

from .test_concurrency import ETAG_MISMATCH, editable, first

NOW = 1_790_000_000


def dump(options: SeedOptions) -> dict[str, list[dict[str, Any]]]:
    store = Store()
    seed(store, options)
    return {name: list(store.db[name].find({}, sort=[("_id", 1)])) for name in store.db.list_collection_names()}


def test_same_seed_same_data_other_seed_other_data() -> None:
    first_run, second_run = (
        dump(SeedOptions(seed=9, jobs=150, now=NOW)),
        dump(SeedOptions(seed=9, jobs=150, now=NOW)),
    )
    assert first_run == second_run
    assert dump(SeedOptions(seed=10, jobs=150, now=NOW))["jobs"] != first_run["jobs"]


def test_references_point_at_existing_documents() -> None:
    data = dump(SeedOptions(seed=2, jobs=400, now=NOW))
    ids = {name: {doc["_id"] for doc in docs} for name, docs in data.items()}
    for job in data["jobs"]:
        assert job["cluster"] in ids["kubeclusters"]
        for key, collection in (
            ("backupdef", "kubebackups"),
            ("offloaddef", "kubeoffloads"),
            ("restoredef", "kuberestores"),
            ("backup_inst", "backupinstances"),
        ):
            if key in job:
                assert job[key] in ids[collection], key
    for backup in data["kubebackups"]:
        assert backup["cluster"] in ids["kubeclusters"]
        assert backup.get("policy") is None or backup["policy"] in ids["policies"]
        for entry in backup.get("status", {}).get("jobs", []):
            assert any(str(job["_id"]) == entry["jobid"] for job in data["jobs"])
    for restore in data["kuberestores"]:
        assert restore["backup_inst"] in ids["backupinstances"]


def test_seed_has_failures_running_jobs_unicode_and_markup_like_text() -> None:
    data = dump(SeedOptions(seed=1, jobs=400, now=NOW))
    states = {job["state"] for job in data["jobs"]}
    assert {"COMPLETED", "FAILED", "PARTIAL", "SKIPPED", "RUNNING"} <= states
    assert sum(job["state"] == "RUNNING" for job in data["jobs"]) == 3
    recent = [job for job in data["jobs"] if job["start_time"] > NOW - 86400]
    assert len(recent) >= 90
    text = json.dumps([data["jobs"], data["kubeclusters"], data["kubebackups"]], default=str, ensure_ascii=False)
    for needle in ("[bold]", "[/]", "東京", "«", "⚠"):
        assert needle in text
    assert max(len(job["message"]) for job in data["jobs"]) > 200


def test_scales_to_many_jobs() -> None:
    store = Store()
    seed(store, SeedOptions(jobs=5000, now=NOW))
    assert store.db["jobs"].count_documents({}) == 5000


def test_activity_makes_a_held_etag_stale(fresh_demo: DemoServer, fresh_http: httpx.Client) -> None:
    running = fresh_http.get("/jobs", params={"where": '{"state":"RUNNING"}'}).json()["_items"]
    assert running
    held = {job["_id"]: job["_etag"] for job in running}
    fresh_demo.activity.tick()
    after = fresh_http.get("/jobs", params={"where": json.dumps({"_id": {"$in": list(held)}})}).json()["_items"]
    assert all(job["_etag"] != held[job["_id"]] for job in after)
    job = running[0]
    response = fresh_http.patch(f"/jobs/{job['_id']}", json={"message": "mine"}, headers={"If-Match": job["_etag"]})
    assert response.status_code == 412
    assert response.json() == ETAG_MISMATCH


def test_activity_finishes_jobs_and_records_them_on_the_definition(
    fresh_demo: DemoServer, fresh_http: httpx.Client
) -> None:
    running = fresh_http.get("/jobs", params={"where": '{"state":"RUNNING"}'}).json()["_items"]
    assert len(running) == 3
    for _ in range(40):
        fresh_demo.activity.tick()
    for job in running:
        after = fresh_http.get(f"/jobs/{job['_id']}").json()
        assert after["state"] in ("COMPLETED", "PARTIAL", "FAILED")
        assert after["end_time"] >= after["start_time"]
        assert after["activity"][-1].endswith(("completed", "warnings", "failed"))
        if "offloaddef" in after:
            status = fresh_http.get(f"/kubeoffloads/{after['offloaddef']}").json()["status"]
            assert status["jobid"] == after["_id"]
        else:
            status = fresh_http.get(f"/kubebackups/{after['backupdef']}").json()["status"]
            entry = next(e for e in status["jobs"] if e["jobid"] == after["_id"])
            assert entry == {"jobid": after["_id"], "state": after["state"], "message": after["message"]}


def test_cluster_heartbeats_change_update_time_and_etag(fresh_demo: DemoServer, fresh_http: httpx.Client) -> None:
    cluster = first(fresh_http, "kubeclusters", '{"name":"staging-aks"}')
    for _ in range(16):
        fresh_demo.activity.tick(now=cluster["status"]["updateTime"] + 60)
    after = fresh_http.get(f"/kubeclusters/{cluster['_id']}").json()
    assert after["status"]["updateTime"] == cluster["status"]["updateTime"] + 60
    assert after["_etag"] != cluster["_etag"]
    # A stale etag is what an editor holding the old version gets.
    response = fresh_http.put(
        f"/kubeclusters/{cluster['_id']}",
        json=editable(cluster) | {"description": "x"},
        headers={"If-Match": cluster["_etag"]},
    )
    assert response.status_code == 412


def test_stopped_clusters_get_no_heartbeat(fresh_demo: DemoServer, fresh_http: httpx.Client) -> None:
    cluster = first(fresh_http, "kubeclusters", '{"name":"payments-rke2"}')
    for _ in range(30):
        fresh_demo.activity.tick()
    assert fresh_http.get(f"/kubeclusters/{cluster['_id']}").json()["_etag"] == cluster["_etag"]


def _running_etags(client: httpx.Client, where: dict[str, Any]) -> dict[str, str]:
    return {j["_id"]: j["_etag"] for j in client.get("/jobs", params={"where": json.dumps(where)}).json()["_items"]}


def test_activity_thread_runs_on_its_own() -> None:
    server = DemoServer(seed_options=SeedOptions(jobs=20), activity=True, activity_interval=0.05)
    headers = {"Authorization": f"Bearer {server.token}"}
    with server, httpx.Client(base_url=server.api_root, headers=headers) as client:
        before = _running_etags(client, {"state": "RUNNING"})
        start = server.activity.ticks
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and server.activity.ticks < start + 2:
            time.sleep(0.05)
        after = _running_etags(client, {"_id": {"$in": list(before)}})
    assert server.activity.ticks >= start + 2
    assert before and all(after[key] != before[key] for key in before)


def test_command_line_serves_and_prints_root_and_token() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "casatui.demo",
            "--port",
            "0",
            "--jobs",
            "10",
            "--token",
            "cli-token",
            "--no-activity",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        root = process.stdout.readline().split()[-1]
        assert root.startswith("http://127.0.0.1:") and root.endswith("/api/v1")
        lines = [process.stdout.readline() for _ in range(3)]
        assert any("cli-token" in line for line in lines)
        response = httpx.get(f"{root}/jobs", headers={"Authorization": "Bearer cli-token"}, timeout=10)
        assert response.status_code == 200
        assert response.json()["_meta"]["total"] == 10
        assert process.stdout.readline().startswith("GET /api/v1/jobs")  # requests are logged
    finally:
        process.terminate()
        process.wait(timeout=10)
