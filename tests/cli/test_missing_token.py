"""No API token at all (no $CLOUDCASA_API_TOKEN, no token source in the profile): one line saying what to set, exit
status 2, and not one request sent - from the app and from every command that needs the server. `info`,
`completion` and `api-docs` (the server serves its document without a token) still work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casatui.demo import DemoServer

from ..faults import FaultServer
from .run import casatui

NEEDS_THE_TOKEN = [
    [],  # the app itself
    ["get", "jobs"],
    ["get", "jobs", "some-job"],
    ["describe", "jobs", "some-job"],
    ["overview"],
    ["edit", "jobs", "some-job"],
    ["apply", "jobs", "-f", "-"],
    ["delete", "jobs", "some-job", "--yes"],
    ["run", "backupdefs", "some-definition"],
]


@pytest.fixture
def counted(demo: DemoServer) -> Iterator[FaultServer]:
    """The demo behind a server that counts the requests (and forwards them)."""
    with FaultServer(upstream=demo.base_url) as faults:
        yield faults


@pytest.mark.parametrize("args", NEEDS_THE_TOKEN, ids=lambda args: " ".join(args) or "app")
def test_no_token_is_one_line_before_any_request(counted: FaultServer, tmp_path: Path, args: list[str]) -> None:
    result = casatui(*args, tmp=tmp_path, root=f"{counted.base_url}/api/v1")
    assert result.returncode == 2 and result.stdout == "", result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("casatui: no API token for profile default: set $CLOUDCASA_API_TOKEN")
    assert "token_command, token_env or token_keyring" in lines[0] and "casatui info" in lines[0]
    assert counted.seen == []  # said before the first request, not learnt from a 401


def test_the_profile_named_is_the_one_without_a_token(counted: FaultServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f"[profiles.lab]\nurl = '{counted.base_url}/api/v1'\nallow_http = true\n")
    result = casatui("get", "jobs", tmp=tmp_path)
    assert result.returncode == 2 and "no API token for profile lab:" in result.stderr
    assert counted.seen == []


def test_a_token_source_in_the_profile_is_enough(demo: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[profiles.lab]\ntoken_env = 'LAB_TOKEN'\n")
    result = casatui("get", "jobs", "--limit", "3", "-o", "name", tmp=tmp_path, root=demo.api_root,
                     env={"LAB_TOKEN": demo.token})  # fmt: skip
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 3 and "token" not in result.stderr


def test_what_needs_no_token_still_works_without_one(counted: FaultServer, tmp_path: Path) -> None:
    root = f"{counted.base_url}/api/v1"
    info = casatui("info", tmp=tmp_path, root=root)
    assert info.returncode == 0 and "no token is set" in info.stdout
    docs = casatui("api-docs", tmp=tmp_path, root=root)
    assert docs.returncode == 0 and '"paths"' in docs.stdout
    assert [seen.path for seen in counted.seen] == ["/api/v1/api-docs"]
    assert casatui("completion", "bash", tmp=tmp_path).returncode == 0


def test_a_wrong_token_is_still_told_by_the_server(demo: DemoServer, tmp_path: Path) -> None:
    """A token that is set but refused is the server's to say (exit 7), with what to set."""
    wrong = "wrong-token-abcdef0123456789"
    result = casatui("get", "jobs", tmp=tmp_path, root=demo.api_root, token=wrong)
    assert result.returncode == 7 and len(result.stderr.splitlines()) == 1
    assert "refused the token (401)" in result.stderr and "$CLOUDCASA_API_TOKEN" in result.stderr
    assert "casatui info" in result.stderr and wrong not in result.stderr


def test_an_overview_refused_everywhere_says_the_fix_once(demo: DemoServer, tmp_path: Path) -> None:
    wrong = "wrong-token-abcdef0123456789"
    result = casatui("overview", tmp=tmp_path, root=demo.api_root, token=wrong)
    assert result.returncode == 7 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.count("set $CLOUDCASA_API_TOKEN or the profile's token source") == 1
    assert wrong not in result.stdout + result.stderr
