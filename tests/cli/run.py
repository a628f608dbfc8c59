"""A subcommand run as a user runs it: `python -m casatui …` in a subprocess, the token in $CLOUDCASA_API_TOKEN,
a config file and state directory of the test's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from ..servers import ServerUnderTest

HOSTILE = "\x1b]52;c;ZWNobw==\x07evil\x1b[2J\u009b31m\u202etxt.exe"


def casatui(
    *args: str,
    tmp: Path,
    root: str = "",
    token: str = "",
    env: dict[str, str] | None = None,
    new_session: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`new_session`: without a controlling terminal (/dev/tty cannot be opened), as under cron or CI."""
    return subprocess.run(command(*args, root=root), capture_output=True, text=True, timeout=120,
                          env=environment(tmp, token, env), stdin=subprocess.DEVNULL,
                          start_new_session=new_session)  # fmt: skip


def command(*args: str, root: str = "") -> list[str]:
    return [sys.executable, "-m", "casatui", *args, *(["--url", root] if root else [])]


def environment(tmp: Path, token: str = "", env: dict[str, str] | None = None) -> dict[str, str]:
    """The process environment of a command: no CLOUDCASA_/CASATUI_ variable of the caller's, a config file (empty
    unless the test wrote one) and a state directory of the test's own."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCASA_", "CASATUI_"))}
    environment.update({"CASATUI_CONFIG": str(tmp / "config.toml"), "CASATUI_STATE_DIR": str(tmp / "state")})
    if token:
        environment["CLOUDCASA_API_TOKEN"] = token
    environment.update(env or {})
    (tmp / "config.toml").touch()
    return environment


def total(server: ServerUnderTest, collection: str, where: dict[str, Any] | None = None) -> int:
    params = {"max_results": 1, **({"where": json.dumps(where)} if where else {})}
    answer = httpx.get(f"{server.api_root}/{collection}", params=params,
                       headers={"Authorization": f"Bearer {server.token}"})  # fmt: skip
    return int(answer.json()["_meta"]["total"])


def get(server: ServerUnderTest, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return casatui("get", *args, tmp=tmp, root=server.api_root, token=server.token)


def no_secret_nor_escape(result: subprocess.CompletedProcess[str], token: str) -> None:
    for stream in (result.stdout, result.stderr):
        assert token not in stream
        assert not {"\x1b", "\x9b", "\x07", "\u202e"} & set(stream), stream[:300]
