"""A virtual table: it renders only the lines on screen, so 100,000 rows cost no more to show than 100.

Textual's DataTable builds every row up front (about 16 s for 100,000 rows on two cores); here rows live in a
`RowModel` filled page by page, and each visible line is rendered on demand (and cached) from the documents.
"""

from __future__ import annotations

import textwrap
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ...core.columns import Column, RenderOptions, fit_widths, render_cell
from ...core.formatting import one_line
from ...core.rows import RowModel
from ...core.safe_text import is_safe
from .. import colour_modes
from ..actions import bindings
from ..cells import fit

CACHE_LINES = 400
MEASURED_ROWS = 200  # rows whose cells decide how wide a column would like to be (see `_measure`)
HEADER = (-1, False)  # the header line's key in the line cache


LOAD_AHEAD = 40  # rows beyond the screen whose pages are fetched before they are needed


def _thumb(size: int, virtual: int, window: int, position: float) -> tuple[int, ...]:
    """Where Textual's scrollbar draws its thumb (ScrollBarRender.render_bar's arithmetic), in eighths of a cell."""
    window = window if window < virtual else 0
    if not (window and size and virtual) or size == virtual:
        return (size,)
    thumb_size = max(1, window / (virtual / size))
    position = int(position * 8) / 8
    return (size, virtual, window, int((size - thumb_size) * position / (virtual - window) * 8))


