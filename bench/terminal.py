"""A real terminal for the benchmarks: a process on a pseudo-terminal, its output read into a screen emulator.

    with Terminal([sys.executable, "-m", "casatui", ...], size=(120, 35)) as term:
        painted = term.wait_for(lambda screen: "COMPLETED" in screen.text(), timeout=30)
        sent = term.send("j")
        shown = term.wait_for(lambda screen: screen.row(3).startswith("▶"), after=sent)

What a person sees is what the terminal shows once a frame is complete: Textual brackets each frame in
synchronized-output marks (`ESC [ ? 2026 h` … `ESC [ ? 2026 l`), and a terminal that honours them shows nothing of a
frame before its end. A thread only reads the pseudo-terminal, stamping each read with the moment it returned
(a real terminal parses in C; pyte, in Python, takes milliseconds per frame, and must not slow the reading down, nor
make the child wait on a full buffer). `wait_for` then feeds the reads to pyte in order and tests its condition
whenever the output is between frames: the answer is the moment the read that made it true arrived, not when the
benchmark got round to looking. Times are `time.perf_counter()` seconds in this process, comparable with
`Terminal.spawned` and with what `send` returns. The thread switch interval is lowered while a terminal runs, so
the reader is not kept waiting for the interpreter lock by the emulation.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
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


class TerminalTimeout(RuntimeError):
    pass


class Terminal:
    """A child process on a pseudo-terminal of a fixed size, its output emulated (pyte) when conditions are tested."""

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
        self._view = Screen(self._screen)
        self._sync = sync
        self._reads: list[tuple[float, bytes]] = []  # appended by the reader only
        self._arrived = threading.Condition()
        self._fed = 0  # reads fed to pyte so far
        self._fed_at = 0.0  # when the last of them was read
        self._tail = b""  # the last bytes fed, to find sync marks split across reads
        self._in_frame = False
        self.frames = 0  # frames completed (sync ends fed)
        self.ended: float | None = None
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0002)
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
        self._reader = threading.Thread(target=self._read, name="terminal-reader", daemon=True)
        self._reader.start()

    @property
    def screen(self) -> Screen:
        """What the terminal shows now: everything read so far fed first."""
        while self._feed_next():
            pass
        return self._view

    @property
    def received(self) -> int:
        """Bytes read so far."""
        return sum(len(data) for _, data in list(self._reads))

    def _read(self) -> None:
        tail = b""
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            now = time.perf_counter()
            if not data:
                with self._arrived:
                    self.ended = now
                    self._arrived.notify_all()
                return
            if self._sync and SYNC_QUERY in tail + data and SYNC_QUERY not in tail:
                os.write(self._master, SYNC_ANSWER)
            tail = (tail + data)[-16:]
            with self._arrived:
                self._reads.append((now, data))
                self._arrived.notify_all()

    def _feed_next(self) -> bool:
        """Feed the next read to pyte; False when there is none (yet)."""
        if self._fed >= len(self._reads):
            return False
        at, data = self._reads[self._fed]
        self._fed += 1
        self._fed_at = at
        self._stream.feed(data)
        window = self._tail + data
        self.frames += window.count(SYNC_END) - self._tail.count(SYNC_END)
        last_start, last_end = window.rfind(SYNC_START), window.rfind(SYNC_END)
        if last_start != -1 or last_end != -1:
            self._in_frame = last_start > last_end
        self._tail = window[-16:]
        return True

    def wait_for(self, condition: Callable[[Screen], bool], *, after: float = 0.0, timeout: float = 30.0) -> float:
        """The moment (perf_counter) the screen, between frames, first met `condition`, from `after` on.

        Output read before `after` is fed first; if the screen then already meets the condition, the answer is
        `after` (it held when the benchmark began to wait for it)."""
        deadline = time.perf_counter() + timeout
        while self._fed < len(self._reads) and self._reads[self._fed][0] < after:
            self._feed_next()
        if not self._in_frame and condition(self._view):
            return max(after, self._fed_at)
        while True:
            if self._feed_next():
                if not self._in_frame and condition(self._view):
                    return self._fed_at
                continue
            with self._arrived:
                if self._fed < len(self._reads):
                    continue
                if self.ended is not None:
                    raise TerminalTimeout(f"condition not met (the program ended); the screen shows:\n{self.text()}")
                left = deadline - time.perf_counter()
                if (left <= 0 or not self._arrived.wait(left)) and self._fed >= len(self._reads):
                    raise TerminalTimeout(f"condition not met after {timeout:.0f} s; the screen shows:\n{self.text()}")

    def send(self, keys: str | bytes) -> float:
        """Write keys as a terminal would; returns the moment they were written."""
        data = keys.encode() if isinstance(keys, str) else keys
        now = time.perf_counter()
        os.write(self._master, data)
        return now

    def text(self) -> str:
        """What the terminal shows now (everything read so far fed first)."""
        return self.screen.text()

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
        sys.setswitchinterval(self._switch_interval)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
