"""Where the user is (a place on the back stack) and where a document leads (its references, its jobs)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .profiles import Profile

_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


@dataclass
class Place:
    """Where the explorer is: a collection, its filter and sort, the row under the cursor."""

    collection: str
    filter_text: str = ""
    sort: list[tuple[str, int]] | None = None  # None: the resource's default
    cursor_id: str | None = None
    cursor_index: int = 0
    reopen_job: str | None = None  # a job whose view was over this place when the user left it: back reopens it


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
    profile: Profile | None,
    names: Mapping[str, Mapping[str, str]],
) -> list[Reference]:
    """Every document this one points at: fields its profile knows as references (the schema's, and the overlay's
    where the schema says nothing), and Eve's `_links.related`."""
    found = _Found()

    def named(collection: str, item_id: str) -> str:
        return names.get(collection, {}).get(item_id, "")

    for name, collection in (profile.references if profile is not None else {}).items():
        value = document.get(name)
        if isinstance(value, str) and _OBJECT_ID.match(value):
            found.add(Reference(name, collection, value, named(collection, value)))
        elif isinstance(value, dict) and isinstance(value.get("_id"), str):  # embedded
            found.add(Reference(name, collection, value["_id"], str(value.get("name", ""))))
    related = document.get("_links", {}).get("related", {}) if isinstance(document.get("_links"), dict) else {}
    if isinstance(related, Mapping):
        for name, link in related.items():
            links = link if isinstance(link, list) else [link]
            for entry in links:
                href = entry.get("href") if isinstance(entry, Mapping) else None
                target = _href_target(href) if isinstance(href, str) else None  # a server's href may be anything
                if target:
                    found.add(Reference(str(name), target[0], target[1], named(*target)))
    return list(found.items.values())


def jobs_filter(profile: Profile, item_id: str) -> str | None:
    """The jobs-view filter for a document's jobs, or None when jobs do not point at this kind of document."""
    link = profile.jobs_link
    return f"{link}={item_id}" if link else None
