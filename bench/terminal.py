"""A real terminal for the benchmarks: a process on a pseudo-terminal, its output read into a screen emulator.

    with Terminal([sys.executable, "-m", "casatui", ...], size=(120, 35)) as term:
        painted = term.wait_for(lambda screen: "COMPLETED" in screen.text(), timeout=30)
        sent = term.send("j")
        shown = term.wait_for(lambda screen: screen.row(3).startswith("▶"), after=sent)

What a person sees is what the terminal shows once a frame is complete: Textual brackets each frame in
synchronized-output marks (`ESC [ ? 2026 h` … `ESC [ ? 2026 l`), and a terminal that honours them shows nothing of a
frame before its end. So the screen (pyte) is fed every byte as it is read, but the conditions are tested only
when the output is between frames, by the reading thread itself, and each records the moment the bytes that made it
true were read: not when the benchmark got round to looking. Times are `time.perf_counter()` seconds in this
process, comparable with `Terminal.spawned` and with what `send` returns.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyte

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
# A terminal that honours synchronized output says so when asked (DECRQM 2026 -> "reset, supported"), as kitty,
# WezTerm, iTerm2, Ghostty, foot and Windows Terminal do; Textual then brackets every frame.
SYNC_QUERY, SYNC_ANSWER = b"\x1b[?2026$p", b"\x1b[?2026;2$y"


class Screen:
    """What the terminal shows, for conditions to read (a thin view of pyte's screen)."""

    def __init__(self, screen: pyte.Screen) -> None:
        self._screen = screen

    def row(self, y: int) -> str:
        return self._screen.display[y]

    def text(self) -> str:
        return "\n".join(self._screen.display)

    def cell(self, x: int, y: int) -> Any:
        """pyte's `Char` at (x, y): `.data`, `.fg`, `.bg`, `.reverse`, `.bold`…"""
        return self._screen.buffer[y][x]

    @property
    def cursor(self) -> tuple[int, int]:
        return self._screen.cursor.x, self._screen.cursor.y


@dataclass
class _Watch:
    condition: Callable[[Screen], bool]
    after: float
    met: threading.Event = field(default_factory=threading.Event)
    at: float | None = None


class TerminalTimeout(RuntimeError):
    pass


class Terminal:
    """A child process on a pseudo-terminal of a fixed size, with its output emulated (pyte) as it is read."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        size: tuple[int, int] = (120, 35),
        env: Mapping[str, str] | None = None,
        term: str = "xterm-256color",
        sync: bool = True,
    ) -> None:
        columns, lines = size
        self._screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self._screen)
        self.screen = Screen(self._screen)
        self._lock = threading.Lock()
        self._watches: list[_Watch] = []
        self._tail = b""  # the last bytes read, to find sync marks split across reads
        self._in_frame = False
        self._sync = sync
        self.frames = 0  # frames completed (sync ends read)
        self.received = 0  # bytes read
        self.frame_times: list[float] = []
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        child_env = {**(env if env is not None else os.environ), "TERM": term, "COLORTERM": "truecolor"}
        child_env.update(COLUMNS=str(columns), LINES=str(lines))
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=child_env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self._master = master
        self.ended: float | None = None
        self._reader = threading.Thread(target=self._read, name="terminal-reader", daemon=True)
        self._reader.start()

    # -- reading --------------------------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            now = time.perf_counter()
            if not data:
                self.ended = now
                with self._lock:
                    for watch in self._watches:
                        watch.met.set()  # wake the waiters: they see the watch unmet and raise
                return
            with self._lock:
                self.received += len(data)
                self._stream.feed(data)
                window = self._tail + data
                if self._sync and SYNC_QUERY in window and SYNC_QUERY not in self._tail:
                    os.write(self._master, SYNC_ANSWER)
                last_start, last_end = window.rfind(SYNC_START), window.rfind(SYNC_END)
                ends = window.count(SYNC_END) - self._tail.count(SYNC_END)
                if ends:
                    self.frames += ends
                    self.frame_times.append(now)
                if last_start != -1 or last_end != -1:
                    self._in_frame = last_start > last_end
                self._tail = window[-16:]
                if not self._in_frame:
                    for watch in self._watches:
                        if watch.at is None and now >= watch.after and watch.condition(self.screen):
                            watch.at = now
                            watch.met.set()
                    self._watches = [w for w in self._watches if w.at is None]

    def wait_for(self, condition: Callable[[Screen], bool], *, after: float = 0.0, timeout: float = 30.0) -> float:
        """The moment (perf_counter) the screen, between frames, first met `condition` at or after `after`.

        If it already holds when asked (and `after` has passed), that is now."""
        watch = _Watch(condition, after)
        with self._lock:
            now = time.perf_counter()
            if not self._in_frame and now >= after and condition(self.screen):
                return now
            self._watches.append(watch)
        if not watch.met.wait(timeout) or watch.at is None:
            with self._lock:
                if watch in self._watches:
                    self._watches.remove(watch)
                shown = self.screen.text()
            state = "ended" if self.ended is not None else f"still running after {timeout:.0f} s"
            raise TerminalTimeout(f"condition not met ({state}); the screen shows:\n{shown}")
        return watch.at

    def send(self, keys: str | bytes) -> float:
        """Write keys as a terminal would; returns the moment they were written."""
        data = keys.encode() if isinstance(keys, str) else keys
        now = time.perf_counter()
        os.write(self._master, data)
        return now

    def text(self) -> str:
        with self._lock:
            return self.screen.text()

    # -- ending ---------------------------------------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child (SIGTERM to its process group, then SIGKILL) and the reader."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        self._reader.join(timeout)
        with contextlib.suppress(OSError):
            os.close(self._master)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
