"""`casatui delete COLLECTION NAME|ID`: one document deleted with If-Match, after asking.

It asks on the terminal unless --yes; with no terminal to ask on (a script, a pipe) and no --yes it refuses, since a
script that forgot --yes should not delete by default. A protected profile wants the document's name itself, typed or
given with --confirm NAME, even with --yes. --confirm NAME, when it matches, is the answer to the question.
"""

from __future__ import annotations

from typing import Any

from ..api.errors import EtagMismatch
from ..core.safe_text import visible
from ..core.session import Session
from . import exits
from .confirm import ask, can_ask, check_given_name, protected_name
from .exits import CommandError
from .lookup import find, profile_for


async def run(args: Any, session: Session) -> int:
    client = session.client
    if client.read_only:
        raise CommandError("Read-only mode: nothing was deleted", exits.REFUSED)
    profile = await profile_for(session, args.collection)
    reason = client.permits.why_not(profile.collection, "delete")
    if reason is not None:  # before asking: the answer would not matter
        raise CommandError(reason, exits.REFUSED)
    item = await find(session, profile, args.target)
    name = profile.name_of(item.data)
    shown = f"{profile.collection} {visible(name)} ({visible(item.id)})" if name != item.id else \
        f"{profile.collection} {visible(item.id)}"  # fmt: skip
    nothing = "nothing was deleted"
    confirmed = check_given_name(args.confirm, name, shown, nothing)
    if session.settings.protected and not confirmed:
        protected_name(session, "delete", shown, name, nothing)
        confirmed = True
    if not confirmed and not args.yes:
        if not can_ask():
            raise CommandError(f"No terminal to ask on: add --yes to delete {shown}; {nothing}", exits.USAGE)
        if ask(f"Delete {shown}? [y/N] ").lower() not in ("y", "yes"):
            exits.say("Nothing was deleted")
            return exits.FAILED
    try:
        await client.delete(item)
    except EtagMismatch:
        raise CommandError(f"{shown} changed on the server since it was read; nothing was deleted (look at it "
                           "again, then delete it again)", exits.CONFLICT) from None  # fmt: skip
    print(f"deleted {shown.replace(' ', '/', 1)}", flush=True)
    return exits.OK
