"""The filter bar's little language, turned into a Mongo `where` that Eve accepts (and back: where_text.py; sort
strings: sort.py).

Pure functions only: no Textual, no HTTP.

The language (terms are separated by whitespace and ANDed):

    {"state": "FAILED"}          raw JSON, passed through unchanged (it must be an object and must not use $where)
    state=FAILED                 equality; also != > >= < <=
    status.state=ACTIVE          dotted paths
    name="my backup"             a double-quoted value is always a string (escapes: \\" and \\\\)
    start_time>-24h              relative time: now + offset (s, m, h, d, w; '+' for the future)
    message~deadline             case-insensitive search for the literal text
    name~/^prod-.*/i             a regular expression as typed (flags i, m, s, x; '\\/' is a literal slash)
    state:FAILED,PARTIAL         $in;  !state:FAILED,PARTIAL is $nin
    has:end_time                 $exists true;  !has:end_time is $exists false
    prod   "my backup"           a bare word or a quoted phrase searches the name field (`name`, or the one
                                 the caller gives: a job's `display_name`), case-insensitive, literal

Rule for combining terms: when no field appears in two terms, the result is a flat `{field: condition, ...}` in
the order typed. As soon as any field appears more than once, *every* term goes, in the order typed, into one
`{"$and": [{field: condition}, ...]}` and nothing else stays at the top level.

Values that are not quoted are typed as JSON when they look like JSON scalars (numbers, true, false, null);
otherwise they are strings. With `field_types`, a "string" or "objectid" field keeps every unquoted value as a
string except `null`, which is always JSON null whatever the field's type (quote it to match the word "null");
"integer" and "number" fields need a number (or null, or a relative time); "boolean" fields need true or false
(or null). Fields missing from `field_types` are typed as if no `field_types` had been given.

Errors are `FilterError`, whose `position` is the 0-based index of the offending character; `str(error)` counts
columns from 1 (column = position + 1).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "FieldTypes",
    "FilterError",
    "field_problem",
    "format_eve_date",
    "parse_filter",
]

FieldTypes = Mapping[str, str]
"""Dotted field path -> "string", "integer", "number", "boolean", "datetime", "objectid", "object" or "array"."""


class FilterError(ValueError):
    """A filter that cannot be parsed.

    `position` is the 0-based character index in the text where the problem is; `expected` says what was expected
    there, in words (e.g. "a value after '='"). `str(error)` reads like "expected a value after '=' at column 7"
    (columns count from 1).
    """

    message: str
    position: int
    expected: str

    def __init__(self, message: str, position: int, expected: str = "") -> None:
        self.message = message or (f"expected {expected}" if expected else "invalid filter")
        self.position = position
        self.expected = expected
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.message} at column {self.position + 1}"
        if self.expected and self.expected not in self.message:
            text += f" (expected {self.expected})"
        return text

    def __str__(self) -> str:
        return self._describe()


# --------------------------------------------------------------------------------------------------- dates

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MIN_EPOCH = -62135596800  # 0001-01-01T00:00:00Z
_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z


def format_eve_date(epoch: float) -> str:
    """Epoch seconds -> RFC 1123 in GMT as Eve writes dates, e.g. "Sat, 28 Nov 2026 20:15:57 GMT".

    Fractions of a second are dropped (floored). Locale-independent. Raises ValueError outside years 1-9999.
    """
    if not math.isfinite(epoch):
        raise ValueError(f"not a time: {epoch!r}")
    seconds = math.floor(epoch)
    if not _MIN_EPOCH <= seconds <= _MAX_EPOCH:
        raise ValueError(f"time out of range: {epoch!r}")
    when = _EPOCH + _dt.timedelta(seconds=seconds)
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} GMT"
    )


# --------------------------------------------------------------------------------------------------- lexical bits

_OPERATOR_NAMES = "=, !=, <, <=, >, >=, ~ or :"
_COMPARISONS = {"=": None, "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte"}
_OPERATOR_OF = {v: k for k, v in _COMPARISONS.items() if v}
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LOOSE_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RELATIVE = re.compile(r"([+-])([0-9]+)([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_EPOCH_SUFFIXES = ("_time", "Time", "Timestamp", "timestamp")
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.@+\-][A-Za-z0-9_.@+\-/:]*")
_NUMERIC_TYPES = ("integer", "number")
_WHERE_KEY = re.compile(r'"\$where"\s*:')


def _is_field_char(char: str) -> bool:
    return char.isalnum() or char in "_-."


def _is_space(char: str) -> bool:
    return char.isspace()


def field_problem(name: str, offset: int) -> FilterError | None:
    """Why `name` (found at `offset` in the text) is not a field name, or None when it is one."""
    if not name:
        return FilterError("", offset, "a field name")
    for index, char in enumerate(name):
        if char == "$":
            return FilterError("field names cannot contain '$'", offset + index, "a field name")
        if not _is_field_char(char):
            return FilterError("", offset + index, "a field name (letters, digits, '_', '-' and '.')")
    start = 0
    for part in name.split("."):
        if not part:
            where = "before '.'" if start == 0 else "after '.'"
            return FilterError("", offset + start, f"a field name {where}")
        start += len(part) + 1
    return None


def _default_type(field: str) -> str | None:
    """The type assumed for a field `field_types` does not know: only time fields are recognised."""
    if field in ("_created", "_updated"):
        return "datetime"
    if field.endswith(_EPOCH_SUFFIXES):
        return "integer"
    return None


def _json_scalar(raw: str) -> tuple[bool, Any]:
    """(True, value) when `raw` is written as a JSON scalar (finite numbers only), else (False, None)."""
    if raw == "true":
        return True, True
    if raw == "false":
        return True, False
    if raw == "null":
        return True, None
    if _JSON_NUMBER.fullmatch(raw):
        try:
            value = json.loads(raw)
        except ValueError:  # more than 4,300 digits: a word, like any other
            return False, None
        if isinstance(value, float) and not math.isfinite(value):
            return False, None
        return True, value
    return False, None


# --------------------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str, field_types: FieldTypes | None, now: float | None) -> None:
        self.text = text
        self.pos = 0
        self.field_types = field_types
        self.now = now

    # ---- helpers

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def at_term_end(self) -> bool:
        return self.pos >= len(self.text) or _is_space(self.text[self.pos])

    def fail(self, position: int, expected: str, message: str = "") -> FilterError:
        return FilterError(message, min(max(position, 0), len(self.text)), expected)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and _is_space(self.text[self.pos]):
            self.pos += 1

    def read_while(self, keep: Callable[[str], bool]) -> str:
        start = self.pos
        while self.pos < len(self.text) and keep(self.text[self.pos]):
            self.pos += 1
        return self.text[start : self.pos]

    def read_field_chars(self) -> str:
        return self.read_while(_is_field_char)

    def check_field(self, name: str, offset: int) -> None:
        problem = field_problem(name, offset)
        if problem is not None:
            raise problem

    def quoted(self) -> str:
        """A double-quoted string starting at self.pos; leaves self.pos after the closing quote."""
        start = self.pos
        text = self.text
        index = start + 1
        out: list[str] = []
        while index < len(text):
            char = text[index]
            if char == "\\" and index + 1 < len(text) and text[index + 1] in '"\\':
                out.append(text[index + 1])
                index += 2
                continue
            if char == '"':
                self.pos = index + 1
                return "".join(out)
            out.append(char)
            index += 1
        raise self.fail(start, "a closing '\"'", "unterminated quote")

    def end_after_quote(self) -> None:
        if not self.at_term_end():
            raise self.fail(self.pos, "a space after the closing quote")

    # ---- terms

    def parse(self) -> list[tuple[str, Any]]:
        terms: list[tuple[str, Any]] = []
        self.skip_spaces()
        while self.pos < len(self.text):
            terms.append(self.term())
            self.skip_spaces()
        return terms

    def term(self) -> tuple[str, Any]:
        text = self.text
        start = self.pos
        if text[start] == '"':
            phrase = self.quoted()
            self.end_after_quote()
            return _BARE, _literal_regex(phrase)

        negate = text[start] == "!" and not text.startswith("!=", start)
        if negate:
            self.pos += 1
        field_start = self.pos
        field = self.read_field_chars()
        char = self.peek()

        if field == "has" and char == ":":
            self.pos += 1
            return self.has_term(negate)

        if negate:
            if char == "$":
                raise self.fail(self.pos, "a field name", "field names cannot contain '$'")
            if not field:
                raise self.fail(self.pos, "'has:' or a field name after '!'")
            if char != ":":
                raise self.fail(self.pos, f"':' after '!{field}' (as in '!{field}:a,b')")
            self.check_field(field, field_start)
            self.pos += 1
            return field, {"$nin": self.value_list(field)}

        if not field:
            if char == "$":
                raise self.fail(self.pos, "a field name", "field names cannot start with '$'")
            operator = self.operator_here()
            if operator:
                raise self.fail(self.pos, f"a field name before '{operator}'")
            raise self.fail(self.pos, "a field name, a word or a quoted phrase")

        if self.at_term_end():  # a bare word
            return _BARE, _literal_regex(field)

        operator_at = self.pos
        operator = self.operator_here()
        if not operator:
            if char == "$":
                raise self.fail(self.pos, "a field name", "field names cannot contain '$'")
            raise self.fail(self.pos, f"an operator ({_OPERATOR_NAMES}) or a space after '{field}'")
        self.check_field(field, field_start)
        self.pos += len(operator)

        if operator == ":":
            return field, {"$in": self.value_list(field)}
        if operator == "~":
            return field, self.search(operator_at)
        value = self.scalar(field, operator)
        mongo_operator = _COMPARISONS[operator]
        return field, (value if mongo_operator is None else {mongo_operator: value})

    def operator_here(self) -> str:
        for operator in ("!=", ">=", "<=", "=", ">", "<", "~", ":"):
            if self.text.startswith(operator, self.pos):
                return operator
        return ""

    def has_term(self, negate: bool) -> tuple[str, Any]:
        field_start = self.pos
        field = self.read_field_chars()
        if not field:
            if self.peek() == "$":
                raise self.fail(self.pos, "a field name", "field names cannot start with '$'")
            raise self.fail(self.pos, "a field name after 'has:'")
        if not self.at_term_end():
            if self.peek() == "$":
                raise self.fail(self.pos, "a field name", "field names cannot contain '$'")
            raise self.fail(self.pos, f"a space after 'has:{field}'")
        self.check_field(field, field_start)
        return field, {"$exists": not negate}

    # ---- values

    def scalar(self, field: str, operator: str) -> Any:
        start = self.pos
        if self.at_term_end():
            raise self.fail(start, f"a value after '{operator}'")
        char = self.text[start]
        if char == '"':
            value = self.quoted()
            self.end_after_quote()
            return value
        if char in "=<>":
            raise self.fail(start, f"a value after '{operator}'", f"unexpected '{char}'")
        raw = self.read_while(lambda c: not _is_space(c))
        return self.typed(field, raw, start)

    def value_list(self, field: str) -> list[Any]:
        values: list[Any] = []
        after = ":"
        while True:
            start = self.pos
            if self.at_term_end() or self.peek() == ",":
                raise self.fail(start, f"a value after '{after}'")
            if self.peek() == '"':
                values.append(self.quoted())
                if not (self.at_term_end() or self.peek() == ","):
                    raise self.fail(self.pos, "',' or a space after the closing quote")
            else:
                raw = self.read_while(lambda c: not _is_space(c) and c != ",")
                values.append(self.typed(field, raw, start))
            if self.peek() != ",":
                return values
            self.pos += 1
            after = ","

    def search(self, operator_at: int) -> dict[str, Any]:
        start = self.pos
        if self.at_term_end():
            raise self.fail(start, "a value after '~'")
        char = self.text[start]
        if char == "/":
            return self.regex()
        if char == '"':
            literal = self.quoted()
            self.end_after_quote()
        else:
            literal = self.read_while(lambda c: not _is_space(c))
        return _literal_regex(literal)

    def regex(self) -> dict[str, Any]:
        text = self.text
        opening = self.pos
        index = opening + 1
        pattern: list[str] = []
        sources: list[int] = []  # where each character of `pattern` came from in the text
        while True:
            if index >= len(text):
                raise self.fail(opening, "a closing '/'", "unterminated regular expression")
            char = text[index]
            if char == "/":
                break
            if char == "\\" and index + 1 < len(text):
                following = text[index + 1]
                if following == "/":
                    pattern.append("/")
                    sources.append(index)
                else:
                    pattern.extend(("\\", following))
                    sources.extend((index, index + 1))
                index += 2
                continue
            pattern.append(char)
            sources.append(index)
            index += 1
        closing = index
        self.pos = closing + 1
        flags = ""
        compile_flags = 0
        while not self.at_term_end():
            flag = text[self.pos]
            if flag not in _REGEX_FLAGS:
                raise self.fail(self.pos, "regular expression flags (i, m, s, x) or a space")
            if flag in flags:
                raise self.fail(self.pos, "each flag at most once", f"flag '{flag}' given twice")
            flags += flag
            compile_flags |= _REGEX_FLAGS[flag]
            self.pos += 1
        source = "".join(pattern)
        try:
            re.compile(source, compile_flags)
        except re.error as error:
            at = error.pos if error.pos is not None else len(sources)
            position = sources[at] if 0 <= at < len(sources) else closing
            raise self.fail(
                position, "a valid regular expression", f"invalid regular expression: {error.msg}"
            ) from None
        except (OverflowError, RecursionError, ValueError, MemoryError) as error:
            raise self.fail(opening + 1, "a valid regular expression", f"invalid regular expression: {error}") from None
        result: dict[str, Any] = {"$regex": _shielded(source)}
        if flags:
            result["$options"] = flags
        return result

    # ---- typing

    def field_type(self, field: str) -> str | None:
        if self.field_types is not None and field in self.field_types:
            return self.field_types[field]
        return _default_type(field)

    def typed(self, field: str, raw: str, start: int) -> Any:
        """An unquoted value, typed for `field`."""
        kind = self.field_types.get(field) if self.field_types is not None else None
        if raw == "null":
            return None
        relative = _RELATIVE.fullmatch(raw)
        if relative and kind not in ("string", "objectid"):
            return self.relative_time(field, relative, start)
        if kind in ("string", "objectid"):
            return raw
        if kind in _NUMERIC_TYPES:
            if not _LOOSE_NUMBER.fullmatch(raw):
                raise self.fail(start, f"a number for field '{field}'")
            number = float(raw)
            if not math.isfinite(number):
                raise self.fail(start, f"a number for field '{field}'", "number out of range")
            if any(c in raw for c in ".eE"):
                return number
            return int(raw)
        if kind == "boolean":
            if raw not in ("true", "false"):
                raise self.fail(start, f"true or false for field '{field}'")
            return raw == "true"
        is_scalar, value = _json_scalar(raw)
        return value if is_scalar else raw

    def relative_time(self, field: str, match: re.Match[str], start: int) -> Any:
        kind = self.field_type(field)
        if kind is None:
            raise self.fail(
                start,
                f"a value that is not a relative time for field '{field}'",
                f"the type of field '{field}' is unknown, so '{match.group(0)}' cannot be turned into a time",
            )
        if kind not in ("datetime", *_NUMERIC_TYPES):
            raise self.fail(
                start,
                f"a value of type {kind} for field '{field}'",
                f"field '{field}' holds {kind} values, not times",
            )
        sign, amount, unit = match.groups()
        if len(amount) > 15:
            raise self.fail(start, "a shorter offset", "relative time out of range")
        offset = int(amount) * _UNIT_SECONDS[unit] * (-1 if sign == "-" else 1)
        now = time.time() if self.now is None else self.now
        moment = math.floor(now) + offset if math.isfinite(now) else _MAX_EPOCH + 1
        if not _MIN_EPOCH <= moment <= _MAX_EPOCH:
            raise self.fail(start, "a time between the years 1 and 9999", "relative time out of range")
        if kind == "datetime":
            return format_eve_date(moment)
        return int(moment)


# Eve turns query strings that look like an ObjectId or an Eve date into those types before querying, even
# inside $regex, which then fails (400 or 500). An empty group in front keeps the pattern's meaning and its type.
_SHIELD = "(?:)"
_EVE_LOOKALIKE = re.compile(r"[0-9a-fA-F]{24}|\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT")


def _shielded(pattern: str) -> str:
    return _SHIELD + pattern if _EVE_LOOKALIKE.fullmatch(pattern) else pattern


def _unshielded(pattern: str) -> str:
    rest = pattern.removeprefix(_SHIELD)
    return rest if rest != pattern and _EVE_LOOKALIKE.fullmatch(rest) else pattern


_BARE = "\0bare"  # a bare word's or phrase's term, until parse_filter knows which field names a document


def _literal_regex(text: str) -> dict[str, Any]:
    return {"$regex": _shielded(re.escape(text)), "$options": "i"}


def _json_problem(text: str, error: json.JSONDecodeError) -> tuple[str, int]:
    """What is wrong and where, alike on every Python: 3.13 names a trailing comma and points at it, where older
    ones say "Expecting value" at the bracket after it; the comma is what to remove."""
    if error.pos < len(text) and text[error.pos] in "}]":
        before = text[: error.pos].rstrip()
        if before.endswith(","):
            kind = "object" if text[error.pos] == "}" else "array"
            return f"Illegal trailing comma before end of {kind}", len(before) - 1
    return error.msg, error.pos


def _parse_json(text: str) -> dict[str, Any]:
    body = text.lstrip()
    offset = len(text) - len(body)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as error:
        message, position = _json_problem(body, error)
        raise FilterError(f"invalid JSON: {message}", offset + position, "valid JSON") from None
    except (RecursionError, ValueError) as error:
        raise FilterError(f"invalid JSON: {error}", offset, "valid JSON") from None
    if not isinstance(value, dict):
        raise FilterError("the JSON filter must be an object", offset, "a JSON object")
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$where" in item:
                found = _WHERE_KEY.search(text)
                raise FilterError(
                    "the $where operator is not allowed", found.start() if found else offset, "a filter without $where"
                )
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


def parse_filter(
    text: str, field_types: FieldTypes | None = None, now: float | None = None, *, name_field: str = "name"
) -> dict[str, Any]:
    """Filter text -> Mongo where. Empty/blank text -> {}. Raises FilterError.

    `field_types` maps dotted field paths to their types (see the module docstring); `now` (epoch seconds,
    default time.time()) anchors relative times such as `-24h`. Bare words search `name_field`, the field that
    names a document of this collection; so does `name` when the schema (`field_types`) has no `name`.
    """
    if not text.strip():
        return {}
    if text.lstrip().startswith("{"):
        return _parse_json(text)
    rename_name = field_types is not None and "name" not in field_types
    terms = [
        (name_field if field == _BARE or (field == "name" and rename_name) else field, condition)
        for field, condition in _Parser(text, field_types, now).parse()
    ]
    fields = [field for field, _ in terms]
    if len(set(fields)) < len(fields):
        return {"$and": [{field: condition} for field, condition in terms]}
    return dict(terms)
