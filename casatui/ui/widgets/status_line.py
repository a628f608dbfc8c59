"""The status line: profile, API root, read-only badge, the last request, and the latest problem."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...api.exchange import Exchange
from ...core import tones
from ..safe import plain


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.profile = ""
        self.root = ""
        self.read_only = False
        self.protected = False
        self.last: Exchange | None = None
        self.problem = ""
        self.problem_path = ""
        self.extra = ""

    def set_connection(self, profile: str, root: str, *, read_only: bool, protected: bool = False) -> None:
        self.profile, self.root, self.read_only, self.protected = profile, root, read_only, protected
        self._draw()

    def request(self, exchange: Exchange) -> None:
        self.last = exchange
        if exchange.status is not None and exchange.status < 400 and self._answers_problem(exchange):
            self.problem = ""
        self._draw()

    def set_problem(self, text: str, path: str = "") -> None:
        """`path`: what failed (as the error names it, "jobs"); only a success there clears the problem (a names
        lookup that succeeds meanwhile says nothing about it). Without one, any success clears it."""
        self.problem = text
        self.problem_path = path.strip("/")
        self._draw()

    def _answers_problem(self, exchange: Exchange) -> bool:
        return not self.problem_path or exchange.path.rstrip("/").endswith("/" + self.problem_path)

    def set_extra(self, text: str) -> None:
        self.extra = text
        self._draw()

    def _draw(self) -> None:
        self.update(self.line())

    def line(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"⎈ {plain(self.profile)}", style="bold")
        line.append(f"  {plain(self.root)}")
        if self.read_only:
            line.append("  READ-ONLY ", style="bold reverse yellow")
        if self.protected:
            line.append("  PROTECTED ", style="bold reverse red")
        if self.last is not None:
            status = self.last.status
            style = tones.GOOD if status is not None and status < 400 else tones.BAD
            line.append("  │ ")
            line.append(f"{self.last.method} {plain(self.last.path.rsplit('/api/v1/', 1)[-1])} ", style="")
            line.append(str(status) if status is not None else "no answer", style=style)
            line.append(f" {self.last.latency_ms:.0f} ms")
        if self.extra:
            line.append(f"  │ {plain(self.extra)}", style="cyan")
        if self.problem:  # often the server's own message
            line.append(f"  │ {plain(self.problem)}", style=tones.BAD)
        return line
