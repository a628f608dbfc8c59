"""Optimistic concurrency as CloudCasa documents it: ETag header, If-Match on PUT/PATCH/DELETE, 428 and 412."""

from __future__ import annotations

from typing import Any

import httpx

PRECONDITION_REQUIRED = {
    "_status": "ERR",
    "_error": {
        "code": 428,
        "message": "To edit a document its etag must be provided using the If-Match header",
    },
}
ETAG_MISMATCH = {"_status": "ERR", "_error": {"code": 412, "message": "Client and server etags don't match"}}
SERVER_FIELDS = ("_created", "_updated", "_links", "_etag")


def first(http: httpx.Client, collection: str, where: str) -> dict[str, Any]:
    items = http.get(f"/{collection}", params={"where": where}).json()["_items"]
    assert items, f"no {collection} matching {where}"
    return items[0]


def editable(document: dict[str, Any]) -> dict[str, Any]:
    """What CloudCasa tells clients to send back: the document without the server-managed fields."""
    return {key: value for key, value in document.items() if key not in SERVER_FIELDS}


def test_item_etag_header_equals_body_etag_quoted(http: httpx.Client) -> None:
    backup = first(http, "kubebackups", '{"name":"prod-full-daily"}')
    response = http.get(f"/kubebackups/{backup['_id']}")
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{response.json()["_etag"]}"'
    assert len(response.json()["_etag"]) == 40
    assert "Last-Modified" in response.headers


def test_put_without_if_match_is_428_verbatim(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"prod-full-daily"}')
    response = fresh_http.put(f"/kubebackups/{backup['_id']}", json=editable(backup))
    assert response.status_code == 428
    assert response.json() == PRECONDITION_REQUIRED


def test_patch_and_delete_without_if_match_are_428(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"prod-db-copy"}')
    assert fresh_http.patch(f"/kubebackups/{backup['_id']}", json={"pause": True}).json() == PRECONDITION_REQUIRED
    response = fresh_http.delete(f"/kubebackups/{backup['_id']}")
    assert response.status_code == 428
    assert response.json() == PRECONDITION_REQUIRED


def test_stale_etag_is_412_verbatim_for_every_write(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"analytics-daily"}')
    url, stale = f"/kubebackups/{backup['_id']}", {"If-Match": "0" * 40}
    for response in (
        fresh_http.put(url, json=editable(backup), headers=stale),
        fresh_http.patch(url, json={"pause": True}, headers=stale),
        fresh_http.delete(url, headers=stale),
    ):
        assert response.status_code == 412
        assert response.json() == ETAG_MISMATCH
    assert fresh_http.get(url).json()["_etag"] == backup["_etag"]  # nothing was written


def test_put_with_etag_saves_and_returns_new_etag(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"prod-full-daily"}')
    url = f"/kubebackups/{backup['_id']}"
    body = editable(backup) | {"pause": True}
    response = fresh_http.put(url, json=body, headers={"If-Match": backup["_etag"]})
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["_status"] == "OK"
    assert saved["pause"] is True
    assert saved["_etag"] != backup["_etag"]
    assert response.headers["ETag"] == f'"{saved["_etag"]}"'
    # The old etag is now stale; the new one, quoted as in the ETag header, works.
    assert fresh_http.put(url, json=body | {"pause": False}, headers={"If-Match": backup["_etag"]}).status_code == 412
    again = fresh_http.put(url, json=body | {"pause": False}, headers={"If-Match": f'"{saved["_etag"]}"'})
    assert again.status_code == 200, again.text
    assert fresh_http.get(url).json()["pause"] is False


def test_patch_changes_only_given_fields(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"payments-mwf"}')
    url = f"/kubebackups/{backup['_id']}"
    response = fresh_http.patch(url, json={"pause": True}, headers={"If-Match": backup["_etag"]})
    assert response.status_code == 200, response.text
    after = fresh_http.get(url).json()
    assert after["pause"] is True
    assert after["policy"] == backup["policy"]
    assert after["status"] == backup["status"]
    assert after["_etag"] == response.json()["_etag"] != backup["_etag"]


def test_delete_with_etag_is_204_then_404(fresh_http: httpx.Client) -> None:
    hook = first(fresh_http, "kubehooks", '{"name":"pg-thaw"}')
    url = f"/kubehooks/{hook['_id']}"
    response = fresh_http.delete(url, headers={"If-Match": hook["_etag"]})
    assert response.status_code == 204
    assert response.content == b""
    assert fresh_http.get(url).status_code == 404


def test_put_to_a_deleted_document_is_404_not_a_re_create(fresh_http: httpx.Client) -> None:
    hook = first(fresh_http, "kubehooks", '{"name":"mysql-flush"}')
    url = f"/kubehooks/{hook['_id']}"
    assert fresh_http.delete(url, headers={"If-Match": hook["_etag"]}).status_code == 204
    response = fresh_http.put(url, json=editable(hook), headers={"If-Match": hook["_etag"]})
    assert response.status_code == 404
    assert response.json()["_error"]["code"] == 404
    assert fresh_http.get(url).status_code == 404


def test_put_leaving_status_out_keeps_the_servers_status(fresh_http: httpx.Client) -> None:
    backup = first(fresh_http, "kubebackups", '{"name":"prod-full-daily"}')
    body = editable(backup)
    body.pop("status")
    response = fresh_http.put(f"/kubebackups/{backup['_id']}", json=body, headers={"If-Match": backup["_etag"]})
    assert response.status_code == 200, response.text
    assert fresh_http.get(f"/kubebackups/{backup['_id']}").json()["status"] == backup["status"]
