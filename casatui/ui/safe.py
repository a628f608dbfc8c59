"""The UI side of the boundary for server text: `rich.text.Text` built from server strings with every control
character made visible (see `casatui.core.safe_text`), markup never parsed, and markup escaped where Textual
insists on parsing it (the command palette).

Server strings go into `Text` (which never parses markup) through `safe_text`, or are cleaned with `plain` /
`multiline` before they are put into a Text, a notification (the app turns markup off for every notification) or
a dialog. Widgets that take text from their callers (dialogs, pickers, the document view, the status line) clean
what they are given, so a caller that forgets is still covered.
"""

from __future__ import annotations

from typing import Any

from rich.text import Span, Text

from ..core.safe_text import UNSAFE, visible, visible_form


def plain(value: Any) -> str:
    """A server value as one line of visible text: newlines and tabs too are shown as ␊ and ␉."""
    return visible(value if isinstance(value, str) else str(value))


def multiline(value: Any) -> str:
    """A server value for a multi-line view: newlines and tabs kept, every other control made visible."""
    return visible(value if isinstance(value, str) else str(value), newlines=True, tabs=True)


def markup_escaped(value: Any) -> str:
    """For the few places Textual parses as markup whatever it is given (the command palette's labels). Every
    `[` is escaped: Textual reads a backslash before anything else literally (its own `escape` adds a backslash
    to a trailing one, which then shows)."""
    return plain(value).replace("[", "\\[")


def safe_text(value: Text | str, style: str = "", *, newlines: bool = False, **options: Any) -> Text:
    """A Text of a server string, or a copy of a Text with its unsafe characters made visible and its styles kept
    on the same characters (the visible forms are longer than what they replace, so spans are moved)."""
    if not isinstance(value, Text):
        text = Text(visible(value, newlines=newlines, tabs=newlines), **options)
        text.stylize(style)  # a span: Textual resolves its name (a tone's) through the console's theme
        return text
    source = value.plain
    if not UNSAFE.search(source):
        return value
    keep = "\n\t" if newlines else ""
    pieces: list[str] = []
    offsets = [0] * (len(source) + 1)  # new index of each old index
    position = 0
    for index, char in enumerate(source):
        offsets[index] = position
        shown = char if char in keep or not UNSAFE.match(char) else visible_form(char)
        pieces.append(shown)
        position += len(shown)
    offsets[len(source)] = position
    cleaned = value.copy()
    cleaned.plain = "".join(pieces)
    cleaned.spans = [Span(offsets[span.start], offsets[min(span.end, len(source))], span.style) for span in value.spans]
    return cleaned
