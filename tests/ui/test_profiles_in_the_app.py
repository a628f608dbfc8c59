"""The app asks each collection's profile: what it shows at first paint, what it offers, what it sends.

Run against the demo here; `test_cloudcasa_shaped_server.py` runs the same behaviours against a server shaped like
CloudCasa's published document.
"""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.widgets.filter_bar import FilterBar

from .conftest import AppFactory, editor_of
from .test_explorer import explorer, last_list_query, lines, settle, submit_filter


async def discovered(pilot: Pilot[None], timeout: float = 10.0) -> None:
    """Wait until discovery has given the session the server's document (read now, not the one kept from before)."""
    app = pilot.app
    assert isinstance(app, CasaApp)
    deadline = asyncio.get_running_loop().time() + timeout
    while app.session.catalog is None or app.session.catalog.cached_at is not None:
        assert asyncio.get_running_loop().time() < deadline, "discovery did not finish"
        await pilot.pause(0.05)
    await settle(pilot)


def footer_keys(app: CasaApp) -> set[str]:
    return {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}


async def test_e_is_not_offered_where_the_document_allows_no_put_or_patch(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    app = app_for(ui_demo, "kubenamespaces")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        screen = explorer(app)
        assert not screen.profile.can("edit")
        assert screen.check_action("edit", ()) is False and screen.check_action("delete", ()) is False
        assert "edit" not in footer_keys(app)
        sent = len(app.session.client.exchanges)
        selected = screen.table.current
        assert selected is not None
        await pilot.press("e")
        await settle(pilot)
        assert editor_of(app) is None
        # Not even the GET of the document an edit starts with (a names lookup still landing under load may come).
        after = list(app.session.client.exchanges)[sent:]
        assert not [e for e in after if e.method != "GET" or e.path.endswith(str(selected["_id"]))], after
        screen.open(screen.place().__class__("kubeclusters"))
        await settle(pilot)
        assert screen.check_action("edit", ()) is True and "edit" in footer_keys(app)


async def test_a_filter_on_an_unknown_field_asks_before_sending(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "jobs")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        before = last_list_query(app)
        await submit_filter(pilot, "stat=FAILED")
        hint = str(app.screen.query_one(FilterBar).query_one("#filter-hint").render())
        assert "did you mean state?" in hint and "nothing was sent" in hint
        assert last_list_query(app) == before
        await pilot.press("enter")  # the same text again: sent as typed
        await settle(pilot)
        assert '"stat"' in last_list_query(app)["where"]


async def test_bare_words_search_the_field_the_name_column_shows(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "jobs", "analytics")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        screen = explorer(app)
        assert screen.columns[0].key == screen.profile.name_field == "display_name"
        assert list(screen.where) == ["display_name"]
        assert all("analytics" in line for line in lines(screen.table)[1:4])


async def test_the_diff_offers_only_the_methods_the_document_allows(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubeclusters")
    async with app.run_test(size=(140, 35)) as pilot:
        await settle(pilot)
        base = {"_id": "a" * 24, "_etag": "e", "name": "x", "description": "old"}
        diff = DiffScreen(base, {**base, "description": "new"}, "PUT", label="x", methods=("PATCH",))
        app.push_screen(diff)
        await pilot.pause()
        assert diff.method == "PATCH"
        await pilot.press("m")
        await pilot.pause()
        assert diff.method == "PATCH"  # PUT is not offered: the toggle says so and stays


async def test_the_palette_offers_the_screens_actions_as_the_document_allows(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    from textual.command import CommandPalette

    async def found(pilot: Pilot[None], query: str) -> list[str]:
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(Input).value = query
        await pilot.pause(0.6)
        options = palette.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press("escape")
        await pilot.pause()
        return labels

    app = app_for(ui_demo, "kubeclusters")
    async with app.run_test(size=(140, 35)) as pilot:
        await discovered(pilot)
        assert any("Edit this document" in label for label in await found(pilot, "edit this"))
        explorer(app).open(explorer(app).place().__class__("kubenamespaces"))
        await settle(pilot)
        assert not any("Edit this document" in label for label in await found(pilot, "edit this"))
