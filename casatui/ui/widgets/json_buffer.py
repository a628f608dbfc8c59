"""The editor's text area: JSON colours while the document is small enough to colour on every key, and no leak."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import TextArea

from ..textual_patches import prune_watchers, release_syntax_tree

# Textual re-highlights the whole buffer on every edit: about 0.6 s per key at 1 MB (bench/big_document.py).
# Above this many characters the buffer is plain text, as large files are in most editors.
HIGHLIGHT_LIMIT = 200_000


class JsonBuffer(TextArea):
    _host: Screen[object]

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
