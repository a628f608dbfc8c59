"""`casatui completion bash|zsh|fish`: each script, driven in its shell as a TAB would, and the candidates it asks
`casatui completion SHELL --words` for: subcommands, flags, choices, profiles from the config file, and collection
names from the API document kept at the last connection - without a request, and without running a token_command."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casatui.api.discovery import Catalog, ResourceType
from casatui.api.known import BUILTIN
from casatui.cli.formats import FORMATS
from casatui.core import catalog_cache
from casatui.core.aliases import SHORT_NAMES
from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from .run import get


def with_aliases(collections: list[str]) -> list[str]:
    """The collections, then the built-in short names of those among them (the candidates, in their order)."""
    short = sorted(alias for alias, target in SHORT_NAMES.items() if target in collections)
    return [*collections, *short]


SUBCOMMANDS = ["get", "describe", "edit", "apply", "delete", "run", "overview", "api-docs", "info", "completion"]


def environment(tmp: Path, **more: str) -> dict[str, str]:
    """The test's own config file and state directory, and a `casatui` on PATH that runs this checkout."""
    shim = tmp / "bin"
    shim.mkdir(exist_ok=True)
    program = shim / "casatui"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m casatui "$@"\n')
    program.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCASA_", "CASATUI_"))}
    env.update(CASATUI_CONFIG=str(tmp / "config.toml"), CASATUI_STATE_DIR=str(tmp / "state"))
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    env.update(more)
    (tmp / "config.toml").touch()
    return env


def script(shell: str, tmp: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "casatui", "completion", shell], capture_output=True, text=True,
                            env=environment(tmp), timeout=60, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 0 and result.stderr == "", result.stderr
    path = tmp / f"casatui.{shell}"
    path.write_text(result.stdout)
    return path


def bash_complete(tmp: Path, *words: str, **env: str) -> list[str]:
    """COMPREPLY after the completion function ran on `words`, the last being the word completed."""
    program = (
        f"source {script('bash', tmp)}\n"
        'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _casatui casatui "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", program, "bash", "casatui", *words],
                            capture_output=True, text=True, env=environment(tmp, **env), timeout=60)  # fmt: skip
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [line for line in result.stdout.splitlines() if line]


def candidates(tmp: Path, shell: str, *words: str, **env: str) -> list[str]:
    """What the script's call prints after its first line (`-`, or `files`)."""
    result = subprocess.run([sys.executable, "-m", "casatui", "completion", shell, "--words"],
                            input="".join(f"{word}\n" for word in ("casatui", *words)), capture_output=True,
                            text=True, env=environment(tmp, **env), timeout=60)  # fmt: skip
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.splitlines()


def write_config(tmp: Path, text: str) -> None:
    (tmp / "config.toml").write_text(text)
    (tmp / "config.toml").chmod(0o600)


def keep(tmp: Path, root: str, *names: str) -> None:
    """A document kept for `root`, written as a connection would have kept it."""
    resources = {name: ResourceType(name=name, title=name.title(), operations=frozenset({"list"})) for name in names}
    (tmp / "state").mkdir(mode=0o700, exist_ok=True)
    catalog_cache.save(tmp / "state", root, Catalog(resources, "server"))
    assert catalog_cache.names(tmp / "state", root) == list(names)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port that accepts connections and answers nothing: any request made to it shows as a pending connection."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        yield server


def nothing_connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return True
    return False


def test_bash_completes_subcommands_flags_and_choices_from_the_parser(tmp_path: Path) -> None:
    assert bash_complete(tmp_path, "") == SUBCOMMANDS
    assert bash_complete(tmp_path, "g") == ["get"]
    assert bash_complete(tmp_path, "get", "--al") == ["--all", "--allow-http"]
    assert bash_complete(tmp_path, "get", "--limit", "3", "--al") == ["--allow-http"]  # --all or --limit, not both
    assert bash_complete(tmp_path, "--read-only", "de") == ["describe", "delete"]
    assert bash_complete(tmp_path, "get", "jobs", "-o", "") == list(FORMATS)
    assert bash_complete(tmp_path, "run", "-o", "") == ["text", "json"]  # each command's own choices
    assert bash_complete(tmp_path, "get", "--output", "=", "js") == ["json", "jsonl"]  # bash splits at "="
    assert bash_complete(tmp_path, "completion", "") == ["bash", "zsh", "fish"]
    assert bash_complete(tmp_path, "describe", "--l") == ["--last", "--log-file"]
    assert bash_complete(tmp_path, "get", "jobs", "") == []  # a document's name would need a request


def test_bash_completes_profiles_from_the_config_file(tmp_path: Path) -> None:
    write_config(tmp_path, '[profiles.prod]\nurl = "cc.example.com"\n[profiles.lab]\n[profiles."two words"]\n')
    assert bash_complete(tmp_path, "--profile", "") == ["lab", "prod"]  # (a name the shell would split: left out)
    assert bash_complete(tmp_path, "get", "--profile", "p") == ["prod"]
    assert bash_complete(tmp_path, "--profile=") == ["--profile=lab", "--profile=prod"]  # COMP_WORDBREAKS without =


