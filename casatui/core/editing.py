"""What an edit does, apart from how it looks: the buffer, its parsing, the save and what each answer means.

No Textual here: the editor screen shows these outcomes, and tests drive them directly against the server.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..api.client import CasaClient
from ..api.edits import SERVER_FIELDS, MergeResult, Side, diff, is_unchanged, merge3, resolve, strip_server_fields
from ..api.edits import Path as EditPath
from ..api.errors import (
    ApiError,
    EtagMismatch,
    NoChange,
    NoEtag,
    NotFound,
    PatchNotPossible,
    PreconditionRequired,
    ValidationFailed,
)
from ..api.limits import MAX_JSON_DEPTH, depth_over, structure
from ..api.models import Item
from .cloudcasa import SERVER_OWNED
from .safe_text import safe_json

if TYPE_CHECKING:
    from tree_sitter import Node

Method = Literal["PUT", "PATCH"]


def buffer_text(document: Mapping[str, Any]) -> str:
    """The editable part of a document, as two-space-indented JSON (server-managed fields are not in it)."""
    editable = {k: v for k, v in document.items() if k not in SERVER_FIELDS}
    return safe_json(editable, indent=2) + "\n"  # control and bidi characters as \\uXXXX: shown, and lossless


@dataclass(frozen=True)
class ParseProblem:
    message: str
    line: int  # 1-based, as people count
    column: int
    slip: bool = True  # a mistake in the text (False: it is JSON, but not what casatui takes: NaN, too deep)

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class _NotStandard(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotStandard(name)


def read_json(text: str) -> Any:
    """Any standard JSON value of `text`, or a ParseProblem saying where and why not: a syntax error, NaN or an
    infinity (Python reads them; JSON has no such numbers and servers refuse them), nesting deeper than a server's
    answer may (what handles a document recurses), or an integer longer than Python converts."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        return ParseProblem(error.msg, error.lineno, error.colno)
    except _NotStandard as error:
        line, column = _constant_position(text, str(error))
        return ParseProblem(f"{error} is not a JSON number (write a number, or null)", line, column, slip=False)
    except RecursionError:
        return _too_deep()
    except ValueError as error:  # Python's limit on an integer's digits (not a syntax error)
        return ParseProblem(str(error).split(";")[0], 1, 1, slip=False)
    if isinstance(value, (dict, list)) and depth_over(structure(text.encode("utf-8", "surrogatepass")), MAX_JSON_DEPTH):
        return _too_deep()
    return value


def _too_deep() -> ParseProblem:
    return ParseProblem(f"nested more than {MAX_JSON_DEPTH} levels deep", 1, 1, slip=False)


def parse_buffer(text: str) -> dict[str, Any] | ParseProblem:
    """The edited document: a JSON object, or the problem that stops it being one."""
    value = read_json(text)
    if isinstance(value, ParseProblem):
        return value
    if not isinstance(value, dict):
        return ParseProblem("a document must be a JSON object ({ … })", 1, 1)
    return value


