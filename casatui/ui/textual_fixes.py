"""Workarounds for Textual behaviour that cost casatui memory or crashed it: the patches are applied once when the
app module is imported; `prune_watchers` is called by the widgets that watch long-lived reactives."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any


def cache_inner_outer_by_colour() -> None:
    """Textual 8's `StylesCache.get_inner_outer` is an `lru_cache`d method, so each cache key holds a StylesCache,
    and through it a widget's rendered lines: up to 1,024 closed widgets' lines stayed alive (an editor, a diff and
    a conflict screen per edit add dozens). The result depends on the two colours only: cache on them alone."""
    from textual._styles_cache import StylesCache

    cached = StylesCache.__dict__.get("get_inner_outer")
    compute = getattr(cached, "__wrapped__", None)
    if compute is None or not hasattr(cached, "cache_clear"):
        return  # changed upstream, or already done
    cached.cache_clear()

    @lru_cache(1024)
    def by_colour(base_background: Any, background: Any) -> Any:
        return compute(None, base_background, background)

    def get_inner_outer(self: StylesCache, base_background: Any, background: Any) -> Any:
        return by_colour(base_background, background)

    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[method-assign]


def dismiss_only_the_top_screen() -> None:
    """Textual 8's `Screen.dismiss` pops whatever screen is on top, not the one dismissed. Keys typed faster than
    the app redraws reach a screen after it was dismissed (a second Enter in a picker): its second dismiss popped
    the explorer under it, and then the last screen (ScreenStackError). A screen that is no longer on top of the
    stack is already closed: dismissing it again does nothing."""
    from textual.await_complete import AwaitComplete
    from textual.screen import Screen

    original = Screen.dismiss
    if getattr(original, "only_the_top", False):
        return  # already done

    def dismiss(self: Screen[Any], result: Any = None) -> AwaitComplete:
        stack = self.app.screen_stack if self.is_attached else []
        if not stack or stack[-1] is not self:
            return AwaitComplete.nothing()
        return original(self, result)

    dismiss.only_the_top = True  # type: ignore[attr-defined]
    Screen.dismiss = dismiss  # type: ignore[method-assign]


def prune_watchers(watched: object, dead: Callable[[Any], bool]) -> None:
    """Forget the callbacks on `watched` registered by nodes for which `dead(node)` is true (Textualize/textual#6666).

    `watch()` and `data_bind()` register a callback on the watched object, and Textual prunes the callbacks of closed
    nodes only when the watched reactive next changes. A reactive that rarely or never changes (the app's theme, a
    Footer's compact style) keeps every closed watcher, and all it holds, alive."""
    registry: dict[str, list[tuple[Any, Any]]] = getattr(watched, "__watchers", {})
    for pairs in registry.values():
        pairs[:] = [pair for pair in pairs if not dead(pair[0])]
