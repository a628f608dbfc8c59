"""Eve's `sort` strings: parsed, written back, and cycled by a click on a column header. Pure functions only."""

from __future__ import annotations

from collections.abc import Sequence

from .query import FilterError, field_problem

__all__ = ["cycle_sort", "format_sort", "parse_sort"]


def parse_sort(text: str) -> list[tuple[str, int]]:
    """Eve's sort string -> [(field, 1 | -1)]: "-start_time,name" -> [("start_time", -1), ("name", 1)].

    Blank text -> []. Spaces around items are allowed. Raises FilterError on a bad or repeated field name.
    """
    if not text.strip():
        return []
    result: list[tuple[str, int]] = []
    seen: set[str] = set()
    offset = 0
    for chunk in text.split(","):
        stripped = chunk.strip()
        start = offset + (len(chunk) - len(chunk.lstrip()))
        if not stripped:
            raise FilterError("", start, "a field name" + (" after ','" if offset else ""))
        direction = 1
        name = stripped
        if name.startswith("-"):
            direction = -1
            name = name[1:]
            start += 1
        problem = field_problem(name, start)
        if problem is not None:
            raise problem
        if name in seen:
            raise FilterError(f"field '{name}' is sorted twice", start, "each field at most once")
        seen.add(name)
        result.append((name, direction))
        offset += len(chunk) + 1
    return result


def format_sort(sort: Sequence[tuple[str, int]]) -> str:
    """[(field, 1 | -1)] -> Eve's sort string; [] -> ""."""
    return ",".join(("-" if direction < 0 else "") + field for field, direction in sort)


def cycle_sort(sort: Sequence[tuple[str, int]], field: str) -> list[tuple[str, int]]:
    """What a click on a column header does.

    Field not sorted -> [(field, 1)] (ascending, replacing any other sort); ascending -> [(field, -1)];
    descending -> [] (off).
    """
    current = next((direction for name, direction in sort if name == field), 0)
    if current == 0:
        return [(field, 1)]
    if current > 0:
        return [(field, -1)]
    return []
