"""The table's plain parts: the paged row model, column fitting and cell rendering (escaping, times, states)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casatui.core import formatting as fmt
from casatui.core import tones
from casatui.core.cloudcasa import OVERLAY
from casatui.core.columns import Column, RenderOptions, fit_widths, render_cell
from casatui.core.rows import RowModel


def test_pages_are_asked_for_once_and_failed_pages_not_again() -> None:
    model = RowModel(page_size=10)
    generation = model.reset()
    assert model.missing(0, 5) == []  # nothing known yet: the query asks for its first page itself
    assert model.accept(generation, 1, [{"_id": str(i)} for i in range(10)], total=35, more=True)
    assert model.count == 35 and model.missing(0, 34) == [2, 3, 4]
    model.loading.update([2, 3])
    assert model.missing(0, 34) == [4]
    assert model.fail(generation, 4) and model.missing(0, 34) == []
    assert not model.accept(generation - 1, 2, [], total=0, more=False)  # an older query's answer is dropped
    assert model.row(12) is None and model.row(3) == {"_id": "3"}
    assert model.reset() == generation + 1 and model.failed == set() and model.count == 0


def test_without_a_total_the_count_grows_until_a_short_page() -> None:
    model = RowModel(page_size=10)
    generation = model.reset()
    model.accept(generation, 1, [{"_id": str(i)} for i in range(10)], total=None, more=True)
    assert model.count == 11  # one placeholder row asks for the next page
    model.accept(generation, 2, [{"_id": "x"}], total=None, more=False)
    assert model.count == 11 and model.missing(0, 100) == []


def test_replace_updates_a_loaded_row() -> None:
    model = RowModel(page_size=10)
    generation = model.reset()
    model.accept(generation, 1, [{"_id": "a", "pause": False}], total=1, more=False)
    assert model.replace("a", {"_id": "a", "pause": True}) == 0 and model.row(0) == {"_id": "a", "pause": True}
    assert model.replace("missing", {}) is None


@given(st.integers(min_value=10, max_value=400))
def test_fitted_widths_fill_the_room_or_hide_columns(available: int) -> None:
    columns = list(OVERLAY["jobs"].columns)
    widths = fit_widths(columns, available)
    shown = [w for w in widths if w]
    assert sum(shown) + len(shown) - 1 == available or (len(shown) == 1 and shown[0] >= available)
    for column, width in zip(columns, widths, strict=True):
        assert width == 0 or width >= min(column.narrowest, available)
    assert widths[0] > 0  # the name always shows


def test_cells_are_plain_text_never_markup() -> None:
    options = RenderOptions(now=1_795_900_000)
    cell = render_cell(Column("message", "Message"), {"message": "[bold]boom[/]\nnext\x00line"}, options)
    assert cell.text == "[bold]boom[/] next␀line"  # a newline is a space in a cell; NUL is shown, not dropped
    assert render_cell(Column("state", "State", "state"), {"state": "FAILED"}, options).style == tones.BAD
    assert render_cell(Column("state", "State", "state"), {"state": "COMPLETED"}, options).style == tones.GOOD
    ref = Column("cluster", "Cluster", "ref", ref="kubeclusters")
    named = RenderOptions(now=0, names={"kubeclusters": {"65a1f0c2e4b0a1b2c3d4e501": "prod"}})
    assert render_cell(ref, {"cluster": "65a1f0c2e4b0a1b2c3d4e501"}, named).text == "prod"
    assert render_cell(ref, {"cluster": "65a1f0c2e4b0a1b2c3d4e599"}, named).text == "c3d4e599"  # unknown: the id's tail


def test_times_show_age_and_local_time_or_raw() -> None:
    now = 1_795_900_000
    assert fmt.when(now - 3 * 3600, now).startswith("3h ago · ")
    assert fmt.when("Sat, 28 Nov 2026 18:00:00 GMT", now).startswith("3h ago")
    assert fmt.when(now + 120, now).startswith("in 2m")
    assert fmt.when(now, now, raw=True) == str(now)
    assert fmt.when(42, now) == "42"  # a counter, not a time
    assert fmt.duration(3725) == "1h 02m" and fmt.size(53687091200) == "50.0 GiB"
