"""The footer builds its keys again only when the keys it shows change: not on every focus move or refresh of the
bindings (Textual signals those twice per move); and when they change (a filter's Enter moves the focus from the
filter to the table), only the keys that were not on show are new widgets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets._footer import FooterKey

from casatui.demo import DemoServer
from casatui.ui.widgets.filter_bar import FilterBar
from casatui.ui.widgets.table import ResourceTable

from .conftest import AppFactory
from .test_explorer import explorer, settle


class Built:
    """How many FooterKey widgets were made."""

    count = 0


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Built]]:
    made = FooterKey.__init__

    def counting(self: FooterKey, *args: object, **kwargs: object) -> None:
        Built.count += 1
        made(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FooterKey, "__init__", counting)
    Built.count = 0
    yield Built


def shown(app: object) -> list[tuple[str, str]]:
    return [(key.key, key.description) for key in app.screen.query(FooterKey)]  # type: ignore[attr-defined]


async def test_the_footer_is_not_rebuilt_when_its_keys_stay_the_same(
    ui_demo: DemoServer, app_for: AppFactory, built: type[Built]
) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        before, keys = built.count, shown(app)
        assert keys and isinstance(app.focused, ResourceTable)
        for _ in range(3):
            screen.refresh_bindings()  # what every focus move and action check does
            screen.table.focus()  # already there
            await pilot.pause()
        await pilot.press("down", "down", "up")
        await settle(pilot)
        assert shown(app) == keys
        assert built.count == before


async def test_a_filter_enter_mounts_only_the_keys_that_were_not_on_show(
    ui_demo: DemoServer, app_for: AppFactory, built: type[Built]
) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        table_keys = shown(app)
        await pilot.press("slash")  # the filter's keys: fewer, and the same widgets as before
        await settle(pilot)
        filter_widgets = {(k.key, k.description): k for k in app.screen.query(FooterKey)}
        assert filter_widgets and set(filter_widgets) < set(table_keys)
        app.screen.query_one(FilterBar).input.value = "state:FAILED"
        await pilot.press("enter")  # the focus goes back to the table: its keys again, built once
        await settle(pilot)
        for _ in range(5):
            await pilot.pause(0.02)
        assert isinstance(app.focused, ResourceTable) and shown(app) == table_keys
        widgets = {(k.key, k.description): k for k in app.screen.query(FooterKey)}
        assert all(widgets[name] is widget for name, widget in filter_widgets.items())  # kept, not rebuilt
        assert sum(1 for k in app.screen.query(FooterKey) if k not in filter_widgets.values()) == len(
            set(table_keys) - set(filter_widgets)
        )
