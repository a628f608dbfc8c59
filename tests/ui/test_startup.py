"""Startup as the `casatui` command runs it: the garbage collector paused until the first rows are painted."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casatui.core import startup
from casatui.core.startup import FirstPage
from casatui.demo import DemoServer

from ..faults import HTML_502, FaultServer, Respond
from .conftest import AppFactory
from .test_explorer import explorer, settle


@pytest.fixture
def paused_collector() -> Iterator[None]:
    startup.pause()
    assert not gc.isenabled()
    try:
        yield
    finally:  # leave the test process as it was
        startup.resume()
        gc.unfreeze()
        gc.enable()


@pytest.mark.usefixtures("paused_collector")
async def test_the_collector_resumes_once_the_first_rows_are_painted(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert explorer(app).table.model.count == 300
        assert gc.isenabled()
        assert not startup.paused()
        assert gc.get_freeze_count() > 0  # what startup built is out of later collections' way


@pytest.mark.usefixtures("paused_collector")
async def test_the_collector_resumes_even_when_no_rows_come(ui_demo: DemoServer, app_for: AppFactory) -> None:
    with FaultServer(upstream=ui_demo.base_url) as faults:
        faults.when(lambda seen: "/jobs" in seen.path, Respond(502, HTML_502))
        from casatui.api.client import CasaClient

        app = app_for(ui_demo)
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_demo.token)
        app.STARTUP_GC_LIMIT = 0.3
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
            assert explorer(app).table.model.count == 0
            await asyncio.sleep(0.4)
            await pilot.pause()
            assert gc.isenabled()


def test_apps_not_started_by_the_command_leave_the_collector_alone() -> None:
    assert gc.isenabled()
    startup.resume()  # without a pause: nothing to do
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


QUIT_ON_FIRST_ROWS = """
import sys
from casatui.api.client import CasaClient
from casatui.core import startup
from casatui.ui.app import CasaApp
from casatui.core.navigation import Place
from casatui.core.startup import FirstPage
from casatui.core.session import Session, Settings
from casatui.ui.widgets.table import ResourceTable

startup.pause()
client = CasaClient(sys.argv[1], sys.argv[2])
session = Session(client, Settings(profile="t"))
session.startup.first_page = FirstPage(client, session.profile_of("jobs"), "", None, session.settings.page_size)
render_line = ResourceTable.render_line
loaded = []

def quit_on_first_rows(table, y):
    if y >= 1 and table.model.count and not loaded:
        loaded.extend(sorted(n for n, m in sys.modules.items() if m and n.split(".")[0] in ("httpx", "anyio")))
        table.app.call_later(table.app.exit)
    return render_line(table, y)

