"""An OpenAPI 3.0 document built from the Eve DOMAIN, as CloudCasa serves one at `GET /api-docs`."""

from __future__ import annotations

from typing import Any

from .domain import ACTIONS, descriptions

_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "dict": {"type": "object"},
    "list": {"type": "array"},
    "objectid": {"type": "string", "format": "objectid", "pattern": "^[0-9a-f]{24}$"},
    "datetime": {"type": "string", "format": "date-time"},
}
_META_FIELDS = {
    "_id": {"type": "string", "format": "objectid", "readOnly": True},
    "_etag": {"type": "string", "readOnly": True},
    "_created": {"type": "string", "readOnly": True, "description": "RFC 1123 date"},
    "_updated": {"type": "string", "readOnly": True, "description": "RFC 1123 date"},
    "_links": {"type": "object", "readOnly": True, "additionalProperties": True},
}


def schema_of(rule: dict[str, Any]) -> dict[str, Any]:
    """One Cerberus rule set as an OpenAPI schema object."""
    out: dict[str, Any] = dict(_TYPES.get(rule.get("type", ""), {}))
    if "allowed" in rule:
        out["enum"] = list(rule["allowed"])
    if "default" in rule:
        out["default"] = rule["default"]
    if rule.get("readonly"):
        out["readOnly"] = True
    if rule.get("nullable"):
        out["nullable"] = True
    if "regex" in rule:
        out["pattern"] = rule["regex"]
    for cerberus, (as_string, as_array) in {
        "minlength": ("minLength", "minItems"),
        "maxlength": ("maxLength", "maxItems"),
    }.items():
        if cerberus in rule:
            out[as_array if rule.get("type") == "list" else as_string] = rule[cerberus]
    if "min" in rule:
        out["minimum"] = rule["min"]
    if "max" in rule:
        out["maximum"] = rule["max"]
    if rule.get("unique"):
        out["x-unique"] = True
    relation = rule.get("data_relation")
    if relation:
        out["x-data-relation"] = {"resource": relation["resource"]}
        out["description"] = f"Id of a document in {relation['resource']}"
    if rule.get("type") == "dict":
        if "schema" in rule:
            out.update(_object_of(rule["schema"]))
        else:
            out["additionalProperties"] = True
    if rule.get("type") == "list":
        out["items"] = schema_of(rule["schema"]) if "schema" in rule else {}
    return out


def _object_of(schema: dict[str, dict[str, Any]]) -> dict[str, Any]:
    properties = {name: schema_of(rule) for name, rule in schema.items() if not name.startswith("_")}
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [name for name, rule in schema.items() if rule.get("required") and not name.startswith("_")]
    if required:
        out["required"] = required
    return out


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _ref("responses", f"Error{code}") for code in codes}


def _collection_paths(name: str, spec: dict[str, Any], title: str) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    if "GET" in spec["resource_methods"]:
        ops["get"] = {
            "summary": f"List {name}",
            "operationId": f"list_{name}",
            "tags": [name],
            "parameters": [
                _ref("parameters", p) for p in ("where", "sort", "page", "max_results", "projection", "embedded")
            ],
            "responses": {
                "200": {
                    "description": f"A page of {name}",
                    "content": _json(
                        {
                            "type": "object",
                            "properties": {
                                "_items": {"type": "array", "items": _ref("schemas", title)},
                                "_meta": _ref("schemas", "Meta"),
                                "_links": _ref("schemas", "Links"),
                            },
                        }
                    ),
                },
                **_errors(400, 401),
            },
        }
    if "POST" in spec["resource_methods"]:
        ops["post"] = {
            "summary": f"Create a document in {name}",
            "operationId": f"create_{name}",
            "tags": [name],
            "requestBody": {"required": True, "content": _json(_ref("schemas", title))},
            "responses": {
                "201": {
                    "description": "Created: the full stored document",
                    "content": _json(_ref("schemas", title)),
                },
                **_errors(400, 401, 422),
            },
        }
    return ops


def _item_paths(name: str, spec: dict[str, Any], title: str) -> dict[str, Any]:
    ops: dict[str, Any] = {"parameters": [_ref("parameters", "id")]}
    document = {"content": _json(_ref("schemas", title))}
    if "GET" in spec["item_methods"]:
        ops["get"] = {
            "summary": f"Get one document of {name}",
            "operationId": f"get_{name}",
            "tags": [name],
            "parameters": [_ref("parameters", "If-None-Match"), _ref("parameters", "embedded")],
            "responses": {
                "200": {"description": "The document", **document},
                "304": {"description": "Not modified since the etag in If-None-Match"},
                **_errors(401, 404),
            },
        }
    for method, summary in (("PUT", "Replace"), ("PATCH", "Update fields of")):
        if method in spec["item_methods"]:
            ops[method.lower()] = {
                "summary": f"{summary} a document of {name}",
                "operationId": f"{method.lower()}_{name}",
                "tags": [name],
                "parameters": [_ref("parameters", "If-Match")],
                "requestBody": {"required": True, **document},
                "responses": {
                    "200": {"description": "Saved, with the new _etag", **document},
                    **_errors(400, 401, 404, 412, 422, 428),
                },
            }
    if "DELETE" in spec["item_methods"]:
        ops["delete"] = {
            "summary": f"Delete a document of {name}",
            "operationId": f"delete_{name}",
            "tags": [name],
            "parameters": [_ref("parameters", "If-Match")],
            "responses": {"204": {"description": "Deleted"}, **_errors(401, 404, 412, 428)},
        }
    return ops


