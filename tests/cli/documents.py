"""What the server holds, read over HTTP beside the command under test, and commands started in the background (a
test can then change the server while the command waits)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from ..servers import ServerUnderTest


def headers(server: ServerUnderTest) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def documents(server: ServerUnderTest, collection: str, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"max_results": 1000, **({"where": json.dumps(where)} if where else {})}
    answer = httpx.get(f"{server.api_root}/{collection}", params=params, headers=headers(server))
    answer.raise_for_status()
    return list(answer.json()["_items"])


def document(server: ServerUnderTest, collection: str, item_id: str) -> dict[str, Any] | None:
    answer = httpx.get(f"{server.api_root}/{collection}/{item_id}", headers=headers(server))
    if answer.status_code == 404:
        return None
    answer.raise_for_status()
    return dict(answer.json())


def environment(tmp: Path, token: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """As `run.casatui` sets it: the token in the environment, a config and state directory of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCASA_", "CASATUI_"))}
    env.update({"CASATUI_CONFIG": str(tmp / "config.toml"), "CASATUI_STATE_DIR": str(tmp / "state")})
    env["CLOUDCASA_API_TOKEN"] = token
    env.update(extra or {})
    (tmp / "config.toml").touch()
    return env


def start(
    server: ServerUnderTest, tmp: Path, *args: str, stdin: Any = subprocess.DEVNULL, stderr: Any = subprocess.PIPE
) -> subprocess.Popen[str]:
    """The command running in the background, its output in pipes (or where `stdin` and `stderr` say)."""
    return subprocess.Popen([sys.executable, "-m", "casatui", *args, "--url", server.api_root], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=stderr, text=True,
                            env=environment(tmp, server.token))  # fmt: skip


def with_input(server: ServerUnderTest, tmp: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casatui", *args, "--url", server.api_root], input=text,
                          capture_output=True, text=True, timeout=120, env=environment(tmp, server.token))  # fmt: skip
