"""Pure functions for editing Eve documents: strip server fields, diff, plan a PATCH, merge three ways after a 412.

Documents are JSON objects. Paths address a value inside one: a tuple of dict keys (str) and list indexes (int).
Lists are atomic everywhere here (a changed list is one change at the list's path), so a merge never interleaves
list items. Equality is JSON equality with numbers and booleans kept apart: `True`, `1` and `1.0` all differ.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

__all__ = [
    "MISSING",
    "SERVER_FIELDS",
    "Change",
    "Conflict",
    "MergeResult",
    "PatchPlan",
    "Path",
    "apply_changes",
    "diff",
    "format_path",
    "is_unchanged",
    "merge3",
    "parse_path",
    "plan_patch",
    "resolve",
    "strip_server_fields",
]

SERVER_FIELDS: Final[frozenset[str]] = frozenset({"_id", "_etag", "_created", "_updated", "_links", "_status"})

Path: TypeAlias = tuple[str | int, ...]


class _Missing:
    """The type of `MISSING`: one instance, which survives copy, deepcopy and pickle as itself."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final[_Missing] = _Missing()
"""Stands for "this key is absent" in a `Change` or a `Conflict`."""

Side: TypeAlias = Literal["base", "yours", "theirs"]


# -- server fields and equality --------------------------------------------------------------------------------------


def strip_server_fields(document: Mapping[str, Any], *, keep_id: bool = False) -> dict[str, Any]:
    """A deep copy of `document` without its top-level server-managed fields (`_id` too, unless `keep_id`)."""
    return {
        key: copy.deepcopy(value)
        for key, value in document.items()
        if key not in SERVER_FIELDS or (keep_id and key == "_id")
    }


