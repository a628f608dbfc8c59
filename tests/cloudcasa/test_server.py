"""The CloudCasa-like server itself: it serves what its document says, and differs from the demo where CloudCasa's
published document does."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from casatui.api.client import CasaClient
from casatui.api.discovery import discover

from ..servers import ServerUnderTest
from . import NAMES, CloudCasaLikeServer
from .domain import collections_of
from .spec import JOB_STATES

PRECONDITION_REQUIRED = {
    "_status": "ERR",
    "_error": {"code": 428, "message": "To edit a document its etag must be provided using the If-Match header"},
}
ETAG_MISMATCH = {"_status": "ERR", "_error": {"code": 412, "message": "Client and server etags don't match"}}
SERVER_FIELDS = ("_id", "_created", "_updated", "_links", "_etag")
DEMO_JOB_STATES = {
    "UNKNOWN",
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "PARTIAL",
    "FAILED",
    "SKIPPED",
    "CATALOG",
    "CANCELLING",
}


def named(http: httpx.Client, collection: str, name: str) -> dict[str, Any]:
    items = http.get(f"/{collection}", params={"where": json.dumps({"name": name})}).json()["_items"]
    assert len(items) == 1, f"{collection} named {name}: {len(items)}"
    return items[0]


def editable(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in SERVER_FIELDS}


def total(http: httpx.Client, collection: str, where: dict[str, Any]) -> int:
    answer = http.get(f"/{collection}", params={"where": json.dumps(where), "max_results": 1})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["_meta"]["total"])


def test_it_starts_quickly(cloudcasa: CloudCasaLikeServer) -> None:
    """Measured, not asserted as a wall-clock limit: other work shares the machine."""
    print(f"CloudCasa-like server built, seeded and started in {cloudcasa.started_in * 1000:.0f} ms")
    assert cloudcasa.started_in > 0


async def test_casatui_discovers_it(cloudcasa: CloudCasaLikeServer) -> None:
    async with CasaClient(cloudcasa.proxied_root, cloudcasa.token) as client:
        catalog = await discover(client)
    assert catalog.source == "server"
    assert len(catalog.resources) >= 70
    assert "rbac/permissions" in catalog.resources
    jobs = catalog.resources["jobs"]
    assert "name" in jobs.fields and "display_name" not in jobs.fields
    assert jobs.fields["state"].enum == JOB_STATES and not jobs.fields["state"].has_default
    assert set(JOB_STATES) - DEMO_JOB_STATES >= {"WAITING", "CANCELLED", "DELETING", "RETRYING"}
    assert jobs.fields["backupdef"].reference == "kubebackups" and jobs.fields["cluster"].reference == "kubeclusters"
    assert catalog.resources["alerts"].operations == {"list", "get", "delete"}
    assert catalog.resources["kubenamespaces"].operations == {"list", "get"}
    assert "update-acls" in catalog.resources["usergroups"].actions
    # No action listed on kubebackups, but a `runkubebackup` collection: CloudCasa runs it with action/run.
    assert catalog.resources["kubebackups"].actions == ("run",)
    assert catalog.resources["kubebackups"].fields["policy"].reference == "policies"
    assert catalog.resources["policies"].title == "policy"
    # The parts of the document that are not valid OpenAPI, as in CloudCasa's.
    assert any("metrics" in problem for problem in catalog.problems)


def test_the_document_is_at_the_top_level_and_names_this_server(cloudcasa: CloudCasaLikeServer) -> None:
    answer = httpx.get(f"{cloudcasa.base_url}/api-docs")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    document = answer.json()
    assert document["servers"] == [{"url": cloudcasa.base_url}]
    assert "/v1/kubebackups" in document["paths"] and "/api/v1/kubebackups" not in document["paths"]
    assert "/v1/kubebackups/{kubebackupId}/action/run" not in document["paths"]
    assert len(collections_of(document)) >= 70
    for root in (cloudcasa.api_root, cloudcasa.proxied_root):  # not under the API root, unlike the demo's
        assert httpx.get(f"{root}/api-docs").status_code == 404


def test_every_collection_is_served_at_v1_and_behind_the_api_front(cloudcasa: CloudCasaLikeServer) -> None:
    headers = {"Authorization": f"Bearer {cloudcasa.token}"}
    collections = collections_of(cloudcasa.document)
    with httpx.Client(headers=headers) as http:
        empty = []
        for collection in collections:
            direct = http.get(f"{cloudcasa.api_root}/{collection}")
            assert direct.status_code == 200, (collection, direct.text[:200])
            behind = http.get(f"{cloudcasa.proxied_root}/{collection}")
            assert behind.json()["_items"] == direct.json()["_items"]
            if not direct.json()["_items"]:
                empty.append(collection)
        assert empty == []
        assert http.get(f"{cloudcasa.base_url}/api/v1/nothing-here").status_code == 404
        assert http.get(f"{cloudcasa.base_url}/api/jobs").status_code == 404


def test_every_document_can_be_written_back_as_read(fresh_cloudcasa_http: httpx.Client) -> None:
    """The data was generated from the schemas Eve enforces: a PUT of a document as read is accepted, in every
    collection that allows PUT (the first document of each: the others were made by the same code)."""
    http = fresh_cloudcasa_http
    spec = collections_of(json.loads(httpx.get(str(http.base_url).removesuffix("/v1/") + "/api-docs").content))
    written = 0
    for collection, methods in spec.items():
        if "put" not in methods["item_verbs"]:
            continue
        for document in http.get(f"/{collection}", params={"max_results": 1}).json()["_items"]:
            answer = http.put(
                f"/{collection}/{document['_id']}", json=editable(document), headers={"If-Match": document["_etag"]}
            )
            assert answer.status_code == 200, (collection, answer.text[:300])
            written += 1
    assert written > 60


def test_methods_the_document_does_not_list_are_refused(fresh_cloudcasa_http: httpx.Client) -> None:
    http = fresh_cloudcasa_http
    alert = http.get("/alerts").json()["_items"][0]
    etag = {"If-Match": alert["_etag"]}
    assert http.post("/alerts", json=editable(alert)).status_code == 405
    assert http.put(f"/alerts/{alert['_id']}", json=editable(alert), headers=etag).status_code == 405
    assert http.patch(f"/alerts/{alert['_id']}", json={"description": "x"}, headers=etag).status_code == 405
    assert http.delete(f"/alerts/{alert['_id']}", headers=etag).status_code == 204
    assert http.get(f"/alerts/{alert['_id']}").status_code == 404
    namespace = http.get("/kubenamespaces").json()["_items"][0]
    for verb in ("put", "patch", "delete"):
        answer = http.request(verb.upper(), f"/kubenamespaces/{namespace['_id']}", json={}, headers={"If-Match": "x"})
        assert answer.status_code == 405, verb
    assert http.post("/kubenamespaces", json={"name": "new", "cluster_id": namespace["cluster_id"]}).status_code == 405


def test_writes_need_the_current_etag(fresh_cloudcasa_http: httpx.Client) -> None:
    http = fresh_cloudcasa_http
    backup = named(http, "kubebackups", NAMES.backups[0][0])
    url = f"/kubebackups/{backup['_id']}"
    missing = http.put(url, json=editable(backup))
    assert missing.status_code == 428 and missing.json() == PRECONDITION_REQUIRED
    assert http.patch(url, json={"pause": True}).status_code == 428
    stale = http.patch(url, json={"pause": True}, headers={"If-Match": "0" * 40})
    assert stale.status_code == 412 and stale.json() == ETAG_MISMATCH
    saved = http.patch(url, json={"pause": True}, headers={"If-Match": backup["_etag"]})
    assert saved.status_code == 200 and saved.json()["_etag"] != backup["_etag"]
    assert http.patch(url, json={"pause": False}, headers={"If-Match": backup["_etag"]}).status_code == 412


def test_update_acls_is_served_with_if_match(fresh_cloudcasa_http: httpx.Client) -> None:
    http = fresh_cloudcasa_http
    group = named(http, "usergroups", "auditors")
    url = f"/usergroups/{group['_id']}/action/update-acls"
    acls = [{"resource": "kubeclusters", "resourceIds": [], "permissions": ["kubeclusters.backup"], "roles": []}]
    assert http.post(url, json={"acls": acls}).json() == PRECONDITION_REQUIRED
    assert http.post(url, json={"acls": acls}, headers={"If-Match": "0" * 40}).status_code == 412
    answer = http.post(url, json={"acls": acls}, headers={"If-Match": group["_etag"]})
    assert answer.status_code == 200 and answer.json() == {"acls": acls}
    assert http.get(f"/usergroups/{group['_id']}").json()["acls"] == acls


def _jobs_of(http: httpx.Client, backup_id: str, since: int) -> list[dict[str, Any]]:
    where = {"backupdef": backup_id, "start_time": {"$gte": since}}
    return http.get("/jobs", params={"where": json.dumps(where)}).json()["_items"]


def test_runkubebackup_starts_a_job_for_the_backup_in_the_body(fresh_cloudcasa_http: httpx.Client) -> None:
    http = fresh_cloudcasa_http
    backup = named(http, "kubebackups", "edge-adhoc")
    since = int(time.time())
    body = {"name": "run-edge-now", "backup": backup["_id"], "retention": {"retainDays": 3}}
    created = http.post("/runkubebackup", json=body)
    assert created.status_code == 201, created.text
    [job] = _jobs_of(http, backup["_id"], since)
    assert job["state"] == "RUNNING" and job["retention"]["retainDays"] == 3
    assert job["cluster"] == backup["cluster"] and job["backupdef_name"] == "edge-adhoc"
    assert "display_name" not in job
    assert http.get(f"/kubebackups/{backup['_id']}").json()["status"]["jobs"][0]["jobid"] == job["_id"]
    unknown = http.post("/runkubebackup", json={**body, "backup": "65a1f3f5e4b0a1b2c3d4e8ff"})
    assert unknown.status_code == 422  # Eve's data_relation: no such kubebackup


def test_the_undocumented_run_action_answers(fresh_cloudcasa_http: httpx.Client) -> None:
    http = fresh_cloudcasa_http
    backup = named(http, "kubebackups", "analytics-weekly")
    since = int(time.time())
    answer = http.post(f"/kubebackups/{backup['_id']}/action/run", json={"retention": {"retainDays": 5}})
    assert answer.status_code == 200, answer.text
    definition = answer.json()
    assert definition["_id"] == backup["_id"] and definition["name"] == "analytics-weekly"
    assert definition["_etag"] != backup["_etag"] and definition["status"]["last_job_run_time"] >= since
    [job] = _jobs_of(http, backup["_id"], since)
    assert job["retention"]["retainDays"] == 5
    assert http.post("/kubebackups/65a1f3f5e4b0a1b2c3d4e8ff/action/run", json={}).status_code == 404
    assert http.post(f"/policies/{backup['policy']}/action/run", json={}).status_code == 404


def test_jobs_are_spread_over_days_some_without_a_state(cloudcasa_http: httpx.Client) -> None:
    http = cloudcasa_http
    assert total(http, "jobs", {}) == 60
    assert total(http, "jobs", {"state": {"$exists": False}}) > 0
    assert total(http, "jobs", {"display_name": {"$exists": True}}) == 0
    day_ago = int(time.time()) - 86_400
    recent = total(http, "jobs", {"start_time": {"$gt": day_ago}})
    failed_recent = total(http, "jobs", {"state": "FAILED", "start_time": {"$gt": day_ago}})
    assert 2 <= failed_recent < recent < 60
    states = {job.get("state") for job in http.get("/jobs", params={"max_results": 100}).json()["_items"]}
    assert states - DEMO_JOB_STATES - {None}, "states the demo does not have"
    # Every job points at a backup definition and a cluster that exist: `embedded` expands both.
    embedded = http.get("/jobs", params={"embedded": json.dumps({"backupdef": 1, "cluster": 1}), "max_results": 100})
    for job in embedded.json()["_items"]:
        assert job["backupdef"]["name"] == job["backupdef_name"] and job["cluster"]["name"] == job["cluster_name"]


def test_named_documents_exist_and_point_at_each_other(cloudcasa_http: httpx.Client) -> None:
    http = cloudcasa_http
    clusters = {named(http, "kubeclusters", name)["_id"]: name for name in NAMES.clusters}
    policies = {named(http, "policies", name)["_id"]: name for name in NAMES.policies}
    for name, cluster, policy in NAMES.backups:
        backup = named(http, "kubebackups", name)
        assert clusters[backup["cluster"]] == NAMES.clusters[cluster]
        assert (policies[backup["policy"]] if policy is not None else None) == (
            NAMES.policies[policy] if policy is not None else backup.get("policy")
        )
    assert total(http, "rbac/permissions", {"name": "kubebackups.run"}) == 1
    assert total(http, "kubenamespaces", {"name": "apps"}) == len(NAMES.clusters)


def test_the_token_is_required(cloudcasa: CloudCasaLikeServer) -> None:
    for url in (f"{cloudcasa.api_root}/jobs", f"{cloudcasa.proxied_root}/jobs"):
        answer = httpx.get(url, headers={"Authorization": "Bearer wrong"})
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert httpx.post(f"{cloudcasa.api_root}/kubebackups/65a1f3f5e4b0a1b2c3d4e8ff/action/run").status_code == 401


def test_the_same_seed_gives_the_same_documents() -> None:
    def documents(server: CloudCasaLikeServer) -> list[Any]:
        return [sorted(server.store.db[name].find(), key=str) for name in ("jobs", "kubebackups", "awsebsvolumes")]

    now = int(time.time())
    with (
        CloudCasaLikeServer(seed_value=3, now=now, jobs=20, padding=2) as one,
        CloudCasaLikeServer(seed_value=3, now=now, jobs=20, padding=2) as two,
    ):
        assert documents(one) == documents(two)


async def test_casatui_reads_both_servers_alike(any_server: ServerUnderTest) -> None:
    async with CasaClient(any_server.api_root, any_server.token) as client:
        catalog = await discover(client)
        page = await client.list("jobs", sort="-start_time", max_results=3)
        item = await client.get("kubebackups", (await client.list("kubebackups", max_results=1)).items[0]["_id"])
    assert catalog.source == "server" and {"jobs", "kubebackups", "alerts"} <= set(catalog.resources)
    assert len(page.items) == 3 and (page.total or 0) > 3
    assert item is not None and len(item.etag) == 40


async def test_casatui_reads_it_at_the_document_root(cloudcasa: CloudCasaLikeServer) -> None:
    async with CasaClient(cloudcasa.api_root, cloudcasa.token) as client:
        page = await client.list("jobs", max_results=1)
    assert page.total == 60
