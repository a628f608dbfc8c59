"""One document on its own screen: all of it, highlighted, server fields folded until asked for."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen

from ...api.models import Item
from ...core.session import Session
from ..actions import bindings
from ..widgets.document_view import DocumentView
from ..widgets.footer import CasaFooter


class DocumentScreen(Screen[None]):
    SCOPE = "document"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("document")]

    def __init__(self, session: Session, item: Item, title: str) -> None:
        super().__init__()
        self.session = session
        self.item = item
        self.heading = title

    def compose(self) -> ComposeResult:
        yield DocumentView(limit=None, id="document")
        yield CasaFooter()

    def on_mount(self) -> None:
        view = self.query_one(DocumentView)
        view.show(self.item.data, f"{self.heading}   etag {self.item.etag}")
        view.focus()

    def action_toggle_server_fields(self) -> None:
        self.query_one(DocumentView).toggle_server_fields()

    def action_toggle_yaml(self) -> None:
        self.query_one(DocumentView).toggle_yaml()

    def action_close(self) -> None:
        self.dismiss(None)
