"""A new document's starting point, built from the schema: required fields and defaults (the field hints shown
beside it, styled with Rich, are `casatui.ui.field_hints`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..api.discovery import Field, ResourceType
from ..api.edits import SERVER_FIELDS
from .cloudcasa import SERVER_OWNED

_EMPTY = {"string": "", "integer": 0, "number": 0, "boolean": False, "object": {}, "array": [], "objectid": ""}
SKIPPED = (*SERVER_FIELDS, *SERVER_OWNED)  # the server fills them in; a new document must not carry them


def _value(spec: Field) -> Any:
    if spec.has_default:
        return spec.default
    if spec.enum:
        return spec.enum[0]
    if spec.type == "object" and spec.fields:
        return _object(spec.fields, required_only=True)
    return _EMPTY.get(spec.type)


def _object(fields: Mapping[str, Field], *, required_only: bool) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name, spec in fields.items():
        if name in SKIPPED or spec.read_only:
            continue
        if spec.required or (not required_only and spec.has_default):
            document[name] = _value(spec)
    return document


def template(resource: ResourceType | None) -> dict[str, Any]:
    """Required fields (with placeholders) and fields that have a default (with it)."""
    if resource is None or not resource.fields:
        return {"name": ""}
    return _object(resource.fields, required_only=False)
