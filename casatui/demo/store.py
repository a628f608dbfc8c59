"""The in-memory database behind the embedded server, and the helpers for writes the server makes itself.

Eve talks to it through `DemoMongo`, a data layer that hands Eve a mongomock database instead of opening a
MongoDB connection. Every request and every server-side change runs under one lock: mongomock is not
thread-safe, and the lock also makes Eve's check-etag-then-write atomic, as MongoDB's filtered update is.

`Store.db` wraps each collection so that a page of a big collection is a slice of a sorted view and a document is
found by its key, with the views kept in step with every write (see index.py); answers stay mongomock's own.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import mongomock
import mongomock.filtering
import mongomock.helpers
import pymongo.errors
from bson import ObjectId
from eve.io.mongo import Mongo

from .index import CollectionIndex, normalise_sort, page

DB_NAME = "cloudcasa"


def utcnow() -> datetime:
    """Now, at the one-second resolution Eve stores `_created` and `_updated` with."""
    return datetime.now(timezone.utc).replace(microsecond=0)


class Store:
    """One mongomock database plus the lock that serialises access to it."""

    def __init__(self) -> None:
        self.client: Any = mongomock.MongoClient(tz_aware=True)
        self.db = IndexedDatabase(self.client[DB_NAME])
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
        self.db[collection].index.invalidate()

    def touch(self, collection: str, doc_id: Any, changes: dict[str, Any]) -> None:
        """Apply `$set` changes as the server itself would: new `_updated` and a new `_etag`."""
        changes = {**changes, "_updated": utcnow(), "_etag": self.new_etag(f"{collection}{doc_id}")}
        self.db[collection].update_one({"_id": doc_id}, {"$set": changes})


class IndexedCollection:
    """A mongomock collection with its `CollectionIndex` kept in step: every write goes through here.

    Writes addressed by `_id` (all of Eve's, the server's own `touch`) refresh just those documents; other writes
    drop the index, rebuilt on the next read. Reads that pin an `_id` are a dict lookup, `count_documents({})` is
    a length, `page` (Eve's `find`) slices a view; anything else is mongomock's.
    """

    def __init__(self, collection: Any, index: CollectionIndex) -> None:
        self._collection = collection
        self.index = index

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._collection, name)
        if name in _OTHER_WRITES:
            return functools.partial(self._unknown_write, attribute)
        return attribute

    # -- writes ----------------------------------------------------------------------------------------------

    def _unknown_write(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        finally:
            self.index.invalidate()

    def _write(self, filter_: Any, method: Any, *args: Any, **kwargs: Any) -> Any:
        doc_id = _id_lookup(filter_) if isinstance(filter_, dict) else _NO_ID
        if doc_id is _NO_ID:
            return self._unknown_write(method, filter_, *args, **kwargs)
        try:
            result = method(filter_, *args, **kwargs)
        except BaseException:
            self.index.invalidate()
            raise
        upserted = getattr(result, "upserted_id", None)
        self.index.refresh([doc_id] if upserted is None else [doc_id, upserted])
        return result

    def insert_one(self, document: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            result = self._collection.insert_one(document, *args, **kwargs)
        except BaseException:
            self.index.invalidate()
            raise
        self.index.refresh([result.inserted_id])
        return result

    def insert_many(self, documents: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = self._collection.insert_many(documents, *args, **kwargs)
        except BaseException:
            self.index.invalidate()  # an ordered insert may have stored some before failing
            raise
        self.index.refresh(result.inserted_ids)
        return result

    def replace_one(self, filter_: Any, *args: Any, **kwargs: Any) -> Any:
        return self._write(filter_, self._collection.replace_one, *args, **kwargs)

    def update_one(self, filter_: Any, *args: Any, **kwargs: Any) -> Any:
        return self._write(filter_, self._collection.update_one, *args, **kwargs)

    def update_many(self, filter_: Any, *args: Any, **kwargs: Any) -> Any:
        return self._write(filter_, self._collection.update_many, *args, **kwargs)

    def delete_one(self, filter_: Any, *args: Any, **kwargs: Any) -> Any:
        return self._write(filter_, self._collection.delete_one, *args, **kwargs)

    def delete_many(self, filter_: Any, *args: Any, **kwargs: Any) -> Any:
        return self._write(filter_, self._collection.delete_many, *args, **kwargs)

    # -- reads -----------------------------------------------------------------------------------------------

    def _by_id(self, spec: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The stored documents matching a filter on one `_id` (found by key, then checked against the whole
        filter), or None if the filter is not of that kind."""
        doc_id = _id_lookup(spec)
        if doc_id is _NO_ID:
            return None
        document = self.index.documents.get(doc_id)
        if document is None:
            mongomock.filtering.filter_applies(spec, {})  # a malformed filter raises as mongomock's scan would
            return []
        return [document] if mongomock.filtering.filter_applies(spec, document) else []

    def _copies(self, documents: list[dict[str, Any]], projection: Any) -> list[dict[str, Any]]:
        """Copies as mongomock's cursor makes them: projected, then with timezone-aware datetimes."""
        collection = self._collection
        copies = [collection._copy_only_fields(doc, projection, dict) for doc in documents]
        if collection.codec_options.tz_aware:
            copies = [mongomock.helpers.make_datetime_timezone_aware_in_document(doc) for doc in copies]
        return copies

    def find_one(self, filter: Any = None, projection: Any = None, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(filter, dict):
            return self._collection.find_one(filter, projection, *args, **kwargs)
        found = self._by_id(mongomock.helpers.patch_datetime_awareness_in_document(filter))
        if found is None:
            return self._collection.find_one(filter, projection)
        return self._copies(found, projection)[0] if found else None

    def count_documents(self, filter: Any, **kwargs: Any) -> int:
        if not kwargs and isinstance(filter, dict):
            if not filter:
                return len(self.index.documents)
            found = self._by_id(mongomock.helpers.patch_datetime_awareness_in_document(filter))
            if found is not None:
                return len(found)
        result: int = self._collection.count_documents(filter, **kwargs)
        return result

    def page(
        self, filter: dict[str, Any] | None, projection: Any, skip: int, limit: int, sort: Any
    ) -> list[dict[str, Any]]:
        """`find` as a list of copies: documents are filtered and ordered, then only the page is copied
        (mongomock copies every match before skipping)."""
        order = normalise_sort(sort) if sort else ()
        if order is None:  # `$natural`, a dict, odd directions: mongomock's own answer (or error), read here
            return list(self._collection.find(filter, projection, skip=skip, limit=limit, sort=sort))
        spec = mongomock.helpers.patch_datetime_awareness_in_document(filter or {})
        found = self._by_id(spec)
        if found is not None:  # at most one document: no order to find
            return self._copies(page(iter(found), skip, limit), projection)
        documents = self.index.documents
        if order or not spec:  # an unfiltered page in storage order is a slice of the empty spec's view
            ids = self.index.view(order)
            if ids is None:  # values a view cannot order: mongomock's way
                scan = self._collection._iter_documents(spec)
                return self._copies(self._sorted_scan(scan, sort, skip, limit), projection)
            if not spec:
                chosen = ids[skip : skip + limit] if limit else ids[skip:]
                return self._copies([documents[doc_id] for doc_id in chosen], projection)
            ordered: Iterator[dict[str, Any]] = (documents[doc_id] for doc_id in ids)
        else:
            ordered = iter(list(documents.values()))
        if not documents:
            mongomock.filtering.filter_applies(spec, {})  # validates the filter, as mongomock does
        applies = mongomock.filtering.filter_applies
        return self._copies(page((doc for doc in ordered if applies(spec, doc)), skip, limit), projection)

    @staticmethod
    def _sorted_scan(matches: Any, sort: Any, skip: int = 0, limit: int = 0) -> list[dict[str, Any]]:
        """Sort as mongomock does (successive stable sorts, least significant key first), then slice."""
        matches = list(matches)
        for key, direction in reversed(sort):
            matches.sort(key=functools.partial(_sort_key, key), reverse=direction < 0)
        return matches[skip : skip + limit] if limit else matches[skip:]


# Collection methods that write without saying which documents: the index is dropped after them.
_OTHER_WRITES = frozenset(
    {
        "bulk_write",
        "drop",
        "rename",
        "find_one_and_delete",
        "find_one_and_replace",
        "find_one_and_update",
        "find_and_modify",
        "initialize_ordered_bulk_op",
        "initialize_unordered_bulk_op",
        "insert",
        "save",
        "update",
        "remove",
    }
)

_NO_ID = object()


def _id_lookup(spec: dict[str, Any]) -> Any:
    """The `_id` a filter pins (an ObjectId or string, compared by equality), or `_NO_ID`."""
    doc_id = spec.get("_id", _NO_ID)
    return doc_id if type(doc_id) in (ObjectId, str) else _NO_ID


class _EveCollection:
    """The collection Eve sees: the indexed one, with two fixes.

    - It refuses to change `_id`. mongomock's replace_one with a changed `_id` rewrites the stored document
      before failing with no error code, so Eve answers 500 and the document is gone. MongoDB refuses such
      writes with code 66, which Eve turns into a 400; raise that error before mongomock gets the chance.
    - `find` copies only the requested page, found through the index (see `IndexedCollection.page`).
    """

    _MESSAGE = "Performing an update on the path '_id' would modify the immutable field '_id'"

    def __init__(self, collection: IndexedCollection) -> None:
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
        return self._collection.page(filter, projection, skip, limit, sort)


def _sort_key(key: str, document: dict[str, Any]) -> Any:
    return mongomock.filtering.resolve_sort_key(key, document)


class IndexedDatabase:
    """The database with each collection wrapped as an `IndexedCollection` (one index per collection)."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._indexes: dict[str, CollectionIndex] = {}

    def __getitem__(self, name: str) -> IndexedCollection:
        collection = self._db[name]
        # mongomock's writes and reads find their documents with `_iter_documents`, a scan: by key for an `_id`.
        scan = functools.partial(type(collection)._iter_documents, collection)
        collection._iter_documents = functools.partial(_iter_documents, collection, scan)
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = CollectionIndex(collection)
        return IndexedCollection(collection, index)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._db, name)
        if name in ("drop_collection", "rename_collection"):
            return functools.partial(self._then_invalidate, attribute)
        return attribute

    def _then_invalidate(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        finally:
            for index in self._indexes.values():
                index.invalidate()


def _iter_documents(collection: Any, scan: Any, filter_: Any) -> Iterator[dict[str, Any]]:
    """The stored documents matching `filter_`: looked up by key if it pins an `_id`, else mongomock's scan."""
    doc_id = _id_lookup(filter_) if isinstance(filter_, dict) else _NO_ID
    if doc_id is _NO_ID:
        documents: Iterator[dict[str, Any]] = scan(filter_)
        return documents
    document = collection._store._documents.get(doc_id)
    if document is None:
        mongomock.filtering.filter_applies(filter_, {})  # a malformed filter raises as mongomock's scan would
        return iter(())
    return iter([document] if mongomock.filtering.filter_applies(filter_, document) else [])


class _EveDatabase:
    def __init__(self, db: Any) -> None:
        self._db = db
        self.client = db.client

    def __getitem__(self, name: str) -> _EveCollection:
        return _EveCollection(self._db[name])


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
