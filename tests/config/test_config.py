"""casatui.config: the file format, profile choice, token sources and the precedence flags > env > profile > defaults.

Every test passes an explicit `env` dict and files under tmp_path: never the real environment or home directory.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import trustme

import casatui.config as config_module
from casatui.api.models import Timeouts
from casatui.config import (
    Config,
    ConfigError,
    Flags,
    Profile,
    Resolved,
    TokenSource,
    UiDefaults,
    config_path,
    load_config,
    resolve,
    state_dir,
)

SECRET = "s3cr3t-token-value-9f8e7d"
PY = sys.executable


def write(tmp_path: Path, text: str, mode: int = 0o600, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    path.chmod(mode)
    return path


def load(tmp_path: Path, text: str, mode: int = 0o600) -> Config:
    return load_config(write(tmp_path, text, mode), env={})


def fake_runner(stdout: str = "", stderr: str = "", returncode: int = 0, exc: BaseException | None = None):
    calls: list[list[str]] = []

    def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        if exc is not None:
            raise exc
        return subprocess.CompletedProcess(argv, returncode, stdout, stderr)

    run.calls = calls  # type: ignore[attr-defined]
    return run


# --- paths ----------------------------------------------------------------------------------------------------------


def test_config_path_from_env(tmp_path: Path) -> None:
    assert config_path({"CASATUI_CONFIG": str(tmp_path / "c.toml")}) == tmp_path / "c.toml"


def test_config_path_default_is_platform_config_dir() -> None:
    path = config_path({})
    assert path.name == "config.toml"
    assert "casatui" in path.parent.as_posix()


def test_state_dir_from_env_and_default(tmp_path: Path) -> None:
    assert state_dir({"CASATUI_STATE_DIR": str(tmp_path / "s")}) == tmp_path / "s"
    assert "casatui" in state_dir({}).as_posix()
    assert not (tmp_path / "s").exists()  # not created here


# --- loading ----------------------------------------------------------------------------------------------------------


def test_missing_default_file_is_an_empty_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "config_path", lambda env=None: tmp_path / "nope.toml")
    config = load_config(env={})
    assert config == Config(path=None, default_profile=None, profiles={}, ui=UiDefaults())


def test_casatui_config_pointing_at_a_missing_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError, match=r"\$CASATUI_CONFIG") as caught:
        load_config(env={"CASATUI_CONFIG": str(missing)})
    assert str(missing) in str(caught.value)


def test_explicit_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", env={})


def test_casatui_config_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.x]\nurl = "x.example.com"\n')
    config = load_config(env={"CASATUI_CONFIG": str(path)})
    assert config.path == path
    assert config.profiles["x"].url == "x.example.com"


def test_full_example_loads(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        default_profile = "prod"
        [ui]
        theme = "textual-dark"
        auto_refresh_seconds = 10
        [ui.columns]
        jobs = ["display_name", "state", {key = "start_time", title = "Started", kind = "time"}]
        [ui.sort]
        jobs = "-start_time"

        [profiles.prod]
        url = "https://api.cloudcasa.io"
        token_env = "CC_PROD_TOKEN"
        read_only = true
        protected = true
        insecure = false
        allow_http = false
        connect_timeout = 5
        read_timeout = 30
        theme = "nord"
        auto_refresh_seconds = 5
        [profiles.prod.columns]
        jobs = ["name", "state"]
        [profiles.prod.sort]
        jobs = "start_time"
        """,
    )
    assert config.default_profile == "prod"
    assert config.ui.theme == "textual-dark"
    assert config.ui.auto_refresh_seconds == 10.0
    assert config.ui.columns["jobs"][2] == {"key": "start_time", "title": "Started", "kind": "time"}
    prod = config.profiles["prod"]
    assert prod.token_env == "CC_PROD_TOKEN"
    assert prod.read_only is True and prod.protected is True
    assert prod.connect_timeout == 5.0 and prod.read_timeout == 30.0
    assert prod.columns == {"jobs": ["name", "state"]}
    assert prod.sort == {"jobs": "start_time"}


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.prod]\nurl = "ok"\nread_only = \n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message and "column" in message


