"""The last net at Textual's output: a line filter that turns any control character still in a painted line into
a visible mark, so nothing a widget forgot to clean reaches the terminal as a command.

It is a net, not the boundary: server strings are made visible where they enter a widget (`ui/safe.py`), in the
longer `⟨U+202E⟩` form. Here each character becomes one cell (its control picture, ␛ for ESC, or � for the rest)
and the line keeps its cell width: the characters caught had no width, the marks have one each, so as many cells
are cut from the line's end. Control segments (Textual's own cursor moves) are left alone. A line without any
such character, nearly every line, costs one regex search over its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.segment import Segment
from textual.app import App, ReturnType
from textual.color import Color
from textual.filter import LineFilter

from ..core.safe_text import UNSAFE, same_length


class ControlCharacters(LineFilter):
    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self.caught = 0  # lines in which the net found something (a test counts them; each is a missed boundary)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not UNSAFE.search("".join([segment.text for segment in segments if not segment.control])):
            return segments
        self.caught += 1
        before = Segment.get_line_length(segments)
        cleaned = [
            segment if segment.control or not UNSAFE.search(segment.text) else
            Segment(same_length(segment.text), segment.style, segment.control)
            for segment in segments
        ]  # fmt: skip
        return Segment.adjust_line_length(cleaned, before) if Segment.get_line_length(cleaned) != before else cleaned


class GuardedApp(App[ReturnType]):
    """An app whose painted lines all pass through the net, after Textual's own colour filters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output_guard = ControlCharacters()

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters = super().get_line_filters()
        return [*filters, self.output_guard] if self.output_guard.enabled else filters
