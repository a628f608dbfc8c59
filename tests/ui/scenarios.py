"""The screens worth a picture, each as a deterministic scenario: used by the snapshot tests and by
scripts/screenshots.py, so the README's pictures and the tested snapshots are the same screens.

Deterministic means: seed data with a fixed "now", the app's clock fixed to it, local time in UTC, no activity,
the status line's latency and the request log's times frozen, and a fixed port where the API root shows.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from textual.pilot import Pilot

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.request_log import RequestLogScreen
from casatui.ui.widgets.editor_pane import EditorPane
from casatui.ui.widgets.status_line import StatusLine

NOW = 1_795_900_000
TOKEN = "ui-token-0123456789"
FROZEN_LATENCY = 14.0


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str  # what the picture shows, for the README
    size: tuple[int, int]
    resource: str
    filter_text: str = ""
    steps: Callable[[Pilot[None], DemoServer], Awaitable[None]] | None = None
    mutates: bool = False  # needs a server of its own (writes, or someone else's writes)
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    overview: bool = False
    colours: str = ""  # "16": a terminal of 16 colours; "mono": NO_COLOR; "": truecolor


def build_app(server: DemoServer, scenario: Scenario) -> CasaApp:
    client = CasaClient(server.api_root, server.token, read_only=scenario.settings.get("read_only", False))
    session = Session(client, Settings(profile=scenario.settings.pop("profile", "demo"), **scenario.settings))
    place = Place(scenario.resource, scenario.filter_text)
    before = os.environ.pop("NO_COLOR", None)
    if scenario.colours == "mono":  # (Textual reads NO_COLOR once, as the app is made)
        os.environ["NO_COLOR"] = "1"
    try:
        return CasaApp(session, place, clock=lambda: NOW, overview_first=scenario.overview,
                       colours="16" if scenario.colours == "16" else None)  # fmt: skip
    finally:
        os.environ.pop("NO_COLOR", None)
        if before is not None:
            os.environ["NO_COLOR"] = before


LOADING_GROUPS = {"pages", "preview", "discover", "names", "open", "overview", "backup", "job"}


def editor_of(app: CasaApp) -> EditorPane | None:
    """The explorer's open editor pane (one at a time), or None."""
    explorer = app.explorer
    if explorer is None:
        return None
    editor = explorer.editor
    assert editor is None or isinstance(editor, EditorPane)
    return editor


def in_front(app: CasaApp, editor: EditorPane) -> bool:
    """`editor` is open, shown, with nothing over it, and what is typed goes to it."""
    return editor_of(app) is editor and app.screen is app.explorer and editor.display and editor.buffer.has_focus


async def settle(pilot: Pilot[None], rounds: int = 400) -> None:
    for _ in range(rounds):
        await pilot.pause(0.02)
        resting = any(getattr(screen, "resting", False) for screen in pilot.app.screen_stack)  # start-up's rest
        if not resting and not any(w.group in LOADING_GROUPS and w.is_running for w in pilot.app.workers):
            break
    await pilot.pause(0.3)  # the preview waits for the cursor to rest
    for _ in range(rounds):
        await pilot.pause(0.02)
        resting = any(getattr(screen, "resting", False) for screen in pilot.app.screen_stack)  # start-up's rest
        if not resting and not any(w.group in LOADING_GROUPS and w.is_running for w in pilot.app.workers):
            break
    freeze(pilot.app)
    await pilot.pause()


