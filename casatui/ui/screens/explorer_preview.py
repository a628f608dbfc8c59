"""The explorer's selected document: fetched in full once the cursor rests on a row, shown in the preview pane, and
kept as the version `e`, delete and the other actions start from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.timer import Timer

from ...api.errors import ApiError
from ...api.models import Item

if TYPE_CHECKING:
    from .explorer import ExplorerScreen

PREVIEW_DELAY = 0.15  # seconds the cursor rests on a row before its document is fetched


class SelectedDocument:
    """Kept apart from the explorer's layout and actions so each file holds one idea. The fetch is a worker of the
    screen ("preview", exclusive: a newer row's fetch replaces an older one)."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.item: Item | None = None  # the full document last fetched for the row under the cursor
        self._loading: str | None = None  # the document whose fetch is on its way
        self._timer: Timer | None = None

    def cursor_moved(self, row: dict[str, Any] | None) -> None:
        if self._timer is not None:
            self._timer.stop()
        if row is None or "_id" not in row:
            return
        if row["_id"] == self._loading or (self.item and self.item.id == row["_id"]):
            return
        self._timer = self.screen.set_timer(PREVIEW_DELAY, lambda: self.load(str(row["_id"])))

    def load(self, item_id: str) -> None:
        self._loading = item_id  # before the cursor's move message can ask for it a second time
        self.screen.run_worker(self._load(item_id), group="preview", exclusive=True, exit_on_error=False)

    async def _load(self, item_id: str) -> None:
        screen = self.screen
        collection = screen.collection
        try:
            item = await screen.session.client.get(collection, item_id)
        except ApiError as error:
            screen.preview.message(str(error), "red")
            return
        finally:
            if self._loading == item_id:
                self._loading = None
        if item is None or collection != screen.collection:
            return
        row = screen.table.current
        if row is not None and row.get("_id") == item_id:
            self.show(item)

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