def _is_array(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _same(a: Any, b: Any) -> bool:
    """JSON equality that keeps bool, int and float apart (True != 1 != 1.0); dict key order does not matter."""
    if a is b:
        return True
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (
            isinstance(a, Mapping)
            and isinstance(b, Mapping)
            and a.keys() == b.keys()
            and all(_same(a[key], b[key]) for key in a)
        )
    if _is_array(a) or _is_array(b):
        return _is_array(a) and _is_array(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, (bool, int, float)) or isinstance(b, (bool, int, float)):
        return type(a) is type(b) and bool(a == b)
    return bool(a == b)


# -- paths -------------------------------------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r'[^.\[\]"\\\s()]+')
_INDEX = re.compile(r"\[(-?\d+)\]")
_DOCUMENT = "(document)"


def format_path(path: Path) -> str:
    """("status", "jobs", 0, "state") -> "status.jobs[0].state"; () -> "(document)".

    A key that is empty or holds a dot, bracket, quote, backslash, parenthesis or whitespace is written as a JSON
    string in brackets (`["a.b"]`), so that `parse_path` always reads back the same path.
    """
    if not path:
        return _DOCUMENT
    text = []
    for part in path:
        if isinstance(part, bool) or not isinstance(part, (str, int)):
            raise TypeError(f"a path holds str keys and int indexes, not {part!r}")
        if isinstance(part, int):
            text.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            text.append(f".{part}" if text else part)
        else:
            text.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(text)


def parse_path(text: str) -> Path:
    """The inverse of `format_path`: "status.jobs[0].state" -> ("status", "jobs", 0, "state").

    Dotted segments are always keys ("jobs.0" is ("jobs", "0")); only brackets make list indexes.
    Raises ValueError for text that is not a path.
    """
    if text == _DOCUMENT:
        return ()
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        if text.startswith('["', pos):
            try:
                key, end = json.JSONDecoder().raw_decode(text, pos + 1)
            except json.JSONDecodeError as error:
                raise ValueError(f"bad quoted key at {pos} in path {text!r}") from error
            if not text.startswith("]", end):
                raise ValueError(f"expected ']' at {end} in path {text!r}")
            parts.append(key)
            pos = end + 1
            continue
        index = _INDEX.match(text, pos)
        if index:
            parts.append(int(index.group(1)))
            pos = index.end()
            continue
        if parts:
            if not text.startswith(".", pos):
                raise ValueError(f"expected '.' or '[' at {pos} in path {text!r}")
            pos += 1
        key_match = _PLAIN_KEY.match(text, pos)
        if not key_match:
            raise ValueError(f"expected a key at {pos} in path {text!r}")
        parts.append(key_match.group())
        pos = key_match.end()
    if not parts:
        raise ValueError("an empty string is not a path; the whole document is '(document)'")
    return tuple(parts)


# -- diff --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference: the value at `path` went from `old` to `new` (either is MISSING for a key absent)."""

    path: Path
    old: Any
    new: Any

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        if self.old is MISSING:
            return "added"
        if self.new is MISSING:
            return "removed"
        return "changed"


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, recursing through dicts; lists and scalars compare as whole values.

    Ordered by path as keys appear in `new`, each dict's removed keys (in `old`'s order) after its other keys.
    Server fields are compared like any other key: strip them first if they should not count. Values are copies.
    """
    changes: list[Change] = []
    _diff_into(old, new, (), changes)
    return changes


def _diff_into(old: Mapping[str, Any], new: Mapping[str, Any], path: Path, out: list[Change]) -> None:
    for key, value in new.items():
        if key not in old:
            out.append(Change((*path, key), MISSING, copy.deepcopy(value)))
        elif isinstance(old[key], Mapping) and isinstance(value, Mapping):
            _diff_into(old[key], value, (*path, key), out)
        elif not _same(old[key], value):
            out.append(Change((*path, key), copy.deepcopy(old[key]), copy.deepcopy(value)))
    for key, value in old.items():
        if key not in new:
            out.append(Change((*path, key), copy.deepcopy(value), MISSING))


def differences(*values: Any, limit: int = 100) -> list[Path]:
    """Where inside `values` (two or more JSON values) they do not all agree: paths relative to the values, in
    order, down to the deepest point where all are still dicts or all lists (an element one side lacks is
    MISSING there). `[()]` when they differ as wholes (scalars, or a list against a dict); `[]` when all agree.
    For showing what changed inside a big value (a list of schedules), which `diff` keeps whole."""
    found: list[Path] = []
    _differences_into(values, (), found, limit)
    return found


def _differences_into(values: Sequence[Any], path: Path, out: list[Path], limit: int) -> None:
    if len(out) >= limit or all(_same(values[0], value) for value in values[1:]):
        return
    if all(isinstance(value, Mapping) for value in values):
        keys = list(dict.fromkeys(key for value in values for key in value))
        for key in keys:
            _differences_into([value.get(key, MISSING) for value in values], (*path, key), out, limit)
    elif all(_is_array(value) for value in values):
        for index in range(max(len(value) for value in values)):
            inside = [value[index] if index < len(value) else MISSING for value in values]
            _differences_into(inside, (*path, index), out, limit)
    else:
        out.append(path)


def value_at(value: Any, path: Path) -> Any:
    """The value at `path` inside `value` (as `differences` gives paths); MISSING where there is none."""
    for part in path:
        indexes = isinstance(part, int) and _is_array(value) and 0 <= part < len(value)
        if not (indexes or (isinstance(part, str) and isinstance(value, Mapping) and part in value)):
            return MISSING
        value = value[part]
    return value


def is_unchanged(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """True when the two differ at most in server fields: a write of `new` over `old` must not be sent."""
    return _same(strip_server_fields(old), strip_server_fields(new))


# -- PATCH -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatchPlan:
    """The body of a PATCH turning the original into the edit, and the changes such a PATCH would miss."""

    body: dict[str, Any]
    unsupported: list[Change]

    @property
    def ok(self) -> bool:
        """True when sending `body` yields exactly the edit, and there is something to send."""
        return not self.unsupported and bool(self.body)


def plan_patch(original: Mapping[str, Any], edited: Mapping[str, Any]) -> PatchPlan:
    """Plan a PATCH from `original` to `edited` (both compared without server fields).

    The body holds each changed top-level key with its whole new value. Eve merges a dict in a PATCH body into the
    stored dict, so these cannot be expressed and are listed in `unsupported` (send a PUT instead):
    a removed top-level key; a key removed anywhere inside a dict that is sent; and a dict replacing a stored value
    that is neither a dict nor null (Eve 2.3 tries to merge into it and fails with a 500).
    """
    before, after = strip_server_fields(original), strip_server_fields(edited)
    body: dict[str, Any] = {}
    unsupported: list[Change] = []
    for change in diff(before, after):
        if change.kind == "removed" or (
            isinstance(change.new, Mapping) and change.old is not None and change.old is not MISSING
        ):
            unsupported.append(change)
        top = change.path[0]
        if top in after:
            body[top] = after[top]
    return PatchPlan(body=body, unsupported=unsupported)


# -- three-way merge ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A path both sides changed differently; each value is MISSING where that side has no such key."""

    path: Path
    base: Any
    yours: Any
    theirs: Any


