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
    ("[ui.keys]\nquit = 'x'\n", "[ui]: unknown key 'keys'"),  # keys and themes: top level only
    ("[profiles.p.keys]\n'app.quit' = 'x'\n", "[profiles.p]: unknown key 'keys'"),
    ("[profiles.p.themes.t]\nprimary = '#000000'\n", "[profiles.p]: unknown key 'themes'"),
    # [keys]: the shape, without Textual (a command stops on these too)
    ("[keys]\nquit = 'x'\n", "[keys]: 'quit' is not an action id like"),
    ("[keys]\n'explorer.edit' = 5\n", 'explorer.edit must be a string of keys like "E"'),
    ("[keys]\n'explorer.edit' = ''\n", "explorer.edit: is empty: give a key"),
    ("[keys]\n'explorer.edit' = 'bogus'\n", "explorer.edit: 'bogus' is not a key Textual can name"),
    ("[keys]\n'explorer.edit' = 'pageup,pgdwn'\n", "'pgdwn' is not a key Textual can name (did you mean 'pagedown'?)"),
    ("[keys]\n'explorer.edit' = 'cmd+e'\n", "'cmd' in 'cmd+e' is not a modifier"),
    ("[keys]\n'explorer.edit' = 'ctrl+E'\n", "'ctrl+E' never arrives: write ctrl+e"),
    ("[keys]\n'explorer.edit' = 'shift+e'\n", "'shift+e' never arrives: a shifted character is the character"),
    ("[keys]\n'explorer.edit' = 'e,,x'\n", 'holds an empty key (write "comma" for the comma key)'),
    # [keys]: against the registry, as the app starts (the ids and which actions work at once)
    ("[keys]\n'explorer.edt' = 'E'\n", "[keys]: 'explorer.edt' is not an action (did you mean 'explorer.edit'?)"),
    ("[keys]\n'explorer.edit' = 'r'\n", "[keys]: r is both explorer.refresh and explorer.edit (both in Explorer)"),
    ("[keys]\n'app.quit' = 'e'\n", "e is both app.quit and explorer.edit (Anywhere and Explorer work at once)"),
    ("[keys]\n'table.down' = 's'\n", "s is both explorer.sort and table.down (Explorer and Table work at once)"),
    ("[keys]\n'app.help' = 'f3'\n", "f3 is both app.help and editor.server_changes"),
    ("[keys]\n'editor.save' = 's'\n", "editor.save = 's' would be typed into the document, not run"),
    ("[keys]\n'editor.save' = 'ctrl+z'\n", "editor.save = 'ctrl+z' would not reach it: the editor's text keeps"),
    ("[keys]\n'app.help' = 'home'\n", "app.help = 'home' would not reach it: the table keeps that key"),
    # [themes.<name>]: the shape without Textual, the colours with it
    ("[themes.mine]\ndark = true\n", "[themes.mine]: a theme needs primary"),
    ("[themes.mine]\nprimary = '#12345'\n", "[themes.mine]: primary '#12345' is not a colour"),
    ("[themes.mine]\nprimary = '#123456'\nbackground = 'not a colour'\n", "background 'not a colour' is not a colour"),
    ("[themes.mine]\nprimary = '#123456'\nbackground = 'nocolour'\n", "background 'nocolour' is not a colour Textual"),
    ("[themes.mine]\nprimary = '#123456'\ndark = 'yes'\n", "[themes.mine]: dark must be a boolean"),
    ("[themes.mine]\nprimary = '#123456'\nshade = '#000'\n", "[themes.mine]: unknown key 'shade'"),
    ("[themes.mine]\nprimary = 'rgb(300,0)'\n", "primary 'rgb(300,0)' is not a colour Textual reads"),
    ("[themes.nord]\nprimary = '#123456'\n", "[themes.nord]: 'nord' is one of Textual's themes"),
    ("[themes.'my theme']\nprimary = '#123456'\n", "'my theme' is not a theme name"),
    ("[themes.mine.variables]\nx = 1\n", "[themes.mine]: a theme needs primary"),
    ("[themes.m]\nprimary = '#123456'\nvariables = {footer-key-foreground = 3}\n", "footer-key-foreground must be"),
    ("[themes.m]\nprimary = '#123456'\nvariables = {nope = '#fff'}\n", "'nope' is not one of Textual's theme"),
    ("[themes.m]\nprimary = '#123456'\nvariables = {footer-key-foreground = 'bold'}\n", "'bold' is not a colour"),
    ("[themes.m]\nprimary = '#123456'\nvariables = {link-style = 'wavy'}\n", "'wavy' is not a text style"),
    ("[themes.m]\nprimary = '#123456'\n[ui]\ntheme = 'mine'\n", "theme 'mine' is not one of Textual's themes nor"),
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


# What the app checks as it starts (it needs Textual and the action registry) does not stop a command.
AT_START = ("is not an action (", " is both ", "would be typed", "would not reach it")
BY_THE_CONFIG = [(t, n) for t, n in BAD if "theme" not in t and not any(mark in n for mark in AT_START)]
FOR_A_COMMAND = BY_THE_CONFIG[::3] + [(text, needle) for text, needle in BY_THE_CONFIG if "[keys]" in text]


@pytest.mark.parametrize(("text", "needle"), FOR_A_COMMAND)
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
