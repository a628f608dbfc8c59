"""A test-built OpenAPI document shaped like CloudCasa's published one (eve-swagger style, 2022).

Paths are `/v1/<collection>` under a server URL without `/api`; ids are `$ref`s to `<Title>__id` schemas; list
answers wrap `_items` of `$ref` schemas; request bodies live in `components/requestBodies`; titles are CloudCasa's
own (`policy` in lower case, `Kubestorageclasse`); there are collection paths with a slash (`rbac/permissions`), an
action path, and a few parts that are not valid OpenAPI, as in the real document.

The collections casatui's screens lean on (clusters, backups, policies, jobs, alerts, namespaces, user groups,
permissions, runkubebackup) have schemas of their own, with the fields CloudCasa's have; the others share a generic
one, padded so that the document is as large as the real one (~450 KB). The fixture server in this package serves
exactly what this document describes, so whatever is true of the document is true of the server.
"""

from __future__ import annotations

from typing import Any

from casatui.api.known import BUILTIN

# The 2022 document's collections beyond those casatui knows by name.
EXTRA = [
    "awsebsvolumes",
    "awsec2securitygroups",
    "awsec2subnets",
    "awseksclusters",
    "awseksnodegroups",
    "awsiamroles",
    "awsmarketplace",
    "awsrdsbackups",
    "awsrdscopies",
    "awsrdsdatabases",
    "awsrdsoptiongroups",
    "awsrdsparametergroups",
    "awsrdsrestores",
    "awsrdssnapshots",
    "awsrdssubnetgroups",
    "awsscanoverview",
    "awsscanresults",
    "awstags",
    "awsusers",
    "azureaksclusters",
    "azureresourcegroups",
    "chargify",
    "chargifywebhooks",
    "cloudtasks",
    "contactus",
    "expiredloginsessions",
    "internalacls",
    "internalapikeys",
    "internalorgs",
    "internalusers",
    "kubebenchresults",
    "kubeconfigauditresults",
    "kubehunterresults",
    "kubepvcprogress",
    "kubescanoverview",
    "kubescantoolprogress",
    "kubevulnerabilityresults",
    "runawsrdsbackup",
    "runawsrdscopy",
    "runkubebackup",
    "runkubeoffload",
    "runsecurityscan",
    "securityscaninstances",
    "securityscans",
    "systemalerts",
    "tawkio",
    "threedauth",
    "updatechargifyusage",
    "userorgs",
    "userstates",
]

COLLECTIONS = sorted({*BUILTIN, *EXTRA, "rbac/permissions"} - {"kubemigrations"})

# (collection verbs, item verbs) where they differ from the full set.
FULL = (("get", "post"), ("get", "put", "patch", "delete"))
METHODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "alerts": (("get",), ("get", "delete")),  # read and dismiss, nothing else
    "kubenamespaces": (("get",), ("get",)),  # cluster inventory: the agent writes it, clients only read
    "kubepvclaims": (("get",), ("get",)),
    "kubestorageclasses": (("get",), ("get",)),
    "users": (("get",), ("get", "put", "patch")),
    "orgs": (("get",), ("get", "put", "patch")),
}

# States beyond the ones casatui's embedded server knows; no default, so a job may have none at all.
JOB_STATES = (
    "PENDING",
    "WAITING",
    "RUNNING",
    "RETRYING",
    "COMPLETED",
    "PARTIAL",
    "FAILED",
    "SKIPPED",
    "CANCELLING",
    "CANCELLED",
    "DELETING",
)
JOB_TYPES = (
    "K8S_SNAP",
    "RESTORE",
    "K8S_COPY",
    "DELETE_BACKUP",
    "AWS_INVENTORY",
    "CLOUD_INVENTORY",
    "AWSRDS_BACKUP",
    "KOPIACONDENSE",
    "SECURITY_SCAN",
    "AGENT_UPDATE",
)
ALERT_TYPES = (
    "BACKUP_FAILED",
    "BACKUP_SKIPPED",
    "BACKUP_PARTIAL",
    "RESTORE_FAILED",
    "CLUSTER_NOT_RESPONDING",
    "AWS_ACCOUNT_DISCONNECTED",
    "PAYMENT_FAILURE",
)


def title_of(collection: str) -> str:
    if collection in BUILTIN:
        return BUILTIN[collection][0]
    stem = collection.rsplit("/", 1)[-1]
    return (stem[:-1] if stem.endswith("s") else stem).capitalize()


# -- schema builders, in the document's own style ---------------------------------------------------------


