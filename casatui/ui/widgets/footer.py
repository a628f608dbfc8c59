"""Textual's Footer, without keeping every set of keys it ever showed, and never wider than the screen."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.compose import compose
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..textual_patches import is_closing, prune_watchers

HELP_ACTIONS = ("help", "app.help")
PALETTE_CLASS = "-command-palette"


class CasaFooter(Footer):
    """On a narrow screen the command palette's key goes first (help lists it), then the last keys, and the help
    key, always kept, says it shows all of them."""

    _composed_for = 0  # the screen width the keys were chosen for
    _shown: tuple[Any, ...] | None = None  # what the keys on show were composed from (None: nothing yet)

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        self._composed_for = width
        self._shown = self._what_to_show() if self._bindings_ready else None
        widgets = list(super().compose())
        for widget in widgets:
            if isinstance(widget, FooterKey):
                # Born in its final style: once mounted, a key takes its default (compact) and then the footer's
                # (bound to it; the palette's key is not), each change a restyle of the key. Set now, they change
                # nothing.
                compact = True if widget.has_class(PALETTE_CLASS) else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class(PALETTE_CLASS)]
        palette = [w for w in widgets if isinstance(w, FooterKey) and w.has_class(PALETTE_CLASS)]
        others = sum(_cells(w) for w in widgets if not isinstance(w, FooterKey))
        used = others + sum(_cells(k) for k in keys)
        if used + sum(_cells(k) + 2 for k in palette) <= width:
            yield from widgets
            return
        dropped = False
        for key in reversed(keys):  # the last keys go first; the help key stays
            if used <= width:
                break
            if key.action not in HELP_ACTIONS:
                keys.remove(key)
                used -= _cells(key)
                dropped = True
        for key in keys:
            if dropped and key.action in HELP_ACTIONS:
                key.description = "All keys"
        yield from (w for w in widgets if w in keys or not isinstance(w, FooterKey))

    def on_resize(self) -> None:
        if self.app.size.width != self._composed_for:
            self.call_after_refresh(self.recompose)

    def _what_to_show(self) -> tuple[Any, ...]:
        """Everything the keys are composed from: the screen's shown bindings and the command palette's (key, how it
        is drawn, description, action, group, enabled, tooltip), the width and the options."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING
        return (
            app.size.width,
            self.compact,
            self.show_command_palette,
            tuple(
                (
                    key,
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    (binding.group.description, binding.group.compact) if binding.group else None,
                    binding.tooltip,
                    enabled,
                    tooltip,
                )
                for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    async def recompose(self) -> None:
        # Textual recomposes on every "bindings updated" signal (each focus move, each refresh of the bindings; two
        # per move), and rebuilding the keys costs a mount, styles and a relayout: only a change is worth that, and
        # only the keys that changed are rebuilt (the filter's key stays when the focus leaves the filter).
        if self._shown is not None and self.is_attached and self._what_to_show() == self._shown:
            return
        old = list(self.children)
        if not self.is_attached or not old:
            await super().recompose()
        else:
            async with self.batch():
                await self._replace_keys(old, list(compose(self)))
        # Each new FooterKey binds itself to the Footer's `compact`; Textual drops a closed key's binding only when
        # `compact` next changes, which it never does here: every key ever shown, and its rendered lines, stayed
        # alive.
        prune_watchers(self, is_closing)

    async def _replace_keys(self, old: list[Widget], new: list[Widget]) -> None:
        """Keep the keys on show that `new` has too, in the same order; remove the others, mount the rest in place."""
        if not all(isinstance(w, FooterKey) for w in old + new):  # key groups: rebuilt whole
            await self.remove_children(old)
            await self.mount_all(new)
            return
        kept: dict[int, Widget] = {}  # index in `new` -> the key on show that stays for it
        start = 0
        for index, widget in enumerate(new):
            same = next((i for i in range(start, len(old)) if _same_key(old[i], widget)), None)
            if same is not None:
                kept[index], start = old[same], same + 1
        stays = set(map(id, kept.values()))
        gone = [w for w in old if id(w) not in stays]
        if gone:
            await self.remove_children(gone)
        run: list[Widget] = []
        previous: Widget | None = None
        for index in range(len(new) + 1):
            if index < len(new) and index not in kept:
                run.append(new[index])
                continue
            if run:  # the new keys between two that stay
                if previous is not None:
                    await self.mount_all(run, after=previous)
                elif index in kept:
                    await self.mount_all(run, before=kept[index])
                else:
                    await self.mount_all(run)
                previous, run = run[-1], []
            if index in kept:
                previous = kept[index]


def _same_key(shown: Widget, new: Widget) -> bool:
    """Whether a key on show draws and does what a new one would."""
    assert isinstance(shown, FooterKey) and isinstance(new, FooterKey)
    return (shown.key, shown.key_display, shown.description, shown.action, shown.tooltip, shown.classes) == (
        new.key,
        new.key_display,
        new.description,
        new.action,
        new.tooltip,
        new.classes,
    )


def _cells(widget: Widget) -> int:
    """Cells a footer key takes as Textual draws it (not compact): ` key description `."""
    if isinstance(widget, FooterKey):
        return cell_len(widget.key_display) + 2 + (cell_len(widget.description) + 1 if widget.description else 0)
    return 0
