"""Where the user is (a place on the back stack) and where a document leads (its references, its jobs)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api.discovery import ResourceType

_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")

# Which jobs belong to a document: the jobs field that points back at it.
JOB_LINKS = {
    "kubebackups": "backupdef",
    "kubeoffloads": "offloaddef",
    "kuberestores": "restoredef",
    "kubeclusters": "cluster",
    "policies": "policy_id",
    "backupinstances": "backup_inst",
    "cloudaccounts": "cloudaccount",
}


@dataclass
class Place:
    """Where the explorer is: a collection, its filter and sort, the row under the cursor."""

    collection: str
    filter_text: str = ""
    sort: list[tuple[str, int]] | None = None  # None: the resource's default
    cursor_id: str | None = None
    cursor_index: int = 0


@dataclass(frozen=True)
class Reference:
    """A field of a document that names another document, for following it."""

    field: str  # where in the document: "cluster", "policy_id"
    collection: str
    item_id: str
    name: str = ""

    @property
    def label(self) -> str:
        named = f" {self.name}" if self.name else ""
        return f"{self.field} → {self.collection}{named} ({self.item_id[-6:]})"


def _href_target(href: str) -> tuple[str, str] | None:
    """`kubeclusters/<id>`, `/v1/kubeclusters/<id>` -> ("kubeclusters", id)."""
    parts = [p for p in href.split("?")[0].split("/") if p]
    if len(parts) >= 2 and _OBJECT_ID.match(parts[-1]):
        collection = "/".join(p for p in parts[:-1] if p not in ("api", "v1"))
        return (collection, parts[-1]) if collection else None
    return None


@dataclass
class _Found:
    """The references found so far, one per target document."""

    items: dict[tuple[str, str], Reference] = field(default_factory=dict)

    def add(self, reference: Reference) -> None:
        self.items.setdefault((reference.collection, reference.item_id), reference)


def references(
    document: Mapping[str, Any],
    resource: ResourceType | None,
    names: Mapping[str, Mapping[str, str]],
) -> list[Reference]:
    """Every document this one points at: fields the schema marks as references, and Eve's `_links.related`."""
    found = _Found()

    def named(collection: str, item_id: str) -> str:
        return names.get(collection, {}).get(item_id, "")

    if resource is not None:
        for name, spec in resource.fields.items():
            value = document.get(name)
            if spec.reference and isinstance(value, str) and _OBJECT_ID.match(value):
                found.add(Reference(name, spec.reference, value, named(spec.reference, value)))
            elif spec.reference and isinstance(value, dict) and isinstance(value.get("_id"), str):  # embedded
                found.add(Reference(name, spec.reference, value["_id"], str(value.get("name", ""))))
    related = document.get("_links", {}).get("related", {}) if isinstance(document.get("_links"), dict) else {}
    if isinstance(related, Mapping):
        for name, link in related.items():
            links = link if isinstance(link, list) else [link]
            for entry in links:
                target = _href_target(entry.get("href", "")) if isinstance(entry, Mapping) else None
                if target:
                    found.add(Reference(str(name), target[0], target[1], named(*target)))
    return list(found.items.values())


def jobs_filter(collection: str, item_id: str) -> str | None:
    """The jobs-view filter for a document's jobs, or None when jobs do not point at this kind of document."""
    link = JOB_LINKS.get(collection)
    return f"{link}={item_id}" if link else None
