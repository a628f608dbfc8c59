"""The explorer's writes: edit, create, delete, pause/resume, run now. Each is explicit and ETag-guarded."""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App

from ...api.errors import ApiError, EtagMismatch, NotFound, ReadOnlyRefused
from ...api.models import Item
from ...core.cloudcasa import JOBS
from ...core.drafts import Draft, item_from_draft
from ...core.navigation import Place
from ...core.safe_text import safe_json
from ...core.summaries import last_run_time
from .confirm import ChoiceScreen

if TYPE_CHECKING:
    from .explorer import ExplorerScreen


class DocumentWrites:
    """The explorer's write actions, kept apart from its browsing so each file holds one idea."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.session = screen.session

    @property
    def app(self) -> App[None]:
        return self.screen.app

    def _refuse_if_read_only(self) -> bool:
        if self.session.client.read_only:
            self.app.notify(
                "Read-only profile: nothing is written (the client refuses before sending).",
                severity="warning",
                timeout=4,
            )
            return True
        return False

    def _label(self, item: Item) -> str:
        return f"{self.screen.collection} / {self.screen.profile.name_of(item.data)}"

    def _refuse_if_not_allowed(self, operation: str, doing: str) -> bool:
        """The key is not offered where the profile does not allow it; typed anyway (a palette entry, a keymap),
        it says why instead of sending what the server's document does not offer."""
        if self.screen.profile.can(operation):
            return False
        self.app.notify(
            f"{doing.capitalize()} is not offered for {self.screen.collection}: the server's API document does not "
            "allow it.",
            severity="warning",
            timeout=5,
            markup=False,
        )
        return True

    # -- edit and create --------------------------------------------------------------------------------

    def edit(self) -> None:
        self.screen.run_worker(self.screen.guarded(self._edit, "opening the editor"), group="open", exclusive=True)

    async def _edit(self) -> None:
        row = self.screen.table.current
        if row is None or "_id" not in row or self._refuse_if_not_allowed("edit", "editing"):
            return
        try:  # always a fresh GET: the etag of the version the user will edit
            item = await self.session.client.get(self.screen.collection, str(row["_id"]))
        except ApiError as error:
            self.screen.show_error(error)
            return
        if item is None:
            return
        draft = self._draft_of(item.id)
        if draft is not None:  # asking waits on the user: not in the "open" worker, which means loading
            self.screen.run_worker(partial(self._offer, draft, item, None, None), group="draft", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386
            return
        from .editor import EditorScreen  # the code editor (tree-sitter) loads when first needed

        editor = EditorScreen(self.session, self.screen.collection, item, label=self._label(item))
        await self.app.push_screen(editor, callback=self.after_write)

    def create(self) -> None:
        if self._refuse_if_not_allowed("create", "creating a document"):
            return
        resource = self.session.resource(self.screen.collection)
        from ...core import templates  # with the editor's modules, loaded on first use rather than at startup
        from ..field_hints import hints as field_hints

        text = safe_json(templates.template(resource), indent=2) + "\n"  # from the server's schema
        hints = field_hints(resource)
        draft = self._draft_of(None)
        if draft is not None:
            self.screen.run_worker(partial(self._offer, draft, None, text, hints), group="draft", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386
            return
        self._open_new(text, hints, None)

    def _open_new(self, text: str, hints: Text | None, draft: Draft | None) -> None:
        from .editor import EditorScreen

        collection = self.screen.collection
        editor = EditorScreen(self.session, collection, None, label=collection, text=text, hints=hints, draft=draft)
        self.app.push_screen(editor, callback=lambda item: self.after_write(item, created=True))

    # -- a draft left from before -----------------------------------------------------------------------

    def _draft_of(self, item_id: str | None) -> Draft | None:
        store = self.session.drafts
        if store is None:
            return None
        return store.find(self.session.profile, self.session.client.root, self.screen.collection, item_id)

    async def _offer(self, draft: Draft, item: Item | None, template: str | None, hints: Text | None) -> None:
        """A document with an unsaved draft opens on a question, never on a buffer that would replace the draft:
        the draft against the server's current version (or the template), resumed or explicitly discarded."""
        from ...core.editing import buffer_text
        from .compare import CompareScreen

        label = self._label(item) if item is not None else f"a new document in {self.screen.collection}"
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(draft.saved_at))
        if item is not None:
            body = Text(
                f"You left an unsaved edit of {label} on {stamp}. Below, the server's current version (-) "
                "against your draft (+)."
            )
        else:
            body = Text(f"You left an unsaved new document on {stamp}. Below, the template (-) against it (+).")
        if item is not None and draft.base is not None and str(draft.base.get("_etag", "")) != item.etag:
            body.append(
                "\nThe server's version changed since your draft began: saving it shows what they changed and "
                "merges the two (a 412); nothing of theirs is lost silently.",
                style="yellow",
            )
        answer = await self.app.push_screen_wait(
            CompareScreen(
                f"A draft of {label}",
                body,
                buffer_text(item.data) if item is not None else template or "",
                draft.text,
                [("r", "Resume my draft"), ("x", "Discard it, start from the server's version")],
            )
        )
        if answer is None:
            self.app.notify("Not opened; the draft is kept.", timeout=4)
            return
        resumed = draft if answer == "r" else None
        if resumed is None:  # x: discarded, explicitly
            store = self.session.drafts
            assert store is not None
            try:
                store.remove(draft)
            except OSError as error:
                self.app.notify(f"The draft could not be removed: {error}", severity="error", markup=False)
                return
        if item is None:
            self._open_new(resumed.text if resumed is not None else template or "", hints, resumed)
            return
        from .editor import EditorScreen

        editor = EditorScreen(
            self.session,
            self.screen.collection,
            (item_from_draft(resumed) or item) if resumed is not None else item,
            label=self._label(item),
            text=resumed.text if resumed is not None else None,
            draft=resumed,
        )
        await self.app.push_screen(editor, callback=self.after_write)

    def after_write(self, item: Item | None, *, created: bool = False) -> None:
        """Show a saved document where it is: its row and the preview take the new version."""
        if item is None or item.collection != self.screen.collection:
            return
        if created:
            self.screen.open(Place(self.screen.collection, f"_id={item.id}", cursor_id=item.id))
            return
        if self.screen.table.model.replace(item.id, item.data) is not None:
            self.screen.table.redraw()
        self.screen.selected.saved(item)

    # -- delete -----------------------------------------------------------------------------------------

    def delete(self) -> None:
        self.screen.run_worker(self._delete, group="write", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _delete(self) -> None:
        if self._refuse_if_not_allowed("delete", "deleting"):
            return
        if self._refuse_if_read_only():
            return
        item = await self.screen.selected.current()
        if item is None:
            return
        label = self._label(item)
        name = self.screen.profile.name_of(item.data)
        answer = await self.app.push_screen_wait(
            ChoiceScreen(
                f"Delete {label}?",
                Text(
                    f"DELETE with If-Match {item.etag[:12]}…: the server refuses if it changed since "
                    "you looked. There is no undo."
                ),
                [("d", "Delete")],
                danger=True,
                type_to_confirm=name if self.session.settings.protected else None,
            )
        )
        if answer != "d":
            return
        before = dict(item.data)
        try:
            await self.session.client.delete(item)
        except EtagMismatch:
            self.app.notify(
                "It changed on the server since you looked: nothing was deleted. The preview now "
                "shows the current version.",
                severity="warning",
                timeout=8,
            )
            self.screen.selected.forget()
            self.screen.selected.load(item.id)
            return
        except NotFound:
            self.app.notify("It was already gone.", timeout=4)
        except ApiError as error:
            self.screen.show_error(error)
            return
        self.session.record_write("DELETE", self.screen.collection, before, None, item_id=item.id)
        self.app.notify(f"Deleted {label}.", timeout=4, markup=False)
        self.screen.selected.forget()
        self.screen.action_refresh()

    # -- quick actions on backup definitions --------------------------------------------------------------

    def toggle_pause(self) -> None:
        self.screen.run_worker(self._toggle_pause, group="write", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _toggle_pause(self) -> None:
        profile = self.screen.profile
        if profile.pause_field is None:
            self.app.notify(f"Pause and resume are not offered for {self.screen.collection}.", timeout=3, markup=False)
            return
        if self._refuse_if_not_allowed("pause", "pause and resume"):
            return
        pause_field = profile.pause_field
        if self._refuse_if_read_only():
            return
        item = await self.screen.selected.current()
        if item is None:
            return
        paused = bool(item.data.get(pause_field))
        verb = "Resume" if paused else "Pause"
        if self.session.settings.protected:
            answer = await self.app.push_screen_wait(
                ChoiceScreen(
                    f"{verb} {self._label(item)}?",
                    Text(f"PATCH {pause_field}={str(not paused).lower()} with If-Match."),
                    [("p", verb)],
                    type_to_confirm=profile.name_of(item.data),
                    danger=True,
                )
            )
            if answer != "p":
                return
        before = dict(item.data)
        try:
            item = await self.session.client.patch(item, {**item.data, pause_field: not paused})
        except EtagMismatch:
            self.app.notify(
                "It changed on the server meanwhile; nothing was written. Try again on the current version.",
                severity="warning",
                timeout=6,
            )
            self.screen.selected.forget()
            return
        except ApiError as error:
            self.screen.show_error(error)
            return
        self.session.record_write("PATCH", self.screen.collection, before, item)
        self.after_write(item)
        self.app.notify(f"{'Resumed' if paused else 'Paused'} {self._label(item)}.", timeout=3, markup=False)

    def run_now(self) -> None:
        self.screen.run_worker(self._run_now, group="write", exclusive=True)  # type: ignore[arg-type]  # Textualize/textual#6386

    async def _run_now(self) -> None:
        profile = self.screen.profile
        action = profile.run_action
        if action is None:
            self.app.notify(f"Run now is not offered for {self.screen.collection}.", timeout=3, markup=False)
            return
        link = profile.jobs_link
        if self._refuse_if_read_only():
            return
        item = await self.screen.selected.current()
        if item is None:
            return
        answer = await self.app.push_screen_wait(
            ChoiceScreen(
                f"Run {self._label(item)} now?",
                Text("Starts a job now (POST …/action/run, keeping the recovery point 7 days), then shows the job."),
                [("r", "Run now")],
                type_to_confirm=profile.name_of(item.data) if self.session.settings.protected else None,
            )
        )
        if answer != "r":
            return
        started = int(time.time()) - 5
        try:
            answer_body: Any = await self.session.client.action(
                self.screen.collection, item.id, action, dict(profile.run_body or {})
            )
        except ReadOnlyRefused:
            return
        except ApiError as error:
            self.screen.show_error(error)
            return
        self.session.record_write("POST", self.screen.collection, dict(item.data), None, item_id=item.id)
        marker = last_run_time(answer_body, self.screen.collection) or started
        if link is None:  # jobs do not point at this collection: nothing to show but that it started
            self.app.notify(f"Started {self._label(item)}.", timeout=4, markup=False)
            return
        job = await self._find_job(link, item.id, marker)
        if job is None:
            self.app.notify("Started. The job does not show yet: press r in a moment.", timeout=5)
            self.screen.open(Place(JOBS, f"{link}={item.id}"))
            return
        jobs = self.session.profile_of(JOBS)
        self.app.notify(f"Started {jobs.name_of(job)}.", timeout=4, markup=False)
        self.screen.open(Place(JOBS, f"_id={job['_id']}", cursor_id=str(job["_id"])))

    async def _find_job(self, link: str, item_id: str, since: int) -> dict[str, Any] | None:
        """The job a run started, found the way CloudCasa's own clients do: by definition and start time."""
        jobs = self.session.profile_of(JOBS)
        time_field = next((key for key, _ in jobs.default_sort if key != "_created"), None)
        where: dict[str, Any] = {link: item_id}
        if time_field:
            where[time_field] = {"$gte": since}
        try:
            page = await self.session.client.list(JOBS, where=where, sort=list(jobs.default_sort), max_results=1)
        except ApiError:
            return None
        return page.items[0] if page.items else None
