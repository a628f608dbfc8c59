"""Your own writes in this session: what, when, the etag before and after, and the change itself."""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...core import tones
from ...core.session import Session, WriteRecord
from ..actions import bindings
from ..safe import safe_text
from ..widgets.footer import CasaFooter
from .diff import render_lines


def describe(record: WriteRecord) -> Text:
    text = safe_text(
        Text.assemble(
            (f"{record.method} {record.collection} / {record.label}\n", "bold"),
            (f"etag {record.old_etag or '—'} → {record.new_etag or '—'}\n\n", "dim"),
        ),
        newlines=True,
    )
    if record.kind == "changed":
        text.append_text(render_lines(record.diff))
        if record.lines_cut:
            text.append(f"… {record.lines_cut:,} more lines of the diff not kept\n", style="dim")
    elif record.kind == "created":
        text.append("Created.\n", style=tones.ADDED)
    elif record.kind == "deleted":
        text.append("Deleted.\n", style=tones.REMOVED)
    else:
        text.append("An action (run now): the definition itself was not changed by you.\n", style="dim")
    return text


class HistoryScreen(Screen[None]):
    DEFAULT_CSS = """
    HistoryScreen #history-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    HistoryScreen DataTable { width: 2fr; }
    HistoryScreen #history-detail { width: 3fr; border-left: tall $panel; padding: 0 1; }
    """
    SCOPE = "history"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("history")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(Text(self._title()), id="history-title")
        with Horizontal():
            yield DataTable(cursor_type="row", id="history")
            with VerticalScroll(id="history-detail"):
                yield Static(Text("Nothing written yet." if not self.session.writes else ""), id="history-body")
        yield CasaFooter()

    def _title(self) -> str:
        kept, dropped = len(self.session.writes), self.session.writes_dropped
        if dropped:
            return f"Your writes in this session (the last {kept:,}; {dropped:,} older ones not kept)"
        return f"Your writes in this session ({kept})"

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Time", 9), ("Method", 7), ("Collection", 14), ("Document", 24)):
            table.add_column(label, width=width)
        for record in self.session.writes:
            table.add_row(
                Text(time.strftime("%H:%M:%S", time.localtime(record.when))),
                Text(record.method),
                safe_text(record.collection),
                safe_text(record.label),
            )
        if self.session.writes:
            table.move_cursor(row=len(self.session.writes) - 1)
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.session.writes):
            self.query_one("#history-body", Static).update(describe(self.session.writes[event.cursor_row]))

    def action_close(self) -> None:
        self.dismiss(None)
