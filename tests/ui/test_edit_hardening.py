"""Edits that must never be lost or sent wrong: drafts kept until saved or discarded (and offered back when the
document is opened again), drafts that cannot be written, protected profiles after a 412, non-standard numbers,
and the server's version changing while the editor is open."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from casatui.core import editing
from casatui.core.drafts import Draft, DraftStore
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.messages import OpenCollection
from casatui.ui.screens.compare import CompareScreen
from casatui.ui.screens.confirm import ChoiceScreen
from casatui.ui.screens.conflict import ConflictScreen, DeletedScreen
from casatui.ui.screens.diff import DiffScreen
from casatui.ui.screens.pick import PickScreen
from casatui.ui.screens.save_as import SaveAsScreen
from casatui.ui.widgets.editor_pane import EditorPane

from .conftest import editor_of, in_front, text_of
from .test_editor import Api, app_on, edit, open_editor, save, writes
from .test_explorer import explorer, settle


def test_nan_and_infinities_are_refused_with_where_they_are() -> None:
    problem = editing.parse_buffer('{\n  "name": "NaN and Infinity",\n  "retain": NaN\n}\n')
    assert isinstance(problem, editing.ParseProblem)
    assert (problem.line, problem.column) == (3, 13) and "NaN" in problem.message
    problem = editing.parse_buffer('{"a": "-Infinity", "b": [1, -Infinity]}')
    assert isinstance(problem, editing.ParseProblem)
    assert (problem.line, problem.column) == (1, 29) and "-Infinity" in problem.message
    assert editing.parse_buffer('{"a": "NaN"}') == {"a": "NaN"}
    assert editing.non_finite_path({"a": [1, {"b": float("inf")}]}) == "a.1.b"
    assert editing.non_finite_path({"a": [1.5, "NaN"]}) is None


async def test_nan_in_the_buffer_is_not_sent(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        document = json.loads(editor.buffer.text)
        document["retain_days"] = 1e400  # json.dumps writes Infinity, as Python would have written it back
        editor.buffer.load_text(json.dumps(document, indent=2) + "\n")
        before = len(app.session.client.exchanges)
        await save(pilot, confirm=False)
        assert in_front(app, editor) and len(app.session.client.exchanges) == before
        note = str(editor.query_one("#edit-note").render())
        assert "Infinity is not a JSON number" in note and "Nothing was sent" in note
        line = editor.buffer.text.splitlines()[editor.buffer.cursor_location[0]]
        assert "Infinity" in line


# -- drafts ---------------------------------------------------------------------------------------------------


def drafts_of(app: CasaApp) -> list[Draft]:
    assert app.session.drafts is not None
    return app.session.drafts.all()


async def leave_keeping_a_draft(pilot: Pilot[None], editor: EditorPane, timezone: str) -> str:
    edit(editor, lambda d: d.update(timezone=timezone))
    typed = editor.buffer.text
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ChoiceScreen) and "Leave" in pilot.app.screen.title_text
    await pilot.press("l")
    await settle(pilot)
    assert editor_of(pilot.app) is None
    return typed


async def test_opening_a_document_with_a_draft_offers_it_and_never_deletes_it(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        typed = await leave_keeping_a_draft(pilot, await open_editor(pilot), "Europe/Paris")
        assert [d.text for d in drafts_of(app)] == [typed]
        # e on the same row: the draft is offered (the server's version against it), not replaced.
        await pilot.press("e")
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, CompareScreen), offer
        assert '+   "timezone": "Europe/Paris",' in offer.diff.plain
        await pilot.press("escape")  # not now
        await settle(pilot)
        assert editor_of(app) is None and not isinstance(app.screen, CompareScreen)
        assert [d.text for d in drafts_of(app)] == [typed]
        # Resumed: the editor holds the draft; leaving again keeps it.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None and editor.buffer.text == typed
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert [d.text for d in drafts_of(app)] == [typed]
        # Discarded, explicitly: the editor opens on the server's version and the draft is gone.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None and json.loads(editor.buffer.text)["timezone"] != "Europe/Paris"
        assert drafts_of(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert writes(app) == []


async def test_later_on_the_start_up_offer_keeps_the_draft_when_the_document_is_opened(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        typed = await leave_keeping_a_draft(pilot, await open_editor(pilot), "Asia/Tokyo")
    again = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, PickScreen)
        await pilot.press("escape")  # later
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(again.screen, CompareScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert [d.text for d in drafts_of(again)] == [typed]


async def test_an_editor_never_removes_a_draft_it_did_not_show(ui_fresh: DemoServer, tmp_path: Path) -> None:
    """A draft written meanwhile by another editor of the same document (another casatui): neither overwritten
    nor removed by this one, which says so."""
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        assert editor.base is not None and app.session.drafts is not None
        other = Draft("test", app.session.client.root, "policies", editor.base.id, editor.base.data, '{"x": 1}\n')
        app.session.drafts.save(other)
        await pilot.press("escape")  # not dirty: closes
        await settle(pilot)
        assert [d.text for d in drafts_of(app)] == ['{"x": 1}\n']


async def test_new_documents_drafts_are_offered_too(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubehooks", "pg-freeze")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None
        edit(editor, lambda d: d.update(name="half-written"))
        typed = editor.buffer.text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("r")
        await settle(pilot)
        editor = editor_of(app)
        assert editor is not None and editor.buffer.text == typed


def unwritable(app: CasaApp, tmp_path: Path) -> None:
    """Drafts go under a regular file: every write fails, whoever runs the test (root ignores permissions)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app.session.drafts = DraftStore(blocker / "drafts")