def freeze(app: Any) -> None:
    """Timings vary from run to run: show a fixed latency and fixed times instead."""
    client = app.session.client
    # Discovery's request runs beside the preview's and either may answer last: the status line shows the request
    # started last other than discovery's.
    others = [e for e in client.exchanges if not e.path.endswith("api-docs")]
    newest = max(others, key=lambda e: e.started).url if others else None
    # Concurrent requests finish in any order: list them in a fixed one, numbered from 1.
    ordered = sorted(client.exchanges, key=lambda e: (e.method, e.url))
    client.exchanges.clear()
    for index, exchange in enumerate(ordered):
        headers = {**exchange.response_headers, "date": "Sat, 28 Nov 2026 21:06:40 GMT"}
        client.exchanges.append(dataclasses.replace(exchange, number=index + 1, latency_ms=FROZEN_LATENCY,
                                                    started=NOW + index, response_headers=headers))  # fmt: skip
    for screen in app.screen_stack:
        for status in screen.query(StatusLine):
            last = status.last
            if last is not None and last.path.endswith("api-docs") and newest is not None:
                last = next(e for e in client.exchanges if e.url == newest)
            if last is not None:
                status.request(dataclasses.replace(last, latency_ms=FROZEN_LATENCY))
        if isinstance(screen, RequestLogScreen):
            screen.reload()
        for widget in screen.query("TextArea, Input"):
            widget.cursor_blink = False  # type: ignore[attr-defined]


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press(char if char != " " else "space")


async def _filter(pilot: Pilot[None], server: DemoServer) -> None:
    await pilot.press("slash")
    await type_text(pilot, "state:FAILED,PARTIAL start_time>-24h")
    await pilot.press("enter")


async def _filter_error(pilot: Pilot[None], server: DemoServer) -> None:
    await pilot.press("slash")
    await type_text(pilot, "state:FAILED start_time>")
    await pilot.press("enter")


async def _preview(pilot: Pilot[None], server: DemoServer) -> None:
    await pilot.press("j", "j")
    if not pilot.app.explorer.preview.display:  # type: ignore[attr-defined]  # the table's columns took the width
        await pilot.press("p")
    await pilot.pause(0.5)  # the cursor rests: the document is fetched
    await settle(pilot)


async def _editor(pilot: Pilot[None], server: DemoServer) -> None:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    # The focus moves to the buffer as the pane mounts; the table beside it repaints its cursor row as unfocused a
    # frame later: the picture waits for both.
    for _ in range(200):
        editor = editor_of(pilot.app)  # type: ignore[arg-type]  # Pilot[None] of a CasaApp
        if editor is not None and editor.buffer.has_focus:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def _colleague_saves(server: DemoServer, collection: str, name: str, changes: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.api_root, headers=headers) as http:
        found = http.get(f"/{collection}", params={"where": json.dumps({"name": name})}).json()["_items"][0]
        http.patch(f"/{collection}/{found['_id']}", json=changes, headers={"If-Match": found["_etag"]})


def _change(pilot: Pilot[None], change: Callable[[dict[str, Any]], None]) -> None:
    editor = editor_of(pilot.app)  # type: ignore[arg-type]  # Pilot[None] of a CasaApp
    assert editor is not None
    document = json.loads(editor.buffer.text)
    change(document)
    editor.buffer.load_text(json.dumps(document, indent=2) + "\n")


async def _diff(pilot: Pilot[None], server: DemoServer) -> None:
    await _editor(pilot, server)
    _change(pilot, lambda d: d.update(pause=True, tags={"owner": "platform-team"}))
    await pilot.press("ctrl+s")
    await settle(pilot)


async def _conflict_clean(pilot: Pilot[None], server: DemoServer) -> None:
    await _editor(pilot, server)
    _change(pilot, lambda d: d.update(timezone="Europe/Paris"))
    _colleague_saves(server, "policies", "daily-7d", {"tags": {"reviewed": "yes"}})
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)


async def _conflict_overlap(pilot: Pilot[None], server: DemoServer) -> None:
    await _editor(pilot, server)
    _change(pilot, lambda d: d.update(timezone="Europe/Paris", tags={"team": "mine"}))
    _colleague_saves(server, "policies", "daily-7d", {"timezone": "Asia/Tokyo", "tags": {"team": "theirs"}})
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    await pilot.press("down", "t")


