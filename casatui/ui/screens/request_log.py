"""Every request of the session: what was sent and what came back, with copy as curl (token never included)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...api.exchange import Exchange
from ...api.limits import BodyRefused, parse_json
from ...core import tones
from ...core.private_files import open_private
from ...core.safe_text import safe_json
from ...core.session import Session
from ..actions import bindings
from ..safe import multiline, plain, safe_text
from ..widgets.footer import CasaFooter

BODY_SHOWN = 20_000  # characters of a body shown in the detail pane


def status_style(status: int | None) -> str:
    if status is None or status >= 500:
        return tones.BAD
    if status >= 400:
        return tones.BAD if status != 412 else tones.WARN
    return tones.GOOD


def pretty(body: str | None) -> Syntax | Text:
    if not body:
        return Text("(empty)", style="dim")
    text = body[:BODY_SHOWN]
    try:
        text = safe_json(parse_json(body), indent=2)[:BODY_SHOWN]
    except (ValueError, BodyRefused):  # not JSON, or JSON over the limits (10,000 deep would crash the dump)
        return Text(multiline(text))  # an HTML error page, plain text: its control characters made visible
    return Syntax(text, "json", theme="ansi_dark", background_color="default", word_wrap=True)


def details(exchange: Exchange) -> Group:
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("Request", safe_text(f"{exchange.method} {exchange.url}"))
    for name, value in exchange.query:
        head.add_row(safe_text(f"  {name}", style="cyan"), safe_text(value))
    status = str(exchange.status) if exchange.status is not None else "no answer"
    head.add_row("Status", Text(status, style=status_style(exchange.status)))
    head.add_row("Time", Text(f"{exchange.latency_ms:.0f} ms, {exchange.size:,} bytes, attempt {exchange.attempt}"))
    if exchange.error:
        head.add_row("Error", safe_text(exchange.error, style=tones.BAD, newlines=True))
    parts: list[Table | Text | Syntax] = [head, Text("\nRequest headers", style="bold")]
    for name, value in exchange.request_headers.items():
        parts.append(safe_text(f"  {name}: {value}", style="dim"))
    if exchange.request_body:
        parts += [Text("\nRequest body", style="bold"), pretty(exchange.request_body)]
    parts.append(Text("\nResponse headers", style="bold"))
    for name, value in exchange.response_headers.items():  # a server's headers can carry C1 controls (latin-1)
        parts.append(safe_text(f"  {name}: {value}", style="dim"))
    parts += [Text("\nResponse body", style="bold"), pretty(exchange.response_body)]
    return Group(*parts)


class RequestLogScreen(Screen[None]):
    DEFAULT_CSS = """
    RequestLogScreen #log-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    RequestLogScreen DataTable { width: 3fr; height: 1fr; }
    RequestLogScreen #log-detail { width: 2fr; border-left: tall $panel; padding: 0 1; }
    RequestLogScreen.-narrow DataTable { width: 2fr; }
    RequestLogScreen.-narrow #log-detail { width: 1fr; }
    """
    # Who, what and how it went first (an 80-column terminal shows these), the path taking what is left of the
    # table's width; then what only a wide terminal has room for.
    COLUMNS: ClassVar[tuple[tuple[str, int], ...]] = (
        ("Time", 8),
        ("Method", 7),
        ("Status", 6),
        ("ms", 4),
        ("Path", 0),
        ("Query", 30),
        ("Size", 8),
        ("Etag", 14),
        ("#", 5),
    )
    NARROW = 120  # below this, the detail pane takes a third of the width rather than two fifths
    PATH_WIDTHS = (16, 60)  # the Path column's narrowest and widest
    SCOPE = "log"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("log")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.shown: list[Exchange] = []
        self._columns_for = -1  # the Path width the columns were made for

    def compose(self) -> ComposeResult:
        yield Static(
            safe_text(f"Requests of this session ({self.session.profile}, {self.session.client.root})"), id="log-title"
        )
        with Horizontal():
            yield DataTable(cursor_type="row", zebra_stripes=True, id="log")
            with VerticalScroll(id="log-detail"):
                yield Static("", id="log-body")
        yield CasaFooter()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")
        self.reload()
        self.session.client.listeners.append(self._add_live)
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        narrow = self.size.width < self.NARROW
        if narrow != self.has_class("-narrow") or self._path_width() != self._columns_for:
            self.set_class(narrow, "-narrow")
            self.call_after_refresh(self.reload)  # once the table has its new width

    def _path_width(self) -> int:
        """What the table's width leaves the Path column once the columns before it have theirs."""
        table = self.query_one(DataTable)
        share = (2, 3) if self.has_class("-narrow") else (3, 5)  # (the CSS's fractions, before the first layout)
        width = table.scrollable_content_region.width or self.app.size.width * share[0] // share[1]
        before = 0
        for label, cells in self.COLUMNS:
            if label == "Path":
                break
            before += cells + 2 * table.cell_padding
        narrowest, widest = self.PATH_WIDTHS
        return max(narrowest, min(widest, width - before - 2 * table.cell_padding))

    def reload(self) -> None:
        """List the session's requests again (the log keeps the last few hundred)."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._columns_for = self._path_width()
        for label, width in self.COLUMNS:
            table.add_column(label, width=width or self._columns_for)
        self.shown.clear()
        for exchange in self.session.client.exchanges:
            self._add(exchange)
        if self.shown:
            table.move_cursor(row=len(self.shown) - 1)

    def on_unmount(self) -> None:
        if self._add_live in self.session.client.listeners:
            self.session.client.listeners.remove(self._add_live)

    def _add_live(self, exchange: Exchange) -> None:
        # Textual removes the table before this screen's unmount stops the listening: a late answer is dropped.
        if self.query(DataTable):
            self._add(exchange)

    def _add(self, exchange: Exchange) -> None:
        table = self.query_one(DataTable)
        root_path = self.session.client.root.split("://", 1)[-1].split("/", 1)[-1]
        path = exchange.path.removeprefix("/" + root_path).lstrip("/") or exchange.path
        query = " ".join(f"{k}={v}" for k, v in exchange.query)
        status = str(exchange.status) if exchange.status is not None else "—"
        table.add_row(  # in the order of COLUMNS
            Text(time.strftime("%H:%M:%S", time.localtime(exchange.started))),
            Text(exchange.method),
            Text(status, style=status_style(exchange.status)),
            Text(f"{exchange.latency_ms:.0f}"),
            safe_text(path),
            safe_text(query, style="cyan"),
            Text(f"{exchange.size:,}"),
            Text(plain((exchange.etag or "")[:12])),
            Text(str(exchange.number)),
        )
        self.shown.append(exchange)

    @property
    def selected(self) -> Exchange | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        exchange = self.selected
        if exchange is not None:
            self.query_one("#log-body", Static).update(details(exchange))

    def action_copy_curl(self) -> None:
        exchange = self.selected
        if exchange is None:
            return
        command = exchange.as_curl()
        self.app.copy_to_clipboard(command)  # OSC 52: works over SSH in terminals that allow it
        path = self._write_fallback(command)
        where = f" and written to {path}" if path else ""
        self.notify(
            f"Copied as curl{where}. The token is read from $CLOUDCASA_API_TOKEN when it runs.", timeout=6, markup=False
        )

    def _write_fallback(self, command: str) -> Path | None:
        """Terminals that ignore OSC 52 leave the clipboard empty: the command also goes to a file."""
        folder = self.session.state_dir
        if folder is None:
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "last-curl.sh"
            with open_private(path, append=False) as stream:  # 0600, never through a planted link
                stream.write(command + "\n")
        except OSError:
            return None
        return path

    def action_close(self) -> None:
        self.dismiss(None)
