"""The config file's `[keys]` and `[themes.<name>]` in the app: a remapped key runs its action and the old one no
longer does; the footer, the help screen and the palette show the user's key; a user theme is registered and chosen,
and the tones still read in every colour mode. Also: the config's Textual-free key names are Textual's."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import string

import pytest
from textual._keyboard_protocol import FUNCTIONAL_KEYS, MODIFIER_FUNCTIONAL_KEYS
from textual.color import Color
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from casatui.api.client import CasaClient
from casatui.config import NAMED_KEYS, ThemeTable, character_key, key_list, key_name
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui import screens
from casatui.ui.actions import SCOPE_TITLES
from casatui.ui.app import CasaApp
from casatui.ui.keymap import SCREEN_KEYS, TABLE_KEYS, TEXT_KEYS, TOGETHER, shown_keys
from casatui.ui.screens.backup import RunsTable
from casatui.ui.screens.explorer import ExplorerScreen
from casatui.ui.screens.help import HelpScreen
from casatui.ui.widgets.editor_pane import EditorPane
from casatui.ui.widgets.json_buffer import JsonBuffer
from casatui.ui.widgets.table import ResourceTable

from .conftest import NOW, AppFactory, editor_of, text_of
from .test_colour_modes import MODES, check, one_job_per_state, styles_of
from .test_colour_modes import mode as mode  # (a fixture: pytest finds it by name)
from .test_explorer import explorer, settle
from .test_palette import open_palette, search
from .test_profiles_in_the_app import discovered

# --- the config's key names are the ones Textual sends --------------------------------------------------------------


def test_every_key_textual_names_is_accepted_as_it_is() -> None:
    sent = [key.value for key in Keys if not key.value.startswith("<") and key.value not in ("ctrl-at", "return")]
    sent += [key for key in FUNCTIONAL_KEYS.values() if key not in MODIFIER_FUNCTIONAL_KEYS]
    for key in sent:
        named = key_name(key)
        assert named == key or (key, named) in {("ctrl+@", "ctrl+at"), ("ctrl+i", "tab"), ("ctrl+m", "enter")}, key


def test_the_config_names_no_key_textual_does_not_send() -> None:
    bases = {key.value.rpartition("+")[2] for key in Keys} | set(FUNCTIONAL_KEYS.values())
    assert NAMED_KEYS - bases == set()


def test_a_character_is_named_as_textual_names_it() -> None:
    for char in [*string.printable.strip(), "é", "€", "ß"]:
        assert character_key(char) == _character_to_key(char), char
    assert key_list("?, ctrl+/ ,E") == "question_mark,ctrl+slash,E"


def test_the_scopes_that_work_at_once_are_the_screens() -> None:
    """Beside its own keys, a screen has the app's unless it is modal (Textual stops the chain there)."""
    assert set(TOGETHER) == set(SCOPE_TITLES)
    found = {}
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"casatui.ui.screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__ and getattr(cls, "SCOPE", ""):
                found[cls.SCOPE] = cls
    assert set(found) == set(SCOPE_TITLES) - {"app", "table", "editor"}
    for scope, cls in found.items():
        assert ("app" in TOGETHER[scope]) == (not issubclass(cls, ModalScreen)), scope
    # The editor is a pane of the explorer (not modal): the app's keys with it; the explorer's step aside while
    # the focus is in it (ExplorerScreen.check_action), so the two never work at once.
    assert EditorPane.SCOPE == "editor" and TOGETHER["editor"] == ("app",)
    assert "table" in TOGETHER["explorer"] and "table" in TOGETHER["backup"]  # the screens that hold a table


def fixed_keys(cls: type[DOMNode]) -> set[str]:
    """The keys a class binds without a registry id (Textual's own, or its widget's): a keymap cannot move them."""
    return {key for key, held in cls._merge_bindings().key_to_bindings.items() if not any(b.id for b in held)}


def test_the_keys_textual_keeps_for_itself_are_the_classes() -> None:
    assert fixed_keys(Screen) == SCREEN_KEYS
    assert fixed_keys(ResourceTable) | fixed_keys(RunsTable) == TABLE_KEYS  # the two tables of the "table" keys
    assert fixed_keys(JsonBuffer) == TEXT_KEYS
    assert fixed_keys(ExplorerScreen) - SCREEN_KEYS == {"escape"}


