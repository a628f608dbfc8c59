"""The README stays true: its keys table is the registry's, its pictures exist, its commands are the CI's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def between(marker: str) -> str:
    return README.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0].strip()


def test_the_keys_table_is_the_registrys() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from keys_table import keys_table

    assert between("keys") == keys_table()


def test_every_picture_exists() -> None:
    # Relative, or absolute into this repository (a package index shows the README away from its files)
    pictures = re.findall(r"\]\((?:https://[^)\s]+?/)?(screenshots/[^)]+)\)", README)
    assert len(pictures) >= 10
    for picture in pictures:
        assert (ROOT / picture).is_file(), picture


def test_the_two_commands_are_there() -> None:
    demo = between("demo-command").strip("`\n ")
    assert demo.startswith("python3 -m venv .venv && ") and demo.endswith("casatui --demo")  # its own environment
    assert between("test-command").strip("`\n ").startswith("python3 -m venv .venv && ")
    assert "python -m pytest" in between("test-command")
    assert "test-command" in (ROOT / ".ci" / "run").read_text()


def test_every_flag_of_the_command_is_documented() -> None:
    help_text = subprocess.run([sys.executable, "-m", "casatui", "--help"], capture_output=True, text=True).stdout
    for flag in set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}:
        assert flag in README, flag


def test_every_subcommand_and_its_flags_are_documented() -> None:
    from casatui.cli import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices  # type: ignore[attr-defined]
    assert len(commands) >= 10
    for name, parser in commands.items():
        assert f"casatui {name} " in README, name
        for action in parser._actions:  # a flag by one of its spellings (`-o` for `--output`)
            flags = [flag for flag in action.option_strings if flag not in ("-h", "--help")]
            if flags and action.help != "==SUPPRESS==":
                assert any(re.search(rf"{flag}\b", README) for flag in flags), f"{name} {flags}"
