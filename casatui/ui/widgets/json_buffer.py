"""The editor's text area: JSON colours while the document is small enough to colour on every key, and no leak."""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea

from ..textual_fixes import prune_watchers

# Textual re-highlights the whole buffer on every edit: about 0.6 s per key at 1 MB (bench/big_document.py).
# Above this many characters the buffer is plain text, as large files are in most editors.
HIGHLIGHT_LIMIT = 200_000


class JsonBuffer(TextArea):
    @classmethod
    def for_document(cls, text: str, *, dark: bool, id: str | None = None) -> JsonBuffer:
        language = "json" if len(text) <= HIGHLIGHT_LIMIT else None
        buffer = cls.code_editor(text, language=language, theme="monokai" if dark else "github_light", id=id)
        buffer.indent_width = 2
        return buffer

    @property
    def highlighted(self) -> bool:
        return self.language is not None

    def on_unmount(self) -> None:
        # TextArea watches `app.theme`, which rarely changes: every closed editor (and its buffer: ~50 MB for a
        # 1 MB document) would stay alive until it did.
        prune_watchers(self.app, lambda node: node is self)
        release_syntax_tree(self.document)

    def _set_document(self, text: str, language: str | None) -> None:
        # TextArea's constructor builds its document twice (itself, then from its own `language` watcher), and
        # load_text builds a new one: the document replaced is released as well, or it is never freed.
        replaced = self.__dict__.get("document")
        super()._set_document(text, language)
        if replaced is not None and replaced is not self.document:
            release_syntax_tree(replaced)


def release_syntax_tree(document: Any) -> None:
    """Let a highlighted document be freed. tree-sitter's `Tree` keeps the callable it was parsed from (the
    document's bound `_read_callable`) and is invisible to Python's cycle collector, so document -> tree ->
    method -> document is never collected: two documents per editor opened (their lines, UTF-8 copies, parser
    and tree: ~100 KB for a 5 KB document) stayed in memory. Dropping the tree breaks the cycle."""
    if getattr(document, "_syntax_tree", None) is not None:
        document._syntax_tree = None