def _action_path(name: str, action: str, title: str) -> dict[str, Any]:
    post: dict[str, Any] = {
        "summary": f"Run the {action} action on a document of {name}",
        "operationId": f"{action.replace('-', '_')}_{name}",
        "tags": [name],
        "requestBody": {"content": _json({"type": "object", "additionalProperties": True})},
        "responses": {
            "200": {
                "description": "The definition after the action",
                "content": _json(_ref("schemas", title)),
            },
            **_errors(401, 404),
        },
    }
    if action == "update-acls":
        post["parameters"] = [_ref("parameters", "If-Match")]
        post["responses"].update(_errors(412, 428, 422))
    return {"parameters": [_ref("parameters", "id")], "post": post}


def _parameters() -> dict[str, Any]:
    def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    return {
        "where": query(
            "where",
            'Mongo filter as JSON, e.g. {"name":{"$regex":".*test.*","$options":"i"}}',
            {"type": "string"},
        ),
        "sort": query("sort", "Comma-separated fields, '-' for descending, e.g. -start_time,name", {"type": "string"}),
        "page": query("page", "Page number, from 1", {"type": "integer", "minimum": 1, "default": 1}),
        "max_results": query(
            "max_results", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 25}
        ),
        "projection": query("projection", 'Fields to include or exclude as JSON, e.g. {"name":1}', {"type": "string"}),
        "embedded": query("embedded", 'Reference fields to expand as JSON, e.g. {"cluster":1}', {"type": "string"}),
        "id": {"name": "id", "in": "path", "required": True, "schema": _TYPES["objectid"]},
        "If-Match": {
            "name": "If-Match",
            "in": "header",
            "required": True,
            "description": "The _etag of the version being changed",
            "schema": {"type": "string"},
        },
        "If-None-Match": {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "An _etag: answer 304 if the document still has it",
            "schema": {"type": "string"},
        },
    }


def _components(domain: dict[str, Any]) -> dict[str, Any]:
    error = {
        "type": "object",
        "properties": {
            "_status": {"type": "string", "enum": ["ERR"]},
            "_error": {
                "type": "object",
                "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
            },
            "_issues": {"type": "object", "additionalProperties": True},
        },
    }
    schemas: dict[str, Any] = {
        "Error": error,
        "Meta": {
            "type": "object",
            "properties": {k: {"type": "integer"} for k in ("page", "max_results", "total")},
        },
        "Links": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"title": {"type": "string"}, "href": {"type": "string"}},
            },
        },
    }
    for name, spec in domain.items():
        body = _object_of(spec["schema"])
        body["properties"] = {**_META_FIELDS, **body["properties"]}
        body["description"] = descriptions().get(name, name)
        schemas[_title(spec)] = body
    messages = {
        400: "Bad request",
        401: "Missing or wrong API token",
        404: "Not found",
        412: "Client and server etags don't match",
        422: "Validation failed",
        428: "If-Match header required",
    }
    responses = {
        f"Error{code}": {"description": text, "content": _json(_ref("schemas", "Error"))}
        for code, text in messages.items()
    }
    return {
        "schemas": schemas,
        "parameters": _parameters(),
        "responses": responses,
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    }


def _title(spec: dict[str, Any]) -> str:
    return str(spec["item_title"])  # as CloudCasa spells it: `policy` stays in lower case


def openapi_document(domain: dict[str, Any], server_url: str = "/api/v1") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name, spec in domain.items():
        title = _title(spec)
        paths[f"/{name}"] = _collection_paths(name, spec, title)
        paths[f"/{name}/{{id}}"] = _item_paths(name, spec, title)
        for action in ACTIONS.get(name, []):
            paths[f"/{name}/{{id}}/action/{action}"] = _action_path(name, action, title)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "CloudCasa API (casatui embedded server)",
            "version": "v1",
            "description": "Collections of the CloudCasa REST API, served by casatui's embedded Eve server.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name, "description": descriptions().get(name, name)} for name in domain],
        "paths": paths,
        "components": _components(domain),
    }
