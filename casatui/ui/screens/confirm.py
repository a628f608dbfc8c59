"""A yes/no question, optionally guarded by typing a name (protected profiles), with choices as keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..safe import plain, safe_text


class ChoiceScreen(ModalScreen[str | None]):
    """A question with a few choices, each on a key: `choices` is [(key, label)]; dismisses with the key.

    With `type_to_confirm`, the first choice is accepted only once that text has been typed (protected profiles).
    Titles, bodies and names quote server strings (a document's name, its etag): shown with their control
    characters made visible; the name to type stays the real one.
    """

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 76; max-width: 95%; height: auto; border: thick $warning; background: $surface;
                              padding: 1 2; }
    ChoiceScreen.-danger > Vertical { border: thick $error; }
    ChoiceScreen #choice-title { text-style: bold; margin-bottom: 1; }
    ChoiceScreen #choice-keys { margin-top: 1; }
    ChoiceScreen Input { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "choose_none", "Cancel", show=False)]
    AWAITED: ClassVar[bool] = True  # a flow waits on its answer: never taken away from under it

    def __init__(
        self,
        title: str,
        body: Text | str,
        choices: Sequence[tuple[str, str]],
        *,
        type_to_confirm: str | None = None,
        danger: bool = False,
    ) -> None:
        super().__init__(classes="-danger" if danger else "")
        self.title_text = plain(title)
        self.body = safe_text(body, newlines=True)
        self.choices = list(choices)
        self.type_to_confirm = type_to_confirm

    def compose(self) -> ComposeResult:
        keys = Text()
        for key, label in self.choices:
            keys.append(f" {key} ", style="bold reverse")
            keys.append(f" {label}   ")
        keys.append(" esc ", style="bold reverse")
        keys.append(" cancel")
        with Vertical():
            yield Static(Text(self.title_text), id="choice-title")
            yield Static(self.body)
            if self.type_to_confirm is not None:
                yield Static(Text.assemble("Type ", (plain(self.type_to_confirm), "bold"), " to confirm:"))
                yield Input(id="choice-typed")
            yield Static(keys, id="choice-keys")

    def on_mount(self) -> None:
        if self.type_to_confirm is not None:
            self.query_one(Input).focus()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.type_to_confirm is not None and self.query_one(Input).has_focus:
            return
        for key, _ in self.choices:
            if event.key == key or event.character == key:
                event.stop()
                self.dismiss(key)
                return

    @on(Input.Submitted, "#choice-typed")
    def _typed(self, event: Input.Submitted) -> None:
        # The name as shown is accepted too: a name with control characters cannot be typed, only copied from
        # the screen, where they are visible marks.
        if self.type_to_confirm is not None and event.value in (self.type_to_confirm, plain(self.type_to_confirm)):
            self.dismiss(self.choices[0][0])
        else:
            self.notify("That is not the name; nothing was done.", severity="warning", markup=False)

    def action_choose_none(self) -> None:
        self.dismiss(None)
