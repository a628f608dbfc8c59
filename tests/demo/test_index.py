"""The store's index answers exactly as plain mongomock does, whatever was written and however.

The fast reads (`IndexedCollection.page`, `find_one`, `count_documents`) are compared with mongomock's own `find`
on the same stored documents, after every kind of write the server makes: inserts, `_id`-addressed updates,
replaces and deletes (Eve's), `Store.touch` (the server's own), `Store.load` (seeding) and writes that do not say
which documents they change. Sort values include ties, missing fields, nulls, mixed types, arrays and documents
(which a view cannot order: the scan answers those).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from bson import ObjectId
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from casatui.demo import DemoServer
from casatui.demo.index import Unsupported, normalise_sort, sort_value
from casatui.demo.store import Store

COLLECTION = "things"
BASE = datetime(2026, 1, 1)

# Few distinct values per field, so ties are common; mixed types, missing, null, arrays, documents.
VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 1.0, 2.5, -1]),
    st.sampled_from(["", "a", "b", "B", "ab"]),
    st.sampled_from([None, True, False]),
    st.sampled_from([BASE, BASE + timedelta(seconds=1), BASE + timedelta(days=1)]),
    st.sampled_from([[], [1], [2, 0], ["a"], [None]]),
)
ODD_VALUES = st.sampled_from([{"x": 1}, {"x": 0}, [[1]], b"\x00", float("nan")])
FIELDS = ("n", "s", "k")
DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "n": VALUES,
        "s": VALUES,
        "k": st.one_of(VALUES, ODD_VALUES),
        "nested": st.fixed_dictionaries({}, optional={"x": VALUES}),
    },
)
SORTS = st.sampled_from(
    [
        None,
        [],
        [("n", 1)],
        [("n", -1)],
        [("s", 1), ("n", -1)],
        [("s", -1), ("n", 1)],
        [("nested.x", 1)],
        [("_created", -1)],
        [("_updated", 1), ("_id", -1)],
        [("k", 1)],
        [("k", -1), ("n", 1)],
        [("_id", -1)],
        [("$natural", -1)],
    ]
)
FILTERS = st.sampled_from(
    [
        {},
        {"n": {"$gt": 0}},
        {"s": "a"},
        {"n": {"$exists": False}},
        {"$or": [{"s": "b"}, {"n": 1}]},
        {"nested.x": {"$ne": None}},
    ]
)
PROJECTIONS = st.sampled_from([None, {"n": 1}, {"s": 0}, {"_id": 0, "n": 1}])


@contextlib.contextmanager
def plain_mongomock(store: Store, name: str = COLLECTION) -> Iterator[Any]:
    """The collection as mongomock alone answers: without the store's lookup by `_id` (which it installs on
    mongomock's own collection object, so that mongomock's writes find documents by key too)."""
    raw = store.db[name]._collection
    patched = vars(raw).pop("_iter_documents")
    try:
        yield raw
    finally:
        raw._iter_documents = patched


def mongomock_find(store: Store, filter_: Any, projection: Any, skip: int, limit: int, sort: Any) -> Any:
    """What mongomock answers, or the type of what it raises."""
    with plain_mongomock(store) as raw:
        try:
            return list(raw.find(filter_, copy.deepcopy(projection), skip=skip, limit=limit, sort=sort))
        except Exception as error:  # the fast path must raise the same
            return type(error)


def fast_find(store: Store, filter_: Any, projection: Any, skip: int, limit: int, sort: Any) -> Any:
    try:
        return store.db[COLLECTION].page(filter_, copy.deepcopy(projection), skip, limit, sort)
    except Exception as error:
        return type(error)


def same(a: Any, b: Any) -> bool:
    """Equal answers (NaN compares unequal to itself, so compare its text)."""
    return a == b or repr(a) == repr(b)


class IndexMatchesMongomock(RuleBasedStateMachine):
    """Random writes of every kind, with queries between them (so views exist while writes happen)."""

    def __init__(self) -> None:
        super().__init__()
        self.store = Store()
        self.clock = 0

    def _meta(self) -> dict[str, Any]:
        self.clock += 1
        stamp = BASE + timedelta(seconds=self.clock // 3)  # a tie every few documents
        return {"_id": ObjectId(), "_created": stamp, "_updated": stamp, "_etag": f"{self.clock:040x}"}

    def _ids(self) -> list[Any]:
        return list(self.store.db[COLLECTION].index.documents)

    @initialize(documents=st.lists(DOCUMENT, max_size=25))
    def seed(self, documents: list[dict[str, Any]]) -> None:
        self.store.load(COLLECTION, [{**self._meta(), **document} for document in documents])

    @rule(document=DOCUMENT)
    def insert(self, document: dict[str, Any]) -> None:
        self.store.db[COLLECTION].insert_one({**self._meta(), **document})

    @rule(documents=st.lists(DOCUMENT, min_size=1, max_size=3))
    def insert_many(self, documents: list[dict[str, Any]]) -> None:
        self.store.db[COLLECTION].insert_many([{**self._meta(), **document} for document in documents])

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 10_000), changes=DOCUMENT, with_etag=st.booleans())
    def update(self, pick: int, changes: dict[str, Any], with_etag: bool) -> None:
        doc_id = self._ids()[pick % len(self._ids())]
        filter_: dict[str, Any] = {"_id": doc_id}
        if with_etag:  # as Eve's PATCH does; a wrong etag changes nothing
            filter_["_etag"] = "0" * 40 if pick % 2 else self.store.db[COLLECTION].find_one(doc_id)["_etag"]
        if changes:
            self.store.db[COLLECTION].update_one(filter_, {"$set": changes})

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 10_000), document=DOCUMENT)
    def replace(self, pick: int, document: dict[str, Any]) -> None:
        doc_id = self._ids()[pick % len(self._ids())]
        self.store.db[COLLECTION].replace_one({"_id": doc_id}, {**self._meta(), **document, "_id": doc_id})

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 10_000), changes=DOCUMENT)
    def touch(self, pick: int, changes: dict[str, Any]) -> None:
        self.store.touch(COLLECTION, self._ids()[pick % len(self._ids())], changes)

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 10_000))
    def delete(self, pick: int) -> None:
        self.store.db[COLLECTION].delete_many({"_id": self._ids()[pick % len(self._ids())]})

    @rule(documents=st.lists(DOCUMENT, min_size=1, max_size=3))
    def load(self, documents: list[dict[str, Any]]) -> None:
        self.store.load(COLLECTION, [{**self._meta(), **document} for document in documents])

    @rule(filter_=FILTERS, value=VALUES)
    def update_many(self, filter_: dict[str, Any], value: Any) -> None:
        self.store.db[COLLECTION].update_many(filter_, {"$set": {"n": value}})

    @rule(filter_=FILTERS)
    def delete_by_filter(self, filter_: dict[str, Any]) -> None:
        if filter_:
            self.store.db[COLLECTION].delete_one(filter_)

    @rule(
        filter_=FILTERS,
        projection=PROJECTIONS,
        skip=st.sampled_from([0, 0, 1, 3, 10, 100]),
        limit=st.sampled_from([0, 1, 2, 5, 25]),
        sort=SORTS,
    )
    def query(self, filter_: dict[str, Any], projection: Any, skip: int, limit: int, sort: Any) -> None:
        expected = mongomock_find(self.store, filter_, projection, skip, limit, sort)
        assert same(fast_find(self.store, filter_, projection, skip, limit, sort), expected)

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 10_000), extra=st.sampled_from([{}, {"n": {"$ne": True}}, {"s": "a"}]), sort=SORTS)
    def query_by_id(self, pick: int, extra: dict[str, Any], sort: Any) -> None:
        doc_id = self._ids()[pick % len(self._ids())] if pick % 5 else ObjectId()  # sometimes one that is not there
        filter_ = {"_id": doc_id, **extra}
        assert same(
            fast_find(self.store, filter_, None, 0, 0, sort), mongomock_find(self.store, filter_, None, 0, 0, sort)
        )
        fast = self.store.db[COLLECTION]
        answers = (fast.find_one(filter_), fast.find_one(filter_, {"n": 1}), fast.count_documents(filter_))
        with plain_mongomock(self.store) as raw:
            expected = (raw.find_one(filter_), raw.find_one(filter_, {"n": 1}), raw.count_documents(filter_))
        assert same(answers, expected)

    @invariant()
    def counts(self) -> None:
        count = self.store.db[COLLECTION].count_documents({})
        with plain_mongomock(self.store) as raw:
            assert count == raw.count_documents({})


IndexMatchesMongomock.TestCase.settings = settings(
    max_examples=120, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestIndexMatchesMongomock = IndexMatchesMongomock.TestCase


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (None, 0),
        (0, 0.5),
        (1, "a"),
        ("", "a"),
        ("B", "a"),
        ("a", ObjectId()),
        (ObjectId("000000000000000000000000"), ObjectId("ffffffffffffffffffffffff")),
        (ObjectId(), False),
        (False, True),
        (True, BASE),
        ([], None),
        ([], -5),
    ],
)
def test_sort_values_follow_bson_order(a: Any, b: Any) -> None:
    assert sort_value(a) < sort_value(b)
    assert not sort_value(b) < sort_value(a)


def test_missing_null_and_arrays_sort_as_mongomock_does() -> None:
    from mongomock.filtering import NOTHING

    assert sort_value(NOTHING) == sort_value(None) == sort_value([None])
    assert sort_value([3, 1]) == sort_value(3)
    assert sort_value(1) == sort_value(1.0)
    for odd in ({"x": 1}, [[1]], b"", float("nan")):
        with pytest.raises(Unsupported):
            sort_value(odd)


@pytest.mark.parametrize(
    ("sort", "spec"),
    [
        ([("a", 1), ("b", -1)], (("a", 1), ("b", -1))),
        ((("a", -1),), (("a", -1),)),
        ([], ()),
        ({"a": 1}, None),
        ([("$natural", 1)], None),
        ([("a", "1")], None),
        ([("a", 1.0)], None),
        ([("a",)], None),
        ("a", None),
    ],
)
def test_only_plain_sorts_get_a_view(sort: Any, spec: Any) -> None:
    assert normalise_sort(sort) == spec


def test_writes_behind_the_stores_back_are_noticed() -> None:
    store = Store()
    store.load(COLLECTION, [{"_id": ObjectId(), "n": n} for n in (3, 1, 2)])
    things = store.db[COLLECTION]
    assert [d["n"] for d in things.page({}, None, 0, 0, [("n", 1)])] == [1, 2, 3]
    extra = ObjectId()
    things._collection._store[extra] = {"_id": extra, "n": 0}  # mongomock's storage, not through the store
    assert [d["n"] for d in things.page({}, None, 0, 0, [("n", 1)])] == [0, 1, 2, 3]
    store.db.drop_collection(COLLECTION)
    assert things.page({}, None, 0, 0, [("n", 1)]) == []
    assert things.count_documents({}) == 0


# -- over HTTP, through Eve -----------------------------------------------------------------------------------


def listed_ids(http: httpx.Client, **params: Any) -> list[str]:
    response = http.get("/jobs", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return [item["_id"] for item in body["_items"]]


def mongomock_ids(server: DemoServer, sort: list[tuple[str, int]] | None, skip: int, limit: int) -> list[str]:
    with server.store.lock, plain_mongomock(server.store, "jobs") as raw:
        return [str(doc["_id"]) for doc in raw.find({}, {"_id": 1}, skip=skip, limit=limit, sort=sort)]


QUERIES: list[tuple[dict[str, Any], list[tuple[str, int]] | None, int, int]] = [
    ({"max_results": 25}, None, 0, 25),
    ({"max_results": 10, "page": 4}, None, 30, 10),
    ({"max_results": 25, "sort": "-_created"}, [("_created", -1)], 0, 25),
    ({"max_results": 7, "page": 9, "sort": "-_created"}, [("_created", -1)], 56, 7),
    ({"max_results": 50, "page": 2, "sort": "state,-start_time"}, [("state", 1), ("start_time", -1)], 50, 50),
    ({"max_results": 20, "sort": "-end_time"}, [("end_time", -1)], 0, 20),  # missing on running jobs
    ({"max_results": 20, "page": 99, "sort": "type"}, [("type", 1)], 1960, 20),  # past the end
    ({"max_results": 1000, "sort": '[("_updated", -1), ("_id", 1)]'}, [("_updated", -1), ("_id", 1)], 0, 1000),
]


def check_lists(http: httpx.Client, server: DemoServer) -> None:
    total = server.store.db["jobs"].count_documents({})
    for params, sort, skip, limit in QUERIES:
        body = http.get("/jobs", params=params).json()
        assert [item["_id"] for item in body["_items"]] == mongomock_ids(server, sort, skip, limit), params
        assert body["_meta"]["total"] == total


def test_eve_lists_match_mongomock_after_writes_of_every_kind(fresh_demo: DemoServer, fresh_http: httpx.Client) -> None:
    check_lists(fresh_http, fresh_demo)
    index = fresh_demo.store.db["jobs"].index
    builds = index.builds
    assert builds >= 4  # one view per sort used

    jobs = fresh_http.get("/jobs", params={"max_results": 5, "sort": "-_created"}).json()["_items"]
    # Eve's PATCH and DELETE (If-Match)
    patched = fresh_http.patch(
        f"/jobs/{jobs[0]['_id']}", json={"state": "UNKNOWN"}, headers={"If-Match": jobs[0]["_etag"]}
    )
    assert patched.status_code == 200, patched.text
    deleted = fresh_http.delete(f"/jobs/{jobs[1]['_id']}", headers={"If-Match": jobs[1]["_etag"]})
    assert deleted.status_code == 204, deleted.text
    # the server's own writes: a touch, a new run
    with fresh_demo.store.lock:
        fresh_demo.store.touch("jobs", ObjectId(jobs[2]["_id"]), {"state": "ZZZ", "end_time": None})
    fresh_demo.activity.tick()
    # a stale etag is still refused, and the document is unchanged
    stale = fresh_http.patch(f"/jobs/{jobs[0]['_id']}", json={"state": "X"}, headers={"If-Match": jobs[0]["_etag"]})
    assert stale.status_code == 412
    assert fresh_http.get(f"/jobs/{jobs[1]['_id']}").status_code == 404
    assert fresh_http.get(f"/jobs/{jobs[0]['_id']}").json()["state"] == "UNKNOWN"

    check_lists(fresh_http, fresh_demo)
    assert index.builds == builds  # the writes updated the views in place, none was rebuilt


def test_item_get_by_id_is_mongomocks_document(demo: DemoServer, http: httpx.Client) -> None:
    for doc_id in listed_ids(http, max_results=5, page=3, sort="-_created"):
        answer = http.get(f"/jobs/{doc_id}")
        assert answer.status_code == 200
        with demo.store.lock, plain_mongomock(demo.store, "jobs") as raw:
            stored = raw.find_one({"_id": ObjectId(doc_id)})
        assert answer.json()["_etag"] == stored["_etag"]
        assert answer.headers["ETag"] == f'"{stored["_etag"]}"'
        again = http.get(f"/jobs/{doc_id}", headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304
    assert http.get(f"/jobs/{ObjectId()}").status_code == 404


def test_filtered_lists_stay_correct(demo: DemoServer, http: httpx.Client) -> None:
    where = {"state": {"$in": ["FAILED", "PARTIAL"]}}
    with demo.store.lock, plain_mongomock(demo.store, "jobs") as raw:
        expected = [str(d["_id"]) for d in raw.find(where, sort=[("start_time", -1)], skip=5, limit=5)]
        total = raw.count_documents(where)
    body = http.get(
        "/jobs", params={"where": json.dumps(where), "sort": "-start_time", "max_results": 5, "page": 2}
    ).json()
    assert [item["_id"] for item in body["_items"]] == expected
    assert body["_meta"]["total"] == total > 5
