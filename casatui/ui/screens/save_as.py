"""Write an edit to a file the user names (a suggested path filled in): the way out when no draft can be kept."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...core.drafts import write_new_file
from ..safe import plain


class SaveAsScreen(ModalScreen[Path | None]):
    """Dismisses with the path written, or None (esc). A file that cannot be written keeps the screen open."""

    DEFAULT_CSS = """
    SaveAsScreen { align: center middle; }
    SaveAsScreen > Vertical { width: 90; max-width: 98%; height: auto; border: thick $warning; background: $surface;
                              padding: 1 2; }
    SaveAsScreen #save-as-problem { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]
    AWAITED: ClassVar[bool] = True  # a flow waits on its answer: never taken away from under it

    def __init__(self, text: str, suggested: Path) -> None:
        super().__init__()
        self.text = text
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Write your edit to a file (a new file, mode 0600). Enter writes, esc goes back."))
            yield Input(str(self.suggested), id="save-as-path")
            yield Static("", id="save-as-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#save-as-path")
    def _write(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        try:
            write_new_file(path, self.text)
        except OSError as error:
            reason = "it already exists" if isinstance(error, FileExistsError) else (error.strerror or str(error))
            self.query_one("#save-as-problem", Static).update(Text(f"Not written: {plain(reason)}. Try another path."))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
