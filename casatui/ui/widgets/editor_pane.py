"""The JSON editor, a pane of the explorer: a fresh GET, the editable fields in a code editor, ETag-guarded saves
that never lose a key.

It takes the preview's place beside the table, or the whole width (zoomed: a key, or a terminal too narrow for both);
it is the same widget either way, so every guard behaves the same. The buffer is kept as a draft on disk while it
differs from what was loaded; every failure leaves it as it was. It closes by posting `EditorPane.Closed`: the
explorer takes it away and shows the saved version.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import re
import shlex
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ...api.edits import is_unchanged
from ...api.errors import ApiError, NotFound, ValidationFailed
from ...api.models import Item
from ...core import editing, tones
from ...core.drafts import Draft, write_new_file
from ...core.editing import Method, ParseProblem, buffer_text, parse_buffer
from ...core.external_editor import editor_command, run_editor
from ...core.session import Session
from ..actions import bindings
from ..safe import multiline, plain, safe_text
from ..screens.compare import CompareScreen
from ..screens.confirm import ChoiceScreen
from ..screens.conflict import ConflictScreen, DeletedScreen
from ..screens.diff import DiffScreen
from ..screens.save_as import SaveAsScreen
from .json_buffer import HIGHLIGHT_LIMIT, JsonBuffer

DRAFT_DELAY = 1.0  # seconds of quiet typing before the draft is written


async def _sleep_detached(seconds: float) -> None:
    """asyncio.sleep, except that the timer it leaves in the event loop when cancelled holds no context: a
    cancelled sleep's handle stays queued until its deadline with the context of the task that slept, and so
    (through Textual's context variables) the closed editor, for up to a whole interval."""
    loop = asyncio.get_running_loop()
    woken = loop.create_future()
    handle = loop.call_later(seconds, _wake, woken, context=contextvars.Context())
    try:
        await woken
    finally:
        handle.cancel()


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class EditorPane(Vertical):
    DEFAULT_CSS = """
    EditorPane { width: 50%; border-left: tall $panel; }
    EditorPane:focus-within { border-left: tall $accent; }
    EditorPane #edit-header { height: auto; padding: 0 1; background: $panel; }
    EditorPane #edit-note { height: auto; padding: 0 1; color: $text-muted; }
    EditorPane.-problem #edit-note { color: $error; text-style: bold; }
    EditorPane TextArea, EditorPane TextArea:focus { height: 1fr; border: none; }
    EditorPane #edit-side { width: 46; max-width: 50%; display: none; border-left: tall $error; }
    EditorPane.-issues #edit-side { display: block; }
    EditorPane #edit-side-title { padding: 0 1; text-style: bold; color: $error; }
    EditorPane #issues, EditorPane #issues:focus { height: 1fr; border: none; }
    """
    SCOPE = "editor"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("editor")]
    # How often the server is asked whether the document changed: a conditional GET that Eve answers with a
    # bodiless 304 while it did not. Often enough to warn before a save, rare enough to cost nothing.
    CHECK_SECONDS: ClassVar[float] = 15.0

    class Closed(Message):
        """The editor is done: `item` is the version it saved, or None (left without saving)."""

        def __init__(self, pane: EditorPane, item: Item | None) -> None:
            super().__init__()
            self.pane = pane
            self.item = item

    def __init__(
        self,
        session: Session,
        collection: str,
        item: Item | None,
        *,
        label: str,
        text: str | None = None,
        hints: Text | None = None,
        draft: Draft | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.collection = collection
        self.base = item  # the version being edited (None: a new document)
        self.new = item is None
        self.label = label
        self.initial = text if text is not None else buffer_text(item.data if item else {})
        self.saved_text = buffer_text(item.data) if item else ""
        self.hints = hints
        self._draft_timer: Timer | None = None
        self.server_version: Item | None = None  # newer than `base`, seen while editing
        self.server_gone = False  # the document was deleted on the server while editing
        # The draft on disk is this editor's to replace or remove only when it wrote it or resumed it: another
        # one of the same document (opened elsewhere meanwhile) is never overwritten or deleted from here.
        self._draft_owned = draft is not None
        self._draft_elsewhere: Draft | None = None
        self.draft_problem: str | None = None  # why the last draft could not be written
        self.closed = False

    # -- layout -----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._header(), id="edit-header")
        yield Static(self._note(), id="edit-note")
        with Horizontal():
            yield JsonBuffer.for_document(self.initial, dark=self.app.current_theme.dark, id="buffer")
            with Vertical(id="edit-side"):
                yield Static("", id="edit-side-title")
                yield OptionList(id="issues")

    def on_resize(self) -> None:
        self.query_one("#edit-header", Static).update(self._header())  # the fields that fit the new width

    def close(self, item: Item | None) -> None:
        """Done: the explorer removes the pane (and shows `item`, the saved version). Once only."""
        if not self.closed:
            self.closed = True
            self.post_message(self.Closed(self, item))

    class ZoomAsked(Message):
        """The zoom key, pressed in the editor: the explorer gives it the whole width, or its place beside the
        table back."""

    class TableAsked(Message):
        """To the table, the editor kept open (beside it, or behind it on a narrow terminal)."""

    def action_zoom(self) -> None:
        self.post_message(self.ZoomAsked())

    def action_to_table(self) -> None:
        self.post_message(self.TableAsked())

    def on_mount(self) -> None:
        self.buffer.focus()
        store = self.session.drafts
        if store is not None and not self._draft_owned:
            with contextlib.suppress(OSError):
                self._draft_elsewhere = store.find(*self._draft_identity())
        if self._draft_elsewhere is not None:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self._draft_elsewhere.saved_at))
            self.say(
                f"Another unsaved draft of this document (from {when}) is on disk and stays there; this edit is not "
                "kept as a draft: save it, or leave and open the document again to see that draft."
            )
        if self.dirty:
            self._save_draft()
        if self.base is not None:
            self.run_worker(self._watch_server, group="server-watch", exit_on_error=False)  # type: ignore[arg-type]  # Textualize/textual#6386; ends with the screen
        if self.hints is not None:
            self._show_side("Fields", [Option(self.hints, disabled=True)])
        if self.session.settings.external_editor:  # the setting: `e` goes straight on to the user's editor
            self.call_after_refresh(self.action_external_editor)

    @property
    def buffer(self) -> TextArea:
        return self.query_one("#buffer", TextArea)

    @property
    def dirty(self) -> bool:
        return self.buffer.text != self.saved_text if self.is_mounted else self.initial != self.saved_text

    def _header(self) -> Text:
        text = Text.assemble(("Editing " if self.base else "New document in ", "bold"), (self.label, "bold cyan"))
        if self.base is not None:
            data = self.base.data
            # Of Eve's SERVER_FIELDS, the ones worth showing, on the label's line, as many as the width holds (the
            # version first): the header takes one line, however narrow the terminal.
            room = (self.size.width or self.app.size.width) - 3  # (the pane's border and the header's padding)
            keys = ("_etag", "_updated", "_id", "_created")
            fields: list[tuple[str, str]] = [(key, str(data[key])) for key in keys if key in data]
            if "_links" in data:
                fields.append(("_links", f"{len(data['_links'])} link(s)"))
            for key, value in fields:
                for shown in (value, value[:12] + "…") if len(value) > 16 else (value,):  # (an etag's start)
                    if text.cell_len + 3 + len(key) + 1 + cell_len(plain(shown)) <= room:
                        text.append("   ")
                        text.append(f"{key} ", style="dim")
                        text.append(shown)
                        break
            if self.server_gone:
                text.append("\n⚠ Deleted on the server since you opened it: saving offers a file or a re-create.")
                text.stylize(tones.BAD, text.plain.rindex("\n") + 1)
            elif self.server_version is not None:
                newer = self.server_version.data
                text.append(
                    f"\n⚠ Changed on the server since you opened it (etag {self.server_version.etag[:12]}…, "
                    f"updated {newer.get('_updated', '?')}): f3 shows what changed; saving will merge.",
                    style="bold yellow",
                )
        return safe_text(text, newlines=True)  # the label and the values are the server's

    # -- the server's version, while editing ------------------------------------------------------------

    def _rebase(self, item: Item) -> None:
        """Edit on top of `item` from now on (a reload, a merge, a 412 resolved)."""
        self.base = item
        self.saved_text = buffer_text(item.data)
        if self.server_version is not None and self.server_version.etag == item.etag:
            self.server_version = None
        self.query_one("#edit-header", Static).update(self._header())

    async def _watch_server(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # closed: ends quietly (a kept error holds this frame)
            while not self.server_gone:
                await _sleep_detached(self.CHECK_SECONDS)
                await self._ask_server()

    def _check_server(self) -> None:
        self.run_worker(self._ask_server, group="server-check", exclusive=True, exit_on_error=False)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _ask_server(self) -> None:
        """Off the UI path: GET with If-None-Match: the etag last seen. 304: nothing changed."""
        if self.base is None or self.server_gone:
            return
        seen = self.server_version.etag if self.server_version is not None else self.base.etag
        try:
            newer = await self.session.client.get(self.collection, self.base.id, if_none_match=seen)
        except NotFound:
            self.server_gone = True
        except Exception:  # any failure (an answer no check foresaw too) says nothing: the save still guards with
            return  # If-Match, and the next check runs as planned instead of the watch ending for the whole edit
        else:
            if newer is None or newer.etag == seen:
                return
            self.server_version = None if newer.etag == self.base.etag else newer
        if self.is_attached:
            self.query_one("#edit-header", Static).update(self._header())

    def action_server_changes(self) -> None:
        if self.base is None:
            return
        if self.server_version is None:
            gone = "It was deleted on the server." if self.server_gone else ""
            self.notify(
                gone or f"No change seen on the server (it is checked every {self.CHECK_SECONDS:g} s).", timeout=4
            )
            self._check_server()
            return
        newer = self.server_version
        self.app.push_screen(
            CompareScreen(
                "What changed on the server since you opened it",
                Text(
                    f"The version you are editing (-, etag {self.base.etag[:12]}…) against the server's current one "
                    f"(+, etag {newer.etag[:12]}…). Your buffer is untouched: ctrl+s saves it and shows a merge of "
                    "both; ctrl+r reloads theirs, discarding yours."
                ),
                buffer_text(self.base.data),
                buffer_text(newer.data),
                [],
            )
        )

    def _note(self, problem: str = "") -> Text:
        self.set_class(bool(problem), "-problem")
        if problem:
            return Text(multiline(problem))
        text = Text("ctrl+s saves with If-Match; server fields are shown above")  # (fits the pane beside a table)
        owned = editing.server_owned(self.base.data) if self.base is not None else []
        if owned:
            text.append(f"\nServer-owned (changes refused): `{'`, `'.join(owned)}`", style=tones.WARN)
        if len(self.initial) > HIGHLIGHT_LIMIT:
            text.append(
                f"\nOver {HIGHLIGHT_LIMIT // 1000} K characters: shown without JSON colours so typing stays quick.",
                style="dim",
            )
        if self.session.client.read_only:
            text.append("\nRead-only: saving is refused before anything is sent.", style="bold yellow")
        return text

    def say(self, problem: str = "") -> None:
        self.query_one("#edit-note", Static).update(self._note(problem))

    # -- drafts -----------------------------------------------------------------------------------------

    def _draft_identity(self) -> tuple[str, str, str, str | None]:
        return self.session.profile, self.session.client.root, self.collection, self.base.id if self.base else None

    def _draft(self) -> Draft:
        profile, root, collection, item_id = self._draft_identity()
        return Draft(profile, root, collection, item_id, self.base.data if self.base else None, self.buffer.text)

    @on(TextArea.Changed, "#buffer")
    def _changed(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self) -> bool:
        """Keep the buffer on disk while it differs from the server's version; True when nothing is only in
        memory (kept, or nothing to keep). A buffer back to the server's version removes this editor's draft."""
        store = self.session.drafts
        if not self.dirty:
            if self._draft_owned and store is not None:
                with contextlib.suppress(OSError):  # it holds nothing the server has not
                    store.remove(self._draft())
                    self._draft_owned = False
            self.draft_problem = None
            return True
        if store is None:
            self.draft_problem = "no state directory to keep drafts in"
        elif self._draft_elsewhere is not None:
            self.draft_problem = "another draft of this document is on disk and is kept"
        else:
            try:
                store.save(self._draft())
            except OSError as error:
                problem = f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
                if problem != self.draft_problem:
                    self.say(f"The draft could not be written ({problem}); your edit is only in memory.")
                self.draft_problem = problem
                return False
            self._draft_owned = True
            self.draft_problem = None
            return True
        return False

    def discard_draft(self) -> None:
        """An explicit discard (or a successful save): this editor's draft goes."""
        if self._draft_owned and self.session.drafts is not None:
            try:
                self.session.drafts.remove(self._draft())
            except OSError as error:
                self.notify(f"The draft could not be removed: {error}", severity="warning", markup=False)
                return
            self._draft_owned = False

    async def keep_before_closing(self) -> bool:
        """Before the editor closes with unsaved changes: True once the edit is kept somewhere (the draft, or
        where the user chose when no draft can be written) or explicitly discarded; False: stay."""
        if self._save_draft():
            return True
        while True:
            answer = await self.app.push_screen_wait(
                ChoiceScreen(
                    "Your edit cannot be kept as a draft",
                    Text(
                        f"The draft could not be written ({self.draft_problem}). Leaving now would lose your edit: "
                        "write it to a file, copy it to the clipboard, or discard it. esc: keep editing. The copy "
                        "goes through the terminal (OSC 52), which cannot say whether it arrived: some terminals and "
                        "tmux set-ups ignore it or cut long texts, so a file is the safe choice."
                    ),
                    [
                        ("w", "Write it to a file…"),
                        ("c", "Copy it to the clipboard (unchecked)"),
                        ("d", "Discard my edit"),
                    ],
                    danger=True,
                )
            )
            if answer == "d":
                self.discard_draft()
                return True
            if answer == "c":
                self.app.copy_to_clipboard(self.buffer.text)
                self.notify(
                    f"Copied your edit ({len(self.buffer.text)} characters) through the terminal (OSC 52).",
                    timeout=8,
                    markup=False,
                )
                return True
            if answer == "w":
                path = await self.app.push_screen_wait(SaveAsScreen(self.buffer.text, self._file_path()))
                if path is None:
                    continue
                self.notify(f"Saved your version to {path}", timeout=8, markup=False)
                return True
            self.say(f"Still editing. The draft could not be written ({self.draft_problem}).")
            return False

    # -- saving -----------------------------------------------------------------------------------------

    def action_save(self) -> None:
        self.run_worker(self._save, group="save", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _save(self) -> None:
        parsed = parse_buffer(self.buffer.text)
        if isinstance(parsed, ParseProblem):
            self.buffer.cursor_location = (parsed.line - 1, max(0, parsed.column - 1))
            self.buffer.scroll_cursor_visible()
            self.say(f"Not valid JSON at {parsed}. Nothing was sent.")
            return
        if self.base is None:
            await self._create(parsed)
            return
        if is_unchanged(self.base.data, parsed):
            self.say("No changes: nothing was sent.")
            self.notify("No changes: nothing was sent.", timeout=3)
            return
        method = await self._confirm(parsed)
        if method is None:
            return
        self.say("Saving…")
        await self._handle(await editing.save(self.session.client, self.base, parsed, method))

    async def _confirm(self, parsed: dict[str, Any]) -> Method | None:
        assert self.base is not None
        settings = self.session.settings
        protected = self._protected_name(parsed) if settings.protected else None
        screen = DiffScreen(
            self.base.data,
            editing.with_identity(self.base.data, parsed),
            self.session.write_method,
            label=self.label,
            protected_name=protected,
            profile=self.session.profile,
            methods=self._methods,
        )
        method = await self.app.push_screen_wait(screen)
        if method is not None:
            self.session.write_method = method
        return method

    @property
    def _methods(self) -> tuple[Method, ...]:
        """PUT and PATCH, as far as the server's document offers them for this collection."""
        profile = self.session.profile_of(self.collection)
        offered: list[Method] = []
        if profile.can("replace"):
            offered.append("PUT")
        if profile.can("update"):
            offered.append("PATCH")
        return tuple(offered)

    def _protected_name(self, document: dict[str, Any]) -> str:
        base = self.base.data if self.base else {}
        return self._name_of(base or document) or (self.base.id if self.base else self.collection)

    def _name_of(self, document: dict[str, Any]) -> str:
        """What names a document of this collection (its profile's name field), for typing it to confirm."""
        return self.session.profile_of(self.collection).name_of(document)

    async def _handle(self, outcome: editing.Outcome) -> None:
        """Show what came of a save or of a 412's resolution."""
        if isinstance(outcome, editing.Saved):
            self.session.record_write(outcome.method, self.collection, outcome.replaced.data, outcome.item)
            self._saved(outcome.item, f"Saved with {outcome.method}. New etag {outcome.item.etag[:12]}…")
        elif isinstance(outcome, editing.NothingChanged):
            self.say("No changes: nothing was sent.")
        elif isinstance(outcome, editing.Invalid):
            self._show_issues(outcome.error)
        elif isinstance(outcome, editing.NotSent):
            self.say(outcome.reason)
        elif isinstance(outcome, editing.Deleted):
            await self._deleted(outcome.document)
        elif isinstance(outcome, editing.Conflict):
            await self._conflict(outcome)
        elif isinstance(outcome, editing.Failed):
            self._failed(outcome.error)
        elif isinstance(outcome, editing.Rebased):
            self._rebase(outcome.base)
            if outcome.document is not None:
                self._load(buffer_text(outcome.document))
            if outcome.then is not None:
                await self._handle(outcome.then)
            elif outcome.theirs:
                self.say("Reloaded the server's version; your edit was discarded.")
            else:
                self.say("This is the merge of your edit onto the current version; ctrl+s saves it.")
        elif isinstance(outcome, editing.StillEditing):
            if outcome.to_file:
                self._write_file()
            else:
                self.say("Still editing. The server's version is newer than yours: saving will conflict again.")

    def _failed(self, error: ApiError) -> None:
        self.say(f"{error.title}: {error}  Your edit is kept; ctrl+s tries again.")
        self.notify(str(error), title=error.title, severity="error", timeout=10, markup=False)

    def _saved(self, item: Item, message: str) -> None:
        self.discard_draft()
        self.saved_text = buffer_text(item.data)
        self.notify(message, timeout=4, markup=False)
        self.close(item)

    def _show_issues(self, error: ValidationFailed) -> None:
        locate = editing.locator(self.buffer.text)  # parsed once for all the issues
        found = {issue.path: locate(issue.path.split(".")) for issue in error.issues}
        issues = sorted(error.issues, key=lambda issue: found[issue.path] or (1 << 30, 0))  # as in the buffer
        options = [
            Option(safe_text(Text.assemble((issue.path, "bold"), "\n  ", issue.message), newlines=True), id=issue.path)
            for issue in issues
        ] or [Option(safe_text(str(error), newlines=True), disabled=True)]
        self._show_side(f"The server refused it (422): {len(error.issues)} issue(s)", options)
        self.say(
            "The server refused the document; its issues are listed on the right (Enter moves the cursor "
            "there). Your edit is kept."
        )
        if issues:
            self._goto(found[issues[0].path])

    def _show_side(self, title: str, options: list[Option]) -> None:
        self.query_one("#edit-side-title", Static).update(Text(plain(title)))
        issues = self.query_one("#issues", OptionList)
        issues.clear_options()
        issues.add_options(options)
        self.add_class("-issues")

    @on(OptionList.OptionSelected, "#issues")
    def _issue_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._goto(editing.locate(self.buffer.text, event.option.id.split(".")))  # the buffer as it is now
            self.buffer.focus()

    def _goto(self, where: tuple[int, int] | None) -> None:
        if where is not None:
            self.buffer.cursor_location = where
            self.buffer.scroll_cursor_visible()

    async def _conflict(self, conflict: editing.Conflict) -> None:
        self.say("412: the document changed on the server meanwhile. Your edit is kept.")
        resolution: editing.Resolution = await self.app.push_screen_wait(ConflictScreen(self.label, conflict))
        method = self.session.write_method
        write = editing.resolution_write(conflict, resolution, method)
        if write is not None:
            chosen = await self._confirm_resolution(conflict, resolution, *write)
            if chosen is None:
                return
            method = chosen
            self.say("Saving…")
        await self._handle(await editing.resolve_conflict(self.session.client, conflict, resolution, method))

    async def _confirm_resolution(
        self, conflict: editing.Conflict, resolution: editing.Resolution, document: dict[str, Any], method: Method
    ) -> Method | None:
        """The user's yes to a write after a 412: an overwrite always asks; on a protected profile every write needs
        the name, after a 412 too. The method to write with, or None (said why)."""
        protected = self._protected_name(document) if self.session.settings.protected else None
        if resolution.kind == "overwrite":
            answer = await self.app.push_screen_wait(
                ChoiceScreen(
                    "Overwrite their changes?",
                    Text(
                        "Your version replaces the current one entirely (PUT with its new etag): what they changed "
                        "is lost."
                    ),
                    [("o", "Overwrite")],
                    danger=True,
                    type_to_confirm=protected,
                )
            )
            if answer != "o":
                self.say("Not overwritten. Your edit is kept.")
                return None
        elif protected is not None:
            current = conflict.current.data
            chosen = await self.app.push_screen_wait(
                DiffScreen(
                    current,
                    editing.with_identity(current, document),
                    method,
                    label=self.label,
                    protected_name=protected,
                    profile=self.session.profile,
                    methods=self._methods,
                )
            )
            if chosen is None:
                self.say("Not saved. Your edit is kept; ctrl+s saves it (the server's version is newer).")
            return chosen
        return method

    async def _deleted(self, document: dict[str, Any]) -> None:
        choice = await self.app.push_screen_wait(DeletedScreen(self.label))
        if choice == "file":
            self._write_file()
        elif choice == "recreate":
            if self.session.settings.protected:
                name = self._name_of(document) or self.collection
                answer = await self.app.push_screen_wait(
                    ChoiceScreen(
                        f"Re-create {self.label}?",
                        Text(f"Protected profile {self.session.profile}: POST your version as a new document."),
                        [("c", "Re-create")],
                        type_to_confirm=name,
                        danger=True,
                    )
                )
                if answer != "c":
                    self.say("Not re-created. Still editing; the document no longer exists on the server.")
                    return
            await self._post(
                editing.recreate(self.session.client, self.collection, document),
                lambda item: f"Re-created as a new document ({item.id}).",
            )
        else:
            self.say("Still editing; the document no longer exists on the server.")

    async def _create(self, parsed: dict[str, Any]) -> None:
        settings = self.session.settings
        if settings.protected:
            answer = await self.app.push_screen_wait(
                ChoiceScreen(
                    f"Create in {self.collection}?",
                    Text(f"Protected profile {self.session.profile}."),
                    [("c", "Create")],
                    type_to_confirm=self._name_of(parsed) or self.collection,
                    danger=True,
                )
            )
            if answer != "c":
                return
        self.say("Creating…")
        await self._post(self.session.client.create(self.collection, parsed), lambda item: f"Created {item.id}.")

    async def _post(self, posting: Awaitable[Item], saying: Callable[[Item], str]) -> None:
        """A POST (a create, a re-create): the server's 422 issues beside the buffer, a failure said, else saved."""
        try:
            item = await posting
        except ValidationFailed as error:
            self._show_issues(error)
            return
        except ApiError as error:
            self._failed(error)
            return
        self.session.record_write("POST", self.collection, None, item)
        self._saved(item, saying(item))

    # -- the buffer -------------------------------------------------------------------------------------

    def _load(self, text: str) -> None:
        self.buffer.load_text(text)
        self.remove_class("-issues")
        self._save_draft()

    def _file_path(self, folder: Path | None = None) -> Path:
        named = f"{self.collection}-{self.base.id if self.base else 'new'}"
        stem = "casatui-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", named)[:100]  # the server's names: one safe file name
        if folder is None:
            folder = Path.cwd() if os.access(Path.cwd(), os.W_OK) else Path(tempfile.gettempdir())
        return folder / f"{stem}-{int(time.time())}.json"

    def _write_file(self) -> Path | None:
        for folder in (Path.cwd(), self.session.state_dir or Path(tempfile.gettempdir())):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = self._file_path(folder)
                write_new_file(path, self.buffer.text)
            except OSError:
                continue
            self.say(f"Your version is saved in {path}")
            self.notify(f"Saved your version to {path}", timeout=8, markup=False)
            return path
        self.say("Could not write a file anywhere; your edit is still in the buffer.")
        return None

    def action_external_editor(self) -> None:
        try:
            argv = editor_command()
        except ValueError as error:  # an unclosed quote in $EDITOR…
            self.say(f"{error}. Your edit is unchanged.")
            return
        command = shlex.join(argv)
        handle, name = tempfile.mkstemp(prefix="casatui-", suffix=".json")
        path = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(self.buffer.text)
            try:
                with self.app.suspend():
                    status = run_editor(argv, path)
            except Exception as error:  # SuspendNotSupported, a missing editor…
                self.say(f"Could not run {command}: {error}. Your edit is unchanged.")
                return
            text = path.read_text(encoding="utf-8")
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
        self.refresh()
        if status != 0:
            self.say(f"{command} exited with status {status}; the buffer is unchanged.")
            return
        if text.strip() and text != self.buffer.text:
            self.buffer.load_text(text)
            self._save_draft()
            self.say("Back from the editor: ctrl+s saves.")

    def action_reformat(self) -> None:
        parsed = parse_buffer(self.buffer.text)
        if isinstance(parsed, ParseProblem):
            self.say(f"Not valid JSON at {parsed}.")
            return
        self.buffer.load_text(buffer_text(parsed))

    def action_reload(self) -> None:
        self._reload()

    @work(group="save", exclusive=True)
    async def _reload(self) -> None:
        if self.base is None:
            return
        if self.dirty:
            answer = await self.app.push_screen_wait(
                ChoiceScreen(
                    "Reload from the server?",
                    Text("Your edit is replaced by the server's current version."),
                    [("r", "Reload and discard mine")],
                    danger=True,
                )
            )
            if answer != "r":
                return
        try:
            item = await self.session.client.get(self.collection, self.base.id)
        except ApiError as error:
            self._failed(error)
            return
        if item is not None:
            self._rebase(item)
            self._load(self.saved_text)
            self.say("Reloaded the current version.")

    # -- leaving ----------------------------------------------------------------------------------------

    def action_leave(self) -> None:
        self.run_worker(self.leave, group="leave", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def leave(self) -> bool:
        """Close, asking first when the buffer holds unsaved changes. True once closed; False: still editing."""
        if not self.dirty:
            self._save_draft()  # removes this editor's draft: the buffer is the server's version again
            self.close(None)
            return True
        if not self._save_draft():  # said here, before closing: with no draft, leaving needs a choice
            if await self.keep_before_closing():
                self.close(None)
                return True
            return False
        answer = await self.app.push_screen_wait(
            ChoiceScreen(
                "Leave with unsaved changes?",
                Text("Leaving keeps your edit as a draft, offered back when you open the document again and at start."),
                [("l", "Leave, keep the draft"), ("d", "Discard my edit")],
            )
        )
        if answer == "l":
            if await self.keep_before_closing():
                self.close(None)
                return True
        elif answer == "d":
            self.discard_draft()
            self.close(None)
            return True
        return False

    def shows(self, collection: str, row: dict[str, Any] | None) -> bool:
        """This editor edits the document of `row` in `collection`."""
        if self.base is None or row is None:
            return False
        return self.collection == collection and self.base.id == row.get("_id")
