"""States, severities and diffs read at a glance in every colour mode: what reaches the terminal is checked, the
segments of the whole screen after Textual's own colour filters (greys for NO_COLOR, RGB for ANSI colours)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from rich.color import ColorType
from rich.style import Style
from textual.pilot import Pilot

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.diff import DiffScreen

from .conftest import NOW
from .scenarios import settle

MODES = ["truecolor", "16", "mono"]


@pytest.fixture
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("NO_COLOR", raising=False)
    if request.param == "mono":
        monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard" if request.param == "16" else "truecolor")
    # (Textual reads TEXTUAL_COLOR_SYSTEM once, as it is imported)
    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "standard" if request.param == "16" else "truecolor")
    yield request.param


def app_on(server: DemoServer, where: str, mode: str, *, overview: bool = False) -> CasaApp:
    session = Session(CasaClient(server.api_root, server.token), Settings(profile="test"))
    colours = "16" if mode == "16" else None  # (headless, the app would not believe TERM)
    return CasaApp(session, Place("jobs", where), clock=lambda: NOW, overview_first=overview, colours=colours)


def styles_of(pilot: Pilot[None], word: str) -> list[Style]:
    """The style of every segment on screen that starts with `word`, as written to the terminal."""
    strips = pilot.app.screen._compositor.render_strips()
    found = [
        segment.style or Style() for strip in strips for segment in strip if segment.text.strip().startswith(word[:7])
    ]
    assert found, f"{word} is not on screen"
    return found


def brightness(style: Style) -> float:
    colour = style.color
    if colour is None or colour.triplet is None:
        return 1.0 if colour is None else 0.5
    return sum(colour.triplet) / 765


def check(mode: str, failed: Style, succeeded: Style, busy: Style | None = None) -> None:
    if mode == "mono":  # no colour: the failure is the most prominent thing, by attributes
        assert failed.reverse and failed.bold, failed
        assert not succeeded.reverse and not succeeded.dim
        assert busy is None or (not busy.reverse and busy != succeeded)
    elif mode == "16":  # ANSI colours as they are: the terminal's own red, green and yellow
        assert failed.color is not None and failed.color.type == ColorType.STANDARD and failed.color.number == 1
        assert succeeded.color is not None and succeeded.color.number == 2
        assert busy is None or (busy.color is not None and busy.color.number == 3)
    else:  # the theme's RGB: red for a failure, never dim
        assert failed.color is not None and failed.color.triplet is not None
        red, green, blue = failed.color.triplet
        assert red > 2 * max(green, blue) and failed.bold
        assert brightness(failed) > 0.2


def one_job_per_state(server: DemoServer, states: tuple[str, ...]) -> str:
    """A filter for one job of each state (so that all are on the first screen)."""
    ids = []
    for state in states:
        answer = httpx.get(f"{server.api_root}/jobs", params={"where": json.dumps({"state": state}), "max_results": 1},
                           headers={"Authorization": f"Bearer {server.token}"})  # fmt: skip
        ids.append(answer.json()["_items"][0]["_id"])
    return "_id:" + ",".join(ids)


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_the_table_reads_in_every_mode(ui_demo: DemoServer, mode: str) -> None:
    app = app_on(ui_demo, one_job_per_state(ui_demo, ("FAILED", "COMPLETED", "RUNNING")), mode)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        failed, succeeded, busy = (styles_of(pilot, state)[0] for state in ("FAILED", "COMPLETED", "RUNNING"))
        check(mode, failed, succeeded, busy)


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_the_overview_reads_in_every_mode(ui_demo: DemoServer, mode: str) -> None:
    app = app_on(ui_demo, "", mode, overview=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        check(mode, styles_of(pilot, "FAILED")[0], styles_of(pilot, "COMPLETED")[0])


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_a_diff_reads_in_every_mode(ui_demo: DemoServer, mode: str) -> None:
    app = app_on(ui_demo, "", mode)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        base = {"_id": "1" * 24, "_etag": "e", "name": "a", "description": "old words"}
        app.push_screen(DiffScreen(base, {**base, "description": "new words"}, "PUT", label="a"))
        await pilot.pause(0.2)
        removed = next(s for s in styles_of(pilot, "-") if s.color or s.strike)
        added = next(s for s in styles_of(pilot, "+") if s.color or s.bold)
        if mode == "mono":
            assert removed.strike and added.bold
        elif mode == "16":
            assert removed.color is not None and removed.color.number == 1
            assert added.color is not None and added.color.number == 2
        else:
            assert removed.color is not None and added.color is not None and removed.color != added.color


@pytest.mark.parametrize("mode", ["mono"], indirect=True)
async def test_an_empty_table_under_no_color(ui_demo: DemoServer, mode: str) -> None:
    """Textual's NO_COLOR filter failed on the table's unstyled "No documents." line: the app stopped."""
    app = app_on(ui_demo, "name:nothing-is-called-this", mode)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert styles_of(pilot, "No documents.") and app.is_running
