"""The 412 screen shows where two long values differ, not their common beginning: a list of schedules changed
on both sides, and one changed on one side only."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from casatui.api.edits import MISSING, differences, value_at
from casatui.demo import DemoServer
from casatui.ui.screens.conflict import ConflictScreen

from .conftest import text_of
from .test_editor import Api, app_on, edit, open_editor, save


def test_differences_go_down_through_lists_and_objects() -> None:
    base = [{"id": "6b0e", "keep": 7, "tags": {"a": 1}}, {"id": "77aa", "keep": 3}]
    yours = [{"id": "6b0e", "keep": 7, "tags": {"a": 2}}, {"id": "77aa", "keep": 3}]
    theirs = [{"id": "6b0e", "keep": 7, "tags": {"a": 1}}, {"id": "77aa", "keep": 3}, {"id": "new"}]
    assert differences(yours, base) == [(0, "tags", "a")]
    assert differences(yours, theirs, base) == [(0, "tags", "a"), (2,)]
    assert value_at(theirs, (2,)) == {"id": "new"} and value_at(yours, (2,)) is MISSING
    assert differences(base, base) == [] and differences(1, True) == [()] and differences([1], {"0": 1}) == [()]


async def test_a_list_changed_on_both_sides_shows_where_the_sides_differ(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "mwf-plus-nightly")
    api = Api(ui_fresh)
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d["schedules"][1].update(retainDays=5))
        theirs = api.find("policies", "mwf-plus-nightly")
        schedules = theirs["schedules"]
        schedules[1]["retainDays"] = 10
        schedules[0]["locked"] = True
        api.patch("policies", theirs, {"schedules": schedules})
        await save(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictScreen) and [c.path for c in screen.conflicts] == [("schedules",)]
        option = str(screen.query_one("#paths", OptionList).get_option_at_index(0).prompt)
        lines = [" ".join(line.split()) for line in option.splitlines()]
        assert "differ at schedules[0].locked (and 1 more)" in lines, lines
        assert "● yours false" in lines and "theirs true" in lines and "base false" in lines, lines
        sides = ["".join(text_of(part) for part in side.query(Static)) for side in screen.query(".side")]
        mine, theirs_said = (" ".join(side.split()) for side in sides)
        assert "schedules[1].retainDays 3 → 5" in mine, mine
        assert "schedules[0].locked false → true" in theirs_said and "schedules[1].retainDays 3 → 10" in theirs_said
    api.http.close()