class ResourceTable(ScrollView, can_focus=True):
    """Rows of a `RowModel` under a header; line 0 is the header, rows start on line 1."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--placeholder",
        "resource-table--sorted",
    }
    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    ResourceTable > .resource-table--header { text-style: bold; background: $panel; color: $text; }
    ResourceTable > .resource-table--sorted { text-style: bold underline; background: $panel; color: $accent; }
    ResourceTable > .resource-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    ResourceTable:blur > .resource-table--cursor { background: $block-cursor-blurred-background; }
    ResourceTable > .resource-table--placeholder { color: $text-disabled; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        *bindings("table"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class CursorMoved(Message):
        def __init__(self, table: ResourceTable, index: int, row: dict[str, Any] | None) -> None:
            super().__init__()
            self.table, self.index, self.row = table, index, row

    class Opened(Message):
        def __init__(self, table: ResourceTable, index: int, row: dict[str, Any]) -> None:
            super().__init__()
            self.table, self.index, self.row = table, index, row

    class HeaderClicked(Message):
        def __init__(self, table: ResourceTable, column: Column) -> None:
            super().__init__()
            self.table, self.column = table, column

    class PagesNeeded(Message):
        def __init__(self, table: ResourceTable, generation: int, pages: list[int]) -> None:
            super().__init__()
            self.table, self.generation, self.pages = table, generation, pages

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = RowModel()
        self.columns: list[Column] = []
        self.sort: list[tuple[str, int]] = []
        self.options = RenderOptions(now=0.0)
        self._widths: list[int] = []
        self._wants: list[int] = []  # each column's widest cell among the rows measured (never narrower per query)
        self._measured: dict[int, dict[str, Any]] = {}  # the rows measured, by id
        self._lines: OrderedDict[tuple[int, bool], Strip] = OrderedDict()
        self._finished: dict[int, tuple[Strip, Strip]] = {}  # id of a cached line: (it, as painted; see _paint)
        self._painting: tuple[Any, ...] = ()  # width, filters and background the painted lines were made with
        self._styles: dict[str, Style] = {}
        self._frame: tuple[int, Style] | None = None  # content width and base style while a frame is rendered
        self._lines_base: Style | None = None  # the base style the cached lines were rendered with
        self._thumb: tuple[int, ...] = ()  # what the scrollbar last showed (see watch_scroll_y)
        self.empty_message = "No documents."
        self.marked: set[str] = set()  # ids of rows to flag (watch mode: changed since the last refresh)

    # -- data -------------------------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column], sort: Sequence[tuple[str, int]]) -> None:
        self.columns = list(columns)
        self.sort = list(sort)
        self._wants = [cell_len(c.title) for c in self.columns]
        self._measure(again=True)
        self._relayout()

    def data_changed(self, keep_cursor: bool = True) -> None:
        """The model changed: redraw, resize the scroll area and ask for pages the view now needs."""
        if self._measure():
            self._relayout()
        self._forget_lines()
        self.virtual_size = Size(self.size.width, self.model.count + 1)
        if not keep_cursor or self.cursor >= self.model.count:
            self.cursor = min(self.cursor if keep_cursor else 0, max(0, self.model.count - 1))
        self.refresh()
        self._request_pages()

    def redraw(self) -> None:
        if self._measure(again=True):  # a reference's name learned since, or a time now shown longer
            self._relayout()
        self._forget_lines()
        self.refresh()

    @property
    def current(self) -> dict[str, Any] | None:
        return self.model.row(self.cursor)

    # -- geometry ---------------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def _measure(self, *, again: bool = False) -> bool:
        """Widen each column's wish to its widest cell among the first rows loaded; True when one widened. A
        wish never narrows until the columns are set again, so columns do not jump as pages arrive. A row is
        measured once (a page arriving costs only its new rows), unless `again` (what cells show has changed)."""
        before = {} if again else self._measured
        self._measured = {}  # the first rows only: a refresh's replaced rows are let go
        wants = list(self._wants)
        for number, (_, row) in enumerate(self.model.rows()):
            if number >= MEASURED_ROWS:
                break
            self._measured[id(row)] = row  # (the row is kept, so its id is not another's while it is here)
            if before.get(id(row)) is row:
                continue
            for i, column in enumerate(self.columns):
                width = cell_len(_shown(render_cell(column, row, self.options).text))
                if width > wants[i]:
                    wants[i] = width
        changed = wants != self._wants
        self._wants = wants
        return changed

    def _relayout(self) -> None:
        width = max(1, self.scrollable_content_region.width)
        # A state column is as wide as the longest state seen too (its profile gave it the schema's enum).
        columns = [
            replace(column, width=max(column.width, want)) if column.kind == "state" else column
            for column, want in zip(self.columns, self._wants, strict=True)
        ]
        self._widths = fit_widths(columns, width, wants=self._wants)
        self.virtual_size = Size(width, self.model.count + 1)
        self._forget_lines()
        self.refresh()

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _first_visible(self) -> int:
        return int(self.scroll_y)

    # -- cursor -----------------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        count = self.model.count
        if count and not 0 <= new < count:
            self.cursor = max(0, min(new, count - 1))
            return
        self._forget(old)
        self._forget(new)
        first, rows = self._first_visible(), self._page_rows
        if new < first:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= first + rows:
            self.scroll_to(y=new - rows + 1, animate=False, immediate=True)
        self.refresh()
        self._request_pages()
        self.post_message(self.CursorMoved(self, new, self.model.row(new)))

    def _forget(self, index: int) -> None:
        self._lines.pop((index, True), None)
        self._lines.pop((index, False), None)

    def action_cursor(self, delta: int) -> None:
        self.cursor = max(0, min(self.cursor + delta, max(0, self.model.count - 1)))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self._page_rows)

    def action_edge(self, end: int) -> None:
        self.cursor = max(0, self.model.count - 1) if end else 0

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(self, self.cursor, row))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # As ScrollView does, except that the scrollbar is repainted only when its thumb moves: on 100,000 rows it
        # moves an eighth of a cell every few hundred rows, and repainting an identical bar on every scrolled move
        # was a quarter of a cursor move's cost. The position is still kept exact, for dragging the thumb.
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            bar.set_reactive(ScrollBar.position, bar.validate_position(new_value))
            thumb = _thumb(bar.size.height, bar.window_virtual_size, bar.window_size, new_value)
            if thumb != self._thumb:
                self._thumb = thumb
                bar.refresh()
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)
        self._request_pages()

    def _request_pages(self) -> None:
        first = self._first_visible()
        pages = self.model.missing(min(first, self.cursor), max(first + self._page_rows, self.cursor), LOAD_AHEAD)
        if pages:
            self.model.loading.update(pages)
            self.post_message(self.PagesNeeded(self, self.model.generation, pages))

    # -- mouse ------------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None and column.sortable:
                self.post_message(self.HeaderClicked(self, column))
            return
        index = self._first_visible() + event.y - 1
        if 0 <= index < self.model.count:
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self.cursor = index

    def _column_at(self, x: int) -> Column | None:
        left = 0
        for column, width in zip(self.columns, self._widths, strict=False):
            if not width:
                continue
            if left <= x < left + width + 1:
                return column
            left += width + 1
        return None

    # -- rendering --------------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        if name not in self._styles:
            self._styles[name] = colour_modes.parse(self.app.console, name) if name else Style()
        return self._styles[name]

    def render_lines(self, crop: Region) -> list[Strip]:
        # The width and the base style are the same for every line of a frame, and each walks the DOM: read once a
        # frame, the table's lines take 1.8 ms instead of 4.9 when every move scrolls (bench/big_table.py).
        width, base = self.scrollable_content_region.width, self.rich_style
        if base != self._lines_base:  # focus, hover or theme changed the widget's style: cached lines are stale
            self._forget_lines()
            self._lines_base = base
        self._frame = (width, base)
        try:
            return self._paint(crop) if self._plain() else super().render_lines(crop)
        finally:
            self._frame = None

    def _plain(self) -> bool:
        """Nothing for Textual's style pass to add to the lines: no padding, border, outline, tint or opacity."""
        styles = self.styles
        return (
            not any(styles.padding)
            and not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and self.opacity == 1
            and styles.text_opacity == 1
            and not styles.has_rule("hatch")
        )

    def _paint(self, crop: Region) -> list[Strip]:
        """The lines as Textual's style pass would paint them (the test of the table checks they are equal), from
        the line cache. Textual's pass rebuilds every line of a widget that scrolled and applies the app's filters
        to each rebuilt line again; here a cached line keeps its painted version (padded to the scrollbar gutter,
        filtered) from frame to frame. A cursor move that scrolls 100,000 rows: 14.1 -> 9.2 ms (bench/big_table)."""
        base_background, background = self.background_colors
        inner = Style(bgcolor=(base_background + background).rich_color)  # what pads the gutter
        full, filters = self.region.width, self.app.get_line_filters()
        painting = (full, tuple(filters), background)
        if painting != self._painting or len(self._finished) > 2 * CACHE_LINES:
            self._finished.clear()
            self._painting = painting
        strips: list[Strip] = []
        for y in crop.line_range:
            line = self.render_line(y)
            finished = self._finished.get(id(line))
            if finished is None or finished[0] is not line:
                strip = line.extend_cell_length(full, inner)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                finished = self._finished[id(line)] = (line, strip)
            strips.append(finished[1])
        if crop.column_span != (0, full):
            strips = [strip.crop(*crop.column_span) for strip in strips]
        return strips

    def on_focus(self) -> None:
        self._restyle_cursor()

    def on_blur(self) -> None:
        self._restyle_cursor()

    def _restyle_cursor(self) -> None:
        # The cursor row's look follows focus through a component class (`:blur`), which leaves the widget's base
        # style, and so the line cache's check, unchanged: without this the row kept its focused look beside the
        # editor, or not, as the frames fell.
        self._forget_lines()
        self.refresh()

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._finished.clear()

    def render_line(self, y: int) -> Strip:
        width, base = self._frame or (self.scrollable_content_region.width, self.rich_style)
        if y == 0:  # cached with the rows (cleared with them when the columns, sort, size or style change)
            header = self._lines.get(HEADER)
            if header is None:
                header = self._lines[HEADER] = self._header(width, base)
            return header
        index = self._first_visible() + y - 1
        if index >= self.model.count:
            if self.model.count == 0 and y >= 2:
                # wrapped, not cut: an error's fix and "Press r to retry" come at its end
                lines = textwrap.wrap(_shown(self.empty_message), max(10, width - 4)) or [""]
                if y - 2 < len(lines):
                    placeholder = self.get_component_rich_style("resource-table--placeholder")
                    # Every segment styled: under NO_COLOR, Textual's filter fails on one without a style.
                    message = Segment(f"  {lines[y - 2]}", base + placeholder)
                    return Strip([message]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        key = (index, index == self.cursor)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._row(index, width, base)
            self._lines[key] = strip
            if len(self._lines) > CACHE_LINES:
                self._lines.popitem(last=False)
        return strip

    def _header(self, width: int, base: Style) -> Strip:
        header = self.get_component_rich_style("resource-table--header")
        sorted_style = self.get_component_rich_style("resource-table--sorted")
        directions = dict(self.sort)
        segments: list[Segment] = []
        for column, cell_width in zip(self.columns, self._widths, strict=False):
            if not cell_width:
                continue
            direction = directions.get(column.key) if column.sortable else None
            arrow = " ▲" if direction == 1 else " ▼" if direction == -1 else ""
            title = fit(_shown(column.title) + arrow, cell_width)  # a generic column's title is a server field name
            segments.append(Segment(title, sorted_style if arrow else header))
            segments.append(Segment(" ", header))
        return Strip(segments).adjust_cell_length(width, header)

    def _row(self, index: int, width: int, base: Style) -> Strip:
        row = self.model.row(index)
        cursor = index == self.cursor
        line_style = self.get_component_rich_style("resource-table--cursor") if cursor else base
        if row is None:
            placeholder = self.get_component_rich_style("resource-table--placeholder")
            return Strip([Segment("  …", line_style + placeholder)]).adjust_cell_length(width, line_style)
        segments: list[Segment] = []
        flag = str(row.get("_id")) in self.marked
        for column, cell_width in zip(self.columns, self._widths, strict=False):
            if not cell_width:
                continue
            cell = render_cell(column, row, self.options)
            if flag:
                cell.text, cell.style, flag = "✱ " + cell.text, (cell.style + " bold").strip(), False
            style = line_style + self._style(cell.style) if cell.style else line_style
            if cursor:
                style += Style(bgcolor=line_style.bgcolor)
            segments.append(Segment(fit(_shown(cell.text), cell_width), style))
            segments.append(Segment(" ", line_style))
        return Strip(segments).adjust_cell_length(width, line_style)


def _shown(text: str) -> str:
    """Every cell passes here, whatever its kind (a state, a raw time, a known name are server strings too): one
    regex search, and `one_line`'s visible forms when it finds a control character."""
    return text if is_safe(text) else one_line(text)