ResourceTable.render_line = quit_on_first_rows
CasaApp(session, Place("jobs")).run(headless=True, size=(120, 35))
print("loaded at the first rows:", *loaded)
"""


def _quit_on_first_rows(server: DemoServer) -> str:
    """Run the app as the command does, quit on the first rows painted; its output."""
    done = subprocess.run(
        [sys.executable, "-c", QUIT_ON_FIRST_ROWS, server.api_root, server.token],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def test_quitting_as_soon_as_the_rows_are_painted_prints_no_traceback(ui_demo: DemoServer) -> None:
    # Discovery is queued to start after the first rows' repaint; quitting then, it started while the screens
    # were being taken apart, found its widgets gone and Textual printed the traceback (most runs, before the fix).
    for _ in range(3):
        assert "Traceback" not in _quit_on_first_rows(ui_demo)


def test_the_first_rows_are_painted_before_httpx_is_imported(ui_demo: DemoServer) -> None:
    # The prefetch asks with the standard library, so httpx's ~70 ms of imports come after the first rows.
    assert _quit_on_first_rows(ui_demo).strip().splitlines()[-1] == "loaded at the first rows:"


async def test_a_prefetch_failing_outside_the_request_is_asked_again(ui_demo: DemoServer, app_for: AppFactory) -> None:
    from casatui.api.client import CasaClient

    class Broken(CasaClient):
        def sibling(self, *, blocking: bool = False) -> CasaClient:
            raise RuntimeError("no sibling today")

    app = app_for(ui_demo)
    broken = Broken(ui_demo.api_root, ui_demo.token)
    first = FirstPage(broken, app.session.profile_of("jobs"), "", None, app.session.settings.page_size)
    assert isinstance(first.future.exception(timeout=10), RuntimeError)  # never left waiting
    app.session.startup.first_page = first
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert explorer(app).table.model.count == 300  # asked normally
    await broken.aclose()


async def test_a_refused_prefetch_is_shown(ui_demo: DemoServer, app_for: AppFactory) -> None:
    from casatui.api.client import CasaClient

    app = app_for(ui_demo)
    stranger = CasaClient(ui_demo.api_root, "not-the-token")
    app.session.startup.first_page = FirstPage(
        stranger, app.session.profile_of("jobs"), "", None, app.session.settings.page_size
    )
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        table = explorer(app).table
        assert table.model.count == 0
        assert table.empty_message.startswith("Token refused: the token was refused: set $CLOUDCASA_API_TOKEN")
        assert "Press r" not in table.empty_message  # asking again with the same token cannot help
    await stranger.aclose()


@pytest.mark.usefixtures("paused_collector")
async def test_switching_profile_hands_the_first_screen_back_to_the_collector(
    ui_demo: DemoServer, tmp_path: Path
) -> None:
    # Frozen, the first explorer's widgets (reference cycles) would never be freed once a profile switch closes it.
    from casatui.api.client import CasaClient
    from casatui.core.navigation import Place
    from casatui.core.session import Session, Settings
    from casatui.ui.app import CasaApp
    from casatui.ui.screens.pick import PickScreen

    def connect(name: str) -> Session:
        return Session(CasaClient(ui_demo.api_root, ui_demo.token), Settings(profile=name), state_dir=tmp_path)

    app = CasaApp(connect("ops"), Place("kubeclusters"), profiles=["audit", "ops"], connect=connect)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.profile == "audit"
        assert gc.get_freeze_count() == 0


def _item_gets(app: object, collection: str = "jobs") -> list[str]:
    exchanges = app.session.client.exchanges  # type: ignore[attr-defined]
    return [e.path for e in exchanges if e.method == "GET" and e.path.startswith(f"/api/v1/{collection}/")]


async def test_the_preview_waits_until_discovery_is_back(
    ui_demo: DemoServer, app_for: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the first rows, start-up's own work (discovery) comes before the preview's request: the first keys
    # are not kept waiting by both. The document under the cursor is asked for once discovery is back.
    from casatui.api import discovery
    from casatui.ui.screens import explorer as explorer_module

    held = asyncio.Event()
    discover = discovery.discover

    async def held_discovery(client: object) -> object:
        await held.wait()
        return await discover(client)

    monkeypatch.setattr(discovery, "discover", held_discovery)
    app = app_for(ui_demo)
    async with app.run_test(size=(160, 35)) as pilot:  # wide: the preview is shown
        while not explorer(app).table.model.count:
            await pilot.pause(0.02)
        await pilot.pause(explorer_module.PREVIEW_DELAY * 3)  # the cursor has rested on the first row long enough
        screen = explorer(app)
        assert screen.starting and _item_gets(app) == []
        held.set()
        await settle(pilot)
        while not _item_gets(app):
            await pilot.pause(0.02)
        assert not screen.starting
        row = screen.table.current
        assert row is not None and _item_gets(app) == [f"/api/v1/jobs/{row['_id']}"]
        assert screen.selected.item is not None and screen.selected.item.id == row["_id"]


async def test_without_discovery_the_preview_follows_the_first_rows(ui_demo: DemoServer, app_for: AppFactory) -> None:
    # A catalog read this session (not kept from an earlier one) is not discovered again: start-up ends with the
    # first rows and the preview is asked for as usual.
    from casatui.api.discovery import discover

    app = app_for(ui_demo)
    async with app.session.client.sibling() as client:
        app.session.catalog = await discover(client)
    async with app.run_test(size=(160, 35)) as pilot:
        await settle(pilot)
        while not _item_gets(app):
            await pilot.pause(0.02)
        screen = explorer(app)
        assert not screen.starting
        assert "/api/v1/api-docs" not in [e.path for e in app.session.client.exchanges]


async def test_start_ups_remaining_work_waits_for_a_rest_after_the_first_rows(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    # The first rows come first, then a rest in which the first keys meet an idle app; only then discovery (and
    # the names of the rows' references, and the HTTP stack imported for them), and the preview after it.
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        while not explorer(app).table.model.count:
            await pilot.pause(0.01)
        screen = explorer(app)
        assert screen.resting
        assert [e.path for e in app.session.client.exchanges] == ["/api/v1/jobs"]  # the first page alone
        await pilot.press("j")
        assert screen.table.cursor == 1 and screen.resting  # the key was answered before the rest was over
        await settle(pilot)
        assert not screen.resting and not screen.starting
        row = screen.table.current
        assert row is not None
        paths = [e.path for e in app.session.client.exchanges]
        assert paths == ["/api/v1/jobs", "/api/v1/api-docs", f"/api/v1/jobs/{row['_id']}"]  # the preview: last
