"""Profiles, environment variables, token sources and paths: everything casatui needs before it connects.

The file is TOML, at `--config FILE` if given, else `$CASATUI_CONFIG` if set, else `config.toml` in
`platformdirs.user_config_dir("casatui")`:

    default_profile = "prod"
    [ui]                                  # theme, auto_refresh_seconds, external_editor, [ui.columns], [ui.sort]
    [aliases]                             # short names of collections: kb = "kubebackups"
    [keys]                                # "explorer.edit" = "E": an action's id and its keys, for every profile
    [themes.mine]                         # primary = "#88c0d0", dark = true, …: a theme `theme` may name
    [profiles.prod]
    url = "https://api.cloudcasa.io"
    token_env = "CC_PROD_TOKEN"           # or token_command = ["pass", "show", "cc"], token_keyring = "service/user",
    read_only = true                      # or token = "…" (mode 0600 only)

Each setting is declared once, as a field of `Config`, `UiDefaults`, `Profile` or `ColumnTable` made by `setting()`:
its TOML type comes from the field's type, and its description and range from the field. `load_config()` reads and
checks the file against those declarations (unknown keys, wrong types, numbers out of range or not finite, empty
strings, control characters, bad URLs, bytes that are not UTF-8, deep nesting and TOML syntax errors are
`ConfigError`s naming the file, the table and the key); `resolve()` merges it with the command line and the
environment into a `Resolved`, refusing a token that an HTTP header cannot carry.

Precedence, key by key: **flags > environment > profile > defaults**.

- profile: `--profile` > `$CASATUI_PROFILE` > `default_profile` > the only profile > a built-in empty "default".
- url: `--url` > `$CLOUDCASA_URL` > profile `url` > https://api.cloudcasa.io/api/v1 (normalised by `normalize_root`).
- token: `$CLOUDCASA_API_TOKEN` > the profile's single source (`token_env`, `token_command`, `token_keyring` or
  `token`) > none. `token_keyring` imports the optional `keyring` package only when it is used.
- read_only, protected: flag (read_only only) > `$CASATUI_READ_ONLY` / `$CASATUI_PROTECTED` (1/0, true/false,
  yes/no, on/off) > profile > False.
- trust_api_docs: `--ignore-api-docs` > profile > True.
- insecure, allow_http, ca_cert: flag > profile > False / None. An explicit `--ca-cert` beats a profile's
  `insecure` unless `--insecure` is given too; `verify` is False when insecure, else the CA path, else True.
- connect_timeout, read_timeout: profile > `casatui.api.client.Timeouts` defaults.
- theme, auto_refresh_seconds, external_editor, columns, sort: profile > `[ui]` > defaults; columns and sort merge
  per resource.
- aliases: `[aliases]` (a plain word each, never a collection's own name) over the built-in short names.
- keys, themes: top level only (one keyboard and one set of colours for every profile; a profile's `theme` may name a
  user theme). Here their shape is checked: ids like "explorer.edit", key names Textual can receive (see `key_list`),
  colours like "#88c0d0". Which ids exist, which keys conflict and how Textual reads a colour are checked by the UI
  (`casatui.ui.keymap`, `casatui.ui.themes`) as the app starts, before any screen: they need its registry and Textual.

Empty environment variables count as unset. The token never appears in a repr, a message or a description.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import shlex
import stat
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints

from .api.errors import TOKEN_VARIABLE
from .api.models import Timeouts
from .api.query import FilterError
from .api.sort import parse_sort
from .api.urls import DEFAULT_ROOT, RootError, normalize_root

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

if TYPE_CHECKING:  # imported where used: shell completion imports this module on every TAB
    import subprocess

APP_NAME = "casatui"
DEFAULT_PROFILE = "default"
DEFAULT_AUTO_REFRESH = 10.0
COMMAND_TIMEOUT = 20.0  # seconds a token_command may take
TOKEN_ENV = TOKEN_VARIABLE  # "CLOUDCASA_API_TOKEN"
URL_ENV = "CLOUDCASA_URL"
PROFILE_ENV = "CASATUI_PROFILE"
CONFIG_ENV = "CASATUI_CONFIG"
STATE_ENV = "CASATUI_STATE_DIR"
MAX_CONFIG_BYTES = 1 << 20  # a config file is a few kilobytes; this bounds what a mistake can cost
MAX_CONFIG_DEPTH = 8  # tables and arrays: top > profiles > name > columns > resource > [column > {…}]
# a collection as a flag or a column's `ref` may name it: one path segment, never "." or "..", inside the API root
COLLECTION_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
Columns = dict[str, list[Any]]  # resource -> [dotted path | {key, title, kind, ref, end, width, flex, sortable}]
# how a column may show its value: the kinds `casatui.core.columns.render_cell` draws (any other would show as text)
COLUMN_KINDS = ("text", "state", "time", "duration", "bool", "count", "size", "ref", "states", "schedules")
Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


class ConfigError(ValueError):
    """One line, naming the problem (file, profile, key) and what to do. Never contains a token."""


def _environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """`$CASATUI_CONFIG` if set, else `config.toml` in the platform's user config directory."""
    explicit = _environ(env).get(CONFIG_ENV, "")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs  # (here: a few ms to import, not needed when the variable is set)

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where drafts, history and logs go: `$CASATUI_STATE_DIR`, else the user state directory (not created here)."""
    explicit = _environ(env).get(STATE_ENV, "")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))


@dataclass(frozen=True)
class TokenSource:
    kind: Literal["flag-env", "env", "command", "keyring", "file", "none"]
    detail: str  # "$CLOUDCASA_API_TOKEN", "$CC_PROD_TOKEN", "command `pass show cc`", "`token` in /path/config.toml"

    def describe(self) -> str:
        if self.kind == "none":
            sources = "token_env, token_command or token_keyring"
            return f"no token is set (export ${TOKEN_ENV}, or give the profile a {sources})"
        return f"the token comes from {self.detail}"


# --- the settings, each declared once ------------------------------------------------------------------------------


def setting(
    doc: str,
    *,
    default: Any = None,
    default_factory: Callable[[], Any] | None = None,
    range: tuple[float, float, str] | None = None,
    token_source: bool = False,
    may_be_empty: bool = False,
    repr: bool = True,
) -> Any:
    """A dataclass field that is a key of the config file. `range` is (lowest, highest, unit): a value outside is a
    mistake, not a preference (without one a number must be more than 0). A `token_source` is one of the profile's
    keys of which at most one may be set. A string that `may_be_empty` may be ""."""
    metadata = {"doc": doc, "range": range, "token_source": token_source, "may_be_empty": may_be_empty}
    if default_factory is not None:
        return field(default_factory=default_factory, repr=repr, metadata=metadata)
    return field(default=default, repr=repr, metadata=metadata)


@dataclass(frozen=True)
class ColumnTable:
    """A column given as a table in `[ui.columns]` or a profile's columns (a column may also be a dotted path): what
    `casatui.core.columns.from_config` reads. Only checked here; the config keeps the table as written."""

    key: str = setting("the dotted path of the field shown", default=MISSING)
    title: str | None = setting("the column's heading (the key if not given)", may_be_empty=True)
    kind: str | None = setting("how the value is shown: text (if not given), state, time, duration, ref, …")
    ref: str | None = setting("for kind = ref: the collection the id points into")
    end: str | None = setting("for kind = duration: the dotted path of the end time")
    width: int | None = setting("the preferred width; the table fits columns to the screen", range=(1, 1000, "cells"))
    flex: bool | None = setting("takes the room left over (a message, a description)")
    sortable: bool | None = setting("whether the table may be sorted by it (true if not given)")


@dataclass(kw_only=True)
class UiDefaults:
    """The `[ui]` table; a profile may set each of these for itself."""

    theme: str | None = setting("one of Textual's themes")
    auto_refresh_seconds: float | None = setting(
        "seconds between two refreshes of the table",
        range=(1.0, 86400.0, "seconds"),  # a refresh takes a request and a repaint: at most 1/s
    )
    columns: Columns = setting(
        "per resource, the columns of its table: dotted paths or column tables", default_factory=dict
    )
    sort: dict[str, str] = setting('per resource, its default sort, like "-start_time"', default_factory=dict)
    external_editor: bool | None = setting("e edits in $CASATUI_EDITOR, $VISUAL or $EDITOR (false: in casatui)")


@dataclass
class Profile(UiDefaults):
    """A `[profiles.<name>]` table, with every setting of `[ui]` as well."""

    name: str
    url: str | None = setting("the API root, or a host name")
    token_env: str | None = setting("the environment variable holding the token", token_source=True)
    token_command: list[str] | None = setting(
        "a command (an array of words, or a string split like a shell) that prints the token", token_source=True
    )
    token_keyring: str | None = setting(
        'the OS keyring entry holding the token, as "service/user" (needs casatui[keyring])', token_source=True
    )
    token: str | None = setting(
        "the token itself, only if the file is readable by you alone", token_source=True, repr=False
    )
    read_only: bool | None = setting("refuse every write inside the client, before a byte is sent")
    protected: bool | None = setting("a red banner with the profile's name; each write needs the document's name")
    trust_api_docs: bool | None = setting(
        "offer and send only the writes the server's /api-docs allows (false: send any, for a document that is wrong)"
    )
    ca_cert: str | None = setting("a PEM bundle of CA certificates (relative to the config file)")
    insecure: bool | None = setting("no TLS verification")
    allow_http: bool | None = setting("plain http to a host that is not loopback")
    connect_timeout: float | None = setting("seconds to connect", range=(0.1, 300.0, "seconds"))
    read_timeout: float | None = setting("seconds to wait for an answer", range=(0.1, 3600.0, "seconds"))


@dataclass(frozen=True)
class ThemeTable:
    """A `[themes.<name>]` table: the fields of Textual's `Theme` (checked here as text; Textual reads the colours)."""

    primary: str = setting('the main colour, like "#88c0d0"', default=MISSING)
    secondary: str | None = setting("a colour (derived from primary if not given)")
    accent: str | None = setting("a colour (derived from primary if not given)")
    background: str | None = setting("the screen's colour")
    surface: str | None = setting("the colour of widgets")
    panel: str | None = setting("the colour of panels and the footer")
    foreground: str | None = setting("the colour of text")
    warning: str | None = setting("a colour")
    error: str | None = setting("a colour")
    success: str | None = setting("a colour")
    boost: str | None = setting("a colour laid over others to lift them")
    dark: bool | None = setting("a dark theme (true if not given)")
    variables: dict[str, str] = setting(
        'Textual\'s theme variables, like "footer-key-foreground" = "#ffffff"', default_factory=dict
    )


