"""A workaround for Textual behaviour that cost casatui memory, applied once when the app module is imported."""

from __future__ import annotations

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
