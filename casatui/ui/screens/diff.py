"""The diff preview before a write: what changes, how it will be sent (PUT or PATCH), and a confirmation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...api.edits import format_path, plan_patch
from ...core import tones
from ...core.editing import Method, changed_paths, diff_lines, server_owned_changed
from ..actions import bindings
from ..safe import plain
from ..widgets.footer import CasaFooter

STYLES = {"+": tones.ADDED, "-": tones.REMOVED, "@": "cyan", " ": "dim"}


def render_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> Text:
    return render_lines(diff_lines(old, new))


def render_lines(lines: Iterable[tuple[str, str]]) -> Text:
    """Lines of `editing.diff_lines`, coloured."""
    text = Text(no_wrap=False)
    for kind, line in lines:
        prefix = {"+": "+ ", "-": "- ", "@": "", " ": "  "}[kind]
        text.append(prefix + plain(line) + "\n", style=STYLES[kind])  # JSON lines, escaped already: a second guard
    return text


class DiffScreen(ModalScreen[Method | None]):
    DEFAULT_CSS = """
    DiffScreen { align: center middle; }
    DiffScreen > Vertical { width: 110; max-width: 98%; height: 90%; border: thick $accent; background: $surface; }
    DiffScreen.-protected > Vertical { border: thick $error; }
    DiffScreen #diff-summary { padding: 0 1; height: auto; }
    DiffScreen #diff-body { height: 1fr; padding: 0 1; background: $panel; }
    DiffScreen #diff-method { padding: 0 1; height: auto; }
    DiffScreen #diff-confirm { margin: 0 1; }
    """
    SCOPE = "diff"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("diff")]
    AWAITED: ClassVar[bool] = True  # a flow waits on its answer: never taken away from under it

    def __init__(
        self,
        base: Mapping[str, Any],
        edited: Mapping[str, Any],
        method: Method,
        *,
        label: str,
        protected_name: str | None = None,
        profile: str = "",
        methods: tuple[Method, ...] = ("PUT", "PATCH"),
    ) -> None:
        super().__init__(classes="-protected" if protected_name is not None else "")
        self.base, self.edited = base, edited
        self.plan = plan_patch(base, edited)
        self.methods = methods or ("PUT", "PATCH")  # what the server's document offers for this collection
        if method not in self.methods:
            method = self.methods[0]
        self.method: Method = method if method == "PUT" or self.plan.ok or "PUT" not in self.methods else "PUT"
        self.label = label
        self.protected_name = protected_name
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._summary(), id="diff-summary")
            with VerticalScroll(id="diff-body"):
                yield Static(render_diff(self.base, self.edited))
            yield Static(self._method_text(), id="diff-method")
            if self.protected_name is not None:
                yield Input(
                    placeholder=f"type {plain(self.protected_name)} to save (protected profile {plain(self.profile)})",
                    id="diff-confirm",
                )
        yield CasaFooter()

    def on_mount(self) -> None:
        if self.protected_name is not None:
            self.query_one(Input).focus()

    def _summary(self) -> Text:
        paths = changed_paths(self.base, self.edited)
        text = Text.assemble(("Save ", "bold"), (plain(self.label), "bold"), f" — {len(paths)} change(s): ")
        text.append(plain(", ".join(paths[:8])) + (" …" if len(paths) > 8 else ""))
        owned = server_owned_changed(self.base, self.edited)
        if owned:
            text.append(
                f"\n⚠ You changed `{'`, `'.join(owned)}`, which the server owns: CloudCasa will refuse it (422 "
                "read-only).",
                style="bold yellow",
            )
        return text

    def _method_text(self) -> Text:
        text = Text("Send as: ")
        for method, what in (("PUT", "the whole document"), ("PATCH", "only the changed fields")):
            chosen = method == self.method
            text.append(f" {method} ", style="bold reverse" if chosen else "dim")
            text.append(f" {what}   ", style="" if chosen else "dim")
        if not self.plan.ok and self.plan.unsupported:
            removed = plain(", ".join(format_path(c.path) for c in self.plan.unsupported[:3]))
            text.append(
                f"\nPATCH cannot remove {removed} (Eve merges objects), so this edit is sent with PUT.", style="dim"
            )
        text.append("\nIf-Match: ", style="dim")
        text.append(plain(self.base.get("_etag", "")), style="dim")
        return text

    def action_toggle_method(self) -> None:
        other: Method = "PATCH" if self.method == "PUT" else "PUT"
        if other not in self.methods:
            self.notify(f"The server's API document offers only {self.method} here.", timeout=3)
            return
        if not self.plan.ok:
            self.notify("This edit can only be sent with PUT.", timeout=3)
            return
        self.method = "PATCH" if self.method == "PUT" else "PUT"
        self.query_one("#diff-method", Static).update(self._method_text())

    def action_confirm(self) -> None:
        if self.protected_name is not None:
            typed = self.query_one(Input).value
            if typed != self.protected_name:
                self.notify(f"Protected profile: type {plain(self.protected_name)} to save.", severity="warning")
                return
        self.dismiss(self.method)

    @on(Input.Submitted, "#diff-confirm")
    def _typed(self) -> None:
        self.action_confirm()

    def action_cancel(self) -> None:
        self.dismiss(None)
