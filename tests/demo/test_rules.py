"""What the server refuses and why: auth, methods, validation (422), uniqueness, `_id` immutability."""

from __future__ import annotations

from typing import Any

import httpx

from casatui.demo import DemoServer

from .test_concurrency import editable, first

UNAUTHORIZED = {"_status": "ERR", "_error": {"code": 401, "message": "Please provide proper credentials"}}


def test_missing_or_wrong_token_is_401_with_bearer_challenge(demo: DemoServer) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {demo.token}"}):
        response = httpx.get(f"{demo.api_root}/kubeclusters", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json() == UNAUTHORIZED
        assert demo.token not in response.text


def test_methods_follow_cloudcasa(http: httpx.Client) -> None:
    namespace = http.get("/kubenamespaces").json()["_items"][0]
    assert http.post("/kubenamespaces", json={"name": "x"}).status_code == 405
    assert (
        http.delete(f"/kubenamespaces/{namespace['_id']}", headers={"If-Match": namespace["_etag"]}).status_code == 405
    )
    assert http.delete("/jobs").status_code == 405  # no collection DELETE


def test_post_returns_the_full_document_with_status_ok(fresh_http: httpx.Client) -> None:
    cluster = first(fresh_http, "kubeclusters", '{"name":"staging-aks"}')
    response = fresh_http.post(
        "/kubebackups",
        json={
            "name": "staging-apps-adhoc-2",
            "cluster": cluster["_id"],
            "trigger_type": "ADHOC",
            "source": {"namespaces": ["shop"]},
            "status": {},
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["_status"] == "OK"
    assert response.headers["Location"].endswith(f"/api/v1/kubebackups/{created['_id']}")
    # Defaults and server fields are applied, as in CloudCasa's documented response.
    assert created["pause"] is False
    assert created["source"]["snapshotPersistentVolumes"] is True
    assert created["source"]["snapshot_longhorn"] is True
    assert created["cc_user_email"] and created["org_id"]
    assert {"_id", "_etag", "_created", "_updated", "_links"} <= set(created)


def test_post_422_carries_issues_and_error(fresh_http: httpx.Client) -> None:
    response = fresh_http.post("/kubebackups", json={"name": "no-cluster", "source": {}, "bogus": 1})
    assert response.status_code == 422
    body = response.json()
    assert body["_status"] == "ERR"
    assert body["_issues"] == {"cluster": "required field", "bogus": "unknown field"}
    assert body["_error"] == {"code": 422, "message": "Insertion failure: 1 document(s) contain(s) error(s)"}


def test_put_with_server_fields_left_in_is_422_unknown_field(fresh_http: httpx.Client) -> None:
    policy = first(fresh_http, "policies", '{"name":"daily-7d"}')
    body = editable(policy) | {"_etag": policy["_etag"], "_updated": policy["_updated"]}
    response = fresh_http.put(f"/policies/{policy['_id']}", json=body, headers={"If-Match": policy["_etag"]})
    assert response.status_code == 422
    assert response.json() == {
        "_issues": {"_etag": "unknown field", "_updated": "unknown field"},
        "_status": "ERR",
    }


def test_changed_read_only_status_is_422_equal_status_accepted(fresh_http: httpx.Client) -> None:
    cluster = first(fresh_http, "kubeclusters", '{"name":"prod-eks-us-east"}')
    url, match = f"/kubeclusters/{cluster['_id']}", {"If-Match": cluster["_etag"]}
    changed = editable(cluster) | {"status": {**cluster["status"], "state": "PENDING"}}
    response = fresh_http.put(url, json=changed, headers=match)
    assert response.status_code == 422
    assert response.json() == {"_issues": {"status": "field is read-only"}, "_status": "ERR"}
    same = editable(cluster) | {"description": "edited"}
    assert fresh_http.put(url, json=same, headers=match).status_code == 200


def test_nested_validation_issues_are_nested(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"prod-full-daily"}')
    body = editable(backup) | {"source": {**backup["source"], "all_namespaces": "yes"}}
    response = fresh_http.put(f"/kubebackups/{backup['_id']}", json=body, headers={"If-Match": backup["_etag"]})
    assert response.status_code == 422
    assert response.json()["_issues"] == {"source": {"all_namespaces": "must be of boolean type"}}


def test_duplicate_name_is_422(fresh_http: httpx.Client) -> None:
    response = fresh_http.post(
        "/policies",
        json={"name": "daily-7d", "schedules": [{"retainDays": 7, "schedule": {"cronSpec": "0 1 * * *"}}]},
    )
    assert response.status_code == 422
    assert response.json()["_issues"] == {"name": "value 'daily-7d' is not unique"}


def test_objectstores_are_unique_on_location_not_name(fresh_http: httpx.Client) -> None:
    same_location = {
        "name": "another-name",
        "provider_type": "aws",
        "bucket_name": "acme-k8s-backups",
        "region": "us-east-1",
        "prefix": "",
    }
    response = fresh_http.post("/objectstores", json=same_location)
    assert response.status_code == 422
    assert "provider_type" in response.json()["_issues"]
    same_name = {"name": "s3-backups-useast1", "bucket_name": "another-bucket", "region": "us-east-1"}
    assert fresh_http.post("/objectstores", json=same_name).status_code == 201


def test_free_plan_refuses_sub_daily_schedules(fresh_http: httpx.Client) -> None:
    body: dict[str, Any] = {
        "name": "every-30-min",
        "schedules": [{"retainDays": 1, "schedule": {"cronSpec": "*/30 * * * *"}}],
    }
    response = fresh_http.post("/policies", json=body)
    assert response.status_code == 422
    assert response.json()["_issues"] == {
        "schedules": "Schedules more frequent than daily are not allowed for free accounts"
    }
    body["schedules"][0]["schedule"]["cronSpec"] = "15 1 * * *"
    created = fresh_http.post("/policies", json=body).json()
    assert created["schedules"][0]["schedule"] | {} == {
        "cronSpec": "15 1 * * *",
        "minute": "15",
        "hour": "1",
        "dayOfMonth": "*",
        "month": "*",
        "dayOfWeek": "*",
    }
    assert created["schedules"][0]["numAlwaysRetain"] == 0


def test_changing_id_is_400_and_leaves_the_document_intact(fresh_http: httpx.Client) -> None:
    policy = first(fresh_http, "policies", '{"name":"weekly-sun-30d"}')
    url, match = f"/policies/{policy['_id']}", {"If-Match": policy["_etag"]}
    other_id = "65a1f2e4e4b0a1b2c3d4e799"
    put = fresh_http.put(url, json=editable(policy) | {"_id": other_id}, headers=match)
    patch = fresh_http.patch(url, json={"_id": other_id}, headers=match)
    for response in (put, patch):
        assert response.status_code == 400
        assert "immutable" in response.json()["_error"]["message"]
    after = fresh_http.get(url)
    assert after.status_code == 200
    assert after.json() == fresh_http.get(url).json()
    assert after.json()["_etag"] == policy["_etag"]
    assert fresh_http.get(f"/policies/{other_id}").status_code == 404


def test_put_with_unchanged_id_is_accepted(fresh_http: httpx.Client) -> None:
    policy = first(fresh_http, "policies", '{"name":"mwf-plus-nightly"}')
    body = editable(policy) | {"timezone": "Europe/Paris"}
    response = fresh_http.put(f"/policies/{policy['_id']}", json=body, headers={"If-Match": policy["_etag"]})
    assert response.status_code == 200, response.text
