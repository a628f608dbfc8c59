"""Editing against the real server while someone else (another client, or the server itself) changes the
document: 412 merges, conflicts per path, overwrite, reload, 404, 428, 422, invalid JSON, no-change saves,
network failures, drafts, $EDITOR, create, delete, pause, run now."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import stat
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from textual.pilot import Pilot

from casatui.api.client import CasaClient
from casatui.core import editing
from casatui.core.drafts import DraftStore
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.confirm import ChoiceScreen
from casatui.ui.screens.conflict import ConflictScreen, DeletedScreen
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.screens.pick import PickScreen
from casatui.ui.widgets.editor_pane import EditorPane

from ..faults import FaultServer, ResetMidBody
from .conftest import Api, editor_of, in_front, make_app
from .test_explorer import explorer, settle


def app_on(server: DemoServer, tmp_path: Path, collection: str, name: str, **settings: Any) -> CasaApp:
    app = make_app(server, collection, f"name={name}", **settings)
    app.session.state_dir = tmp_path
    app.session.drafts = DraftStore(tmp_path / "drafts")
    return app


async def open_editor(pilot: Pilot[None]) -> EditorPane:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    screen = editor_of(pilot.app)
    assert screen is not None, screen
    return screen


def edit(editor: EditorPane, change: Any) -> None:
    """Change the buffer the way a person would end up with it: parse, change, write back."""
    document = json.loads(editor.buffer.text)
    change(document)
    editor.buffer.load_text(json.dumps(document, indent=2) + "\n")


async def save(pilot: Pilot[None], confirm: bool = True) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    if confirm:
        assert isinstance(pilot.app.screen, DiffScreen), pilot.app.screen
        await pilot.press("y")
        await settle(pilot)


def writes(app: CasaApp) -> list[str]:
    return [e.method for e in app.session.client.exchanges if e.method != "GET"]


async def test_no_overlap_412_applies_mine_to_theirs_and_saves_both(
    ui_fresh: DemoServer, api: Api, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        weekly = api.find("policies", "weekly-sun-30d")
        edit(editor, lambda d: d.update(policy=weekly["_id"]))
        # Meanwhile: the server records a run in status, and a colleague tags the backup.
        current = api.find("kubebackups", "prod-full-daily")
        ui_fresh.store.touch("kubebackups", ObjectId(current["_id"]),
                             {"status.last_job_run_time": 1_795_900_500})  # fmt: skip
        api.patch("kubebackups", api.find("kubebackups", "prod-full-daily"), {"tags": {"owner": "colleague"}})
        await save(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictScreen) and screen.conflicts == []
        await pilot.press("a")
        await settle(pilot)
        assert editor_of(app) is None and not isinstance(app.screen, ConflictScreen)
        stored = api.find("kubebackups", "prod-full-daily")
        assert stored["policy"] == weekly["_id"]
        assert stored["tags"] == {"owner": "colleague"}
        assert stored["status"]["last_job_run_time"] == 1_795_900_500
        assert writes(app) == ["PUT", "PUT"]  # the refused one, then the merge with the current etag
        assert explorer(app).table.current["policy"] == weekly["_id"]  # the row shows the new version


async def test_overlap_is_resolved_per_path(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris", tags={"team": "mine"}))
        api.patch("policies", api.find("policies", "daily-7d"), {"timezone": "Asia/Tokyo", "tags": {"team": "theirs"}})
        await save(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictScreen)
        assert [c.path for c in screen.conflicts] == [("timezone",), ("tags", "team")]
        first = screen.conflicts[0]
        assert (first.base, first.yours, first.theirs) == ("UTC", "Europe/Paris", "Asia/Tokyo")
        await pilot.press("y")  # timezone: mine
        await pilot.press("down", "t")  # tags.team: theirs
        await pilot.press("a")
        await settle(pilot)
        stored = api.find("policies", "daily-7d")
        assert stored["timezone"] == "Europe/Paris" and stored["tags"] == {"team": "theirs"}


async def test_overwrite_with_mine_needs_an_explicit_confirmation(
    ui_fresh: DemoServer, api: Api, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "weekly-sun-30d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris"))
        api.patch("policies", api.find("policies", "weekly-sun-30d"), {"timezone": "Asia/Tokyo", "tags": {"x": "1"}})
        await save(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("o")
        await settle(pilot)
        stored = api.find("policies", "weekly-sun-30d")
        assert stored["timezone"] == "Europe/Paris" and stored["tags"] == {}  # theirs overwritten


async def test_discard_mine_and_reload(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "mwf-plus-nightly")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris"))
        api.patch("policies", api.find("policies", "mwf-plus-nightly"), {"timezone": "Asia/Tokyo"})
        await save(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert in_front(app, editor)
        assert json.loads(editor.buffer.text)["timezone"] == "Asia/Tokyo"
        assert not editor.dirty and editor.base is not None
        assert editor.base.etag == api.find("policies", "mwf-plus-nightly")["_etag"]


async def test_keep_editing_leaves_the_buffer_untouched(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "mwf-plus-nightly")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris"))
        typed = editor.buffer.text
        api.patch("policies", api.find("policies", "mwf-plus-nightly"), {"timezone": "Asia/Tokyo"})
        await save(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert in_front(app, editor) and editor.buffer.text == typed


async def test_deleted_while_editing_offers_a_file_or_a_re_create(
    ui_fresh: DemoServer, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_on(ui_fresh, tmp_path, "kubehooks", "pg-thaw")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(description="still wanted"))
        gone = api.find("kubehooks", "pg-thaw")
        assert api.http.delete(f"/kubehooks/{gone['_id']}", headers={"If-Match": gone["_etag"]}).status_code == 204
        await save(pilot)
        assert isinstance(app.screen, DeletedScreen)
        await pilot.press("w")
        await settle(pilot)
        files = list(tmp_path.glob("casatui-kubehooks-*.json"))
        assert len(files) == 1 and json.loads(files[0].read_text())["description"] == "still wanted"
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        await save(pilot)
        await pilot.press("c")
        await settle(pilot)
        recreated = api.find("kubehooks", "pg-thaw")
        assert recreated["description"] == "still wanted" and recreated["_id"] != gone["_id"]


async def test_428_fetches_the_etag_and_saves_when_nothing_changed(ui_fresh: DemoServer, api: Api) -> None:
    async with CasaClient(ui_fresh.api_root, ui_fresh.token) as client:
        page = await client.list("policies", where={"name": "daily-7d"})
        base = await client.get("policies", page.items[0]["_id"])
        assert base is not None
        base = dataclasses.replace(base, etag="")  # the etag lost: fetched first, no PUT goes out without If-Match
        outcome = await editing.save(client, base, {**base.data, "timezone": "Europe/Rome"}, "PUT")
        assert isinstance(outcome, editing.Saved)
        puts = [e for e in client.exchanges if e.method == "PUT"]
        assert [e.status for e in puts] == [200] and all("if-match" in e.request_headers for e in puts)
        other = await client.get("policies", base.id)
        assert other is not None
        api.patch("policies", api.find("policies", "daily-7d"), {"tags": {"x": "y"}})
        other = dataclasses.replace(other, etag="")
        outcome = await editing.save(client, other, {**other.data, "timezone": "Europe/Oslo"}, "PUT")
        assert isinstance(outcome, editing.Conflict) and outcome.merge.clean


async def test_422_lists_the_issues_moves_the_cursor_and_keeps_the_buffer(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "analytics-daily")
    async with app.run_test(size=(140, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: (d.update(pause="yes"), d["source"].update(all_namespaces=3)))
        typed = editor.buffer.text
        await save(pilot)
        assert in_front(app, editor) and editor.has_class("-issues")
        issues = editor.query_one("#issues")
        labels = [issues.get_option_at_index(i).id for i in range(issues.option_count)]  # type: ignore[attr-defined]
        assert sorted(labels) == ["pause", "source.all_namespaces"]
        assert editor.buffer.text == typed
        row, _ = editor.buffer.cursor_location
        assert '"pause"' in typed.splitlines()[row] or '"all_namespaces"' in typed.splitlines()[row]
        # The buffer broken elsewhere meanwhile (a comma gone): Enter on an issue still finds its field.
        broken = typed.replace(",\n", "\n", 1)
        editor.buffer.load_text(broken)
        issues.focus()
        issues.highlighted = labels.index("source.all_namespaces")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        row, column = editor.buffer.cursor_location
        assert broken.splitlines()[row][column:].startswith('"all_namespaces"') and editor.buffer.has_focus


async def test_invalid_json_points_at_the_error_and_sends_nothing(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        editor.buffer.load_text('{\n  "name": "daily-7d",\n  "timezone": UTC\n}\n')
        before = len(app.session.client.exchanges)
        await save(pilot, confirm=False)
        assert in_front(app, editor)
        assert len(app.session.client.exchanges) == before
        assert "line 3, column 15" in str(editor.query_one("#edit-note").render())
        assert editor.buffer.cursor_location == (2, 14)


async def test_a_save_without_changes_sends_nothing(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        editor.buffer.load_text(json.dumps(json.loads(editor.buffer.text), indent=4))  # same data, other layout
        before = len(app.session.client.exchanges)
        await save(pilot, confirm=False)
        assert len(app.session.client.exchanges) == before
        assert "No changes" in str(editor.query_one("#edit-note").render())


async def test_a_network_failure_keeps_the_buffer_and_the_draft(ui_fresh: DemoServer, tmp_path: Path) -> None:
    with FaultServer(upstream=ui_fresh.base_url) as faults:
        faults.when(lambda seen: seen.method == "PUT", ResetMidBody())
        app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_fresh.token)
        async with app.run_test(size=(120, 40)) as pilot:
            editor = await open_editor(pilot)
            edit(editor, lambda d: d.update(timezone="Europe/Paris"))
            typed = editor.buffer.text
            await save(pilot)
            assert in_front(app, editor) and editor.buffer.text == typed
            assert "ctrl+s tries again" in str(editor.query_one("#edit-note").render())
            assert faults.count("PUT") == 1  # writes are never retried on their own
            await pilot.pause(1.2)
            drafts = app.session.drafts.all()  # type: ignore[union-attr]
            assert len(drafts) == 1 and drafts[0].text == typed


async def test_a_draft_survives_a_crash_and_is_offered_at_the_next_start(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Pacific/Auckland"))
        typed = editor.buffer.text
        await pilot.pause(1.3)  # the draft is written after a second of quiet
        app.exit()  # no leave, no save: as if the process died here
    files = list((tmp_path / "drafts").glob("*.json"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700

    again = app_on(ui_fresh, tmp_path, "jobs", "")
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, PickScreen)
        await pilot.press("enter")
        await settle(pilot)
        restored = editor_of(again)
        assert restored is not None and restored.buffer.text == typed
        await save(pilot)  # the draft's base etag is still current: it saves
        assert Api(ui_fresh).find("policies", "daily-7d")["timezone"] == "Pacific/Auckland"
        assert list((tmp_path / "drafts").glob("*.json")) == []


async def test_leaving_with_unsaved_changes_asks(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # cancel: still editing
        await settle(pilot)
        assert in_front(app, editor)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")  # discard
        await settle(pilot)
        assert editor_of(app) is None
        assert app.session.drafts.all() == []  # type: ignore[union-attr]


async def test_external_editor_round_trip(
    ui_fresh: DemoServer, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake-editor.py"
    script.write_text("import json, sys\np = sys.argv[1]\nd = json.load(open(p))\nd['timezone'] = 'America/Lima'\n"
                      "json.dump(d, open(p, 'w'), indent=2)\n")  # fmt: skip
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    app = app_on(ui_fresh, tmp_path, "policies", "weekly-sun-30d")
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # the headless test driver cannot suspend
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert json.loads(editor.buffer.text)["timezone"] == "America/Lima"
        await save(pilot)
        assert api.find("policies", "weekly-sun-30d")["timezone"] == "America/Lima"


async def test_the_external_editor_setting_makes_e_open_casatui_editor_first(
    ui_fresh: DemoServer, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def editor_script(name: str, timezone: str) -> str:
        script = tmp_path / f"{name}.py"
        script.write_text("import json, sys\np = sys.argv[1]\nd = json.load(open(p))\n"
                          f"d['timezone'] = {timezone!r}\njson.dump(d, open(p, 'w'), indent=2)\n")  # fmt: skip
        return f"{sys.executable} {script}"

    monkeypatch.setenv("EDITOR", editor_script("plain", "Europe/Oslo"))
    monkeypatch.setenv("CASATUI_EDITOR", editor_script("casatui", "America/Lima"))  # before $VISUAL and $EDITOR
    app = app_on(ui_fresh, tmp_path, "policies", "weekly-sun-30d", external_editor=True)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # the headless test driver cannot suspend
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)  # e: the pane, and straight on to the user's editor
        await settle(pilot)
        assert json.loads(editor.buffer.text)["timezone"] == "America/Lima"
        assert writes(app) == []  # nothing saved behind the user's back: the diff, then ctrl+s's guards
        await save(pilot)
        assert api.find("policies", "weekly-sun-30d")["timezone"] == "America/Lima"


async def test_create_from_the_schema_template(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubehooks", "pg-freeze")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None and editor.base is None
        template = json.loads(editor.buffer.text)
        assert template == {"name": "", "hook_type": "COMMON", "hook": []}
        edit(
            editor,
            lambda d: d.update(
                name="made-in-the-editor", hook=[{"labels": {"app": "x"}, "target": [{"command": "true"}]}]
            ),
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = api.find("kubehooks", "made-in-the-editor")
        assert created["hook_type"] == "COMMON"
        assert explorer(app).table.current is not None
        assert explorer(app).table.current["_id"] == created["_id"]


async def test_delete_asks_naming_the_document(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubehooks", "mysql-flush")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        target = api.find("kubehooks", "mysql-flush")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and "mysql-flush" in app.screen.title_text
        await pilot.press("d")
        await settle(pilot)
        assert api.get("kubehooks", target["_id"]).status_code == 404
        delete = next(e for e in app.session.client.exchanges if e.method == "DELETE")
        assert delete.request_headers["if-match"] == target["_etag"]


async def test_pause_and_resume(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "payments-mwf")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert api.find("kubebackups", "payments-mwf")["pause"] is True
        await pilot.press("P")
        await settle(pilot)
        assert api.find("kubebackups", "payments-mwf")["pause"] is False
        assert [json.loads(e.request_body or "{}") for e in app.session.client.exchanges if e.method == "PATCH"] == [
            {"pause": True}, {"pause": False}]  # fmt: skip


async def test_run_now_jumps_to_the_job_it_started(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "staging-apps-adhoc")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("r")
        await settle(pilot)
        screen = explorer(app)
        assert screen.collection == "jobs" and screen.table.model.count == 1
        job = screen.table.current
        assert job is not None and job["state"] == "RUNNING"
        assert api.get("jobs", job["_id"]).json()["backupdef"] == api.find("kubebackups", "staging-apps-adhoc")["_id"]


async def test_read_only_refuses_writes_before_sending(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "payments-mwf", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "ctrl+d")
        await settle(pilot)
        assert writes(app) == []


async def test_closed_editors_are_freed(ui_demo: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_demo, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=(120, 40)) as pilot:
        buffers = []
        for _ in range(3):
            editor = await open_editor(pilot)
            buffers.append(weakref.ref(editor.buffer))
            del editor
            await pilot.press("escape")
            await settle(pilot)
        gc.collect()
        assert [ref() for ref in buffers] == [None, None, None]


async def test_editors_closed_by_a_save_are_freed_at_once(ui_fresh: DemoServer, tmp_path: Path) -> None:
    """The save's requests left cancelled timeout timers on the event loop holding the save worker's context, so
    every saved editor (~50 MB for a 1 MB document) lived on for the read timeout."""
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=(120, 40)) as pilot:
        buffers = []
        for number in range(2):
            editor = await open_editor(pilot)
            buffers.append(weakref.ref(editor.buffer))
            edit(editor, lambda d, number=number: d.update(tags={"saved": str(number)}))
            del editor
            await save(pilot)
            assert editor_of(app) is None and writes(app)[-1] in ("PUT", "PATCH")
        gc.collect()
        assert [ref() for ref in buffers] == [None, None]
        assert len(app.session.writes) == 2 and '"saved": "1"' in "".join(
            line for _, line in app.session.writes[1].diff
        )


async def test_closed_editors_leave_no_documents(ui_demo: DemoServer, tmp_path: Path) -> None:
    # A highlighted document and its tree-sitter tree form a cycle Python's collector cannot see through.
    from textual.document._syntax_aware_document import SyntaxAwareDocument

    app = app_on(ui_demo, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await open_editor(pilot)
            await pilot.press("escape")
            await settle(pilot)
        gc.collect()
        assert sum(isinstance(o, SyntaxAwareDocument) for o in gc.get_objects()) == 0