def _string(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


def _integer(**extra: Any) -> dict[str, Any]:
    return {"type": "integer", **extra}


def _boolean(default: bool) -> dict[str, Any]:
    return {"default": default, "type": "boolean"}


def _enum(values: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    return {"enum": list(values), "nullable": False, "type": "string", **extra}


def _ref(title: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{title}__id"}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"nullable": False, "type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


_OBJECTID = {"type": "string", "format": "objectid"}


def _common() -> dict[str, Any]:
    return {
        "name": {"minLength": 1, "maxLength": 128, "type": "string"},
        "cc_user_email": {"type": "string"},
        "tags": {"type": "object"},
    }


def _retention() -> dict[str, Any]:
    return _object(
        {
            "retainDays": _integer(default=7, minimum=1, nullable=False),
            "numAlwaysRetain": _integer(default=0, maximum=30, nullable=False),
        },
        ("retainDays",),
    )


def _hooks() -> dict[str, Any]:
    return _array(_object({"namespaces": _array(_string()), "hooks": _array(_OBJECTID), "template": _boolean(False)}))


def _progress(*names: str) -> dict[str, Any]:
    return _object({name: _integer(default=0) for name in names})


_COUNTERS = (
    "num_total_resources",
    "num_backup_resources",
    "num_restored_resources",
    "num_volume_snapshots_attempted",
    "num_volume_snapshots_completed",
    "num_errors",
    "num_warnings",
)
_PVS = ("total_pvs", "pending_pvs", "active_pvs", "completed_pvs", "failed_pvs")


def _specific() -> dict[str, tuple[dict[str, Any], tuple[str, ...]]]:
    """Title -> (properties without `_id`, required) of the collections with schemas of their own."""
    return {
        "Kubecluster": (
            {
                **_common(),
                "description": _string(),
                "backup_provider": _object(
                    {"type": _string(), "region": _string(), "user_objectstore": _ref("Objectstore")}
                ),
                "status": _object(
                    {
                        "state": _enum(
                            ("PENDING", "INVENTORY", "ACTIVE", "REGISTERED", "DISCOVERED"), default="REGISTERED"
                        ),
                        "agentURL": _string(),
                        "message": _string(),
                        "version": _string(),
                        "kubeAgentVersion": _string(),
                        "pendingStateTimestamp": _integer(default=0),
                        "updateTime": _integer(),
                        "dormant": _boolean(False),
                        "num_recovery_points": _integer(default=0),
                    }
                ),
                "configuration": {"type": "object"},
            },
            ("name",),
        ),
        "Kubebackup": (
            {
                **_common(),
                "trigger_type": _enum(("SCHEDULED", "ADHOC"), default="SCHEDULED"),
                "cluster": _ref("Kubecluster"),
                "policy": _ref("policy"),
                "source": _object(
                    {
                        "all_namespaces": _boolean(False),
                        "namespaces": _array(_string()),
                        "label_selector": {"type": "object"},
                        "snapshotPersistentVolumes": _boolean(True),
                    }
                ),
                "pre_hooks": _hooks(),
                "post_hooks": _hooks(),
                "pause": _boolean(False),
                "status": _object(
                    {
                        "jobs": _array(_object({"jobid": _OBJECTID, "state": _string(), "message": _string()})),
                        "message": _string(),
                        "last_job_run_time": _integer(),
                    }
                ),
                "copydef": _ref("Kubeoffload"),
                "copy_policy": _ref("policy"),
            },
            ("name", "cluster", "source"),
        ),
        "policy": (
            {
                **_common(),
                "status": _object({"suspended": _boolean(False)}),
                "timezone": _string(default="UTC"),
                "schedules": _array(
                    _object(
                        {
                            "retainDays": _integer(default=7, minimum=1),
                            "numAlwaysRetain": _integer(default=0, maximum=30),
                            "locked": _boolean(False),
                            "schedule": _object(
                                {
                                    name: _string()
                                    for name in ("minute", "hour", "dayOfMonth", "month", "dayOfWeek", "cronSpec")
                                }
                            ),
                        },
                        ("retainDays", "schedule"),
                    ),
                    minItems=1,
                ),
            },
            ("name", "schedules"),
        ),
        "Job": (
            {
                **_common(),  # `name` and no `display_name`, as in the published document
                "type": _enum(JOB_TYPES),
                "state": _enum(JOB_STATES),
                "phase": _enum(("OFFLOAD_RUNNING", "OFFLOAD_COMPLETED", "OFFLOAD_PARTIAL"), default="OFFLOAD_RUNNING"),
                "message": _string(),
                "activity": _array(_string()),
                "start_time": _integer(),
                "end_time": _integer(),
                **{name: _integer() for name in _COUNTERS},
                "jobrunner": _string(),
                "policy_id": _ref("policy"),
                "retention": _retention(),
                "cluster": _ref("Kubecluster"),
                "backupdef": _ref("Kubebackup"),
                "restoredef": _ref("Kuberestore"),
                "offloaddef": _ref("Kubeoffload"),
                "backup_inst": _ref("Backupinstance"),
                "cluster_name": _string(),
                "backupdef_name": _string(),
                "record_offload_snapshot_job": _boolean(False),
                "kube_snapshot_progress": _progress(*_PVS, "skipped_pvs"),
                "kube_copy_progress": _object(
                    {
                        "stats": _progress("estimated_size", "io_size", "transferred_size"),
                        **{name: _integer(default=0) for name in _PVS},
                    }
                ),
            },
            ("name", "type", "jobrunner"),
        ),
        "Alert": (
            {**_common(), "type": _enum(ALERT_TYPES), "description": _string(), "job": _ref("Job")},
            ("name", "type", "description"),
        ),
        "Kubenamespace": (
            {
                **_common(),
                "cluster_id": _ref("Kubecluster"),
                "k8s_uid": _string(),
                "backupinst_id": _ref("Backupinstance"),
            },
            ("name", "cluster_id"),
        ),
        "Usergroup": (
            {**_common(), "users": _array(_OBJECTID), "acls": _array({"$ref": "#/components/schemas/UserGroupACL"})},
            ("name",),
        ),
        "Permission": (
            {**_common(), "resource": _string(nullable=False), "operation": _string(nullable=False)},
            ("name",),
        ),
        "Runkubebackup": (
            {**_common(), "backup": _ref("Kubebackup"), "retention": _retention()},
            ("name", "backup", "retention"),
        ),
        "Apikey": (
            {
                **_common(),
                "description": _string(),
                "snippet": _string(maxLength=5),
                "org_role": _enum(("USER", "ADMIN"), default="USER"),
                "expires_at": _string(format="date-time"),
                "usage_ratio": {"type": "number", "minimum": 0},
            },
            ("name",),
        ),
    }


def _generic(padding: int) -> dict[str, Any]:
    """The properties of every collection without a schema of its own."""
    properties: dict[str, Any] = {
        **_common(),
        "state": _enum(("PENDING", "RUNNING", "COMPLETED", "FAILED"), default="PENDING"),
        "start_time": {"nullable": False, "type": "integer"},
        "status": _object(
            {
                "state": _enum(("PENDING", "ACTIVE")),
                "updateTime": {"nullable": False, "type": "integer"},
                "inventory": {
                    "type": "object",
                    "properties": {"lastCompletedTimestamp": {"default": 0, "type": "integer"}},
                },
            }
        ),
        "retention": {
            "type": "object",
            "properties": {"retainDays": {"minimum": 0, "type": "integer"}},
            "required": ["retainDays"],
        },
        # Cerberus rules leaked into properties, as in the real document: a map of string to string.
        "labels": {
            "type": "object",
            "properties": {"keysrules": {"type": "string"}, "valuesrules": {"type": "string"}},
        },
    }
    for index in range(padding):
        properties[f"extra_field_{index}"] = _object(
            {
                "value": {"nullable": False, "type": "string"},
                "count": {"default": 0, "type": "integer"},
                "items": {"type": "array", "items": {"nullable": False, "type": "string"}},
            }
        )
    return properties


def _schema(title: str, padding: int) -> dict[str, Any]:
    specific = _specific().get(title)
    properties, required = (_generic(padding), ("name",)) if specific is None else specific
    return {"type": "object", "properties": {**properties, "_id": _ref(title)}, "required": list(required)}


def _operation(title: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "tags": [title], "responses": responses, **extra}


def _paths(collection: str, title: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{title}"}
    error = {"$ref": "#/components/responses/error"}
    item_param = {"$ref": f"#/components/parameters/{title}__id"}
    if_match = {"$ref": "#/components/parameters/If-Match"}
    body = {"$ref": f"#/components/requestBodies/{title}"}
    listing = {
        "type": "object",
        "properties": {
            "_items": {"type": "array", "items": ref},
            "_meta": {"$ref": "#/components/schemas/respone_metadata"},
            "_links": {"$ref": "#/components/schemas/respone_links"},
        },
    }
    collection_verbs, item_verbs = METHODS.get(collection, FULL)
    every: dict[str, dict[str, Any]] = {
        "get": _operation(
            title,
            f"Retrieves one or more /v1/{collection}",
            {"200": {"description": "list", "content": {"application/json": {"schema": listing}}}, "default": error},
            parameters=[{"$ref": f"#/components/parameters/query__{name}"} for name in ("where", "sort", "page")],
        ),
        "post": _operation(
            title,
            f"Stores one or more /v1/{collection}.",
            {"201": {"description": "ok"}, "default": error},
            requestBody=body,
        ),
    }
    item_every: dict[str, dict[str, Any]] = {
        "get": _operation(
            title,
            f"Retrieves a {title} document",
            {"200": {"description": "ok", "content": {"application/json": {"schema": ref}}}, "default": error},
            parameters=[item_param],
        ),
        "put": _operation(
            title,
            f"Replaces a {title} document",
            {"200": {"description": "ok"}, "default": error},
            parameters=[item_param, if_match],
            requestBody=body,
        ),
        "patch": _operation(
            title,
            f"Updates a {title} document",
            {"200": {"description": "ok"}, "default": error},
            parameters=[item_param, if_match],
            requestBody=body,
        ),
        "delete": _operation(
            title,
            f"Deletes a {title} document",
            {"204": {"description": "ok"}, "default": error},
            parameters=[item_param, if_match],
        ),
    }
    return {
        f"/v1/{collection}": {verb: every[verb] for verb in collection_verbs},
        f"/v1/{collection}/{{{title.lower()}Id}}": {verb: item_every[verb] for verb in item_verbs},
    }


def _acl_schemas() -> dict[str, Any]:
    acl = {
        "type": "object",
        "properties": {
            "resource": {"type": "string"},
            "resourceIds": _array(_OBJECTID),
            "permissions": _array(_string()),
            "roles": _array(_object({"id": _OBJECTID, "name": _string(), "type": _string()})),
        },
    }
    return {
        "UserGroupACL": acl,
        "ACLs": {"type": "object", "properties": {"acls": _array({"$ref": "#/components/schemas/UserGroupACL"})}},
    }


def cloudcasa_like_spec(padding: int = 18, server_url: str = "https://api.staging.cloudcasa.io") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "respone_metadata": {"type": "object"},
        "respone_links": {"type": "object"},
        **_acl_schemas(),
    }
    bodies: dict[str, Any] = {
        "ACLs": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ACLs"}}}}
    }
    parameters: dict[str, Any] = {
        "If-Match": {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}},
        **{
            f"query__{name}": {"in": "query", "name": name, "required": False, "schema": {"type": kind}}
            for name, kind in (("where", "string"), ("sort", "string"), ("page", "integer"))
        },
    }
    for collection in COLLECTIONS:
        title = title_of(collection)
        paths.update(_paths(collection, title))
        schemas[title] = _schema(title, padding)
        schemas[f"{title}__id"] = {"type": "string", "format": "objectid"}
        bodies[title] = {
            "description": f"A {title} or list of {title} documents",
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{title}"}}},
        }
        parameters[f"{title}__id"] = {
            "in": "path",
            "name": f"{title.lower()}Id",
            "required": True,
            "schema": {"type": "string"},
        }
    paths["/v1/usergroups/{usergroupId}/action/update-acls"] = {
        "post": {
            "summary": "Update an ACL for the given user group",
            "tags": ["Usergroup"],
            "parameters": [
                {"$ref": "#/components/parameters/Usergroup__id"},
                {"$ref": "#/components/parameters/If-Match"},
            ],
            "requestBody": {"$ref": "#/components/requestBodies/ACLs"},
            "responses": {
                "200": {
                    "description": "Successful operation",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ACLs"}}},
                }
            },
        },
    }
    # No `/v1/kubebackups/{id}/action/run`: CloudCasa's document is silent on it, though its server answers it.
    paths["/v1/objectstores/provider-info"] = {"get": {"responses": {"200": {"description": "providers"}}}}
    # Parts that are not valid OpenAPI, as generated specs have.
    paths["/v1/kubeclusters/{kubeclusterId}/metrics/{day}"] = {"get": {"responses": {}}}
    schemas["Awsuser"]["properties"]["broken"] = {"$ref": "#/components/schemas/DoesNotExist"}
    schemas["Tawkio"] = "not a schema"
    return {
        "openapi": "3.0.0",
        "info": {"title": "Cloud backup of Kubernetes Clusters", "description": "Archimedes APIs", "version": "1.0"},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "requestBodies": bodies,
            "parameters": parameters,
            "responses": {"error": {"description": "An error message"}},
            "securitySchemes": {"BearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"BearerAuth": []}],
    }
