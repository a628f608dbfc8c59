"""The coloured bar a protected profile shows on every screen where something can be written."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..safe import plain


class ProtectedBanner(Static):
    DEFAULT_CSS = """
    ProtectedBanner { height: 1; background: $error; color: $text; text-style: bold; padding: 0 1; }
    """

    def __init__(self, profile: str) -> None:
        text = Text(f"PROTECTED PROFILE {plain(profile)}: every write asks you to type the document's name")
        super().__init__(text, markup=False, classes="protected-banner")
