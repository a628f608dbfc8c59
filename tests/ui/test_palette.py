"""The command palette (ctrl+p) and the `:` jump, driven with Pilot: every action of the registry that works where
the palette is opened is found by its description, with its key, and runs on the screen under the palette; `:` and
the palette rank resource types with one matcher, the same way."""

from __future__ import annotations

import asyncio
import re

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from casatui.demo import DemoServer
from casatui.ui.actions import ACTIONS, ActionSpec
from casatui.ui.app import CasaApp
from casatui.ui.screens.explorer import ExplorerScreen
from casatui.ui.screens.pick import PickScreen
from casatui.ui.widgets.filter_bar import FilterBar

from .conftest import AppFactory, editor_of
from .test_explorer import explorer, settle
from .test_profiles_in_the_app import discovered

GATHER = "--textual-command-palette-gather-commands"  # the palette's search worker


async def open_palette(pilot: Pilot[None]) -> CommandPalette:
    await pilot.press("ctrl+p")
    await pilot.pause()
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    return palette


async def search(pilot: Pilot[None], palette: CommandPalette, query: str) -> list[str]:
    """What the palette lists for `query`, in its order, as plain text (label, then its help on the next line)."""
    palette.query_one(Input).value = query
    deadline = asyncio.get_running_loop().time() + 10
    await pilot.pause()
    while any(w.group == GATHER and not w.is_finished for w in pilot.app.workers):
        assert asyncio.get_running_loop().time() < deadline, "the palette did not finish searching"
        await pilot.pause(0.02)
    await pilot.pause()
    options = palette.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def jump_list(pilot: Pilot[None], query: str) -> list[str]:
    """The resource types the `:` prompt lists for `query`, in its order."""
    await pilot.press("colon")
    picker = pilot.app.screen
    assert isinstance(picker, PickScreen)
    for key in query:
        await pilot.press(key)
    options = picker.query_one("#pick-list", OptionList)
    listed = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return listed


OPENED = re.compile(r"^Open (\S+) \(")


def collections_in(listed: list[str]) -> list[str]:
    return [m.group(1) for line in listed if (m := OPENED.match(line))]


def offered_here(app: CasaApp, scopes: tuple[str, ...]) -> list[ActionSpec]:
    """The registry's actions for these scopes that the screen under the palette does not refuse."""
    screen = app.screen
    specs = []
    for spec in ACTIONS:
        if spec.scope not in scopes or not spec.palette:
            continue
        target = app if spec.scope == "app" else screen
        if spec.scope == "table" or target.check_action(spec.action.split("(")[0], ()) is not False:
            specs.append(spec)
    return specs


def test_the_palette_leaves_out_only_itself_and_the_cursor_moves() -> None:
    assert {spec.id for spec in ACTIONS if not spec.palette} == {"app.command_palette", "table.down", "table.up"}


async def test_every_explorer_action_is_found_by_its_description_with_its_key(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    app = app_for(ui_demo, "kubebackups")  # a definition: edit, create, delete, run, pause and its jobs all apply
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        specs = offered_here(app, ("app", "explorer", "table"))
        assert {"explorer.edit", "explorer.run_now", "explorer.related_jobs", "table.open"} <= {s.id for s in specs}
        palette = await open_palette(pilot)
        for spec in specs:
            listed = await search(pilot, palette, spec.description)
            assert listed and listed[0] == f"{spec.description}  {spec.shown_keys}", (spec.id, listed[:3])
        # Before anything is typed, the palette lists what can be done here, this screen's actions first; never
        # quitting first (enter runs the first), nor at all until it is typed.
        listed = await search(pilot, palette, "")
        assert {f"{s.description}  {s.shown_keys}" for s in specs if s.id != "app.quit"} <= set(listed)
        assert listed[0] == "Filter (server-side where)  /" and "Quit  q" not in listed
        assert (await search(pilot, palette, "quit"))[0] == "Quit  q"


async def test_actions_are_found_by_their_short_names_and_keys(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubebackups")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        palette = await open_palette(pilot)
        assert (await search(pilot, palette, "run now"))[0] == "Run this backup now  R"
        assert (await search(pilot, palette, "copy id"))[0] == "Copy the document id  c"
        assert (await search(pilot, palette, "yaml"))[0] == "Preview: YAML / JSON (the editor stays JSON)  y"
        assert (await search(pilot, palette, "ctrl+d"))[0] == "Delete this document  ctrl+d"
        assert (await search(pilot, palette, "rtbn"))[0] == "Run this backup now  R"  # its words' initials


async def test_actions_chosen_in_the_palette_run_on_the_explorer(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubebackups")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        screen = explorer(app)

        await search(pilot, await open_palette(pilot), "Sort by a column")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, PickScreen) and app.screen.title_text.startswith("Sort by")
        await pilot.press("escape")
        await pilot.pause()

        await search(pilot, await open_palette(pilot), "Filter (server-side where)")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen and screen.query_one(FilterBar).input.has_focus
        await pilot.press("escape")

        assert not screen.watching
        await search(pilot, await open_palette(pilot), "watch")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen and screen.watching and screen.refresh_timer is not None
        screen.action_watch()

        await search(pilot, await open_palette(pilot), "Last row")  # the table's own action
        await pilot.press("enter")
        await settle(pilot)
        assert screen.table.cursor == screen.table.model.count - 1 > 0

        await search(pilot, await open_palette(pilot), "Edit this document")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.3)
        editor = editor_of(app)
        assert editor is not None and editor.collection == "kubebackups"


async def test_every_editor_action_is_found_and_runs_on_the_editor(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubebackups")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.pause(0.3)
        editor = editor_of(app)
        assert editor is not None
        specs = offered_here(app, ("app", "editor"))
        assert {s.id for s in specs} >= {"editor.save", "editor.leave", "editor.reformat", "editor.server_changes"}
        palette = await open_palette(pilot)
        for spec in specs:
            listed = await search(pilot, palette, spec.description)
            assert listed and listed[0] == f"{spec.description}  {spec.shown_keys}", (spec.id, listed[:3])
        assert not any(line.startswith("Sort by") for line in await search(pilot, palette, "Sort by a column"))
        # Its short names find it too ("reformat" is nowhere in "Re-indent the JSON").
        assert (await search(pilot, palette, "reformat"))[0] == "Re-indent the JSON  ctrl+l"
        assert (await search(pilot, palette, "server changes"))[0].startswith("What changed on the server")
        await search(pilot, palette, "Leave the editor")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExplorerScreen)  # the editor left (no change, nothing asked)


async def test_kb_finds_kubebackups_first_in_the_jump_and_the_palette(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "jobs")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        assert (await jump_list(pilot, "kb"))[0] == "kubebackups"
        palette = await open_palette(pilot)
        assert (await search(pilot, palette, "kb"))[0] == "Open kubebackups (Kubebackup)"
        await pilot.press("enter")
        await settle(pilot)
        assert explorer(app).collection == "kubebackups"


async def test_the_jump_and_the_palette_rank_resource_types_alike(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "jobs")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        queries = ["kb", "kube", "back", "ups", "pol", "job", "rs", "kc", "bkp"]
        jumped = {query: await jump_list(pilot, query) for query in queries}
        palette = await open_palette(pilot)
        for query in queries:
            listed = collections_in(await search(pilot, palette, query))
            assert listed == jumped[query] and listed, query
        assert jumped["kc"][0] == "kubeclusters"
        assert jumped["back"][:2] == ["backupinstances", "kubebackups"]  # the name's start, then a word's start
