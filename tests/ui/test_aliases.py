"""Aliases at the `:` jump, driven with Pilot against the embedded server: a built-in short name and the user's own
open their collection; the user's beats a name the finder derives; one whose collection the server lacks is said."""

from __future__ import annotations

from textual.pilot import Pilot

from casatui.core.aliases import Aliases
from casatui.demo import DemoServer
from casatui.ui.screens.pick import PickScreen

from .conftest import AppFactory
from .test_explorer import explorer, settle


async def jump(pilot: Pilot[None], query: str) -> None:
    await pilot.press("colon")
    assert isinstance(pilot.app.screen, PickScreen)
    for key in query:
        await pilot.press(key)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_jump_finds_collections_by_their_aliases(ui_demo: DemoServer, app_for: AppFactory) -> None:
    aliases = Aliases({"mine": "policies", "ko": "kuberestores", "gone": "nosuchthing"}, origin="c.toml: [aliases]")
    app = app_for(ui_demo, aliases=aliases)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await jump(pilot, "mine")
        assert explorer(app).collection == "policies"
        await jump(pilot, "ug")  # built-in: usergroups
        assert explorer(app).collection == "usergroups"
        await jump(pilot, "ko")  # the user's: kuberestores, though ko is kubeoffloads' initials
        assert explorer(app).collection == "kuberestores"
        said = [str(n.message) for n in app._notifications]
        gone = "c.toml: [aliases]: gone = 'nosuchthing': the server's API document has no such collection"
        assert said.count(gone) == 1  # said once, at the first jump


async def test_without_the_users_alias_ko_finds_kubeoffloads(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await jump(pilot, "ko")
        assert explorer(app).collection == "kubeoffloads"
        assert not [n for n in app._notifications if "aliases" in str(n.message)]
