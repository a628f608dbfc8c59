"""How the screens share the terminal's width: states whole, the name and message taking the spare room, the
preview only beside a table with room for its columns, one line per sidebar entry, footers and headers that fit
an 80x24 terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import DataTable, OptionList
from textual.widgets._footer import FooterKey

from casatui.core.cloudcasa import OVERLAY
from casatui.core.columns import Column, fit_states, fit_widths
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.request_log import RequestLogScreen

from ..servers import ServerUnderTest
from .conftest import AppFactory, editor_of
from .test_explorer import explorer, lines, settle
from .test_profiles_in_the_app import discovered

SIZES = ((80, 24), (120, 35), (200, 50))


@given(st.integers(min_value=10, max_value=400))
def test_a_state_column_is_never_cut(available: int) -> None:
    columns = [fit_states(c, ("COMPLETED", "RUNNING")) for c in OVERLAY["jobs"].columns]
    state = next(i for i, c in enumerate(columns) if c.kind == "state")
    assert columns[state].width >= len("COMPLETED")
    width = fit_widths(columns, available)[state]
    assert width == 0 or width >= columns[state].width


def test_spare_room_goes_to_cut_cells_then_the_message() -> None:
    columns = [Column("name", "Name", width=10), Column("type", "Type", width=8), Column("m", "Message", flex=True)]
    widths = fit_widths(columns, 80, wants=[18, 4, 200])
    assert widths[0] == 18  # the name widened to its widest cell
    assert widths[1] == 8  # no wider than its preferred width: its cells are not cut
    assert widths[2] == 80 - 2 - 18 - 8
    # Short of room, less important columns go before the message is cramped below its preferred width.
    jobs = list(OVERLAY["jobs"].columns)
    widths = fit_widths(jobs, 94)
    shown = {c.title: w for c, w in zip(jobs, widths, strict=True) if w}
    assert "Duration" not in shown and shown["Message"] >= 20 and shown["Name"] >= 16


async def test_states_are_whole_and_name_and_message_widen_with_the_terminal(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    widths: dict[str, list[int]] = {"Name": [], "Message": []}
    for size in SIZES:
        app = app_for(ui_demo, "jobs")
        async with app.run_test(size=size) as pilot:
            await discovered(pilot)
            screen = explorer(app)
            table = screen.table
            fitted = {c.title: w for c, w in zip(table.columns, table._widths, strict=True)}
            for title in widths:
                widths[title].append(fitted[title])
            states = {str(row.get("state")) for _, row in table.model.rows() if row.get("state")}
            assert {"COMPLETED", "RUNNING", "FAILED"} <= states
            assert fitted["State"] >= max(len(s) for s in (*states, *screen.profile.states)), size
            shown = lines(table)[1 : table.size.height]
            on_screen = [row for _, row in table.model.rows()][: len(shown)]
            for line, row in zip(shown, on_screen, strict=False):
                assert f" {row['state']} " in line, (size, line)  # whole, never `COMPLET…`
    assert widths["Name"] == sorted(widths["Name"]) and widths["Name"][0] < widths["Name"][-1], widths
    assert widths["Message"][0] < widths["Message"][1] < widths["Message"][2], widths


async def test_the_preview_opens_by_default_only_beside_room_for_the_columns(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    for collection, size, preview in (("jobs", (200, 50), False), ("kubeclusters", (200, 50), True),
                                      ("jobs", (270, 50), True), ("kubeclusters", (120, 35), False)):  # fmt: skip
        app = app_for(ui_demo, collection)
        async with app.run_test(size=size) as pilot:
            await discovered(pilot)
            screen = explorer(app)
            assert screen.preview.display is preview, (collection, size)
            table = screen.table
            assert all(table._widths), (collection, size, table._widths)  # every column shown
            if preview:  # beside it, the table still has its columns' preferred widths (or their widest cells)
                fitted = zip(table.columns, table._widths, table._wants, strict=True)
                assert all(w >= min(c.width, want) for c, w, want in fitted), table._widths


async def test_no_sidebar_entry_takes_two_lines(any_server: ServerUnderTest, app_for: AppFactory) -> None:
    for size in SIZES:
        app = app_for(any_server, "jobs")
        async with app.run_test(size=size) as pilot:
            await discovered(pilot)
            options = explorer(app).query_one("#types", OptionList)
            assert options.option_count > 10
            assert options.virtual_size.height == options.option_count, size  # one line each
            longest = max((o.id for o in options.options if o.id and not o.disabled), key=len)
            options.highlighted = options.get_option_index(longest)
            await pilot.pause()
            assert options.tooltip == longest  # the whole name, where the list cuts it


async def test_the_request_log_shows_method_path_status_and_time_at_80_columns(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    app = app_for(ui_demo, "jobs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        log = app.screen
        assert isinstance(log, RequestLogScreen)
        table = log.query_one(DataTable)
        room, right = table.scrollable_content_region.width, 0
        ends = {}
        for column in table.columns.values():
            right += column.get_render_width(table)
            ends[str(column.label)] = right
        for title in ("Time", "Method", "Status", "ms", "Path"):
            assert ends[title] <= room, (title, ends, room)
        assert table.columns[list(table.columns)[4]].width >= 16  # the path has room for a collection and more


def footer_fits(app: CasaApp, width: int) -> None:
    """Every key the footer shows is inside the screen; the screen's keys are all there, or `?` (help) is."""
    keys = list(app.screen.query(FooterKey))
    assert keys, app.screen
    assert all(key.region.right <= width and key.region.width > 0 for key in keys), [
        (key.key_display, key.region) for key in keys
    ]
    offered = {binding.action for _, binding, _, _ in app.screen.active_bindings.values() if binding.show}
    shown = {key.action for key in keys}
    assert offered <= shown or "help" in shown, (offered - shown, shown)


async def test_every_screen_fits_80_by_24(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo, "kubebackups")
    async with app.run_test(size=(80, 24)) as pilot:
        await discovered(pilot)
        footer_fits(app, 80)
        await pilot.press("e")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None
        header = editor.query_one("#edit-header").region.height + editor.query_one("#edit-note").region.height
        assert header <= 3, header
        assert editor.buffer.region.height >= 24 - 3 - 2  # the header, the status line and the footer
        footer_fits(app, 80)
        await pilot.press("escape")
        await settle(pilot)
        for key in ("L", "O"):
            await pilot.press(key)
            await settle(pilot)
            footer_fits(app, 80)
            await pilot.press("escape")
            await settle(pilot)