@pytest.mark.parametrize(
    ("text", "key", "table"),
    [
        ("[profiles.prod]\nread_onyl = true\n", "read_onyl", "[profiles.prod]"),
        ('[ui]\nthem = "nord"\n', "them", "[ui]"),
        ('[profile.prod]\nurl = "x"\n', "profile", "top level"),
        ('[profiles.p.columns]\njobs = [{key = "a", colour = "red"}]\n', "colour", "[profiles.p].columns.jobs"),
    ],
)
def test_unknown_keys_are_named_with_their_table(tmp_path: Path, text: str, key: str, table: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert f"unknown key '{key}'" in message
    assert table in message
    assert str(tmp_path) in message


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="did you mean 'read_only'"):
        load(tmp_path, "[profiles.prod]\nread_onyl = true\n")


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ('read_only = "yes"', "read_only", "a boolean"),
        ("protected = 1", "protected", "a boolean"),
        ("url = 3", "url", "a string"),
        ('connect_timeout = "5"', "connect_timeout", "a number"),
        ("read_timeout = true", "read_timeout", "a number"),
        ("theme = []", "theme", "a string"),
        ("auto_refresh_seconds = 1979-05-27", "auto_refresh_seconds", "a number"),
        ('columns = "jobs"', "columns", "a table"),
        ("token_command = 5", "token_command", "an array of strings or a string"),
        ("token_command = [1, 2]", "token_command", "an array of strings or a string"),
    ],
)
def test_wrong_types_name_the_key_and_expected_type(tmp_path: Path, line: str, key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, f"[profiles.prod]\n{line}\n")
    message = str(caught.value)
    assert key in message and expected in message and "[profiles.prod]" in message


@pytest.mark.parametrize(
    "text",
    [
        "default_profile = 3\n",
        "profiles = 3\n",
        "ui = 3\n",
        "[ui]\nauto_refresh_seconds = 0\n",
        "[profiles.p]\nconnect_timeout = -1\n",
        '[profiles.p.columns]\njobs = "name"\n',
        "[profiles.p.columns]\njobs = [3]\n",
        '[profiles.p.columns]\njobs = [{title = "no key"}]\n',
        '[profiles.p.columns]\njobs = [{key = "a", width = 0}]\n',
        '[profiles.p.columns]\njobs = [{key = "a", width = "wide"}]\n',
        "[profiles.p.sort]\njobs = 1\n",
        '[profiles.p.sort]\njobs = "-start_time,-start_time"\n',
        "[profiles.p]\ntoken_command = []\n",
        '[profiles.p]\ntoken_command = "unbalanced \'quote"\n',
        '[profiles.p]\ntoken_env = ""\n',
        "[profiles]\np = 3\n",
        '[profiles.p]\ninsecure = true\nca_cert = "/x.pem"\n',
    ],
)
def test_other_invalid_values_are_config_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert str(tmp_path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_column_tables_accept_every_column_option(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [ui.columns]
        jobs = [
            {key = "start_time", title = "Took", kind = "duration", end = "end_time", width = 9, sortable = false},
            {key = "policy", kind = "ref", ref = "policies", flex = true},
        ]
        """,
    )
    assert config.ui.columns["jobs"][1]["ref"] == "policies"


def test_token_command_string_is_split_with_shlex(tmp_path: Path) -> None:
    config = load(tmp_path, "[profiles.p]\ntoken_command = \"pass show 'cloudcasa/my prod'\"\n")
    assert config.profiles["p"].token_command == ["pass", "show", "cloudcasa/my prod"]


def load_on_windows(path: Path) -> Config:
    """`load_config` on the branches Windows takes (os.name only for the call: pathlib and pytest read it too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "name", "nt")
        return load_config(path, env={})


def test_on_windows_a_token_command_string_keeps_its_backslashes(tmp_path: Path) -> None:
    text = r"""[profiles.p]
token_command = '"C:\Program Files\op.exe" read --config C:\op\op.json'
"""
    config = load_on_windows(write(tmp_path, text, 0o600))
    assert config.profiles["p"].token_command == [r"C:\Program Files\op.exe", "read", "--config", r"C:\op\op.json"]


def test_more_than_one_token_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="token_env and token_command") as caught:
        load(tmp_path, '[profiles.p]\ntoken_env = "A"\ntoken_command = ["x"]\n')
    assert "[profiles.p]" in str(caught.value)
    with pytest.raises(ConfigError, match="one token source"):
        load(tmp_path, f'[profiles.p]\ntoken_env = "A"\ntoken = "{SECRET}"\n')


# --- inline tokens and file permissions ------------------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_inline_token_accepted_at_0600(tmp_path: Path) -> None:
    config = load(tmp_path, f'[profiles.p]\ntoken = "{SECRET}"\n', mode=0o600)
    resolved = resolve(config, env={})
    assert resolved.token == SECRET
    assert resolved.token_source == TokenSource("file", f"`token` in {tmp_path / 'config.toml'}")
    assert resolved.token_source.describe() == f"the token comes from `token` in {tmp_path / 'config.toml'}"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_inline_token_refused_when_others_may_read(tmp_path: Path, mode: int) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, f'[profiles.p]\ntoken = "{SECRET}"\n', mode=mode)
    message = str(caught.value)
    assert f"chmod 600 {tmp_path / 'config.toml'}" in message
    assert SECRET not in message


