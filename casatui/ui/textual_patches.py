"""Every place casatui reaches into Textual's internals, each naming the upstream issue it works around (or saying
plainly that none was reported).

`apply()` patches Textual's classes, once, when the app module is imported; the helpers below it are called by the
widgets and the app that need them. Each class patch checks what it replaces and does nothing when that changed shape
upstream, and keeps it as `replaced` on its replacement: tests/ui/test_textual_patches.py calls it to show that each
bug is still there in the installed Textual. When one of those tests fails after an upgrade, upstream fixed the bug:
drop the patch.

The rest of casatui uses Textual's public API only, but for two private members overridden in a subclass, where
Textual has no public hook: `CasaApp._fatal_error`, the report of an unhandled exception (its body is `report_crash`
here), and `HistoryInput._value`, the text an Input paints (the filter shows each control character as one visible
cell; Input's public `highlighter` sees the text only after Rich dropped BEL, BS, VT, FF and CR, and the cursor would
stand on the wrong character). The tests name them too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.widget import Widget


def apply() -> None:
    cache_inner_outer_by_colour()
    dismiss_only_the_top_screen()
    release_replaced_syntax_trees()


def _replace(owner: type, name: str, replacement: Callable[..., Any]) -> None:
    """Put `replacement` in the place of `owner.<name>`, keeping what it replaced as `replacement.replaced`."""
    replacement.__dict__["replaced"] = owner.__dict__[name]
    setattr(owner, name, replacement)


def _patched(attribute: object) -> bool:
    return "replaced" in getattr(attribute, "__dict__", {})


def cache_inner_outer_by_colour() -> None:
    """Textualize/textual#6665: `StylesCache.get_inner_outer` is an `lru_cache`d method, so each cache key holds a
    StylesCache, and through it a widget's rendered lines: up to 1,024 closed widgets' lines stayed alive (an editor,
    a diff and a conflict screen per edit add dozens). The result depends on the two colours only: cache on them
    alone."""
    from textual._styles_cache import StylesCache

    cached: Any = StylesCache.__dict__.get("get_inner_outer")
    compute = getattr(cached, "__wrapped__", None)
    if compute is None or not hasattr(cached, "cache_clear"):
        return  # changed upstream, or already done
    cached.cache_clear()

    @lru_cache(1024)
    def by_colour(base_background: Any, background: Any) -> Any:
        return compute(None, base_background, background)

    def get_inner_outer(self: StylesCache, base_background: Any, background: Any) -> Any:
        return by_colour(base_background, background)

    _replace(StylesCache, "get_inner_outer", get_inner_outer)


def dismiss_only_the_top_screen() -> None:
    """Not reported upstream. `Screen.dismiss` pops whatever screen is on top, not the one dismissed. Keys typed
    faster than the app redraws reach a screen after it was dismissed (a second Enter in a picker): its second
    dismiss popped the explorer under it, and then the last screen (ScreenStackError). A screen that is no longer on
    top of the stack is already closed: dismissing it again does nothing.

    (Textualize/textual#2575 made such a dismiss an error in 0.25, #4621 made it do nothing in 0.66; Textual 8.0
    dropped the check, for screens of a mode other than the current one, #6362.)"""
    from textual.await_complete import AwaitComplete
    from textual.screen import Screen

    original = Screen.__dict__.get("dismiss")
    if original is None or _patched(original):
        return

    def dismiss(self: Screen[Any], result: Any = None) -> AwaitComplete:
        stack = self.app.screen_stack if self.is_attached else []
        if not stack or stack[-1] is not self:
            return AwaitComplete.nothing()
        return original(self, result)

    _replace(Screen, "dismiss", dismiss)


def release_replaced_syntax_trees() -> None:
    """Not reported upstream (to Textual or py-tree-sitter). A highlighted document and its tree-sitter `Tree` form
    a cycle Python's collector cannot see through: the tree keeps the callable it was parsed from (the document's
    bound `_read_callable`) and takes no part in cycle collection. TextArea's constructor builds its document twice
    (itself, then from its own `language` watcher) and `load_text` builds a new one: each document replaced was never
    freed (its lines, UTF-8 copies, parser and tree: ~100 KB for a 5 KB document). Its tree is released here;
    `release_syntax_tree` does the same for a closed editor's last document."""
    from textual.widgets import TextArea

    original = TextArea.__dict__.get("_set_document")
    if original is None or _patched(original):
        return

    def _set_document(self: TextArea, text: str, language: str | None) -> None:
        replaced = self.__dict__.get("document")
        original(self, text, language)
        if replaced is not None and replaced is not self.document:
            release_syntax_tree(replaced)

    _replace(TextArea, "_set_document", _set_document)


def release_syntax_tree(document: Any) -> None:
    """Let a highlighted document be freed (see `release_replaced_syntax_trees`): dropping its tree breaks the
    cycle."""
    if getattr(document, "_syntax_tree", None) is not None:
        document._syntax_tree = None


def forget_removed_children(parent: Widget) -> None:
    """After a child is removed, `parent` still holds it in its cached arrangements (up to four layouts) and in its
    children's cached "displayed" lists (until something next asks): the child, and all it holds, stay alive."""
    parent._clear_arrangement_cache()
    nodes = parent._nodes
    nodes._displayed_nodes = nodes._displayed_visible_nodes = (-1, [])


def prune_watchers(watched: object, dead: Callable[[Any], bool]) -> None:
    """Textualize/textual#6666: forget the callbacks on `watched` registered by nodes for which `dead(node)` is true.

    `watch()` and `data_bind()` register a callback on the watched object, and Textual prunes the callbacks of closed
    nodes only when the watched reactive next changes. A reactive that rarely or never changes (the app's theme, a
    Footer's compact style) keeps every closed watcher, and all it holds, alive."""
    registry: dict[str, list[tuple[Any, Any]]] = getattr(watched, "__watchers", {})
    for pairs in registry.values():
        pairs[:] = [pair for pair in pairs if not dead(pair[0])]


def is_closing(node: MessagePump) -> bool:
    """Whether `node` is being removed, or was (for `prune_watchers`)."""
    return node._closing


def report_crash(app: App[Any], scrub: Callable[[str], str]) -> None:
    """What `App._fatal_error` does with an unhandled exception (its report is printed when the app exits), without
    the local variables Textual shows (a header dict or a token argument would print the token), and with `scrub`
    applied to the rest (a message may quote the token). Not reported upstream: Textual shows the locals by choice
    (`Traceback(show_locals=True)`)."""
    import rich
    from rich.segment import Segment, Segments
    from rich.traceback import Traceback

    app.bell()
    traceback = Traceback(show_locals=False, width=None, suppress=[rich])
    segments = list(app.console.render(traceback, app.console.options))
    cleaned = [Segment(scrub(segment.text), segment.style, segment.control) for segment in segments]
    plain = "".join(segment.text for segment in cleaned)
    if scrub(plain) != plain:  # a token cut across styled segments: the report goes out unstyled
        cleaned = [Segment(scrub(plain))]
    app._exit_renderables.append(Segments(cleaned))
    app._close_messages_no_wait()
