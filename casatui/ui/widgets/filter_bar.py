"""The filter bar: the query language or raw JSON in, the `where` actually sent (or the error, marked) below."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ...api.query import FilterError
from ...core.safe_text import is_safe, safe_json, same_length
from ..safe import plain

HISTORY_SIZE = 100
PROMPT = "filter › "


class HistoryInput(Input):
    """An Input that walks back through earlier entries with up/down."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Earlier filter", show=False),
        Binding("down", "history(1)", "Later filter", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        self._draft = ""

    @property
    def _value(self) -> Text:
        # The filter can hold a server's text: following a reference or an overview line puts its id here.
        # Its control characters are shown one character each, so the cursor (an index) stays where it is.
        if self.password or is_safe(self.value):
            return super()._value
        text = Text(same_length(self.value), no_wrap=True, overflow="ignore", end="")  # as Input builds it
        return self.highlighter(text) if self.highlighter is not None else text

    def remember(self, text: str) -> None:
        if text.strip() and (not self.history or self.history[-1] != text):
            self.history.append(text)
            del self.history[:-HISTORY_SIZE]
        self._position = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._position == len(self.history):
            self._draft = self.value
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else self._draft
        self.cursor_position = len(self.value)


class FilterBar(Vertical):
    DEFAULT_CSS = """
    FilterBar { height: 2; }
    FilterBar > #filter-hint { height: 1; padding: 0 1; color: $text-muted; }
    FilterBar.-error > #filter-hint { color: $error; }
    FilterBar.-error { height: auto; }
    FilterBar.-error > #filter-hint { height: auto; max-height: 6; }
    """

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield HistoryInput(
            placeholder='state:FAILED start_time>-24h  ·  name~prod  ·  {"json": true}  (Enter)', id="filter-input"
        )
        yield Static("", id="filter-hint", markup=False)

    @property
    def input(self) -> HistoryInput:
        return self.query_one(HistoryInput)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        self.input.value = text
        self.input.cursor_position = len(text)

    def show_sent(self, where: dict[str, Any], sort: str) -> None:
        self.remove_class("-error")
        # The filter can hold a server's text (a followed reference's id, an overview entry's), as can sort keys.
        parts = [f"where={safe_json(where, separators=(',', ':'))}" if where else "no filter"]
        if sort:
            parts.append(f"sort={plain(sort)}")
        self.query_one("#filter-hint", Static).update(
            Text("sent: " + "  ".join(parts), no_wrap=True, overflow="ellipsis")
        )

    def show_error(self, error: FilterError) -> None:
        """The caret under the mistake and what was expected there; on one line when both fit, else the caret on
        its own line and the message below it, wrapped (never cut at the terminal's edge)."""
        self.add_class("-error")
        hint = self.query_one("#filter-hint", Static)
        width = hint.content_region.width
        column = max(0, error.position - self.input.scroll_offset.x)
        said = Text(plain(error))
        said.append("  (nothing was sent)", style="dim")
        if width and column + 2 + said.cell_len <= width:
            marker = Text(" " * column + "^ ", style="bold")
        else:
            marker = Text(" " * min(column, max(0, width - 1)) + "^\n", style="bold")
        hint.update(marker + said)
        self.input.cursor_position = error.position
        self.input.focus()

    def show_unknown_fields(self, problem: object) -> None:
        """A filter on fields the schema lacks: said, nothing sent, Enter again sends it as typed."""
        self.add_class("-error")
        hint = Text(plain(problem))
        hint.append("  (nothing was sent: Enter again to send it as it is)", style="dim")
        self.query_one("#filter-hint", Static).update(hint)
        self.input.focus()

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.input.remember(event.value)
        self.post_message(self.Submitted(event.value))
