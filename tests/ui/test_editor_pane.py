"""The editor as a pane of the explorer: beside the table where there is room, alone when zoomed (a key, or a
terminal too narrow for both), behind the table on a narrow terminal; every guard the same in each."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from casatui.core.navigation import Place
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.confirm import ChoiceScreen
from casatui.ui.screens.conflict import ConflictScreen
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.widgets.editor_pane import EditorPane

from .conftest import editor_of, in_front
from .test_edit_hardening import until
from .test_editor import Api, app_on, edit, open_editor, writes
from .test_explorer import explorer, settle

WIDE = (200, 50)


NARROW = (80, 24)


def shown(widget: object) -> bool:
    """On screen: displayed, with a region of its own (a hidden ancestor leaves it none)."""
    region = widget.region  # type: ignore[attr-defined]
    return bool(widget.display) and region.width > 0 and region.height > 0  # type: ignore[attr-defined]


def layout(app: CasaApp) -> str:
    """Where the explorer's panes are: 'beside', 'zoomed' (the editor alone) or 'behind' (the table alone)."""
    screen = app.explorer
    assert screen is not None
    editor = editor_of(app)
    assert editor is not None
    table, pane = shown(screen.table), shown(editor)
    assert table or pane, "neither the table nor the editor is on screen"
    if table and pane:
        assert editor.region.x > screen.table.region.x  # on the right-hand side
        return "beside"
    if pane:
        assert editor.region.width == app.size.width
        return "zoomed"
    return "behind"


async def test_e_edits_beside_the_table_in_the_preview_s_place_and_f2_zooms_both_ways(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = explorer(app)
        preview = shown(screen.preview)
        editor = await open_editor(pilot)
        assert layout(app) == "beside" and not shown(screen.preview) and in_front(app, editor)
        await pilot.press("f2")
        await settle(pilot)
        assert layout(app) == "zoomed" and in_front(app, editor)
        await pilot.press("f2")
        await settle(pilot)
        assert layout(app) == "beside" and in_front(app, editor)
        await pilot.press("shift+tab")  # to the table, the editor kept open
        await settle(pilot)
        assert layout(app) == "beside" and screen.table.has_focus and editor_of(app) is editor
        await pilot.press("e")  # the same document: back to it, no second GET
        await settle(pilot)
        assert in_front(app, editor) and sum(e.method == "GET" and "/kubebackups/" in e.url for e in
                                             app.session.client.exchanges) == 2  # fmt: skip  # preview, editor
        await pilot.press("escape")  # nothing changed: closes without asking
        await settle(pilot)
        assert editor_of(app) is None and screen.table.has_focus and shown(screen.preview) == preview


async def test_a_narrow_terminal_edits_zoomed_and_keeps_the_edit_behind_the_table(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=NARROW) as pilot:
        editor = await open_editor(pilot)
        assert layout(app) == "zoomed" and in_front(app, editor)
        edit(editor, lambda d: d.update(pause=True))
        typed = editor.buffer.text
        await pilot.press("f2")  # no room beside: said, and it stays
        await settle(pilot)
        assert layout(app) == "zoomed" and any("Too narrow" in str(n.message) for n in app._notifications)
        await pilot.press("shift+tab")
        await settle(pilot)
        assert layout(app) == "behind" and explorer(app).table.has_focus
        await pilot.press("f2")  # from the table: the editor again, as it was
        await settle(pilot)
        assert layout(app) == "zoomed" and in_front(app, editor) and editor.buffer.text == typed
        await pilot.resize_terminal(*WIDE)  # room now: beside (the zoom was the terminal's, not chosen)
        await pilot.pause(0.1)
        await settle(pilot)
        assert layout(app) == "beside"
        await pilot.resize_terminal(*NARROW)
        await pilot.pause(0.1)
        await settle(pilot)
        assert layout(app) == "zoomed" and in_front(app, editor) and editor.buffer.text == typed


@pytest.mark.parametrize(("size", "zoom"), [(WIDE, False), (WIDE, True), (NARROW, False)])
async def test_save_a_412_merge_and_a_draft_work_the_same_beside_and_zoomed(
    ui_fresh: DemoServer, api: Api, tmp_path: Path, size: tuple[int, int], zoom: bool
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=size) as pilot:
        editor = await open_editor(pilot)
        if zoom:
            await pilot.press("f2")
            await settle(pilot)
        where = layout(app)
        assert where == ("zoomed" if zoom or size == NARROW else "beside")
        edit(editor, lambda d: d.update(pause=True))
        assert editor.base is not None
        opened = editor.base.etag
        theirs = api.patch("kubebackups", api.find("kubebackups", "prod-full-daily"), {"tags": {"owner": "colleague"}})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen) and app.screen.conflicts == []  # theirs and mine do not overlap
        await pilot.press("a")
        await settle(pilot)
        stored = api.find("kubebackups", "prod-full-daily")
        assert stored["pause"] is True and stored["tags"] == {"owner": "colleague"}
        assert writes(app) == ["PUT", "PUT"]
        puts = [e.request_headers.get("if-match") for e in app.session.client.exchanges if e.method == "PUT"]
        assert puts == [opened, theirs["_etag"]]  # the version opened (412), then theirs
        assert editor_of(app) is None and explorer(app).table.current["pause"] is True  # the row shows it
        # A second edit, left with unsaved changes: kept as a draft, in either layout.
        editor = await open_editor(pilot)
        if zoom:
            await pilot.press("f2")
            await settle(pilot)
        edit(editor, lambda d: d.update(tags={"owner": "me"}))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and "unsaved" in app.screen.title_text
        await pilot.press("l")
        await settle(pilot)
        assert editor_of(app) is None and explorer(app).table.has_focus
        assert app.session.drafts is not None
        [draft] = app.session.drafts.all()
        assert '"owner": "me"' in draft.text


