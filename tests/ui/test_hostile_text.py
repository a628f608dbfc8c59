"""Server strings never reach the terminal as commands: the real app, against the demo server behind a hostile
proxy, visits every screen while names, messages, error bodies and /api-docs names hold terminal escapes (OSC 52
clipboard, OSC 0 title, OSC 8 link, CSI 2J), a C1 CSI, a bidi override, Rich markup and a lone surrogate. What the
app writes to the terminal is captured (a driver that renders as a terminal does, into a list) and must hold no
escape sequence the app did not write itself, and the hostile text must be on screen in its visible form.

The sweep runs with the output net (`ui/output_guard.py`) off, so it proves the boundary itself, and with it on,
where the net must never have had anything to catch."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bson import ObjectId
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot

from casatui.api.client import CasaClient
from casatui.core.drafts import DraftStore
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer, SeedOptions
from casatui.ui.app import CasaApp
from casatui.ui.messages import OpenJob
from casatui.ui.screens.backup import BackupScreen
from casatui.ui.screens.confirm import ChoiceScreen
from casatui.ui.screens.conflict import ConflictScreen
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.screens.help import HelpScreen
from casatui.ui.screens.history import HistoryScreen
from casatui.ui.screens.job import JobScreen
from casatui.ui.screens.overview import OverviewScreen
from casatui.ui.screens.pick import PickScreen
from casatui.ui.screens.request_log import RequestLogScreen

from ..faults import FaultServer, Respond
from .conftest import NOW, editor_of, in_front
from .test_explorer import settle

HOSTILE = (
    "aaa-\x1b]52;c;ZWNobyBQV05FRA==\x1b\\"  # OSC 52: sets the clipboard
    "\x1b]0;PWNED\x1b\\"  # OSC 0: sets the window title
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\"  # OSC 8: a hyperlink
    "\x1b[2J"  # clears the screen
    "\x9b31m"  # C1 CSI: red, on terminals that read 8-bit controls
    "\u202eevil"  # right-to-left override
    " [bold]B[/] [@click=app.quit]Q[/] [link=http://evil.example]L[/link]"  # markup, never parsed
)
# A name short enough for the server's 128-character limit on names, with what the sweep looks for.
NAME = "aaa-\x1b]52;c;ZWNobyBQV05FRA==\x1b\\\x1b]0;PWNED\x1b\\\x9b31m\u202eevil [@click=app.quit]Q[/]"
KEY = "key-\x1b]0;PWNED\x1b\\-\u202e"  # a field name (no dots: MongoDB refuses them in keys)
# A lone surrogate (the terminal writer's UTF-8 encoder would crash on it) cannot be stored by the demo's database:
# the hostile proxy adds it to the job's answer.
SURROGATE = "lone \ud800 surrogate"
# What the sweep expects to see of the hostile text on screen: the boundary's visible forms (the net shows � for
# what is not C0), and the JSON views' escapes.
SEEN = ("␛]52;c;ZWNobyBQV05FRA==",)
SEEN_ALL = ("␛]52;c;ZWNobyBQV05FRA==", "⟨U+009B⟩31m", "⟨U+202E⟩evil", "[@click=app.quit]Q[/]")
IN_JSON = ("\\u001b]52;c;ZWNobyBQV05FRA==", "\\u009b31m", "\\u202eevil")

# What the app itself writes: SGR colours, cursor moves and positions, private modes (synchronised output, mouse,
# cursor), the mouse pointer shape (OSC 22), and newlines between lines. Nothing else: no CSI J (erase), no other
# OSC, no C1, no bidi control, no other C0.
APP_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[mHhlABCD]|\x1b\]22;[a-z-]*\x07|\n")
FOREIGN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def foreign(stream: str) -> list[str]:
    """The control characters in `stream` that are not part of a sequence the app writes, with some context."""
    rest = APP_SEQUENCE.sub("", stream)
    return [repr(rest[max(0, m.start() - 12) : m.end() + 12]) for m in FOREIGN.finditer(rest)][:10]


def compact(text: str) -> str:
    return re.sub(r"[\s▌▊▎▐]+", "", text)


class Capture(HeadlessDriver):
    """A headless driver that is not headless to the app (so every frame is rendered to a string, as for a real
    terminal) and keeps what would have been written."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


