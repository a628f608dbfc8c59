"""`--demo` seeds its server before anything else shows: a person at a terminal is told, a script is not."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from .run import casatui, command, environment


def test_seeding_is_said_on_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(command("--demo", "--jobs", "50", "get", "policies", "-o", "json"),
                              stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL, timeout=120,
                              env=environment(tmp_path))  # fmt: skip
        os.close(follower)
        said = b""
        while chunk := _read(leader):
            said += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0 and b'"name"' in done.stdout
    assert "casatui: seeding 50 jobs for the demo server…" in said.decode(), said


def test_a_script_gets_no_word_of_it(tmp_path: Path) -> None:
    done = casatui("--demo", "--jobs", "50", "get", "policies", "-o", "json", tmp=tmp_path)
    assert done.returncode == 0 and done.stderr == "" and '"name"' in done.stdout


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: the other end is closed
        return b""
