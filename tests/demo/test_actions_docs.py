"""Actions (run now, update-acls), the OpenAPI document, and the small extra endpoints."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from openapi_spec_validator import validate

from casatui.demo import DemoServer

from .test_concurrency import ETAG_MISMATCH, PRECONDITION_REQUIRED, first


def test_run_a_backup_creates_a_job_and_marks_last_run(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"staging-apps-adhoc"}')
    before = backup.get("status", {}).get("last_job_run_time", 0)
    response = fresh_http.post(
        f"/kubebackups/{backup['_id']}/action/run", json={"retention": {"retainDays": 3}, "runBackup": True}
    )
    assert response.status_code == 200, response.text
    definition = response.json()
    assert definition["_id"] == backup["_id"]
    assert definition["_links"]["self"]["href"] == f"kubebackups/{backup['_id']}"
    marker = definition["status"]["last_job_run_time"]
    assert marker >= before
    assert definition["_etag"] != backup["_etag"]
    # Find the job the way CloudCasa clients do: by definition and start time.
    where = {"backupdef": backup["_id"], "start_time": {"$gte": marker}}
    jobs = fresh_http.get("/jobs", params={"where": json.dumps(where), "sort": "-start_time"}).json()["_items"]
    assert len(jobs) == 1
    job = jobs[0]
    assert job["state"] == "RUNNING" and job["type"] == "K8S_SNAP"
    assert job["retention"]["retainDays"] == 3
    assert job["cluster"] == backup["cluster"]
    assert definition["status"]["jobs"][0] == {"jobid": job["_id"], "state": "RUNNING", "message": ""}


def test_run_a_copy_definition(fresh_http: httpx.Client) -> None:
    offload = first(fresh_http, "kubeoffloads", '{"name":"analytics-offsite"}')
    response = fresh_http.post(f"/kubeoffloads/{offload['_id']}/action/run", json={"runBackup": False})
    assert response.status_code == 200, response.text
    status = response.json()["status"]
    assert status["state"] == "JOB_CREATED"
    job = fresh_http.get(f"/jobs/{status['jobid']}").json()
    assert job["type"] == "K8S_COPY" and job["offloaddef"] == offload["_id"]


def test_unknown_action_or_document_is_404(http: httpx.Client) -> None:
    backup = first(http, "kubebackups", '{"name":"prod-full-daily"}')
    assert http.post(f"/kubebackups/{backup['_id']}/action/explode", json={}).status_code == 404
    assert http.post("/kubebackups/65a1f3f5e4b0a1b2c3d4e8ff/action/run", json={}).status_code == 404
    assert http.post("/policies/65a1f3f5e4b0a1b2c3d4e8ff/action/run", json={}).status_code == 404


def test_actions_need_the_token(demo: DemoServer) -> None:
    response = httpx.post(f"{demo.api_root}/kubebackups/65a1f3f5e4b0a1b2c3d4e8ff/action/run", json={})
    assert response.status_code == 401


def test_update_acls_needs_if_match(fresh_http: httpx.Client) -> None:
    group = first(fresh_http, "usergroups", '{"name":"auditors"}')
    url = f"/usergroups/{group['_id']}/action/update-acls"
    acls = [{"resource": "kubeclusters", "resourceIds": [], "permissions": ["kubeclusters.read"], "roles": []}]
    assert fresh_http.post(url, json={"acls": acls}).json() == PRECONDITION_REQUIRED
    assert fresh_http.post(url, json={"acls": acls}, headers={"If-Match": "f" * 40}).json() == ETAG_MISMATCH
    response = fresh_http.post(url, json={"acls": acls}, headers={"If-Match": group["_etag"]})
    assert response.status_code == 200
    assert response.json() == {"acls": acls}
    assert fresh_http.get(f"/usergroups/{group['_id']}").json()["acls"] == acls


def test_api_docs_is_valid_openapi_served_without_auth(demo: DemoServer) -> None:
    for url in (f"{demo.base_url}/api-docs", f"{demo.api_root}/api-docs"):
        response = httpx.get(url)
        assert response.status_code == 200
        spec = response.json()
        validate(spec)
    assert spec["openapi"].startswith("3.0")
    assert spec["servers"] == [{"url": "/api/v1"}]
    paths = spec["paths"]
    assert set(paths["/kubebackups"]) == {"get", "post"}
    assert {"get", "put", "patch", "delete"} <= set(paths["/kubebackups/{id}"])
    assert set(paths["/kubenamespaces"]) == {"get"}
    assert "post" in paths["/kubebackups/{id}/action/run"]
    parameters = spec["components"]["parameters"]
    assert parameters["If-Match"]["required"] is True
    assert {"where", "sort", "page", "max_results", "projection", "embedded"} <= set(parameters)
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    job = spec["components"]["schemas"]["Job"]
    assert "FAILED" in job["properties"]["state"]["enum"]
    assert job["properties"]["state"]["default"] == "UNKNOWN"
    assert "type" in job["required"]
    backup = spec["components"]["schemas"]["Kubebackup"]
    assert backup["properties"]["status"]["readOnly"] is True
    assert backup["properties"]["cluster"]["x-data-relation"] == {"resource": "kubeclusters"}
    assert backup["properties"]["_etag"]["readOnly"] is True
    assert (
        spec["components"]["schemas"]["policy"]["properties"]["schedules"]["items"]["properties"]["retainDays"][
            "default"
        ]
        == 7
    )


def test_provider_info_and_dashboard(http: httpx.Client) -> None:
    info = http.get("/objectstores/provider-info")
    assert info.status_code == 200
    assert info.json()["_items"][0]["provider"] == "aws"
    dashboard = http.get("/dashboard").json()
    assert dashboard["kubernetes"]["num_clusters"] == 8
    assert dashboard["kubernetes"]["num_active_clusters"] == 6


def test_a_definition_run_twice_at_once_starts_two_jobs(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"staging-apps-adhoc"}')
    url, same_second = f"/kubebackups/{backup['_id']}/action/run", False
    for _ in range(5):  # until two runs land in the same second (the first pair almost always does)
        known = {job["_id"] for job in runs_of(fresh_http, backup["_id"])}
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda _: fresh_http.post(url, json={"runBackup": True}), range(2)))
        assert [answer.status_code for answer in answers] == [200, 200], answers[-1].text
        new = [job for job in runs_of(fresh_http, backup["_id"]) if job["_id"] not in known]
        assert len(new) == 2 and new[0]["name"] != new[1]["name"]
        if new[0]["start_time"] == new[1]["start_time"]:
            same_second = True
            break
    assert same_second


def runs_of(http: httpx.Client, definition_id: str) -> list[dict[str, Any]]:
    where = json.dumps({"backupdef": definition_id})
    return http.get("/jobs", params={"where": where, "max_results": 500}).json()["_items"]
