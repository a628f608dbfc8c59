"""Habits from kubectl, k9s and gh, as a user meets them on the command line, over real HTTP: aliases of collections
(`casatui get kb`), `--config FILE` and `-p`, what `casatui info` says, and the token kept in the OS keyring (through
a keyring backend of the test's own, chosen with keyring's own $PYTHON_KEYRING_BACKEND)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from casatui.core.aliases import SHORT_NAMES
from casatui.demo import DemoServer

from .run import casatui, environment, get, no_secret_nor_escape
from .test_completion import bash_complete, candidates, keep

CLOSED = "http://127.0.0.1:9/api/v1"  # nothing listens there


def names(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


# --- aliases ---------------------------------------------------------------------------------------------------------


def test_built_in_and_user_aliases_name_collections(demo: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[aliases]\nmine = "policies"\nko = "kuberestores"\n')
    by_alias = names(get(demo, tmp_path, "kb", "--all", "-o", "name"))
    assert by_alias and by_alias == names(get(demo, tmp_path, "kubebackups", "--all", "-o", "name"))
    assert names(get(demo, tmp_path, "mine", "--all", "-o", "name")) == names(
        get(demo, tmp_path, "policies", "--all", "-o", "name")
    )
    # The user's ko wins over the built-in one (kubeoffloads).
    restores = names(get(demo, tmp_path, "kuberestores", "--all", "-o", "name"))
    assert names(get(demo, tmp_path, "ko", "--all", "-o", "name")) == restores
    assert restores != names(get(demo, tmp_path, "kubeoffloads", "--all", "-o", "name"))
    policy = names(get(demo, tmp_path, "pol", "-o", "name"))[0]
    described = casatui("describe", "pol", policy, tmp=tmp_path, root=demo.api_root, token=demo.token)
    assert described.returncode == 0 and policy in described.stdout, described.stderr


def test_an_alias_of_a_collection_the_server_lacks_is_said_with_why(demo: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[aliases]\ngone = "nosuchthing"\n')
    built_in = get(demo, tmp_path, "eks")  # awseksclusters: not a collection of the demo
    assert built_in.returncode == 2 and built_in.stdout == ""
    assert built_in.stderr.splitlines() == [
        "casatui: The server's API document has no collection 'eks' (eks: it is the built-in short name of "
        "awseksclusters, which the server's API document does not have)"
    ]
    mine = get(demo, tmp_path, "gone")
    assert mine.returncode == 2 and len(mine.stderr.splitlines()) == 1
    assert f"(gone: {tmp_path / 'config.toml'}: [aliases] makes it nosuchthing, which the server's" in mine.stderr
    # An alias nothing names is never a problem.
    assert names(get(demo, tmp_path, "kb", "--limit", "1", "-o", "name"))


def test_a_near_miss_suggests_aliases_too(demo: DemoServer, tmp_path: Path) -> None:
    result = get(demo, tmp_path, "kbb")
    assert result.returncode == 2 and "(did you mean kb" in result.stderr, result.stderr


def test_completion_offers_the_aliases_of_the_collections_it_offers(tmp_path: Path) -> None:
    root = "https://cc.example.com/api/v1"
    (tmp_path / "config.toml").write_text(f'[aliases]\nmine = "policies"\ngone = "nosuchthing"\n'
                                          f'[profiles.p]\nurl = "{root}"\n')  # fmt: skip
    keep(tmp_path, root, "jobs", "policies", "kubeclusters")
    offered = bash_complete(tmp_path, "get", "")
    assert offered == ["jobs", "kubeclusters", "policies", "cl", "job", "mine", "pol"]
    assert "kb" not in offered and "gone" not in offered  # (kubebackups is not in the kept document)
    assert candidates(tmp_path, "zsh", "get", "m") == ["-", "mine:policies"]
    assert set(SHORT_NAMES) >= {"cl", "job", "pol"}


# --- --config and -p -------------------------------------------------------------------------------------------------


def test_config_and_p_choose_the_file_and_the_profile(demo: DemoServer, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(f'[profiles.lab]\nurl = "{demo.api_root}"\ntoken_env = "LAB_TOKEN"\n[profiles.prod]\n')
    (tmp_path / "config.toml").write_text("this is not TOML = = =\n")  # $CASATUI_CONFIG's: --config wins over it
    result = casatui("--config", str(other), "-p", "lab", "get", "jobs", "--limit", "2", "-o", "name", tmp=tmp_path,
                     env={"LAB_TOKEN": demo.token})  # fmt: skip
    assert len(names(result)) == 2
    info = casatui("info", "-o", "json", "-p", "lab", "--config", str(other), tmp=tmp_path, env={"LAB_TOKEN": "x"})
    facts = json.loads(info.stdout)
    assert facts["config_file"] == str(other) and facts["profile"] == "lab" and facts["api_root"] == demo.api_root
    assert bash_complete(tmp_path, "--config", str(other), "--profile", "") == ["lab", "prod"]


def test_a_missing_or_unreadable_config_file_is_one_line(tmp_path: Path) -> None:
    missing = casatui("--config", str(tmp_path / "nope.toml"), "get", "jobs", tmp=tmp_path, root=CLOSED, token="t-1")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.splitlines() == [
        f"casatui: --config names {tmp_path / 'nope.toml'}, which does not exist: create it or correct the path"
    ]
    for args in (("--config", str(tmp_path)), ("--config", "")):  # a directory; nothing
        result = casatui(*args, tmp=tmp_path, root=CLOSED, token="t-1")  # the TUI: stopped before any screen
        assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1, result
    assert "cannot be read" in casatui("--config", str(tmp_path), "info", tmp=tmp_path).stderr


# --- info ------------------------------------------------------------------------------------------------------------


def test_info_says_the_files_the_editor_and_where_the_token_comes_from(demo: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[ui]\nexternal_editor = true\n[aliases]\nmine = "policies"\ngone = "x"\n')
    env = {"CASATUI_EDITOR": "hx --wait", "VISUAL": "emacs", "EDITOR": "nano"}
    result = casatui("info", "-o", "json", tmp=tmp_path, root=demo.api_root, token=demo.token, env=env)
    facts = json.loads(result.stdout)
    assert facts["state_dir"] == str(tmp_path / "state") and facts["drafts_dir"] == str(tmp_path / "state" / "drafts")
    assert facts["token_source"] == "environment" and facts["editor"] == "hx --wait"
    assert facts["external_editor"] is True and facts["aliases"] == {"mine": "policies", "gone": "x"}
    assert facts["alias_problems"] == []  # (no document kept yet: unknown, and info sends nothing)
    assert names(get(demo, tmp_path, "jobs", "--limit", "1", "-o", "name"))  # keeps the document
    text = casatui("info", tmp=tmp_path, root=demo.api_root, token=demo.token, env={**env, "CASATUI_EDITOR": ""})
    assert "editor: emacs\n" in text.stdout and "aliases: mine = policies, gone = x\n" in text.stdout
    assert "alias problems: " + f"{tmp_path / 'config.toml'}: [aliases]: gone = 'x': the server's" in text.stdout
    assert f"drafts dir: {tmp_path / 'state' / 'drafts'}\n" in text.stdout
    no_secret_nor_escape(text, demo.token)


def test_info_without_a_config_file_says_where_it_would_be(tmp_path: Path) -> None:
    env = environment(tmp_path)
    del env["CASATUI_CONFIG"]
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    result = subprocess.run([sys.executable, "-m", "casatui", "info"], capture_output=True, text=True, env=env,
                            timeout=60, stdin=subprocess.DEVNULL)  # fmt: skip
    expected = tmp_path / "xdg" / "casatui" / "config.toml"
    assert f"config file: none ({expected} does not exist" in result.stdout, result.stdout + result.stderr


# --- the token from the OS keyring ------------------------------------------------------------------------------------

BACKEND = '''
import json, os
from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    """Entries in the JSON file $TEST_KEYRING_FILE: {"service/user": "password"}."""

    priority = 1

    def get_password(self, service, username):
        with open(os.environ["TEST_KEYRING_FILE"], encoding="utf-8") as stream:
            return json.load(stream).get(f"{service}/{username}")

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError
'''


def keyring_env(tmp: Path, entries: dict[str, str]) -> dict[str, str]:
    (tmp / "backend").mkdir(exist_ok=True)
    (tmp / "backend" / "file_keyring.py").write_text(BACKEND)
    (tmp / "entries.json").write_text(json.dumps(entries))
    return {"PYTHONPATH": str(tmp / "backend"), "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
            "TEST_KEYRING_FILE": str(tmp / "entries.json")}  # fmt: skip


def test_the_token_kept_in_the_keyring_is_used_and_never_shown(demo: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f'[profiles.lab]\nurl = "{demo.api_root}"\ntoken_keyring = "cloudcasa/me"\n')
    env = keyring_env(tmp_path, {"cloudcasa/me": demo.token})
    assert len(names(casatui("-p", "lab", "get", "jobs", "--limit", "3", "-o", "name", tmp=tmp_path, env=env))) == 3
    info = casatui("info", tmp=tmp_path, env=env)
    assert "token source: keyring (token_keyring)\n" in info.stdout
    assert "the token comes from the keyring (service 'cloudcasa', user 'me')" in info.stdout
    no_secret_nor_escape(info, demo.token)
    wrong = keyring_env(tmp_path, {"cloudcasa/me": "not-the-token-0123"})
    refused = casatui("get", "jobs", tmp=tmp_path, env=wrong)  # the server says it, naming where the token came from
    assert refused.returncode == 7 and "keyring" in refused.stderr and "not-the-token-0123" not in refused.stderr


def test_a_missing_keyring_entry_stops_before_any_screen(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f'[profiles.lab]\nurl = "{CLOSED}"\ntoken_keyring = "cloudcasa/me"\n')
    env = keyring_env(tmp_path, {"cloudcasa/someone-else": "x"})
    for args in ((), ("get", "jobs")):  # the TUI, and a command
        result = casatui(*args, tmp=tmp_path, env=env)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.splitlines() == [
            "casatui: profile lab: token_keyring: the keyring has no password for service 'cloudcasa', user 'me': "
            "store it with `keyring set cloudcasa me`"
        ]


def test_without_the_keyring_package_the_app_stops_naming_the_extra(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f'[profiles.lab]\nurl = "{CLOSED}"\ntoken_keyring = "cloudcasa/me"\n')
    program = "import sys\nsys.modules['keyring'] = None\nfrom casatui.cli import main\nsys.exit(main([]))\n"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                            env=environment(tmp_path), stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "casatui: profile lab: token_keyring needs the keyring package: pip install 'casatui[keyring]'"
    ]


def test_resource_opens_the_collection_an_alias_names(demo: DemoServer, tmp_path: Path) -> None:
    from casatui.api.client import CasaClient
    from casatui.cli import start_collection
    from casatui.core.aliases import Aliases
    from casatui.core.session import Session, Settings

    (tmp_path / "state").mkdir(mode=0o700)
    settings = Settings(aliases=Aliases({"mine": "policies", "gone": "nosuchthing"}))
    session = Session(CasaClient(demo.api_root, demo.token), settings, state_dir=tmp_path / "state")
    # Nothing kept yet: the table says, as typed.
    assert [start_collection(session, name) for name in ("kb", "mine", "eks", "jobs")] == [
        "kubebackups", "policies", "awseksclusters", "jobs"
    ]  # fmt: skip
    assert names(get(demo, tmp_path, "jobs", "--limit", "1", "-o", "name"))  # a command keeps the document
    assert session.restore_catalog()
    assert [start_collection(session, name) for name in ("kb", "mine", "eks", "gone")] == [
        "kubebackups", "policies", "eks", "gone"
    ]  # fmt: skip