async def _invalid(pilot: Pilot[None], server: DemoServer) -> None:
    await _editor(pilot, server)
    _change(pilot, lambda d: (d.update(pause="soon"), d["source"].update(all_namespaces=3)))
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)


async def _request_log(pilot: Pilot[None], server: DemoServer) -> None:
    await settle(pilot)
    await pilot.press("L")
    await settle(pilot)


async def _help(pilot: Pilot[None], server: DemoServer) -> None:
    await pilot.press("question_mark")


async def _job(pilot: Pilot[None], server: DemoServer) -> None:
    await settle(pilot)
    await pilot.press("enter")


async def _backup(pilot: Pilot[None], server: DemoServer) -> None:
    await settle(pilot)
    await pilot.press("enter")


SCENARIOS = [
    Scenario("explorer", "The explorer: resource types, the jobs table, the status line", (140, 36), "jobs"),
    Scenario("explorer_80x24", "The same at 80×24", (80, 24), "jobs"),
    Scenario("explorer_120x35", "The same at 120×35", (120, 35), "jobs"),
    Scenario("explorer_200x50", "The same at 200×50: the columns take the width", (200, 50), "jobs"),
    Scenario("explorer_16_colours", "With 16 colours (TERM=xterm): the terminal's own ANSI colours", (120, 35), "jobs",
             colours="16"),
    Scenario("explorer_no_color", "With NO_COLOR: a failure bold and reversed", (120, 35), "jobs", colours="mono"),
    Scenario("overview_no_color", "The overview with NO_COLOR", (120, 40), "jobs", overview=True, colours="mono"),
    Scenario("editor_80x24", "The editor at 80×24", (80, 24), "kubebackups", "name=prod-full-daily", steps=_editor),
    Scenario("filter", "A filter in the query language, sent as Eve's where", (140, 36), "jobs", steps=_filter),
    Scenario("filter_error", "A filter with a mistake: marked, nothing sent", (140, 36), "jobs", steps=_filter_error),
    Scenario("preview", "A wide terminal: the preview of the selected document", (180, 40), "kubebackups",
             steps=_preview),
    Scenario("overview", "The overview: what needs attention now", (140, 45), "jobs", overview=True),
    Scenario("job", "A failed job: counters, message, activity", (120, 36), "jobs", "state=FAILED type=K8S_SNAP",
             steps=_job),
    Scenario("backup", "A backup definition: runs, success rate, schedule, next run", (130, 40), "kubebackups",
             "name=payments-mwf", steps=_backup),
    Scenario("editor", "The editor beside the table: server fields in its header, the rest in the buffer", (160, 40),
             "kubebackups", steps=_editor),
    Scenario("diff", "The diff before saving, PUT or PATCH", (120, 36), "kubebackups", "name=prod-full-daily",
             steps=_diff),
    Scenario("conflict_clean", "412 with no overlap: one key applies your change to the current version", (120, 36),
             "policies", "name=daily-7d", steps=_conflict_clean, mutates=True),
    Scenario("conflict_overlap", "412 with overlapping changes: choose per path", (120, 40), "policies",
             "name=daily-7d", steps=_conflict_overlap, mutates=True),
    Scenario("invalid", "422: the server's issues, the cursor on the first", (140, 36), "kubebackups",
             "name=analytics-daily", steps=_invalid),
    Scenario("request_log", "The request log", (160, 36), "kubeclusters", steps=_request_log),
    Scenario("protected", "A protected profile", (120, 30), "kubebackups", settings={"protected": True,
             "profile": "prod"}),
    Scenario("help", "Every key", (120, 45), "jobs", steps=_help),
]  # fmt: skip


async def play(pilot: Pilot[None], server: DemoServer, scenario: Scenario) -> None:
    await settle(pilot)
    if scenario.steps is not None:
        await scenario.steps(pilot, server)
    await settle(pilot)
