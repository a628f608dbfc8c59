"""The editor's side panel for a new document: one line per field of the schema, as styled text."""

from __future__ import annotations

from rich.text import Text

from ..api.discovery import ResourceType
from ..core.safe_text import safe_json
from ..core.templates import SKIPPED
from .safe import safe_text


def hints(resource: ResourceType | None) -> Text:
    """One line per field: type, required, default, enum choices, reference target; values as JSON (what the
    document is written in: `false`, `null`, `"SCHEDULED"`)."""
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
            text.append("  " + " | ".join(as_json(v) for v in spec.enum), style="green")
        if spec.has_default:
            text.append(f"  default {as_json(spec.default)}", style="dim")
        text.append("\n")
    return safe_text(text, newlines=True)  # field names, enums and defaults come from the server's /api-docs


def as_json(value: object) -> str:
    return safe_json(value, default=str)  # a schema's default is JSON already; `default=str` for anything odd
