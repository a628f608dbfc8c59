"""The resource types the server has, grouped as CloudCasa users think of them, with type-to-filter."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...api.known import group_of, group_order
from ..safe import plain

if TYPE_CHECKING:
    from ...api.discovery import Catalog


class Sidebar(Vertical):
    DEFAULT_CSS = """
    Sidebar { width: 24; min-width: 16; border-right: tall $panel; }
    """

    class Chosen(Message):
        def __init__(self, collection: str) -> None:
            super().__init__()
            self.collection = collection

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog: Catalog | None = None
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter types…", id="type-filter")
        yield _TypeList(id="types")

    def show(self, catalog: Catalog, current: str | None) -> None:
        self.catalog = catalog
        self.current = current
        self._fill(self.query_one("#type-filter", Input).value)

    def select(self, collection: str) -> None:
        self.current = collection
        options = self.query_one(_TypeList)
        with contextlib.suppress(Exception):  # not in the list (filtered out, or unknown)
            options.highlighted = options.get_option_index(collection)

    def _fill(self, needle: str) -> None:
        options = self.query_one(_TypeList)
        options.clear_options()
        if self.catalog is None:
            options.add_option(Option(Text("discovering…", style="dim"), disabled=True))
            return
        needle = needle.strip().lower()
        groups: dict[str, list[str]] = {}
        for name, resource in self.catalog.resources.items():
            if needle and needle not in name.lower() and needle not in resource.title.lower():
                continue
            groups.setdefault(group_of(name), []).append(name)
        for group in sorted(groups, key=group_order):
            options.add_option(Option(Text(plain(group), style="bold dim"), id=f"group:{group}", disabled=True))
            for name in sorted(groups[group]):  # names from the server's /api-docs
                options.add_option(Option(Text(f" {plain(name)}"), id=name))
        if not groups:
            options.add_option(Option(Text("no type matches", style="dim"), disabled=True))
        if self.current:
            self.select(self.current)

    @on(Input.Changed, "#type-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#type-filter", Input)
        if event.key == "escape" and box.has_focus:
            box.value = ""
            self.query_one(_TypeList).focus()
            event.stop()
        elif event.key == "down" and box.has_focus:
            self.query_one(_TypeList).focus()
            event.stop()

    @on(Input.Submitted, "#type-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(_TypeList)
        for index in range(options.option_count):
            option = options.get_option_at_index(index)
            if not option.disabled and option.id:
                self.post_message(self.Chosen(option.id))
                options.focus()
                return

    @on(OptionList.OptionHighlighted, "#types")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # A long name is cut to the sidebar's width: the one highlighted shows whole when the pointer rests on it.
        event.option_list.tooltip = plain(event.option.id) if event.option.id and not event.option.disabled else None

    @on(OptionList.OptionSelected, "#types")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and not event.option.disabled:
            self.post_message(self.Chosen(event.option.id))


class _TypeList(OptionList):
    """Typing in the list starts filtering, as in a file manager (arrows move; q still quits)."""

    def on_key(self, event: events.Key) -> None:
        if event.character and (event.character.isalnum() or event.character in "-_/") and event.key != "q":
            box = self.parent.query_one("#type-filter", Input) if self.parent else None
            if box is not None:
                box.focus()
                box.value += event.character
                box.cursor_position = len(box.value)
                event.stop()