@dataclass
class Config:
    path: Path | None = None  # None when no file exists
    default_profile: str | None = setting("the profile used when neither --profile nor $CASATUI_PROFILE names one")
    profiles: dict[str, Profile] = setting("the profiles, by name", default_factory=dict)
    ui: UiDefaults = setting("settings of the interface, for every profile", default_factory=UiDefaults)
    aliases: dict[str, str] = setting('short names of collections, like kb = "kubebackups"', default_factory=dict)
    keys: dict[str, str] = setting(
        'an action\'s id and its keys, like "explorer.edit" = "E" (for every profile)',
        default_factory=dict,
    )
    themes: dict[str, ThemeTable] = setting("themes of your own, by name, for `theme` to name", default_factory=dict)


@dataclass(frozen=True)
class Setting:
    """One key of the config file, as its field declares it."""

    key: str
    kind: str  # the key of `_EXPECTED`, or "command"
    doc: str
    range: tuple[float, float, str] | None
    token_source: bool
    may_be_empty: bool


# the TOML type of a setting's Python type; a list of strings is a command: an array of words, or a string of them
_KINDS = {str: "string", bool: "boolean", float: "number", int: "integer", dict: "table", list: "command"}


@cache
def settings(table: type) -> dict[str, Setting]:
    """The keys of a table of the config file: the fields of its dataclass made by `setting()`, in order."""
    hints = get_type_hints(table)
    return {
        item.name: Setting(item.name, _kind(hints[item.name]), **item.metadata)
        for item in fields(table)
        if "doc" in item.metadata
    }


