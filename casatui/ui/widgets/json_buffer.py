"""The editor's text area: JSON colours, computed for the lines shown only, and no leak."""

from __future__ import annotations

from textual.geometry import Offset
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import TextArea

from ..textual_patches import prune_watchers, release_syntax_tree

# Each key in a highlighted buffer costs tree-sitter an incremental re-parse and one query over the block of lines
# shown (see `render_line` below), both growing with the document (~50 ms more per key at 1 MB,
# bench/editor_typing.py); up to this many characters a key still reaches the screen within twice its time in a
# 1 KB document. Above it the buffer is plain text, as large files are in most editors.
HIGHLIGHT_LIMIT = 400_000


# Lines coloured at a time: a frame shows ~30; a block is one tree-sitter query over its lines.
HIGHLIGHT_BLOCK = 64


class JsonBuffer(TextArea):
    _host: Screen[object]
    _highlighted_blocks: set[int] | None = None  # blocks of HIGHLIGHT_BLOCK lines whose colours are in _highlights

    @classmethod
    def for_document(cls, text: str, *, dark: bool, id: str | None = None) -> JsonBuffer:
        language = "json" if len(text) <= HIGHLIGHT_LIMIT else None
        # TextArea.code_editor is annotated to return a TextArea, though it builds a `cls`.
        buffer = cls.code_editor(text, language=language, theme="monokai" if dark else "github_light", id=id)
        buffer.indent_width = 2
        return buffer  # type: ignore[return-value]

    @property
    def highlighted(self) -> bool:
        return self.language is not None

    # -- colours for the lines shown, not the whole document ---------------------------------------------------
    # Textual's `_build_highlight_map` (called by `edit`, `undo`/`redo`, `_set_document` and theme changes) queries
    # tree-sitter for the whole document and files every capture by line: ~0.6 s per key at 1 MB. Here it only
    # forgets the colours; `render_line` has the block of lines holding the line it renders coloured first, by a
    # query over that block's range. What is filed in `_highlights` for a line is what Textual's map holds for it
    # (tests/ui/test_json_buffer_highlights.py compares the two, after edits near the lines shown and far from them).
    # What is left grows with the document still: tree-sitter's incremental re-parse on each edit (~8 ms at 1 MB)
    # and the block's query, which steps over every element of the array or object around it (~12 ms): hence
    # HIGHLIGHT_LIMIT. Private members of TextArea used here: `_build_highlight_map` (overridden), `_highlights`,
    # `_highlight_query` and `_line_cache`.

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        self._highlights.clear()
        self._highlighted_blocks = set()

    def render_line(self, y: int) -> Strip:
        if self._highlight_query is not None:
            offset = self.scroll_offset.y + y
            wrapped = self.wrapped_document
            if offset < wrapped.height:
                row = wrapped.offset_to_location(Offset(0, offset))[0]
                blocks = self._highlighted_blocks
                if blocks is None:
                    blocks = self._highlighted_blocks = set()
                if row // HIGHLIGHT_BLOCK not in blocks:
                    self._highlight_block(row // HIGHLIGHT_BLOCK)
                    blocks.add(row // HIGHLIGHT_BLOCK)
        return super().render_line(y)

    def _highlight_block(self, block: int) -> None:
        """File the highlights of the lines of `block` as `TextArea._build_highlight_map` files them."""
        assert self._highlight_query is not None
        first = block * HIGHLIGHT_BLOCK
        last = min(first + HIGHLIGHT_BLOCK, self.document.line_count) - 1
        captures = self.document.query_syntax_tree(
            self._highlight_query, start_point=(first, 0), end_point=(last + 1, 0)
        )
        highlights = self._highlights
        for name, nodes in captures.items():
            for node in nodes:
                start_row, start_column = node.start_point
                end_row, end_column = node.end_point
                if start_row == end_row:
                    if first <= start_row <= last:
                        highlights[start_row].append((start_column, end_column, name))
                    continue
                # a node over several lines: from its start on its first line, whole lines, to its end on its last
                for row in range(max(start_row, first), min(end_row, last) + 1):
                    highlights[row].append(
                        (start_column if row == start_row else 0, end_column if row == end_row else None, name)
                    )

    def on_mount(self) -> None:
        self._host = self.screen

    def on_unmount(self) -> None:
        # TextArea watches `app.theme`, which rarely changes: every closed editor (and its buffer: ~50 MB for a
        # 1 MB document) would stay alive until it did.
        prune_watchers(self.app, lambda node: node is self)
        # It also subscribes to its screen's text-selection signal with a callback that holds it: in the signal's
        # weak-keyed table that value keeps its key alive, so a closed buffer lived as long as its screen (the
        # explorer: for the whole session).
        self._host.text_selection_started_signal.unsubscribe(self)
        release_syntax_tree(self.document)
