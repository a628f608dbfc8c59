"""What the CloudCasa-like server does beyond Eve's collections: the document, actions, runkubebackup, provider-info.

- `GET /api-docs`, at the host's top level only (not under `/v1`), as CloudCasa serves it.
- `POST /v1/usergroups/{id}/action/update-acls`: in the document; If-Match required (428, 412).
- `POST /v1/kubebackups/{id}/action/run`: answered, but deliberately not in the document (CloudCasa's is silent on
  it); starts a job and answers with the whole definition.
- `POST /v1/runkubebackup` (an Eve collection): each document stored starts a job for the kubebackup in `backup`.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timezone
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from eve import Eve
from eve.methods.common import get_document
from eve.methods.get import getitem_internal
from eve.render import send_response
from flask import Response, abort, jsonify, request

from casatui.demo.store import Store

from .seed import job_document, object_id


def _authorised(app: Eve, resource: str, method: str) -> None:
    if app.auth and not app.auth.authorized([], resource, method):
        app.auth.authenticate()  # aborts with 401


def _object_id(value: str) -> ObjectId:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        abort(404)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        abort(400, description="The request body is not valid JSON")
    return body if isinstance(body, dict) else {}


def start_backup_job(store: Store, backup: dict[str, Any], retain_days: int) -> dict[str, Any]:
    """Insert a RUNNING job for a backup definition and record it in the definition's status."""
    now = int(time.time())
    cluster = store.db["kubeclusters"].find_one({"_id": backup.get("cluster")}) or {"_id": None, "name": ""}
    rng = random.Random(f"{backup['_id']}{now}{store.db['jobs'].estimated_document_count()}")
    job = job_document(rng, backup, cluster, start=now, state="RUNNING", retain_days=retain_days)
    job["_id"] = object_id(rng, now)
    job["_etag"] = store.new_etag(str(job["_id"]))
    job["_created"] = job["_updated"] = datetime.fromtimestamp(now, timezone.utc)
    store.db["jobs"].insert_one(job)
    status = dict(backup.get("status") or {})
    previous = [entry for entry in status.get("jobs") or [] if isinstance(entry, dict)]
    status["jobs"] = [{"jobid": job["_id"], "state": "RUNNING", "message": ""}, *previous][:3]
    status["last_job_run_time"] = now
    store.touch("kubebackups", backup["_id"], {"status": status})
    return job


def _retain_days(body: dict[str, Any]) -> int:
    retention = body.get("retention")
    days = retention.get("retainDays") if isinstance(retention, dict) else None
    return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else 7


def install(app: Eve, store: Store, document: dict[str, Any]) -> None:
    """Add the routes and hooks to an Eve app; `document` is served as it is when asked for (its server URL is
    filled in once the port is known)."""

    served: dict[str, bytes] = {}

    def api_docs() -> Any:
        if not served:
            served["body"] = json.dumps(document).encode()
        return Response(served["body"], mimetype="application/json")

    app.add_url_rule("/api-docs", "cloudcasa_api_docs", api_docs, methods=["GET"])

    def update_acls(item_id: str) -> Any:
        _authorised(app, "usergroups", "POST")
        oid = _object_id(item_id)
        if get_document("usergroups", True, _id=oid) is None:  # Eve's If-Match check: 428 or 412
            abort(404)
        acls = _body().get("acls")
        if not isinstance(acls, list):
            issues = {"_status": "ERR", "_issues": {"acls": "must be of list type"}}
            return send_response("usergroups", (issues, None, None, 422))
        store.touch("usergroups", oid, {"acls": acls})
        return jsonify({"acls": acls})

    app.add_url_rule(
        "/v1/usergroups/<item_id>/action/update-acls", "cloudcasa_update_acls", update_acls, methods=["POST"]
    )

    def run_backup(item_id: str) -> Any:
        _authorised(app, "kubebackups", "POST")
        oid = _object_id(item_id)
        backup = store.db["kubebackups"].find_one({"_id": oid})
        if backup is None:
            abort(404)
        start_backup_job(store, backup, _retain_days(_body()))
        return send_response("kubebackups", getitem_internal("kubebackups", _id=oid))

    app.add_url_rule("/v1/kubebackups/<item_id>/action/run", "cloudcasa_run_backup", run_backup, methods=["POST"])

    def provider_info() -> Any:
        _authorised(app, "objectstores", "GET")
        return jsonify({"_items": [{"provider": "aws", "regions": ["us-east-1", "eu-west-1"]}]})

    app.add_url_rule("/v1/objectstores/provider-info", "cloudcasa_provider_info", provider_info)

    def runs_inserted(documents: list[dict[str, Any]]) -> None:
        for run in documents:
            backup = store.db["kubebackups"].find_one({"_id": run.get("backup")})
            if backup is not None:  # Eve checked the reference already; a vanished definition starts nothing
                start_backup_job(store, backup, _retain_days(run))

    app.on_inserted_runkubebackup += runs_inserted