def _kind(hint: Any) -> str:
    if get_origin(hint) in (Union, UnionType):  # X | None
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    return "table" if is_dataclass(hint) else _KINDS[get_origin(hint) or hint]


def token_keys() -> list[str]:
    """A profile's token sources, of which at most one may be set."""
    return [key for key, setting in settings(Profile).items() if setting.token_source]


# --- reading and checking the file ---------------------------------------------------------------------------------

_TOML_TYPES = {str: "string", bool: "boolean", int: "integer", float: "float", list: "array", dict: "table"}
_EXPECTED = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "boolean": ("a boolean (true or false)", lambda v: isinstance(v, bool)),
    "number": ("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "integer": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "table": ("a table", lambda v: isinstance(v, dict)),
}


class _File:
    """Checks one parsed file; every message starts with its path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}: {message}")

    def shape(self, data: Mapping[str, Any]) -> None:
        """Depth and characters of everything in the file, before any key is looked at: no control character
        (they would reach the terminal in messages and titles) and no nesting beyond `MAX_CONFIG_DEPTH`."""
        pending: list[tuple[Any, str, int]] = [(data, "", 0)]
        while pending:
            value, where, depth = pending.pop()
            if depth > MAX_CONFIG_DEPTH:
                raise self.error(where, f"arrays or tables nested too deeply (at most {MAX_CONFIG_DEPTH})")
            items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
            for key, item in items:
                if isinstance(key, str) and (_unprintable(key) or not key.strip()):
                    raise self.error(where or "top level", "a key is empty or holds a control or invisible character")
                here = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else key
                if isinstance(item, str) and _unprintable(item):
                    raise self.error(here, "holds a control character or an invisible one")  # never the value
                pending.append((item, here, depth + 1))

    def keys(self, table: Mapping[str, Any], allowed: Mapping[str, Setting], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(allowed)
                raise self.error(where, f"unknown key '{key}' ({hint})")

    def value(self, table: Mapping[str, Any], setting: Setting, where: str) -> Any:
        key = setting.key
        if key not in table:
            return None
        value = table[key]
        if setting.kind == "command":
            return self.command(value, where)
        expected, check = _EXPECTED[setting.kind]
        if not check(value):
            got = _TOML_TYPES.get(type(value), "date/time")  # never the value: it may be a token
            raise self.error(where, f"{key} must be {expected} (found a TOML {got})")
        if setting.kind == "string" and not value.strip() and not setting.may_be_empty:
            raise self.error(where, f"{key} is empty: give a value or remove the line")
        if setting.kind in ("number", "integer"):
            if isinstance(value, float) and not math.isfinite(value):  # TOML has nan and inf
                raise self.error(where, f"{key} must be a finite number (found {value})")
            low, high, unit = setting.range or (0, math.inf, "")
            if not (value > 0 and low <= value <= high):
                shown = f"{value:g}" if abs(value) < 1e15 else "a huge number"
                wanted = f"from {low:g} to {high:g} {unit}" if setting.range else "more than 0"
                raise self.error(where, f"{key} must be {wanted} (found {shown})")
        return float(value) if setting.kind == "number" else value

    def settings_of(self, table_type: type, table: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The settings `table_type` declares that `table` sets, each checked; any other key is an error."""
        declared = settings(table_type)
        self.keys(table, declared, where)
        found = {key: self.value(table, setting, where) for key, setting in declared.items() if key in table}
        if "columns" in found:
            found["columns"] = self.columns(found["columns"], where)
        if "sort" in found:
            found["sort"] = self.sorts(found["sort"], where)
        return found

    def command(self, raw: Any, where: str) -> list[str]:
        if isinstance(raw, str):
            try:
                argv = split_command(raw)
            except ValueError as error:
                raise self.error(where, f"token_command cannot be split into words: {error}") from None
        elif isinstance(raw, list) and all(isinstance(word, str) for word in raw):
            argv = list(raw)
        else:
            raise self.error(where, "token_command must be an array of strings or a string")
        if not argv or not argv[0]:
            raise self.error(where, "token_command is empty")
        return argv

    def resource(self, name: str, where: str) -> None:
        """A key of a columns or sort table names one collection, as `--resource` does."""
        if not COLLECTION_NAME.fullmatch(name):
            raise self.error(where, f"{name!r} is not a collection name (letters, digits, _ . -), like jobs")

    def dotted(self, key: str, text: str, where: str) -> None:
        """A column's field: a dotted path of non-empty names, like "status.state"."""
        if any(not part.strip() for part in text.split(".")):
            raise self.error(where, f"{key} {text!r} is not a dotted path of field names, like status.state")

    def column(self, spec: Mapping[str, Any], here: str) -> None:
        self.keys(spec, settings(ColumnTable), here)
        if not isinstance(spec.get("key"), str) or not spec["key"]:
            raise self.error(here, 'a column table needs key = "a.dotted.path"')
        for setting in settings(ColumnTable).values():
            self.value(spec, setting, here)
        self.dotted("key", spec["key"], here)
        kind = spec.get("kind", "text")
        if kind not in COLUMN_KINDS:
            close = difflib.get_close_matches(kind, COLUMN_KINDS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "one of " + ", ".join(COLUMN_KINDS)
            raise self.error(here, f"kind {kind!r} is not a kind of column ({hint})")
        if "ref" in spec and not COLLECTION_NAME.fullmatch(spec["ref"]):
            raise self.error(here, f"ref {spec['ref']!r} is not a collection name (letters, digits, _ . -)")
        if (kind == "ref") != ("ref" in spec):  # one without the other would be ignored, or show bare ids
            raise self.error(here, 'kind = "ref" and ref = "<collection>" go together: give both or neither')
        if "end" in spec:
            self.dotted("end", spec["end"], here)
        if (kind == "duration") != ("end" in spec):
            raise self.error(
                here, 'kind = "duration" and end = "<field of the end time>" go together: give both or neither'
            )

    def columns(self, table: Mapping[str, Any], where: str) -> Columns:
        result: Columns = {}
        for resource, specs in table.items():
            here = f"{where}.columns.{resource}"
            self.resource(resource, where + ".columns")
            if not isinstance(specs, list):
                raise self.error(where + ".columns", f"{resource} must be an array of columns")
            for spec in specs:
                if isinstance(spec, dict):
                    self.column(spec, here)
                elif not isinstance(spec, str) or not spec:
                    keys = ", ".join(settings(ColumnTable))
                    raise self.error(here, f"each column is a dotted path or a table {{{keys}}}")
                else:
                    self.dotted("column", spec, here)
            result[resource] = list(specs)
        return result

    def sorts(self, table: Mapping[str, Any], where: str) -> dict[str, str]:
        for resource, text in table.items():
            self.resource(resource, where + ".sort")
            if not isinstance(text, str):
                raise self.error(where + ".sort", f'{resource} must be a string like "-start_time"')
            if not text.strip():
                raise self.error(where + ".sort", f"{resource} is empty: give a sort or remove the line")
            try:
                parse_sort(text)
            except FilterError as error:
                raise self.error(where + ".sort", f"{resource}: {error}") from None
        return dict(table)

    def keymap(self, table: Mapping[str, Any]) -> dict[str, str]:
        """`[keys]`: each key an action id ("explorer.edit"), each value its keys, as Textual names them."""
        result = {}
        for action, keys in table.items():
            if not ACTION_ID.fullmatch(action):
                raise self.error("[keys]", f'{action!r} is not an action id like "explorer.edit" (<where>.<action>)')
            if not isinstance(keys, str):
                got = _TOML_TYPES.get(type(keys), "date/time")
                raise self.error("[keys]", f'{action} must be a string of keys like "E" or "ctrl+e,f2" (found {got})')
            try:
                result[action] = key_list(keys)
            except ValueError as error:
                raise self.error("[keys]", f"{action}: {error}") from None
        return result

    def theme(self, name: str, table: Any) -> ThemeTable:
        where = f"[themes.{name}]"
        if not THEME_NAME.fullmatch(name):
            raise self.error(where, f"{name!r} is not a theme name (letters, digits, - and _)")
        if not isinstance(table, dict):
            raise self.error(where, "a theme must be a table")
        if "primary" not in table:
            raise self.error(where, 'a theme needs primary = "#rrggbb" (the other colours follow from it)')
        found = self.settings_of(ThemeTable, table, where)
        for key, value in found.items():
            if isinstance(value, str) and not COLOUR.fullmatch(value.strip()):
                raise self.error(where, f'{key} {value!r} is not a colour (like "#88c0d0", "rgb(136,192,208)" or red)')
        for key, value in found.get("variables", {}).items():
            if not THEME_VARIABLE.fullmatch(key):
                raise self.error(where + ".variables", f"{key!r} is not a variable name (like footer-key-foreground)")
            if not isinstance(value, str) or not value.strip() or re.search(r"[;{}$]", value):
                raise self.error(where + ".variables", f"{key} must be a colour or a value like bold, as a string")
        return ThemeTable(**found)

    def profile(self, name: str, table: Any) -> Profile:
        where = f"[profiles.{name}]"
        if not isinstance(table, dict):
            raise self.error(where, "a profile must be a table")
        self.keys(table, settings(Profile), where)
        sources = [key for key in token_keys() if key in table]
        if len(sources) > 1:
            raise self.error(where, f"{' and '.join(sources)} are set: keep exactly one token source")
        if table.get("insecure") is True and "ca_cert" in table:
            raise self.error(where, "ca_cert and insecure = true contradict each other: keep one")
        profile = Profile(name=name, **self.settings_of(Profile, table, where))
        if profile.token_keyring is not None:
            _keyring_entry(profile.token_keyring, self, where)
        if profile.url is not None:
            try:  # the syntax of every profile's URL, now; whether plain http is allowed is decided at `resolve`
                normalize_root(profile.url, allow_http=True)
            except RootError as error:
                raise self.error(where, f"url: {error}") from None
        if profile.token is not None and not _private(self.path):
            raise ConfigError(
                f"{self.path} holds a token in {where} but other users may read it: "
                f"run `chmod 600 {shlex.quote(str(self.path))}`, or use token_env or token_command instead"
            )
        return profile


def split_command(text: str) -> list[str]:
    """A command given as one string (`$EDITOR`, a `token_command`) as its words: as a POSIX shell splits it, or on
    Windows as its programs split their command lines, where a backslash is a path's and stays (`C:\\tools\\vim.exe`,
    which `shlex.split` would make `C:toolsvim.exe`). An unclosed quote is a ValueError on both."""
    return _split_windows(text) if os.name == "nt" else shlex.split(text)


def _split_windows(text: str) -> list[str]:
    """The inverse of `subprocess.list2cmdline` (the Microsoft C runtime's rules): words part at spaces and tabs
    outside double quotes; backslashes are literal except before a quote, where each pair is one backslash and an
    odd one makes the quote literal."""
    words: list[str] = []
    word: list[str] = []
    started = quoted = False
    backslashes = 0
    for char in text:
        if char == "\\":
            backslashes += 1
            started = True
            continue
        if char == '"':
            word.append("\\" * (backslashes // 2))
            if backslashes % 2:
                word.append('"')
            else:
                quoted = not quoted
        elif char in " \t" and not quoted:
            word.append("\\" * backslashes)
            if started:
                words.append("".join(word))
            word, started, backslashes = [], False, 0
            continue
        else:
            word.append("\\" * backslashes + char)
        backslashes = 0
        started = True
    if quoted:
        raise ValueError("No closing quotation")
    if started:
        words.append("".join(word) + "\\" * backslashes)
    return words


def _unprintable(text: str) -> bool:
    """C0 and C1 controls, DEL, and format characters (zero-width spaces, bidi overrides and isolates)."""
    return any(not char.isprintable() and char != " " for char in text)


def _private(path: Path) -> bool:
    if os.name == "nt":  # Windows reports 0o666 whoever may read the file: its ACLs would tell, its mode bits do not
        return True
    return path.stat().st_mode & 0o077 == 0


def _read(path: Path) -> str:
    """The file's text: a regular file, at most `MAX_CONFIG_BYTES`, UTF-8 (TOML's only encoding)."""
    try:
        with path.open("rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise ConfigError(f"{path}: not a regular file")
            raw = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES >> 20} MiB; a config file is a few kilobytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{raw[error.start]:02x} on line {line}); save it as UTF-8"
        ) from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: arrays or tables nested too deeply (at most {MAX_CONFIG_DEPTH})") from None
    except ValueError as error:  # an integer of more than 4,300 digits
        raise ConfigError(f"{path}: a value cannot be read: {str(error).split(';')[0]}") from None


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None, *, origin: str = "") -> Config:
    """Read and check the config file.

    `path` None means `config_path(env)`, and then a missing file is an empty `Config` - unless `$CASATUI_CONFIG`
    named it. A `path` given explicitly must exist; `origin` is what gave it ("--config"), for the message.
    """
    explicit = path is not None or bool(_environ(env).get(CONFIG_ENV))
    path = path if path is not None else config_path(env)
    if not path.exists():
        if not explicit:
            return Config()
        origin = f"{origin} names " if origin else f"${CONFIG_ENV} names " if _environ(env).get(CONFIG_ENV) else ""
        raise ConfigError(f"{origin}{path}, which does not exist: create it or correct the path")
    data = _parse(path, _read(path))
    checker = _File(path)
    checker.shape(data)
    top = checker.settings_of(Config, data, "top level")
    return Config(
        path=path,
        default_profile=top.get("default_profile"),
        profiles={name: checker.profile(name, table) for name, table in top.get("profiles", {}).items()},
        ui=UiDefaults(**checker.settings_of(UiDefaults, top.get("ui", {}), "[ui]")),
        aliases=_aliases(checker, top.get("aliases", {})),
        keys=checker.keymap(top.get("keys", {})),
        themes={name: checker.theme(name, table) for name, table in top.get("themes", {}).items()},
    )


