"""The rows of one query, loaded page by page as the view needs them (no Textual here: it is plain state).

The table shows `total` rows from the first answer on; rows of pages not loaded yet render as placeholders and
ask for their page. So the first page paints at once, the scrollbar is true from the start, `G` loads only the last
page, and nothing is ever silently cut off.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PAGE_SIZE = 100


@dataclass
class RowModel:
    """The table's rows: the pages that arrived for the current query, and what is still loading or failed."""

    generation: int = 0
    page_size: int = PAGE_SIZE
    total: int | None = None  # None until the first page answers, or when the server gives no total
    pages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    loading: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)  # not asked for again until the next query or refresh
    ended_at: int | None = None  # without a total: the row count once a short page arrived
    fields: frozenset[str] | None = None  # top-level fields the rows were asked for; None: whole documents

    def reset(self) -> int:
        """Forget everything for a new query; returns the new generation (older answers are then ignored)."""
        self.generation += 1
        self.total = None
        self.pages.clear()
        self.loading.clear()
        self.failed.clear()
        self.ended_at = None
        self.fields = None
        return self.generation

    @property
    def count(self) -> int:
        """Rows the view should show."""
        if self.total is not None:
            return self.total
        if self.ended_at is not None:
            return self.ended_at
        loaded = max(self.pages, default=0)
        return (loaded * self.page_size if loaded else 0) + (1 if self.pages else 0)

    @property
    def loaded_rows(self) -> int:
        return sum(len(items) for items in self.pages.values())

    def page_of(self, index: int) -> int:
        return index // self.page_size + 1

    def row(self, index: int) -> dict[str, Any] | None:
        items = self.pages.get(self.page_of(index))
        offset = index % self.page_size
        return items[offset] if items is not None and offset < len(items) else None

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for number in sorted(self.pages):
            base = (number - 1) * self.page_size
            for offset, item in enumerate(self.pages[number]):
                yield base + offset, item

    def missing(self, first: int, last: int, ahead: int = 0) -> list[int]:
        """Pages holding rows first..last (plus `ahead` rows beyond) that are neither loaded nor loading."""
        if self.count == 0:
            return []  # nothing known yet (the first page is asked for by whoever started the query)
        last = min(last + ahead, self.count - 1)
        wanted = range(self.page_of(max(0, first)), self.page_of(max(0, last)) + 1)
        return [p for p in wanted if p not in self.pages and p not in self.loading and p not in self.failed]

    def fail(self, generation: int, page: int) -> bool:
        """A page could not be fetched: it is not asked for again by scrolling (no request storms)."""
        if generation != self.generation:
            return False
        self.loading.discard(page)
        self.failed.add(page)
        return True

    def accept(self, generation: int, page: int, items: list[dict[str, Any]], total: int | None, more: bool) -> bool:
        """Store a page answer; False (and nothing stored) when it belongs to an older query."""
        if generation != self.generation:
            return False
        self.loading.discard(page)
        self.pages[page] = items
        if total is not None:
            self.total = total
        elif not more:
            self.ended_at = (page - 1) * self.page_size + len(items)
        return True

    def index_of(self, item_id: str) -> int | None:
        for index, item in self.rows():
            if item.get("_id") == item_id:
                return index
        return None

    def replace(self, item_id: str, document: dict[str, Any]) -> int | None:
        """Put an updated document in place (after a save); returns its row, if loaded. Of the document, the row
        takes the fields it was asked for (a saved 1 MB document does not move into the table)."""
        fields = self.fields
        for number, items in self.pages.items():
            for offset, item in enumerate(items):
                if item.get("_id") == item_id:
                    if fields is not None:
                        document = {k: v for k, v in document.items() if k in fields or k in item}
                    items[offset] = {**item, **document}
                    return (number - 1) * self.page_size + offset
        return None
