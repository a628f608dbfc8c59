"""The command line: every problem is one line on stderr and a non-zero exit, before any screen opens."""

from __future__ import annotations

import os
import stat
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
        (["--url", "http://[::1"], "--url: The API URL 'http://[::1' cannot be read"),
        (["--url", "javascript:alert(1)"], "must start with https:// (got javascript:)"),
        (["--url", "https://cc.example.com:99999"], "a port is a number from 1 to 65535"),
        (["--url", "https://cc..example.com"], "no valid host name"),
        (["--url", ""], "--url is empty"),
        (["--profile", ""], "--profile is empty"),
        (["--ca-cert", " "], "--ca-cert is empty"),
        (["--log-file", ""], "--log-file is empty"),
        (["--sort", ""], "--sort is empty"),
        (["--resource", "../../../admin"], "is not a collection name"),
        (["--resource", ".."], "is not a collection name"),
        (["--resource", "jobs/x"], "is not a collection name"),
        (["--where", "name=\x1b]52;c;ZWNobw==\x07"], "--where holds a control character"),
        (["--resource", "jobs\u200b"], "--resource holds a control character or an invisible one"),
        (["--jobs", "abc"], "argument --jobs: invalid int value: 'abc'"),
        (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_bad_flags_are_one_line_errors(tmp_path: Path, args: list[str], needle: str) -> None:
    result = run(*args, tmp=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casatui: ") and needle in lines[0], result.stderr
    assert result.stdout == ""  # no screen was drawn
    assert "\x1b" not in result.stderr  # what the message quotes is shown, never obeyed by the terminal


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


def test_bytes_that_are_not_utf8_in_a_flag_are_one_line(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCASA_", "CASATUI_"))}
    environment.update({"CASATUI_CONFIG": str(tmp_path / "none.toml"), "CASATUI_STATE_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable.encode(), b"-m", b"casatui", b"--where", b"name=caf\xe9"],
                            capture_output=True, timeout=60, env=environment, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().strip() == "casatui: --where holds bytes that are not UTF-8 text"


TOKEN = "tok-0123456789abcdef-secret"


@pytest.mark.parametrize(
    ("token", "named"),
    [(f"{TOKEN}\u200b", "U+200B (ZERO WIDTH SPACE)"), (f"{TOKEN[:9]}é{TOKEN[9:]}", "U+00E9")],
)
def test_a_token_a_header_cannot_carry_stops_before_any_screen(tmp_path: Path, token: str, named: str) -> None:
    result = run("--url", "http://127.0.0.1:9", env={"CLOUDCASA_API_TOKEN": token}, tmp=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casatui: profile default: the token from $CLOUDCASA_API_TOKEN")
    assert named in lines[0] and "Traceback" not in result.stderr
    assert TOKEN[:9] not in result.stderr and TOKEN[9:] not in result.stderr


def test_a_token_a_header_cannot_carry_from_a_token_file_source(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[profiles.prod]\nurl = 'https://cc.example.com'\ntoken = '{TOKEN}é'\n", encoding="utf-8")
    config.chmod(0o600)
    result = run(tmp=tmp_path)
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "the token from `token` in" in result.stderr and TOKEN not in result.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"[ui]\ntheme = 'nord'\n# \xff\xfe\n", "not UTF-8 text (byte 0xff on line 3)"),
        (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
        (b"[profiles.p]\nread_timeout = nan\n", "read_timeout must be a finite number (found nan)"),
        (b"[profiles.p]\nauto_refresh_seconds = nan\n", "auto_refresh_seconds must be a finite number"),
        (b"[ui]\nauto_refresh_seconds = 1e-9\n", "auto_refresh_seconds must be from 1 to 86400 seconds"),
        (b"[ui]\ntheme = 'no-such-theme'\n", "theme 'no-such-theme' is not one of Textual's themes"),
        (b"[profiles.lab]\ntheme = 'Nord'\n", "[profiles.lab]: theme 'Nord'"),
        (b"[profiles.p]\nurl = 'https://cc.example.com:99999'\n", "a port is a number from 1 to 65535"),
    ],
    ids=["not-utf8", "nested-5000", "timeout-nan", "refresh-nan", "refresh-1e-9", "theme", "theme-case", "port"],
)
def test_bad_config_values_are_one_line_before_any_screen(tmp_path: Path, content: bytes, needle: str) -> None:
    (tmp_path / "config.toml").write_bytes(content)
    # (a theme is checked after the first request starts, and so after the token is)
    result = run("--url", "http://127.0.0.1:9", env={"CLOUDCASA_API_TOKEN": "some-token"}, tmp=tmp_path)
    assert result.returncode == 2 and result.stdout == "", result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"casatui: {tmp_path / 'config.toml'}: ") and needle in lines[0]


def test_a_state_directory_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("")
    result = run(tmp=tmp_path)
    assert result.returncode == 2 and "state directory" in result.stderr and len(result.stderr.splitlines()) == 1


# --- --log-file -----------------------------------------------------------------------------------------------


def test_a_log_file_planted_as_a_symlink_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "casatui.log").symlink_to(victim)
    result = run("--log-file", str(tmp_path / "casatui.log"), "--url", "http://127.0.0.1:9", tmp=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"casatui: --log-file: {tmp_path / 'casatui.log'} is a symbolic link; casatui does not write through links"
    )
    assert victim.read_text() == "precious\n"


def test_a_dangling_log_symlink_creates_nothing(tmp_path: Path) -> None:
    (tmp_path / "casatui.log").symlink_to(tmp_path / "created-by-casatui")
    result = run("--log-file", str(tmp_path / "casatui.log"), "--url", "http://127.0.0.1:9", tmp=tmp_path)
    assert result.returncode == 2 and "symbolic link" in result.stderr
    assert not (tmp_path / "created-by-casatui").exists()


@pytest.mark.skipif(os.name == "nt", reason="permission bits are POSIX")
def test_the_log_file_is_opened_first_and_is_the_owners_alone(tmp_path: Path) -> None:
    log = tmp_path / "casatui.log"
    log.write_text('{"earlier": 1}\n')
    log.chmod(0o644)
    result = run("--log-file", str(log), "--profile", "nope", tmp=tmp_path)  # stops after opening the log
    assert result.returncode == 2 and "nope" in result.stderr
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and log.read_text() == '{"earlier": 1}\n'
    fresh = tmp_path / "fresh.log"
    run("--log-file", str(fresh), "--profile", "nope", tmp=tmp_path)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_ignore_api_docs_reaches_the_client() -> None:
    from casatui.cli import build_parser, make_client
    from casatui.config import Flags, load_config, resolve

    args = build_parser().parse_args(["--ignore-api-docs", "--url", "http://127.0.0.1:9"])
    assert args.trust_api_docs is False and build_parser().parse_args([]).trust_api_docs is None
    resolved = resolve(load_config(None, env={}), Flags(url=args.url, trust_api_docs=args.trust_api_docs), env={})
    assert make_client(resolved).trust_api_docs is False