# --- key names and colours, without Textual --------------------------------------------------------------------------

ACTION_ID = re.compile(r"[a-z][a-z_]*\.[a-z][a-z0-9_]*")  # "<scope>.<name>", as `casatui.ui.actions` makes them
THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
THEME_VARIABLE = re.compile(r"[a-z][a-z0-9-]{0,63}")
# a colour as Textual writes one: hex, rgb()/rgba()/hsl()/hsla(), or a name (Textual's own check follows in the UI)
COLOUR = re.compile(r"#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|(rgba?|hsla?)\([0-9.%, ]+\)|[a-z][a-z0-9_]*")
# Modifiers in the order Textual names them in a key event ("ctrl+shift+up"): alphabetical.
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
# Keys that are not characters, as Textual names them (tests/ui/test_keymap.py keeps this equal to Textual's).
_KEY_WORDS = """escape enter tab backspace delete insert home end pageup pagedown up down left right space
    caps_lock scroll_lock num_lock print_screen pause menu kp_begin add subtract multiply divide decimal equal separator
    media_play media_pause media_play_pause media_reverse media_stop media_fast_forward media_rewind media_track_next
    media_track_previous media_record lower_volume raise_volume mute_volume"""
NAMED_KEYS = frozenset([*_KEY_WORDS.split(), *(f"f{number}" for number in range(1, 36))])
# Textual's names for punctuation that differ from Unicode's (`textual.keys.KEY_NAME_REPLACEMENTS`)
_CHARACTER_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
# two names of one key: Textual matches either (`textual.keys.KEY_ALIASES`)
KEY_ALIASES = {"ctrl+i": "tab", "ctrl+m": "enter", "ctrl+space": "ctrl+at", "newline": "ctrl+j"}


