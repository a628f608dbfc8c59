"""Editing a document in the user's own editor: the command to run, the private file it edits, and the notes
casatui writes at the file's top (why it was opened again) and strips before parsing.

The file lives in a directory of its own (made 0700 by `tempfile.mkdtemp`), is created mode 0600 and never through a
link (`create_private`: O_EXCL and O_NOFOLLOW); a new content replaces it by a rename inside that directory, so a
failed write never leaves half of what the user typed.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..config import split_command
from .private_files import create_private

NOTE = "// casatui:"  # a line JSON cannot hold: whatever starts with it is casatui's, and removed before parsing
_NOTE_LINE = re.compile(r"^[ \t]*// casatui:.*(?:\r?\n|$)", re.MULTILINE)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


EDITOR_VARIABLES = ("CASATUI_EDITOR", "VISUAL", "EDITOR")  # the first set wins, else vi


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """$CASATUI_EDITOR, else $VISUAL, else $EDITOR, else vi, split as a shell would split it (like git: `code --wait`
    works; on Windows a path's backslashes stay). For the TUI's editor and `casatui edit` alike. A value a shell could
    not split (an unclosed quote) is a ValueError naming the variable."""
    environ = os.environ if environ is None else environ
    for name in EDITOR_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            try:
                return split_command(value)
            except ValueError as error:
                raise ValueError(f"${name} cannot be read as a command ({error})") from None
    return ["vi"]


def run_editor(command: Sequence[str], path: Path) -> int:
    """The editor on `path`, waited for, on the terminal casatui has; its exit status."""
    return subprocess.run([*command, str(path)], check=False).returncode


def annotated(notes: Sequence[str], text: str) -> str:
    """`text` under a block of notes, one `// casatui: …` line each (a note's own lines each get the prefix)."""
    lines = [f"{NOTE} {line}".rstrip() for note in notes for line in note.splitlines() or [""]]
    return "".join(line + "\n" for line in lines) + text


def without_notes(text: str) -> str:
    """`text` without casatui's note lines, wherever they are: what the user wrote, with its own line numbers."""
    return _NOTE_LINE.sub("", text)


class EditFile:
    """A private file holding one document's edit buffer, in a private directory of its own."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, label: str, text: str, *, directory: str | None = None) -> EditFile:
        """A new file named after `label` (reduced to safe characters) in a new 0700 directory, holding `text`."""
        folder = Path(tempfile.mkdtemp(prefix="casatui-edit-", dir=directory))
        name = _UNSAFE_NAME.sub("-", label).strip("-.")[:80] or "document"
        path = folder / f"{name}.json"
        with create_private(path) as stream:
            stream.write(text)
        return cls(path)

    def read(self) -> str:
        with open(self.path, encoding="utf-8", newline="") as stream:
            return stream.read()

    def replace(self, text: str) -> None:
        """The file's content replaced by `text`, at once: written beside it, then renamed over it."""
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        try:
            with create_private(temporary) as stream:
                stream.write(text)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def remove(self) -> None:
        """The file, and its directory when nothing else is in it (an editor's backup file stays, with it)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()
