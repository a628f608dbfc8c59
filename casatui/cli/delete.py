"""`casatui delete COLLECTION NAME|ID`: one document deleted with If-Match, after asking.

It asks on the terminal (/dev/tty) unless --yes; with no terminal to ask on (cron, CI) and no --yes it refuses, since
a script that forgot --yes should not delete by default. A protected profile wants the document's name itself, typed or
given with --confirm NAME, even with --yes. --confirm NAME, when it matches, is the answer to the question.
"""

from __future__ import annotations

from typing import Any

from ..api.errors import EtagMismatch
from ..core.safe_text import visible
from ..core.session import Session
from . import exits
from .confirm import check_given_name, confirmed, protected_name, refuse_if_read_only
from .exits import CommandError
from .lookup import find, profile_for


async def run(args: Any, session: Session) -> int:
    client = session.client
    refuse_if_read_only(session, "delete")
    profile = await profile_for(session, args.collection)
    reason = client.permits.why_not(profile.collection, "delete")
    if reason is not None:  # before asking: the answer would not matter
        raise CommandError(reason, exits.REFUSED)
    item = await find(session, profile, args.target)
    name = profile.name_of(item.data)
    shown = f"{profile.collection} {visible(name)} ({visible(item.id)})" if name != item.id else \
        f"{profile.collection} {visible(item.id)}"  # fmt: skip
    nothing = "nothing was deleted"
    answered = check_given_name(args.confirm, name, shown, nothing)
    if session.settings.protected and not answered:
        protected_name(session, "delete", shown, name, nothing)
        answered = True
    if not answered and not args.yes:
        no_terminal = f"No terminal to ask on: add --yes to delete {shown}; {nothing}"
        if not confirmed(f"Delete {shown}? [y/N] ", ("y", "yes"), no_terminal=no_terminal, ignore_case=True):
            exits.say("Nothing was deleted")
            return exits.FAILED
    try:
        await client.delete(item)
    except EtagMismatch:
        raise CommandError(f"{shown} changed on the server since it was read; nothing was deleted (look at it "
                           "again, then delete it again)", exits.CONFLICT) from None  # fmt: skip
    print(f"deleted {shown.replace(' ', '/', 1)}", flush=True)
    return exits.OK