def character_key(char: str) -> str:
    """The name Textual gives the key that types `char`: "e", "E", "question_mark", "slash"."""
    if char.isalnum():
        return char
    try:
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return char
    return _CHARACTER_NAME_REPLACEMENTS.get(name, name)


@cache
def _character_names() -> frozenset[str]:
    return frozenset(character_key(chr(code)) for code in range(33, 127) if not chr(code).isalnum())


def key_name(text: str) -> str:
    """One key as Textual will receive it ("ctrl+e", "E", "question_mark" for "?", "f5"), or ValueError saying why no
    key event would ever carry it. Modifiers are put in Textual's order; an alias becomes the name Textual sends."""
    if text == "+":
        return "plus"
    *modifiers, base = text.split("+") if not text.endswith("++") else [*text[:-2].split("+"), "+"]
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    base = base.strip()
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            raise ValueError(f"{modifier!r} in {text!r} is not a modifier ({', '.join(MODIFIERS)})")
    if len(set(modifiers)) != len(modifiers):
        raise ValueError(f"{text!r} names a modifier twice")
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise ValueError(f"{text!r}: write space, or a key Textual can name")
        if modifiers and base.isupper():
            raise ValueError(f"{text!r} never arrives: write {'+'.join([*modifiers, base.lower()])}")
        base = character_key(base)
    elif base.lower() in NAMED_KEYS or base.lower() in _character_names():
        base = base.lower()
    else:
        close = difflib.get_close_matches(base.lower(), [*NAMED_KEYS, *_character_names()], n=1)
        hint = f"did you mean {close[0]!r}?" if close else "a character, or a name like f5, pageup, question_mark"
        raise ValueError(f"{text!r} is not a key Textual can name ({hint})")
    if modifiers == ["shift"] and (len(base) == 1 or base in _character_names()):
        raise ValueError(f"{text!r} never arrives: a shifted character is the character itself (like E, or ?)")
    name = "+".join([*sorted(modifiers), base])
    return KEY_ALIASES.get(name, name)


