"""Command palette (ctrl+p): every resource type by name, and every action of the registry."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider

from .actions import ACTIONS
from .messages import OpenCollection
from .safe import markup_escaped

if TYPE_CHECKING:
    from .app import CasaApp


class CasaCommands(Provider):
    async def search(self, query: str) -> Hits:
        app: CasaApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        catalog = app.session.catalog
        if catalog is not None:
            for name, resource in catalog.resources.items():
                # Names, titles and descriptions come from the server's /api-docs, and the palette parses both the
                # label and the help as markup: escaped, with their control characters made visible.
                label = f"Open {markup_escaped(name)} ({markup_escaped(resource.title)})"
                score = matcher.match(label)
                if score > 0:
                    help_text = markup_escaped(resource.description) if resource.description else None
                    yield Hit(
                        score, matcher.highlight(label), partial(app.post_message, OpenCollection(name)), help=help_text
                    )
        for name in app.profiles:
            if name != app.session.profile:
                label = f"Switch to profile {markup_escaped(name)}"
                score = matcher.match(label)
                if score > 0:
                    yield Hit(score, matcher.highlight(label), partial(app.switch_profile, name))
        under = self.screen  # the screen the palette was opened over (app.screen is the palette itself)
        here = getattr(under, "SCOPE", "")
        for spec in ACTIONS:
            if not spec.palette or spec.scope not in ("app", here):
                continue
            target = app if spec.scope == "app" else under
            if target.check_action(spec.action.split("(")[0], ()) is False:
                continue  # not offered here: the collection's profile does not allow it
            label = f"{spec.description}  [{spec.shown_keys}]"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._run, spec.action, spec.scope))

    async def _run(self, action: str, scope: str) -> None:
        app: CasaApp = self.app  # type: ignore[assignment]
        target = app if scope == "app" else self.screen
        await target.run_action(action)
