"""Which writes the server's own API document offers: the client refuses the others before sending them.

The rule, for a write on `collection` (create, replace = PUT, update = PATCH, delete, action):

- Nothing is refused while no catalog is known, when the catalog is casatui's built-in list (the document could not
  be read), or when the document is not trusted (`trusted=False`: the profile's `trust_api_docs = false`).
- A collection the document does not describe at all is not refused either: the document says nothing about it
  (CloudCasa's published one is older than its server and lacks `kubemigrations`, for one).
- create, replace, update and delete are refused when the document gives the collection no such method
  (`ResourceType.can`).
- An action is refused unless the document lists it for the collection (`/{id}/action/<x>`), or has a `run<x>`
  collection beside it (`runkubebackup` for `kubebackups`, `ResourceType.unlisted_actions`): CloudCasa's
  convention, whose document lists almost no actions while its clients run `kubebackups/{id}/action/run`, so such
  a document does not describe the collection's actions and any is let through (`ResourceType.offers_action`).
  Should the server lack one, its 404 says so (ActionMissing) and the next rule applies.
- An action the server itself answered "no such action" to (`ActionMissing`) is refused from then on, whatever the
  document says, unless the document is not trusted.

Reads (list, get) are never refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .discovery import Catalog

WRITES = ("create", "replace", "update", "delete", "action")
OVERRIDE = "set `trust_api_docs = false` in the profile (or pass --ignore-api-docs) to send it anyway"
_SAID = {"create": "POST (create)", "replace": "PUT (replace)", "update": "PATCH (update)", "delete": "DELETE"}


class Permits:
    """What the catalog allows, shared by a client and its siblings (a sibling sees a catalog learned later)."""

    def __init__(self, catalog: Catalog | None = None, *, trusted: bool = True) -> None:
        self.catalog = catalog
        self.trusted = trusted
        self.missing_actions: set[tuple[str, str]] = set()  # (collection, action) the server said it lacks

    @property
    def enforced(self) -> bool:
        """Whether the document's word is followed (a catalog from the server, trusted)."""
        return self.trusted and self.catalog is not None and self.catalog.source == "server"

    def why_not(self, collection: str, operation: str, action: str = "") -> str | None:
        """Why the write would be refused, in words for the user; None when it is allowed."""
        if operation not in WRITES:
            if operation in ("list", "get"):
                return None
            raise ValueError(f"unknown operation {operation!r}: one of list, get, {', '.join(WRITES)}")
        if operation == "action" and not action:
            raise ValueError("an action needs its name")
        if not self.trusted:
            return None
        if operation == "action" and (collection, action) in self.missing_actions:
            return (
                f"The server answered that it has no action `{action}` on {collection}, so casatui does not send it "
                f"again. If that has changed, {OVERRIDE}."
            )
        if not self.enforced:
            return None
        assert self.catalog is not None
        resource = self.catalog.resources.get(collection)
        if resource is None:
            return None
        if operation == "action":
            if resource.offers_action(action):
                return None
            offered = ", ".join(f"`{name}`" for name in resource.actions) or "none"
            return (
                f"The server's API document does not offer the action `{action}` on {collection} (it offers: "
                f"{offered}), so casatui did not send it. If the document is wrong, {OVERRIDE}."
            )
        if resource.can(operation):
            return None
        return (
            f"The server's API document does not offer {_SAID[operation]} on {collection}, so casatui did not send "
            f"it. If the document is wrong, {OVERRIDE}."
        )

    def allows(self, collection: str, operation: str, action: str = "") -> bool:
        return self.why_not(collection, operation, action) is None
