"""Drafts: every edit buffer is kept on disk while it is edited, so a crash or a closed terminal loses nothing.

One file per document (mode 0600, in a 0700 directory of the user's state directory), written atomically; it is
removed after a successful save or an explicit discard, and offered back at the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..api.models import Item


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


class DraftStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, draft: Draft) -> Path:
        return self.directory / f"{draft.key}.json"

    def save(self, draft: Draft) -> Path:
        draft.saved_at = time.time()
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.path_for(draft)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".draft-", suffix=".tmp")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(asdict(draft), stream, ensure_ascii=False, default=str)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return target

    def remove(self, draft: Draft) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(draft).unlink()

    def all(self, profile: str | None = None, root: str | None = None) -> list[Draft]:
        """Readable drafts (of one profile and API root when given), newest first."""
        drafts = []
        for path in self.directory.glob("*.json") if self.directory.is_dir() else []:
            try:
                draft = Draft(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue
            if (profile is None or draft.profile == profile) and (root is None or draft.root == root):
                drafts.append(draft)
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)
