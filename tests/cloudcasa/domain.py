"""The Eve DOMAIN the CloudCasa-like server runs, derived from its OpenAPI document: collections, methods, schemas.

Written independently of casatui's own reading of OpenAPI (casatui.api.discovery), so that a mistake there shows up
as a difference between what casatui says and what this server does.
"""

from __future__ import annotations

import re
from typing import Any

_VERB = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
_TEMPLATE = re.compile(r"\{[^}]*\}")
_SCALARS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
_SCHEMA_PREFIX = "#/components/schemas/"


def resource_key(collection: str) -> str:
    """Eve's name for a collection (`rbac/permissions` -> `rbac_permissions`); its URL keeps the slash."""
    return collection.replace("/", "_")


class _Converter:
    """OpenAPI schema objects -> Cerberus rules; `<Title>__id` references become objectids with a data_relation."""

    def __init__(self, schemas: dict[str, Any], collection_of_title: dict[str, str]) -> None:
        self.schemas = schemas
        self.collection_of_title = collection_of_title

    def rule(self, node: Any, depth: int = 0) -> dict[str, Any]:
        if isinstance(node, dict) and "$ref" in node:
            name = str(node["$ref"]).removeprefix(_SCHEMA_PREFIX)
            if name.endswith("__id"):
                target = self.collection_of_title.get(name[: -len("__id")])
                rule: dict[str, Any] = {"type": "objectid", "nullable": True}
                if target is not None:
                    rule["data_relation"] = {"resource": resource_key(target), "embeddable": True}
                return rule
            node = self.schemas.get(name)
        if not isinstance(node, dict) or depth > 10:
            return {}  # a part the document does not describe usably: anything goes
        kind = node.get("type")
        rule = {}
        if node.get("format") == "objectid":
            rule["type"] = "objectid"
        elif kind == "string" and node.get("format") == "date-time":
            rule["type"] = "datetime"
        elif kind in _SCALARS:
            rule["type"] = _SCALARS[kind]
        elif kind == "array":
            rule["type"] = "list"
            rule["schema"] = self.rule(node.get("items", {}), depth + 1)
        elif kind == "object" or "properties" in node:
            rule.update(self.object(node, depth))
        if "enum" in node:
            rule["allowed"] = list(node["enum"])
        if "default" in node:
            rule["default"] = node["default"]
        if node.get("nullable"):
            rule["nullable"] = True
        for openapi, cerberus in (("minLength", "minlength"), ("maxLength", "maxlength"), ("minItems", "minlength")):
            if openapi in node:
                rule[cerberus] = node[openapi]
        for openapi, cerberus in (("minimum", "min"), ("maximum", "max")):
            if openapi in node:
                rule[cerberus] = node[openapi]
        return rule

    def object(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = node.get("properties")
        if not isinstance(properties, dict) or not properties:
            return {"type": "dict", "allow_unknown": True}  # a free map, like `tags`
        if set(properties) == {"keysrules", "valuesrules"}:  # Cerberus rules that leaked into the document
            return {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": {"type": "string"}}
        return {"type": "dict", "schema": self.fields(node, depth + 1)}

    def fields(self, node: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        required = set(node.get("required") or [])
        result: dict[str, Any] = {}
        for name, child in (node.get("properties") or {}).items():
            if name == "_id":
                continue  # Eve's own
            rule = self.rule(child, depth)
            if name in required:
                rule["required"] = True
            result[name] = rule
        return result


def collections_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Collection -> {"title", "collection_verbs", "item_verbs"}, from the document's `/v1/...` paths."""
    found: dict[str, dict[str, Any]] = {}
    items: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        segments = path.strip("/").split("/")[1:]  # without the version
        templates = [index for index, segment in enumerate(segments) if _TEMPLATE.fullmatch(segment)]
        if not templates:
            listing = operations.get("get", {}).get("responses", {}).get("200", {}).get("content")
            if listing is None:
                continue  # an endpoint of a collection (objectstores/provider-info), not one itself
            ref = listing["application/json"]["schema"]["properties"]["_items"]["items"]["$ref"]
            found["/".join(segments)] = {
                "title": ref.removeprefix(_SCHEMA_PREFIX),
                "collection_verbs": list(operations),
            }
        elif templates == [len(segments) - 1]:
            items["/".join(segments[:-1])] = list(operations)
    for collection, spec in found.items():
        spec["item_verbs"] = items.get(collection, [])
    return found


def domain_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A fresh Eve DOMAIN (Eve changes it while starting) serving every collection the document describes."""
    schemas = document["components"]["schemas"]
    collections = collections_of(document)
    converter = _Converter(schemas, {spec["title"]: name for name, spec in collections.items()})
    domain: dict[str, dict[str, Any]] = {}
    for collection, spec in collections.items():
        schema = schemas.get(spec["title"])
        usable = isinstance(schema, dict)
        domain[resource_key(collection)] = {
            "url": collection,
            "item_title": spec["title"],
            "resource_methods": [_VERB[verb] for verb in spec["collection_verbs"]],
            "item_methods": [_VERB[verb] for verb in spec["item_verbs"]],
            "schema": converter.fields(schema) if usable else {},
            "allow_unknown": not usable,
        }
    return domain