def key_list(text: str) -> str:
    """A binding's keys, "E" or "ctrl+e, f2", as Textual names them ("E", "ctrl+e,f2"); ValueError if one is wrong.
    A comma separates keys: the comma key itself is written "comma"."""
    if not text.strip():
        raise ValueError("is empty: give a key, like E or ctrl+e")
    names = []
    for part in text.split(","):
        if not part.strip():
            raise ValueError(f'{text!r} holds an empty key (write "comma" for the comma key)')
        names.append(key_name(part.strip()))
    return ",".join(dict.fromkeys(names))


# --- merging the file, the environment and the command line ---------------------------------------------------------


@dataclass(frozen=True)
class Flags:
    """What the command line said (None = not given)."""

    profile: str | None = None
    url: str | None = None
    read_only: bool | None = None
    trust_api_docs: bool | None = None
    ca_cert: str | None = None
    insecure: bool | None = None
    allow_http: bool | None = None


@dataclass(frozen=True)
class Resolved:
    """Everything needed to connect and to configure the UI."""

    profile: str
    url: str
    token: str = field(repr=False)
    token_source: TokenSource = TokenSource("none", "")
    read_only: bool = False
    protected: bool = False
    trust_api_docs: bool = True
    verify: bool | str = True
    allow_http: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    theme: str | None = None
    auto_refresh_seconds: float = DEFAULT_AUTO_REFRESH
    columns: Columns = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)
    external_editor: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    aliases_origin: str = "[aliases]"  # where they are set, for messages: "<config file>: [aliases]"
    keys: dict[str, str] = field(default_factory=dict)  # action id -> keys, as Textual names them
    themes: dict[str, ThemeTable] = field(default_factory=dict)

    def describe_auth(self) -> str:
        """For 401/403 messages: "Profile prod; the token comes from $CC_PROD_TOKEN." """
        return f"Profile {self.profile}; {self.token_source.describe()}."


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


_ENV_BOOLS = {**dict.fromkeys(("1", "true", "yes", "on"), True), **dict.fromkeys(("0", "false", "no", "off"), False)}


def _env_bool(env: Mapping[str, str], name: str) -> bool | None:
    text = env.get(name, "").strip().lower()
    if text and text not in _ENV_BOOLS:
        raise ConfigError(f"${name} must be 1 or 0 (or true/false, yes/no, on/off), not {text!r}")
    return _ENV_BOOLS.get(text)


