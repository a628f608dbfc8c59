"""Textual's Footer, without keeping every set of keys it ever showed."""

from __future__ import annotations

from textual.widgets import Footer

from ..textual_patches import is_closing, prune_watchers


class CasaFooter(Footer):
    async def recompose(self) -> None:
        # The Footer recomposes whenever the bindings change (a screen pushed or popped, focus moved). Each new
        # FooterKey binds itself to the Footer's `compact`; Textual drops a closed key's binding only when `compact`
        # next changes, which it never does here: every key ever shown, and its rendered lines, stayed alive.
        await super().recompose()
        prune_watchers(self, is_closing)
