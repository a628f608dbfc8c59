"""Cron schedules as CloudCasa policies write them: in words, and the next run in the policy's timezone.

The words come from cron-descriptor, the runs from cronsim, which keeps Debian cron's rules: a day-of-month and a
day-of-week both restricted mean either day (unless one of them starts with `*`: then both); on the day daylight
saving skips an hour, a time inside it runs at the jump; on the day an hour repeats, a fixed time runs once (a
schedule whose minute or hour is `*…` runs by the real clock, in both copies of the hour).

Both libraries are imported when a schedule is first read, never at start-up: completion, `get` and the first
screen do not need them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from cron_descriptor import Options

# A list of every minute is 170 characters; longer text is not read at all, so hostile input costs bounded work.
MAX_LENGTH = 256
MAX_ZONE_LENGTH = 64  # the longest IANA name is 32 characters
FIELDS = "minute hour day-of-month month day-of-week"
# The macros of Vixie cron (`@reboot` has no time to show, so it is refused).
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# A run found before the moment asked about: a fixed time in an hour that repeats, which cron does not run twice.
# An hour has at most 60 of them.
MAX_STALE_RUNS = 60


class CronError(ValueError):
    """Text that is not a schedule; the message says why in one line and never quotes the text."""


@dataclass(frozen=True)
class Cron:
    text: str  # as the policy writes it
    expression: str  # five fields, upper case, a macro expanded and `?` as `*`: what both libraries read


def parse(text: str) -> Cron:
    """The schedule `text` says, checked by cronsim; CronError when it is not one."""
    if len(text) > MAX_LENGTH:
        raise CronError(f"a schedule is at most {MAX_LENGTH} characters")
    fields = text.split()
    if len(fields) == 1 and fields[0].startswith("@"):
        macro = MACROS.get(fields[0].lower())
        if macro is None:
            raise CronError(f"the macros are {', '.join(MACROS)}")
        fields = macro.split()
    if len(fields) != 5:
        raise CronError(f"a schedule has five fields: {FIELDS}")
    # Quartz's "no specific value" in a day field: cron's `*` (cronsim does not know `?`).
    fields = ["*" if field == "?" and i in (2, 4) else field for i, field in enumerate(fields)]
    expression = " ".join(fields).upper()
    _check(expression)
    return Cron(text, expression)


def _check(expression: str) -> None:
    from cronsim import CronSim, CronSimError

    try:
        CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as error:  # "Bad day-of-week"
        raise CronError(f"not a schedule: {str(error).lower()}") from None
    except (ValueError, LookupError, ArithmeticError, AssertionError):  # a case the library did not foresee
        raise CronError("not a schedule") from None


def known_zone(name: str) -> bool:
    """True when `name` is a timezone this machine knows (else the runs are given in UTC)."""
    return _zone(name) is not None


def _zone(name: str) -> ZoneInfo | None:
    if not name or len(name) > MAX_ZONE_LENGTH:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, not a relative path, a null byte
        return None


def next_run(text: str, timezone: str = "UTC", after: datetime | None = None) -> datetime | None:
    """The next time the schedule fires after `after`, in the timezone `timezone` (UTC when unknown); None when it
    never fires within cronsim's 50 years. CronError when `text` is not a schedule."""
    from cronsim import CronSim

    cron = parse(text)
    zone = _zone(timezone or "UTC") or ZoneInfo("UTC")
    start = (after or datetime.now(zone)).astimezone(zone)
    # Timestamps, not datetimes: two times of one zone compare by their wall clock, whatever their fold.
    since = start.timestamp()
    runs = CronSim(cron.expression, start)
    for _ in range(MAX_STALE_RUNS + 1):
        try:
            run = next(runs)
        except StopIteration:
            return None
        if run.timestamp() > since:
            return run
    return None


def describe(text: str) -> str:
    """`0 2 * * *` -> "At 02:00"; `5 4 1,15 * 1` -> "At 04:05, on day 1 and 15 of the month, or on Monday".
    The text itself when it is not a schedule."""
    try:
        cron = parse(text)
    except CronError:
        return text
    return _words(cron.expression) or text


@functools.lru_cache(maxsize=256)  # keys are checked expressions: at most MAX_LENGTH characters each
def _words(expression: str) -> str:
    from cron_descriptor import ExpressionDescriptor

    try:
        words = ExpressionDescriptor(expression, _options()).get_description()
    except Exception:  # a form cronsim reads and cron-descriptor does not: the text itself says it
        return ""
    day_of_month, day_of_week = expression.split()[2:5:2]
    if day_of_month.startswith("*") or day_of_week.startswith("*"):
        # cron-descriptor says "or on Monday" for `*/2 * MON`; cron (and cronsim) run when both match.
        words = words.replace(", or on ", ", only on ")
    return str(words)


@functools.cache
def _options() -> Options:
    from cron_descriptor import Options

    # English whatever the machine's locale (the rest of casatui is), and the 24-hour clock CloudCasa shows.
    return Options(locale_code="en_US", use_24hour_time_format=True)
