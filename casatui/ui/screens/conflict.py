"""After a 412: what you changed, what they changed, and the user's choice of a way through that never loses your
edit (what each choice does is `core.editing.resolve_conflict`'s)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...api.edits import MISSING, Change, Conflict, Path, differences, format_path, value_at
from ...core import tones
from ...core.editing import Conflict as ConflictOutcome
from ...core.editing import Resolution
from ...core.safe_text import safe_json
from ..actions import bindings
from ..colour_modes import toned
from ..safe import plain
from ..widgets.footer import CasaFooter

Side = Literal["yours", "theirs", "base"]
SIDES: tuple[Side, ...] = ("yours", "theirs", "base")  # the order Enter cycles through
INSIDE = 3  # how many differences inside one list or object a side's change shows


def short(value: Any, limit: int = 60) -> str:
    if value is MISSING:
        return "(absent)"
    text = safe_json(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changes_text(changes: list[Change], style: str) -> Text:
    """Each change as `path  old → new`; inside a list or an object (which a change keeps whole), the places where
    old and new differ, so that two long values with the same beginning do not look alike."""
    text = Text()
    if not changes:
        text.append("  nothing\n", style="dim")
    for change in changes:
        inside = differences(change.old, change.new)
        for place in inside[:INSIDE]:
            path = (*change.path, *place)
            text.append(f"  {plain(format_path(path))}", style=f"bold {style}")
            text.append(f"  {short(value_at(change.old, place), 40)} → {short(value_at(change.new, place), 40)}\n")
        if len(inside) > INSIDE:
            more = f"  … and {len(inside) - INSIDE} more in {plain(format_path(change.path))}\n"
            text.append(more, style="dim")
    return text


class ConflictScreen(Screen[Resolution]):
    AUTO_FOCUS = "#paths"
    DEFAULT_CSS = """
    ConflictScreen #conflict-title { padding: 0 1; background: $warning 30%; text-style: bold; height: auto; }
    ConflictScreen #sides { height: auto; max-height: 45%; }
    ConflictScreen #sides > Horizontal { height: auto; }
    ConflictScreen .side { width: 1fr; padding: 0 1; height: auto; }
    ConflictScreen #paths { height: 1fr; border: round $warning; }
    ConflictScreen #verdict { padding: 0 1; height: auto; }
    """
    SCOPE = "conflict"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("conflict")]
    AWAITED: ClassVar[bool] = True  # a flow waits on its answer: never taken away from under it

    def __init__(self, label: str, outcome: ConflictOutcome) -> None:
        super().__init__()
        self.label = label
        self.outcome = outcome
        self.conflicts: list[Conflict] = list(outcome.merge.conflicts)
        self.choices: dict[Path, Side] = {c.path: "yours" for c in self.conflicts}

    def compose(self) -> ComposeResult:
        merge = self.outcome.merge
        yield Static(
            Text(
                f"{plain(self.label)} changed on the server while you edited it (412). Your edit is safe: choose how "
                "to go on."
            ),
            id="conflict-title",
        )
        with VerticalScroll(id="sides", can_focus=False), Horizontal():
            with Vertical(classes="side"):
                yield Static(Text("You changed", style="bold green"))
                yield Static(changes_text(merge.yours_changes, "green"))
            with Vertical(classes="side"):
                yield Static(Text("They changed", style="bold yellow"))
                yield Static(changes_text(merge.theirs_changes, "yellow"))
        yield Static(self._verdict(), id="verdict")
        if self.conflicts:
            yield OptionList(*[self._option(c) for c in self.conflicts], id="paths")
        yield CasaFooter()

    def on_mount(self) -> None:
        if self.conflicts:
            self.query_one("#paths", OptionList).highlighted = 0

    def _verdict(self) -> Text:
        if not self.conflicts:
            return toned(
                "No overlap: your changes apply cleanly to the current version. Press a to save them on top "
                "of it (with its new etag).",
                tones.GOOD,
            )
        return toned(
            f"{len(self.conflicts)} path(s) changed on both sides. For each, take yours (y), theirs (t) or "
            "the original (b); then press a to save, or e to edit the result.",
            tones.WARN,
        )

    def _option(self, conflict: Conflict) -> Option:
        chosen = self.choices[conflict.path]
        text = Text(plain(format_path(conflict.path)), style="bold")
        text.append(f"   ▸ {chosen}\n", style="cyan")
        sides = (("yours", conflict.yours), ("theirs", conflict.theirs), ("base", conflict.base))
        inside = differences(conflict.yours, conflict.theirs, conflict.base)
        place: Path = inside[0] if inside else ()
        if place:  # a list or an object: the sides shown where they first differ, not from their common start
            more = f" (and {len(inside) - 1} more)" if len(inside) > 1 else ""
            text.append(f"     differ at {plain(format_path((*conflict.path, *place)))}{more}\n", style="dim")
        for side, value in sides:
            marker = "●" if side == chosen else " "
            shown = short(value_at(value, place), 70)
            text.append(f"   {marker} {side:<6} {shown}\n", style="" if side == chosen else "dim")
        return Option(text, id=format_path(conflict.path))

    def action_choose(self, side: Side) -> None:
        if not self.conflicts:
            return
        paths = self.query_one("#paths", OptionList)
        index = paths.highlighted if paths.highlighted is not None else 0
        conflict = self.conflicts[index]
        self.choices[conflict.path] = side
        paths.replace_option_prompt_at_index(index, self._option(conflict).prompt)

    @on(OptionList.OptionSelected, "#paths")
    def _cycle(self, event: OptionList.OptionSelected) -> None:
        conflict = self.conflicts[event.option_index]
        current = self.choices[conflict.path]
        self.action_choose(SIDES[(SIDES.index(current) + 1) % len(SIDES)])

    def action_apply(self) -> None:
        self.dismiss(Resolution("apply", dict(self.choices)))

    def action_edit_merged(self) -> None:
        self.dismiss(Resolution("edit", dict(self.choices)))

    def action_keep(self) -> None:
        self.dismiss(Resolution("keep"))

    def action_discard(self) -> None:
        self.dismiss(Resolution("discard"))

    def action_overwrite(self) -> None:
        self.dismiss(Resolution("overwrite"))

    def action_file(self) -> None:
        self.dismiss(Resolution("file"))


class DeletedScreen(ModalScreen[str | None]):
    """404 while editing: the document is gone. Keep the buffer; offer a file or a re-create."""

    DEFAULT_CSS = """
    DeletedScreen { align: center middle; }
    DeletedScreen > Vertical { width: 76; height: auto; border: thick $error; background: $surface; padding: 1 2; }
    """
    SCOPE = "deleted"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("deleted")]
    AWAITED: ClassVar[bool] = True  # a flow waits on its answer: never taken away from under it

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical():
            gone = f"{plain(self.label)} was deleted on the server while you edited it (404)."
            yield Static(Text(gone, style="bold"))
            yield Static(
                Text(
                    "Your buffer is untouched. Save it to a file (w), re-create the document from it as a "
                    "new one (c), or keep editing (k)."
                )
            )
        yield CasaFooter()

    def action_pick(self, choice: str) -> None:
        self.dismiss(choice)