async def test_e_on_another_row_leaves_the_open_edit_first_asking_when_it_holds_changes(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    app.start = Place("kubebackups")  # every backup
    async with app.run_test(size=WIDE) as pilot:
        first = await open_editor(pilot)
        edit(first, lambda d: d.update(tags={"owner": "me"}))
        await pilot.press("shift+tab", "j", "e")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert isinstance(app.screen, ChoiceScreen) and "unsaved" in app.screen.title_text
        await pilot.press("escape")  # stay: the first edit is still open, untouched
        await settle(pilot)
        assert editor_of(app) is first and first.dirty
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("l")  # leave it as a draft, then the other row opens
        await settle(pilot)
        second = editor_of(app)
        assert second is not None and second is not first and in_front(app, second)
        assert second.base is not None and first.base is not None and second.base.id != first.base.id
        assert len(explorer(app).query(EditorPane)) == 1
        assert app.session.drafts is not None and len(app.session.drafts.all()) == 1


async def test_quitting_from_the_table_with_an_unsaved_edit_in_the_pane_asks(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=WIDE) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(pause=True))
        await pilot.press("shift+tab", "q")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and "Quit with unsaved changes" in app.screen.title_text
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and editor_of(app) is editor and editor.dirty


async def test_the_footer_offers_the_editor_s_keys_while_typing_and_the_table_s_beside_it(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=WIDE) as pilot:
        await open_editor(pilot)
        keys = await footer_keys(pilot)
        assert {"ctrl+s", "escape", "f2", "shift+tab"} <= keys and not {"slash", "r", "s", "e"} & keys
        await pilot.press("shift+tab")
        await settle(pilot)
        keys = await footer_keys(pilot)
        assert {"slash", "r", "e"} <= keys and "ctrl+s" not in keys


async def footer_keys(pilot: Pilot[None]) -> set[str]:
    from textual.widgets._footer import FooterKey

    await pilot.pause(0.1)
    return {key.key for key in pilot.app.screen.query(FooterKey)}
