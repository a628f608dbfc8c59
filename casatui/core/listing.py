"""Listing a collection: the request as its profile shapes it (the filter with the profile's name field and field
types, "did you mean" for fields the schema does not know, sort, page, projection), and `Listing`, the rows of one
query as they arrive page by page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api.errors import ApiError
from ..api.models import Page
from ..api.query import parse_filter
from .cloudcasa import NAME_FIELDS, overlay
from .columns import Column, projection
from .profiles import Profile
from .rows import RowModel

if TYPE_CHECKING:
    from .session import Session
    from .startup import FirstPage


@dataclass(frozen=True)
class UnknownFields:
    """A filter naming fields the server's schema does not have: each with the nearest fields it has."""

    fields: tuple[tuple[str, tuple[str, ...]], ...]

    def __str__(self) -> str:
        parts = []
        for name, near in self.fields:
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            parts.append(f"{name}{hint}")
        return "The server's schema has no field " + ", ".join(parts)


def parse(profile: Profile, text: str, now: float | None = None) -> dict[str, Any]:
    """The filter text as a `where`, for this collection (raises FilterError)."""
    return parse_filter(text, profile.field_types(), now=now, name_field=profile.name_field)


def unknown_fields(profile: Profile, where: dict[str, Any]) -> UnknownFields | None:
    found = profile.unknown_fields(where)
    return UnknownFields(tuple((name, tuple(near)) for name, near in found)) if found else None


def list_query(
    profile: Profile,
    where: dict[str, Any] | None,
    sort: Sequence[tuple[str, int]],
    page: int,
    page_size: int,
    columns: Sequence[Column] | None = None,
) -> dict[str, Any]:
    """Keywords for `CasaClient.list`: the fields the columns show, and the name and state. Before the server's
    document is known, every field the overlay might show or name a document by (the schema decides later which);
    for a collection the overlay does not know, the documents come whole (their fields are the columns)."""
    query: dict[str, Any] = {"where": where or None, "sort": list(sort) or None, "page": page, "max_results": page_size}
    fields = fetched_fields(profile, columns)
    if fields is not None:
        query["projection"] = fields
    return query


def fetched_fields(profile: Profile, columns: Sequence[Column] | None = None) -> dict[str, int] | None:
    """The projection a list of this collection asks for; None for whole documents."""
    shown = columns if columns is not None else profile.columns
    if profile.described:
        return projection(shown, *profile.projection_fields)
    extra = overlay(profile.collection)
    if not extra.columns or profile.configured:
        return None if not profile.configured else projection(shown, *profile.projection_fields)
    return projection([*shown, *extra.columns], *extra.name_fields, *NAME_FIELDS, extra.state_field or "")


PARALLEL_PAGES = 3  # list requests in flight at once for one table


