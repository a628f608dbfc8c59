"""The app against answers over casatui's limits, and against failures that are not API errors: each is shown where
the page was asked for, never "Loading…" for ever, and `r` recovers once the server does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from casatui.api.client import CasaClient
from casatui.api.limits import MAX_BODY_BYTES
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.request_log import RequestLogScreen

from ..faults import FaultServer, Respond, gzip_bomb, nested
from ..ui.conftest import NOW, editor_of
from ..ui.test_explorer import settle
from .test_faults_in_the_app import explorer, lists

JSON = {"Content-Type": "application/json"}


def app_on(faults: FaultServer, server: DemoServer, tmp_path: Path) -> CasaApp:
    client = CasaClient(f"{faults.base_url}/api/v1", server.token)
    return CasaApp(Session(client, Settings(profile="hostile"), state_dir=tmp_path), Place("jobs"), clock=lambda: NOW)


def page_with(row: bytes) -> Respond:
    return Respond(200, b'{"_items": [' + row + b'], "_meta": {"total": 1}}', JSON)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Respond(200, gzip_bomb(MAX_BODY_BYTES * 2), {**JSON, "Content-Encoding": "gzip"}), "MAX_BODY_BYTES"),
        (page_with(b'{"_id": "a1", "size": ' + b"9" * 5000 + b"}"), "MAX_NUMBER_CHARS"),
        (page_with(b'{"_id": "a1", "spec": ' + nested(500) + b"}"), "MAX_JSON_DEPTH"),
        (page_with(b'{"_id": "a1", "spec": ' + nested(10_000) + b"}"), "MAX_JSON_DEPTH"),
        (Respond(302, b"", {"Location": "https://login.example.com/sso"}), "https://login.example.com/sso"),
    ],
    ids=["gzip-bomb", "5000-digits", "500-deep", "10000-deep", "redirect"],
)
async def test_an_answer_over_the_limits_is_shown_and_r_recovers(
    server: DemoServer, faults: FaultServer, tmp_path: Path, fault: Respond, words: str
) -> None:
    faults.when(lists, fault)
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        assert app.is_running
        assert any(words in str(n.message) for n in app._notifications), [n.message for n in app._notifications]
        assert not screen.table.model.loading
        if 300 <= fault.status < 400:  # a redirect is fixed by the URL, not by asking again
            assert "check the API URL" in screen.table.empty_message and "Press r" not in screen.table.empty_message
        else:
            assert "Press r to retry" in screen.table.empty_message
        await pilot.press("L")  # the request log shows the refused answer's start (10,000 deep crashed its view)
        await pilot.pause()
        log = app.screen
        assert isinstance(log, RequestLogScreen)
        refused = next(i for i, e in enumerate(log.shown) if e.error and words in e.error)
        log.query_one(DataTable).move_cursor(row=refused)
        await pilot.pause()
        assert app.is_running and log.selected is log.shown[refused]
        await pilot.press("escape")
        await pilot.pause()
        faults.rules.clear()
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.model.count == 250


async def test_a_failure_that_is_not_an_api_error_is_shown_and_r_recovers(
    server: DemoServer, faults: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_list = CasaClient.list
    failures = [RuntimeError(f"no page for {server.token}"), KeyError("total")]

    async def failing_list(self: CasaClient, collection: str, **query: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return await real_list(self, collection, **query)

    monkeypatch.setattr(CasaClient, "list", failing_list)
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        assert app.is_running and "Press r to retry" in screen.table.empty_message
        shown = [str(n.message) for n in app._notifications]
        assert any("RuntimeError" in text for text in shown) and not any(server.token in text for text in shown)
        await pilot.press("r")  # fails again (KeyError): shown, and the next `r` still works
        await settle(pilot)
        assert any("KeyError" in str(n.message) for n in app._notifications)
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.model.count == 250


async def test_a_document_at_the_depth_limit_shows_and_opens_in_the_editor(
    server: DemoServer, faults: FaultServer, tmp_path: Path
) -> None:
    from casatui.api.limits import MAX_JSON_DEPTH

    deep = b'{"_id": "a1", "_etag": "e1", "name": "deep", "spec": ' + nested(MAX_JSON_DEPTH - 4) + b"}"
    faults.when(lists, Respond(200, b'{"_items": [' + deep + b'], "_meta": {"total": 1}}', JSON))
    faults.when(lambda seen: seen.method == "GET" and "/jobs/a1" in seen.path, Respond(200, deep, JSON))
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert explorer(app).table.model.count == 1
        await pilot.press("p")  # the preview
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        for _ in range(50):
            if editor_of(app) is not None:
                break
            await pilot.pause(0.05)
        assert editor_of(app) is not None and app.is_running


@pytest.mark.parametrize("depth", [500, 10_000])
async def test_e_on_a_document_nested_too_deep_says_so_and_the_app_stays(
    server: DemoServer, faults: FaultServer, tmp_path: Path, depth: int
) -> None:
    row = b'{"_id": "a1", "_etag": "e1", "name": "deep"}'
    faults.when(lists, Respond(200, b'{"_items": [' + row + b'], "_meta": {"total": 1}}', JSON))
    deep = b'{"_id": "a1", "_etag": "e1", "name": "deep", "spec": ' + nested(depth) + b"}"
    faults.when(lambda seen: seen.method == "GET" and "/jobs/a1" in seen.path, Respond(200, deep, JSON))
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.is_running and app.screen is explorer(app)
        assert any("MAX_JSON_DEPTH" in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("key", ["enter", "e"])
@pytest.mark.parametrize(
    "answer",
    [
        Respond(200, b"[" * 1500 + b"\xff", JSON),  # not UTF-8 and deep: the error path's description crashed
        Respond(200, b'{"_id": "a1", "_etag": "e1", "name": "utf16"}'.decode().encode("utf-16"), JSON),
    ],
    ids=["deep-not-utf8", "utf16"],
)
async def test_a_document_answer_nothing_foresaw_is_shown_and_the_app_stays(
    server: DemoServer, faults: FaultServer, tmp_path: Path, key: str, answer: Respond
) -> None:
    row = b'{"_id": "a1", "_etag": "e1", "name": "odd"}'
    faults.when(lists, Respond(200, b'{"_items": [' + row + b'], "_meta": {"total": 1}}', JSON))
    faults.when(lambda seen: seen.method == "GET" and "/jobs/a1" in seen.path, answer)
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.is_running and app.screen is explorer(app)
        assert app._notifications, "the failure is said"