def test_collections_come_from_the_document_kept_by_a_command(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    assert get(server, tmp_path, "kubeclusters", "--limit", "1").returncode == 0  # connects, and keeps the document
    kept = catalog_cache.names(tmp_path / "state", server.api_root)
    assert kept is not None
    only_builtin = sorted(set(BUILTIN) - set(kept))
    assert kept and only_builtin  # (the two lists differ: which one was offered shows)
    write_config(tmp_path, f'[profiles.demo]\nurl = "{server.api_root}"\n')
    by_profile = bash_complete(tmp_path, "--profile", "demo", "get", "")
    assert by_profile == with_aliases(sorted(kept))
    assert bash_complete(tmp_path, "get", "--url", server.api_root, "") == with_aliases(sorted(kept))
    assert bash_complete(tmp_path, "--resource", "", CLOUDCASA_URL=server.api_root) == with_aliases(sorted(kept))
    assert bash_complete(tmp_path, "describe", "--url", server.api_root, only_builtin[0][:3]) == [
        name for name in sorted(kept) if name.startswith(only_builtin[0][:3])
    ]
    assert bash_complete(tmp_path, "get", "") == with_aliases(sorted(kept))  # (the only profile is the one used)
    # Another root has nothing kept: the built-in list of CloudCasa's collections.
    assert bash_complete(tmp_path, "--url", "cc.example.com", "get", "") == with_aliases(sorted(BUILTIN))


def test_completion_sends_nothing_and_runs_no_token_command(tmp_path: Path, listener: socket.socket) -> None:
    root = f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1"
    marker = tmp_path / "token-command-ran"
    write_config(tmp_path, f'default_profile = "quiet"\n[profiles.quiet]\nurl = "{root}"\n'
                           f'token_command = ["sh", "-c", "touch {marker}; echo secret"]\n')  # fmt: skip
    keep(tmp_path, root, "backupdefs", "jobs", "evil\x1b[2J", "rbac/permissions")
    assert bash_complete(tmp_path, "get", "") == ["backupdefs", "jobs", "job"]  # (no name a command would refuse)
    assert bash_complete(tmp_path, "--profile", "quiet", "delete", "b") == ["backupdefs"]
    assert candidates(tmp_path, "zsh", "get", "j") == ["-", "jobs", "job:jobs"]
    assert nothing_connected(listener)
    assert not marker.exists()
    # The same profile used by a command does connect and run the token command: the test can fail.
    subprocess.run([sys.executable, "-m", "casatui", "info"], env=environment(tmp_path), capture_output=True,
                   timeout=60, stdin=subprocess.DEVNULL)  # fmt: skip
    assert marker.exists()


def test_candidates_import_neither_httpx_nor_textual(tmp_path: Path) -> None:
    keep(tmp_path, "https://api.cloudcasa.io/api/v1", "kubeclusters")
    program = (
        "import sys\n"
        "from casatui.cli import main\n"
        "sys.argv = ['casatui', 'completion', 'bash', '--words']\n"
        "status = main()\n"
        "heavy = ('httpx', 'textual', 'rich', 'yaml', 'cronsim', 'cron_descriptor')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], input="casatui\nget\nk\n", capture_output=True,
                            text=True, env=environment(tmp_path), timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["-", "kubeclusters", "[]"]


def test_a_file_flag_asks_the_shell_for_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert candidates(tmp_path, "bash", "apply", "jobs", "-f", "") == ["files", ""]
    assert candidates(tmp_path, "fish", "--ca-cert=") == ["files", "--ca-cert="]
    (tmp_path / "backup.yaml").touch()
    monkeypatch.chdir(tmp_path)
    assert bash_complete(tmp_path, "apply", "jobs", "-f", "back") == ["backup.yaml"]
    assert bash_complete(tmp_path, "--log-file", "=", "back") == ["backup.yaml"]
    assert bash_complete(tmp_path, "--log-file=back") == ["--log-file=backup.yaml"]


def test_descriptions_for_zsh_and_fish(tmp_path: Path) -> None:
    fish = candidates(tmp_path, "fish", "ap")
    assert fish[0] == "-" and fish[1].startswith("apply\tcreate documents") and fish[2].startswith("api-docs\t")
    zsh = candidates(tmp_path, "zsh", "get", "--an")
    assert zsh == ["-", "--any-field:send a filter naming fields the server's schema lacks (else an error, exit 2)"]


def test_zsh_script_parses_and_registers(tmp_path: Path) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    path = script("zsh", tmp_path)
    assert subprocess.run(["zsh", "-n", str(path)], capture_output=True, timeout=60).returncode == 0
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "_casatui").write_text(path.read_text())
    init = "autoload -Uz compinit && compinit -u -D"
    for setup in (f"{init} && source {path}", f"fpath=({functions} $fpath) && {init}",
                  f"{init} && cd {functions} && source _casatui"):  # fmt: skip
        program = f"{setup} && print -r -- $_comps[casatui]"
        result = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=60,
                                env=environment(tmp_path))  # fmt: skip
        assert result.stdout.strip() == "_casatui", (setup, result.stderr)


def test_fish_script_parses_and_completes(tmp_path: Path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    path = script("fish", tmp_path)
    assert subprocess.run(["fish", "-n", str(path)], capture_output=True, timeout=60).returncode == 0
    write_config(tmp_path, "[profiles.prod]\n")

    def complete(line: str) -> list[str]:
        result = subprocess.run(["fish", "--no-config", "-c", f"source {path}; complete -C {line!r}"],
                                capture_output=True, text=True, timeout=60, env=environment(tmp_path))  # fmt: skip
        assert result.returncode == 0, result.stderr
        return [entry.split("\t")[0] for entry in result.stdout.splitlines()]

    assert complete("casatui g") == ["get"]
    assert complete("casatui get -o y") == ["yaml"]
    assert complete("casatui --profile ") == ["prod"]
    assert complete("casatui get --output=j") == ["--output=json", "--output=jsonl"]
    (tmp_path / "backup.yaml").touch()
    assert complete(f"casatui apply jobs -f {tmp_path}/back") == [f"{tmp_path}/backup.yaml"]
    assert complete(f"casatui --ca-cert={tmp_path}/back") == [f"--ca-cert={tmp_path}/backup.yaml"]
