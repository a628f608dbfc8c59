"""The explorer: resource types, a server-driven table, a preview of the selected document, a back stack, and the
writes started from it (edit, create, delete, pause/resume, run now). One screen, one module: its page loader, its
selected document and its writes each hold a reference back to the screen, so they live beside it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from ...api.errors import ApiError, EtagMismatch, Forbidden, NotFound, ReadOnlyRefused, Unauthorized, Unexpected
from ...api.models import Item, Page
from ...api.query import FilterError
from ...api.sort import cycle_sort, format_sort
from ...core import listing, tones
from ...core.cloudcasa import JOBS
from ...core.columns import Column, natural_width
from ...core.drafts import Draft, item_from_draft
from ...core.listing import Listing, Query
from ...core.navigation import Place, Reference, jobs_filter, references
from ...core.profiles import Profile
from ...core.runs import find_job, start_run
from ...core.safe_text import safe_json
from ...core.session import Session
from ...core.startup import FirstPage
from ...core.summaries import succeeded
from ..actions import bindings, in_scope
from ..messages import OpenJob
from ..safe import plain
from ..textual_patches import forget_removed_children
from ..widgets.banner import ProtectedBanner
from ..widgets.document_view import DocumentView
from ..widgets.filter_bar import FilterBar
from ..widgets.footer import CasaFooter
from ..widgets.sidebar import Sidebar
from ..widgets.status_line import StatusLine
from ..widgets.table import ResourceTable
from .confirm import ChoiceScreen
from .pick import PickScreen

if TYPE_CHECKING:
    from ..widgets.editor_pane import EditorPane


class PageLoader:
    """How a collection's rows get into the explorer's table: the first page (or the one prefetched at startup),
    pages on demand as the cursor nears them, refresh in place, and the cursor put back where the user had it. Every
    request runs in a worker of the screen ("pages"), so a new query cancels the pages of the old one."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.session = screen.session
        self.pending_cursor: tuple[str | None, int] | None = None  # where the cursor goes once its page is in
        self._listing: Listing | None = None

    @property
    def table(self) -> ResourceTable:
        return self.screen.table

    @property
    def listing(self) -> Listing:
        """The rows' source (made on first use: the table, whose model it fills, is composed after this)."""
        if self._listing is None:
            self._listing = Listing(self.session, self.table.model)
        return self._listing

    def reload(self, *, cursor_id: str | None = None, cursor_index: int = 0) -> None:
        """A new query: forget the rows, fetch the first page (and the cursor's), put the cursor back."""
        screen = self.screen
        screen.workers.cancel_group(screen, "pages")
        model = self.table.model
        query = Query(screen.profile, screen.where, tuple(screen.sort), tuple(screen.columns), screen.filter_text)
        generation = self.listing.start(query, self.session.settings.page_size)
        self.pending_cursor = (cursor_id, cursor_index)
        self.table.empty_message = "Loading…"
        pages = sorted({1, model.page_of(cursor_index)})
        model.loading.update(pages)
        self.table.data_changed(keep_cursor=False)
        first = self.listing.first_page_kept() if 1 in pages else None
        if first is not None and (page := first.arrived()) is not None:
            # Already here (it usually is at startup): shown now, so the first frame has rows.
            self.listing.record(first)
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
        try:
            page = await self.listing.fetch(generation, number, first)
        except Exception as error:  # any failure is shown and retryable, never "Loading…" for ever
            self._failed(generation, number, self.as_api_error(error, f"loading page {number}"))
            return
        if page is None:
            return  # a newer query started meanwhile
        try:
            self._show(generation, number, page)
        except Exception as error:  # hostile rows that the table could not take
            self._failed(generation, number, self.as_api_error(error, f"showing page {number}"))

    def use_columns(self, columns: list[Column]) -> None:
        """Later pages ask for what these columns show (the profile's, once the server's document is known)."""
        query = self.listing.query
        if query is not None and query.collection == self.screen.collection:
            self.listing.query = replace(query, profile=self.screen.profile, columns=tuple(columns))

    def _failed(self, generation: int, number: int, error: ApiError) -> None:
        if self.table.model.fail(generation, number):
            # what fixes it; "r" only where asking again can help (not a refused token, permission or query)
            fix = f": {error.fix}" if error.fix else ""
            self.table.empty_message = f"{error.title}{fix}." + (" Press r to retry." if error.retry_helps else "")
            self.table.data_changed()
            self.screen.show_error(error)
            self.screen.show_position()  # not "loading…" any more

    def as_api_error(self, error: Exception, doing: str) -> ApiError:
        """Any failure as the error the screen shows: an ApiError as it is, anything else said in one line with
        the token scrubbed (it is a bug, but the user's place and `r` must survive it)."""
        if isinstance(error, ApiError):
            return error
        said = self.session.client.scrub(str(error))[:300]
        return Unexpected(f"casatui failed {doing}: {type(error).__name__}: {said}. Press r to retry.")

    def _show(self, generation: int, number: int, page: Page) -> None:
        screen, table = self.screen, self.table
        items = self.listing.take(generation, number, page)
        if items is None:
            return  # an answer to an older query: newer results are on screen
        if number == 1:
            screen.set_columns(page.items)
        table.empty_message = "No documents match." if screen.where else "No documents."
        table.options.now = screen.now()
        table.data_changed()
        self.restore_cursor()
        screen.show_position()
        screen.after_first_rows(lambda: self._resolve_names(items))
        screen.after_first_rows(screen.discover_once)
        screen.call_after_refresh(self.session.startup.over)  # the first rows are painted: start-up is over

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
        on_screen = {model.page_of(i) for i in (first, first + table.size.height)} | {1}
        try:
            answers = await self.listing.refetch(lambda: on_screen | {model.page_of(table.cursor)})
        except Exception as error:  # shown; the rows on screen stay, and `r` asks again
            screen.show_error(self.as_api_error(error, "refreshing"))
            return
        row = table.current  # read now, not when the refresh started: the user may have moved meanwhile
        cursor_id = str(row["_id"]) if row and "_id" in row else None
        before = self.listing.swap(generation, answers)
        if before is None:
            return  # a newer query started meanwhile
        if screen.watching:
            screen.mark_changes(before)
        self.pending_cursor = (cursor_id, table.cursor)
        screen.selected.refreshed(cursor_id)
        table.data_changed()
        self.restore_cursor()
        screen.show_position()


