"""Opening a file casatui writes (the request log, the curl script, drafts, an edit saved to a file): readable by its
owner alone, never through a link.

A symbolic link planted where casatui writes (`--log-file /tmp/casatui.log`, a shared state directory) would make
casatui append to, or overwrite, whatever the link points at, with the user's rights. `open_private` refuses: the
final component is opened with `O_NOFOLLOW` where the platform has it, and checked with `lstat` before and `fstat`
after where it has not. The file must be a regular file owned by the user with no other hard link; a new one is
created mode 0600 and an existing one is narrowed to 0600. Parent directories may be links (`/tmp` is one on macOS).
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import IO

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a planted FIFO fails at once (ENXIO) instead of blocking on open
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: else its C runtime writes each "\n" Python writes as "\r\n" again


class UnsafeFileError(OSError):
    """The path cannot be written safely; the message says why, in a few words."""


def open_private(path: str | os.PathLike[str], *, append: bool) -> IO[str]:
    """A text stream on `path`, mode 0600: appending to it (`append`), or replacing its content.

    Raises `UnsafeFileError` for a symbolic link, a non-regular file, a file of another user or one with other hard
    links, and `OSError` for the usual reasons (no such directory, permission denied).
    """
    path = os.fspath(path)  # (no Path made: a test takes the Windows branch by setting os.name, which pathlib reads)
    before = _lstat(path)
    if before is not None and stat.S_ISLNK(before.st_mode):
        raise UnsafeFileError(f"{path} is a symbolic link; casatui does not write through links")
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise UnsafeFileError(f"{path} is not a regular file")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else 0) | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError:
        if _lstat_is_link(path):  # ELOOP (Linux), EMLINK (FreeBSD), EFTYPE (NetBSD): a link planted just now
            raise UnsafeFileError(f"{path} is a symbolic link; casatui does not write through links") from None
        raise
    try:
        _check(path, descriptor, before)
        if not append:
            os.ftruncate(descriptor, 0)  # only now: a file that fails the checks is left as it was
        if _NONBLOCK:
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "a" if append else "w", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


def create_private(path: str | os.PathLike[str]) -> IO[str]:
    """A text stream on a new file at `path`, mode 0600 whatever the umask: it must not exist (nothing is overwritten,
    no link is followed: `FileExistsError` otherwise)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, 0o600)
    try:
        _narrow(descriptor)  # the umask may have taken the owner's write bit
        return os.fdopen(descriptor, "w", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


def _narrow(descriptor: int) -> None:
    """Mode 0600, except on Windows: there the mode bits mean nothing (ACLs decide who reads a file), and
    os.fchmod exists only from Python 3.13."""
    if os.name != "nt":
        os.fchmod(descriptor, 0o600)


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _lstat_is_link(path: str) -> bool:
    with contextlib.suppress(OSError):
        return stat.S_ISLNK(os.lstat(path).st_mode)
    return False


def _check(path: str, descriptor: int, before: os.stat_result | None) -> None:
    opened = os.fstat(descriptor)
    if not stat.S_ISREG(opened.st_mode):
        raise UnsafeFileError(f"{path} is not a regular file")
    if before is not None and (before.st_dev, before.st_ino) != (opened.st_dev, opened.st_ino):
        raise UnsafeFileError(f"{path} was replaced while it was being opened")
    if hasattr(os, "geteuid") and opened.st_uid != os.geteuid():
        raise UnsafeFileError(f"{path} belongs to another user")
    if opened.st_nlink > 1:
        raise UnsafeFileError(f"{path} has other hard links; casatui writes only to a file of its own")
    if opened.st_mode & 0o077:
        _narrow(descriptor)  # an existing file others could read: the log holds URLs and ids
