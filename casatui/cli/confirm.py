"""Asking before a write: a question on the terminal, and the name a protected profile wants typed.

Questions go to stderr and answers come from stdin, so stdout stays the command's answer; with no terminal on stdin
there is no one to ask, and the command says which flag answers instead.
"""

from __future__ import annotations

import sys

from ..core.safe_text import visible
from ..core.session import Session
from . import exits
from .exits import CommandError


def ask(prompt: str) -> str:
    """One line typed on the terminal ("" at the end of input)."""
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line:
        print(file=sys.stderr)
    return line.strip()


def can_ask() -> bool:
    return sys.stdin.isatty()


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
    if not can_ask():
        raise CommandError(f"Profile {profile!r} is protected: to {what} {shown}, give its name with --confirm NAME; "
                           f"{nothing}", exits.USAGE)  # fmt: skip
    if ask(f"Profile {profile!r} is protected. Type the name to {what} {shown}: ") != name:
        raise CommandError(f"The name typed is not the document's; {nothing}", exits.USAGE)
