"""The README's example of casatui.api, run for real so that it stays true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "api_example.py"


def test_the_api_example_runs_discovers_queries_and_merges_a_412() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "17 collections, from the server description"
    assert "failed jobs in the last day" in lines[1] and "'start_time': {'$gt':" in lines[1]
    assert any(line.startswith("412: The document changed on the server") for line in lines)
    assert "merged: 1 change(s) of mine, 1 of theirs, 0 conflict(s)" in lines
    assert "tags={'reviewed-by': 'colleague'}" in lines[-1]
