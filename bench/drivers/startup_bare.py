"""Startup baseline: a bare Textual app that paints one Static, then exits (run as a whole process).

    python bench/drivers/startup_bare.py

Exits as soon as the Static's first line has been rendered by the compositor (headless: nothing is written to a
terminal, but the screen is composed and every visible line rendered, exactly as for the casatui driver). Prints
one JSON line with the epoch time of that first paint.
"""

import json
import time

from textual.app import App, ComposeResult
from textual.widgets import Static


class Painted(Static):
    def render_line(self, y: int):  # type: ignore[no-untyped-def]
        strip = super().render_line(y)
        if not self.app._exit_requested:  # type: ignore[attr-defined]
            self.app._exit_requested = True  # type: ignore[attr-defined]
            self.app.painted = time.time()  # type: ignore[attr-defined]
            self.app.call_later(self.app.exit)
        return strip


class Bare(App[None]):
    _exit_requested = False

    def compose(self) -> ComposeResult:
        yield Painted("Hello from a bare Textual app: one widget, painted once.")


if __name__ == "__main__":
    app = Bare()
    app.run(headless=True, size=(120, 35))
    print(json.dumps({"painted": app.painted}))  # type: ignore[attr-defined]
