"""Keys at machine speed: every screen takes bursts of the registry's keys, sent with no pause between them (as a
paste or a key held down delivers them), and nothing raises. `pilot.press` waits for the app to be idle after each
key; a real burst does not, so keys reach screens that are already closing."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.app import _character_to_key
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key
from textual.pilot import Pilot

from casatui.api.edits import merge3, strip_server_fields
from casatui.core import editing
from casatui.demo import DemoServer
from casatui.ui.actions import ACTIONS
from casatui.ui.app import CasaApp
from casatui.ui.screens.compare import CompareScreen
from casatui.ui.screens.conflict import ConflictScreen, DeletedScreen
from casatui.ui.screens.explorer import ExplorerScreen
from casatui.ui.screens.save_as import SaveAsScreen

from .conftest import make_app
from .test_explorer import settle

NEVER = {"q", "f4", "ctrl+o"}  # quitting ends the test; $EDITOR needs a real terminal; profiles need a config


def burst(app: CasaApp, keys: Sequence[str]) -> None:
    """Queue every key at once, as a terminal delivers a paste: no waiting for the app between them."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


def keys_of(scope: str) -> list[str]:
    keys = [key for spec in ACTIONS if spec.scope in (scope, "app", "table") for key in spec.keys.split(",")]
    return [key for key in dict.fromkeys(keys) if key not in NEVER]


def bursts(scope: str) -> list[list[str]]:
    keys = keys_of(scope)
    shuffled = list(keys)
    random.Random(15).shuffle(shuffled)
    reported = ["colon", "j", "o", "enter", "enter", "colon", "enter"]  # the sequence that crashed
    twice = [key for key in shuffled for _ in range(2)]
    return [reported, keys, [*reversed(keys), "enter", "enter", "escape", "escape"], twice]


Reach = Callable[[Pilot[None], Path], Awaitable[None]]


def keys(*pressed: str) -> Reach:
    async def reach(pilot: Pilot[None], folder: Path) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return reach


async def a_conflict(pilot: Pilot[None], folder: Path) -> None:
    app = pilot.app
    assert isinstance(app, CasaApp)
    client = app.session.client
    page = await client.list("policies", max_results=1)
    base = await client.get("policies", page.items[0]["_id"])
    assert base is not None
    theirs = {**base.data, "timezone": "Asia/Tokyo"}
    yours = {**strip_server_fields(base.data), "timezone": "Europe/Paris"}
    outcome = editing.Conflict(base, merge3(base.data, yours, theirs), yours)
    await app.push_screen(ConflictScreen("policies / x", outcome))
    await settle(pilot)


async def deleted(pilot: Pilot[None], folder: Path) -> None:
    await pilot.app.push_screen(DeletedScreen("policies / x"))
    await settle(pilot)


async def compare(pilot: Pilot[None], folder: Path) -> None:
    choices = [("r", "Resume my draft"), ("x", "Discard it")]
    await pilot.app.push_screen(CompareScreen("A draft", Text("…"), '{\n  "a": 1\n}\n', '{\n  "a": 2\n}\n', choices))
    await settle(pilot)


async def save_as(pilot: Pilot[None], folder: Path) -> None:
    await pilot.app.push_screen(SaveAsScreen("{}\n", folder / "kept.json"))  # typing replaces the suggestion
    await settle(pilot)


# (scope of the keys, collection, how to get there from the explorer)
SCREENS: dict[str, tuple[str, str, Reach]] = {
    "explorer": ("explorer", "jobs", keys()),
    "job": ("job", "jobs", keys("enter")),
    "backup": ("backup", "kubebackups", keys("enter")),
    "document": ("document", "kubeclusters", keys("enter")),
    "overview": ("overview", "jobs", keys("O")),
    "history": ("history", "jobs", keys("H")),
    "request log": ("log", "jobs", keys("L")),
    "help": ("help", "jobs", keys("question_mark")),
    "picker": ("pick", "jobs", keys("colon")),
    "editor": ("editor", "policies", keys("e")),
    "diff": ("diff", "policies", keys("e", "ctrl+l", "space", "ctrl+s")),
    "choice": ("editor", "policies", keys("e", "space", "escape")),
    "conflict": ("conflict", "policies", a_conflict),
    "deleted": ("deleted", "policies", deleted),
    "draft offer": ("pick", "policies", compare),
    "save as": ("pick", "policies", save_as),
}


@pytest.mark.parametrize("name", SCREENS)
async def test_key_bursts_on_every_screen_raise_nothing(
    ui_demo: DemoServer, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scope, collection, reach = SCREENS[name]
    monkeypatch.chdir(tmp_path)  # typed over the suggested path, a file name is relative to here
    # Read-only: the bursts press every write key too, and must not change the shared server.
    app = make_app(ui_demo, collection, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        for keys_ in bursts(scope):
            await settle(pilot)
            while not isinstance(app.screen, ExplorerScreen):  # back to the start, as the user would
                app.screen.dismiss(None)
                await settle(pilot)
            await reach(pilot, tmp_path)
            burst(app, keys_)
            await settle(pilot)
            await pilot.pause(0.05)
            assert app.return_code is None and app._exception is None
            assert any(isinstance(screen, ExplorerScreen) for screen in app.screen_stack)
    assert app._exception is None
