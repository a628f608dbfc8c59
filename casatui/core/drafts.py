"""Drafts: every edit buffer is kept on disk while it is edited, so a crash or a closed terminal loses nothing.

One file per document (mode 0600, in a 0700 directory of the user's state directory), written atomically; it is
removed only after a successful save or an explicit discard, offered back at the next start and when the document
is opened again. Files are never reached through a symbolic link: one planted where a draft goes is refused.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..api.models import Item
from .private_files import create_private


@dataclass
class Draft:
    """An unsaved edit, kept on disk until it is saved or discarded."""

    profile: str
    root: str
    collection: str
    item_id: str | None  # None for a document being created
    base: dict[str, Any] | None  # the version the edit started from (for the three-way merge)
    text: str  # the buffer as typed
    saved_at: float = 0.0

    @property
    def key(self) -> str:
        raw = f"{self.profile}\0{self.root}\0{self.collection}\0{self.item_id or 'new'}"
        return hashlib.sha1(raw.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        name = (self.base or {}).get("name") or self.item_id or "new document"
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        return f"{self.collection} / {name}  ({self.profile}, {stamp})"


def item_from_draft(draft: Draft) -> Item | None:
    """The version a draft was edited from, as an Item (its etag makes the save conflict if it changed)."""
    if draft.item_id is None or draft.base is None:
        return None
    return Item(draft.collection, dict(draft.base), str(draft.base.get("_etag", "")))


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where links are rare and need privileges to make


def write_new_file(path: Path, text: str) -> None:
    """Create `path` (it must not exist: no link is followed, nothing is overwritten) holding `text`, mode 0600."""
    with create_private(path) as stream:
        stream.write(text)


def draft_key(profile: str, root: str, collection: str, item_id: str | None) -> str:
    return Draft(profile, root, collection, item_id, None, "").key


class DraftStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, draft: Draft) -> Path:
        return self.directory / f"{draft.key}.json"

    def _directory(self) -> Path:
        """The drafts directory, made 0700 if missing; a link in its place is refused, not followed."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = os.lstat(self.directory).st_mode
        if stat.S_ISLNK(mode):
            raise OSError(errno.ELOOP, "the drafts directory is a symbolic link", str(self.directory))
        if mode & 0o077 and os.name == "posix":  # made by something else, open to others: drafts are private
            with contextlib.suppress(OSError):
                os.chmod(self.directory, 0o700)
        return self.directory

    def save(self, draft: Draft) -> Path:
        draft.saved_at = time.time()
        directory = self._directory()
        target = self.path_for(draft)
        temporary = directory / f".draft-{secrets.token_hex(8)}.tmp"
        try:
            with create_private(temporary) as stream:
                json.dump(asdict(draft), stream, ensure_ascii=False, default=str)
            os.replace(temporary, target)  # replaces a link planted at the target, never writes through it
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return target

    def remove(self, draft: Draft) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(draft).unlink()

    def find(self, profile: str, root: str, collection: str, item_id: str | None) -> Draft | None:
        """The draft of one document (item_id None: of a new document in the collection), if there is one."""
        return self._read(self.directory / f"{draft_key(profile, root, collection, item_id)}.json")

    def all(self, profile: str | None = None, root: str | None = None) -> list[Draft]:
        """Readable drafts (of one profile and API root when given), newest first."""
        drafts = []
        for path in self.directory.glob("*.json") if self.directory.is_dir() else []:
            draft = self._read(path)
            if draft is None:
                continue
            if (profile is None or draft.profile == profile) and (root is None or draft.root == root):
                drafts.append(draft)
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            descriptor = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_BINARY", 0))  # Windows: no ^Z end
            with os.fdopen(descriptor, encoding="utf-8") as stream:
                return Draft(**json.load(stream))
        except (OSError, ValueError, TypeError):
            return None
