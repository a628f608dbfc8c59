"""Themes of the user's own (`[themes.<name>]` of the config file) as Textual's `Theme`, and the check, before any
screen, that every colour reads and every `theme` setting names a theme that exists (built-in or the user's).

The tones (`casatui.core.tones`) are named colours drawn through the console's theme, not the Textual theme: a user
theme changes the widgets' colours and leaves each tone's meaning, and `casatui.ui.colour_modes` draws it as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import BUILTIN_THEMES, Theme

from ..config import Config, ConfigError, ThemeTable

# the fields of `Theme` that are colours (`dark` and `variables` are not)
COLOUR_FIELDS = (
    *("primary", "secondary", "accent", "background", "surface", "panel"),
    *("foreground", "warning", "error", "success", "boost"),
)


def build(name: str, table: ThemeTable) -> Theme:
    """The Textual theme of a `[themes.<name>]` table (already checked by `check`)."""
    fields = {key: value for key, value in asdict(table).items() if value is not None and key != "variables"}
    return Theme(name=name, variables=dict(table.variables), **fields)


def _colour_problem(value: str) -> str | None:
    try:
        Color.parse(value.strip())
    except ColorParseError:
        return f'{value!r} is not a colour Textual reads (like "#88c0d0", "rgb(136,192,208)" or ansi_red)'
    return None


def _check_theme(name: str, table: ThemeTable, where: str) -> None:
    here = f"{where}: [themes.{name}]"
    if name in BUILTIN_THEMES:
        raise ConfigError(f"{here}: {name!r} is one of Textual's themes: give yours another name")
    for key in COLOUR_FIELDS:
        value = getattr(table, key)
        problem = _colour_problem(value) if value is not None else None
        if problem:
            raise ConfigError(f"{here}: {key} {problem}")
    try:
        known = build(name, ThemeTable(primary=table.primary, dark=table.dark)).to_color_system().generate()
    except (ColorParseError, ValueError) as error:  # (each colour was read above: only Textual's own mixing is left)
        raise ConfigError(f"{here}: Textual cannot use it: {error}") from None
    for variable, value in table.variables.items():
        if variable not in known:
            raise ConfigError(f"{here}.variables: {variable!r} is not one of Textual's theme variables")
        default = known[variable]
        if variable.endswith(("-text-style", "-style", "-style-hover")):
            if not set(value.split()) <= VALID_STYLE_FLAGS:
                flags = ", ".join(sorted(VALID_STYLE_FLAGS))
                raise ConfigError(f"{here}.variables: {variable} {value!r} is not a text style (words of {flags})")
        elif default.startswith(("#", "rgb", "hsl")) or default == "transparent":
            problem = _colour_problem(value)
            if problem:
                raise ConfigError(f"{here}.variables: {variable} {problem}")


def check(config: Config) -> None:
    """ConfigError (one line) for a user theme Textual cannot use, or a `theme` that names no theme."""
    where = str(config.path)
    for name, table in config.themes.items():
        _check_theme(name, table, where)
    settings = [(config.ui.theme, "[ui]")]
    settings += [(profile.theme, f"[profiles.{name}]") for name, profile in config.profiles.items()]
    known = sorted({*BUILTIN_THEMES, *config.themes})
    for theme, origin in settings:
        if theme is not None and theme not in known:
            raise ConfigError(
                f"{where}: {origin}: theme {theme!r} is not one of Textual's themes nor of [themes]: {', '.join(known)}"
            )


def apply(app: App[Any], themes: Mapping[str, ThemeTable], theme: str | None) -> None:
    """Register the user's themes, then choose the profile's (checked before: see `check`)."""
    for name, table in themes.items():
        app.register_theme(build(name, table))
    if theme:
        app.theme = theme
