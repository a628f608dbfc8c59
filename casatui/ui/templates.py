"""A new document's starting point, built from the schema: required fields, defaults, and hints for the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from ..api.discovery import Field, ResourceType
from .edit_flow import SERVER_MANAGED, SERVER_OWNED
from .safe import safe_text

_EMPTY = {"string": "", "integer": 0, "number": 0, "boolean": False, "object": {}, "array": [], "objectid": ""}
SKIPPED = (*SERVER_MANAGED, *SERVER_OWNED)


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


def hints(resource: ResourceType | None) -> Text:
    """One line per field: type, required, default, enum choices, reference target."""
    text = Text()
    if resource is None or not resource.fields:
        text.append("No schema from the server: write the document as CloudCasa expects it.", style="dim")
        return text
    for name, spec in resource.fields.items():
        if name in SKIPPED or spec.read_only:
            continue
        text.append(name, style="bold" if spec.required else "")
        kind = f"→ {spec.reference} id" if spec.reference else spec.type
        text.append(f"  {kind}", style="cyan")
        if spec.required:
            text.append("  required", style="yellow")
        if spec.enum:
            text.append("  " + " | ".join(str(v) for v in spec.enum), style="green")
        if spec.has_default:
            text.append(f"  default {spec.default!r}", style="dim")
        text.append("\n")
    return safe_text(text, newlines=True)  # field names, enums and defaults come from the server's /api-docs
