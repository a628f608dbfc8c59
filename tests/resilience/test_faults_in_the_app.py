"""The real app against a misbehaving server: it stays up, says what is wrong, keeps the cursor, the filter and
the edit buffer, retries a bounded number of times, and recovers when the server does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casatui.api.client import CasaClient
from casatui.core.drafts import DraftStore
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.screens.explorer import ExplorerScreen
from casatui.ui.widgets.filter_bar import FilterBar
from casatui.ui.widgets.status_line import StatusLine

from ..faults import HTML_502, FaultServer, ResetMidBody, Respond, Seen, Slow
from ..ui.conftest import NOW, editor_of, in_front
from ..ui.test_explorer import settle
from .odd_data import big_document, listing, odd_jobs

EVE_500 = {"_status": "ERR", "_error": {"code": 500, "message": "database unavailable"}}


def app_on(faults: FaultServer, server: DemoServer, tmp_path: Path, resource: str = "jobs",
           filter_text: str = "") -> CasaApp:  # fmt: skip
    client = CasaClient(f"{faults.base_url}/api/v1", server.token)
    session = Session(client, Settings(profile="flaky"), state_dir=tmp_path)
    return CasaApp(session, Place(resource, filter_text), clock=lambda: NOW)


def explorer(app: CasaApp) -> ExplorerScreen:
    screen = app.screen
    assert isinstance(screen, ExplorerScreen), screen
    return screen


def lists(seen: Seen) -> bool:
    return seen.method == "GET" and "/jobs?" in seen.path


def problem(app: CasaApp) -> str:
    return app.screen.query_one(StatusLine).problem


async def test_an_html_502_page_is_shown_in_words_bounded_and_recovered(server: DemoServer, faults: FaultServer,
                                                                        tmp_path: Path) -> None:  # fmt: skip
    app = app_on(faults, server, tmp_path, "jobs", "state=FAILED")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        for _ in range(3):
            await pilot.press("j")
        cursor_id = screen.table.current["_id"]  # type: ignore[index]
        faults.when(lists, Respond(502, HTML_502))
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running
        assert problem(app).startswith("Server error")
        assert any("HTML page" in str(n.message) for n in app._notifications)
        assert faults.count("GET", "/jobs?") <= 1 + 3  # the first load, then three tries at most
        assert screen.filter_text == "state=FAILED" and screen.query_one(FilterBar).text == "state=FAILED"
        assert screen.table.current is not None and screen.table.current["_id"] == cursor_id  # rows and cursor kept
        faults.rules.clear()  # the server is back
        await pilot.press("r")
        await settle(pilot)
        assert problem(app) == "" and screen.table.current["_id"] == cursor_id


async def test_a_reset_mid_body_is_retried_unnoticed(server: DemoServer, faults: FaultServer, tmp_path: Path) -> None:
    faults.push(ResetMidBody())  # the very first request
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert explorer(app).table.model.count == 250 and problem(app) == ""


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Respond(200, '{"_items": [{"name": "trunc'), "truncated"),
        (Respond(200, {"items": []}), "_items"),
        (Respond(500, EVE_500), "database unavailable"),
        (Respond(429, "", {"Retry-After": "600"}), "wait 600 s"),
    ],
    ids=["truncated-json", "wrong-envelope", "eve-500", "rate-limited"],
)
async def test_bad_answers_are_explained_and_the_app_stays_up(
    server: DemoServer, faults: FaultServer, tmp_path: Path, fault: Respond, words: str
) -> None:
    faults.when(lists, fault)
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert app.is_running
        assert any(words in str(n.message) for n in app._notifications), [n.message for n in app._notifications]
        assert faults.count("GET", "/jobs?") == 1  # none of these is worth retrying on its own
        faults.rules.clear()
        await pilot.press("r")
        await settle(pilot)
        assert explorer(app).table.model.count == 250


async def test_503_with_retry_after_is_waited_for(server: DemoServer, faults: FaultServer, tmp_path: Path) -> None:
    faults.push(Respond(503, {"_status": "ERR", "_error": {"code": 503, "message": "busy"}}, {"Retry-After": "1"}))
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert explorer(app).table.model.count == 250 and faults.count("GET", "/jobs?") == 2


async def test_typing_never_waits_for_a_slow_server(server: DemoServer, faults: FaultServer, tmp_path: Path) -> None:
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        faults.when(lists, Slow(3.0))
        await pilot.press("r")  # a slow refresh in flight
        await pilot.press("slash", "s", "t", "a", "t", "e")
        assert app.screen.query_one(FilterBar).input.value == "state"
        # the keys were handled while the refresh was still waiting for its answer
        assert any(w.group == "pages" and w.is_running for w in app.workers)
        faults.rules.clear()


async def test_moving_during_a_slow_refresh_keeps_the_row_the_user_chose(server: DemoServer, faults: FaultServer,
                                                                      tmp_path: Path) -> None:  # fmt: skip
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        faults.when(lists, Slow(0.5))
        await pilot.press("r", "j", "j", "j")  # moved while the refresh waits for its answer
        chosen = screen.table.current
        assert chosen is not None and screen.table.cursor == 3
        await settle(pilot)
        faults.rules.clear()
        assert screen.table.cursor == 3 and screen.table.current["_id"] == chosen["_id"]
        await pilot.press("e")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None and editor.base is not None and editor.base.id == chosen["_id"]


async def test_a_refresh_fetches_the_previewed_document_once(server: DemoServer, faults: FaultServer,
                                                            tmp_path: Path) -> None:  # fmt: skip
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(160, 35)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)  # past the preview delay
        await settle(pilot)
        row = explorer(app).table.current
        assert row is not None
        before = faults.count("GET", f"/jobs/{row['_id']}")
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert faults.count("GET", f"/jobs/{row['_id']}") == before + 1


async def test_a_token_that_expires_mid_edit_keeps_the_buffer_and_the_draft(server: DemoServer, faults: FaultServer,
                                                                           tmp_path: Path) -> None:  # fmt: skip
    app = app_on(faults, server, tmp_path, "policies", "name=daily-7d")
    app.session.drafts = DraftStore(tmp_path / "drafts")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None
        document = json.loads(editor.buffer.text)
        document["timezone"] = "Europe/Vienna"
        editor.buffer.load_text(json.dumps(document, indent=2))
        typed = editor.buffer.text
        await pilot.pause(1.2)
        expired = {"_status": "ERR", "_error": {"code": 401, "message": "Please provide proper credentials"}}
        faults.when(lambda seen: True, Respond(401, expired, {"WWW-Authenticate": "Bearer"}))  # from now on
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, DiffScreen):
            await pilot.press("y")
            await settle(pilot)
        assert in_front(app, editor) and editor.buffer.text == typed
        assert any("401" in str(n.message) for n in app._notifications)
        assert DraftStore(tmp_path / "drafts").all()[0].text == typed
        faults.rules.clear()  # a new token: the same save goes through
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert editor_of(app) is None
        assert DraftStore(tmp_path / "drafts").all() == []


async def test_odd_documents_show_literally_and_open_in_the_preview_and_editor(server: DemoServer,
                                                                               faults: FaultServer,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    jobs = odd_jobs()
    faults.when(lists, Respond(200, listing(jobs)))
    for job in jobs:
        faults.when(lambda seen, i=job["_id"]: seen.path.startswith(f"/api/v1/jobs/{i}"), Respond(200, job))
    app = app_on(faults, server, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        assert screen.table.model.count == len(jobs)
        text = "\n".join(screen.table.render_line(y).text for y in range(screen.table.size.height))
        assert "[bold red]not markup[" in text and "[blink]RU" in text  # literally, not as markup
        assert "\x00" not in text and "\x1b" not in text  # control characters never reach the terminal
        for _ in range(len(jobs)):
            await pilot.press("j")
            await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("p")  # the preview, on the last odd document
        await settle(pilot)
        for index in range(len(jobs)):
            screen.table.cursor = index
            await pilot.press("e")
            await settle(pilot)
            assert editor_of(app) is not None, jobs[index]["name"]
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running


async def test_a_5_mb_document_opens_in_the_editor(server: DemoServer, faults: FaultServer, tmp_path: Path) -> None:
    document = big_document(5)
    faults.when(lambda seen: seen.method == "GET" and "/kubebackups?" in seen.path, Respond(200, listing([document])))
    faults.when(lambda seen: seen.path.startswith(f"/api/v1/kubebackups/{document['_id']}"), Respond(200, document))
    app = app_on(faults, server, tmp_path, "kubebackups")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, timeout=30)
        await pilot.press("e")
        await settle(pilot, timeout=30)
        editor = editor_of(app)
        assert editor is not None
        assert len(editor.buffer.text) > 5_000_000
        assert not editor.buffer.highlighted  # colouring 5 MB on every key would make typing crawl
        assert "without JSON colours" in str(editor.query_one("#edit-note").render())
        await pilot.press("ctrl+s")
        await settle(pilot, timeout=30)
        assert "No changes" in str(editor.query_one("#edit-note").render())
