"""The exit statuses of the subcommands, one per class of failure, and the one line each failure is told in.

They are documented in the README ("Scripting") and in `casatui --help`; a script may rely on them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core.safe_text import visible

if TYPE_CHECKING:  # (imported by the command line before anything heavy)
    from ..api import errors

OK = 0
FAILED = 1  # anything not classed below (e.g. a 422, a rate limit that outlasted the retries)
USAGE = 2  # flags, config, no token at all (said before any request), filter, sort, an unknown field or collection
NOT_FOUND = 3  # no such document (by id or name)
AMBIGUOUS = 4  # a name that more than one document has (the matches are listed)
CONFLICT = 5  # 409, 412, 428: the document changed, or the write needs its etag
REFUSED = 6  # refused before sending: read-only, or a write the server's document does not offer
AUTH = 7  # 401, 403: the token is wrong or not allowed
NETWORK = 8  # no answer: connection, DNS, TLS, timeout
SERVER = 9  # 5xx, or an answer that is not what an Eve API sends
JOB_FAILED = 10  # `run --wait`: the job ended in a state other than success (FAILED, PARTIAL, CANCELLED, ...)
TIMED_OUT = 11  # `run --wait --timeout`: the job had not ended in time (it goes on)

EPILOG = """\
Exit statuses of the subcommands: 0 ok, 1 other failure, 2 usage (flags, config, no token, filter), 3 not found,
4 ambiguous name, 5 conflict (changed on the server), 6 refused (read-only, or not offered by the server),
7 authentication, 8 network, 9 server error, 10 the job did not succeed (run --wait), 11 timed out (--timeout).
"""


def status_of(error: errors.ApiError) -> int:
    from ..api import errors

    if isinstance(error, errors.ClientRefusal):
        return REFUSED
    if isinstance(error, (errors.Unauthorized, errors.Forbidden)):
        return AUTH
    if isinstance(error, errors.NotFound):
        return NOT_FOUND
    if isinstance(error, (errors.EtagMismatch, errors.PreconditionRequired)) or error.status == 409:
        return CONFLICT
    if isinstance(error, errors.NetworkError):
        return NETWORK
    if isinstance(error, (errors.ServerError, errors.BadResponse, errors.Redirected)):
        return SERVER
    if error.status is not None and error.status >= 500:
        return SERVER
    return FAILED


def say(message: str) -> None:
    """One line on stderr, whatever the message holds (a server's words may hold newlines and escapes)."""
    print(f"casatui: {visible(message)}", file=sys.stderr, flush=True)


def fail(error: errors.ApiError, scrub: Callable[[str], str] = str) -> int:
    """The error in one line (the server's own message is part of it; `scrub` masks the token, should the server
    have echoed it), and its exit status."""
    say(scrub(str(error)))
    return status_of(error)


class CommandError(Exception):
    """A command's failure that it has already put in words: `run_command` says it and exits with `status`."""

    def __init__(self, message: str, status: int = FAILED, *, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.details = details  # lines printed after the message (e.g. an ambiguous name's matches)
