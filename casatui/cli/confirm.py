"""Guards before a write: read-only refuses, a question asked on the terminal, the name a protected profile wants.

Questions are asked on the controlling terminal (/dev/tty), as git and ssh ask: stdin may be a pipe carrying the
command's input (`apply -f -`) or be closed, and stdout is the command's answer. With no terminal (cron, CI, a
detached session) there is no one to ask: the command refuses before any write and says which flag answers instead
(exit 2, a usage error: the flag is missing). A wrong answer writes nothing either (exit 2 for a name, 1 for "no").
"""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import IO

from ..core.safe_text import visible
from ..core.session import Session
from . import exits
from .exits import CommandError


def refuse_if_read_only(session: Session, verb: str) -> None:
    """Read-only (the profile's, or --read-only): refused before anything is asked or sent (exit 6). `verb` is the
    command ("apply", "delete")."""
    if session.settings.read_only or session.client.read_only:
        raise CommandError(f"Read-only mode (profile {session.settings.profile}): {verb} writes, so nothing was sent",
                           exits.REFUSED)  # fmt: skip


def open_terminal() -> IO[str] | None:
    """The controlling terminal, to ask on, or None when there is none."""
    try:  # (unbuffered: a terminal cannot seek, which a buffered "r+" stream needs)
        return io.TextIOWrapper(open("/dev/tty", "r+b", buffering=0), encoding="utf-8", write_through=True)
    except OSError:
        return None


def can_ask() -> bool:
    terminal = open_terminal()
    if terminal is None:
        return False
    terminal.close()
    return True


def ask(prompt: str) -> str | None:
    """One line typed on the terminal after `prompt` ("" at the end of input), or None when there is no terminal."""
    terminal = open_terminal()
    if terminal is None:
        return None
    with terminal:
        terminal.write(prompt)
        try:
            line = terminal.readline()
        except UnicodeDecodeError:  # (not what was asked for, whatever it was)
            line = "\n"
        if not line:
            terminal.write("\n")
    return line.strip()


def confirmed(prompt: str, accepted: Collection[str], *, no_terminal: str, ignore_case: bool = False) -> bool:
    """Whether the answer typed on the terminal after `prompt` is one of `accepted`. With no terminal a usage error
    saying `no_terminal` (which flag answers instead, and that nothing was written)."""
    answer = ask(prompt)
    if answer is None:
        raise CommandError(no_terminal, exits.USAGE)
    if ignore_case:
        return answer.lower() in {choice.lower() for choice in accepted}
    return answer in accepted


def check_given_name(given: str | None, name: str, shown: str, nothing: str) -> bool:
    """Whether --confirm NAME was given (a name other than the document's is a usage error)."""
    if given is None:
        return False
    if given != name:
        raise CommandError(f"--confirm {visible(given)!r} is not the name of {shown}; {nothing}", exits.USAGE)
    return True


def protected_name(session: Session, what: str, shown: str, name: str, nothing: str) -> None:
    """A protected profile's guard: the document's name typed on the terminal (--confirm NAME, checked before,
    spares it). `what` is the write in words ("delete", "run")."""
    profile = session.settings.profile
    no_terminal = f"Profile {profile!r} is protected: to {what} {shown}, give its name with --confirm NAME; {nothing}"
    if not confirmed(f"Profile {profile!r} is protected. Type the name to {what} {shown}: ", (name,),
                     no_terminal=no_terminal):  # fmt: skip
        raise CommandError(f"The name typed is not the document's; {nothing}", exits.USAGE)
