"""Lists as CloudCasa serves them: envelope and links, where, sort, paging, projection, embedded."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest


def items(http: httpx.Client, collection: str, **params: Any) -> list[dict[str, Any]]:
    response = http.get(
        f"/{collection}", params={k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    )
    assert response.status_code == 200, response.text
    return response.json()["_items"]


def test_list_envelope_meta_and_links(http: httpx.Client) -> None:
    body = http.get("/jobs", params={"max_results": 10, "page": 2, "sort": "-start_time"}).json()
    assert set(body) == {"_items", "_meta", "_links"}
    assert len(body["_items"]) == 10
    assert body["_meta"] == {"page": 2, "max_results": 10, "total": 300}
    links = body["_links"]
    assert links["parent"] == {"title": "home", "href": "/"}
    assert {"self", "next", "prev", "last"} <= set(links)
    assert links["last"]["href"].endswith("page=30")
    assert "page=3" in links["next"]["href"]


def test_default_page_size_is_25_and_limit_is_1000(http: httpx.Client) -> None:
    assert http.get("/jobs").json()["_meta"]["max_results"] == 25
    body = http.get("/jobs", params={"max_results": 1000}).json()
    assert body["_meta"]["max_results"] == 1000
    assert len(body["_items"]) == 300


def test_paging_past_the_end_is_empty_with_a_prev_link(http: httpx.Client) -> None:
    body = http.get("/jobs", params={"max_results": 50, "page": 99}).json()
    assert body["_items"] == []
    assert body["_meta"]["total"] == 300
    assert "prev" in body["_links"]
    assert "next" not in body["_links"]


def test_regex_is_case_sensitive_unless_options_i(http: httpx.Client) -> None:
    assert items(http, "kubebackups", where={"name": {"$regex": "PROD"}}) == []
    found = items(http, "kubebackups", where={"name": {"$regex": "PROD", "$options": "i"}})
    assert sorted(b["name"] for b in found) == ["prod-db-copy", "prod-full-daily"]
    assert [b["name"] for b in items(http, "kubebackups", where={"name": {"$regex": ".*db.*"}})] == ["prod-db-copy"]


@pytest.mark.parametrize(
    ("where", "check"),
    [
        ({"state": {"$in": ["FAILED", "PARTIAL"]}}, lambda j: j["state"] in ("FAILED", "PARTIAL")),
        ({"state": {"$nin": ["COMPLETED", "RUNNING"]}}, lambda j: j["state"] not in ("COMPLETED", "RUNNING")),
        ({"state": {"$ne": "COMPLETED"}}, lambda j: j["state"] != "COMPLETED"),
        ({"num_errors": {"$gt": 1}}, lambda j: j.get("num_errors", 0) > 1),
        ({"start_time": {"$lt": 1}}, lambda j: False),
        ({"end_time": {"$exists": False}}, lambda j: "end_time" not in j),
        (
            {"$or": [{"state": "SKIPPED"}, {"type": "RESTORE"}]},
            lambda j: j["state"] == "SKIPPED" or j["type"] == "RESTORE",
        ),
        (
            {"kube_snapshot_progress.failed_pvs": {"$gt": 0}},
            lambda j: j["kube_snapshot_progress"]["failed_pvs"] > 0,
        ),
    ],
)
def test_where_operators(http: httpx.Client, where: dict[str, Any], check: Any) -> None:
    everything = items(http, "jobs", max_results=1000)
    expected = sorted(j["_id"] for j in everything if check(j))
    found = items(http, "jobs", where=where, max_results=1000)
    assert sorted(j["_id"] for j in found) == expected
    assert all(check(j) for j in found)


def test_where_on_a_reference_id(http: httpx.Client) -> None:
    backup = items(http, "kubebackups", where={"name": "prod-full-daily"})[0]
    runs = items(http, "jobs", where={"backupdef": backup["_id"]}, max_results=1000)
    assert runs and all(job["backupdef"] == backup["_id"] for job in runs)


def test_dollar_where_is_refused(http: httpx.Client) -> None:
    response = http.get("/jobs", params={"where": json.dumps({"$where": "this.state == 'FAILED'"})})
    assert response.status_code == 400
    assert response.json()["_status"] == "ERR"


def test_invalid_where_json_is_400(http: httpx.Client) -> None:
    assert http.get("/jobs", params={"where": "{not json"}).status_code == 400


def test_sort_both_ways_and_comma_lists(http: httpx.Client) -> None:
    down = [j["start_time"] for j in items(http, "jobs", sort="-start_time", max_results=1000)]
    up = [j["start_time"] for j in items(http, "jobs", sort="start_time", max_results=1000)]
    assert down == sorted(down, reverse=True)
    assert up == sorted(up)
    pairs = [(j["state"], -j["start_time"]) for j in items(http, "jobs", sort="state,-start_time", max_results=1000)]
    assert pairs == sorted(pairs)


def test_projection_limits_fields(http: httpx.Client) -> None:
    found = items(http, "jobs", projection={"name": 1, "state": 1}, max_results=5)
    assert found
    for job in found:
        assert {"name", "state", "_id", "_etag"} <= set(job)
        assert "activity" not in job and "kube_copy_progress" not in job


def test_embedded_expands_references_without_links(http: httpx.Client) -> None:
    job = items(
        http,
        "jobs",
        where={"type": "K8S_SNAP", "state": "COMPLETED"},
        embedded={"backupdef": 1, "cluster": 1},
        max_results=1,
    )[0]
    assert isinstance(job["backupdef"], dict) and job["backupdef"]["name"] == job["backupdef_name"]
    assert isinstance(job["cluster"], dict) and job["cluster"]["name"] == job["cluster_name"]
    assert "_etag" in job["backupdef"] and "_links" not in job["backupdef"]


def test_item_links_name_related_documents(http: httpx.Client) -> None:
    backup = items(http, "kubebackups", where={"name": "prod-full-daily"})[0]
    document = http.get(f"/kubebackups/{backup['_id']}").json()
    related = document["_links"]["related"]
    assert related["cluster"]["href"].endswith(backup["cluster"])
    assert related["policy"]["title"] == "policy"
    assert document["_links"]["self"]["href"].endswith(backup["_id"])
