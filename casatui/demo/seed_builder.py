"""The seed builder's plumbing: options, deterministic ids and etags, the documents made so far."""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bson import ObjectId

from .jobs import object_id
from .store import Store


@dataclass(frozen=True)
class SeedOptions:
    seed: int = 1
    jobs: int = 400
    running_jobs: int = 3
    now: int | None = None  # epoch seconds; None for the current time


class Builder:
    """Collects the documents of every collection, then loads them into the store at once."""

    def __init__(self, store: Store, options: SeedOptions) -> None:
        self.store = store
        self.rng = random.Random(options.seed)
        self.now = options.now if options.now is not None else int(time.time())
        self.options = options
        self.ids: dict[str, list[ObjectId]] = {}
        self.docs: dict[str, list[dict[str, Any]]] = {}

    # -- helpers ---------------------------------------------------------------------------------------

    def meta(self, created_ago: int, updated_ago: int | None = None) -> dict[str, Any]:
        created = self.now - created_ago
        updated = self.now - (created_ago if updated_ago is None else updated_ago)
        return {
            "_id": object_id(self.rng, created),
            "_created": datetime.fromtimestamp(created, timezone.utc),
            "_updated": datetime.fromtimestamp(updated, timezone.utc),
        }

    def add(self, collection: str, document: dict[str, Any]) -> dict[str, Any]:
        document.setdefault("tags", {})
        document["_etag"] = hashlib.sha1(f"{collection}:{document['_id']}:{document['_updated']}".encode()).hexdigest()
        self.docs.setdefault(collection, []).append(document)
        self.ids.setdefault(collection, []).append(document["_id"])
        return document

    def ref(self, collection: str, index: int) -> ObjectId:
        return self.ids[collection][index]

    def flush(self) -> None:
        for collection, documents in self.docs.items():
            self.store.load(collection, documents)
