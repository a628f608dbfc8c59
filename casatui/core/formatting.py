"""How values look on screen: times as local time with age, durations, sizes, job and cluster states.

Server strings are data, never markup: everything here returns plain strings and style names, which widgets put
into `rich.text.Text` objects (which never parse markup). `one_line` cleans a table cell: control characters made
visible (see `casatui.core.safe_text`). Cutting to a width in terminal cells needs Rich, so it lives in
`casatui.ui.cells`.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from typing import Any

from . import tones
from .safe_text import UNSAFE, visible_form

# How each state reads at a glance; the same colours everywhere (table, detail, overview).
GOOD = ("COMPLETED", "ACTIVE", "READY", "JOB_CREATED", "OK", "ACCEPTED")
BAD = ("FAILED", "ERROR", "DELETING", "EXPIRED", "DECLINED", "CANCELED", "CANCELLED")
BUSY = (
    "RUNNING", "PENDING", "PARTIAL", "VALIDATING", "INVENTORY", "CANCELLING", "SKIPPED", "UNKNOWN", "CATALOG",
    "REGISTERED", "DISCOVERED",
)  # fmt: skip
STATE_STYLE = {**{s: tones.GOOD for s in GOOD}, **{s: tones.BAD for s in BAD}, **{s: tones.WARN for s in BUSY}}
STATE_GLYPH = {**{s: "●" for s in GOOD}, **{s: "✖" for s in BAD}, **{s: "◐" for s in BUSY}}

EPOCH_MIN = 946_684_800  # 2000-01-01: smaller integers are counters, not times
EPOCH_MAX = 4_102_444_800  # 2100-01-01


def state_style(value: Any) -> str:
    return STATE_STYLE.get(str(value).upper(), "")


def as_epoch(value: Any) -> float | None:
    """Epoch seconds for an epoch number or an RFC 1123 date (Eve's `_created`), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if EPOCH_MIN <= value <= EPOCH_MAX else None
    if isinstance(value, str) and value.endswith("GMT") and "," in value:
        from email.utils import parsedate_to_datetime  # (here: email is a few ms to import, and rarely needed)

        try:
            return parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
    return None


def age(seconds: float) -> str:
    """A compact age: 45s, 12m, 3h, 5d, 7w, 2y."""
    seconds = abs(seconds)
    for limit, unit, size in (
        (60, "s", 1),
        (3600, "m", 60),
        (86400, "h", 3600),
        (14 * 86400, "d", 86400),
        (730 * 86400, "w", 7 * 86400),
    ):
        if seconds < limit:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds // (365 * 86400))}y"


def relative(epoch: float, now: float) -> str:
    delta = now - epoch
    return f"{age(delta)} ago" if delta >= 0 else f"in {age(delta)}"


def local_time(epoch: float, now: float, tz: timezone | None = None) -> str:
    """Local time, shorter when it is today or this year: `14:05`, `Nov 28 14:05`, `2024-11-28 14:05`."""
    moment = datetime.fromtimestamp(epoch, tz).astimezone(tz)
    today = datetime.fromtimestamp(now, tz).astimezone(tz)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%b %d %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def when(value: Any, now: float | None = None, *, raw: bool = False) -> str:
    """A time cell: `3h ago · Nov 28 14:05` (the age first, so a narrow column keeps what matters), or the value
    as the server sent it when `raw`."""
    if raw or value is None:
        return "" if value is None else str(value)
    epoch = as_epoch(value)
    if epoch is None:
        return str(value)
    now = time.time() if now is None else now
    return f"{relative(epoch, now)} · {local_time(epoch, now)}"


def duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def size(value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "" if value is None else str(value)
    number = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(number) < 1024 or unit == "TiB":
            return f"{number:.0f} {unit}" if unit == "B" else f"{number:.1f} {unit}"
        number /= 1024
    return str(value)


def scalar(value: Any) -> str:
    """Any JSON value on one line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(scalar(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={scalar(v)}" for k, v in value.items())
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def lookup(document: Any, path: str) -> Any:
    """The value at a dotted path (`status.jobs.0.state`), or None."""
    current = document
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdecimal() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def text_at(document: Any, path: str | None) -> str:
    """The string at a dotted path, a number as written; "" for anything else (absent, null, a flag, an object)."""
    return as_text(lookup(document, path)) if path else ""


def as_text(value: Any) -> str:
    """A string as it is, a number as written, "" for anything else."""
    if isinstance(value, str):
        return value
    number = _finite(value)
    return str(number) if number is not None else ""


def number_at(document: Any, path: str | None) -> int | float | None:
    """The number at a dotted path, or None (absent, or not a finite number: a flag or a string is not one)."""
    return _finite(lookup(document, path)) if path else None


def _finite(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if isinstance(value, int) or math.isfinite(value) else None


def one_line(text: str, limit: int = 500) -> str:
    """A server string as a single table line: whitespace (newlines, tabs, no-break spaces) runs become one space,
    control, bidi and separator characters are shown in their visible form (ESC as ␛, U+202E as ⟨U+202E⟩), other
    characters without a glyph (zero-width spaces) become spaces."""
    cleaned = text[: limit * 2]
    if not cleaned.isprintable():  # else every character stays as it is: no need to look at each one
        cleaned = "".join(
            ch if ch.isprintable() or ch.isspace() else visible_form(ch) if UNSAFE.match(ch) else " " for ch in cleaned
        )
    return " ".join(cleaned.split())[:limit]
