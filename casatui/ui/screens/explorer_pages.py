"""How a collection's rows get into the explorer's table: the first page (or the one prefetched at startup), pages
on demand as the cursor nears them, refresh in place, and the cursor put back where the user had it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ...api.errors import ApiError, Unexpected
from ...api.models import Page
from ...core.columns import projection
from ...core.prefetch import FirstPage
from ...core.startup_gc import resume as resume_gc

if TYPE_CHECKING:
    from ..widgets.table import ResourceTable
    from .explorer import ExplorerScreen

PARALLEL_PAGES = 3


def slim(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows keep what columns and watch mode use; Eve's `_links` (half a kilobyte a row) are dropped."""
    for item in items:
        item.pop("_links", None)
    return items


class PageLoader:
    """The explorer's paging, kept apart from its layout and actions so each file holds one idea. Every request
    runs in a worker of the screen ("pages"), so a new query cancels the pages of the old one."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.session = screen.session
        self.pending_cursor: tuple[str | None, int] | None = None  # where the cursor goes once its page is in
        self._slots = asyncio.Semaphore(PARALLEL_PAGES)

    @property
    def table(self) -> ResourceTable:
        return self.screen.table

    def reload(self, *, cursor_id: str | None = None, cursor_index: int = 0) -> None:
        """A new query: forget the rows, fetch the first page (and the cursor's), put the cursor back."""
        screen = self.screen
        screen.workers.cancel_group(screen, "pages")
        model = self.table.model
        generation = model.reset()
        model.page_size = self.session.settings.page_size
        self.pending_cursor = (cursor_id, cursor_index)
        self.table.empty_message = "Loading…"
        pages = sorted({1, model.page_of(cursor_index)})
        model.loading.update(pages)
        self.table.data_changed(keep_cursor=False)
        first = self._prefetched() if 1 in pages else None
        if first is not None and (page := first.arrived()) is not None:
            # Already here (it usually is at startup): shown now, so the first frame has rows.
            self._record_prefetch(first)
            self._show(generation, 1, page)
            pages.remove(1)
            first = None
        for number in pages:
            self.fetch(generation, number, first if number == 1 else None)
        screen.show_position()

    def fetch(self, generation: int, number: int, first: FirstPage | None = None) -> None:
        self.screen.run_worker(
            self._fetch(generation, number, first), group="pages", exit_on_error=False, description="fetch a page"
        )

    async def _fetch(self, generation: int, number: int, first: FirstPage | None) -> None:
        model = self.table.model
        async with self._slots:
            if generation != model.generation:
                return
            try:
                page = await self._take_prefetch(first) if first else None
                page = page or await self._list(number)
            except Exception as error:  # any failure is shown and retryable, never "Loading…" for ever
                self._failed(generation, number, self.as_api_error(error, f"loading page {number}"))
                return
        try:
            self._show(generation, number, page)
        except Exception as error:  # hostile rows that the table could not take
            self._failed(generation, number, self.as_api_error(error, f"showing page {number}"))

    def _failed(self, generation: int, number: int, error: ApiError) -> None:
        if self.table.model.fail(generation, number):
            self.table.empty_message = f"{error.title}. Press r to retry."
            self.table.data_changed()
            self.screen.show_error(error)

    def as_api_error(self, error: Exception, doing: str) -> ApiError:
        """Any failure as the error the screen shows: an ApiError as it is, anything else said in one line with
        the token scrubbed (it is a bug, but the user's place and `r` must survive it)."""
        if isinstance(error, ApiError):
            return error
        said = self.session.client.scrub(str(error))[:300]
        return Unexpected(f"casatui failed {doing}: {type(error).__name__}: {said}. Press r to retry.")

    async def _list(self, number: int) -> Page:
        screen = self.screen
        return await self.session.client.list(
            screen.collection,
            where=screen.where or None,
            sort=screen.sort or None,
            page=number,
            max_results=self.table.model.page_size,
            projection=projection(screen.columns),
        )

    def _show(self, generation: int, number: int, page: Page) -> None:
        screen, table = self.screen, self.table
        items = slim(page.items)
        if not table.model.accept(generation, number, items, page.total, page.has_more):
            return  # an answer to an older query: newer results are on screen
        self.session.remember(screen.collection, items, page.total)
        if number == 1 and not screen.columns_fit_data:
            screen.set_columns(page.items)
        table.empty_message = "No documents match." if screen.where else "No documents."
        table.options.now = screen.now()
        table.data_changed()
        self.restore_cursor()
        screen.show_position()
        self._resolve_names(items)
        screen.call_after_refresh(screen.discover_once)
        screen.call_after_refresh(resume_gc)  # the first rows are painted: startup is over

    def _prefetched(self) -> FirstPage | None:
        """The first page fetched while the UI started, if this is the query it was fetched for; claimed once."""
        screen = self.screen
        first, self.session.first_page = self.session.first_page, None
        query = (screen.collection, screen.filter_text, screen.sort, self.table.model.page_size)
        if first is None or not first.matches(*query):
            return None
        return first

    async def _take_prefetch(self, first: FirstPage) -> Page | None:
        """The prefetched page once it arrives; None (ask again) if it failed with anything but an API error."""
        try:
            page: Page = await first.take()
        except ApiError:
            raise
        except Exception:
            return None
        finally:
            self._record_prefetch(first)
        return page

    def _record_prefetch(self, first: FirstPage) -> None:
        for exchange in first.exchanges:
            self.session.client.record(exchange)

    def restore_cursor(self) -> None:
        if self.pending_cursor is None:
            return
        cursor_id, cursor_index = self.pending_cursor
        model = self.table.model
        index = model.index_of(cursor_id) if cursor_id else None
        if index is None and model.row(cursor_index) is None and model.loading:
            return  # the cursor's page is still on its way
        self.pending_cursor = None
        self.table.cursor = index if index is not None else min(cursor_index, max(0, model.count - 1))

    def _resolve_names(self, items: list[dict[str, Any]]) -> None:
        self.screen.run_worker(
            self._resolve(items), group="names", exit_on_error=False, description="resolve reference names"
        )

    async def _resolve(self, items: list[dict[str, Any]]) -> None:
        learned = False
        for column in self.screen.columns:
            if column.kind == "ref" and column.ref:
                ids = [str(v) for item in items if isinstance(v := item.get(column.key.split(".")[0]), str)]
                learned |= await self.session.resolve_names(column.ref, ids)
        if learned:
            self.table.redraw()

    # -- refresh ------------------------------------------------------------------------------------------

    def refresh_in_place(self) -> None:
        self.screen.run_worker(
            self._refresh_in_place(), name="refresh_in_place", group="pages", exit_on_error=False,
            description="refresh the pages on screen",
        )  # fmt: skip

    async def _refresh_in_place(self) -> None:
        """Fetch the pages on screen again and swap them in at once, so nothing flickers or jumps.

        The cursor is read when the answers are in, not when the refresh started: the user may have
        moved meanwhile, and putting the cursor back on an older row would make `e` edit another document.
        """
        screen, table = self.screen, self.table
        model = table.model
        generation = model.generation
        first = int(table.scroll_y)
        numbers = {model.page_of(i) for i in (first, first + table.size.height, table.cursor)} | {1}
        answers: dict[int, Page] = {}
        try:
            while missing := sorted(numbers - answers.keys()):
                for number in missing:
                    answers[number] = await self._list(number)
                numbers.add(model.page_of(table.cursor))  # where the cursor is now
        except Exception as error:  # shown; the rows on screen stay, and `r` asks again
            screen.show_error(self.as_api_error(error, "refreshing"))
            return
        if generation != model.generation:
            return  # a newer query started meanwhile
        row = table.current
        cursor_id = str(row["_id"]) if row and "_id" in row else None
        before = {str(row.get("_id")): row for _, row in model.rows()}
        new = model.reset()
        for number, page in sorted(answers.items()):
            items = slim(page.items)
            model.accept(new, number, items, page.total, page.has_more)
            self.session.remember(screen.collection, items, page.total)
        if screen.watching:
            screen.mark_changes(before)
        self.pending_cursor = (cursor_id, table.cursor)
        screen.selected.refreshed(cursor_id)
        table.data_changed()
        self.restore_cursor()
        screen.show_position()
