"""Every value of the config file is checked before a screen opens or a command sends anything: a wrong one is one
line on stderr naming the file, the table and the key, and exit status 2 (never a traceback, never a value shown
as something else)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..cli.run import casatui

CLOSED = "http://127.0.0.1:9/api/v1"  # nothing listens: a config that passed would fail later, and differently

BAD = [
    ("[ui]\ntheme = 'no-such-theme'\n", "[ui]: theme 'no-such-theme' is not one of Textual's themes"),
    ("[profiles.p]\ntheme = 'Nord'\n", "[profiles.p]: theme 'Nord'"),
    ("[ui]\nauto_refresh_seconds = 0\n", "auto_refresh_seconds must be from 1 to 86400 seconds"),
    ("[ui]\nauto_refresh_seconds = '10'\n", "auto_refresh_seconds must be a number"),
    ("[ui]\npage_size = 50\n", "unknown key 'page_size'"),
    ("[profiles.p]\nconnect_timeout = 0\n", "connect_timeout must be from 0.1 to 300 seconds"),
    ("[profiles.p]\nread_timeout = -1\n", "read_timeout must be from 0.1 to 3600 seconds"),
    ("[profiles.p]\nread_timeout = inf\n", "read_timeout must be a finite number"),
    ("[ui.columns]\njobs = [{key = 'state', kind = 'colour'}]\n", "kind 'colour' is not a kind of column"),
    ("[ui.columns]\njobs = [{key = 'state', kind = 'stat'}]\n", "did you mean 'state'?"),
    ("[ui.columns]\njobs = [{key = 'cluster', kind = 'ref'}]\n", 'kind = "ref" and ref = "<collection>" go together'),
    ("[ui.columns]\njobs = [{key = 'cluster', ref = 'kubeclusters'}]\n", 'kind = "ref" and ref'),
    ("[ui.columns]\njobs = [{key = 'start_time', kind = 'duration'}]\n", 'kind = "duration" and end'),
    ("[ui.columns]\njobs = ['status..state']\n", "column 'status..state' is not a dotted path"),
    ("[ui.columns]\njobs = [{key = '.state'}]\n", "key '.state' is not a dotted path"),
    ("[ui.columns]\n'jobs/x' = ['name']\n", "'jobs/x' is not a collection name"),
    ("[ui.columns]\njobs = [{key = 'name', width = 0}]\n", "width must be from 1 to 1000 cells"),
    ("[ui.columns]\njobs = [{key = 'name', colour = 'red'}]\n", "unknown key 'colour'"),
    ("[ui.sort]\njobs = ''\n", "[ui].sort: jobs is empty"),
    ("[ui.sort]\njobs = '-start_time,,name'\n", "[ui].sort: jobs:"),
    ("[ui.sort]\n'../admin' = 'name'\n", "'../admin' is not a collection name"),
    ("[profiles.p.sort]\njobs = 3\n", 'jobs must be a string like "-start_time"'),
    ("[ui.keys]\nquit = 'x'\n", "[ui]: unknown key 'keys'"),
    ("[keys]\nquit = 'x'\n", "top level: unknown key 'keys'"),
    ("default_profile = 'nope'\n", "names profile 'nope', which does not exist"),
    ("[profiles.p]\nprotected = 'yes'\n", "protected must be a boolean"),
    ("[aliases]\njobs = 'kubebackups'\n", "[aliases]: jobs is the name of a collection"),
    ("[aliases]\n'k b' = 'kubebackups'\n", "[aliases]: 'k b' is not a plain word"),
    ("[aliases]\nkb = 'kube/backups'\n", "[aliases]: kb: 'kube/backups' is not a collection name"),
    ("[ui]\nexternal_editor = 'yes'\n", "[ui]: external_editor must be a boolean"),
    ("[profiles.p]\ntoken_keyring = 'cloudcasa'\n", "token_keyring 'cloudcasa' must be \"service/user\""),
]


@pytest.mark.parametrize(("text", "needle"), BAD, ids=[needle[:32] for _, needle in BAD])
def test_a_wrong_value_stops_the_app_in_one_line(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    result = casatui(tmp=tmp_path, root=CLOSED, token="some-token-0123")
    assert result.returncode == 2 and result.stdout == "", result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("casatui: ") and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "some-token-0123" not in result.stderr


@pytest.mark.parametrize(("text", "needle"), [case for case in BAD if "theme" not in case[0]][::3])
def test_a_wrong_value_stops_a_command_in_one_line(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    result = casatui("get", "jobs", tmp=tmp_path, root=CLOSED, token="some-token-0123")
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert len(result.stderr.splitlines()) == 1 and needle in result.stderr, result.stderr


def test_every_kind_of_column_is_accepted_with_what_it_needs(tmp_path: Path) -> None:
    from casatui.config import COLUMN_KINDS, load_config

    extra = {"ref": ", ref = 'kubeclusters'", "duration": ", end = 'end_time'"}
    lines = [f"{{key = 'a.b', kind = '{kind}'{extra.get(kind, '')}}}" for kind in COLUMN_KINDS]
    (tmp_path / "config.toml").write_text("[ui.columns]\njobs = [" + ", ".join(lines) + "]\n")
    assert len(load_config(tmp_path / "config.toml").ui.columns["jobs"]) == len(COLUMN_KINDS)
