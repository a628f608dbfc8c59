"""Endpoints beyond Eve's collections: actions, the OpenAPI document, provider-info and the dashboard."""

from __future__ import annotations

import itertools
import random
import time
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from eve import Eve
from eve.methods.common import get_document
from eve.methods.get import getitem_internal
from eve.render import send_response
from flask import abort, jsonify, request

from .domain import ACTIONS
from .jobs import new_job
from .openapi import openapi_document
from .store import Store

_RUNS = itertools.count()  # one number per run started: two runs of a definition in one second get different ids
PROVIDER_REGIONS = {"aws": ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]}


def _require_auth(app: Eve, resource: str | None, method: str) -> Any:
    if app.auth and not app.auth.authorized([], resource, method):
        return app.auth.authenticate()
    return None


def _object_id(value: str) -> ObjectId:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        abort(404)


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        abort(400, description="The request body is not valid JSON")
    return body if isinstance(body, dict) else {}


def _run_definition(store: Store, resource: str, definition: dict[str, Any], body: dict[str, Any]) -> None:
    """Start a job for a backup or copy definition and record it in the definition's status."""
    now = int(time.time())
    job_type = "K8S_SNAP" if resource == "kubebackups" else "K8S_COPY"
    retention: dict[str, Any] = body["retention"] if isinstance(body.get("retention"), dict) else {"retainDays": 7}
    cluster = store.db["kubeclusters"].find_one({"_id": definition.get("cluster")}) or {}
    rng = random.Random(f"{definition['_id']}{now}-{next(_RUNS)}")
    job = new_job(
        rng,
        job_type=job_type,
        definition=definition,
        definition_resource=resource,
        cluster=cluster,
        start=now,
        retention={"retainDays": int(retention.get("retainDays", 7)), "numAlwaysRetain": 0},
        store=store,
    )
    store.db["jobs"].insert_one(job)
    status = dict(definition.get("status") or {})
    status["last_job_run_time"] = now
    if resource == "kubebackups":
        previous = [entry for entry in status.get("jobs") or [] if isinstance(entry, dict)]
        status["jobs"] = [{"jobid": str(job["_id"]), "state": job["state"], "message": ""}, *previous][:5]
    else:
        status.update({"state": "JOB_CREATED", "jobid": str(job["_id"]), "message": ""})
    store.touch(resource, definition["_id"], {"status": status})


def install(app: Eve, store: Store) -> None:
    """Add the extra routes to an Eve app."""
    prefix = "/api/v1"

    def action(resource: str, item_id: str, name: str) -> Any:
        denied = _require_auth(app, resource, "POST")
        if denied is not None:
            return denied
        if name not in ACTIONS.get(resource, []):
            abort(404)
        oid = _object_id(item_id)
        if name == "run":
            definition = store.db[resource].find_one({"_id": oid})
            if definition is None:
                abort(404)
            _run_definition(store, resource, definition, _json_body())
            response, last_modified, etag, status = getitem_internal(resource, _id=oid)
            # Eve builds links from the request path; the document's own link is the item URL.
            title = app.config["DOMAIN"][resource]["item_title"]
            response["_links"]["self"] = {"title": title, "href": f"{resource}/{oid}"}
            return send_response(resource, (response, last_modified, etag, status))
        # update-acls needs the etag, as CloudCasa documents it.
        original = get_document(resource, True, _id=oid)
        if original is None:
            abort(404)
        acls = _json_body().get("acls")
        if not isinstance(acls, list):
            return send_response(
                resource,
                ({"_status": "ERR", "_issues": {"acls": "must be of list type"}}, None, None, 422),
            )
        store.touch(resource, oid, {"acls": acls})
        return jsonify({"acls": acls})

    app.add_url_rule(f"{prefix}/<resource>/<item_id>/action/<name>", "casatui_action", action, methods=["POST"])

    document: dict[str, Any] = {}

    def api_docs() -> Any:
        if not document:  # built once: the DOMAIN does not change while the server runs
            document.update(openapi_document(app.config["DOMAIN"], server_url=prefix))
        return jsonify(document)

    app.add_url_rule("/api-docs", "casatui_api_docs", api_docs, methods=["GET"])
    app.add_url_rule(f"{prefix}/api-docs", "casatui_api_docs_v1", api_docs, methods=["GET"])

    def provider_info() -> Any:
        denied = _require_auth(app, "objectstores", "GET")
        if denied is not None:
            return denied
        items = [{"provider": provider, "regions": regions} for provider, regions in PROVIDER_REGIONS.items()]
        return jsonify({"_items": items})

    app.add_url_rule(f"{prefix}/objectstores/provider-info", "casatui_provider_info", provider_info)

    def dashboard() -> Any:
        denied = _require_auth(app, None, "GET")
        if denied is not None:
            return denied
        clusters = store.db["kubeclusters"]
        return jsonify(
            {
                "kubernetes": {
                    "num_clusters": clusters.count_documents({}),
                    "num_active_clusters": clusters.count_documents({"status.state": "ACTIVE"}),
                },
                "cloudaccounts": {"num_accounts": store.db["cloudaccounts"].count_documents({})},
                "awsrds": {"num_protected_databases": 0},
            }
        )

    app.add_url_rule(f"{prefix}/dashboard", "casatui_dashboard", dashboard)