PREVIEW_DELAY = 0.15  # seconds the cursor rests on a row before its document is fetched


class SelectedDocument:
    """The explorer's selected document: fetched in full once the cursor rests on a row, shown in the preview pane,
    and kept as the version `e`, delete and the other actions start from. The fetch is a worker of the screen
    ("preview", exclusive: a newer row's fetch replaces an older one).

    While the explorer is starting (until discovery has come back after the first rows), a fetch waits for it:
    the first rows and the first keys go first, then the preview (`started`)."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.item: Item | None = None  # the full document last fetched for the row under the cursor
        self._loading: str | None = None  # the document whose fetch is on its way
        self._timer: Timer | None = None
        self._waiting: str | None = None  # the document to fetch once start-up is over

    def cursor_moved(self, row: dict[str, Any] | None) -> None:
        if self._timer is not None:
            self._timer.stop()
        if row is None or "_id" not in row:
            return
        if row["_id"] == self._loading or (self.item and self.item.id == row["_id"]):
            return
        self._timer = self.screen.set_timer(PREVIEW_DELAY, lambda: self.load(str(row["_id"])))

    def load(self, item_id: str) -> None:
        if self.screen.starting:
            self._waiting = item_id
            return
        self._loading = item_id  # before the cursor's move message can ask for it a second time
        self.screen.run_worker(self._load(item_id), group="preview", exclusive=True, exit_on_error=False)

    async def _load(self, item_id: str) -> None:
        screen = self.screen
        collection = screen.collection
        try:
            item = await screen.session.client.get(collection, item_id)
        except ApiError as error:
            screen.preview.message(str(error), tones.BAD)
            return
        finally:
            if self._loading == item_id:
                self._loading = None
        if item is None or collection != screen.collection:
            return
        row = screen.table.current
        if row is not None and row.get("_id") == item_id:
            self.show(item)

    def started(self) -> None:
        """Start-up is over: the document under the cursor, if one waited, is fetched now."""
        waiting, self._waiting = self._waiting, None
        row = self.screen.table.current
        if waiting is not None and row is not None and row.get("_id") == waiting:
            self.load(waiting)

    def show(self, item: Item) -> None:
        self.item = item
        self.screen.preview.show(item.data, self.title_of(item.data))

    def saved(self, item: Item) -> None:
        """A write returned this version: shown, unless another document is selected meanwhile."""
        if self.item is None or self.item.id == item.id:
            self.show(item)

    def forget(self) -> None:
        """The next action fetches the document again (it changed, or another collection is open)."""
        self.item = None

    def refreshed(self, cursor_id: str | None) -> None:
        """A refresh swapped the rows in: the next `e` gets the document as it is now, and the preview shows it."""
        self.item = None
        if cursor_id is not None and self.screen.table.model.index_of(cursor_id) is not None:
            self.load(cursor_id)

    def title_of(self, document: dict[str, Any]) -> str:
        return f"{self.screen.collection} / {self.screen.profile.name_of(document)}"

    async def current(self) -> Item | None:
        """The full document under the cursor (the one already fetched when it is the same)."""
        screen = self.screen
        row = screen.table.current
        if row is None or "_id" not in row:
            return None
        if self.item is not None and self.item.id == row["_id"]:
            return self.item
        try:
            item = await screen.session.client.get(screen.collection, str(row["_id"]))
        except ApiError as error:
            screen.show_error(error)
            return None
        self.item = item
        return item


class DocumentWrites:
    """The explorer's writes: edit, create, delete, pause/resume, run now. Each is explicit and ETag-guarded."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.session = screen.session

    @property
    def app(self) -> App[None]:
        return self.screen.app

    def _refuse_if_read_only(self) -> bool:
        if self.session.client.read_only:
            self.app.notify(
                "Read-only profile: nothing is written (the client refuses before sending).",
                severity="warning",
                timeout=4,
            )
            return True
        return False

    def _label(self, item: Item) -> str:
        return f"{self.screen.collection} / {self.screen.profile.name_of(item.data)}"

    def _refuse_if_not_allowed(self, operation: str, doing: str) -> bool:
        """The key is not offered where the profile does not allow it; typed anyway (a palette entry, a keymap),
        it says why instead of sending what the server's document does not offer."""
        if self.screen.profile.can(operation):
            return False
        self.app.notify(
            f"{doing.capitalize()} is not offered for {self.screen.collection}: the server's API document does not "
            "allow it.",
            severity="warning",
            timeout=5,
            markup=False,
        )
        return True

    # -- edit and create --------------------------------------------------------------------------------

    def edit(self) -> None:
        editor = self.screen.editor
        if editor is not None:
            row = self.screen.table.current
            if editor.shows(self.screen.collection, row):  # already open: back to it
                editor.buffer.focus()
                return
            self.screen.run_worker(self._close_then(self.edit), group="draft", exclusive=True)
            return
        self.screen.run_worker(self.screen.guarded(self._edit, "opening the editor"), group="open", exclusive=True)

    async def _close_then(self, then: Callable[[], None]) -> None:
        """One editor at a time: the open one is left first (asking, when it holds unsaved changes), then `then`."""
        editor = self.screen.editor
        if editor is not None and not await editor.leave():
            return
        then()

    async def _edit(self) -> None:
        row = self.screen.table.current
        if row is None or "_id" not in row or self._refuse_if_not_allowed("edit", "editing"):
            return
        try:  # always a fresh GET: the etag of the version the user will edit
            item = await self.session.client.get(self.screen.collection, str(row["_id"]))
        except ApiError as error:
            self.screen.show_error(error)
            return
        if item is None:
            return
        draft = self._draft_of(item.id)
        if draft is not None:  # asking waits on the user: not in the "open" worker, which means loading
            self.screen.run_worker(partial(self._offer, draft, item, None, None), group="draft", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386
            return
        from ..widgets.editor_pane import EditorPane  # the code editor (tree-sitter) loads when first needed

        await self.screen.show_editor(EditorPane(self.session, self.screen.collection, item, label=self._label(item)))

    def create(self) -> None:
        if self._refuse_if_not_allowed("create", "creating a document"):
            return
        if self.screen.editor is not None:
            self.screen.run_worker(self._close_then(self.create), group="draft", exclusive=True)
            return
        resource = self.session.resource(self.screen.collection)
        from ...core import templates  # with the editor's modules, loaded on first use rather than at startup
        from ..field_hints import hints as field_hints

        text = safe_json(templates.template(resource), indent=2) + "\n"  # from the server's schema
        hints = field_hints(resource)
        draft = self._draft_of(None)
        if draft is not None:
            self.screen.run_worker(partial(self._offer, draft, None, text, hints), group="draft", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386
            return
        self.screen.run_worker(self._open_new(text, hints, None), group="open", exclusive=True)

    async def _open_new(self, text: str, hints: Text | None, draft: Draft | None) -> None:
        from ..widgets.editor_pane import EditorPane

        collection = self.screen.collection
        pane = EditorPane(self.session, collection, None, label=collection, text=text, hints=hints, draft=draft)
        await self.screen.show_editor(pane)

    # -- a draft left from before -----------------------------------------------------------------------

    def _draft_of(self, item_id: str | None) -> Draft | None:
        store = self.session.drafts
        if store is None:
            return None
        return store.find(self.session.profile, self.session.client.root, self.screen.collection, item_id)

    async def _offer(self, draft: Draft, item: Item | None, template: str | None, hints: Text | None) -> None:
        """A document with an unsaved draft opens on a question, never on a buffer that would replace the draft:
        the draft against the server's current version (or the template), resumed or explicitly discarded."""
        from ...core.editing import buffer_text
        from .compare import CompareScreen

        label = self._label(item) if item is not None else f"a new document in {self.screen.collection}"
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(draft.saved_at))
        if item is not None:
            body = Text(
                f"You left an unsaved edit of {label} on {stamp}. Below, the server's current version (-) "
                "against your draft (+)."
            )
        else:
            body = Text(f"You left an unsaved new document on {stamp}. Below, the template (-) against it (+).")
        if item is not None and draft.base is not None and str(draft.base.get("_etag", "")) != item.etag:
            body.append(
                "\nThe server's version changed since your draft began: saving it shows what they changed and "
                "merges the two (a 412); nothing of theirs is lost silently.",
                style=tones.WARN,
            )
        answer = await self.app.push_screen_wait(
            CompareScreen(
                f"A draft of {label}",
                body,
                buffer_text(item.data) if item is not None else template or "",
                draft.text,
                [("r", "Resume my draft"), ("x", "Discard it, start from the server's version")],
            )
        )
        if answer is None:
            self.app.notify("Not opened; the draft is kept.", timeout=4)
            return
        resumed = draft if answer == "r" else None
        if resumed is None:  # x: discarded, explicitly
            store = self.session.drafts
            assert store is not None
            try:
                store.remove(draft)
            except OSError as error:
                self.app.notify(f"The draft could not be removed: {error}", severity="error", markup=False)
                return
        if item is None:
            await self._open_new(resumed.text if resumed is not None else template or "", hints, resumed)
            return
        from ..widgets.editor_pane import EditorPane

        pane = EditorPane(
            self.session,
            self.screen.collection,
            (item_from_draft(resumed) or item) if resumed is not None else item,
            label=self._label(item),
            text=resumed.text if resumed is not None else None,
            draft=resumed,
        )
        await self.screen.show_editor(pane)

    def after_write(self, item: Item | None, *, created: bool = False) -> None:
        """Show a saved document where it is: its row and the preview take the new version."""
        if item is None or item.collection != self.screen.collection:
            return
        if created:
            self.screen.open(Place(self.screen.collection, f"_id={item.id}", cursor_id=item.id))
            return
        if self.screen.table.model.replace(item.id, item.data) is not None:
            self.screen.table.redraw()
        self.screen.selected.saved(item)

    # -- delete -----------------------------------------------------------------------------------------

    def delete(self) -> None:
        self.screen.run_worker(self._delete, group="write", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _delete(self) -> None:
        if self._refuse_if_not_allowed("delete", "deleting"):
            return
        if self._refuse_if_read_only():
            return
        item = await self.screen.selected.current()
        if item is None:
            return
        label = self._label(item)
        name = self.screen.profile.name_of(item.data)
        answer = await self.app.push_screen_wait(
            ChoiceScreen(
                f"Delete {label}?",
                Text(
                    f"DELETE with If-Match {item.etag[:12]}…: the server refuses if it changed since "
                    "you looked. There is no undo."
                ),
                [("d", "Delete")],
                danger=True,
                type_to_confirm=name if self.session.settings.protected else None,
            )
        )
        if answer != "d":
            return
        before = dict(item.data)
        try:
            await self.session.client.delete(item)
        except EtagMismatch:
            self.app.notify(
                "It changed on the server since you looked: nothing was deleted. The preview now "
                "shows the current version.",
                severity="warning",
                timeout=8,
            )
            self.screen.selected.forget()
            self.screen.selected.load(item.id)
            return
        except NotFound:
            self.app.notify("It was already gone.", timeout=4)
        except ApiError as error:
            self.screen.show_error(error)
            return
        self.session.record_write("DELETE", self.screen.collection, before, None, item_id=item.id)
        self.app.notify(f"Deleted {label}.", timeout=4, markup=False)
        self.screen.selected.forget()
        self.screen.action_refresh()

    # -- quick actions on backup definitions --------------------------------------------------------------

    def toggle_pause(self) -> None:
        self.screen.run_worker(self._toggle_pause, group="write", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _toggle_pause(self) -> None:
        profile = self.screen.profile
        if profile.pause_field is None:
            self.app.notify(f"Pause and resume are not offered for {self.screen.collection}.", timeout=3, markup=False)
            return
        if self._refuse_if_not_allowed("pause", "pause and resume"):
            return
        pause_field = profile.pause_field
        if self._refuse_if_read_only():
            return
        item = await self.screen.selected.current()
        if item is None:
            return
        paused = bool(item.data.get(pause_field))
        verb = "Resume" if paused else "Pause"
        if self.session.settings.protected:
            answer = await self.app.push_screen_wait(
                ChoiceScreen(
                    f"{verb} {self._label(item)}?",
                    Text(f"PATCH {pause_field}={str(not paused).lower()} with If-Match."),
                    [("p", verb)],
                    type_to_confirm=profile.name_of(item.data),
                    danger=True,
                )
            )
            if answer != "p":
                return
        before = dict(item.data)
        try:
            item = await self.session.client.patch(item, {**item.data, pause_field: not paused})
        except EtagMismatch:
            self.app.notify(
                "It changed on the server meanwhile; nothing was written. Try again on the current version.",
                severity="warning",
                timeout=6,
            )
            self.screen.selected.forget()
            return
        except ApiError as error:
            self.screen.show_error(error)
            return
        self.session.record_write("PATCH", self.screen.collection, before, item)
        self.after_write(item)
        self.app.notify(f"{'Resumed' if paused else 'Paused'} {self._label(item)}.", timeout=3, markup=False)

    def run_now(self) -> None:
        self.screen.run_worker(self._run_now, group="write", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _run_now(self) -> None:
        profile = self.screen.profile
        action = profile.run_action
        if action is None:
            self.app.notify(f"Run now is not offered for {self.screen.collection}.", timeout=3, markup=False)
            return
        link = profile.jobs_link
        if self._refuse_if_read_only():
            return
        item = await self.screen.selected.current()
        if item is None:
            return
        answer = await self.app.push_screen_wait(
            ChoiceScreen(
                f"Run {self._label(item)} now?",
                Text("Starts a job now (POST …/action/run, keeping the recovery point 7 days), then shows the job."),
                [("r", "Run now")],
                type_to_confirm=profile.name_of(item.data) if self.session.settings.protected else None,
            )
        )
        if answer != "r":
            return
        try:
            marker = await start_run(self.session.client, profile, item)
        except ReadOnlyRefused:
            return
        except ApiError as error:
            self.screen.show_error(error)
            return
        self.session.record_write("POST", self.screen.collection, dict(item.data), None, item_id=item.id)
        if link is None:  # jobs do not point at this collection: nothing to show but that it started
            self.app.notify(f"Started {self._label(item)}.", timeout=4, markup=False)
            return
        job = await find_job(self.session.client, self.session.profile_of(JOBS), link, item.id, marker)
        if job is None:
            self.app.notify("Started. The job does not show yet: press r in a moment.", timeout=5)
            self.screen.open(Place(JOBS, f"{link}={item.id}"))
            return
        jobs = self.session.profile_of(JOBS)
        self.app.notify(f"Started {jobs.name_of(job)}.", timeout=4, markup=False)
        self.screen.open(Place(JOBS, f"_id={job['_id']}", cursor_id=str(job["_id"])))


def _display(widget: Widget, shown: bool | None) -> None:
    """Shown or hidden inline, or (None) as the stylesheet says."""
    if shown is None:
        widget.styles.clear_rule("display")
    else:
        widget.styles.display = "block" if shown else "none"


class ExplorerScreen(Screen[None]):
    SCOPE = "explorer"
    AUTO_FOCUS = "#table"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("explorer"), Binding("escape", "escape", show=False)]
    WIDE = 150  # columns from which the preview shows by default
    TABLE_BESIDE_EDITOR = 30  # cells the table needs for the editor to open beside it, not zoomed
    CLOCK_TICK = 30.0  # seconds between redraws of relative times ("3h ago")

    def __init__(self, session: Session, start: Place) -> None:
        super().__init__()
        self.session = session
        self.start = start
        self.collection = ""
        self.filter_text = ""
        self.where: dict[str, Any] = {}
        self.sort: list[tuple[str, int]] = []
        self.columns: list[Column] = []
        self.back_stack: list[Place] = []
        self.refresh_timer: Timer | None = None
        self.preview_width = 40
        self._preview_sized = False  # by the user (< and >): the width is theirs
        self.editor_width = 50  # percent of the screen, beside the table
        self._zoom_chosen = False  # the right-hand pane alone, chosen with the zoom key
        self._editor_behind = False  # narrow terminals: the editor stays open while the table is shown
        self.zoomed = False  # the right-hand pane alone
        self._editor: EditorPane | None = None  # the open editor pane (see `editor`)
        self.writes = DocumentWrites(self)
        self.pages = PageLoader(self)
        self.selected = SelectedDocument(self)
        self.watching = False
        self._discovering = False
        self._rest: Timer | None = None  # started with the first rows: start-up's remaining work waits for it
        self._after_rest: list[Callable[[], None]] | None = []  # that work (None once the rest is over)
        self.starting = True  # until discovery is back after the first rows (or not needed): see SelectedDocument
        self._sent_anyway = ""  # a filter naming unknown fields that the user chose to send as it is
        self._filter_now: float | None = None

    # -- layout -----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Set before mounting, so the first layout is the right one (set later, each class restyles every widget).
        self._fit_width(self.app.size.width)
        if self.session.settings.protected:
            yield ProtectedBanner(self.session.profile)
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main"):
                yield FilterBar(id="filter")
                yield ResourceTable(id="table")
                yield Static("", id="position", markup=False)
            yield DocumentView(id="preview")
        yield StatusLine(id="status")
        yield CasaFooter()

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    @property
    def preview(self) -> DocumentView:
        return self.query_one("#preview", DocumentView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        client = self.session.client
        self.status.set_connection(
            self.session.profile, client.root, read_only=client.read_only, protected=self.session.settings.protected
        )
        client.listeners.append(self._on_exchange)
        self.query_one(Sidebar).show(self.session.catalog, None) if self.session.catalog else None
        self.table.options.now = self.now()
        self.set_interval(self.CLOCK_TICK, self._tick)
        # Called as the cursor is set, so the position line is painted in the same frame as the table (through
        # CursorMoved, handled a message later, it often took a frame of its own).
        self.watch(self.table, "cursor", self.show_position, init=False)
        self.open(self.start, push=False)
        if self.session.catalog is None or self.session.catalog.cached_at is not None:
            # The first page goes first; discovery (a big document to parse) follows it, or this timer.
            self.set_timer(1.0, self.discover_once)

    def now(self) -> float:
        return self.session.now()

    @property
    def profile(self) -> Profile:
        return self.session.profile_of(self.collection)

    def _tick(self) -> None:
        self.table.options.now = self.now()
        self.table.redraw()

    def on_unmount(self) -> None:
        if self._on_exchange in self.session.client.listeners:
            self.session.client.listeners.remove(self._on_exchange)

    def on_resize(self) -> None:
        self._fit_width(self.size.width)

    def _fit_width(self, width: int) -> None:
        # The preview shows by default where the table beside it still has room for its columns.
        table = self._table_width(width, self.preview_width)
        self.set_class(width < self.WIDE or table < natural_width(self.columns), "-narrow")
        self.set_class(width < 100, "-tight")
        self._arrange(width)

    def _arrange(self, width: int) -> None:
        """Where the right-hand pane goes: beside the table; alone (zoomed: chosen with the key, or an editor the
        table would leave too little room beside); or, on a narrow terminal, behind the table.

        Set on the few widgets concerned (display and width inline), not as classes of the screen, which would
        restyle every widget in it."""
        editor = self.editor
        room = editor is None or self._room_beside(width)
        behind = editor is not None and self._editor_behind and not room
        zoomed = not behind and (self._zoom_chosen or not room)
        self._editor_behind = behind
        self.zoomed = zoomed
        for part in self.query("#sidebar, #main"):  # (none yet while composing)
            _display(part, False if zoomed else None)
        if editor is not None:
            _display(editor, False if behind else None)
            editor.set_class(zoomed, "-zoomed")
            editor.styles.width = "1fr" if zoomed else f"{self.editor_width}%"
        for preview in self.query("#preview"):
            _display(preview, None if editor is None and not zoomed else editor is None)
            preview.set_class(zoomed, "-zoomed")
            preview.styles.width = "1fr" if zoomed else f"{self.preview_width}%" if self._preview_sized else None

    def _table_width(self, width: int, pane_percent: int) -> int:
        sidebar = 0 if self.has_class("-hide-sidebar") else 20 if width < 100 else 24
        return width - sidebar - width * pane_percent // 100 - 2  # (the table's scrollbar gutter)

    def _room_beside(self, width: int) -> bool:
        return self._table_width(width, self.editor_width) >= self.TABLE_BESIDE_EDITOR

    # -- the editor pane ----------------------------------------------------------------------------------

    @property
    def editor(self) -> EditorPane | None:
        """The open editor (one at a time), not one already closing. Kept, not queried: `check_action` asks for
        it for every binding the footer shows."""
        pane = self._editor
        return pane if pane is not None and not pane.closed else None

    async def show_editor(self, pane: EditorPane) -> None:
        """The editor takes the preview's place, or the whole width where the table would not keep its room."""
        self._zoom_chosen = self._editor_behind = False
        self._editor = pane
        await self.query_one("#body", Horizontal).mount(pane)
        self._arrange(self.size.width)

    async def on_editor_pane_closed(self, message: EditorPane.Closed) -> None:
        pane = message.pane
        if self._editor is pane:
            self._editor = None
        await pane.remove()
        forget_removed_children(self.query_one("#body", Horizontal))  # its buffer: ~50 MB for a 1 MB document
        if self.editor is None:
            self._zoom_chosen = self._editor_behind = False
            self._arrange(self.size.width)
            self.table.focus()
        self.writes.after_write(message.item, created=pane.new)

    def on_editor_pane_zoom_asked(self) -> None:
        self.action_zoom()

    def on_editor_pane_table_asked(self) -> None:
        """From the editor to the table, the editor kept: beside it where there is room, else behind it."""
        width = self.size.width
        self._zoom_chosen = False
        self._editor_behind = not self._room_beside(width)
        self._arrange(width)
        self.table.focus()

    def action_zoom(self) -> None:
        """The right-hand pane (the editor, else the preview) alone, or back beside the table."""
        width = self.size.width
        editor = self.editor
        if editor is not None and (self._editor_behind or not self._in_editor()):
            self._editor_behind = False  # from the table: to the editor, zoomed (chosen, where it need not be)
            self._zoom_chosen = self._room_beside(width)
        elif self.zoomed:
            if editor is not None and not self._room_beside(width):
                self.app.notify(
                    f"Too narrow for the editor beside the table (it needs about {self._narrowest_beside()} "
                    "columns): shift+tab shows the table, f2 the editor again.",
                    timeout=5,
                )
                return
            self._zoom_chosen = False
        else:
            self._zoom_chosen = True
        self._arrange(width)
        if editor is not None:
            editor.buffer.focus()
        elif self._zoom_chosen:
            self.preview.focus()

    def _narrowest_beside(self) -> int:
        width = self.size.width
        while not self._room_beside(width):
            width += 1
        return width

    def _on_exchange(self, exchange: Any) -> None:
        # Textual removes the status line before this screen's unmount stops the listening: a late answer (one
        # landing as the app quits) is dropped.
        for status in self.query(StatusLine):
            status.request(exchange)

    # -- after the first rows -----------------------------------------------------------------------------

    START_REST = 0.3  # seconds after the first rows before start-up's remaining work runs

    def after_first_rows(self, work: Callable[[], None]) -> None:
        """Run `work` once the first rows have been on screen for `START_REST` (at once after that).

        What start-up still has to do once the rows are shown (discovery, the names of the rows' references and
        the HTTP stack they import, then the preview) costs ~100 ms of the interpreter, in threads or not: done as
        the rows appear, it made the first keys wait for it. After a short rest, the first keys go first."""
        if self._after_rest is None:
            work()
            return
        self._after_rest.append(work)
        if self._rest is None:
            self._rest = self.set_timer(self.START_REST, self._rested)

    @property
    def resting(self) -> bool:
        """Start-up's remaining work is waiting for the rest after the first rows (see `after_first_rows`)."""
        return bool(self._after_rest) and self._rest is not None

    def _rested(self) -> None:
        work, self._after_rest = self._after_rest or [], None
        for callback in work:
            callback()

    # -- discovery --------------------------------------------------------------------------------------

    def discover_once(self) -> None:
        if not self.app.is_running:
            return  # quitting: queued before the quit, this runs as the screens are taken apart
        catalog = self.session.catalog
        if (catalog is None or catalog.cached_at is not None) and not self._discovering:
            self._discovering = True
            self.discover()
        elif not self._discovering:
            self._started()

    def _started(self) -> None:
        if self.starting:
            self.starting = False
            self.selected.started()

    @work(group="discover", exclusive=True)
    async def discover(self) -> None:
        try:
            await self._discover()
        finally:
            if self.is_attached:
                self._started()

    async def _discover(self) -> None:
        from ...api.discovery import discover

        kept = self.session.catalog
        kept_profile = self.profile if self.collection else None
        catalog = await discover(self.session.client)
        if kept is not None and kept.cached_at is not None and catalog.source != "server":
            return  # the document cannot be read now: the one read last time is better than the built-in list
        self.session.catalog = catalog
        await asyncio.to_thread(self.session.keep_catalog, kept)
        if not self.is_attached:
            return  # closed meanwhile (a quit, a profile switch)
        self.query_one(Sidebar).show(catalog, self.collection)
        if catalog.notice:
            self.app.notify(catalog.notice, title="Resource types", severity="warning", timeout=8, markup=False)
        if self.collection not in catalog.resources:
            self.app.notify(
                f"{self.collection} is not a collection this server describes.", severity="warning", markup=False
            )
        # The profile now knows the server's schema: its columns (usually the ones shown), its name field, and
        # what the server allows (e, n, ctrl+d, R and P are offered only where it does).
        fetched = listing.fetched_fields(kept_profile, self.columns) if kept_profile is not None else None
        self.set_columns([row for _, row in self.table.model.rows()][:20])
        self.refresh_bindings()
        if self._requery():
            return
        needed = listing.fetched_fields(self.profile, self.columns)
        if fetched is not None and needed is not None and not needed.keys() <= fetched.keys():
            self.pages.refresh_in_place()  # a column the rows were not asked for: fetched now, in place

    def _requery(self) -> bool:
        """The filter and sort as the server's document reads them (bare words search its name field; a sort key
        it does not know is dropped); when they change, the rows are asked for again. True when they did."""
        profile = self.profile
        where = self.where
        if self.filter_text:
            with contextlib.suppress(FilterError):  # it parsed before: still the same where, if not
                where = listing.parse(profile, self.filter_text, now=self._filter_now)
        known = [(key, direction) for key, direction in self.sort if profile.knows(key)]
        if len(known) < len(self.sort):
            dropped = ", ".join(key for key, _ in self.sort if not profile.knows(key))
            self.app.notify(f"The server's schema has no {dropped}: sorted as {self.collection} usually is.",
                            severity="warning", timeout=6, markup=False)  # fmt: skip
            known = known or list(profile.default_sort)
        if where == self.where and known == self.sort:
            return False
        self.where, self.sort = where, known
        self.table.set_columns(self.columns, self.sort)
        self.query_one(FilterBar).show_sent(self.where, format_sort(self.sort))
        row = self.table.current
        self.reload(cursor_id=str(row["_id"]) if row and "_id" in row else None, cursor_index=self.table.cursor)
        return True

    # -- opening a collection ---------------------------------------------------------------------------

    def place(self) -> Place:
        row = self.table.current
        return Place(
            self.collection,
            self.filter_text,
            list(self.sort),
            str(row["_id"]) if row and "_id" in row else None,
            self.table.cursor,
        )

    def open(self, place: Place, *, push: bool = True, reopen_job: str | None = None) -> None:
        if push and self.collection:
            self.back_stack.append(replace(self.place(), reopen_job=reopen_job))
            del self.back_stack[:-50]
        self.collection = place.collection
        self.filter_text = place.filter_text
        self.sort = list(place.sort) if place.sort is not None else list(self.profile.default_sort)
        self.columns = []
        self.set_columns()
        self.query_one(FilterBar).set_text(place.filter_text)
        self.query_one(Sidebar).select(place.collection)
        self.selected.forget()
        self.preview.show(None, place.collection, "")
        self.sub_title = place.collection
        self.refresh_bindings()  # what this collection allows
        if self._parse_filter(place.filter_text):
            self.reload(cursor_id=place.cursor_id, cursor_index=place.cursor_index)

    def set_columns(self, sample: list[dict[str, Any]] | None = None) -> None:
        """The profile's columns for these rows; the table is only told when they change (no second flash)."""
        profile = self.profile
        columns = list(profile.columns_for(sample or []))
        self.table.options.names = self.session.names
        self.table.options.live = lambda document: profile.is_live(profile.state_of(document))
        if columns != self.columns or not self.table.columns:
            self.columns = columns
            self.table.set_columns(self.columns, self.sort)
            self._fit_width(self.size.width or self.app.size.width)
        self.pages.use_columns(self.columns)

    def _parse_filter(self, text: str) -> bool:
        profile = self.profile
        try:
            now = self.now() or None
            where = listing.parse(profile, text, now=now)
        except FilterError as error:
            self.query_one(FilterBar).show_error(error)
            return False
        unknown = listing.unknown_fields(profile, where)
        if unknown is not None and text != self._sent_anyway:
            self._sent_anyway = text  # Enter again on the same text sends it
            self.query_one(FilterBar).show_unknown_fields(unknown)
            return False
        self.where = where
        self.filter_text = text
        self._filter_now = now  # relative times (`-24h`) read against this moment
        self.query_one(FilterBar).show_sent(self.where, format_sort(self.sort))
        return True

    # -- loading pages (PageLoader, above) -------------------------------------------------------------

    def reload(self, *, cursor_id: str | None = None, cursor_index: int = 0) -> None:
        """A new query: forget the rows, fetch the first page (and the cursor's), put the cursor back."""
        self.pages.reload(cursor_id=cursor_id, cursor_index=cursor_index)

    @on(ResourceTable.PagesNeeded)
    def _pages_needed(self, message: ResourceTable.PagesNeeded) -> None:
        for number in message.pages:
            self.pages.fetch(message.generation, number)

    def show_position(self) -> None:
        model, table = self.table.model, self.table
        count = model.count
        if model.total is None and not model.pages:
            text = Text("loading…", style="dim") if model.loading or not model.failed else Text("not loaded", tones.BAD)
        else:
            text = Text()
            text.append(
                f"{table.cursor + 1 if count else 0:,} of {count:,}"
                if model.total is not None
                else f"{table.cursor + 1:,} of {count:,}+",
                style="bold",
            )
            text.append(f"  · {model.loaded_rows:,} loaded")
            text.append(f"  · sort {plain(format_sort(self.sort)) or 'server order'}")  # keys: server field names
            if self.watching:
                text.append(f"  · watching ({len(self.table.marked)} changed)", style="bold cyan")
            elif self.refresh_timer is not None:
                text.append(f"  · auto-refresh {self.session.settings.auto_refresh_seconds:g}s", style="cyan")
            if self.table.options.raw_times:
                text.append("  · raw times", style=tones.WARN)
        self.query_one("#position", Static).update(text, layout=False)  # one fixed line: no relayout per move

    # -- the selected document (SelectedDocument, above) -------------------------------------------------

    @on(ResourceTable.CursorMoved)
    def _cursor_moved(self, message: ResourceTable.CursorMoved) -> None:
        self.selected.cursor_moved(message.row)

    # -- errors -----------------------------------------------------------------------------------------

    def show_error(self, error: ApiError) -> None:
        # a refused token's server words ("Please provide proper credentials") say less than what fixes it
        said = error.fix if isinstance(error, (Unauthorized, Forbidden)) else error.server_message or error.fix
        self.status.set_problem(f"{error.title}: {said or error.status or ''}".strip(": "), error.path)
        self.app.notify(str(error), title=error.title, severity="error", timeout=10, markup=False)

    # -- events from the widgets ------------------------------------------------------------------------

    @on(Sidebar.Chosen)
    def _resource_chosen(self, message: Sidebar.Chosen) -> None:
        if message.collection != self.collection:
            self.open(Place(message.collection))
        self.table.focus()

    @on(FilterBar.Submitted)
    def _filter_submitted(self, message: FilterBar.Submitted) -> None:
        if self._parse_filter(message.text):
            self.reload()
            self.table.focus()

    @on(ResourceTable.HeaderClicked)
    def _header_clicked(self, message: ResourceTable.HeaderClicked) -> None:
        self._cycle_sort(message.column)

    @on(ResourceTable.Opened)
    def _opened(self, message: ResourceTable.Opened) -> None:
        self.run_worker(self.guarded(self._open_document, "opening the document"), group="open", exclusive=True)

    def guarded(self, work: Callable[[], Awaitable[None]], doing: str) -> Callable[[], Awaitable[None]]:
        """`work` for a worker: whatever fails in it (an answer no check foresaw, a bug) is shown, and the screen
        stays usable, instead of a worker error that ends the app."""

        async def run() -> None:
            try:
                await work()
            except ApiError as error:
                self.show_error(error)
            except Exception as error:
                self.show_error(self.pages.as_api_error(error, doing))

        return run

    async def _open_document(self) -> None:
        """Enter: a job opens as a job, a backup definition as one; anything else as its JSON."""
        from .backup import BackupScreen
        from .document import DocumentScreen
        from .job import JobScreen

        item = await self.selected.current()
        if item is None:
            return
        view = self.profile.view
        if view == "job":
            await self.app.push_screen(JobScreen(self.session, item))
        elif view == "definition":
            await self.app.push_screen(BackupScreen(self.session, self.collection, item))
        else:
            await self.app.push_screen(DocumentScreen(self.session, item, self.selected.title_of(item.data)))

    # -- actions ----------------------------------------------------------------------------------------

    # Actions offered only where the collection's profile allows them (footer, help and palette ask here too).
    # The explorer's actions, not offered while the focus is in the editor (its own keys are; its zoom is the same).
    TABLE_ACTIONS: ClassVar[frozenset[str]] = frozenset(spec.action.split("(")[0] for spec in in_scope("explorer"))
    OFFERED_IF: ClassVar[dict[str, str]] = {
        "edit": "edit",
        "create": "create",
        "delete": "delete",
        "run_now": "run",
        "toggle_pause": "pause",
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TABLE_ACTIONS and self._in_editor():
            return False  # typing goes to the editor: the footer and the palette offer the editor's keys there
        if action == "related_jobs":
            return self.collection == "" or self.profile.jobs_link is not None
        need = self.OFFERED_IF.get(action)
        return need is None or self.collection == "" or self.profile.can(need)

    def action_focus_filter(self) -> None:
        self.query_one(FilterBar).input.focus()

    def _in_editor(self) -> bool:
        editor = self.editor
        return editor is not None and self.focused is not None and editor in self.focused.ancestors_with_self

    def action_escape(self) -> None:
        if self.query_one(FilterBar).input.has_focus:
            self.table.focus()
        elif self.zoomed and self.editor is None:
            self.action_zoom()  # the zoomed preview: back beside the table
            self.table.focus()
        else:
            self.action_back()

    def action_back(self) -> None:
        if not self.back_stack:
            self.app.notify("Nothing to go back to.", timeout=2)
            return
        place = self.back_stack.pop()
        self.open(place, push=False)
        self.table.focus()
        if place.reopen_job:
            self.post_message(OpenJob(place.reopen_job))

    def action_refresh(self) -> None:
        self.pages.refresh_in_place()

    def action_watch(self) -> None:
        """Watch: refresh on a timer, mark the rows that changed since the last refresh, and say when a job ends."""
        self.watching = not self.watching
        self.table.marked.clear()
        if (self.watching and self.refresh_timer is None) or (not self.watching and self.refresh_timer is not None):
            self.action_toggle_auto_refresh()
        self.table.redraw()
        self.app.notify("Watching: changed rows are marked ✱." if self.watching else "Stopped watching.", timeout=3)

    def mark_changes(self, before: dict[str, dict[str, Any]]) -> None:
        marked: set[str] = set()
        profile = self.profile
        for _, row in self.table.model.rows():
            row_id = str(row.get("_id"))
            old = before.get(row_id)
            if old is None or old.get("_etag") != row.get("_etag"):
                marked.add(row_id)
            was, now = profile.state_of(old or {}), profile.state_of(row)
            if profile.view == "job" and profile.is_live(was) and now and not profile.is_live(now):
                name = profile.name_of(row)
                severity: Literal["information", "warning"] = "information" if succeeded(now) else "warning"
                self.app.notify(f"{name}: {now}", title="Job finished", severity=severity, timeout=10, markup=False)
        self.table.marked = marked

    def action_toggle_auto_refresh(self) -> None:
        if self.refresh_timer is not None:
            self.refresh_timer.stop()
            self.refresh_timer = None
            self.app.notify("Auto-refresh off.", timeout=2)
        else:
            seconds = self.session.settings.auto_refresh_seconds
            self.refresh_timer = self.set_interval(seconds, self.action_refresh)
            self.app.notify(f"Auto-refresh every {seconds:g} s.", timeout=2)
        self.show_position()

    def action_sort(self) -> None:
        directions = dict(self.sort)
        choices = []
        for column in self.columns:
            if column.sortable:
                now = directions.get(column.key)
                state = " ▲ ascending" if now == 1 else " ▼ descending" if now == -1 else ""
                choices.append((column.key, Text(f"{column.title}{state}")))
        choices.append(
            (
                "_created",
                Text(
                    "Created"
                    + (" ▲" if directions.get("_created") == 1 else " ▼" if directions.get("_created") == -1 else "")
                ),
            )
        )

        def chosen(key: str | None) -> None:
            if key:
                column = next((c for c in self.columns if c.key == key), None)
                self._cycle_sort(column or Column(key, key))

        self.app.push_screen(PickScreen("Sort by (again: descending, again: off)", choices), chosen)

    def _cycle_sort(self, column: Column) -> None:
        self.sort = cycle_sort(self.sort, column.key)
        self.table.set_columns(self.columns, self.sort)
        self.query_one(FilterBar).show_sent(self.where, format_sort(self.sort))
        self.reload()

    def action_toggle_server_fields(self) -> None:
        self.preview.toggle_server_fields()

    def action_toggle_yaml(self) -> None:
        self.preview.toggle_yaml()

    def action_toggle_times(self) -> None:
        self.table.options.raw_times = not self.table.options.raw_times
        self.table.redraw()
        self.show_position()

    def action_toggle_sidebar(self) -> None:
        self.toggle_class("-hide-sidebar")

    def action_toggle_preview(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-show-preview")
        else:
            self.toggle_class("-hide-preview")

    def action_grow_preview(self) -> None:
        self._resize_preview(+5)

    def action_shrink_preview(self) -> None:
        self._resize_preview(-5)

    def _resize_preview(self, step: int) -> None:
        editor = self.editor
        if editor is not None:  # the editor has the preview's place
            self.editor_width = max(20, min(75, self.editor_width + step))
            self._arrange(self.size.width)
            return
        self.preview_width = max(20, min(75, self.preview_width + step))
        self._preview_sized = True
        self._arrange(self.size.width)

    def action_focus_sidebar(self) -> None:
        self.focus_next()

    def action_copy_id(self) -> None:
        row = self.table.current
        if row and "_id" in row:
            self.app.copy_to_clipboard(str(row["_id"]))
            self.app.notify(f"Copied {row['_id']}", timeout=2, markup=False)

    def action_follow(self) -> None:
        self.run_worker(self._follow(), group="follow", exclusive=True)

    async def _follow(self) -> None:
        item = await self.selected.current()
        if item is None:
            return
        found = references(item.data, self.profile, self.session.names)
        if not found:
            self.app.notify("This document points at nothing casatui can follow.", timeout=3)
            return
        if len(found) == 1:
            self.go_to(found[0])
            return
        choices = [(f"{i}", Text(ref.label)) for i, ref in enumerate(found)]
        choice = await self.app.push_screen_wait(PickScreen("Follow", choices, narrow=len(choices) > 6))
        if choice is not None:
            self.go_to(found[int(choice)])

    def go_to(self, reference: Reference) -> None:
        self.open(Place(reference.collection, f"_id={reference.item_id}", cursor_id=reference.item_id))

    def action_related_jobs(self) -> None:
        row = self.table.current
        if row is None or "_id" not in row:
            return
        text = jobs_filter(self.profile, str(row["_id"]))
        if text is None:
            self.app.notify(f"Jobs do not point at {self.collection}.", timeout=3, markup=False)
            return
        self.open(Place(JOBS, text))

    # -- writes (DocumentWrites, above) --------------------------------------------------------------------

    def action_edit(self) -> None:
        self.writes.edit()

    def action_create(self) -> None:
        self.writes.create()

    def action_delete(self) -> None:
        self.writes.delete()

    def action_toggle_pause(self) -> None:
        self.writes.toggle_pause()

    def action_run_now(self) -> None:
        self.writes.run_now()
