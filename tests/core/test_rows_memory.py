"""Rows as the table keeps them: what the columns need, repeated strings shared, a saved document not moved in."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from casatui.api import CasaClient, discover
from casatui.core.columns import C
from casatui.core.listing import SHARE_AT_MOST, SHARED_LENGTH, Listing, Query, SharedValues, table_rows
from casatui.core.rows import RowModel
from casatui.core.session import Session, Settings

from ..servers import ServerUnderTest


def size_of_rows(rows: list[dict[str, Any]]) -> int:
    """Bytes of the rows' dicts and their keys and values (each object counted once)."""
    seen: set[int] = set()
    total = 0
    for row in rows:
        for obj in (row, *row.keys(), *row.values()):
            if id(obj) not in seen:
                seen.add(id(obj))
                total += sys.getsizeof(obj)
    return total


def test_table_rows_from_the_server_keep_what_the_columns_need_in_less_memory(any_server: ServerUnderTest) -> None:
    async def run() -> None:
        async with CasaClient(any_server.api_root, any_server.token) as client:
            session = Session(client, Settings(profile="t"))
            session.catalog = await discover(client)
            jobs = session.profile_of("jobs")
            listing = Listing(session, RowModel())
            generation = listing.start(Query(jobs, {}, jobs.default_sort, jobs.columns), 100)
            page = await listing.page(1)
            sent = [dict(item) for item in page.items]
            rows = listing.take(generation, 1, page)
            assert rows is not None and len(rows) == len(sent) > 50
            wanted = {"_id", "_etag", *(f for column in jobs.columns for f in column.fields)}
            assert "_created" not in wanted and all("_created" in item for item in sent)  # Eve sends it anyway
            for row, item in zip(rows, sent, strict=True):
                assert row == {k: v for k, v in item.items() if k not in ("_links", "_created", "_updated")}
                assert wanted >= row.keys() - {jobs.name_field, jobs.state_field}
            state = jobs.state_field or "state"
            same = [row for row in rows if row.get(state) == rows[0][state]]
            assert len(same) > 1 and all(row[state] is rows[0][state] for row in same)  # one string object
            assert size_of_rows(rows) < 0.7 * size_of_rows(sent)
            assert listing.model.fields is not None and "_etag" in listing.model.fields

            # A column showing `_created` keeps it.
            columns = (*jobs.columns, C("_created", "Created", "time"))
            generation = listing.start(Query(jobs, {}, jobs.default_sort, columns), 10)
            rows = listing.take(generation, 1, await listing.page(1))
            assert rows is not None and all("_created" in row and "_updated" not in row for row in rows)

    asyncio.run(run())


def test_documents_fetched_whole_keep_every_field_but_links() -> None:
    items = [{"_id": "a", "_created": "x", "_updated": "y", "_links": {"self": {}}, "spec": {"a": 1}}]
    assert table_rows(items, None) == [{"_id": "a", "_created": "x", "_updated": "y", "spec": {"a": 1}}]


def test_only_short_values_of_fields_with_few_distinct_values_are_shared() -> None:
    def page(first: int) -> list[dict[str, Any]]:  # new string objects on each call
        return [
            {"_id": f"id-{i}", "state": "".join(["DO", "NE"]), "note": "l" * (SHARED_LENGTH + 1)}
            for i in range(first, first + 1500)
        ]

    shared = SharedValues()
    first, second = table_rows(page(0), {}, shared), table_rows(page(1500), {}, shared)
    assert second[0]["state"] is first[0]["state"]  # a new string from the second page, the first page's object
    assert second[0]["note"] == first[0]["note"] and second[0]["note"] is not first[0]["note"]  # too long to keep
    assert "_id" in shared.unshared and "_id" not in shared.tables  # 3,000 distinct ids: no longer kept
    assert all(len(table) <= SHARE_AT_MOST for table in shared.tables.values())
    shared.clear()
    assert not shared.tables and not shared.unshared


def test_a_saved_document_puts_only_the_rows_fields_in_place() -> None:
    model = RowModel(page_size=10)
    generation = model.reset()
    model.accept(generation, 1, [{"_id": "a", "_etag": "1", "name": "x", "state": "ok"}], 1, False)
    model.fields = frozenset({"_id", "_etag", "name", "state", "paused"})
    saved = {"_id": "a", "_etag": "2", "name": "y", "paused": True, "spec": {"big": ["n"] * 100_000}, "_created": "t"}
    assert model.replace("a", saved) == 0
    assert model.row(0) == {"_id": "a", "_etag": "2", "name": "y", "state": "ok", "paused": True}
    model.fields = None  # rows of whole documents take the whole saved document
    assert model.replace("a", saved) == 0 and model.row(0) == {**saved, "state": "ok"}
