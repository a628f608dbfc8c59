"""Cron schedules as CloudCasa policies write them: in words, and the next run in the policy's timezone."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
RANGES = {"minute": (0, 59), "hour": (0, 23), "day": (1, 31), "month": (1, 12), "weekday": (0, 6)}


class CronError(ValueError):
    pass


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool


def _values(field: str, kind: str) -> frozenset[int]:
    low, high = RANGES[kind]
    names = DAYS if kind == "weekday" else MONTHS if kind == "month" else []
    result: set[int] = set()
    for part in field.upper().split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdecimal() or int(step_text) == 0:
                raise CronError(f"bad step in {field!r}")
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, names, kind), _number(last, names, kind)
        else:
            start = _number(part, names, kind)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise CronError(f"{field!r} is out of range for the {kind}")
        result.update(range(start, end + 1, step))
    if kind == "weekday" and 7 in result:
        result.discard(7)
        result.add(0)
    return frozenset(result)


def _number(text: str, names: list[str], kind: str) -> int:
    if text in names:
        return names.index(text) + (1 if kind == "month" else 0)
    if not text.isdecimal():
        raise CronError(f"{text!r} is not a {kind}")
    value = int(text)
    return 0 if kind == "weekday" and value == 7 else value


def parse(text: str) -> Cron:
    fields = text.split()
    if len(fields) != 5:
        raise CronError("a schedule has five fields: minute hour day-of-month month day-of-week")
    minute, hour, day, month, weekday = fields
    return Cron(
        text,
        _values(minute, "minute"),
        _values(hour, "hour"),
        _values(day, "day"),
        _values(month, "month"),
        _values(weekday, "weekday"),
        day in ("*", "*/1"),
        weekday in ("*", "*/1"),
    )


def _runs_on(cron: Cron, moment: datetime) -> bool:
    if moment.month not in cron.months:
        return False
    weekday = (moment.weekday() + 1) % 7
    day_ok, weekday_ok = moment.day in cron.days, weekday in cron.weekdays
    if cron.any_day and cron.any_weekday:
        return True
    if cron.any_day:
        return weekday_ok
    if cron.any_weekday:
        return day_ok
    return day_ok or weekday_ok  # cron's rule when both are restricted


def next_run(text: str, timezone: str = "UTC", after: datetime | None = None) -> datetime | None:
    """The next time the schedule fires after `after`, in the policy's timezone (None if never within 5 years)."""
    cron = parse(text)
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    start = (after or datetime.now(zone)).astimezone(zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    for _ in range(366 * 5):
        if _runs_on(cron, day):
            for hour in sorted(cron.hours):
                for minute in sorted(cron.minutes):
                    candidate = day.replace(hour=hour, minute=minute)
                    if candidate >= start:
                        return candidate
        day = (day + timedelta(days=1)).replace(hour=0, minute=0)
    return None


def _clock(hours: frozenset[int], minutes: frozenset[int]) -> str | None:
    if len(hours) == 1 and len(minutes) == 1:
        return f"{min(hours):02d}:{min(minutes):02d}"
    return None


def _list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe(text: str) -> str:
    """`0 2 */1 * *` -> "every day at 02:00"; `30 0 * * MON,WED,FRI` -> "at 00:30 on Monday, Wednesday and Friday"."""
    try:
        cron = parse(text)
    except CronError:
        return text
    clock = _clock(cron.hours, cron.minutes)
    if clock is None:
        if len(cron.minutes) == 1 and len(cron.hours) > 1:
            hours = sorted(cron.hours)
            gaps = {b - a for a, b in itertools.pairwise(hours)}
            every = f"every {gaps.pop()} hours" if len(gaps) == 1 else f"at hours {', '.join(map(str, hours))}"
            when = f"{every} at minute {min(cron.minutes)}"
        else:
            when = f"at minutes {sorted(cron.minutes)} of hours {sorted(cron.hours)}"
    else:
        when = f"at {clock}"
    if cron.months != frozenset(range(1, 13)):
        when += " in " + _list([MONTHS[m - 1].capitalize() for m in sorted(cron.months)])
    if cron.any_day and cron.any_weekday:
        return f"every day {when}" if clock else when
    if cron.any_day:
        return f"{when} on {_list([DAY_NAMES[d] for d in sorted(cron.weekdays)])}"
    days = _list([str(d) for d in sorted(cron.days)])
    return f"{when} on day {days} of the month"
