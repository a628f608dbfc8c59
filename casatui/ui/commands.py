"""Command palette (ctrl+p): every action of the registry that works where it is opened, with its key; every
resource type; the other profiles; Textual's own commands (theme, keys panel, screenshot).

It is the palette's only provider, so one matcher (`casatui.core.fuzzy`, the `:` jump's too) ranks all it lists.
An action the screen refuses here (`check_action`: the collection's profile does not allow it) is left out, as
the footer leaves it out; the help screen lists it, dimmed, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.style import Style

from ..core.fuzzy import Match, rank
from .actions import ACTIONS, ActionSpec
from .keymap import shown_keys
from .messages import OpenCollection
from .safe import markup_escaped, plain

if TYPE_CHECKING:
    from .app import CasaApp

KEY_STYLE = Style(dim=True)


@dataclass(frozen=True)
class Entry:
    """One line of the palette: what it shows (plain, visible text), the names it is found by, what it runs."""

    label: str
    names: tuple[str, ...]
    run: Callable[[], Any]
    key: str = ""  # shown after the label
    help: str | None = None  # parsed as markup by the palette: escaped
    discover: bool = False  # listed before anything is typed


def action_names(spec: ActionSpec, keymap: Mapping[str, str]) -> tuple[str, ...]:
    """An action is found by its description, its footer word, its name (`server_changes`) and its keys (the user's
    where `[keys]` gives them)."""
    name = spec.name or spec.action.split("(")[0]
    keys = [key.strip() for key in shown_keys(spec, keymap).split(",")]
    return tuple(dict.fromkeys(n for n in (spec.description, spec.short, name, *keys) if n))


def scopes_of(node: DOMNode) -> set[str]:
    """The registry scopes whose keys a screen, widget or app binds (their bindings carry the registry's ids)."""
    return {b.id.split(".")[0] for b in type(node).BINDINGS if isinstance(b, Binding) and b.id}


class CasaCommands(Provider):
    entries: list[Entry]

    async def startup(self) -> None:
        # Built once per opening, for the screen it was opened over (`self.screen`; `app.screen` is the palette).
        app: CasaApp = self.app  # type: ignore[assignment]
        self.entries = [*self._actions(app), *self._system(app), *self._collections(app), *self._profiles(app)]

    def _actions(self, app: CasaApp) -> list[Entry]:
        under = self.screen
        # Where each scope's actions run: the app, the screen under the palette, or its widget that binds them
        # (the explorer's table).
        targets: dict[str, DOMNode] = {}
        for node in (app, under, *under.query("*")):
            for scope in scopes_of(node):
                targets.setdefault(scope, node)
        keymap = app.session.settings.keys
        entries = []
        for spec in sorted(ACTIONS, key=lambda spec: spec.scope == "app"):  # this screen's own actions first
            target = targets.get(spec.scope)
            if target is None or not spec.palette:
                continue
            if target.check_action(spec.action.split("(")[0], ()) is not True:
                continue  # not offered here (the collection's profile does not allow it)
            run = partial(self._run, target, spec.action)
            # Enter on the palette runs the first of its list: quitting is never that (typing "quit" finds it).
            discover = spec.id != "app.quit"
            names, key = action_names(spec, keymap), shown_keys(spec, keymap)
            entries.append(Entry(spec.description, names, run, key=key, discover=discover))
        return entries

    def _system(self, app: CasaApp) -> list[Entry]:
        entries = []
        for command in app.get_system_commands(self.screen):
            if command.title == "Quit":
                continue  # the registry's quit, which asks about unsaved edits, is listed already
            entries.append(
                Entry(
                    command.title,
                    (command.title,),  # by its title, as Textual finds it (its help would match most queries)
                    command.callback,
                    help=markup_escaped(command.help),
                    discover=command.discover,
                )
            )
        return entries

    def _collections(self, app: CasaApp) -> list[Entry]:
        catalog = app.session.catalog
        if catalog is None:
            return []
        entries = []
        found_by = app.session.settings.aliases.names({n: r.title for n, r in catalog.resources.items()})
        for name, resource in sorted(catalog.resources.items()):  # the `:` jump's order
            # Names, titles and descriptions come from the server's /api-docs: made visible, and the help text (which
            # the palette parses as markup) escaped.
            help_text = markup_escaped(resource.description) if resource.description else None
            label = f"Open {plain(name)} ({plain(resource.title)})"
            run = partial(app.post_message, OpenCollection(name))
            entries.append(Entry(label, found_by[name], run, help=help_text))
        return entries

    def _profiles(self, app: CasaApp) -> list[Entry]:
        entries = []
        for name in app.profiles:
            if name != app.session.profile:
                label = f"Switch to profile {plain(name)}"
                entries.append(Entry(label, (label, plain(name)), partial(app.switch_profile, name)))
        return entries

    def _shown(self, entry: Entry, found: Match | None = None) -> Content:
        content = Content(entry.label)
        if found is not None and found.positions:
            name = entry.names[found.name]
            at = entry.label.lower().find(name.lower())
            if at >= 0:  # the letters that matched, where the label shows the name they matched in
                for position in found.positions:
                    content = content.stylize(self.match_style or Style(reverse=True), at + position, at + position + 1)
        if entry.key:
            content = Content.assemble(content, "  ", (entry.key, KEY_STYLE))
        return content

    async def discover(self) -> Hits:
        for entry in self.entries:
            if entry.discover:
                yield DiscoveryHit(self._shown(entry), entry.run, text=entry.label, help=entry.help)

    async def search(self, query: str) -> Hits:
        for entry, found in rank(query, [(entry, entry.names) for entry in self.entries]):
            yield Hit(found.score, self._shown(entry, found), entry.run, text=entry.label, help=entry.help)

    async def _run(self, target: DOMNode, action: str) -> None:
        """On the screen (or widget, or app) the palette was opened over, not on the palette."""
        await self.app.run_action(action, target)
