"""Startup baseline: a bare Textual app showing one Static, run on the terminal it is given (not headless).

    python bench/drivers/startup_bare.py

It never exits on its own: the benchmark reads the terminal until the Static's text is shown, then kills it.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

TEXT = "Hello from a bare Textual app: one widget."


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(TEXT)


if __name__ == "__main__":
    Bare().run()
