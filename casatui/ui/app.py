"""The Textual application: one session (client + discovery), the explorer, and the screens on top of it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import BindingType

from .actions import bindings
from .commands import CasaCommands
from .navigation import Place
from .screens.explorer import ExplorerScreen
from .screens.help import HelpScreen
from .screens.pick import PickScreen
from .session import Session


class CasaApp(App[None]):
    TITLE = "casatui"
    CSS_PATH = "casatui.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("app")]
    COMMANDS: ClassVar = App.COMMANDS | {CasaCommands}

    def __init__(self, session: Session, start: Place, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.session = session
        self.start = start
        self.clock = clock
        if session.settings.theme:
            self.theme = session.settings.theme

    def on_mount(self) -> None:
        self.push_screen(ExplorerScreen(self.session, self.start))

    @property
    def explorer(self) -> ExplorerScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ExplorerScreen):
                return screen
        return None

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_jump(self) -> None:
        catalog = self.session.catalog
        if catalog is None:
            self.notify("Still discovering the resource types…", timeout=2)
            return
        choices = [(name, Text(f"{name}  ", style="bold").append(resource.title, style="dim"))
                   for name, resource in sorted(catalog.resources.items())]  # fmt: skip

        def chosen(name: str | None) -> None:
            explorer = self.explorer
            if name and explorer is not None:
                while self.screen is not explorer:
                    self.pop_screen()
                explorer.open(Place(name))

        self.push_screen(PickScreen("Go to resource type", choices), chosen)

    def open_collection(self, name: str, filter_text: str = "") -> None:
        explorer = self.explorer
        if explorer is not None:
            while self.screen is not explorer:
                self.pop_screen()
            explorer.open(Place(name, filter_text))

    async def on_unmount(self) -> None:
        await self.session.client.aclose()