@dataclass(frozen=True)
class MergeResult:
    """`merged` holds every clean change of both sides, and theirs at each conflicting path."""

    merged: dict[str, Any]
    conflicts: list[Conflict]
    yours_changes: list[Change]
    theirs_changes: list[Change]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge3(base: Mapping[str, Any], yours: Mapping[str, Any], theirs: Mapping[str, Any]) -> MergeResult:
    """Merge your edit of `base` with their (the server's) current version, path by path, without server fields.

    At each path: unchanged by you -> theirs; unchanged by them -> yours; the same on both -> that; otherwise a
    `Conflict`, and `merged` holds theirs there (MISSING: the key is left out). Dicts present on all three sides are
    merged key by key; lists and scalars are atomic. Keys of `merged` follow theirs' order, then keys only in yours.
    `yours_changes` and `theirs_changes` are `diff(base, yours)` and `diff(base, theirs)`, without server fields.
    """
    b, y, t = strip_server_fields(base), strip_server_fields(yours), strip_server_fields(theirs)
    conflicts: list[Conflict] = []
    merged = _merge_dicts(b, y, t, (), conflicts)
    return MergeResult(merged, conflicts, diff(b, y), diff(b, t))


def _merge_dicts(
    base: Mapping[str, Any], yours: Mapping[str, Any], theirs: Mapping[str, Any], path: Path, out: list[Conflict]
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    keys = [*theirs, *(key for key in yours if key not in theirs)]
    for key in keys:
        value = _merge_values(
            base.get(key, MISSING), yours.get(key, MISSING), theirs.get(key, MISSING), (*path, key), out
        )
        if value is not MISSING:
            merged[key] = value
    return merged


def _merge_values(base: Any, yours: Any, theirs: Any, path: Path, out: list[Conflict]) -> Any:
    if isinstance(base, Mapping) and isinstance(yours, Mapping) and isinstance(theirs, Mapping):
        return _merge_dicts(base, yours, theirs, path, out)
    if _same(yours, base) or _same(yours, theirs):
        return copy.deepcopy(theirs)
    if _same(theirs, base):
        return copy.deepcopy(yours)
    out.append(Conflict(path, copy.deepcopy(base), copy.deepcopy(yours), copy.deepcopy(theirs)))
    return copy.deepcopy(theirs)


def resolve(result: MergeResult, choices: Mapping[Path, Side]) -> dict[str, Any]:
    """`result.merged` with the chosen side's value at each conflicting path in `choices` (MISSING: key deleted).

    Conflicting paths left out of `choices` keep theirs. Raises KeyError for a path that is not a conflict, and
    ValueError for a choice other than "base", "yours" or "theirs".
    """
    conflicts = {conflict.path: conflict for conflict in result.conflicts}
    document = copy.deepcopy(result.merged)
    for path, side in choices.items():
        if path not in conflicts:
            raise KeyError(path)
        if side not in ("base", "yours", "theirs"):
            raise ValueError(f"choose 'base', 'yours' or 'theirs' at {format_path(path)}, not {side!r}")
        _put(document, path, getattr(conflicts[path], side))
    return document


# -- applying changes --------------------------------------------------------------------------------------------------


def apply_changes(document: Mapping[str, Any], changes: Sequence[Change]) -> dict[str, Any]:
    """A copy of `document` with each change applied in order: its new value set, or its key deleted when MISSING.

    Missing intermediate dicts are created, and an intermediate value that is not a dict is replaced by one (list
    indexes in a path must exist). Deleting a key that is already absent does nothing. `document` is not modified.
    """
    result = copy.deepcopy(dict(document))
    for change in changes:
        if not change.path:
            if not isinstance(change.new, Mapping):
                raise ValueError(f"only a dict can replace the whole document, not {change.new!r}")
            result = copy.deepcopy(dict(change.new))
        else:
            _put(result, change.path, change.new)
    return result


def _put(document: dict[str, Any], path: Path, value: Any) -> None:
    """Set `value` (deep-copied) at the non-empty `path` of `document`, or delete what is there when MISSING."""
    container: Any = document
    for depth, part in enumerate(path):
        if isinstance(part, int) and not (isinstance(container, list) and -len(container) <= part < len(container)):
            raise ValueError(f"no list item at {format_path(path[: depth + 1])}")
        if depth == len(path) - 1:
            break
        child = container[part] if isinstance(part, int) else container.get(part)
        if isinstance(path[depth + 1], int):
            if not isinstance(child, list):
                raise ValueError(f"no list at {format_path(path[: depth + 1])}")
        elif not isinstance(child, dict):
            child = container[part] = {}
        container = child
    last = path[-1]
    if value is not MISSING:
        container[last] = copy.deepcopy(value)
    elif isinstance(last, int):
        del container[last]
    else:
        container.pop(last, None)
