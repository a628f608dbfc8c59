"""The README's example of casatui.api, run for real so that it stays true: against its own embedded server, and
unchanged against each of the two test servers (it may only use what the server's document says)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ..cloudcasa import CloudCasaLikeServer
from ..servers import ServerUnderTest

SCRIPT = Path(__file__).parents[2] / "scripts" / "api_example.py"


def run_example(*args: str, token: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUDCASA_API_TOKEN": token}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120, env=env)


def check_walk_through(lines: list[str]) -> int:
    """The script's steps all happened; the number of collections it discovered."""
    first = re.fullmatch(r"(\d+) collections, from the server description", lines[0])
    assert first, lines[0]
    assert "failed jobs in the last day" in lines[1] and "'start_time': {'$gt':" in lines[1]
    assert not lines[1].startswith("0 "), "the servers have failed jobs in the last day"
    assert any(line.startswith("412: The document changed on the server") for line in lines)
    assert "merged: 1 change(s) of mine, 1 of theirs, 0 conflict(s)" in lines
    assert "tags={'reviewed-by': 'colleague'}" in lines[-1]
    return int(first.group(1))


def test_the_api_example_runs_discovers_queries_and_merges_a_412() -> None:
    result = run_example()
    assert result.returncode == 0, result.stderr
    assert check_walk_through(result.stdout.splitlines()) == 17


def test_the_api_example_runs_unchanged_against_either_server(fresh_any_server: ServerUnderTest) -> None:
    result = run_example(fresh_any_server.api_root, token=fresh_any_server.token)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    collections = check_walk_through(lines)
    if fresh_any_server.name == "cloudcasa":
        assert collections >= 70
        # Jobs there have a `name` and no `display_name`: the listed failures show their names.
        failed = [line for line in lines[2:] if line.startswith("  ")]
        assert failed and all(line.split()[0].startswith("kubebackup-") for line in failed)
    else:
        assert collections == 17


def test_the_api_example_runs_against_the_document_root(fresh_cloudcasa: CloudCasaLikeServer) -> None:
    result = run_example(fresh_cloudcasa.api_root, token=fresh_cloudcasa.token)
    assert result.returncode == 0, result.stderr[-2000:]
