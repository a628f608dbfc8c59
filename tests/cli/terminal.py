"""A command run with a pseudo-terminal as its controlling terminal (/dev/tty), where casatui asks its questions,
while stdin, stdout and stderr stay pipes; and commands with no terminal at all, or with stdin closed."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable

# A new session whose controlling terminal is argv[1] (the first terminal a session leader opens), then argv[2:].
TAKE_THE_TERMINAL = (
    "import os, sys; os.setsid(); os.close(os.open(sys.argv[1], os.O_RDWR)); os.execv(sys.argv[2], sys.argv[2:])"
)
# argv[1:] run with stdin closed (`<&-` in a shell), in a new session (no terminal to ask on).
CLOSED_STDIN = "import os, sys; os.setsid(); os.close(0); os.execv(sys.argv[1], sys.argv[1:])"


def on_a_terminal(
    command: list[str],
    env: dict[str, str],
    *,
    asked: str,
    typed: str,
    input: str | None = None,
    before_typing: Callable[[], None] | None = None,
) -> tuple[subprocess.CompletedProcess[str], str]:
    """`command` with a terminal of its own; once the terminal shows `asked`, `before_typing()` and then `typed`
    and Enter are typed there. `input`: stdin is a pipe carrying it (else /dev/null). The result, and what the
    terminal showed."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-c", TAKE_THE_TERMINAL, os.ttyname(follower), *command], env=env,
                                   stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        if input is not None:
            assert process.stdin is not None
            process.stdin.write(input)
            process.stdin.close()
            process.stdin = None  # (communicate would flush it)
        shown = b""
        while asked.encode() not in shown:
            ready, _, _ = select.select([leader], [], [], 60)
            assert ready and process.poll() is None, (shown, process.communicate())
            shown += os.read(leader, 1024)
        if before_typing is not None:
            before_typing()
        os.write(leader, typed.encode() + b"\n")
        out, err = process.communicate(timeout=120)
    finally:
        os.close(leader)
        os.close(follower)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), shown.decode()


def with_stdin_closed(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`command <&-` in a session without a terminal."""
    return subprocess.run([sys.executable, "-c", CLOSED_STDIN, *command], env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
