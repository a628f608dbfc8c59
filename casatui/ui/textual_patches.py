"""Every place casatui reaches into Textual's internals, each naming the upstream issue it works around (or saying
plainly that none was reported).

`apply()` patches Textual's classes, once, when the app module is imported; the helpers below it are called by the
widgets and the app that need them. Each class patch checks what it replaces and does nothing when that changed shape
upstream, and keeps it as `replaced` on its replacement: tests/ui/test_textual_patches.py calls it to show that each
bug is still there in the installed Textual. When one of those tests fails after an upgrade, upstream fixed the bug:
drop the patch.

The rest of casatui uses Textual's public API only, but for three private members overridden in a subclass, where
Textual has no public hook: `CasaApp._fatal_error`, the report of an unhandled exception (its body is `report_crash`
here), `HistoryInput._value`, the text an Input paints (the filter shows each control character as one visible
cell; Input's public `highlighter` sees the text only after Rich dropped BEL, BS, VT, FF and CR, and the cursor would
stand on the wrong character), and `JsonBuffer._build_highlight_map`, which colours the lines shown instead of the
whole document on every key. The tests name them too.
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
    count_wrapped_lines_once()
    keep_document_text_and_widths()
    byte_offsets_without_encoding_every_line()


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


def count_wrapped_lines_once() -> None:
    """Not reported upstream. `WrappedDocument.height` sums the wrap offsets of every line of the document, and
    `TextArea._render_line` asks for it for each line it renders: ~35 times per frame, ~6 ms each at 1 MB. The
    wrapped document keeps one entry per visual line in `_offset_to_line_info` (`wrap` and `wrap_range` maintain it):
    its length is that height."""
    from textual.document._wrapped_document import WrappedDocument

    original = WrappedDocument.__dict__.get("height")
    if not isinstance(original, property) or original.fget is None or _patched(original.fget):
        return

    def height(self: WrappedDocument) -> int:
        return len(self._offset_to_line_info)

    height.__dict__["replaced"] = original.fget
    WrappedDocument.height = property(height)  # type: ignore[method-assign,assignment]


_TEXT = "_casatui_text"  # Document.text, joined once per change
_WIDTHS = "_casatui_widths"  # (tab width, Counter of line widths) for Document.get_size


def keep_document_text_and_widths() -> None:
    """Not reported upstream. Two of `Document`'s answers are computed from every line each time they are asked:
    `text` joins them all (`TextArea.render_line` asks for it for every line it renders, to know whether to show a
    placeholder), and `get_size` measures the cell width of each (`TextArea` asks after every edit): at 1 MB that
    was ~10 ms per frame and ~40 ms per key. Here `text` is kept until the next change, and the count of lines of
    each width is updated by each change for the lines it replaced, so the widest is known without measuring them
    all. `replace_range` is the only method that changes a document's lines (its docstring says so)."""
    from collections import Counter

    from rich.cells import cell_len
    from textual.document._document import Document
    from textual.geometry import Size

    original_replace = Document.__dict__.get("replace_range")
    original_text = Document.__dict__.get("text")
    original_size = Document.__dict__.get("get_size")
    if original_replace is None or not isinstance(original_text, property) or original_size is None:
        return
    if _patched(original_replace):
        return

    def replace_range(self: Document, start: Any, end: Any, text: str) -> Any:
        widths = self.__dict__.get(_WIDTHS)
        (top, _), (bottom, _) = sorted((start, end))
        removed = self._lines[top : bottom + 1] if widths is not None else []
        result = original_replace(self, start, end, text)
        self.__dict__.pop(_TEXT, None)
        if widths is not None:
            tab_width, counts = widths
            for line in removed:
                width = cell_len(line.expandtabs(tab_width))
                counts[width] -= 1
                if not counts[width]:
                    del counts[width]
            for line in self._lines[top : result.end_location[0] + 1]:
                counts[cell_len(line.expandtabs(tab_width))] += 1
        return result

    def text(self: Document) -> str:
        kept: str | None = self.__dict__.get(_TEXT)
        if kept is None:
            kept = self.__dict__[_TEXT] = original_text.fget(self)  # type: ignore[misc]
        return kept

    def get_size(self: Document, tab_width: int) -> Size:
        widths = self.__dict__.get(_WIDTHS)
        if widths is None or widths[0] != tab_width:
            widths = self.__dict__[_WIDTHS] = (
                tab_width,
                Counter(cell_len(line.expandtabs(tab_width)) for line in self._lines),
            )
        return Size(max(widths[1], default=0), len(self._lines))

    _replace(Document, "replace_range", replace_range)
    text.__dict__["replaced"] = original_text.fget
    Document.text = property(text)  # type: ignore[method-assign,assignment]
    _replace(Document, "get_size", get_size)


def byte_offsets_without_encoding_every_line() -> None:
    """Not reported upstream. `SyntaxAwareDocument.replace_range` (every edit of a highlighted buffer) finds the
    edit's byte offsets by encoding each line above it, one by one, twice: ~10 ms at the middle of 1 MB. The same
    sum, done by `str.join` and one `encode` in C: the lines above, their newlines, and the start of the row."""
    from textual.document._syntax_aware_document import SyntaxAwareDocument

    original = SyntaxAwareDocument.__dict__.get("_location_to_byte_offset")
    if original is None or _patched(original):
        return

    def _location_to_byte_offset(self: SyntaxAwareDocument, location: tuple[int, int]) -> int:
        lines = self._lines
        row, column = location
        above = lines[:row]
        text = self.newline.join(above) + (self.newline if above else "")
        if row < len(lines):
            text += lines[row][:column]
        return len(text) if text.isascii() else len(text.encode("utf-8"))  # (as Textual encodes each line)

    _replace(SyntaxAwareDocument, "_location_to_byte_offset", _location_to_byte_offset)


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