async def test_a_draft_that_cannot_be_written_is_said_before_leaving_and_needs_a_choice(
    ui_fresh: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    unwritable(app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="America/Lima"))
        typed = editor.buffer.text
        await pilot.press("escape")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ChoiceScreen) and "cannot be kept as a draft" in question.title_text
        assert "Not a directory" in str(question.body)
        await pilot.press("l")  # "leave, keep the draft" is not offered: nothing happens
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert in_front(app, editor) and editor.buffer.text == typed
        # Written to a file the user names.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, SaveAsScreen)
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "kept.json")
        await pilot.press("enter")
        await settle(pilot)
        assert editor_of(app) is None and not isinstance(app.screen, SaveAsScreen | ChoiceScreen)
        assert (tmp_path / "kept.json").read_text() == typed
        assert stat.S_IMODE((tmp_path / "kept.json").stat().st_mode) == 0o600
        # Copied to the clipboard.
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="America/Bogota"))
        typed = editor.buffer.text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert editor_of(app) is None and app.clipboard == typed


async def test_quitting_when_the_draft_cannot_be_written_asks_on_the_editor(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    unwritable(app, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Africa/Cairo"))
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and "Quit" in app.screen.title_text
        await pilot.press("q")  # "quit, keep the draft": it cannot be kept
        await settle(pilot)
        assert app.return_code is None
        assert isinstance(app.screen, ChoiceScreen) and "cannot be kept as a draft" in app.screen.title_text
        await pilot.press("escape")
        await settle(pilot)
        assert in_front(app, editor) and app.return_code is None
        typed = editor.buffer.text
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == typed
    assert app.return_code == 0


def test_draft_files_are_0600_and_never_reached_through_a_link(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    draft = Draft("p", "http://x/api/v1", "policies", "a" * 24, None, "{}\n")
    previous = os.umask(0)
    try:
        path = store.save(draft)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (tmp_path / "drafts").chmod(0o755)  # made open to others by something else: private again at the next write
    store.save(draft)
    assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700
    # A link planted where the draft goes is replaced, not written through.
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    path.unlink()
    path.symlink_to(victim)
    store.save(draft)
    assert victim.read_text() == "untouched" and not path.is_symlink()
    # A link planted as a draft is not read; a drafts directory that is a link is refused.
    (tmp_path / "drafts" / "planted.json").symlink_to(path)
    assert len(store.all()) == 1
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError, match="symbolic link"):
        DraftStore(tmp_path / "linked").save(draft)
    assert list((tmp_path / "elsewhere").iterdir()) == []


# -- protected profiles: every write needs the name, whatever led to it ------------------------------------------


async def type_name(pilot: Pilot[None], name: str) -> None:
    for char in name:
        await pilot.press(char)
    await pilot.press("enter")
    await settle(pilot)


async def protected_save_then_412(pilot: Pilot[None], api: Api, name: str, theirs: dict[str, object]) -> None:
    editor = await open_editor(pilot)
    edit(editor, lambda d: d.update(timezone="Europe/Paris"))
    api.patch("policies", api.find("policies", name), theirs)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DiffScreen) and pilot.app.screen.protected_name == name
    await type_name(pilot, name)
    assert isinstance(pilot.app.screen, ConflictScreen)


async def test_protected_apply_after_a_412_needs_the_name_again(ui_fresh: DemoServer, api: Api, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d", protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await protected_save_then_412(pilot, api, "daily-7d", {"tags": {"owner": "colleague"}})
        assert writes(app) == ["PUT"]  # refused with 412
        await pilot.press("a")
        await settle(pilot)
        assert writes(app) == ["PUT"]
        confirm = app.screen
        assert isinstance(confirm, DiffScreen) and confirm.protected_name == "daily-7d"
        await pilot.press("enter")  # no name typed: nothing is written
        await settle(pilot)
        assert app.screen is confirm and writes(app) == ["PUT"]
        await type_name(pilot, "daily-7d")
        assert writes(app) == ["PUT", "PUT"]
        stored = api.find("policies", "daily-7d")
        assert stored["timezone"] == "Europe/Paris" and stored["tags"] == {"owner": "colleague"}


async def test_protected_overwrite_after_a_412_needs_the_name_again(
    ui_fresh: DemoServer, api: Api, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "weekly-sun-30d", protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await protected_save_then_412(pilot, api, "weekly-sun-30d", {"timezone": "Asia/Tokyo"})
        await pilot.press("o")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ChoiceScreen) and confirm.type_to_confirm == "weekly-sun-30d"
        await pilot.press("o")  # the overwrite key alone does not write: it goes into the name field
        await settle(pilot)
        assert app.screen is confirm and writes(app) == ["PUT"]
        confirm.query_one(Input).value = ""
        await type_name(pilot, "weekly-sun-30d")
        assert writes(app) == ["PUT", "PUT"]
        assert api.find("policies", "weekly-sun-30d")["timezone"] == "Europe/Paris"


async def test_protected_re_create_after_a_delete_needs_the_name(
    ui_fresh: DemoServer, api: Api, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubehooks", "pg-thaw", protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(description="still wanted"))
        gone = api.find("kubehooks", "pg-thaw")
        assert api.http.delete(f"/kubehooks/{gone['_id']}", headers={"If-Match": gone["_etag"]}).status_code == 204
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_name(pilot, "pg-thaw")
        assert isinstance(app.screen, DeletedScreen)
        await pilot.press("c")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ChoiceScreen) and confirm.type_to_confirm == "pg-thaw"
        assert writes(app) == ["PUT"]
        await pilot.press("escape")
        await settle(pilot)
        assert in_front(app, editor) and writes(app) == ["PUT"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_name(pilot, "pg-thaw")
        await pilot.press("c")
        await settle(pilot)
        await type_name(pilot, "pg-thaw")
        assert writes(app) == ["PUT", "PUT", "POST"]
        assert api.find("kubehooks", "pg-thaw")["description"] == "still wanted"


@pytest.mark.parametrize(("collection", "name", "key"), [("kubehooks", "mysql-flush", "ctrl+d"),
                         ("kubebackups", "payments-mwf", "P"), ("kubebackups", "staging-apps-adhoc", "R")])  # fmt: skip
async def test_protected_explorer_writes_need_the_name(
    ui_fresh: DemoServer, tmp_path: Path, collection: str, name: str, key: str
) -> None:
    app = app_on(ui_fresh, tmp_path, collection, name, protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ChoiceScreen) and confirm.type_to_confirm == name
        await pilot.press(confirm.choices[0][0], "enter")
        await settle(pilot)
        assert writes(app) == []


async def test_a_merge_refused_after_a_412_is_edited_on_top_of_theirs(
    ui_fresh: DemoServer, api: Api, tmp_path: Path
) -> None:
    """The merge that was tried is what the buffer holds after a 422, on their version: fixing it and saving again
    keeps their change (with yours in the buffer on their etag, it would have been overwritten without a 412)."""
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(140, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris", bogus=1))
        api.patch("policies", api.find("policies", "daily-7d"), {"tags": {"owner": "colleague"}})
        await save(pilot)
        assert isinstance(app.screen, ConflictScreen) and app.screen.conflicts == []
        await pilot.press("a")
        await settle(pilot)
        assert in_front(app, editor) and editor.has_class("-issues") and writes(app) == ["PUT", "PUT"]
        assert editor.base is not None and editor.base.etag == api.find("policies", "daily-7d")["_etag"]
        assert json.loads(editor.buffer.text)["tags"] == {"owner": "colleague"}
        assert '"bogus"' in editor.buffer.text.splitlines()[editor.buffer.cursor_location[0]]
        edit(editor, lambda d: d.pop("bogus"))
        await save(pilot)
        stored = api.find("policies", "daily-7d")
        assert stored["timezone"] == "Europe/Paris" and stored["tags"] == {"owner": "colleague"}


async def test_a_value_of_another_json_type_is_a_change(ui_fresh: DemoServer, tmp_path: Path) -> None:
    """false and 0 are equal in Python, not in JSON: the editor and the client decide it the same way."""
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        assert json.loads(editor.buffer.text)["schedules"][0]["locked"] is False
        edit(editor, lambda d: d["schedules"][0].update(locked=0))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and "schedules" in str(app.screen.query_one("#diff-summary").render())
        await pilot.press("escape")
        await settle(pilot)
        assert writes(app) == []


# -- the server's version changing while the editor is open ------------------------------------------------------


def checks(app: CasaApp) -> list[int | None]:
    """The statuses of the editor's conditional GETs (If-None-Match), in order."""
    return [
        e.status
        for e in app.session.client.exchanges
        if e.method == "GET" and any(k.lower() == "if-none-match" for k in e.request_headers)
    ]


async def until(pilot: Pilot[None], condition: Callable[[], bool], rounds: int = 400) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")


async def test_the_editor_shows_that_the_server_version_changed_and_what_changed(
    ui_fresh: DemoServer, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EditorPane, "CHECK_SECONDS", 0.1, raising=False)
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Paris"))
        typed = editor.buffer.text
        await until(pilot, lambda: len(checks(app)) >= 2)
        assert set(checks(app)) == {304} and "Changed on the server" not in text_of(editor.query_one("#edit-header"))
        api.patch("policies", api.find("policies", "daily-7d"), {"tags": {"owner": "colleague"}})
        await until(pilot, lambda: editor.server_version is not None)
        assert 200 in checks(app)
        assert "Changed on the server since you opened it" in text_of(editor.query_one("#edit-header"))
        await pilot.press("f3")
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, CompareScreen) and '"owner": "colleague"' in shown.diff.plain
        assert "+ " in shown.diff.plain and "Europe/Paris" not in shown.diff.plain  # theirs against the base
        await pilot.press("escape")
        await settle(pilot)
        assert in_front(app, editor) and editor.buffer.text == typed
        seen = len(checks(app))
        await pilot.pause(0.5)
        assert set(checks(app)[seen:]) <= {304}  # asked with the new etag since: unchanged
        # Closed: no more checks.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert editor_of(app) is None
        await pilot.pause(0.3)
        closed = len(checks(app))
        await pilot.pause(0.6)
        assert len(checks(app)) == closed


async def test_the_editor_shows_a_deletion_on_the_server(
    ui_fresh: DemoServer, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EditorPane, "CHECK_SECONDS", 0.1, raising=False)
    app = app_on(ui_fresh, tmp_path, "kubehooks", "mysql-flush", read_only=True)  # reads are fine in read-only
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        gone = api.find("kubehooks", "mysql-flush")
        assert api.http.delete(f"/kubehooks/{gone['_id']}", headers={"If-Match": gone["_etag"]}).status_code == 204
        await until(pilot, lambda: editor.server_gone)
        assert "Deleted on the server" in text_of(editor.query_one("#edit-header"))


async def test_going_to_another_collection_keeps_the_edit_open_beside_it(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Madrid"))
        typed = editor.buffer.text
        app.action_jump()  # ":" where it reaches the app
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("j", "o", "enter")
        await settle(pilot)
        assert explorer(app).collection == "jobs"
        assert editor_of(app) is editor and editor.buffer.text == typed and editor.collection == "policies"


async def test_a_question_of_the_editor_is_never_taken_away_from_under_it(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        edit(editor, lambda d: d.update(timezone="Europe/Madrid"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        app.post_message(OpenCollection("jobs"))  # as the palette, the overview and the job view do
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.explorer is not None and app.explorer.collection == "policies"
        assert any("A question is open" in str(n.message) for n in app._notifications)
        await pilot.press("y")  # the save it was waiting for goes on
        await settle(pilot)
        assert editor_of(app) is None and writes(app) == ["PUT"]


async def test_a_protected_name_with_control_characters_is_accepted_as_shown() -> None:
    """A name holding ESC cannot be typed; its visible form (copied from the screen) confirms, anything else not."""
    from textual.app import App
    from textual.widgets import Input

    name = "nightly-\x1b]0;x\x1b\\"
    answers: list[str | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ChoiceScreen("Delete?", "", [("d", "Delete")], type_to_confirm=name), answers.append)

    async with Host().run_test() as pilot:
        typed = pilot.app.screen.query_one(Input)
        typed.value = "nightly-]0;x"  # the printable characters alone are not the name
        await pilot.press("enter")
        assert answers == []
        typed.value = "nightly-␛]0;x␛\\"  # as the dialog shows it
        await pilot.press("enter")
        await pilot.pause()
        assert answers == ["d"]
