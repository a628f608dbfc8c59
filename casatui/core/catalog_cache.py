"""The server's API document as casatui last read it, kept between runs, so the first page starts out right.

Without it, the first page is asked for before `/api-docs` is read (reading CloudCasa's takes ~0.2 s of CPU, which
start-up cannot spare): the rows come whole and the columns are guessed from them, then corrected once the
document arrives. With it, the first request already has the profile's projection and the first frame the profile's
columns; the document is still read after the first rows are painted, and replaces the kept one when it changed.

One file per API root in the state directory, mode 0600, holding what discovery made of the document (not the
document: parsing that is the cost to avoid). It is checked as it is read; anything unexpected and it is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..api.discovery import Catalog, Field, ResourceType
from ..api.limits import LimitExceeded, parse_json
from .private_files import create_private

VERSION = 1
MAX_BYTES = 32 << 20  # CloudCasa's document makes ~2 MB here


def path_for(state_dir: Path, root: str) -> Path:
    return state_dir / "catalogs" / f"{hashlib.sha256(root.encode()).hexdigest()[:20]}.json"


def save(state_dir: Path, root: str, catalog: Catalog) -> None:
    """Keep a catalog read from the server's document (a built-in list is not kept); never raises."""
    if catalog.source != "server":
        return
    record = {
        "version": VERSION,
        "root": root,
        "saved": time.time(),
        "resources": [_resource(r) for r in catalog.resources.values()],
    }
    path = path_for(state_dir, root)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.new")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _ours(path.parent):
            return
        with create_private(temporary) as stream:
            json.dump(record, stream, separators=(",", ":"))
        os.replace(temporary, path)  # whole or not at all, whoever else writes it at the same time
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink()  # a convenience: start-up reads the document as before


def load(state_dir: Path, root: str) -> Catalog | None:
    """The catalog kept for this root, or None (none kept, unreadable, or not what `save` writes)."""
    try:
        record = _record(state_dir, root)
        if record is None:
            return None
        resources = [_resource_from(entry) for entry in record["resources"]]
        saved = float(record["saved"])
    except (OSError, ValueError, LimitExceeded, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return Catalog({r.name: r for r in resources}, "server", None, [], cached_at=saved)


def names(state_dir: Path, root: str) -> list[str] | None:
    """Only the collection names of the catalog kept for this root, or None as `load` (for shell completion, which
    has no time to rebuild every field)."""
    try:
        record = _record(state_dir, root)
        return None if record is None else [_text(entry["name"]) for entry in record["resources"]]
    except (OSError, ValueError, LimitExceeded, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _record(state_dir: Path, root: str) -> dict[str, Any] | None:
    """What `save` wrote for this root, checked no further than its version and root; raises on a broken file."""
    path = path_for(state_dir, root)
    if not _ours(path.parent):
        return None
    content = _read_own_file(path)
    if content is None:
        return None
    record = parse_json(content)
    if not isinstance(record, dict) or record.get("version") != VERSION or record.get("root") != root:
        return None
    return record


def _ours(directory: Path) -> bool:
    """A directory of this user's that no one else may write into (else what is in it is not trusted)."""
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or os.name == "nt":
        return stat.S_ISDIR(info.st_mode)
    return info.st_uid == os.geteuid() and not info.st_mode & 0o022


def _read_own_file(path: Path) -> bytes | None:
    """The bytes of a regular file of this user's that only they may write, with no other link, read without
    following a link or waiting on a pipe; None for anything else (a kept catalog decides what is offered)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)  # Windows: the bytes as written (no "\r\n" turned into "\n", nor ^Z an end)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or info.st_size > MAX_BYTES:
            return None
        if os.name != "nt" and (info.st_uid != os.geteuid() or info.st_mode & 0o022):
            return None
        content = stream.read(MAX_BYTES + 1)
    return content if len(content) <= MAX_BYTES else None


def _resource(resource: ResourceType) -> dict[str, Any]:
    return {
        "name": resource.name,
        "title": resource.title,
        "operations": sorted(resource.operations),
        "actions": list(resource.actions),
        "unlisted_actions": resource.unlisted_actions,
        "description": resource.description,
        "fields": {name: _field(spec) for name, spec in resource.fields.items()},
    }


def _field(spec: Field) -> dict[str, Any]:
    record: dict[str, Any] = {"type": spec.type}
    if spec.enum:
        record["enum"] = list(spec.enum)
    if spec.has_default:
        record["default"] = spec.default
    for flag in ("read_only", "required", "nullable"):
        if getattr(spec, flag):
            record[flag] = True
    if spec.reference:
        record["reference"] = spec.reference
    if spec.description:
        record["description"] = spec.description
    if spec.fields:
        record["fields"] = {name: _field(child) for name, child in spec.fields.items()}
    if spec.items is not None:
        record["items"] = _field(spec.items)
    return record


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _resource_from(entry: Mapping[str, Any]) -> ResourceType:
    return ResourceType(
        name=_text(entry["name"]),
        title=_text(entry["title"]),
        operations=frozenset(_text(op) for op in entry["operations"]),
        actions=tuple(_text(action) for action in entry["actions"]),
        fields={_text(name): _field_from(name, spec) for name, spec in entry["fields"].items()},
        description=_text(entry["description"]),
        unlisted_actions=bool(entry["unlisted_actions"]),
    )


def _field_from(name: str, record: Mapping[str, Any]) -> Field:
    items = record.get("items")
    return Field(
        name=name,
        type=_text(record["type"]),
        enum=tuple(record.get("enum", ())),
        default=record.get("default"),
        has_default="default" in record,
        read_only=bool(record.get("read_only")),
        required=bool(record.get("required")),
        nullable=bool(record.get("nullable")),
        reference=_text(record["reference"]) if "reference" in record else None,
        description=_text(record.get("description", "")),
        fields={_text(k): _field_from(k, v) for k, v in record.get("fields", {}).items()},
        items=_field_from(f"{name}[]", items) if items is not None else None,
    )
