"""A small modal list to choose from, with type-to-narrow: jump to a resource, sort by, follow a reference.

Narrowing ranks the choices with the command palette's matcher (`casatui.core.fuzzy`): a query lists the same
resource types in the same order here as there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...core.fuzzy import rank
from ..safe import plain, safe_text


class PickScreen(ModalScreen[str | None]):
    """Choose one of `choices` (value, label); dismisses with the value, or None on escape. Labels and the title
    often quote server names: their control characters are made visible here, whoever built them.

    Typing narrows and ranks the choices by their label and value, or by `names` (value -> the names a choice is
    found by: a resource type's name, title, initials and aliases) where given."""

    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    PickScreen > Vertical { width: 64; max-width: 90%; height: auto; max-height: 80%; border: round $accent;
                            background: $surface; padding: 0 1; }
    PickScreen #pick-title { text-style: bold; padding-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel", show=False)]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, Text | str]],
        *,
        narrow: bool = True,
        hint: str = "",
        names: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = plain(title)
        self.choices = [(value, safe_text(label)) for value, label in choices]
        given = names or {}
        self.names = {
            value: tuple(plain(name) for name in given[value]) if value in given else (label.plain, plain(value))
            for value, label in self.choices
        }
        self.narrow = narrow
        self.hint = plain(hint)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="pick-title")
            if self.narrow:
                yield Input(placeholder="type to narrow…", id="pick-filter")
            yield OptionList(id="pick-list")
            if self.hint:
                yield Static(Text(self.hint, style="dim"))

    def on_mount(self) -> None:
        self._fill("")
        (self.query_one("#pick-filter") if self.narrow else self.query_one("#pick-list")).focus()

    def _fill(self, needle: str) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        labels = dict(self.choices)
        for value, found in rank(needle, [(value, self.names[value]) for value, _ in self.choices]):
            label = labels[value]
            name = self.names[value][found.name]
            at = label.plain.lower().find(name.lower()) if found.positions else -1
            if at >= 0:  # the letters that matched, where the label shows the name they matched in
                label = label.copy()
                for position in found.positions:
                    label.stylize("bold underline", at + position, at + position + 1)
            options.add_option(Option(label, id=value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#pick-filter")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#pick-filter")
    def _take_first(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.dismiss(option.id)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key in ("down", "up") and self.narrow and self.query_one("#pick-filter").has_focus:
            options = self.query_one("#pick-list", OptionList)
            options.action_cursor_down() if event.key == "down" else options.action_cursor_up()
            event.stop()

    @on(OptionList.OptionSelected, "#pick-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