def test_on_windows_permission_bits_do_not_refuse_an_inline_token(tmp_path: Path) -> None:
    # Windows reports a file as 0o666 (0o444 read-only) whoever may read it: its ACLs are not checked, and a mode
    # bit must not refuse every inline token there.
    config = load_on_windows(write(tmp_path, f'[profiles.p]\ntoken = "{SECRET}"\n', 0o666))
    assert resolve(config, env={}).token == SECRET


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_file_without_inline_token_may_be_world_readable(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_env = "T"\n', mode=0o644)
    assert config.profiles["p"].token_env == "T"


# --- profile choice -----------------------------------------------------------------------------------------------


TWO = """
default_profile = "b"
[profiles.a]
url = "a.example.com"
[profiles.b]
url = "b.example.com"
[profiles.c]
url = "c.example.com"
"""


def test_profile_flag_beats_env_beats_default_profile(tmp_path: Path) -> None:
    config = load(tmp_path, TWO)
    assert resolve(config, Flags(profile="a"), {"CASATUI_PROFILE": "c"}).profile == "a"
    assert resolve(config, Flags(), {"CASATUI_PROFILE": "c"}).profile == "c"
    assert resolve(config, Flags(), {}).profile == "b"
    assert resolve(config, Flags(), {}).url == "https://b.example.com/api/v1"


def test_empty_profile_env_counts_as_unset(tmp_path: Path) -> None:
    assert resolve(load(tmp_path, TWO), env={"CASATUI_PROFILE": ""}).profile == "b"


def test_the_only_profile_is_chosen(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.solo]\nurl = "solo.example.com"\n')
    resolved = resolve(config, env={})
    assert resolved.profile == "solo"
    assert resolved.url == "https://solo.example.com/api/v1"


def test_several_profiles_and_no_choice_give_the_builtin_default(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.a]\nurl = "a.example.com"\n[profiles.b]\nurl = "b.example.com"\n')
    resolved = resolve(config, env={})
    assert resolved.profile == "default"
    assert resolved.url == "https://api.cloudcasa.io/api/v1"


def test_a_profile_named_default_is_used_when_none_chosen(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.a]\nurl = "a.example.com"\n[profiles.default]\nurl = "d.example.com"\n')
    assert resolve(config, env={}).url == "https://d.example.com/api/v1"


def test_no_file_gives_the_builtin_default(tmp_path: Path) -> None:
    resolved = resolve(Config(), env={})
    assert resolved.profile == "default"
    assert resolved.url == "https://api.cloudcasa.io/api/v1"
    assert resolved.token == "" and resolved.token_source.kind == "none"
    assert resolved.read_only is False and resolved.protected is False
    assert resolved.verify is True and resolved.allow_http is False
    assert resolved.timeouts == Timeouts()
    assert resolved.theme is None and resolved.auto_refresh_seconds == 10.0
    assert resolved.columns == {} and resolved.sort == {}


@pytest.mark.parametrize(
    ("flags", "env", "origin"),
    [
        (Flags(profile="zzz"), {}, "--profile"),
        (Flags(), {"CASATUI_PROFILE": "zzz"}, "$CASATUI_PROFILE"),
    ],
)
def test_unknown_profile_lists_the_known_ones(tmp_path: Path, flags: Flags, env: dict[str, str], origin: str) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(load(tmp_path, TWO), flags, env)
    message = str(caught.value)
    assert "'zzz'" in message and origin in message
    assert "known profiles: a, b, c" in message


def test_default_profile_naming_nothing_is_an_error(tmp_path: Path) -> None:
    config = load(tmp_path, 'default_profile = "nope"\n[profiles.a]\n')
    with pytest.raises(ConfigError, match=r"default_profile.*'nope'.*known profiles: a"):
        resolve(config, env={})
    assert resolve(config, Flags(profile="a"), {}).profile == "a"  # a choice above it still works


def test_unknown_profile_without_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no config file.*known profiles: none"):
        resolve(Config(), Flags(profile="prod"), {})


# --- URL -----------------------------------------------------------------------------------------------------------


URL_FILE = '[profiles.p]\nurl = "profile.example.com"\n'


def test_url_flag_beats_env_beats_profile_beats_default(tmp_path: Path) -> None:
    config = load(tmp_path, URL_FILE)
    env = {"CLOUDCASA_URL": "env.example.com"}
    assert resolve(config, Flags(url="flag.example.com/api"), env).url == "https://flag.example.com/api/v1"
    assert resolve(config, Flags(), env).url == "https://env.example.com/api/v1"
    assert resolve(config, Flags(), {}).url == "https://profile.example.com/api/v1"
    assert resolve(Config(), Flags(), {}).url == "https://api.cloudcasa.io/api/v1"


def test_empty_url_env_counts_as_unset(tmp_path: Path) -> None:
    assert resolve(load(tmp_path, URL_FILE), env={"CLOUDCASA_URL": ""}).url == "https://profile.example.com/api/v1"


def test_plain_http_refused_unless_allowed(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\nurl = "http://cc.example.com"\n')
    with pytest.raises(ConfigError, match="profile p: url: Refusing plain http"):
        resolve(config, env={})
    assert resolve(config, Flags(allow_http=True), {}).url == "http://cc.example.com/api/v1"
    assert resolve(Config(), Flags(url="http://127.0.0.1:8080"), {}).url == "http://127.0.0.1:8080/api/v1"


def test_allow_http_flag_beats_profile(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\nurl = "http://cc.example.com"\nallow_http = true\n')
    assert resolve(config, env={}).allow_http is True
    with pytest.raises(ConfigError, match="http"):
        resolve(config, Flags(allow_http=False), {})


def test_bad_url_from_env_names_its_origin() -> None:
    with pytest.raises(ConfigError, match=r"^\$CLOUDCASA_URL: .*ftp"):
        resolve(Config(), env={"CLOUDCASA_URL": "ftp://x.example.com"})


def test_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(Config(), Flags(url=f"https://user:{SECRET}@x.example.com"), {})
    assert SECRET not in str(caught.value)


# --- tokens ----------------------------------------------------------------------------------------------------------


def test_token_from_profile_env_var(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.prod]\ntoken_env = "CC_PROD_TOKEN"\n')
    resolved = resolve(config, env={"CC_PROD_TOKEN": f" {SECRET}\n"})
    assert resolved.token == SECRET
    assert resolved.token_source == TokenSource("env", "$CC_PROD_TOKEN")
    assert resolved.describe_auth() == "Profile prod; the token comes from $CC_PROD_TOKEN."


@pytest.mark.parametrize("env", [{}, {"CC_PROD_TOKEN": ""}, {"CC_PROD_TOKEN": "  "}])
def test_token_env_unset_or_empty_is_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    config = load(tmp_path, '[profiles.prod]\ntoken_env = "CC_PROD_TOKEN"\n')
    with pytest.raises(ConfigError, match=r"profile prod: \$CC_PROD_TOKEN is not set"):
        resolve(config, env=env)


def test_cloudcasa_api_token_beats_every_profile_source(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.prod]\ntoken_command = ["false"]\n')
    runner = fake_runner(stdout="from-command")
    resolved = resolve(config, env={"CLOUDCASA_API_TOKEN": SECRET}, run_command=runner)
    assert resolved.token == SECRET
    assert resolved.token_source.kind == "flag-env"
    assert resolved.token_source.detail.startswith("$CLOUDCASA_API_TOKEN")
    assert "overrides the profile's token_command" in resolved.describe_auth()
    assert runner.calls == []  # the command is not run at all


def test_cloudcasa_api_token_beats_an_unset_token_env(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.prod]\ntoken_env = "CC_PROD_TOKEN"\n')
    assert resolve(config, env={"CLOUDCASA_API_TOKEN": SECRET}).token == SECRET


def test_cloudcasa_api_token_without_profile() -> None:
    resolved = resolve(Config(), env={"CLOUDCASA_API_TOKEN": SECRET})
    assert resolved.token_source == TokenSource("flag-env", "$CLOUDCASA_API_TOKEN")
    assert resolved.describe_auth() == "Profile default; the token comes from $CLOUDCASA_API_TOKEN."


def test_empty_cloudcasa_api_token_falls_through_to_the_profile(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.prod]\ntoken_env = "CC_PROD_TOKEN"\n')
    resolved = resolve(config, env={"CLOUDCASA_API_TOKEN": "", "CC_PROD_TOKEN": SECRET})
    assert resolved.token_source.kind == "env"


def test_no_token_is_not_an_error() -> None:
    resolved = resolve(Config(), env={})
    assert resolved.token == ""
    assert resolved.token_source == TokenSource("none", "")
    assert "CLOUDCASA_API_TOKEN" in resolved.describe_auth()


def test_token_with_a_control_character_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="control character") as caught:
        resolve(Config(), env={"CLOUDCASA_API_TOKEN": f"{SECRET}\nX-Evil: 1"})
    assert SECRET not in str(caught.value)


def secret_file(tmp_path: Path) -> str:
    path = tmp_path / "secret.txt"
    path.write_text(f"  {SECRET}  \n")
    return str(path)


def test_token_from_a_real_command(tmp_path: Path) -> None:
    code = f"print(open({secret_file(tmp_path)!r}).read())"
    path = write(tmp_path, f"[profiles.p]\ntoken_command = [{PY!r}, '-c', {code!r}]\n")
    resolved = resolve(load_config(path, env={}), env={})
    assert resolved.token == SECRET
    assert resolved.token_source.kind == "command"
    assert resolved.token_source.detail == f"command `{PY} -c {shlex.quote(code)}`"
    assert SECRET not in resolved.describe_auth()


def test_command_token_is_the_first_line(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_command = ["pass", "show", "cc"]\n')
    runner = fake_runner(stdout=f"\n{SECRET}\nlogin: me\nurl: x\n")
    assert resolve(config, env={}, run_command=runner).token == SECRET
    assert runner.calls == [["pass", "show", "cc"]]


def test_failing_command_reports_status_and_stderr_never_stdout(tmp_path: Path) -> None:
    code = (
        f"import sys; print(open({secret_file(tmp_path)!r}).read()); "
        "print('\\ndenied\\nsecond line', file=sys.stderr); sys.exit(3)"
    )
    path = write(tmp_path, f"[profiles.p]\ntoken_command = [{PY!r}, '-c', {code!r}]\n")
    with pytest.raises(ConfigError) as caught:
        resolve(load_config(path, env={}), env={})
    message = str(caught.value)
    assert message.startswith("profile p: token_command `")
    assert message.endswith("failed with exit status 3: denied")
    assert SECRET not in message
    assert caught.value.__cause__ is None


def test_failing_command_with_secret_only_on_stdout(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_command = ["get-token"]\n')
    with pytest.raises(ConfigError) as caught:
        resolve(config, env={}, run_command=fake_runner(stdout=SECRET[:10], stderr="denied", returncode=3))
    assert str(caught.value) == "profile p: token_command `get-token` failed with exit status 3: denied"


def test_failing_command_with_nothing_on_stderr(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_command = ["get-token"]\n')
    with pytest.raises(ConfigError, match=r"exit status 1 \(nothing on stderr\)"):
        resolve(config, env={}, run_command=fake_runner(returncode=1))


def test_missing_executable(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-token-helper")
    config = load(tmp_path, f"[profiles.p]\ntoken_command = [{missing!r}, 'x']\n")
    with pytest.raises(ConfigError, match="could not start") as caught:
        resolve(config, env={})
    assert "no-such-token-helper" in str(caught.value)
    assert caught.value.__cause__ is None


def test_command_timeout_with_a_real_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "COMMAND_TIMEOUT", 0.3)
    config = load(tmp_path, f"[profiles.p]\ntoken_command = [{PY!r}, '-c', 'import time; time.sleep(10)']\n")
    with pytest.raises(ConfigError, match=r"did not finish within 0.3 s"):
        resolve(config, env={})


def test_command_timeout_with_a_fake_runner(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_command = ["slow"]\n')
    runner = fake_runner(exc=subprocess.TimeoutExpired(["slow"], 20, output=SECRET))
    with pytest.raises(ConfigError, match="did not finish within 20 s") as caught:
        resolve(config, env={}, run_command=runner)
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("stdout", ["", "  \n\n", "\n"])
def test_command_with_empty_output(tmp_path: Path, stdout: str) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_command = ["get-token"]\n')
    with pytest.raises(ConfigError, match="printed no token"):
        resolve(config, env={}, run_command=fake_runner(stdout=stdout))


def test_command_is_run_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    config = load(tmp_path, f"[profiles.p]\ntoken_command = [{PY!r}, '-c', 'print(1)', '; touch {marker}']\n")
    assert resolve(config, env={}).token == "1"
    assert not marker.exists()


# --- the token never leaks --------------------------------------------------------------------------------------


def test_token_not_in_reprs_or_descriptions(tmp_path: Path) -> None:
    config = load(tmp_path, f'[profiles.p]\ntoken = "{SECRET}"\n')
    assert SECRET not in repr(config.profiles["p"])
    assert SECRET not in repr(config)
    resolved = resolve(config, env={})
    assert resolved.token == SECRET
    for text in (repr(resolved), str(resolved), resolved.describe_auth(), resolved.token_source.describe()):
        assert SECRET not in text
    from_env = resolve(Config(), env={"CLOUDCASA_API_TOKEN": SECRET})
    assert SECRET not in repr(from_env) and SECRET not in from_env.describe_auth()
    assert SECRET not in repr(Profile("x", token=SECRET))


def test_wrong_type_of_inline_token_is_not_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, "[profiles.p]\ntoken = 987654321987\n")
    assert "987654321987" not in str(caught.value)
    assert "token must be a string" in str(caught.value)


# --- read_only, protected, TLS -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "env", "profile", "expected"),
    [
        (None, None, None, False),
        (None, None, "true", True),
        (None, "1", "false", True),
        (None, "0", "true", False),
        (True, "0", "false", True),
        (False, "1", "true", False),
        (None, "yes", None, True),
        (None, "", "true", True),  # empty env counts as unset
    ],
)
def test_read_only_precedence(tmp_path: Path, flag: bool | None, env: str | None, profile: str | None, expected: bool):
    config = load(tmp_path, "[profiles.p]\n" + (f"read_only = {profile}\n" if profile else ""))
    environ = {} if env is None else {"CASATUI_READ_ONLY": env}
    assert resolve(config, Flags(read_only=flag), environ).read_only is expected


@pytest.mark.parametrize(
    ("env", "profile", "expected"),
    [(None, None, False), (None, "true", True), ("1", "false", True), ("off", "true", False)],
)
def test_protected_precedence(tmp_path: Path, env: str | None, profile: str | None, expected: bool) -> None:
    config = load(tmp_path, "[profiles.p]\n" + (f"protected = {profile}\n" if profile else ""))
    environ = {} if env is None else {"CASATUI_PROTECTED": env}
    assert resolve(config, env=environ).protected is expected


def test_bad_boolean_env_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"\$CASATUI_READ_ONLY must be 1 or 0"):
        resolve(Config(), env={"CASATUI_READ_ONLY": "maybe"})


def test_insecure_precedence(tmp_path: Path) -> None:
    config = load(tmp_path, "[profiles.p]\ninsecure = true\n")
    assert resolve(config, env={}).verify is False
    assert resolve(config, Flags(insecure=False), {}).verify is True
    assert resolve(Config(), Flags(insecure=True), {}).verify is False
    assert resolve(Config(), env={}).verify is True


def _ca_bundle(path: Path) -> Path:
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


def test_ca_cert_from_profile_and_flag(tmp_path: Path) -> None:
    ca = _ca_bundle(tmp_path / "ca.pem")
    other = _ca_bundle(tmp_path / "other.pem")
    config = load(tmp_path, f"[profiles.p]\nca_cert = {str(ca)!r}\n")
    assert resolve(config, env={}).verify == str(ca)
    assert resolve(config, Flags(ca_cert=str(other)), {}).verify == str(other)
    assert resolve(config, Flags(insecure=True), {}).verify is False  # --insecure beats a profile's CA


def test_relative_ca_cert_is_relative_to_the_config_file(tmp_path: Path) -> None:
    _ca_bundle(tmp_path / "ca.pem")
    config = load(tmp_path, '[profiles.p]\nca_cert = "ca.pem"\n')
    assert resolve(config, env={}).verify == str(tmp_path / "ca.pem")


def test_ca_cert_flag_beats_profile_insecure(tmp_path: Path) -> None:
    ca = _ca_bundle(tmp_path / "ca.pem")
    config = load(tmp_path, "[profiles.p]\ninsecure = true\n")
    assert resolve(config, Flags(ca_cert=str(ca)), {}).verify == str(ca)
    with pytest.raises(ConfigError, match="contradict"):
        resolve(config, Flags(ca_cert=str(ca), insecure=True), {})


def test_missing_ca_cert_is_an_error(tmp_path: Path) -> None:
    config = load(tmp_path, f"[profiles.p]\nca_cert = {str(tmp_path / 'nope.pem')!r}\n")
    with pytest.raises(ConfigError, match=r"nope\.pem does not exist"):
        resolve(config, env={})
    with pytest.raises(ConfigError, match="--ca-cert"):
        resolve(Config(), Flags(ca_cert=str(tmp_path / "gone.pem")), {})


def test_a_ca_cert_that_holds_no_certificate_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a certificate\n-----END PRIVATE KEY-----\n")
    config = load(tmp_path, '[profiles.p]\nca_cert = "key.pem"\n')
    with pytest.raises(ConfigError, match=r"ca_cert in .*config.*key\.pem is not a PEM bundle of CA certificates"):
        resolve(config, env={})
    with pytest.raises(ConfigError, match=r"--ca-cert: .*key\.pem is not a PEM bundle"):
        resolve(Config(), Flags(ca_cert=str(tmp_path / "key.pem")), {})


# --- timeouts and UI settings ----------------------------------------------------------------------------------------


def test_timeouts_from_profile_or_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, "[profiles.p]\nconnect_timeout = 2\n")
    assert resolve(config, env={}).timeouts == Timeouts(connect=2.0, read=Timeouts().read)
    config = load(tmp_path, "[profiles.p]\nread_timeout = 90.5\n")
    assert resolve(config, env={}).timeouts == Timeouts(connect=Timeouts().connect, read=90.5)


UI = """
[ui]
theme = "textual-dark"
auto_refresh_seconds = 10
[ui.columns]
jobs = ["display_name", "state"]
kubeclusters = ["name"]
[ui.sort]
jobs = "-start_time"
policies = "name"
[profiles.plain]
[profiles.own]
theme = "nord"
auto_refresh_seconds = 2.5
[profiles.own.columns]
jobs = ["name"]
[profiles.own.sort]
jobs = "start_time"
"""


def test_ui_defaults_apply_to_a_profile_without_overrides(tmp_path: Path) -> None:
    resolved = resolve(load(tmp_path, UI), Flags(profile="plain"), {})
    assert resolved.theme == "textual-dark"
    assert resolved.auto_refresh_seconds == 10.0
    assert resolved.columns == {"jobs": ["display_name", "state"], "kubeclusters": ["name"]}
    assert resolved.sort == {"jobs": "-start_time", "policies": "name"}


def test_profile_ui_settings_win_and_merge_per_resource(tmp_path: Path) -> None:
    resolved = resolve(load(tmp_path, UI), Flags(profile="own"), {})
    assert resolved.theme == "nord"
    assert resolved.auto_refresh_seconds == 2.5
    assert resolved.columns == {"jobs": ["name"], "kubeclusters": ["name"]}
    assert resolved.sort == {"jobs": "start_time", "policies": "name"}


def test_resolved_is_frozen_and_flags_default_to_none() -> None:
    resolved = resolve(Config(), env={})
    assert isinstance(resolved, Resolved)
    with pytest.raises(AttributeError):
        resolved.url = "x"  # type: ignore[misc]
    assert Flags() == Flags(None, None, None, None, None, None)


def test_resolve_does_not_touch_the_environment_it_was_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDCASA_API_TOKEN", "from-the-real-environment")
    assert resolve(Config(), env={}).token == ""


# --- layers ----------------------------------------------------------------------------------------------------


def test_importing_config_does_not_import_textual() -> None:
    result = subprocess.run(
        [PY, "-c", "import casatui.config, sys; print('textual' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


# --- each setting declared once --------------------------------------------------------------------------------------


def test_every_setting_is_described_and_has_a_toml_type() -> None:
    from casatui.config import ColumnTable, settings

    kinds = {"string", "boolean", "number", "integer", "table", "command"}
    for table in (Config, UiDefaults, Profile, ColumnTable):
        assert settings(table), table
        for key, setting in settings(table).items():
            assert setting.doc.strip() and setting.kind in kinds, (table.__name__, key)


def test_the_tables_of_keys_come_from_the_dataclasses() -> None:
    from casatui.config import ColumnTable, settings, token_keys

    assert list(settings(Config)) == ["default_profile", "profiles", "ui", "aliases", "keys", "themes"]  # not `path`
    assert list(settings(UiDefaults)) == ["theme", "auto_refresh_seconds", "columns", "sort", "external_editor"]
    assert set(settings(Profile)) == set(settings(UiDefaults)) | {
        "url", "token_env", "token_command", "token_keyring", "token", "read_only", "protected", "trust_api_docs",
        "ca_cert", "insecure", "allow_http", "connect_timeout", "read_timeout",
    }  # fmt: skip
    assert token_keys() == ["token_env", "token_command", "token_keyring", "token"]
    kinds = {key: setting.kind for key, setting in settings(Profile).items()}
    assert kinds["read_only"] == "boolean" and kinds["read_timeout"] == "number" and kinds["columns"] == "table"
    assert kinds["token_command"] == "command" and kinds["url"] == "string"
    assert settings(ColumnTable)["width"].kind == "integer" and settings(ColumnTable)["width"].range == (
        1,
        1000,
        "cells",
    )


def test_a_column_table_names_only_what_a_column_has() -> None:
    from dataclasses import fields

    from casatui.config import ColumnTable, settings
    from casatui.core.columns import Column

    assert set(settings(ColumnTable)) <= {item.name for item in fields(Column)}


def test_a_new_setting_is_checked_from_its_declaration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A setting is a field: declaring one is all it takes for the file to accept it and check its type and range.
    from dataclasses import dataclass

    from casatui.config import setting, settings

    @dataclass(kw_only=True)
    class WithPageSize(UiDefaults):
        page_size: int | None = setting("rows a page asks for", range=(1, 500, "rows"))

    monkeypatch.setattr(config_module, "UiDefaults", WithPageSize)
    assert load(tmp_path, "[ui]\npage_size = 200\n").ui == WithPageSize(page_size=200)
    with pytest.raises(ConfigError, match=r"\[ui\]: page_size must be from 1 to 500 rows \(found 501\)"):
        load(tmp_path, "[ui]\npage_size = 501\n")
    with pytest.raises(ConfigError, match=r"page_size must be an integer \(found a TOML string\)"):
        load(tmp_path, '[ui]\npage_size = "all"\n')
    assert "page_size" in settings(WithPageSize)


def test_trusting_the_servers_api_document_is_the_default_and_can_be_turned_off(tmp_path: Path) -> None:
    config = load(
        tmp_path, '[profiles.a]\nurl = "a.example.com"\n[profiles.b]\nurl = "b.example.com"\ntrust_api_docs = false\n'
    )
    assert resolve(config, Flags(profile="a"), env={}).trust_api_docs is True
    assert resolve(config, Flags(profile="b"), env={}).trust_api_docs is False
    assert resolve(config, Flags(profile="a", trust_api_docs=False), env={}).trust_api_docs is False
    with pytest.raises(ConfigError, match="trust_api_docs"):
        load(tmp_path, '[profiles.a]\ntrust_api_docs = "no"\n')


def test_keys_and_themes_are_read_at_the_top_level_and_named_as_textual_names_them(tmp_path: Path) -> None:
    from casatui.config import ThemeTable

    path = write(
        tmp_path,
        """
        [keys]
        "explorer.edit" = "E"
        "app.help" = "f1, ?"
        "explorer.refresh" = "shift+ctrl+r"
        [themes.paper]
        primary = "#7a3e9d"
        background = "rgb(244, 241, 234)"
        dark = false
        variables = { "footer-key-foreground" = "#7a3e9d" }
        [profiles.p]
        theme = "paper"
        """,
    )
    config = load_config(path)
    assert config.keys == {"explorer.edit": "E", "app.help": "f1,question_mark", "explorer.refresh": "ctrl+shift+r"}
    assert config.themes == {
        "paper": ThemeTable(
            primary="#7a3e9d",
            background="rgb(244, 241, 234)",
            dark=False,
            variables={"footer-key-foreground": "#7a3e9d"},
        )
    }
    resolved = resolve(config, env={})
    assert resolved.theme == "paper" and resolved.keys == config.keys and resolved.themes == config.themes


def test_the_app_accepts_a_theme_of_the_file_and_a_keymap_without_conflict(tmp_path: Path) -> None:
    from casatui.cli import check_ui_settings

    path = write(
        tmp_path,
        """
        [keys]
        "explorer.edit" = "r"
        "explorer.refresh" = "e"
        "log.close" = "escape,q"
        [themes.paper]
        primary = "#7a3e9d"
        [ui]
        theme = "paper"
        [profiles.p]
        theme = "nord"
        """,
    )
    assert check_ui_settings(load_config(path)) is None  # swapped keys, and the registry's own q overlap kept
