"""The Textual application: one session (client + discovery), the explorer, and the screens on top of it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from ..core.cloudcasa import JOBS
from ..core.drafts import item_from_draft
from ..core.navigation import Place
from ..core.session import Session
from . import colour_modes, keymap, textual_patches, themes
from .actions import bindings
from .commands import CasaCommands
from .messages import OpenCollection, OpenJob
from .output_guard import GuardedApp
from .safe import multiline, plain, safe_text
from .screens.confirm import ChoiceScreen
from .screens.explorer import ExplorerScreen
from .screens.help import HelpScreen
from .screens.pick import PickScreen

textual_patches.apply()


class CasaApp(GuardedApp[None]):
    TITLE = "casatui"
    CSS_PATH = "casatui.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("app")]
    COMMANDS: ClassVar = {CasaCommands}  # Textual's own commands too (CasaCommands lists them): one ranking

    def __init__(
        self,
        session: Session,
        start: Place,
        *,
        clock: Callable[[], float] = time.time,
        profiles: Sequence[str] = (),
        connect: Callable[[str], Session] | None = None,
        overview_first: bool = False,
        colours: str | None = None,
    ) -> None:
        super().__init__()
        colour_modes.install(self)
        self.colours_forced = colours  # a test's "16": drawn as a 16-colour terminal would be, even headless
        self.session = session
        self.start = start
        session.clock = clock
        self.profiles = list(profiles)  # of the config file, to switch between
        self.connect = connect  # builds the session of a profile (its own client, read-only and protected state)
        self.sessions: dict[str, Session] = {session.profile: session}
        self.overview_first = overview_first
        self._aliases_said = False  # the user's aliases the server's document makes useless: said at the first `:`
        themes.apply(self, session.settings.themes, session.settings.theme)
        keymap.apply(self, session.settings.keys)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (screens and widgets send theirs here too) is plain text: notifications quote
        server messages and names, so markup is never parsed and control characters are made visible."""
        super().notify(multiline(message), title=plain(title), severity=severity, timeout=timeout, markup=False)

    STARTUP_GC_LIMIT = 5.0  # seconds after which the collector resumes even if no rows were painted

    def _fatal_error(self) -> None:
        """Textual's report of an unhandled exception, without local variables and every session's token scrubbed."""
        textual_patches.report_crash(self, self._scrub)

    def _scrub(self, text: str) -> str:
        for session in self.sessions.values():
            text = session.client.scrub(text)
        return text

    def on_mount(self) -> None:
        colour_modes.keep_ansi(self, forced=self.colours_forced == colour_modes.SIXTEEN)
        self.set_timer(self.STARTUP_GC_LIMIT, self.session.startup.over)
        self.push_screen(ExplorerScreen(self.session, self.start))
        if self.overview_first:
            self.action_overview()
        if self.session.drafts is not None and self.session.drafts.all(self.session.profile, self.session.client.root):
            self.run_worker(self._offer_drafts(), group="drafts")

    async def _offer_drafts(self) -> None:
        """Edits left unsaved last time (a crash, a closed terminal) are offered back."""
        store = self.session.drafts
        assert store is not None
        drafts = store.all(self.session.profile, self.session.client.root)
        choices = [(str(i), safe_text(draft.label)) for i, draft in enumerate(drafts)]
        choice = await self.push_screen_wait(
            PickScreen(
                "Unsaved edits from last time: open one to go on (esc: later)",
                choices,
                narrow=False,
                hint="Each stays on disk until it is saved or discarded in the editor.",
            )
        )
        if choice is None:
            return
        draft = drafts[int(choice)]
        explorer = self.explorer
        if explorer is None or self.question_above(explorer):
            return
        editor = explorer.editor
        if editor is not None and not await editor.leave():  # one editor at a time
            return
        while self.screen is not explorer:  # the editor is a pane of the explorer: it comes to the front
            self.pop_screen()
        from .widgets.editor_pane import EditorPane

        label = f"{draft.collection} / {(draft.base or {}).get('name') or draft.item_id or 'new document'}"
        pane = EditorPane(
            self.session, draft.collection, item_from_draft(draft), label=label, text=draft.text, draft=draft
        )
        await explorer.show_editor(pane)

    async def action_quit(self) -> None:
        self.run_worker(self._quit(), group="quit", exclusive=True)

    async def _quit(self) -> None:
        explorer = self.explorer
        editor = explorer.editor if explorer is not None else None
        if editor is not None and editor.dirty:
            answer = await self.push_screen_wait(
                ChoiceScreen(
                    "Quit with unsaved changes?",
                    safe_text(f"Your edit of {editor.label} is kept as a draft and offered back next time."),
                    [("q", "Quit, keep the draft"), ("d", "Discard it and quit")],
                )
            )
            if answer is None:
                return
            if answer == "d":
                editor.discard_draft()
            elif not await editor.keep_before_closing():  # no draft could be written, and the user stayed
                return
        self.exit()

    @property
    def explorer(self) -> ExplorerScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ExplorerScreen):
                return screen
        return None

    def action_overview(self) -> None:
        from .screens.overview import OverviewScreen

        if not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen(self.session))

    def action_history(self) -> None:
        from .screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.session))

    @on(OpenJob)
    def open_job(self, message: OpenJob) -> None:
        self.run_worker(self._open_job(message.job_id), group="open", exclusive=True)

    async def _open_job(self, job_id: str) -> None:
        from ..api.errors import ApiError
        from .screens.job import JobScreen

        try:
            item = await self.session.client.get(JOBS, job_id)
        except ApiError as error:
            self.notify(str(error), title=error.title, severity="error", timeout=8, markup=False)
            return
        if item is not None:
            await self.push_screen(JobScreen(self.session, item))

    def action_request_log(self) -> None:
        from .screens.request_log import RequestLogScreen

        if not isinstance(self.screen, RequestLogScreen):
            self.push_screen(RequestLogScreen(self.session))

    def action_switch_profile(self) -> None:
        others = [name for name in self.profiles if name != self.session.profile]
        if self.connect is None or not others:
            self.notify("No other profile in the config file.", timeout=3)
            return
        choices = [(name, safe_text(name)) for name in others]
        self.push_screen(PickScreen("Switch to profile", choices), self.switch_profile)

    def switch_profile(self, name: str | None) -> None:
        if not name or self.connect is None:
            return
        session = self.sessions.get(name)
        if session is None:
            try:
                session = self.connect(name)
            except ValueError as error:  # ConfigError: a missing token, a bad URL…
                self.notify(str(error), title=f"Profile {name}", severity="error", timeout=10, markup=False)
                return
            session.clock = self.session.clock
            self.sessions[name] = session
        explorer = self.explorer
        if explorer is not None and self.unsaved_edit_in(explorer):
            return
        self.session = session
        self.session.startup.release()  # the first explorer is about to close
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(ExplorerScreen(session, Place(self.start.collection)))
        self.notify(f"Profile {name}: {session.client.root}", timeout=3, markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_jump(self) -> None:
        catalog = self.session.catalog
        if catalog is None:
            self.notify("Still discovering the resource types…", timeout=2)
            return
        resources = sorted(catalog.resources.items())
        choices = [
            (name, Text(f"{plain(name)}  ", style="bold").append(plain(resource.title), style="dim"))
            for name, resource in resources
        ]
        aliases = self.session.settings.aliases
        names = aliases.names({name: resource.title for name, resource in resources})  # as the palette
        if not self._aliases_said:  # the user's aliases that this server's document makes useless, said once
            self._aliases_said = True
            for problem in aliases.problems(catalog.resources):
                self.notify(problem, title="Aliases", severity="warning", timeout=8, markup=False)

        def chosen(name: str | None) -> None:
            explorer = self.explorer
            if name and explorer is not None and not self.question_above(explorer):
                while self.screen is not explorer:
                    self.pop_screen()
                explorer.open(Place(name))

        self.push_screen(PickScreen("Go to resource type", choices, names=names), chosen)

    @on(OpenCollection)
    def open_collection(self, message: OpenCollection) -> None:
        explorer = self.explorer
        if explorer is not None and not self.question_above(explorer):
            while self.screen is not explorer:
                self.pop_screen()
            explorer.open(Place(message.collection, message.filter_text), reopen_job=message.from_job)

    def question_above(self, screen: Screen[Any]) -> bool:
        """Going back to `screen` would take away a question someone waits on (the editor's diff, a 412, a
        confirmation): refused, said; it is answered or closed on its own first."""
        stack = self.screen_stack
        above = stack[stack.index(screen) + 1 :] if screen in stack else stack
        if not any(getattr(s, "AWAITED", False) for s in above):
            return False
        self.notify("A question is open: answer it (or esc) first.", severity="warning", timeout=6)
        return True

    def unsaved_edit_in(self, explorer: ExplorerScreen) -> bool:
        """Closing `explorer` would close its editor with unsaved changes: refused, said; the editor's own leave
        keeps or discards the edit explicitly."""
        editor = explorer.editor
        if self.question_above(explorer):
            return True
        if editor is None or not editor.dirty:
            return False
        self.notify(
            "An edit with unsaved changes is open: save it (ctrl+s) or leave the editor (esc) first.",
            severity="warning",
            timeout=6,
        )
        return True

    async def on_unmount(self) -> None:
        for session in self.sessions.values():
            await session.client.aclose()