def _choose_profile(config: Config, flags: Flags, env: Mapping[str, str]) -> Profile:
    choices = [
        (flags.profile, "--profile"),
        (env.get(PROFILE_ENV) or None, f"${PROFILE_ENV}"),
        (config.default_profile, f"default_profile in {config.path}"),
    ]
    name, origin = next(((n, o) for n, o in choices if n), (None, ""))
    if name is None:
        if len(config.profiles) == 1:
            return next(iter(config.profiles.values()))
        return config.profiles.get(DEFAULT_PROFILE) or Profile(DEFAULT_PROFILE)
    if name in config.profiles:
        return config.profiles[name]
    if name == DEFAULT_PROFILE:
        return Profile(DEFAULT_PROFILE)
    known = ", ".join(sorted(config.profiles)) or "none"
    where = f" in {config.path}" if config.path else " (no config file)"
    raise ConfigError(f"{origin} names profile '{name}', which does not exist{where}; known profiles: {known}")


def run_token_command(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a token command without a shell; stdin is closed so a prompt fails instead of hanging."""
    import subprocess

    return subprocess.run(
        argv, capture_output=True, encoding="utf-8", errors="replace", timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL
    )


def _command_token(profile: Profile, argv: list[str], run_command: Runner | None) -> str:
    import subprocess

    shown = f"profile {profile.name}: token_command `{shlex.join(argv)}`"
    try:
        result = (run_command or run_token_command)(argv)
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{shown} did not finish within {COMMAND_TIMEOUT:g} s") from None
    except OSError as error:  # never chain: nothing of the command's output may follow the message
        raise ConfigError(f"{shown} could not start: {error.strerror or type(error).__name__}") from None
    if result.returncode != 0:
        lines = [line.strip() for line in (result.stderr or "").splitlines() if line.strip()]
        said = f": {lines[0][:200]}" if lines else " (nothing on stderr)"
        raise ConfigError(f"{shown} failed with exit status {result.returncode}{said}")
    token = (result.stdout or "").strip().splitlines()[:1]  # `pass` convention: the first line is the secret
    if not token or not token[0].strip():
        raise ConfigError(f"{shown} printed no token")
    return token[0].strip()


def _token(
    profile: Profile, config: Config, env: Mapping[str, str], run_command: Runner | None
) -> tuple[str, TokenSource]:
    token, source = "", TokenSource("none", "")
    if env.get(TOKEN_ENV, "").strip():
        shadowed = next((f", which overrides the profile's {key}" for key in token_keys() if getattr(profile, key)), "")
        token, source = env[TOKEN_ENV].strip(), TokenSource("flag-env", f"${TOKEN_ENV}{shadowed}")
    elif profile.token_env:
        token = env.get(profile.token_env, "").strip()
        if not token:
            raise ConfigError(f"profile {profile.name}: ${profile.token_env} is not set; export it or change token_env")
        source = TokenSource("env", f"${profile.token_env}")
    elif profile.token_command:
        token = _command_token(profile, profile.token_command, run_command)
        source = TokenSource("command", f"command `{shlex.join(profile.token_command)}`")
    elif profile.token_keyring:
        token, source = _keyring_token(profile, profile.token_keyring)
    elif profile.token:
        token, source = profile.token.strip(), TokenSource("file", f"`token` in {config.path}")
    bad = next((char for char in token if not "!" <= char <= "~"), None)
    if bad is not None:  # httpx would fail on it at the first request, with the token in the traceback
        raise ConfigError(f"profile {profile.name}: the token from {source.detail} holds {_describe(bad)}, which an "
                          "HTTP header cannot carry (pasted with it?): remove it")  # fmt: skip
    return token, source


def _describe(char: str) -> str:
    """What a character is, never which token it was in: "a space", "a control character (U+000A)",
    "U+200B (ZERO WIDTH SPACE)"."""
    code = f"U+{ord(char):04X}"
    if char == " ":
        return "a space"
    if ord(char) < 32 or 127 <= ord(char) < 160:
        return f"a control character ({code})"
    return f"{code} ({unicodedata.name(char, 'a non-ASCII character')})"


def _ca_cert(value: str, from_profile: bool, config: Config) -> str:
    path = Path(value).expanduser()
    if from_profile and not path.is_absolute() and config.path is not None:
        path = config.path.parent / path
    origin = f"ca_cert in {config.path}" if from_profile else "--ca-cert"
    if not path.is_file():
        problem = "is not a regular file" if path.exists() else "does not exist"
        raise ConfigError(f"{origin}: the CA bundle {path} {problem}")
    import ssl

    try:  # checked here, where the message can say which setting to fix; it is loaded again when first used
        ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError) as error:
        raise ConfigError(f"{origin}: {path} is not a PEM bundle of CA certificates ({error})") from None
    return str(path)


def _root(profile: Profile, flags: Flags, env: Mapping[str, str]) -> str:
    allow_http = bool(_first(flags.allow_http, profile.allow_http, False))
    label = f"profile {profile.name}"
    url_choices = [(flags.url, "--url"), (env.get(URL_ENV), f"${URL_ENV}"), (profile.url, f"{label}: url")]
    raw_url, url_origin = next(((u, o) for u, o in url_choices if u), (DEFAULT_ROOT, "the default URL"))
    try:
        return normalize_root(raw_url, allow_http=allow_http)
    except RootError as error:
        raise ConfigError(f"{url_origin}: {error}") from None


def resolve_root(config: Config, flags: Flags | None = None, env: Mapping[str, str] | None = None) -> str:
    """The API root `resolve` would give, without resolving anything else: no token source is read or run (for
    shell completion, which must never run a token_command)."""
    flags = flags or Flags()
    env = _environ(env)
    return _root(_choose_profile(config, flags, env), flags, env)


def resolve(
    config: Config,
    flags: Flags | None = None,
    env: Mapping[str, str] | None = None,
    *,
    run_command: Runner | None = None,
) -> Resolved:
    """Merge flags > environment > profile > defaults into what the client and the UI need (see the module doc)."""
    flags = flags or Flags()
    env = _environ(env)
    profile = _choose_profile(config, flags, env)
    allow_http = bool(_first(flags.allow_http, profile.allow_http, False))
    url = _root(profile, flags, env)

    insecure = bool(_first(flags.insecure, profile.insecure, False))
    if flags.ca_cert and flags.insecure is None:
        insecure = False  # an explicit --ca-cert beats a profile's insecure
    if flags.ca_cert and flags.insecure:
        raise ConfigError("--ca-cert and --insecure contradict each other: give one")
    verify: bool | str = True
    if insecure:
        verify = False
    elif flags.ca_cert or profile.ca_cert:
        verify = _ca_cert(flags.ca_cert or profile.ca_cert or "", not flags.ca_cert, config)

    token, source = _token(profile, config, env, run_command)
    defaults = Timeouts()
    return Resolved(
        profile=profile.name,
        url=url,
        token=token,
        token_source=source,
        read_only=bool(_first(flags.read_only, _env_bool(env, "CASATUI_READ_ONLY"), profile.read_only, False)),
        protected=bool(_first(_env_bool(env, "CASATUI_PROTECTED"), profile.protected, False)),
        trust_api_docs=bool(_first(flags.trust_api_docs, profile.trust_api_docs, True)),
        verify=verify,
        allow_http=allow_http,
        timeouts=Timeouts(
            connect=_first(profile.connect_timeout, defaults.connect),
            read=_first(profile.read_timeout, defaults.read),
        ),
        theme=_first(profile.theme, config.ui.theme),
        auto_refresh_seconds=_first(profile.auto_refresh_seconds, config.ui.auto_refresh_seconds, DEFAULT_AUTO_REFRESH),
        columns={**config.ui.columns, **profile.columns},
        sort={**config.ui.sort, **profile.sort},
        external_editor=bool(_first(profile.external_editor, config.ui.external_editor, False)),
        aliases=dict(config.aliases),
        aliases_origin=aliases_origin(config),
        keys=dict(config.keys),
        themes=dict(config.themes),
    )


# --- aliases -------------------------------------------------------------------------------------------------------

# A user's short name of a collection: one plain word, as typed after `:` or as `casatui get WORD`.
ALIAS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


def _aliases(checker: _File, table: Mapping[str, Any]) -> dict[str, str]:
    """The `[aliases]` table: each key a plain word that is not a collection CloudCasa is known to have (it would hide
    that collection), each value a collection name. Whether the server has that collection is known only once its
    API document is: said then, by the one that uses the alias."""
    from .api.known import BUILTIN, GROUPS

    known = set(BUILTIN).union(*(names for _, names in GROUPS))
    where = "[aliases]"
    for alias, target in table.items():
        if not ALIAS_NAME.fullmatch(alias):
            raise checker.error(where, f"{alias!r} is not a plain word (a letter, then letters, digits, _ or -)")
        if alias in known:
            raise checker.error(where, f"{alias} is the name of a collection: an alias cannot hide it")
        if not isinstance(target, str):
            raise checker.error(where, f'{alias} must be a string naming a collection, like {alias} = "kubebackups"')
        if not COLLECTION_NAME.fullmatch(target):
            raise checker.error(where, f"{alias}: {target!r} is not a collection name (letters, digits, _ . -)")
    return dict(table)


def aliases_origin(config: Config) -> str:
    """Where the user's aliases are set, for messages about them."""
    return f"{config.path}: [aliases]" if config.path else "[aliases]"


# --- the OS keyring as a token source ------------------------------------------------------------------------------

KEYRING_EXTRA = "pip install 'casatui[keyring]'"


def _keyring_entry(value: str, checker: _File | None = None, where: str = "") -> tuple[str, str]:
    """`token_keyring = "service/user"`: split at the last "/" (a service may be a URL; a user name holds none)."""
    service, slash, user = value.rpartition("/")
    if not slash or not service.strip() or not user.strip():
        message = f'token_keyring {value!r} must be "service/user", like "cloudcasa/me@example.com"'
        raise checker.error(where, message) if checker else ConfigError(message)
    return service, user


def _keyring_token(profile: Profile, value: str) -> tuple[str, TokenSource]:
    """The token from the OS keyring (the `keyring` package, imported only here). A missing package, a keyring that
    cannot be read, or no entry: one line naming the fix."""
    service, user = _keyring_entry(value)
    shown = f"profile {profile.name}: token_keyring"
    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise ConfigError(f"{shown} needs the keyring package: {KEYRING_EXTRA}") from None
    try:
        token = keyring.get_password(service, user)
    except Exception as error:  # no backend, a locked keyring, a refused prompt, a backend's own failure…
        said = str(error).strip().splitlines()[:1] if isinstance(error, keyring.errors.KeyringError) else []
        reason = f": {said[0][:200]}" if said else f" ({type(error).__name__})"
        raise ConfigError(f"{shown}: the keyring cannot be read{reason}") from None
    if not token or not token.strip():
        raise ConfigError(
            f"{shown}: the keyring has no password for service {service!r}, user {user!r}: store it with "
            f"`keyring set {shlex.quote(service)} {shlex.quote(user)}`"
        )
    return token.strip(), TokenSource("keyring", f"the keyring (service {service!r}, user {user!r})")
