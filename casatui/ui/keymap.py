"""The user's keys (`[keys]` of the config file) over the registry's: checked against it, applied with Textual's
`App.set_keymap`, and shown where the registry's keys are (help, palette; the footer reads Textual's bindings).

The config has already checked each value's shape and named its keys as Textual does (`casatui.config.key_list`);
what needs the registry is checked here, as the app starts and before any screen: the id exists, and no two actions
share a key where both can be pressed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.keys import key_to_character

from ..config import KEY_ALIASES, ConfigError, character_key
from .actions import ACTIONS, SCOPE_TITLES, ActionSpec

# The scopes whose keys work at once with a scope's own: the app's (not on a modal screen, where Textual stops the
# binding chain) and those of the screen's widgets (either way round). tests/ui/test_keymap.py checks it against the
# screens.
TOGETHER: dict[str, tuple[str, ...]] = {
    "app": (),
    "explorer": ("app", "table"),
    "table": ("app",),
    "overview": ("app",),
    "job": ("app",),
    "backup": ("app", "table"),
    "document": ("app",),
    "editor": ("app",),
    "diff": (),
    "conflict": ("app",),
    "deleted": (),
    "log": ("app",),
    "history": ("app",),
}
TYPED_IN = {"editor"}  # scopes whose screen has a text area focused: a character key is typed, not an action

# Keys that Textual's own bindings (no id, not rebindable) hold on a node nearer the focus than an action's: pressed
# there, they never reach the action. tests/ui/test_keymap.py derives each set from the classes again.
SCREEN_KEYS = frozenset({"tab", "shift+tab", "ctrl+c", "super+c"})  # every screen: focus, copy
TABLE_KEYS = frozenset(
    {"up", "down", "left", "right", "home", "end", "pageup", "pagedown"}
    | {"ctrl+pageup", "ctrl+pagedown", "ctrl+home", "ctrl+end"}
)
TEXT_KEYS = frozenset(
    {"up", "down", "left", "right", "home", "end", "pageup", "pagedown", "backspace", "delete", "f6", "f7"}
    | {"ctrl+a", "ctrl+c", "ctrl+d", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+v", "ctrl+w", "ctrl+x", "ctrl+y", "ctrl+z"}
    | {"ctrl+left", "ctrl+right", "ctrl+pageup", "ctrl+pagedown", "ctrl+backspace", "ctrl+shift+k"}
    | {"ctrl+shift+left", "ctrl+shift+right", "alt+backspace", "alt+delete"}
    | {"shift+up", "shift+down", "shift+left", "shift+right", "shift+home", "shift+end"}
    | {"super+backspace", "super+c", "super+x", "super+y", "super+z"}
)
TAKEN: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "app": (
        ("every screen (focus and copy)", SCREEN_KEYS),
        ("the explorer (esc)", frozenset({"escape"})),
        ("the table", TABLE_KEYS),
        ("the editor's text", TEXT_KEYS),
    ),
    "explorer": (("the table", TABLE_KEYS),),
    "backup": (("the table", TABLE_KEYS),),
    "editor": (("the editor's text", TEXT_KEYS),),
}


def _names(keys: str) -> list[str]:
    """The registry's keys ("escape,q", "question_mark") as the config names them (aliases resolved)."""
    names = []
    for key in keys.split(","):
        key = key.strip()
        key = character_key(key) if len(key) == 1 else key
        names.append(KEY_ALIASES.get(key, key))
    return names


def effective(spec: ActionSpec, keymap: Mapping[str, str]) -> list[str]:
    """The keys of one action: the user's, else the registry's."""
    return _names(keymap[spec.id]) if spec.id in keymap else _names(spec.keys)


def check(keymap: Mapping[str, str], where: str) -> None:
    """ConfigError (one line, starting with `where`) for an id the registry lacks, or two actions on one key where
    both work."""
    ids = {spec.id for spec in ACTIONS}
    for action in keymap:
        if action not in ids:
            close = difflib.get_close_matches(action, sorted(ids), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "the help screen (?) and the README list them"
            raise ConfigError(f"{where}: [keys]: {action!r} is not an action ({hint})")
    keys = [(spec, effective(spec, keymap), _names(spec.keys)) for spec in ACTIONS]
    for spec, mine, _ in keys:
        if spec.id not in keymap:
            continue
        for holder, held in TAKEN.get(spec.scope, ()):
            taken = next((key for key in mine if key in held), None)
            if taken is not None:
                raise ConfigError(
                    f"{where}: [keys]: {spec.id} = {shown_key(taken)!r} would not reach it: {holder} keeps that key "
                    "for itself; choose another"
                )
        if spec.scope in TYPED_IN:
            typed = next((key for key in mine if key_to_character(key) is not None), None)
            if typed is not None:
                raise ConfigError(
                    f"{where}: [keys]: {spec.id} = {shown_key(typed)!r} would be typed into the document, not run: "
                    "use a key with ctrl or alt, or a function key"
                )
    for index, (first, first_keys, first_defaults) in enumerate(keys):
        for second, second_keys, second_defaults in keys[index + 1 :]:
            if first.id == second.id or not _together(first.scope, second.scope):
                continue
            # the registry's own overlaps are meant (a screen's q closes it, over the app's q that quits)
            shared = set(first_keys) & set(second_keys) - (set(first_defaults) & set(second_defaults))
            if shared:
                raise ConfigError(
                    f"{where}: [keys]: {shown_key(min(shared))} is both {first.id} and {second.id} "
                    f"({_scopes(first.scope, second.scope)}): give one of them another key"
                )


def _together(first: str, second: str) -> bool:
    return first == second or second in TOGETHER[first] or first in TOGETHER[second]


def _scopes(first: str, second: str) -> str:
    if first == second:
        return f"both in {SCOPE_TITLES[first]}"
    return f"{SCOPE_TITLES[first]} and {SCOPE_TITLES[second]} work at once"


def shown_key(key: str) -> str:
    """A key as a person reads it: "?" for question_mark, "ctrl+e", "f5"."""
    modifiers, _, base = key.rpartition("+")
    character = key_to_character(base) if base else None
    shown = character if character is not None and not character.isspace() else base
    return f"{modifiers}+{shown}" if modifiers else shown


def shown_keys(spec: ActionSpec, keymap: Mapping[str, str]) -> str:
    """What the help screen and the palette show for an action: the registry's way, or the user's keys."""
    if spec.id not in keymap:
        return spec.shown_keys
    return ", ".join(shown_key(key) for key in _names(keymap[spec.id]))


def apply(app: App[Any], keymap: Mapping[str, str]) -> None:
    """Rebind by id (the registry's bindings carry it). Checked before: see `check`."""
    if keymap:
        app.set_keymap(dict(keymap))
