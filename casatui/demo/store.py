"""The in-memory database behind the embedded server, and the helpers for writes the server makes itself.

Eve talks to it through `DemoMongo`, a data layer that hands Eve a mongomock database instead of opening a
MongoDB connection. Every request and every server-side change runs under one lock: mongomock is not
thread-safe, and the lock also makes Eve's check-etag-then-write atomic, as MongoDB's filtered update is.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
from datetime import datetime, timezone
from typing import Any

import mongomock
import mongomock.filtering
import mongomock.helpers
import pymongo.errors
from eve.io.mongo import Mongo

DB_NAME = "cloudcasa"


def utcnow() -> datetime:
    """Now, at the one-second resolution Eve stores `_created` and `_updated` with."""
    return datetime.now(timezone.utc).replace(microsecond=0)


class Store:
    """One mongomock database plus the lock that serialises access to it."""

    def __init__(self) -> None:
        self.client: Any = mongomock.MongoClient(tz_aware=True)
        self.db = self.client[DB_NAME]
        self.lock = threading.RLock()
        self._etag_counter = itertools.count(1)

    def new_etag(self, seed: str = "") -> str:
        """A fresh 40-hex etag for a document the server changed on its own."""
        return hashlib.sha1(f"{seed}:{next(self._etag_counter)}:{utcnow()}".encode()).hexdigest()

    def load(self, collection: str, documents: list[dict[str, Any]]) -> None:
        """Bulk-load seed documents straight into mongomock's storage.

        mongomock's insert_many checks, encodes and copies each document (11 s for 30,000 jobs); seed
        documents are built here and known to be valid, so store them as mongomock would: keyed by `_id`,
        with naive UTC datetimes.
        """
        target = self.db[collection]._store
        for document in documents:
            for key in ("_created", "_updated"):
                value = document.get(key)
                if isinstance(value, datetime) and value.tzinfo is not None:
                    document[key] = value.astimezone(timezone.utc).replace(tzinfo=None)
            target[document["_id"]] = document

    def touch(self, collection: str, doc_id: Any, changes: dict[str, Any]) -> None:
        """Apply `$set` changes as the server itself would: new `_updated` and a new `_etag`."""
        changes = {**changes, "_updated": utcnow(), "_etag": self.new_etag(f"{collection}{doc_id}")}
        self.db[collection].update_one({"_id": doc_id}, {"$set": changes})


class _EveCollection:
    """The collection Eve sees: mongomock's, with two fixes.

    - It refuses to change `_id`. mongomock's replace_one with a changed `_id` rewrites the stored document
      before failing with no error code, so Eve answers 500 and the document is gone. MongoDB refuses such
      writes with code 66, which Eve turns into a 400; raise that error before mongomock gets the chance.
    - `find` copies only the requested page. mongomock copies every matching document before applying skip
      and limit, which makes one page of 100,000 jobs take 15 s instead of well under one.
    """

    _MESSAGE = "Performing an update on the path '_id' would modify the immutable field '_id'"

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    def _check(self, filter_: dict[str, Any], new_id: Any) -> None:
        if new_id is not None and "_id" in filter_ and new_id != filter_["_id"]:
            raise pymongo.errors.WriteError(self._MESSAGE, code=66)

    def replace_one(self, filter_: dict[str, Any], replacement: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        self._check(filter_, replacement.get("_id"))
        return self._collection.replace_one(filter_, replacement, *args, **kwargs)

    def update_one(self, filter_: dict[str, Any], update: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        self._check(filter_, update.get("$set", {}).get("_id"))
        return self._collection.update_one(filter_, update, *args, **kwargs)

    def find(
        self,
        filter: dict[str, Any] | None = None,
        projection: Any = None,
        skip: int = 0,
        limit: int = 0,
        sort: list[tuple[str, int]] | None = None,
        **kwargs: Any,
    ) -> Any:
        if kwargs:
            return self._collection.find(filter, projection, skip=skip, limit=limit, sort=sort, **kwargs)
        collection = self._collection
        spec = mongomock.helpers.patch_datetime_awareness_in_document(filter or {})
        matches = list(collection._iter_documents(spec))  # the stored documents themselves, not copies
        for key, direction in reversed(sort or []):
            matches.sort(key=functools.partial(_sort_key, key), reverse=direction < 0)
        page = matches[skip : skip + limit] if limit else matches[skip:]
        documents = [collection._copy_only_fields(doc, projection, dict) for doc in page]
        if collection.codec_options.tz_aware:
            documents = [mongomock.helpers.make_datetime_timezone_aware_in_document(doc) for doc in documents]
        return documents


def _sort_key(key: str, document: dict[str, Any]) -> Any:
    return mongomock.filtering.resolve_sort_key(key, document)


class _EveDatabase:
    def __init__(self, db: Any) -> None:
        self._db = db
        self.client = db.client

    def __getitem__(self, name: str) -> _EveCollection:
        return _EveCollection(self._db[name])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class _Driver:
    """Stands in for flask_pymongo's PyMongo object: Eve only reads `.db` and `.cx` from it."""

    def __init__(self, store: Store) -> None:
        self.db = _EveDatabase(store.db)
        self.cx = store.client


class DemoMongo(Mongo):
    """Eve's MongoDB data layer, backed by a `Store` instead of a MongoDB server."""

    def __init__(self, app: Any, store: Store) -> None:
        self._store_driver = _Driver(store)
        super().__init__(app)

    def pymongo(self, resource: str | None = None, prefix: str | None = None) -> Any:
        self.mongo_prefix = None
        return self._store_driver

    def get_collection_with_write_concern(self, datasource: str, resource: str) -> Any:
        return self._store_driver.db[datasource]
