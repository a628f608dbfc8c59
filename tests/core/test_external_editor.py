"""The file an external editor edits, the command that opens it, and casatui's notes at its top."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casatui.config import split_command
from casatui.core.editing import parse_buffer
from casatui.core.external_editor import EditFile, annotated, editor_command, without_notes


def test_the_editor_is_casatuis_then_the_usual_one_split_as_a_shell_would() -> None:
    assert editor_command({"CASATUI_EDITOR": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"CASATUI_EDITOR": " ", "EDITOR": "'/opt/my editor/bin/ed' -q"}) == [
        "/opt/my editor/bin/ed",
        "-q",
    ]
    assert editor_command({}) == ["vi"]


def test_visual_comes_between_casatuis_own_variable_and_editor() -> None:
    assert editor_command({"VISUAL": "emacsclient -t", "EDITOR": "nano"}) == ["emacsclient", "-t"]
    assert editor_command({"CASATUI_EDITOR": "hx", "VISUAL": "emacsclient -t", "EDITOR": "nano"}) == ["hx"]
    assert editor_command({"VISUAL": "", "EDITOR": "nano"}) == ["nano"]


def on_windows(editor: str) -> list[str]:
    """`editor_command` on the branch Windows takes (os.name only for the call: pathlib and pytest read it too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "name", "nt")
        return editor_command({"EDITOR": editor})


def test_on_windows_the_editor_command_keeps_its_backslashes() -> None:
    # shlex.split would make the first C:toolsvimgvim.exe
    assert on_windows(r"C:\tools\vim\gvim.exe -f") == [r"C:\tools\vim\gvim.exe", "-f"]
    assert on_windows(r'"C:\Program Files\Microsoft VS Code\Code.exe" --wait') == [
        r"C:\Program Files\Microsoft VS Code\Code.exe",
        "--wait",
    ]
    assert on_windows(r'notepad "a \"quoted\" name" "" \\server\share\x') == [
        "notepad",
        'a "quoted" name',
        "",
        r"\\server\share\x",
    ]
    with pytest.raises(ValueError, match=r"\$EDITOR cannot be read as a command \(No closing quotation\)"):
        on_windows(r'"C:\Program Files\ed.exe')


@given(st.lists(st.text(st.characters(exclude_characters="\x00")), min_size=1, max_size=5))
def test_windows_splitting_undoes_what_subprocess_joins(argv: list[str]) -> None:
    # subprocess joins a list for Windows with list2cmdline, by the rules its programs split a command line by
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "name", "nt")
        words = split_command(subprocess.list2cmdline(argv))
    assert words == argv


def test_notes_are_removed_and_the_users_line_numbers_kept() -> None:
    text = '{\n  "a": 1\n  "b": 2\n}\n'
    noted = annotated(["first problem", "a value\non two lines"], text)
    assert noted.splitlines()[:3] == ["// casatui: first problem", "// casatui: a value", "// casatui: on two lines"]
    assert without_notes(noted) == text
    assert without_notes("  // casatui: moved by the user\n" + text + "// casatui: at the end") == text
    problem = parse_buffer(without_notes(noted))
    assert not isinstance(problem, dict) and (problem.line, problem.column) == (3, 3)  # as in the user's text
    assert without_notes('{"url": "http://x // casatui: y"}') == '{"url": "http://x // casatui: y"}'


def test_the_file_is_private_and_never_written_through_a_link(tmp_path: Path) -> None:
    file = EditFile.create("kubebackups-../../etc/passwd", '{"a": 1}\n', directory=str(tmp_path))
    assert file.path.parent.parent == tmp_path and file.path.name == "kubebackups-..-..-etc-passwd.json"
    assert stat.S_IMODE(os.lstat(file.path).st_mode) == 0o600
    assert stat.S_IMODE(os.lstat(file.path.parent).st_mode) == 0o700
    target = tmp_path / "elsewhere"
    target.write_text("untouched")
    file.path.unlink()
    file.path.symlink_to(target)  # planted where the file was
    file.replace('{"a": 2}\n')
    assert target.read_text() == "untouched" and not file.path.is_symlink()
    assert json.loads(file.read()) == {"a": 2}
    file.remove()
    assert not file.path.parent.exists()
