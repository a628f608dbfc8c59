"""`-o FORMAT`: documents written to stdout as they arrive, page by page (nothing holds more than a page).

Every byte from the server is hostile and stdout may be a terminal: JSON escapes every control, C1, bidi and
separator character (`safe_json`), YAML is written ASCII-only (PyYAML then escapes everything else), and the text
formats (table, csv, name) show such characters in their visible form (`safe_text.visible`).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from ..core import formatting as fmt
from ..core import tones
from ..core.columns import Column, RenderOptions, fit_widths, render_cell
from ..core.safe_text import safe_json, visible

# The cell styles of the core layer as terminal attributes (only when stdout is a terminal): with colours, and for
# NO_COLOR, where the tones keep their order of importance by attributes (see core/tones.py).
_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "reverse": "7", "strike": "9"}
_COLOURS = {"green": "32", "red": "31", "yellow": "33"}


def sgr(style: str, *, mono: bool) -> str | None:
    """A cell style ("dim", "tone.bad", …) as the parameters of an SGR sequence, or None for none."""
    words = tones.styles(mono=mono).get(style, style).split()
    codes = [_ATTRIBUTES.get(word) or ("" if mono else _COLOURS.get(word, "")) for word in words]
    return ";".join(code for code in codes if code) or None


def paint(text: str, style: str, *, colour: bool) -> str:
    """`text` in a cell style, when `colour` (stdout is a terminal); attributes only under NO_COLOR (present, as
    Textual reads it)."""
    code = sgr(style, mono="NO_COLOR" in os.environ) if colour and style else None
    return f"\x1b[{code}m{text}\x1b[0m" if code else text


def aligned(rows: Sequence[Sequence[str]], paint_cell: Callable[[int, str], str] | None = None) -> list[str]:
    """Rows of cells (already made visible) as lines: each column but the last as wide as its widest cell, in
    terminal cells (a CJK name is two a character); `paint_cell(column, text)` styles a cell, padding left out."""
    from rich.cells import cell_len

    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)] if rows else []
    lines = []
    for row in rows:
        cells = []
        for column, cell in enumerate(row):
            padding = " " * (widths[column] - cell_len(cell)) if column < len(widths) else ""
            cells.append((paint_cell(column, cell) if paint_cell else cell) + padding)
        lines.append("  ".join(cells).rstrip())
    return lines


class Lines:
    """Text for people, written as it is made: sections under bold titles, aligned tables, states in their tones;
    styled only when `colour` (stdout is a terminal)."""

    def __init__(self, stream: IO[str], *, colour: bool) -> None:
        self.stream = stream
        self.colour = colour
        self.first = True

    def line(self, text: str = "") -> None:
        self.stream.write(text.rstrip() + "\n")
        self.first = False

    def section(self, title: str) -> None:
        """A title, after a blank line unless it is the first line."""
        if not self.first:
            self.line()
        self.line(paint(title, "bold", colour=self.colour))

    def state(self, state: str) -> str:
        """A state from the server, made visible, in the tone the TUI draws it with."""
        return paint(visible(state), fmt.state_style(state), colour=self.colour)

    def table(self, rows: Sequence[Sequence[str]], state_column: int | None = None) -> None:
        """Rows of cells already made visible, indented, aligned; the cells of `state_column` in their tones."""

        def state(column: int, text: str) -> str:
            return self.state(text) if column == state_column else text

        for line in aligned(rows, state):
            self.line("  " + line)


class ProgressLine:
    """Progress on one line of `stream` (stderr), rewritten in place; only when it is a terminal (a log file or a
    pipe gets none of it)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = stream.isatty()

    def update(self, text: str) -> None:
        if self.shown:
            self.stream.write(f"\r\x1b[Kcasatui: {text}")
            self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Writer:
    """Takes documents a page at a time; `one` says a single document was asked for (an object, not a list)."""

    def __init__(self, stream: IO[str], *, one: bool = False) -> None:
        self.stream = stream
        self.one = one
        self.count = 0

    def write(self, documents: Sequence[Mapping[str, Any]]) -> None:
        for document in documents:
            self.document(document)
            self.count += 1
        self.stream.flush()

    def document(self, document: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def end(self) -> None:
        self.stream.flush()


class JsonWriter(Writer):
    """A JSON array (or the object, for one document), streamed: `[` first, `]` last."""

    def document(self, document: Mapping[str, Any]) -> None:
        if self.one:
            self.stream.write(safe_json(document, indent=2) + "\n")
            return
        text = safe_json(document, indent=2).replace("\n", "\n  ")
        self.stream.write(("[\n  " if self.count == 0 else ",\n  ") + text)

    def end(self) -> None:
        if not self.one:
            self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        super().end()


class JsonLinesWriter(Writer):
    def document(self, document: Mapping[str, Any]) -> None:
        self.stream.write(safe_json(document, separators=(",", ":")) + "\n")


def yaml_text(value: Any) -> str:
    import yaml

    # ASCII only: PyYAML counts C1 (NEL) and bidi characters as printable when allowed Unicode.
    return str(yaml.safe_dump(value, allow_unicode=False, sort_keys=False, default_flow_style=False))


class YamlWriter(Writer):
    """A YAML sequence (or the mapping, for one document)."""

    def write(self, documents: Sequence[Mapping[str, Any]]) -> None:
        if documents:
            self.stream.write(yaml_text(dict(documents[0]) if self.one else [dict(d) for d in documents]))
        self.count += len(documents)
        self.stream.flush()

    def end(self) -> None:
        if self.count == 0 and not self.one:
            self.stream.write("[]\n")
        super().end()


class NameWriter(Writer):
    def __init__(self, stream: IO[str], name_of: Any, *, one: bool = False) -> None:
        super().__init__(stream, one=one)
        self.name_of = name_of

    def document(self, document: Mapping[str, Any]) -> None:
        self.stream.write(visible(self.name_of(document)) + "\n")


def raw_cell(value: Any) -> str:
    """A value as data (for CSV): text as it is, numbers and booleans as JSON writes them, objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return visible(value)
    return visible(json.dumps(value, ensure_ascii=False, default=str))


class CsvWriter(Writer):
    """The fields of the profile's columns, a header of their names, the values as stored (times as the server
    sends them)."""

    def __init__(self, stream: IO[str], columns: Sequence[Column], *, one: bool = False) -> None:
        super().__init__(stream, one=one)
        # The fields the columns show, once each (a duration column shows two: its start and its end).
        self.fields = list(dict.fromkeys(key for column in columns for key in (column.key, column.end) if key))
        self.stream.write(self._line(self.fields))

    def _line(self, cells: Sequence[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        return buffer.getvalue()

    def document(self, document: Mapping[str, Any]) -> None:
        self.stream.write(self._line([raw_cell(fmt.lookup(document, key)) for key in self.fields]))


class TableWriter(Writer):
    """The profile's columns as the TUI shows them, fitted to `width` cells; styled only on a terminal, without colours
    under NO_COLOR."""

    def __init__(
        self,
        stream: IO[str],
        columns: Sequence[Column],
        options: RenderOptions,
        *,
        width: int | None,
        colour: bool,
        one: bool = False,
    ) -> None:
        super().__init__(stream, one=one)
        self.options = options
        self.colour = colour
        natural = sum(max(column.width, 3) for column in columns) + len(columns) - 1
        widths = fit_widths(columns, width if width is not None else natural)
        self.shown = [(column, w) for column, w in zip(columns, widths, strict=True) if w > 0]
        self._line([(column.title.upper(), "") for column, _ in self.shown])

    def _line(self, cells: Sequence[tuple[str, str]]) -> None:
        from rich.cells import cell_len, set_cell_size

        parts = []
        for (text, style), (_, width) in zip(cells, self.shown, strict=True):
            text = visible(text)
            fitted = set_cell_size(text, width) if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"
            parts.append(paint(fitted, style, colour=self.colour))
        self.stream.write(" ".join(parts).rstrip() + "\n")

    def document(self, document: Mapping[str, Any]) -> None:
        cells = [render_cell(column, document, self.options) for column, _ in self.shown]
        self._line([(cell.text, cell.style) for cell in cells])
