"""The explorer driven with Pilot against the embedded server: discovery, resources, filters, sort, paging,
refresh, references, escaping, layout."""

from __future__ import annotations

import asyncio
import json

import httpx
from textual.pilot import Pilot
from textual.widgets import OptionList

from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.explorer import ExplorerScreen
from casatui.ui.screens.pick import PickScreen
from casatui.ui.widgets.filter_bar import FilterBar
from casatui.ui.widgets.sidebar import Sidebar
from casatui.ui.widgets.table import ResourceTable

from ..faults import FaultServer, Slow
from .conftest import AppFactory

LOADING_GROUPS = {"pages", "preview", "discover", "names", "open"}


async def settle(pilot: Pilot[None], timeout: float = 10.0) -> None:
    """Wait until nothing is loading (workers waiting on the user, such as a picker, are not waited for)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        await pilot.pause()
        resting = any(getattr(screen, "resting", False) for screen in pilot.app.screen_stack)  # work after a rest
        if not resting and not any(w.group in LOADING_GROUPS and w.is_running for w in pilot.app.workers):
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
    busy = [(w.group, w.name, w.state.name) for w in pilot.app.workers if w.group in LOADING_GROUPS and w.is_running]
    raise AssertionError(f"still loading: {busy}")


def explorer(app: CasaApp) -> ExplorerScreen:
    screen = app.screen
    assert isinstance(screen, ExplorerScreen), screen
    return screen


def lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def server_count(server: DemoServer, collection: str, where: dict[str, object]) -> int:
    response = httpx.get(f"{server.api_root}/{collection}", params={"where": json.dumps(where), "max_results": 1},
                         headers={"Authorization": f"Bearer {server.token}"})  # fmt: skip
    return int(response.json()["_meta"]["total"])


def last_list_query(app: CasaApp) -> dict[str, str]:
    """The query of the newest list request (item GETs for the preview come and go in between)."""
    for exchange in reversed(app.session.client.exchanges):
        if exchange.method == "GET" and "max_results" in dict(exchange.query):
            return dict(exchange.query)
    raise AssertionError("no list request")


async def submit_filter(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash")
    bar = pilot.app.screen.query_one(FilterBar)
    bar.input.value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_sidebar_lists_the_discovered_types_in_groups(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        options = app.screen.query_one(Sidebar).query_one("#types")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert ids[0] == "group:Clusters & inventory"
        assert {"kubeclusters", "kubebackups", "jobs", "policies", "usergroups"} <= set(ids)
        assert (
            ids.index("group:Backups & restores") < ids.index("kubebackups") < ids.index("group:Jobs & recovery points")
        )
        assert ids.index("jobs") < ids.index("group:Storage & accounts")


async def test_first_page_then_the_rest_on_demand_never_truncated(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        client = app.session.client
        assert screen.table.model.count == 300 and set(screen.table.model.pages) == {1}
        before = len(client.exchanges)
        await pilot.press("G")  # the last row: only the last page is fetched
        await settle(pilot)
        assert screen.table.cursor == 299 and screen.table.current is not None
        pages = [dict(e.query).get("page") for e in list(client.exchanges)[before:] if e.path.endswith("/jobs")]
        assert pages == ["3"]
        assert "300 of 300" in screen.query_one("#position").render().plain  # type: ignore[attr-defined]
        await pilot.press("g")
        assert screen.table.cursor == 0


async def test_switching_resources_from_the_sidebar_and_the_jump_prompt(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        screen.query_one(Sidebar).post_message(Sidebar.Chosen("kubeclusters"))
        await settle(pilot)
        assert screen.collection == "kubeclusters" and screen.table.model.count == 8
        assert [c.title for c in screen.columns][:3] == ["Name", "State", "Kubernetes"]
        await pilot.press("colon")
        assert isinstance(app.screen, PickScreen)
        for key in "policies":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        assert explorer(app).collection == "policies" and explorer(app).table.model.count == 5


async def test_compact_filter_goes_to_the_server_as_where(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await submit_filter(pilot, "state:FAILED,PARTIAL type=K8S_SNAP")
        screen = explorer(app)
        where = {"state": {"$in": ["FAILED", "PARTIAL"]}, "type": "K8S_SNAP"}
        assert screen.where == where
        assert screen.table.model.count == server_count(ui_demo, "jobs", where) > 0
        assert all(row["state"] in ("FAILED", "PARTIAL") for _, row in screen.table.model.rows())
        assert json.loads(last_list_query(app)["where"]) == where
        hint = str(screen.query_one("#filter-hint").render())
        assert 'where={"state":{"$in":["FAILED","PARTIAL"]},"type":"K8S_SNAP"}' in hint
        assert screen.table.has_focus


async def test_raw_json_filter(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await submit_filter(pilot, '{"num_errors": {"$gt": 1}}')
        screen = explorer(app)
        where = {"num_errors": {"$gt": 1}}
        response = httpx.get(f"{ui_demo.api_root}/jobs", params={"where": json.dumps(where), "max_results": 1000},
                             headers={"Authorization": f"Bearer {ui_demo.token}"})  # fmt: skip
        expected = {job["_id"] for job in response.json()["_items"]}
        assert expected and {row["_id"] for _, row in screen.table.model.rows()} == expected


async def test_an_invalid_filter_is_marked_and_sends_nothing(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)

        def lists() -> int:
            return sum(1 for e in app.session.client.exchanges if "max_results" in dict(e.query))

        before = lists()
        await submit_filter(pilot, "state:FAILED start_time>")
        screen = explorer(app)
        assert lists() == before
        bar = screen.query_one(FilterBar)
        assert bar.has_class("-error")
        hint = str(bar.query_one("#filter-hint").render())
        assert "^" in hint and "column 25" in hint and "nothing was sent" in hint
        assert bar.input.has_focus and bar.input.cursor_position == 24
        assert screen.table.model.count == 300  # the table still shows the last good query


async def test_filter_history_with_up_and_down(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await submit_filter(pilot, "state=FAILED")
        await submit_filter(pilot, "state=PARTIAL")
        await pilot.press("slash", "up")
        assert app.screen.query_one(FilterBar).input.value == "state=PARTIAL"
        await pilot.press("up")
        assert app.screen.query_one(FilterBar).input.value == "state=FAILED"
        await pilot.press("down", "down")
        assert app.screen.query_one(FilterBar).input.value == "state=PARTIAL"


async def test_sort_cycles_ascending_descending_off(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubeclusters")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        for expected in ([("name", 1)], [("name", -1)], []):
            await pilot.press("s")
            assert isinstance(app.screen, PickScreen)
            await pilot.press("N", "a", "m", "e", "enter")
            await settle(pilot)
            assert screen.sort == expected
            assert last_list_query(app).get("sort") == (
                ",".join(("-" if d < 0 else "") + k for k, d in expected) or None
            )
        names = [row["name"] for _, row in screen.table.model.rows()]
        await pilot.press("s", "N", "a", "m", "e", "enter")
        await settle(pilot)
        assert [row["name"] for _, row in screen.table.model.rows()] == sorted(names)


async def test_clicking_a_header_sorts(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubeclusters")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        table = screen.table
        await pilot.click(ResourceTable, offset=(2, 0))
        await settle(pilot)
        assert screen.sort == [("name", 1)]
        assert table.render_line(0).text.startswith("Name ▲")
        await pilot.click(ResourceTable, offset=(2, 0))
        await settle(pilot)
        assert screen.sort == [("name", -1)]
        assert table.render_line(0).text.startswith("Name ▼")  # the cached header line follows the sort


async def test_refresh_keeps_the_cursor_on_the_same_document(ui_fresh: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_fresh)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        for _ in range(5):
            await pilot.press("j")
        chosen = screen.table.current
        assert chosen is not None and screen.table.cursor == 5
        # Two new jobs start on the server: every row moves down by two.
        backups = httpx.get(
            f"{ui_fresh.api_root}/kubebackups", headers={"Authorization": f"Bearer {ui_fresh.token}"}
        ).json()
        for backup in backups["_items"][:2]:
            httpx.post(f"{ui_fresh.api_root}/kubebackups/{backup['_id']}/action/run", json={},
                       headers={"Authorization": f"Bearer {ui_fresh.token}"})  # fmt: skip
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.current is not None and screen.table.current["_id"] == chosen["_id"]
        assert screen.table.cursor == 7 and screen.table.model.count == 302


async def test_follow_a_reference_and_come_back(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubebackups", "name=prod-full-daily")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        backup = screen.table.current
        assert backup is not None
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)  # a cluster and a policy: the user chooses
        await pilot.press("c", "l", "u", "s", "t", "enter")
        await settle(pilot)
        assert screen.collection == "kubeclusters"
        assert screen.table.current is not None and screen.table.current["_id"] == backup["cluster"]
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.collection == "kubebackups" and screen.filter_text == "name=prod-full-daily"
        assert screen.table.current is not None and screen.table.current["_id"] == backup["_id"]


async def test_a_backups_jobs_and_a_jobs_definition(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubebackups", "name=analytics-daily")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        backup = screen.table.current
        assert backup is not None
        await pilot.press("J")
        await settle(pilot)
        assert screen.collection == "jobs" and screen.where == {"backupdef": backup["_id"]}
        assert screen.table.model.count == server_count(ui_demo, "jobs", {"backupdef": backup["_id"]}) > 0
        await pilot.press("f")
        await settle(pilot)
        if isinstance(app.screen, PickScreen):  # the job's cluster, its definition, its policy…: the definition
            options = app.screen.query_one("#pick-list", OptionList)
            labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            await pilot.press(*["down"] * next(i for i, label in enumerate(labels) if label.startswith("backupdef")))
            await pilot.press("enter")
            await settle(pilot)
        assert screen.collection == "kubebackups" and screen.table.current is not None
        assert screen.table.current["_id"] == backup["_id"]


async def test_markup_like_strings_show_literally(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubeclusters", "name~bold")
    async with app.run_test(size=(200, 35)) as pilot:
        await settle(pilot)
        assert "ci-kind-[bold]" in lines(explorer(app).table)[1]
        await submit_filter(pilot, "")
        explorer(app).open(explorer(app).place().__class__("jobs", "message~token"))
        await settle(pilot)
        await pilot.press("p", "ctrl+b")  # room for the whole message
        await pilot.pause()
        text = "\n".join(lines(explorer(app).table))
        assert "'[/]'" in text


async def test_a_late_answer_never_replaces_newer_results(ui_demo: DemoServer, app_for: AppFactory) -> None:
    with FaultServer(upstream=ui_demo.base_url) as faults:
        faults.when(lambda seen: "FAILED" in seen.path, Slow(1.5))
        from casatui.api.client import CasaClient

        app = app_for(ui_demo)
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_demo.token)
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
            screen = explorer(app)
            bar = screen.query_one(FilterBar)
            await pilot.press("slash")
            bar.input.value = "state=FAILED"
            await pilot.press("enter")  # slow answer
            await pilot.pause(0.1)
            await pilot.press("slash")
            bar.input.value = "state=COMPLETED"
            await pilot.press("enter")  # quick answer
            await pilot.pause(2.0)
            await settle(pilot)
            assert screen.where == {"state": "COMPLETED"}
            assert all(row["state"] == "COMPLETED" for _, row in screen.table.model.rows())
            assert screen.table.model.count == server_count(ui_demo, "jobs", {"state": "COMPLETED"})


async def test_usable_at_80_by_24(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        header = screen.table.render_line(0).text
        assert header.startswith("Name") and "State" in header and "Started" in header
        assert screen.table.size.height >= 15
        assert not screen.query_one("#preview").display
        before = dict(zip((c.title for c in screen.table.columns), screen.table._widths, strict=True))
        await pilot.press("ctrl+b")
        await pilot.pause()
        after = dict(zip((c.title for c in screen.table.columns), screen.table._widths, strict=True))
        assert after["Message"] > before["Message"]  # more room: the message first, before more columns
        assert sum(after.values()) > sum(before.values())


async def test_times_toggle_between_local_with_age_and_raw(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubeclusters", "name=staging-aks")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        table = explorer(app).table
        assert "25s ago · 21:06" in table.render_line(1).text
        await pilot.press("t")
        assert "1795899975" in table.render_line(1).text


async def test_a_failing_server_gets_no_request_storm(ui_demo: DemoServer, app_for: AppFactory) -> None:
    from casatui.api.client import CasaClient

    from ..faults import HTML_502, Respond

    with FaultServer(upstream=ui_demo.base_url) as faults:
        faults.when(lambda seen: "/jobs" in seen.path, Respond(502, HTML_502))
        app = app_for(ui_demo)
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_demo.token)
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
            await pilot.pause(1.0)
            await pilot.press("j", "j", "G", "g")
            await settle(pilot)
            assert faults.count("GET", "/jobs") == 3  # one page, three tries, then it waits for the user
            screen = explorer(app)
            assert "Press r to retry" in screen.table.empty_message
            faults.rules.clear()
            await pilot.press("r")
            await settle(pilot)
            assert screen.table.model.count == 300  # it recovers when the server does


async def test_the_prefetched_first_page_is_used_once_and_logged(ui_demo: DemoServer, app_for: AppFactory) -> None:
    from casatui.core.startup import FirstPage

    with FaultServer(upstream=ui_demo.base_url) as faults:
        from casatui.api.client import CasaClient

        app = app_for(ui_demo)
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_demo.token)
        app.session.startup.first_page = FirstPage(
            app.session.client, app.session.profile_of("jobs"), "", None, app.session.settings.page_size
        )
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
            assert explorer(app).table.model.count == 300
            assert faults.count("GET", "/jobs?") == 1  # the prefetch, not a second request
            assert [e.path for e in app.session.client.exchanges].count("/api/v1/jobs") == 1
            assert app.session.startup.first_page is None


async def test_a_prefetched_page_already_here_is_in_the_first_frame(ui_demo: DemoServer, app_for: AppFactory) -> None:
    # At startup the prefetch has usually arrived before the explorer mounts: it is shown as the explorer opens,
    # not handed to a worker that would only deliver it after a first frame of "Loading…".
    from casatui.core.startup import FirstPage

    app = app_for(ui_demo)
    app.session.startup.first_page = FirstPage(
        app.session.client, app.session.profile_of("jobs"), "", None, app.session.settings.page_size
    )
    app.session.startup.first_page.future.result(timeout=10)
    painted: list[int] = []
    render_lines = ResourceTable.render_lines

    def first_frame(table: ResourceTable, crop):  # type: ignore[no-untyped-def]
        painted.append(table.model.count)
        return render_lines(table, crop)

    ResourceTable.render_lines = first_frame  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
    finally:
        ResourceTable.render_lines = render_lines  # type: ignore[method-assign]
    assert painted and painted[0] == 300
    assert [e.path for e in app.session.client.exchanges].count("/api/v1/jobs") == 1


async def test_a_prefetch_for_another_query_is_not_used(ui_demo: DemoServer, app_for: AppFactory) -> None:
    from casatui.core.startup import FirstPage

    app = app_for(ui_demo, "jobs", "state=FAILED")
    app.session.startup.first_page = FirstPage(
        app.session.client, app.session.profile_of("jobs"), "", None, app.session.settings.page_size
    )
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert all(row["state"] == "FAILED" for _, row in explorer(app).table.model.rows())


async def test_the_scrollbar_thumb_follows_every_scrolled_move(ui_demo: DemoServer, app_for: AppFactory) -> None:
    # The table repaints its scrollbar only when the thumb moves: what is on screen must always be what a fresh
    # repaint of the bar would show.
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        table = explorer(app).table
        bar = table.vertical_scrollbar

        def shown() -> list[list[tuple[str, object]]]:
            return [[(s.text, s.style) for s in strip] for strip in bar.render_lines(bar.size.region)]

        start = shown()
        table.cursor = table._page_rows - 1  # the bottom line: from here every move scrolls
        for _ in range(60):
            await pilot.press("j")
            await settle(pilot)
            painted = shown()
            bar.refresh()
            assert painted == shown(), table.scroll_y
        assert table.scroll_y == 60 and shown() != start
        await pilot.press("g")
        await settle(pilot)
        assert shown() == start


async def test_screens_opened_and_closed_leave_no_widgets_behind(ui_demo: DemoServer, app_for: AppFactory) -> None:
    # Each screen opened and closed makes the explorer's Footer show its keys anew: the old keys must be freed.
    import gc

    from textual._styles_cache import StylesCache
    from textual.widget import Widget
    from textual.widgets._footer import FooterKey

    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        for _ in range(6):
            await pilot.press("question_mark")
            await pilot.pause()
            await pilot.press("escape")
            await settle(pilot)
        # The footer recomposes a frame or two after the focus settles (later on a loaded machine): the keys it
        # replaced are counted once it has, and a leak never gets there.
        for _ in range(40):
            await pilot.pause(0.05)
            gc.collect()
            alive = sum(isinstance(o, FooterKey) for o in gc.get_objects())
            shown = sum(len(screen.query(FooterKey)) for screen in app.screen_stack)
            if shown and alive == shown:
                break
        assert shown and alive == shown
        # Nor are the rendered lines of closed widgets kept (by Textual's cache of background styles).
        caches = sum(isinstance(o, StylesCache) for o in gc.get_objects())
        widgets = sum(isinstance(o, Widget) for o in gc.get_objects())
        assert caches <= widgets


async def test_answers_landing_while_the_screens_close_are_ignored(ui_demo: DemoServer, app_for: AppFactory) -> None:
    # On quitting, Textual removes a screen's widgets before the screen's own unmount handler stops its listeners:
    # an answer landing in between (discovery, say) reached a widget that was gone, raised NoMatches inside the
    # request, failed its worker, and Textual printed a traceback on the way out.
    from textual.widgets import DataTable

    from casatui.ui.widgets.status_line import StatusLine

    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        await pilot.press("L")  # the request log listens too
        await pilot.pause()
        await app.screen.query_one(DataTable).remove()
        await screen.query_one(StatusLine).remove()
        page = await app.session.client.list("jobs", max_results=1)  # both listeners hear it; neither may raise
        assert page.items


async def test_the_table_paints_its_lines_as_textuals_pass_would(ui_demo: DemoServer, app_for: AppFactory) -> None:
    # The table paints its visible lines itself, from its line cache (see ResourceTable._paint); they must be
    # exactly what Textual's own pass (StylesCache) makes of the same lines, in every state a line can be in.
    from textual.geometry import Region

    app = app_for(ui_demo)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        table = screen.table

        def same(crop: Region | None = None) -> None:
            crop = crop or Region(0, 0, table.size.width, table.size.height)
            ours = table.render_lines(crop)
            table._styles_cache.clear()
            textuals = super(ResourceTable, table).render_lines(crop)
            assert [list(strip) for strip in ours] == [list(strip) for strip in textuals]
            assert all(strip.cell_length == crop.width for strip in ours)

        same()
        table.cursor = 40  # scrolled, the cursor on the bottom line
        await pilot.pause()
        same()
        same(Region(7, 3, 50, 9))  # a part of the table, as the compositor asks when something covers the rest
        table.marked = {str(table.model.row(38)["_id"])}  # watch mode's flag
        table.redraw()
        same()
        await pilot.press("slash")  # the table loses focus: the blurred cursor
        await pilot.pause()
        same()
        app.theme = "textual-light"  # every colour changes
        await pilot.pause()
        same()
        await submit_filter(pilot, "name~no-such-job")  # no rows: the empty message
        await settle(pilot)
        same()


async def test_the_cursor_row_looks_unfocused_as_soon_as_the_table_loses_the_focus(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    app = app_for(ui_demo, "kubeclusters")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = explorer(app).table

        def cursor_style() -> object:
            return next(iter(table.render_line(1 + table.cursor))).style

        focused = cursor_style()
        await pilot.press("slash")  # the filter takes the focus
        await pilot.pause()
        blurred = cursor_style()
        assert blurred != focused
        await pilot.press("escape")
        await pilot.pause()
        assert cursor_style() == focused
