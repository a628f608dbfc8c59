"""A document as highlighted JSON (pygments), with the server-managed fields folded away until asked for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...core.safe_text import safe_json, visible
from ..safe import multiline, plain

SERVER_FIELDS = ("_etag", "_created", "_updated", "_links")
PREVIEW_LIMIT = 200_000  # characters highlighted in a preview; a bigger document is cut, and says so


def document_json(document: Mapping[str, Any], *, show_server_fields: bool) -> str:
    shown = {k: v for k, v in document.items() if show_server_fields or k not in SERVER_FIELDS}
    return safe_json(shown, indent=2, default=str)  # control and bidi characters escaped: visible, and lossless


def document_yaml(document: Mapping[str, Any], *, show_server_fields: bool) -> str | None:
    """The document as YAML, to read (the editor stays JSON); None where YAML cannot hold it (too deep to write)."""
    import yaml  # loaded with the first YAML view

    shown = {k: v for k, v in document.items() if show_server_fields or k not in SERVER_FIELDS}
    try:
        text = yaml.safe_dump(shown, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    except (RecursionError, yaml.YAMLError):
        return None
    # PyYAML escapes C0 but counts C1 and bidi characters as printable: to the screen only in their visible form.
    return visible(str(text), newlines=True)


def render_document(
    document: Mapping[str, Any],
    *,
    show_server_fields: bool,
    limit: int | None = PREVIEW_LIMIT,
    theme: str = "ansi_dark",
    as_yaml: bool = False,
) -> RenderableType:
    from rich.syntax import Syntax  # with pygments ~18 ms: loaded with the first document shown, not at startup

    notes = Text(style="dim")
    text = document_yaml(document, show_server_fields=show_server_fields) if as_yaml else None
    if as_yaml and text is None:
        notes.append("Too deeply nested to show as YAML: shown as JSON\n")
    language = "yaml" if text is not None else "json"
    if text is None:
        text = document_json(document, show_server_fields=show_server_fields)
    parts: list[RenderableType] = []
    cut = limit is not None and len(text) > limit
    if cut:
        text = text[:limit]
    parts.append(Syntax(text, language, theme=theme, background_color="default", word_wrap=True))
    if cut:
        notes.append(f"… cut at {limit:,} characters for the preview; open it (Enter) to see all\n")
    hidden = [k for k in SERVER_FIELDS if k in document and not show_server_fields]
    if hidden:
        notes.append("▸ " + ", ".join(hidden) + " folded (z shows them)")
    if notes:
        parts.append(notes)
    return Group(*parts)


class DocumentView(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DocumentView { background: $surface; padding: 0 1; }
    DocumentView > #doc-title { text-style: bold; color: $accent; text-wrap: nowrap; text-overflow: ellipsis; }
    DocumentView > #doc-body { width: 1fr; }
    """

    def __init__(self, *, limit: int | None = PREVIEW_LIMIT, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: dict[str, Any] | None = None
        self.show_server_fields = False
        self.as_yaml = False  # YAML to read, k9s's way; JSON (what the editor edits) by default
        self.limit = limit
        self.title_text = ""
        self._title = Static("", id="doc-title", markup=False)
        self._body = Static("", id="doc-body", markup=False)

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._body

    def show(self, document: Mapping[str, Any] | None, title: str = "", note: str = "") -> None:
        self.document = dict(document) if document is not None else None
        self.title_text = title
        heading = Text(plain(title), no_wrap=True, overflow="ellipsis")
        if title and self.as_yaml:  # first: a long title is cut at its end
            heading = Text.assemble(("YAML ", "dim"), heading, no_wrap=True, overflow="ellipsis")
        self._title.update(heading)
        if document is None:
            self._body.update(Text(multiline(note or ""), style="dim"))
            return
        theme = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
        self._body.update(
            render_document(
                document,
                show_server_fields=self.show_server_fields,
                limit=self.limit,
                theme=theme,
                as_yaml=self.as_yaml,
            )
        )

    def toggle_yaml(self) -> None:
        self.as_yaml = not self.as_yaml
        if self.document is not None:
            self.show(self.document, self.title_text)

    def toggle_server_fields(self) -> None:
        self.show_server_fields = not self.show_server_fields
        if self.document is not None:
            self.show(self.document, self.title_text)

    def message(self, text: str, style: str = "dim") -> None:
        shown = Text(multiline(text))
        shown.stylize(style)  # a span: Textual resolves its name (a tone's) through the console's theme
        self._body.update(shown)
