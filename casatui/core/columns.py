"""Columns: what one column shows and how (a cell from a document), how columns share the width, and the
schema's generic columns for a collection casatui knows nothing of. Which columns a collection has is its
profile's (`profiles.py`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from . import formatting as fmt
from . import tones

if TYPE_CHECKING:
    from ..api.discovery import ResourceType


@dataclass(frozen=True)
class Column:
    """One column of the table: which field, how it is shown, how wide."""

    key: str  # dotted path in the document
    title: str
    kind: str = "text"  # text, state, time, duration, bool, count, size, ref, states, schedules, list
    ref: str | None = None  # for kind "ref": the collection the id points into
    end: str | None = None  # for kind "duration": the field holding the end time
    width: int = 12  # preferred width; the table shrinks or grows columns to fit the screen
    flex: bool = False  # takes the room left over (a message, a description)
    sortable: bool = True
    priority: int = 5  # on a narrow screen the lowest priorities are hidden first
    min_width: int = 0  # narrowest it may be squeezed to (0: from the title and kind)

    @property
    def narrowest(self) -> int:
        if self.kind == "state":  # a state is never cut: its width is the longest state known (see `fit_states`)
            return max(self.width, self.min_width)
        if self.min_width:
            return self.min_width
        floor = {"time": 14, "duration": 7, "bool": 3, "states": 5}.get(self.kind, 8)
        return min(self.width, max(floor, 4))

    @property
    def comfortable(self) -> int:
        """The width below which a column is cramped: a flexible column's preferred width (a message cut to a few
        words tells nothing), half-way to the narrowest for the others."""
        return self.width if self.flex else (self.width + self.narrowest + 1) // 2

    @property
    def sort_field(self) -> str | None:
        return self.key if self.sortable else None

    @property
    def fields(self) -> tuple[str, ...]:
        """Top-level fields a list request must fetch for this column."""
        keys = [self.key, self.end] if self.end else [self.key]
        return tuple(k.split(".")[0] for k in keys if k)


def C(key: str, title: str, kind: str = "text", **options: Any) -> Column:
    return Column(key, title, kind, **options)


_SCALARS = ("string", "integer", "number", "boolean", "datetime")


def generic_columns(
    resource: ResourceType | None, sample: Sequence[Mapping[str, Any]] = (), name_field: str = "name"
) -> list[Column]:
    """Name plus the top-level scalar fields (from the schema, or the data when there is none) and status.state."""
    from .cloudcasa import SERVER_OWNED  # (cloudcasa's curated columns are built from this module)

    columns = [C(name_field, "Name", width=22)]
    names: list[tuple[str, str]] = []
    if resource is not None and resource.fields:
        names = [(n, f.type) for n, f in resource.fields.items() if f.type in _SCALARS and not n.startswith("_")]
    else:
        # The fullest documents first: their key order is the one the server stores (usually the schema's).
        for document in sorted(sample[:20], key=len, reverse=True):
            for key, value in document.items():
                if not key.startswith("_") and not isinstance(value, (dict, list)) and key not in dict(names):
                    kind = "boolean" if isinstance(value, bool) else "integer" if isinstance(value, int) else "string"
                    names.append((key, kind))
    for name, kind in names:
        if name == name_field or name in SERVER_OWNED:  # the server's bookkeeping, not worth a column
            continue
        column_kind = "state" if name in ("state", "validate_state") else "bool" if kind == "boolean" else "text"
        if name.endswith(("_time", "Time", "timestamp", "Timestamp")):
            column_kind = "time"
        columns.append(C(name, name.replace("_", " ").capitalize(), column_kind, width=14))
        if len(columns) >= 7:
            break
    with_state = (
        resource.field("status.state") is not None
        if resource is not None and resource.fields
        else any(isinstance(document.get("status"), dict) and "state" in document["status"] for document in sample[:20])
    )
    if with_state:
        columns.insert(1, C("status.state", "State", "state", width=10))
    columns.append(C("_updated", "Updated", "time", width=20))
    return columns


def from_config(specs: Sequence[Mapping[str, Any] | str]) -> list[Column]:
    """Columns a user listed in their config: `"status.state"` or `{key, title, kind, ref, width}`."""
    columns = []
    for spec in specs:
        if isinstance(spec, str):
            columns.append(C(spec, spec.rsplit(".", 1)[-1].replace("_", " ").capitalize()))
        else:
            options = {k: spec[k] for k in ("kind", "ref", "end", "width", "flex", "sortable") if k in spec}
            columns.append(Column(str(spec["key"]), str(spec.get("title", spec["key"])), **options))
    return columns


def projection(columns: Sequence[Column], *always: str) -> dict[str, int]:
    """The top-level fields a list request fetches: the columns', and `always` (the profile's name and state)."""
    fields = {f: 1 for column in columns for f in column.fields}
    fields.update({f.split(".")[0]: 1 for f in always if f})
    return fields


@dataclass
class Cell:
    """A value as the table shows it: its text and style."""

    text: str
    style: str = ""


@dataclass
class RenderOptions:
    """What rendering a cell depends on besides the document: the time, raw times, known names."""

    now: float
    raw_times: bool = False
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # collection -> id -> name
    live: Callable[[Mapping[str, Any]], bool] | None = None  # whether a document is still running (its profile's)


def render_cell(column: Column, document: Mapping[str, Any], options: RenderOptions) -> Cell:
    value = fmt.lookup(document, column.key)
    kind = column.kind
    if kind == "state":
        return Cell(fmt.scalar(value), fmt.state_style(value))
    if kind == "time":
        return Cell(fmt.when(value, options.now, raw=options.raw_times), "")
    if kind == "duration":
        start, end = fmt.as_epoch(value), fmt.as_epoch(fmt.lookup(document, column.end or ""))
        if start is None:
            return Cell("")
        if end is None:
            running = options.live is not None and options.live(document)
            return Cell(fmt.duration(options.now - start) + "…" if running else "", "italic")
        return Cell(fmt.duration(end - start))
    if kind == "bool":
        return Cell("yes" if value else "no" if value is not None else "", tones.WARN if value else "dim")
    if kind == "count":
        return Cell(str(len(value)) if isinstance(value, (list, dict)) else fmt.scalar(value))
    if kind == "size":
        return Cell(fmt.size(value))
    if kind == "ref":
        if value is None or value == "":
            return Cell("")
        name = options.names.get(column.ref or "", {}).get(str(value))
        return Cell(name if name is not None else str(value)[-8:], "" if name is not None else "dim")
    if kind == "states":
        states = [entry.get("state") for entry in (value or [])[:3] if isinstance(entry, dict)]
        return Cell(
            " ".join(fmt.STATE_GLYPH.get(str(s).upper(), "?") for s in states),
            fmt.state_style(states[0]) if states else "",
        )
    if kind == "schedules":
        crons = [fmt.lookup(entry, "schedule.cronSpec") for entry in (value or []) if isinstance(entry, dict)]
        return Cell("; ".join(str(c) for c in crons if c))
    return Cell(fmt.one_line(fmt.scalar(value)))


def fit_states(column: Column, states: Iterable[str]) -> Column:
    """A state column as wide as the longest of `states` (the schema's enum, or the states seen), never cut."""
    if column.kind != "state":
        return column
    width = max([column.width, _cells(column.title), *(_cells(s) for s in states)])
    return column if width == column.width else replace(column, width=width)


def natural_width(columns: Sequence[Column], gap: int = 1) -> int:
    """Cells the columns take at their preferred widths: the room a table needs to show them all uncut."""
    return sum(c.width for c in columns) + gap * max(0, len(columns) - 1)


def _cells(text: str) -> int:
    """Terminal cells `text` takes (wide characters two), without Rich, which the command line does not load."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_widths(
    columns: Sequence[Column], available: int, gap: int = 1, wants: Sequence[int] | None = None
) -> list[int]:
    """Column widths that fill `available` cells.

    With room to spare, columns whose cells are cut (`wants`: the widest cell of each, when known) widen toward
    it a cell at a time, and the flexible columns (a message) take what is left. With too little room, the
    columns less important than the flexible one (without one, any but the first) are hidden, least important
    first, while the others would be cramped; then every column shrinks toward its narrowest, the one with the
    most room to give first; then the least important columns are hidden (width 0): a column is never squeezed
    into something unreadable, and a state never cut."""
    if not columns:
        return []
    shown = list(range(len(columns)))
    flexible = [columns[i].priority for i in shown if columns[i].flex]
    above = max(flexible) if flexible else max(c.priority for c in columns) + 1  # (no flexible column: any)

    def cramped() -> bool:
        return sum(columns[i].comfortable for i in shown) + gap * (len(shown) - 1) > available

    while cramped():
        lesser = [i for i in shown[1:] if columns[i].priority < above and not columns[i].flex]
        if not lesser:
            break
        shown.remove(min(lesser, key=lambda i: (columns[i].priority, -i)))
    while True:
        widths = _fit(columns, shown, available, gap, wants)
        if widths is not None or len(shown) == 1:
            break
        # The least important goes, the rightmost of equals; a flexible one (a message) after its equals.
        shown.remove(min(shown[1:] or shown, key=lambda i: (columns[i].priority, columns[i].flex, -i)))
    if widths is None:  # even one column does not fit: give it what there is
        widths = [0] * len(columns)
        widths[shown[0]] = max(1, available)
    return widths


def _fit(
    columns: Sequence[Column], shown: list[int], available: int, gap: int, wants: Sequence[int] | None
) -> list[int] | None:
    room = available - gap * (len(shown) - 1)
    widths = [0] * len(columns)
    for i in shown:
        column = columns[i]
        widths[i] = max(column.width, 3)
        if wants is not None and not column.flex:  # no wider than its widest cell: the room goes where cells are cut
            widths[i] = max(min(widths[i], wants[i]), column.narrowest, 3)
    flexible = [i for i in shown if columns[i].flex] or [shown[-1]]
    spare = room - sum(widths)
    if spare >= 0:
        if wants is not None:  # cut cells first, a cell each in turn (a name and a cluster both get some)
            cut = [i for i in shown if wants[i] > widths[i]]
            while spare > 0 and cut:
                for i in list(cut):
                    if spare == 0:
                        break
                    widths[i] += 1
                    spare -= 1
                    if widths[i] >= wants[i]:
                        cut.remove(i)
        for n, i in enumerate(flexible):
            widths[i] += spare // len(flexible) + (1 if n < spare % len(flexible) else 0)
        return widths
    if sum(columns[i].narrowest for i in shown) > room:
        return None

    def room_to_give(i: int) -> tuple[float, int]:
        # The name (the first column) and the message matter most: they give at half the rate of the others.
        slack = widths[i] - columns[i].narrowest
        return (slack / 2 if i == shown[0] or columns[i].flex else slack, -columns[i].priority)

    while spare < 0:  # the column with the most room to give gives a cell, in turn
        i = max(shown, key=room_to_give)
        widths[i] -= 1
        spare += 1
    return widths
