"""A test-built OpenAPI document shaped like CloudCasa's real one (eve-swagger style, 2022).

Paths are `/v1/<collection>` under a server URL without `/api`; ids are `$ref`s to `<Title>__id` schemas; list
answers wrap `_items` of `$ref` schemas; request bodies live in `components/requestBodies`; titles are CloudCasa's
own (`policy` in lower case, `Kubestorageclasse`); there are collection paths with a slash (`rbac/permissions`), an
action path, and a few parts that are not valid OpenAPI, as in the real document.
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

REFERENCES = {
    "Kubebackup": {"cluster": "Kubecluster", "policy": "policy", "copydef": "Kubeoffload"},
    "Job": {"cluster": "Kubecluster", "backupdef": "Kubebackup", "restoredef": "Kuberestore"},
}


def _title(collection: str) -> str:
    if collection in BUILTIN:
        return BUILTIN[collection][0]
    stem = collection.rsplit("/", 1)[-1]
    return (stem[:-1] if stem.endswith("s") else stem).capitalize()


def _schema(title: str, padding: int) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "name": {"minLength": 1, "maxLength": 128, "type": "string"},
        "cc_user_email": {"type": "string"},
        "tags": {"type": "object"},
        "state": {
            "enum": ["PENDING", "RUNNING", "COMPLETED", "FAILED"],
            "default": "PENDING",
            "nullable": False,
            "type": "string",
        },
        "start_time": {"nullable": False, "type": "integer"},
        "status": {
            "nullable": False,
            "type": "object",
            "properties": {
                "state": {"enum": ["PENDING", "ACTIVE"], "nullable": False, "type": "string"},
                "updateTime": {"nullable": False, "type": "integer"},
                "inventory": {
                    "type": "object",
                    "properties": {"lastCompletedTimestamp": {"default": 0, "type": "integer"}},
                },
            },
        },
        "retention": {
            "type": "object",
            "properties": {"retainDays": {"minimum": 0, "type": "integer"}},
            "required": ["retainDays"],
        },
        # Cerberus rules leaked into properties, as in the real document.
        "labels": {
            "type": "object",
            "properties": {"keysrules": {"type": "string"}, "valuesrules": {"type": "string"}},
        },
        "_id": {"$ref": f"#/components/schemas/{title}__id"},
    }
    for field, target in REFERENCES.get(title, {}).items():
        properties[field] = {"$ref": f"#/components/schemas/{target}__id"}
    for index in range(padding):
        properties[f"extra_field_{index}"] = {
            "nullable": False,
            "type": "object",
            "properties": {
                "value": {"nullable": False, "type": "string"},
                "count": {"default": 0, "type": "integer"},
                "items": {"type": "array", "items": {"nullable": False, "type": "string"}},
            },
        }
    return {"type": "object", "properties": properties, "required": ["name"]}


def _paths(collection: str, title: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{title}"}
    error = {"$ref": "#/components/responses/error"}
    item_param = {"$ref": f"#/components/parameters/{title}__id"}
    if_match = {"$ref": "#/components/parameters/If-Match"}
    listing = {
        "type": "object",
        "properties": {
            "_items": {"type": "array", "items": ref},
            "_meta": {"$ref": "#/components/schemas/respone_metadata"},
            "_links": {"$ref": "#/components/schemas/respone_links"},
        },
    }
    item_ops: dict[str, Any] = {
        "get": {
            "summary": f"Retrieves a {title} document",
            "tags": [title],
            "parameters": [item_param],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": ref}}},
                "default": error,
            },
        },
        "delete": {"tags": [title], "parameters": [item_param, if_match], "responses": {"204": {"description": "ok"}}},
    }
    if collection not in ("alerts", "systemalerts"):
        for verb in ("put", "patch"):
            item_ops[verb] = {
                "tags": [title],
                "parameters": [item_param, if_match],
                "requestBody": {"$ref": f"#/components/requestBodies/{title}"},
                "responses": {"200": {"description": "ok"}, "default": error},
            }
    return {
        f"/v1/{collection}": {
            "get": {
                "summary": f"Retrieves one or more /v1/{collection}",
                "tags": [title],
                "responses": {
                    "200": {"description": "list", "content": {"application/json": {"schema": listing}}},
                    "default": error,
                },
                "parameters": [{"$ref": "#/components/parameters/query__where"}],
            },
            "post": {
                "tags": [title],
                "requestBody": {"$ref": f"#/components/requestBodies/{title}"},
                "responses": {"201": {"description": "ok"}, "default": error},
            },
        },
        f"/v1/{collection}/{{{title.lower()}Id}}": item_ops,
    }


def cloudcasa_like_spec(padding: int = 18) -> dict[str, Any]:
    collections = sorted({*BUILTIN, *EXTRA, "rbac/permissions"} - {"kubemigrations"})
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"respone_metadata": {"type": "object"}, "respone_links": {"type": "object"}}
    bodies: dict[str, Any] = {}
    parameters: dict[str, Any] = {
        "If-Match": {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}
    }
    for collection in collections:
        title = _title(collection)
        paths.update(_paths(collection, title))
        schemas[title] = _schema(title, padding)
        schemas[f"{title}__id"] = {"type": "string", "format": "objectid"}
        bodies[title] = {
            "description": f"A {title}",
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
            "parameters": [{"$ref": "#/components/parameters/Usergroup__id"}],
            "requestBody": {"$ref": "#/components/requestBodies/ACLs"},
            "responses": {"200": {"description": "ok"}},
        },
    }
    paths["/v1/objectstores/provider-info"] = {"get": {"responses": {"200": {"description": "providers"}}}}
    # Parts that are not valid OpenAPI, as generated specs have.
    paths["/v1/kubeclusters/{kubeclusterId}/metrics/{day}"] = {"get": {"responses": {}}}
    schemas["Awsuser"]["properties"]["broken"] = {"$ref": "#/components/schemas/DoesNotExist"}
    schemas["Tawkio"] = "not a schema"
    return {
        "openapi": "3.0.0",
        "info": {"title": "Cloud backup of Kubernetes Clusters", "description": "Archimedes APIs", "version": "1.0"},
        "servers": [{"url": "https://api.staging.cloudcasa.io"}],
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
