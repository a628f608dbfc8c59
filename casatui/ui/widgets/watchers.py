"""Dropping watchers Textual would keep: `watch()` and `data_bind()` register a callback on the watched object,
and Textual prunes the callbacks of closed nodes only when the watched reactive next changes. A reactive that
rarely or never changes (the app's theme, a Footer's compact style) keeps every closed watcher, and all it holds,
alive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def prune_watchers(watched: object, dead: Callable[[Any], bool]) -> None:
    """Forget the callbacks on `watched` registered by nodes for which `dead(node)` is true."""
    registry: dict[str, list[tuple[Any, Any]]] = getattr(watched, "__watchers", {})
    for pairs in registry.values():
        pairs[:] = [pair for pair in pairs if not dead(pair[0])]
