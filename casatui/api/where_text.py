"""A Mongo `where` turned back into the filter bar's language (query.py), so the UI can show both.

Pure functions only: no Textual, no HTTP.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .query import (
    _OPERATOR_OF,
    _PLAIN_VALUE,
    _REGEX_FLAGS,
    _RELATIVE,
    FilterError,
    _is_field_char,
    _is_space,
    _json_scalar,
    _unshielded,
    field_problem,
    parse_filter,
)

__all__ = ["filter_from_where"]


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _render_value(value: Any, *, in_list: bool = False) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, str):
        plain = (
            _PLAIN_VALUE.fullmatch(value) is not None
            and not _json_scalar(value)[0]
            and not _RELATIVE.fullmatch(value)
            and not (in_list and "," in value)
        )
        return value if plain else _quote(value)
    return None


def _unescape_literal(pattern: str) -> str | None:
    """The text `pattern` is `re.escape` of, or None."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern):
                return None
            out.append(pattern[index + 1])
            index += 2
        else:
            out.append(char)
            index += 1
    literal = "".join(out)
    return literal if re.escape(literal) == pattern else None


def _render_term(field: str, condition: Any) -> str | None:
    if not isinstance(field, str) or field_problem(field, 0) is not None:
        return None
    if not isinstance(condition, Mapping):
        value = _render_value(condition)
        return None if value is None else f"{field}={value}"
    keys = set(condition)
    if len(keys) == 1:
        (key,) = keys
        argument = condition[key]
        if key == "$exists" and isinstance(argument, bool):
            return ("has:" if argument else "!has:") + field
        if key in _OPERATOR_OF:
            value = _render_value(argument)
            return None if value is None else f"{field}{_OPERATOR_OF[key]}{value}"
        if key in ("$in", "$nin"):
            if field == "has" or not isinstance(argument, (list, tuple)) or not argument:
                return None
            items = [_render_value(item, in_list=True) for item in argument]
            if any(item is None for item in items):
                return None
            prefix = "!" if key == "$nin" else ""
            return f"{prefix}{field}:" + ",".join(item for item in items if item is not None)
    if "$regex" in keys and keys <= {"$regex", "$options"}:
        pattern = condition["$regex"]
        options = condition.get("$options", "")
        if not isinstance(pattern, str) or not isinstance(options, str):
            return None
        pattern = _unshielded(pattern)
        literal = _unescape_literal(pattern)
        if literal is not None and options == "i":
            if field == "name":
                if literal and all(_is_field_char(c) for c in literal):
                    return literal
                return _quote(literal)
            plain = bool(literal) and not _is_space_in(literal) and literal[0] not in '/"'
            return f"{field}~{literal if plain else _quote(literal)}"
        if "$options" in condition and not options:
            return None
        if any(flag not in _REGEX_FLAGS for flag in options) or len(set(options)) != len(options):
            return None
        return f"{field}~/" + pattern.replace("/", "\\/") + f"/{options}"
    return None


def _is_space_in(text: str) -> bool:
    return any(_is_space(c) for c in text)


def _canonical(value: Any) -> Any:
    """A form of a where in which equal means identical (1, 1.0 and true differ; key order does not matter)."""
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            return object()
        return ("object", tuple(sorted((key, _canonical(item)) for key, item in value.items())))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(_canonical(item) for item in value))
    if value is None or isinstance(value, (bool, int, float, str)):
        return (type(value).__name__, value)
    return object()


def filter_from_where(where: Mapping[str, Any]) -> str | None:
    """The inverse of parse_filter where possible (so the UI can show both).

    Returns text that parse_filter (without field_types) turns back into exactly `where`, or None when `where`
    cannot be written in the language (e.g. `$or`, two operators on one field, embedded-document equality).
    An empty where gives "". Raw JSON is never produced.
    """
    if not isinstance(where, Mapping):
        return None
    if not where:
        return ""
    if "$and" in where:
        clauses = where["$and"]
        if len(where) != 1 or not isinstance(clauses, (list, tuple)) or not clauses:
            return None
        terms: list[tuple[Any, Any]] = []
        for clause in clauses:
            if not isinstance(clause, Mapping) or len(clause) != 1:
                return None
            terms.extend(clause.items())
    else:
        terms = list(where.items())
    parts: list[str] = []
    for field, condition in terms:
        part = _render_term(field, condition)
        if part is None:
            return None
        parts.append(part)
    text = " ".join(parts)
    try:
        again = parse_filter(text)
    except FilterError:
        return None
    return text if _canonical(again) == _canonical(where) else None
