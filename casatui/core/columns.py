"""Columns: what one column shows and how (a cell from a document), how columns share the width, and the
schema's generic columns for a collection casatui knows nothing of. Which columns a collection has is its
profile's (`profiles.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
        if self.min_width:
            return self.min_width
        floor = {"time": 14, "state": 8, "duration": 7, "bool": 3, "states": 5}.get(self.kind, 8)
        return min(self.width, max(floor, 4))

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


def fit_widths(columns: Sequence[Column], available: int, gap: int = 1) -> list[int]:
    """Column widths that fill `available` cells. Flexible columns take the spare room; when there is too little,
    flexible columns give way first, then every column shrinks toward its narrowest, then the least important
    columns are hidden (width 0) — a column is never squeezed into something unreadable."""
    if not columns:
        return []
    shown = list(range(len(columns)))
    while True:
        widths = _fit(columns, shown, available, gap)
        if widths is not None or len(shown) == 1:
            break
        shown.remove(min(shown[1:] or shown, key=lambda i: (columns[i].priority, -i)))
    if widths is None:  # even one column does not fit: give it what there is
        widths = [0] * len(columns)
        widths[shown[0]] = max(1, available)
    return widths


def _fit(columns: Sequence[Column], shown: list[int], available: int, gap: int) -> list[int] | None:
    room = available - gap * (len(shown) - 1)
    widths = [0] * len(columns)
    for i in shown:
        widths[i] = max(columns[i].width, 3)
    flexible = [i for i in shown if columns[i].flex] or [shown[-1]]
    spare = room - sum(widths)
    if spare >= 0:
        for n, i in enumerate(flexible):
            widths[i] += spare // len(flexible) + (1 if n < spare % len(flexible) else 0)
        return widths
    if sum(columns[i].narrowest for i in shown) > room:
        return None
    for i in flexible:  # flexible columns give way first
        give = min(-spare, widths[i] - columns[i].narrowest)
        widths[i] -= give
        spare += give
    while spare < 0:
        for i in sorted(shown, key=lambda i: widths[i] - columns[i].narrowest, reverse=True):
            if spare >= 0 or widths[i] <= columns[i].narrowest:
                continue
            widths[i] -= 1
            spare += 1
    return widths
