"""The command line: every problem is one line on stderr and a non-zero exit, before any screen opens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCASA_", "CASATUI_"))}
    environment.update({"CASATUI_CONFIG": str(tmp / "config.toml"), "CASATUI_STATE_DIR": str(tmp / "state")})
    environment.update(env or {})
    if not (tmp / "config.toml").exists():
        (tmp / "config.toml").touch()
    return subprocess.run([sys.executable, "-m", "casatui", *args], capture_output=True, text=True, timeout=60,
                          env=environment, stdin=subprocess.DEVNULL)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--url", "http://cc.example.com"], "--allow-http"),
        (["--url", "ftp://cc.example.com"], "https://"),
        (["--sort", "a,,b"], "--sort:"),
        (["--sort", "-a,,b"], "--sort:"),  # a value that starts with "-" is the option's value
        (["--sort", "-start_time", "--where", "-state="], "--where:"),
        (["--sort", "-start_time", "--url", "ftp://cc.example.com"], "https://"),
        (["--where", "state="], "--where:"),
        (["--jobs", "-1"], "--jobs"),
        (["--ca-cert", "/does/not/exist.pem"], "exist"),
        (["--profile", "nope"], "nope"),
    ],
)
def test_bad_flags_are_one_line_errors(tmp_path: Path, args: list[str], needle: str) -> None:
    result = run(*args, tmp=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casatui: ") and needle in lines[0], result.stderr
    assert result.stdout == ""  # no screen was drawn


def test_a_bad_config_file_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[profiles.prod]\nurl = 'https://cc.example.com'\nread_onyl = true\n")
    result = run("--profile", "prod", tmp=tmp_path)
    assert result.returncode == 2
    assert "read_onyl" in result.stderr and "read_only" in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_inline_token_in_a_readable_file_is_refused(tmp_path: Path) -> None:
    secret = "inline-secret-token-1234"
    config = tmp_path / "config.toml"
    config.write_text(f"[profiles.prod]\nurl = 'https://cc.example.com'\ntoken = '{secret}'\n")
    config.chmod(0o644)
    result = run("--profile", "prod", tmp=tmp_path)
    assert result.returncode == 2 and "chmod 600" in result.stderr and secret not in result.stderr


def test_version_and_help(tmp_path: Path) -> None:
    from casatui import __version__

    assert run("--version", tmp=tmp_path).stdout.strip() == f"casatui {__version__}"
    help_text = run("--help", tmp=tmp_path).stdout
    for flag in ("--url", "--profile", "--demo", "--read-only", "--ca-cert", "--insecure", "--resource", "--where",
                 "--sort", "--log-file", "--version"):  # fmt: skip
        assert flag in help_text
    assert "--token" not in help_text and "$CLOUDCASA_API_TOKEN" in help_text


def test_python_dash_m_casatui_runs_the_command(tmp_path: Path) -> None:
    assert run("--version", tmp=tmp_path).returncode == 0