# --- a keymap in the app ---------------------------------------------------------------------------------------------


def footer_keys(app: CasaApp) -> dict[str, str]:
    """The footer's actions and the keys it shows for them."""
    return {key.action: key.key_display for key in app.screen.query(FooterKey)}


def help_lines(app: CasaApp) -> list[str]:
    assert isinstance(app.screen, HelpScreen)
    return [line.strip() for static in app.screen.query(Static) for line in text_of(static).splitlines()]


async def test_a_remapped_key_runs_its_action_and_the_old_one_does_not(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    keys = {"explorer.edit": key_list("E"), "app.help": key_list("f1, ?")}
    app = app_for(ui_demo, "kubebackups", keys=keys)
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        assert footer_keys(app)["edit"] == "E"
        await pilot.press("e")
        await pilot.pause(0.5)
        assert editor_of(app) is None  # e does nothing now
        await pilot.press("E")
        for _ in range(100):
            await pilot.pause(0.05)
            if editor_of(app) is not None:
                break
        assert editor_of(app) is not None
        await pilot.press("escape")  # nothing changed: it leaves without asking
        await settle(pilot)
        assert editor_of(app) is None

        await pilot.press("f1")
        await pilot.pause()
        lines = help_lines(app)
        assert any(line.startswith("E ") and line.endswith("Edit this document") for line in lines), lines
        assert any(line.startswith("f1, ? ") and "Help: every key" in line for line in lines), lines
        assert any(line.startswith("n ") and line.endswith("New document") for line in lines)  # not remapped
        await pilot.press("f1")  # the key that opened it closes it
        await pilot.pause()
        explorer(app)

        palette = await open_palette(pilot)
        assert (await search(pilot, palette, "Edit this document"))[0] == "Edit this document  E"
        assert (await search(pilot, palette, "E"))[0] == "Edit this document  E"  # found by its new key
        assert (await search(pilot, palette, "help"))[0] == "Help: every key  f1, ?"


async def test_a_remapped_app_key_moves_everywhere(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "jobs", keys={"app.help": key_list("f1")})
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert footer_keys(app)["help"] == "f1"
        await pilot.press("question_mark")
        await pilot.pause()
        explorer(app)  # ? no more
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_keys_are_shown_as_people_read_them() -> None:
    from casatui.ui.actions import ACTIONS

    edit = next(spec for spec in ACTIONS if spec.id == "explorer.edit")
    assert shown_keys(edit, {}) == "e"
    assert shown_keys(edit, {"explorer.edit": key_list("ctrl+?,greater_than_sign,f5")}) == "ctrl+?, >, f5"


# --- a user theme ----------------------------------------------------------------------------------------------------

LIGHT = ThemeTable(primary="#7a3e9d", background="#f4f1ea", surface="#fbf8f0", foreground="#202020", dark=False,
                   variables={"footer-key-foreground": "#aa2200"})  # fmt: skip


def themed_app(server: DemoServer, where: str, colour_mode: str) -> CasaApp:
    settings = Settings(profile="test", theme="paper", themes={"paper": LIGHT})
    session = Session(CasaClient(server.api_root, server.token), settings)
    colours = "16" if colour_mode == "16" else None
    return CasaApp(session, Place("jobs", where), clock=lambda: NOW, colours=colours)


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_a_user_theme_applies_and_the_tones_still_read(ui_demo: DemoServer, mode: str) -> None:
    app = themed_app(ui_demo, one_job_per_state(ui_demo, ("FAILED", "COMPLETED", "RUNNING")), mode)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert app.theme == "paper" and app.current_theme.primary == "#7a3e9d" and not app.current_theme.dark
        assert app.get_css_variables()["footer-key-foreground"] == "#aa2200"
        if mode == "truecolor":
            assert app.screen.styles.background == Color.parse("#fbf8f0")  # casatui.tcss: Screen is $surface
        failed, succeeded, busy = (styles_of(pilot, state)[0] for state in ("FAILED", "COMPLETED", "RUNNING"))
        check(mode, failed, succeeded, busy)