def slim(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows keep what columns and watch mode use; Eve's `_links` (half a kilobyte a row) are dropped."""
    for item in items:
        item.pop("_links", None)
    return items


UNASKED = ("_created", "_updated")  # what Eve sends with every document, whatever the projection asked for
SHARE_AT_MOST = 2000  # distinct values of one field shared among rows; a field with more (ids, times) is not
SHARED_LENGTH = 64  # longer strings are not shared (a hostile server's big values are not kept by the tables)
SHARED_FIELDS = 64  # fields whose values are shared


class SharedValues:
    """One string object per repeated value of a field across a table's rows (states, types, cluster names,
    messages): decoded JSON makes every string a new object, ~60 bytes apiece per row. A field whose values are
    mostly distinct (ids, etags, times) is left alone once it has more than SHARE_AT_MOST of them."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}
        self.unshared: set[str] = set()

    def clear(self) -> None:
        """For a new query: the old rows' strings are let go."""
        self.tables.clear()
        self.unshared.clear()

    def settle(self) -> None:
        """After a page: fields with too many distinct values are no longer shared."""
        for key in [k for k, table in self.tables.items() if len(table) > SHARE_AT_MOST]:
            del self.tables[key]
            self.unshared.add(key)


def table_rows(
    items: list[dict[str, Any]], fields: dict[str, int] | None, shared: SharedValues | None = None
) -> list[dict[str, Any]]:
    """A page's documents as the table keeps them: what `slim` keeps, minus the times Eve adds that the projection
    did not ask for (no column, filter or action reads them from a row; the preview and the editor fetch the whole
    document), in new dicts sized for what is left, with repeated strings shared. Documents fetched whole
    (`fields` None) keep every field."""
    drop = {"_links", *(k for k in UNASKED if fields is not None and k not in fields)}
    tables = shared.tables if shared is not None else None
    unshared = shared.unshared if shared is not None else set()
    rows = []
    for item in items:
        row = {}
        for key, value in item.items():
            if key in drop:
                continue
            if tables is not None and type(value) is str and len(value) <= SHARED_LENGTH and key not in unshared:
                table = tables.get(key)
                if table is None:
                    if len(tables) >= SHARED_FIELDS:
                        row[key] = value
                        continue
                    table = tables[key] = {}
                value = table.setdefault(value, value)
            row[key] = value
        rows.append(row)
    if shared is not None:
        shared.settle()
    return rows


@dataclass(frozen=True)
class Query:
    """What one table lists: a collection (as its profile says), its `where`, sort and columns."""

    profile: Profile
    where: dict[str, Any]
    sort: tuple[tuple[str, int], ...]
    columns: tuple[Column, ...]
    filter_text: str = ""

    @property
    def collection(self) -> str:
        return self.profile.collection


class Listing:
    """The rows of one query as the server lists them, page by page, in a `RowModel`: what the explorer's table
    shows. No Textual here: the UI runs these coroutines in its workers (a new query cancels the old one's) and
    redraws from the model. An answer to an older query than the model's is dropped, never shown; a refresh
    fetches the pages on screen again and swaps them in at once."""

    def __init__(self, session: Session, model: RowModel) -> None:
        self.session = session
        self.model = model
        self.query: Query | None = None
        self.shared = SharedValues()
        self._slots: asyncio.Semaphore | None = None

    def start(self, query: Query, page_size: int) -> int:
        """A new query: the rows forgotten; its generation (answers carrying another are dropped)."""
        self.query = query
        self.model.page_size = page_size
        self.shared.clear()
        return self.model.reset()

    def first_page_kept(self) -> FirstPage | None:
        """The first page fetched while the app started, if it was fetched for this query (claimed once)."""
        query = self.query
        if query is None:
            return None
        return self.session.startup.claim(query.collection, query.filter_text, list(query.sort), self.model.page_size)

    async def fetch(self, generation: int, number: int, first: FirstPage | None = None) -> Page | None:
        """One page (the prefetched one when given); None when a newer query started meanwhile. Raises what the
        request raised."""
        if self._slots is None:  # made in the loop that uses it
            self._slots = asyncio.Semaphore(PARALLEL_PAGES)
        async with self._slots:
            if generation != self.model.generation:
                return None
            page = await self._take_prefetched(first) if first is not None else None
            return page or await self.page(number)

    async def page(self, number: int) -> Page:
        query = self.query
        assert query is not None, "fetch before start"
        keywords = list_query(query.profile, query.where, query.sort, number, self.model.page_size, query.columns)
        return await self.session.client.list(query.collection, **keywords)

    def take(self, generation: int, number: int, page: Page) -> list[dict[str, Any]] | None:
        """The page's rows into the model; None when they answer an older query (newer rows are shown)."""
        fields = fetched_fields(self.query.profile, self.query.columns) if self.query is not None else None
        items = table_rows(page.items, fields, self.shared)
        if not self.model.accept(generation, number, items, page.total, page.has_more):
            return None
        self.model.fields = None if fields is None else frozenset({"_id", "_etag", *fields})
        if self.query is not None:
            self.session.remember(self.query.collection, items, page.total)
        return items

    def record(self, first: FirstPage) -> None:
        """The prefetch's requests, into the session's request log."""
        for exchange in first.exchanges:
            self.session.client.record(exchange)

    async def _take_prefetched(self, first: FirstPage) -> Page | None:
        """The prefetched page once it arrives; None (ask again) if it failed with anything but an API error."""
        try:
            page: Page = await first.take()
        except ApiError:
            raise
        except Exception:
            return None
        finally:
            self.record(first)
        return page

    async def refetch(self, wanted: Callable[[], set[int]]) -> dict[int, Page]:
        """The pages `wanted()` names, fetched again; asked again as answers come, since the cursor may have moved
        to a page not fetched yet."""
        answers: dict[int, Page] = {}
        numbers = wanted()
        while missing := sorted(numbers - answers.keys()):
            for number in missing:
                answers[number] = await self.page(number)
            numbers |= wanted()
        return answers

    def swap(self, generation: int, answers: dict[int, Page]) -> dict[str, dict[str, Any]] | None:
        """Refetched pages in place of the rows (at once, so nothing flickers); the rows as they were, by id, or
        None when a newer query started meanwhile."""
        if generation != self.model.generation:
            return None
        before = {str(row.get("_id")): row for _, row in self.model.rows()}
        new = self.model.reset()
        for number, page in sorted(answers.items()):
            self.take(new, number, page)
        return before
