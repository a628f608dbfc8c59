"""The filter bar's error line: whole at any width, the caret under the mistake."""

from __future__ import annotations

from casatui.demo import DemoServer
from casatui.ui.widgets.filter_bar import FilterBar

from .conftest import AppFactory
from .test_explorer import explorer, settle, submit_filter


def shown(bar: FilterBar) -> list[str]:
    hint = bar.query_one("#filter-hint")
    return [hint.render_line(y).text for y in range(hint.size.height)]


async def test_a_filter_error_is_shown_whole_at_80_columns(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit_filter(pilot, "state:FAILED name~prod start_time>")
        bar = explorer(app).query_one(FilterBar)
        assert bar.has_class("-error")
        lines = shown(bar)
        words = " ".join(" ".join(lines).split())
        assert "^" in words and "expected a value after '>' at column 35 (nothing was sent)" in words, lines
        caret = next(line for line in lines if "^" in line)
        assert caret.index("^") == 34 - bar.input.scroll_offset.x  # under the mistake


async def test_a_short_filter_error_stays_on_one_line(ui_demo: DemoServer, app_for: AppFactory) -> None:
    app = app_for(ui_demo)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await submit_filter(pilot, "state:FAILED start_time>")
        lines = [line for line in shown(explorer(app).query_one(FilterBar)) if line.strip()]
        assert len(lines) == 1 and lines[0].index("^") == 24 and "(nothing was sent)" in lines[0]