class Terminal:
    def __init__(self, app: CasaApp) -> None:
        self.written: list[str] = []
        driver = type("CaptureFor", (Capture,), {"written": self.written})
        app.driver_class = driver
        self.read = 0

    def since_last(self) -> str:
        """What was written since the last call."""
        text = "".join(self.written[self.read :])
        self.read = len(self.written)
        return text


class Api:
    def __init__(self, server: DemoServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.api_root, headers={"Authorization": f"Bearer {server.token}"})

    def list(self, collection: str, where: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.http.get(f"/{collection}", params={"where": json.dumps(where), "max_results": 5})
        return answer.json()["_items"]

    def set(self, collection: str, item_id: str, changes: dict[str, Any]) -> None:
        """Set fields as the server itself would (no validation: a hostile server sends what it wants)."""
        self.server.store.touch(collection, ObjectId(item_id), changes)


@pytest.fixture
def hostile() -> Iterator[tuple[DemoServer, dict[str, Any]]]:
    """A demo server whose failed job of the last day, its backup definition, cluster and policy hold HOSTILE."""
    options = SeedOptions(seed=1, jobs=300, now=NOW)
    with DemoServer(token="ui-token-0123456789", seed_options=options) as server:
        api = Api(server)
        job = api.list("jobs", {"state": "FAILED", "start_time": {"$gt": NOW - 86400}})[0]
        backup = api.http.get(f"/kubebackups/{job['backupdef']}").json()
        ids = {"job": job["_id"], "backup": backup["_id"], "cluster": job["cluster"], "policy": backup["policy"]}
        for field in ("name", "display_name", "cluster_name", "backupdef_name", "message"):
            api.set("jobs", ids["job"], {field: f"{HOSTILE} {field}"})
        api.set("jobs", ids["job"], {"activity": [f"2026-11-28 20:00:00 UTC: {HOSTILE}"], "type": HOSTILE})
        api.set("kubebackups", ids["backup"], {"name": NAME, "tags": {KEY: HOSTILE}})
        api.set("kubeclusters", ids["cluster"], {"name": f"{HOSTILE} cluster"})
        api.set("policies", ids["policy"], {"name": f"{HOSTILE} policy", "timezone": HOSTILE})
        answer = api.http.get(f"/jobs/{ids['job']}").json()
        api.http.close()
        yield server, {**ids, "job answer": {**answer, "message": f"{HOSTILE} {SURROGATE}"}}


def hostile_api_docs(server: DemoServer) -> dict[str, Any]:
    """The demo's /api-docs with a collection whose title and description are hostile, and one whose name is (a
    name that could leave the API root is refused by discovery: it never reaches a screen or a URL)."""
    spec = httpx.get(f"{server.base_url}/api-docs").json()
    spec["paths"]["/evilthings"] = {
        "get": {"tags": [f"Evil {HOSTILE}"], "description": f"described {HOSTILE}", "responses": {}},
    }
    spec["paths"][f"/evil-\u202e{HOSTILE[:40]}"] = {"get": {"tags": [f"Evil {HOSTILE}"], "responses": {}}}
    for path, operations in spec["paths"].items():
        if path == "/kubebackups":
            operations["get"]["description"] = f"Backups {HOSTILE}"
    return spec


HTML_502 = f"<html><body><h1>502 Bad Gateway</h1>{HOSTILE}</body></html>"
ERROR_500 = {"_status": "ERR", "_error": {"code": 500, "message": f"database said {HOSTILE}"}}


def build_app(faults: FaultServer, server: DemoServer, tmp_path: Path, place: Place) -> CasaApp:
    client = CasaClient(f"{faults.base_url}/api/v1", server.token)
    session = Session(client, Settings(profile="test"), state_dir=tmp_path)
    session.drafts = DraftStore(tmp_path / "drafts")
    return CasaApp(session, place, clock=lambda: NOW)


class Sweep:
    def __init__(self, pilot: Pilot[None], terminal: Terminal) -> None:
        self.pilot, self.terminal = pilot, terminal
        self.visited: list[str] = []

    async def look(self, where: str, *, expect: tuple[str, ...] = SEEN, settle_first: bool = True) -> None:
        """Check what reached the terminal since the last look: nothing foreign, and the hostile text visible."""
        if settle_first:
            await settle(self.pilot)
        await self.pilot.pause(0.1)  # a frame or two for the screen to be painted
        await self.pilot.pause(0.1)
        stream = self.terminal.since_last()
        assert not foreign(stream), (where, foreign(stream))
        # The text, without the colours, the line breaks of wrapped text and the toasts' edges that split it.
        shown = compact(APP_SEQUENCE.sub("", stream))
        missing = [mark for mark in expect if compact(mark) not in shown]
        assert not missing, (where, missing, shown[-2000:])
        self.visited.append(where)

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await settle(self.pilot)


@pytest.mark.parametrize("net", [False, True], ids=["boundary-alone", "with-the-net"])
async def test_no_server_string_reaches_the_terminal_raw_on_any_screen(
    hostile: tuple[DemoServer, dict[str, Any]], tmp_path: Path, net: bool
) -> None:
    server, ids = hostile
    with FaultServer(upstream=server.base_url) as faults:
        faults.when(lambda seen: "api-docs" in seen.path, Respond(200, hostile_api_docs(server)))
        job = ids["job answer"]
        faults.when(lambda seen: seen.path.endswith(f"/jobs/{ids['job']}"), Respond(200, job, {"ETag": job["_etag"]}))
        app = build_app(faults, server, tmp_path, Place("kubebackups", f"_id={ids['backup']}"))
        terminal = Terminal(app)
        app.output_guard.enabled = net
        async with app.run_test(headless=False, size=(150, 45), notifications=True, tooltips=True) as pilot:
            sweep = Sweep(pilot, terminal)
            await settle(pilot)
            app.screen.discover_once()  # the sidebar's names come from the hostile /api-docs
            await settle(pilot)
            if not app.screen.query_one("#preview").display:  # the table's columns take the width: opened by hand
                await pilot.press("p")
            await sweep.look("explorer: table, preview, status line, sidebar", expect=(*SEEN, *IN_JSON))

            await pilot.press(":")  # the jump picker: names and titles from /api-docs
            await pilot.press(*"evil")
            await sweep.look("jump picker", expect=("Evil aaa-␛]52;c;",), settle_first=False)
            await sweep.press("escape")
            await pilot.press("ctrl+p")
            await pilot.press(*"evil")
            await pilot.pause(0.5)
            await sweep.look("command palette", expect=("Evil aaa-␛]52;c;",), settle_first=False)
            await sweep.press("escape")

            await sweep.press("enter")
            assert isinstance(app.screen, BackupScreen)
            await sweep.look("backup view")
            await sweep.press("escape")

            await pilot.press("ctrl+d")
            await pilot.pause(0.3)
            assert isinstance(app.screen, ChoiceScreen)
            await sweep.look("delete dialog", settle_first=False)
            await sweep.press("escape")

            await pilot.press("f")
            await pilot.pause(0.3)
            assert isinstance(app.screen, PickScreen)
            await sweep.look("follow picker", settle_first=False, expect=("cluster", "␛]52;c;"))
            await sweep.press("escape")

            await sweep.press("e")
            editor = editor_of(app)
            assert editor is not None
            assert "\\u009b" in editor.buffer.text and "\\u202e" in editor.buffer.text  # escaped, lossless
            await sweep.look("editor", expect=("␛]52;c;", "⟨U+202E⟩evil", "\\u202eevil"))
            pause = json.loads(editor.buffer.text)["pause"]
            text = editor.buffer.text.replace(f'"pause": {json.dumps(pause)}', f'"pause": {json.dumps(not pause)}')
            editor.buffer.load_text(text)  # as typed: the rest of the buffer, escapes included, untouched
            await sweep.press("ctrl+s")
            assert isinstance(app.screen, DiffScreen)
            await sweep.look("diff", expect=("␛]52;c;",))
            await sweep.press("escape")
            # Meanwhile the server changes the document: the next save meets a 412 and the conflict screen.
            Api(server).set("kubebackups", ids["backup"], {"tags": {KEY: "theirs " + HOSTILE}})
            await sweep.press("ctrl+s")
            await sweep.press("y")
            assert isinstance(app.screen, ConflictScreen)
            await sweep.look("conflict", expect=("␛]52;c;", "\\u202eevil"))
            await sweep.press("a")  # no overlap: saved on top of theirs
            assert editor_of(app) is None and not isinstance(app.screen, ConflictScreen), [
                (e.method, e.status, e.response_body) for e in list(app.session.client.exchanges)[-3:]
            ]
            await sweep.look("after the save (notification)", expect=())

            await sweep.press("H")
            assert isinstance(app.screen, HistoryScreen)
            await sweep.look("history", expect=("␛]52;c;",))
            await sweep.press("escape")

            app.post_message(OpenJob(ids["job"]))
            await settle(pilot)
            assert isinstance(app.screen, JobScreen)
            await sweep.look("job view", expect=(*SEEN, "lone ⟨U+D800⟩ surrogate"))
            await sweep.press("escape")

            await sweep.press("O")
            assert isinstance(app.screen, OverviewScreen)
            await sweep.look("overview", expect=("␛]52;c;",))
            await sweep.press("escape")

            # Errors: a 500 quoting the server's message, then an HTML 502 page (notification and status line).
            faults.push(Respond(500, ERROR_500))
            await sweep.press("r")
            await sweep.look("500 notification", expect=("database said aaa-␛]52;c;",))
            faults.push(Respond(502, HTML_502))
            await sweep.press("r")
            await sweep.look("502 notification", expect=())

            await sweep.press("L")
            log = app.screen
            assert isinstance(log, RequestLogScreen)
            table = log.query_one("#log")
            for wanted in (lambda e: e.status == 502, lambda e: e.status == 500, lambda e: ids["job"] in e.path):
                index = next(i for i, e in enumerate(log.shown) if wanted(e))
                table.move_cursor(row=index)  # type: ignore[attr-defined]
                await pilot.pause(0.2)
                await sweep.look("request log detail", expect=("␛]52;c;",), settle_first=False)
            await sweep.press("escape")

            await sweep.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await sweep.look("help", expect=())
            await sweep.press("escape")
            caught = app.output_guard.caught
        whole = "".join(terminal.written)
        assert not foreign(whole)
        assert caught == 0, "the net caught text the boundary let through"
        assert len(sweep.visited) == 19


async def test_a_hostile_document_round_trips_through_the_editor_exactly(
    hostile: tuple[DemoServer, dict[str, Any]], tmp_path: Path
) -> None:
    """The buffer shows control characters as JSON escapes; parsing gives back the very same strings, so an
    unchanged buffer is no change, and a save writes every other string exactly as it was."""
    server, ids = hostile
    with FaultServer(upstream=server.base_url) as faults:
        app = build_app(faults, server, tmp_path, Place("kubebackups", f"_id={ids['backup']}"))
        async with app.run_test(size=(150, 45)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            editor = editor_of(app)
            assert editor is not None
            assert not FOREIGN.search(editor.buffer.text.replace("\n", ""))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert in_front(app, editor) and faults.count("PUT") == faults.count("PATCH") == 0  # "No changes"
            text = editor.buffer.text.replace('"pause": false', '"pause": true')
            assert text != editor.buffer.text
            editor.buffer.load_text(text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert editor_of(app) is None
    stored = httpx.get(f"{server.api_root}/kubebackups/{ids['backup']}",
                       headers={"Authorization": f"Bearer {server.token}"}).json()  # fmt: skip
    assert stored["pause"] is True
    assert stored["name"] == NAME and stored["tags"] == {KEY: HOSTILE}
