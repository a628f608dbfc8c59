"""casatui.core.private_files: a file casatui writes is its owner's alone (0600) and is never written through a link."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casatui.core.private_files import UnsafeFileError, create_private, open_private

posix_only = pytest.mark.skipif(os.name == "nt", reason="permission bits and FIFOs are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim"
    path.write_text("precious\n")
    path.chmod(0o644)
    return path


@pytest.mark.parametrize("append", [True, False])
def test_a_symlink_to_a_file_is_refused_and_the_file_is_untouched(tmp_path: Path, victim: Path, append: bool) -> None:
    link = tmp_path / "casatui.log"
    link.symlink_to(victim)
    with pytest.raises(UnsafeFileError, match="is a symbolic link"):
        open_private(link, append=append)
    assert victim.read_text() == "precious\n" and mode(victim) == 0o644


@pytest.mark.parametrize("append", [True, False])
def test_a_dangling_symlink_is_refused_and_nothing_is_created(tmp_path: Path, append: bool) -> None:
    link = tmp_path / "last-curl.sh"
    link.symlink_to(tmp_path / "target")
    with pytest.raises(UnsafeFileError, match="is a symbolic link"):
        open_private(link, append=append)
    assert not (tmp_path / "target").exists()


@posix_only
@pytest.mark.parametrize("append", [True, False])
def test_a_new_file_is_created_0600_whatever_the_umask(tmp_path: Path, append: bool) -> None:
    code = (
        "import os, sys; os.umask(0); from casatui.core.private_files import open_private; "
        "open_private(sys.argv[1], append=sys.argv[2] == 'a').write('x')"
    )
    path = tmp_path / "new.log"
    subprocess.run([sys.executable, "-c", code, str(path), "a" if append else "w"], check=True)
    assert mode(path) == 0o600 and path.read_text() == "x"


@posix_only
def test_appending_keeps_what_is_there_and_narrows_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "casatui.log"
    path.write_text("first\n")
    path.chmod(0o644)
    with open_private(path, append=True) as stream:
        stream.write("second\n")
    assert path.read_text() == "first\nsecond\n" and mode(path) == 0o600


def test_replacing_empties_the_file_first(tmp_path: Path) -> None:
    path = tmp_path / "last-curl.sh"
    path.write_text("an older, longer command\n")
    with open_private(path, append=False) as stream:
        stream.write("curl\n")
    assert path.read_text() == "curl\n"


def test_a_hard_link_is_refused_and_left_as_it_was(tmp_path: Path, victim: Path) -> None:
    link = tmp_path / "last-curl.sh"
    os.link(victim, link)
    for append in (True, False):
        with pytest.raises(UnsafeFileError, match="other hard links"):
            open_private(link, append=append)
    assert victim.read_text() == "precious\n"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError, match="not a regular file"):
        open_private(tmp_path, append=True)


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "casatui.log"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeFileError, match="not a regular file"):
        open_private(fifo, append=True)


def test_a_missing_directory_is_an_ordinary_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        open_private(tmp_path / "no" / "such.log", append=True)
    assert not isinstance(caught.value, UnsafeFileError)


def test_a_symlinked_parent_directory_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")  # /tmp is such a link on macOS
    with open_private(tmp_path / "alias" / "casatui.log", append=True) as stream:
        stream.write("ok\n")
    assert (tmp_path / "real" / "casatui.log").read_text() == "ok\n"


def test_without_o_nofollow_the_lstat_check_still_refuses(
    tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import casatui.core.private_files as private_files

    monkeypatch.setattr(private_files, "_NOFOLLOW", 0)  # as on a platform without it
    link = tmp_path / "casatui.log"
    link.symlink_to(victim)
    with pytest.raises(UnsafeFileError, match="is a symbolic link"):
        open_private(link, append=True)
    assert victim.read_text() == "precious\n"


def test_a_link_planted_between_the_check_and_the_open_is_refused(
    tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import casatui.core.private_files as private_files

    link = tmp_path / "casatui.log"
    real_open = os.open

    def racing_open(path: object, flags: int, *args: int) -> int:
        if Path(str(path)) == link and not link.is_symlink():
            link.symlink_to(victim)  # the attacker wins the race after the lstat
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(private_files.os, "open", racing_open)
    with pytest.raises(UnsafeFileError):
        open_private(link, append=True)
    assert victim.read_text() == "precious\n"


def test_without_o_nofollow_a_link_planted_in_the_race_is_caught_after_the_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import casatui.core.private_files as private_files

    other = tmp_path / "other"
    other.write_text("")
    path = tmp_path / "casatui.log"
    path.write_text("")
    real_open = os.open

    def racing_open(target: object, flags: int, *args: int) -> int:
        if Path(str(target)) == path and not path.is_symlink():
            path.unlink()
            path.symlink_to(other)
        return real_open(target, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(private_files, "_NOFOLLOW", 0)
    monkeypatch.setattr(private_files.os, "open", racing_open)
    with pytest.raises(UnsafeFileError, match="replaced while it was being opened"):
        open_private(path, append=True)


def test_importing_it_brings_no_textual() -> None:
    code = "import sys, casatui.core.private_files; print(any(m.startswith('textual') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


@contextlib.contextmanager
def windows_before_3_13() -> Iterator[None]:
    """The branches Windows takes with Python 3.10 to 3.12: os.name "nt" and no os.fchmod (3.13 adds one); for the
    calls under test only, as pathlib and pytest read os.name too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delattr(os, "fchmod")
        patch.setattr(os, "name", "nt")
        yield


@pytest.mark.parametrize("append", [True, False])
def test_without_fchmod_on_windows_an_existing_log_is_written_and_its_mode_left(victim: Path, append: bool) -> None:
    with windows_before_3_13(), open_private(str(victim), append=append) as stream:
        stream.write("new\n")
    assert victim.read_text() == ("precious\nnew\n" if append else "new\n") and mode(victim) == 0o644


def test_without_fchmod_on_windows_a_draft_file_is_created(tmp_path: Path) -> None:
    target = str(tmp_path / "draft.json")
    with windows_before_3_13():
        with create_private(target) as stream:
            stream.write("{}")
        with pytest.raises(FileExistsError):
            create_private(target)
    assert (tmp_path / "draft.json").read_text() == "{}"
