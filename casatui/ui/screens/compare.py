"""Two versions of a document side by side as a diff, with a few choices: a draft against the server's current
version when the document is opened again, or the server's new version against the one being edited."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ...core import tones
from ..safe import plain
from .confirm import ChoiceScreen

STYLES = {"+": tones.ADDED, "-": tones.REMOVED, "@": "cyan", " ": "dim"}


def text_diff(before: str, after: str, *, context: int = 3) -> Text:
    """A unified diff of two texts, lines coloured: `-` only in `before`, `+` only in `after`."""
    text = Text(no_wrap=False)
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context))
    for line in lines[2:]:  # past the ---/+++ header
        kind = line[:1] if line[:1] in "+-@" else " "
        shown = plain(line if kind == "@" else line[1:])  # a draft or a server version: their text, made visible
        text.append(("" if kind == "@" else f"{kind} ") + shown + "\n", STYLES[kind])
    if not lines:
        text.append("  (no difference)\n", style="dim")
    return text


class CompareScreen(ChoiceScreen):
    """A question about two versions: `body` says what they are, the diff shows how they differ."""

    DEFAULT_CSS = """
    CompareScreen > Vertical { width: 110; max-width: 98%; max-height: 90%; }
    CompareScreen #compare-diff { height: auto; max-height: 24; background: $panel; padding: 0 1; }
    """

    def __init__(
        self, title: str, body: Text, before: str, after: str, choices: Sequence[tuple[str, str]], **options: bool
    ) -> None:
        super().__init__(title, body, choices, **options)  # type: ignore[arg-type]
        self.diff = text_diff(before, after)

    def on_mount(self) -> None:
        scroll = VerticalScroll(Static(self.diff), id="compare-diff")
        self.query_one(Vertical).mount(scroll, before=self.query_one("#choice-keys"))
        super().on_mount()
        if self.type_to_confirm is None:
            scroll.focus()  # up, down and page keys scroll the diff; the choices' keys still answer
