"""Every key, from the action registry: the same list the bindings and the palette come from, with the user's keys
(`[keys]` of the config file) where they replace the registry's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..actions import SCOPE_TITLES, in_scope
from ..keymap import shown_keys
from ..safe import plain

FILTER_HELP = """\
Filter language (Enter sends it to the server as Eve's `where`; a mistake is marked and nothing is sent):
  state=FAILED   state!=COMPLETED   num_errors>0   start_time>-24h   _created>-7d   status.state=ACTIVE
  message~deadline (text, any case)   name~/^prod-.*/i (regex)   state:FAILED,PARTIAL   !type:DELETE_BACKUP
  has:end_time   !has:policy   prod (a bare word searches names)   {"state": {"$in": ["FAILED"]}} (raw JSON)"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100; max-width: 96%; height: 90%; border: round $accent;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._under: Screen[object] | None = None

    def _offered(self, scope: str, action: str) -> bool:
        """An action the screen below would refuse (the footer and the palette leave it out) is shown, dimmed, saying
        why."""
        under = self._under
        if under is None or getattr(under, "SCOPE", "") != scope:
            return True
        return under.check_action(action.split("(")[0], ()) is not False

    def compose(self) -> ComposeResult:
        stack = self.app.screen_stack
        self._under = stack[-1] if stack and stack[-1] is not self else (stack[-2] if len(stack) > 1 else None)
        self._where = plain(str(getattr(self._under, "collection", "") or "this screen"))
        keys = self._keymap()
        with VerticalScroll():
            yield Static(Text("casatui keys", style="bold"))
            for scope, title in SCOPE_TITLES.items():
                specs = in_scope(scope)
                if not specs:
                    continue
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold cyan", min_width=16)
                table.add_column()
                for spec in specs:
                    shown = shown_keys(spec, keys)
                    if self._offered(scope, spec.action):
                        table.add_row(Text(shown), Text(spec.description))
                    else:
                        table.add_row(
                            Text(shown, style="dim"),
                            Text(f"{spec.description} (not offered for {self._where})", style="dim"),
                        )
                yield Static(Text(f"\n{title}", style="bold underline"))
                yield Static(table)
            yield Static(Text("\n" + FILTER_HELP))

    def _keymap(self) -> Mapping[str, str]:
        session = getattr(self.app, "session", None)
        return session.settings.keys if session is not None else {}

    def on_mount(self) -> None:
        # The key that opened it closes it, also when [keys] moved it (the app's own keys stop at a modal screen).
        if "app.help" in self._keymap():
            self._bindings.bind(self._keymap()["app.help"], "close", show=False)

    def action_close(self) -> None:
        self.dismiss(None)
