"""Profiles and safety in the running app: read-only counted at the server, protected confirmations, the
request log and copy as curl, switching profiles, and the token never written anywhere."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from casatui.api.client import CasaClient
from casatui.core.drafts import DraftStore
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.screens.pick import PickScreen
from casatui.ui.screens.request_log import RequestLogScreen, details
from casatui.ui.widgets.banner import ProtectedBanner
from casatui.ui.widgets.status_line import StatusLine

from ..faults import FaultServer, Respond
from .conftest import NOW
from .test_editor import Api, edit, open_editor
from .test_explorer import explorer, settle


def app_through(faults: FaultServer, server: DemoServer, tmp_path: Path, resource: str, filter_text: str = "",
                **settings: Any) -> CasaApp:  # fmt: skip
    client = CasaClient(f"{faults.base_url}/api/v1", server.token, read_only=settings.get("read_only", False))
    session = Session(client, Settings(profile="prod", **settings), state_dir=tmp_path)
    return CasaApp(session, Place(resource, filter_text), clock=lambda: NOW)


async def test_read_only_refuses_before_the_server_sees_a_request(ui_fresh: DemoServer, tmp_path: Path) -> None:
    with FaultServer(upstream=ui_fresh.base_url) as faults:
        app = app_through(faults, ui_fresh, tmp_path, "kubebackups", "name=payments-mwf", read_only=True)
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
            assert "READ-ONLY" in app.screen.query_one(StatusLine).render().plain  # type: ignore[attr-defined]
            await pilot.press("P", "R", "ctrl+d")
            await settle(pilot)
            editor = await open_editor(pilot)
            edit(editor, lambda d: d.update(pause=True))
            await pilot.press("ctrl+s")
            await settle(pilot)
            if isinstance(app.screen, DiffScreen):
                await pilot.press("y")
                await settle(pilot)
        assert faults.count() > 0
        assert [s.method for s in faults.seen if s.method != "GET"] == []


async def test_protected_profile_shows_a_banner_and_needs_the_name_typed(ui_fresh: DemoServer, tmp_path: Path) -> None:
    with FaultServer(upstream=ui_fresh.base_url) as faults:
        app = app_through(faults, ui_fresh, tmp_path, "policies", "name=daily-7d", protected=True)
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)
            assert "PROTECTED PROFILE prod" in str(app.screen.query_one(ProtectedBanner).render())
            editor = await open_editor(pilot)
            banner = app.screen.query_one(ProtectedBanner)  # the explorer's, over the editor pane too
            assert banner.region.height > 0 and banner.region.y < editor.region.y
            edit(editor, lambda d: d.update(timezone="Europe/Paris"))
            await pilot.press("ctrl+s")
            await settle(pilot)
            diff = app.screen
            assert isinstance(diff, DiffScreen) and diff.protected_name == "daily-7d"
            for key in "daily":
                await pilot.press(key)
            await pilot.press("enter")  # the wrong name: nothing happens
            await settle(pilot)
            assert app.screen is diff and faults.count("PUT") == 0
            for key in "-7d":
                await pilot.press(key)
            await pilot.press("enter")
            await settle(pilot)
            assert faults.count("PUT") == 1
        assert Api(ui_fresh).find("policies", "daily-7d")["timezone"] == "Europe/Paris"


async def test_request_log_shows_every_request_and_copies_as_curl(ui_demo: DemoServer, tmp_path: Path) -> None:
    with FaultServer(upstream=ui_demo.base_url) as faults:
        app = app_through(faults, ui_demo, tmp_path, "jobs", "state=FAILED")
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            await pilot.press("L")
            await settle(pilot)
            log = app.screen
            assert isinstance(log, RequestLogScreen)
            assert len(log.shown) == len(app.session.client.exchanges) >= 2
            listing = next(e for e in log.shown if e.method == "GET" and e.path.endswith("/jobs"))
            assert ("where", '{"state":"FAILED"}') in listing.query
            await pilot.press("end")
            log.query_one("DataTable").move_cursor(row=log.shown.index(listing))  # type: ignore[attr-defined]
            await pilot.pause()
            detail = plain(details(listing))
            assert "authorization: Bearer ***" in detail and ui_demo.token not in detail
            await pilot.press("c")
            await pilot.pause()
            command = app.clipboard
            assert command.startswith("curl -sS -X GET ")
            assert '-H "Authorization: Bearer $CLOUDCASA_API_TOKEN"' in command
            assert "where=%7B%22state%22%3A%22FAILED%22%7D" in command and ui_demo.token not in command
            assert (tmp_path / "last-curl.sh").read_text().strip() == command
            await pilot.press("escape")
            assert not isinstance(app.screen, RequestLogScreen)


async def test_switching_profiles_gives_each_its_own_client_and_safety(ui_demo: DemoServer, tmp_path: Path) -> None:
    def connect(name: str) -> Session:
        client = CasaClient(ui_demo.api_root, ui_demo.token, read_only=name == "audit")
        return Session(client, Settings(profile=name, read_only=name == "audit"), state_dir=tmp_path)

    first = connect("ops")
    app = CasaApp(first, Place("kubeclusters"), clock=lambda: NOW, profiles=["audit", "ops"], connect=connect)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" not in app.screen.query_one(StatusLine).render().plain  # type: ignore[attr-defined]
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.profile == "audit" and app.session.client is not first.client
        assert app.session.client.read_only and not first.client.read_only
        status = app.screen.query_one(StatusLine).render().plain  # type: ignore[attr-defined]
        assert "audit" in status and "READ-ONLY" in status
        assert explorer(app).table.model.count == 8


TOKEN = "tok-3f9d7c2a-ZZ-hygiene-8812"


async def test_the_token_never_appears_on_screen_in_logs_errors_drafts_or_copies(tmp_path: Path) -> None:
    """Normal use and every failure path with a known token, then every place something is written is scanned."""
    written: list[str] = []
    with DemoServer(token=TOKEN) as server, FaultServer(upstream=server.base_url) as faults:
        # A proxy that echoes the Authorization header back in its error page, as some do.
        faults.when(lambda s: "kubehooks" in s.path and s.method == "GET" and "where" in s.path,
                    Respond(502, f"<html>bad gateway for Bearer {TOKEN}</html>"))  # fmt: skip
        log = tmp_path / "requests.jsonl"
        from casatui.cli import RequestLog

        client = CasaClient(f"{faults.base_url}/api/v1", TOKEN, auth_hint="Profile prod; the token comes from $X.")
        stream = log.open("a")
        client.listeners.append(RequestLog(stream))
        session = Session(client, Settings(profile="prod"), state_dir=tmp_path)
        app = CasaApp(session, Place("policies", "name=daily-7d"), clock=lambda: NOW)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            written.append(app.export_screenshot())
            editor = await open_editor(pilot)
            edit(editor, lambda d: d.update(pause="not a field"))
            await pilot.pause(1.2)  # a draft is written
            await pilot.press("ctrl+s")
            await settle(pilot)
            if isinstance(app.screen, DiffScreen):
                await pilot.press("y")
                await settle(pilot)
            written.append(app.export_screenshot())  # 422 on screen
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
            explorer(app).open(Place("kubehooks", "name=x"))  # the 502 page with the token in it
            await settle(pilot)
            written.append(app.export_screenshot())
            await pilot.press("L")
            await settle(pilot)
            await pilot.press("c")
            await pilot.pause()
            written.append(app.export_screenshot())
            written.append(app.clipboard)
            written += [str(n.message) for n in app._notifications]
            await pilot.press("escape")
            # A wrong token: 401 explained.
            app.session.client = CasaClient(f"{faults.base_url}/api/v1", "another-wrong-token-123")
            await pilot.press("r")
            await settle(pilot)
            written.append(app.export_screenshot())
        stream.close()
        for exchange in client.exchanges:
            written.append(json.dumps(exchange.__dict__, default=str))
            written.append(exchange.as_curl())
            written.append(exchange.error or "")
    written.append(log.read_text())
    written += [path.read_text() for path in tmp_path.rglob("*") if path.is_file()]
    written += [json.dumps(d.__dict__, default=str) for d in DraftStore(tmp_path / "drafts").all()]
    written.append(repr(client))
    assert len(written) > 10
    leaks = [text[max(0, text.find(TOKEN) - 80) : text.find(TOKEN) + 40] for text in written if TOKEN in text]
    assert leaks == []
    assert any("502" in text for text in written)  # the failure paths really happened


def plain(renderable: Any) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()
