"""Sorted views of one mongomock collection, kept in step with its writes, so a page is a slice and not a sort.

mongomock answers `find(sort=..., skip=..., limit=...)` by sorting every document with a Python-level comparator
(a second for 100,000 jobs). Here each sort spec a client has used gets a view: the collection's ids in that order,
with each document's sort key, updated by bisection when a write changes a document, and rebuilt from scratch
(lazily, on the next read) after a write whose documents are not known.

The order is mongomock's exactly: its successive stable sorts, least significant key first, give the documents
ordered by each key in turn (BSON order, `reverse` for -1) and, among ties, in the order the collection stores
them (insertion order; a replaced document keeps its place). A view's key is therefore the tuple of the sort values
(descending ones wrapped to compare the other way) followed by the document's position in storage. Values whose
BSON order is not plain Python order (documents, arrays of arrays, binary, NaN, ...) make the view unsupported:
the caller then sorts as mongomock does. The empty spec's view is storage order itself, so an unfiltered deep
page is a slice too.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from mongomock.filtering import NOTHING, resolve_key

SortSpec = tuple[tuple[str, int], ...]


class Unsupported(Exception):
    """A value whose sort order a view cannot reproduce with plain Python comparisons."""


# BSON type ranks as mongomock's `_get_compare_type` numbers them, for the types a view orders.
_NULL = 5
_RANKS: dict[type, int] = {int: 10, float: 10, str: 15, ObjectId: 35, bool: 40, datetime: 45}


def _scalar(value: Any) -> tuple[Any, ...]:
    rank = _RANKS.get(type(value))
    if rank is not None:
        if value != value:  # NaN compares false both ways: no order to keep
            raise Unsupported(value)
        return (1, rank, value)
    if value is None:
        return (1, _NULL)
    raise Unsupported(value)


def sort_value(value: Any) -> tuple[Any, ...]:
    """A natively comparable key ordering like mongomock's `resolve_sort_key` (missing sorts as null, an array by
    its first element, an empty array first of all)."""
    if value is NOTHING:
        return (1, _NULL)
    if isinstance(value, (list, tuple)):
        return _scalar(value[0]) if value else (0, _NULL)
    return _scalar(value)


class _Descending:
    """A sort value compared the other way round (equality unchanged)."""

    __slots__ = ("value",)

    def __init__(self, value: tuple[Any, ...]) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value

    def __lt__(self, other: _Descending) -> bool:
        return other.value < self.value

    __hash__ = None  # type: ignore[assignment]


def normalise_sort(sort: Any) -> SortSpec | None:
    """The sort as a hashable spec, or None if it is not a plain list of (field, 1 or -1) pairs a view handles
    (`$natural`, operators, odd directions, a dict keep the scan-and-sort path, which answers or raises as before)."""
    if not isinstance(sort, (list, tuple)):
        return None
    spec = []
    for pair in sort:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return None
        key, direction = pair
        if not isinstance(key, str) or not key or key.startswith("$") or type(direction) is not int:
            return None
        spec.append((key, direction))
    return tuple(spec)


class _View:
    """The collection's ids in one sort order, with their keys (parallel lists) and each id's key."""

    def __init__(self, spec: SortSpec) -> None:
        self.spec = spec
        self.keys: list[tuple[Any, ...]] = []
        self.ids: list[Any] = []
        self.key_of: dict[Any, tuple[Any, ...]] = {}

    def values(self, document: dict[str, Any]) -> list[Any]:
        values: list[Any] = []
        for field, direction in self.spec:
            value = sort_value(_resolve(field, document))
            values.append(value if direction >= 0 else _Descending(value))
        return values

    def build(self, documents: dict[Any, dict[str, Any]], position: dict[Any, int]) -> None:
        ids = list(documents)
        stored = list(documents.values())
        columns: list[list[Any]] = [
            [sort_value(_resolve(field, document)) for document in stored] for field, _ in self.spec
        ]
        # Successive stable sorts on native values, as mongomock does them, instead of one sort on keys with
        # Python-level comparisons (several times slower); plain values compare the same either way.
        order = list(range(len(ids)))
        for column, (_, direction) in reversed(list(zip(columns, self.spec, strict=True))):
            order.sort(key=column.__getitem__, reverse=direction < 0)
        for at, (_, direction) in enumerate(self.spec):
            if direction < 0:
                columns[at] = [_Descending(value) for value in columns[at]]
        positions = [position[doc_id] for doc_id in ids]
        keys = list(zip(*columns, positions, strict=True))
        self.keys = [keys[i] for i in order]
        self.ids = [ids[i] for i in order]
        self.key_of = dict(zip(self.ids, self.keys, strict=True))

    def remove(self, doc_id: Any) -> None:
        key = self.key_of.pop(doc_id, None)
        if key is not None:
            at = bisect.bisect_left(self.keys, key)
            del self.keys[at]
            del self.ids[at]

    def add(self, doc_id: Any, document: dict[str, Any], position: int) -> None:
        key = (*self.values(document), position)
        at = bisect.bisect_left(self.keys, key)
        self.keys.insert(at, key)
        self.ids.insert(at, doc_id)
        self.key_of[doc_id] = key


class CollectionIndex:
    """Positions in storage order and sorted views of one collection; `refresh` after each write."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection  # mongomock's Collection: its storage is read fresh each time
        self._stale = True
        self._position: dict[Any, int] = {}
        self._next_position = 0
        self._views: dict[SortSpec, _View | None] = {}  # None: unsupported until the next write
        self.builds = 0  # views built from scratch, for tests

    @property
    def documents(self) -> dict[Any, dict[str, Any]]:
        """The stored documents themselves (mongomock's OrderedDict keyed by `_id`): read, never change."""
        documents: dict[Any, dict[str, Any]] = self._collection._store._documents
        return documents

    def invalidate(self) -> None:
        """Forget everything: the next read rebuilds what it needs (after writes whose documents are unknown)."""
        self._stale = True
        self._views.clear()

    def _fresh(self) -> None:
        if self._stale:
            self._position = {doc_id: at for at, doc_id in enumerate(self.documents)}
            self._next_position = len(self._position)
            self._views.clear()
            self._stale = False

    def view(self, spec: SortSpec) -> Sequence[Any] | None:
        """The collection's ids in `spec` order, or None if its values cannot be ordered here."""
        if len(self._position) != len(self.documents):  # written behind the store's back: start again
            self.invalidate()
        self._fresh()
        if spec not in self._views:
            view = _View(spec)
            # The build allocates a few objects per document; with 100,000 documents' worth of objects alive,
            # the collections that triggers take longer than the build itself.
            collecting = gc.isenabled()
            gc.disable()
            try:
                view.build(self.documents, self._position)
                self.builds += 1
            except (Unsupported, TypeError):
                self._views[spec] = None
            else:
                self._views[spec] = view
            finally:
                if collecting:
                    gc.enable()
        found = self._views[spec]
        return None if found is None else found.ids

    def refresh(self, ids: Iterable[Any]) -> None:
        """Bring the views in step with the current state of these documents (changed, added or removed)."""
        if self._stale:
            return
        documents = self.documents
        for spec in [spec for spec, view in self._views.items() if view is None]:
            del self._views[spec]  # a write may have removed what made it unsupported
        for doc_id in ids:
            document = documents.get(doc_id)
            if document is None:
                self._position.pop(doc_id, None)
            elif doc_id not in self._position:
                self._position[doc_id] = self._next_position
                self._next_position += 1
            for spec, view in list(self._views.items()):
                if view is None:  # made unsupported by an earlier document of this write
                    continue
                view.remove(doc_id)
                if document is None:
                    continue
                try:
                    view.add(doc_id, document, self._position[doc_id])
                except (Unsupported, TypeError):
                    self._views[spec] = None


def _resolve(field: str, document: dict[str, Any]) -> Any:
    # resolve_key does the same for a plain field, slower (a tenth of a second per 100,000 documents)
    return resolve_key(field, document) if "." in field else document.get(field, NOTHING)


def page(documents: Iterator[dict[str, Any]], skip: int, limit: int) -> list[dict[str, Any]]:
    """Documents `skip` to `skip + limit` (all after `skip` for a limit of 0) of an ordered stream."""
    out: list[dict[str, Any]] = []
    for at, document in enumerate(documents):
        if at < skip:
            continue
        out.append(document)
        if limit and len(out) >= limit:
            break
    return out
