"""The colour mode the terminal gives, and the tones (`casatui.core.tones`) drawn for it.

- truecolor and 256 colours: the tones' colours, through the theme as Textual converts them;
- 16 colours: ANSI colours kept as they are (Textual otherwise converts them to the theme's RGB values, which Rich then
  matches to the nearest of 16: the theme's yellow came out bright red, its red magenta);
- `NO_COLOR`: the tones' attributes (Textual draws colours as greys, which keep no meaning).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.app import App

from ..core import tones

SIXTEEN = "16"


def mode_of(app: App[Any]) -> str:
    """`mono` (NO_COLOR), `16`, `256` or `truecolor`, as the app will draw."""
    if app.no_color:
        return "mono"
    system = app.console.color_system
    return {"standard": SIXTEEN, "windows": SIXTEEN, "256": "256"}.get(system or "", "truecolor")


def install(app: App[Any]) -> None:
    """The tones' styles for the app's console (every Rich text resolves its style names there)."""
    app.console.push_theme(Theme(dict(tones.styles(mono=app.no_color)), inherit=True))


def keep_ansi(app: App[Any], *, forced: bool = False) -> None:
    """On a terminal of 16 colours, ANSI colours pass as they are (see the module's note). Only on a terminal (headless,
    the environment's TERM says nothing about the screen), or when `forced` (a test, a screenshot)."""
    if forced or (not app.is_headless and mode_of(app) == SIXTEEN):
        app.ansi_color = True


def toned(content: str, tone: str, **options: Any) -> Text:
    """A Text drawn in a tone (or any style). The tone is a span, not the Text's own style: Textual resolves a
    span's style name through the console's theme, and parses the Text's own style without it."""
    text = Text(content, **options)
    text.stylize(tone)
    return text


def parse(console: Console, names: str) -> Style:
    """A style string whose words may be tone names ("tone.bad bold"): each word looked up as Rich does."""
    return Style.combine(_styles(console, names.split()))


def _styles(console: Console, words: Iterable[str]) -> Iterable[Style]:
    return (console.get_style(word) for word in words)