def _constant_position(text: str, name: str) -> tuple[int, int]:
    """(line, column), 1-based, of the first `name` outside a string (where json.loads met it)."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif text.startswith(name, index):
            return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
    return 1, 1


def non_finite_path(value: Any, path: str = "") -> str | None:
    """Where a value holds NaN or an infinity (which standard JSON cannot carry), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or "(the document)"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = non_finite_path(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def with_identity(base: Mapping[str, Any], edited: Mapping[str, Any]) -> dict[str, Any]:
    """The edited fields plus the identity of the version they were edited from."""
    return {**edited, **{k: base[k] for k in ("_id", "_etag") if k in base}}


def server_owned(document: Mapping[str, Any]) -> list[str]:
    """The fields of a document the server owns (CloudCasa's `status`…): kept in the buffer, refused if changed."""
    return [key for key in SERVER_OWNED if key in document]


def server_owned_changed(base: Mapping[str, Any], edited: Mapping[str, Any]) -> list[str]:
    return [key for key in SERVER_OWNED if base.get(key) != edited.get(key)]


def diff_lines(old: Mapping[str, Any], new: Mapping[str, Any], context: int = 3) -> list[tuple[str, str]]:
    """A unified diff of the two documents as indented JSON: (kind, text) with kind in "+", "-", " ", "@"."""
    before = buffer_text(old).splitlines()
    after = buffer_text(new).splitlines()
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(before, after, lineterm="", n=context):
        if line.startswith(("---", "+++")):
            continue
        kind = line[:1] if line[:1] in "+-@" else " "
        lines.append((kind, line[1:] if kind != "@" else line))
    return lines


def changed_paths(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    from ..api.edits import format_path

    return [format_path(change.path) for change in diff(strip_server_fields(old), strip_server_fields(new))]


# -- where a JSON path sits in the buffer (to put the cursor on a 422 issue) ---------------------------------

Position = tuple[int, int]
Steps = Sequence[str | int]
_PLUS_EXPONENT = re.compile(rb"(?<=[0-9][eE])\+(?=[0-9])")


def locate(text: str, path: Steps) -> Position | None:
    """(line, column), 0-based and counted in characters, of the key or item at `path` in JSON `text`; see
    `locator`, which parses once for many paths."""
    return locator(text)(path)


def locator(text: str) -> Callable[[Steps], Position | None]:
    """Where each path sits in `text`: the position of its key (`"name"`) in an object or of its item in a list.
    When a path goes deeper than the text, the deepest part found; None when even its first step is missing. Steps
    may be list indexes given as digits (`schedules.0.retainDays`, as Eve's `_issues` write them).

    The text is read with tree-sitter's JSON grammar (the one the editor highlights with), which recovers from a
    syntax error elsewhere in the buffer: what its recovery keeps is found (a missing or doubled comma, a trailing
    one, a missing value or closing brace leave the rest as it was; an unclosed string or a misspelt `false` can
    tear apart what follows, and the deepest part left is given). In a list, items from a broken one on are not
    counted (their index is uncertain). Of duplicate keys the last is found, as the parsed document (and so the
    server) keeps the last. Without tree-sitter (an install without casatui's dependencies) nothing is found: the
    cursor stays where it is."""
    try:
        import tree_sitter_json
        from tree_sitter import Language, Parser
    except ImportError:
        return lambda path: None
    data = text.encode("utf-8", "surrogatepass")
    # tree-sitter-json up to 0.24.8 reads no "+" in an exponent (1e+16, as Python writes it): an error that breaks
    # the list around it. The same number with "e0" parses, with every position kept (tree-sitter/tree-sitter-json#64).
    parsed = _PLUS_EXPONENT.sub(b"0", data)
    root = Parser(Language(tree_sitter_json.language())).parse(parsed).root_node
    top = next((node for node in root.named_children if node.type in ("object", "array")), None)

    def find(path: Steps) -> Position | None:
        node, anchor = top, None
        for step in path:
            found = _member(data, node, step) if node is not None else None
            if found is None:
                break
            anchor, node = found
        if anchor is None:
            return None
        offset = anchor.start_byte
        line_start = data.rfind(b"\n", 0, offset) + 1
        return data.count(b"\n", 0, offset), len(data[line_start:offset].decode("utf-8", "surrogatepass"))

    return find


def _member(data: bytes, container: Node, step: str | int) -> tuple[Node, Node | None] | None:
    """(where it is shown, its value) of the member `step` of an object or a list node, or None."""
    if container.type == "object":
        found = None
        for child in container.named_children:
            for pair in child.named_children if child.type == "ERROR" else (child,):
                key = pair.child_by_field_name("key") if pair.type == "pair" else None
                if key is not None and key.type == "string" and _key(data, key) == step:
                    found = key, pair.child_by_field_name("value")  # the last of duplicate keys wins
        return found
    if container.type == "array":
        if isinstance(step, str):
            if not step.isdecimal():
                return None
            step = int(step)
        items = (child for child in container.named_children if child.type != "comment")
        for index, child in enumerate(items):
            if child.type == "ERROR" or child.is_missing:
                return None  # what follows a broken item has no certain index
            if index == step:
                return child, child
    return None


def _key(data: bytes, key: Node) -> str | None:
    try:
        value = json.loads(data[key.start_byte : key.end_byte].decode("utf-8", "surrogatepass"))
    except ValueError:  # an escape JSON does not have, a broken string
        return None
    return value if isinstance(value, str) else None


# -- saving ------------------------------------------------------------------------------------------------
# `save` and `resolve_conflict` say what came of a write as one of the outcomes below; the editor shows each.


@dataclass(frozen=True)
class Saved:
    item: Item  # the new version
    method: Method
    replaced: Item  # the version written over (its etag was the If-Match)


@dataclass(frozen=True)
class NothingChanged:
    pass


@dataclass(frozen=True)
class Conflict:
    """412: someone else saved first. `current` is their version; `merge` is base/yours/theirs merged."""

    current: Item
    merge: MergeResult
    yours: dict[str, Any]

    def merged(self, sides: Mapping[EditPath, Side]) -> dict[str, Any]:
        """The merge with the side chosen at each conflicting path (theirs where none is chosen)."""
        return resolve(self.merge, sides)


@dataclass(frozen=True)
class Deleted:
    """The document is gone from the server (404 on save or on fetching the current version). `document` is the
    edit that was being saved: what a re-create would POST."""

    document: dict[str, Any]


@dataclass(frozen=True)
class Invalid:
    error: ValidationFailed


@dataclass(frozen=True)
class NotSent:
    """Refused before a byte was sent: PATCH cannot express the edit, or it holds a number JSON cannot carry."""

    reason: str


@dataclass(frozen=True)
class Failed:
    error: ApiError


@dataclass(frozen=True)
class Rebased:
    """After a 412, the edit goes on on top of `base` (the server's current version), with `document` in the buffer
    (None: the buffer as it is; `theirs`: it is their version, yours dropped). `then`: what came of the write tried
    on top of it (None: nothing was written)."""

    base: Item
    document: dict[str, Any] | None
    then: Outcome | None = None
    theirs: bool = False


@dataclass(frozen=True)
class StillEditing:
    """After a 412, nothing written and nothing changed: the buffer stays on the version it was edited from (so
    saving meets the 412 again). `to_file`: the user asked to keep the buffer in a file too."""

    to_file: bool = False


Outcome = Saved | NothingChanged | Conflict | Deleted | Invalid | NotSent | Failed | Rebased | StillEditing

ResolutionKind = Literal["apply", "edit", "overwrite", "discard", "keep", "file"]


@dataclass(frozen=True)
class Resolution:
    """What the user chose after a 412: save the merge on top of theirs (apply), edit the merge first (edit), replace
    theirs with yours (overwrite), take theirs and drop yours (discard), keep editing (keep), or keep editing with
    the buffer in a file too (file). `sides`: for apply and edit, the side taken at each conflicting path."""

    kind: ResolutionKind
    sides: Mapping[EditPath, Side] = field(default_factory=dict)


def resolution_write(
    conflict: Conflict, resolution: Resolution, method: Method
) -> tuple[dict[str, Any], Method] | None:
    """What a resolution writes over the current version (the document, and the method: an overwrite is a PUT
    whatever `method`, the one preferred), or None when it writes nothing."""
    if resolution.kind == "apply":
        return conflict.merged(resolution.sides), method
    if resolution.kind == "overwrite":
        return dict(conflict.yours), "PUT"
    return None


async def save(client: CasaClient, base: Item, edited: Mapping[str, Any], method: Method) -> Outcome:
    """Write `edited` over the version `base` (If-Match: base.etag) and say what came of it; `base` is not changed
    (on success the new version is `Saved.item`).

    On a 412 the current version is fetched and merged three ways; on a 428 (no etag was sent), or when `base` has
    no etag to send, the current version is fetched and, if it is `base` unchanged, the write is made once more
    with its etag (a merge otherwise).
    """
    where = non_finite_path(edited)
    if where is not None:  # a merge can carry a server's NaN: JSON cannot, so it is never written
        return NotSent(f"{where} is NaN or an infinity, which JSON cannot carry. Nothing was sent.")
    document = with_identity(base.data, edited)
    attempt = base
    for _ in range(2):
        try:
            if method == "PUT":
                written = await client.replace(attempt, document)
            else:
                written = await client.patch(attempt, document)
        except NoChange:
            return NothingChanged()
        except PatchNotPossible as error:
            return NotSent(str(error))
        except ValidationFailed as error:
            return Invalid(error)
        except NotFound:
            return Deleted(strip_server_fields(document))
        except EtagMismatch:
            return await _conflict(client, base, document)
        except (PreconditionRequired, NoEtag):  # the server asked for an etag, or casatui has none to send
            current = await _current(client, base, document)
            if not isinstance(current, Item):
                return current
            if not is_unchanged(base.data, current.data):
                return _merge(base, document, current)
            attempt = dataclasses.replace(base, etag=current.etag)  # unchanged: write again, with its etag
            continue
        except ApiError as error:
            return Failed(error)
        return Saved(written, method, attempt)
    return Failed(ApiError("The server kept asking for an etag.", method=method, path=base.url_path))


async def resolve_conflict(client: CasaClient, conflict: Conflict, resolution: Resolution, method: Method) -> Outcome:
    """Do what the user chose after a 412 (asking them to confirm a write is the caller's part). A write goes over
    the current version with its etag; unless it is saved, the edit goes on on top of the current version, with
    what was tried in the buffer (another 412 merges again, from there)."""
    current = conflict.current
    if resolution.kind == "discard":
        return Rebased(current, strip_server_fields(current.data), theirs=True)
    if resolution.kind == "edit":
        return Rebased(current, conflict.merged(resolution.sides))
    write = resolution_write(conflict, resolution, method)
    if write is None:
        return StillEditing(to_file=resolution.kind == "file")
    document, method = write
    outcome = await save(client, current, document, method)
    if isinstance(outcome, Saved):
        return outcome
    return Rebased(current, document if resolution.kind == "apply" else None, then=outcome)


async def _current(client: CasaClient, base: Item, document: Mapping[str, Any]) -> Item | Outcome:
    """The server's current version of `base`, or the outcome when it cannot be had (deleted, or a failure)."""
    try:
        current = await client.get(base.collection, base.id)
    except NotFound:
        return Deleted(strip_server_fields(document))
    except ApiError as error:
        return Failed(error)
    assert current is not None
    return current


async def _conflict(client: CasaClient, base: Item, document: Mapping[str, Any]) -> Outcome:
    current = await _current(client, base, document)
    return _merge(base, document, current) if isinstance(current, Item) else current


def _merge(base: Item, document: Mapping[str, Any], current: Item) -> Conflict:
    yours = strip_server_fields(document)
    return Conflict(current, merge3(base.data, yours, current.data), yours)


def creatable(document: Mapping[str, Any]) -> dict[str, Any]:
    """What a POST of `document` sends: neither server-managed fields (`_id`, `_etag`…) nor server-owned ones."""
    return {key: value for key, value in document.items() if key not in (*SERVER_FIELDS, *SERVER_OWNED)}


async def recreate(client: CasaClient, collection: str, document: Mapping[str, Any]) -> Item:
    """POST a document that was deleted while being edited (a new `_id`; server-owned fields dropped)."""
    return await client.create(collection, creatable(document))


# -- what an edit may not change, and what a 412's merge took from each side ---------------------------------


def refused_changes(base: Mapping[str, Any], edited: Mapping[str, Any]) -> list[str]:
    """The fields an edit changes that only the server writes: the server-managed ones (`_id`, `_etag`…: present
    in the edit with another value than the version edited has) and the server-owned ones (`status`…). Sending
    them would be refused by the server, or worse (a changed `_id`); they are refused before anything is sent."""
    managed = [key for key in sorted(SERVER_FIELDS) if key in edited and edited[key] != base.get(key)]
    return managed + server_owned_changed(base, edited)


def yours_kept(conflict: Conflict) -> dict[str, Any]:
    """The merge of a 412 with your value at each path both sides changed (the server's changes elsewhere kept)."""
    return conflict.merged({found.path: "yours" for found in conflict.merge.conflicts})


def theirs_paths(conflict: Conflict) -> list[str]:
    """The paths a merge took from the server's version: what changed there since the edit began, where your edit
    changed nothing different (the paths both changed, differently, are `conflict.merge.conflicts`)."""
    from ..api.edits import format_path

    overlapping = {found.path for found in conflict.merge.conflicts}
    return [format_path(change.path) for change in conflict.merge.theirs_changes if change.path not in overlapping]
