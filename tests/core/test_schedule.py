"""Schedules in words (cron-descriptor) and their next runs (cronsim, by Debian cron's rules), in the policy's
timezone, including the days daylight saving starts and ends; hostile text costs bounded work and is never a
traceback; and neither library is imported before a schedule is shown."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from casatui.core.profiles import Profiles
from casatui.core.schedule import MAX_LENGTH, CronError, describe, next_run, parse
from casatui.core.summaries import policy_schedule
from casatui.demo import DemoServer

from ..cli.run import environment

UTC = timezone.utc
NY = "America/New_York"
PARIS = "Europe/Paris"


def runs(cron: str, zone: str, after: datetime, count: int) -> list[str]:
    """The next `count` runs after `after`, each as its wall clock and offset."""
    found = []
    for _ in range(count):
        run = next_run(cron, zone, after)
        assert run is not None
        found.append(str(run))
        after = run
    return found


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        # The hand-made parser lost the range ("every 1 hours at minute 0 on Monday, …").
        ("0 9-17 * * MON-FRI", "At 0 minutes past the hour, between 09:00 and 17:59, Monday through Friday"),
        ("0 1-5/2 * * *", "Every 2 hours, between 01:00 and 05:59"),
        # Day of month and day of week both restricted: cron runs on either.
        ("5 4 1,15 * 1", "At 04:05, on day 1 and 15 of the month, or on Monday"),
        # …unless one of them starts with `*`: then on both (cron-descriptor says "or", cron does not).
        ("0 0 */2 * MON", "At 00:00, every 2 days, only on Monday"),
        ("*/15 * * * *", "Every 15 minutes"),  # was a Python list
        ("0 0 L * *", "At 00:00, on the last day of the month"),
        ("0 0 * * 5#3", "At 00:00, on the third Friday of the month"),
        ("0 0 ? * MON", "At 00:00, only on Monday"),
        ("0 0 * * 5L", "At 00:00, on the last Friday of the month"),
        ("@daily", "At 00:00"),
        ("@hourly", "Every hour"),
        ("@weekly", "At 00:00, only on Sunday"),
        ("@yearly", "At 00:00, on day 1 of the month, only in January"),
        ("0 2 */1 * *", "At 02:00"),
        ("30 0 * * mon,wed,fri", "At 00:30, only on Monday, Wednesday, and Friday"),
        ("0 0 1 JAN,JUL *", "At 00:00, on day 1 of the month, only in January and July"),
        ("0 22 * * 7", "At 22:00, only on Sunday"),  # 7 is Sunday too
    ],
)
def test_words(cron: str, words: str) -> None:
    assert describe(cron) == words


def test_ranges_steps_and_the_either_day_rule_run_as_cron_does() -> None:
    friday_evening = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
    assert runs("0 9-17 * * MON-FRI", "UTC", friday_evening, 3) == [
        "2026-11-30 09:00:00+00:00", "2026-11-30 10:00:00+00:00", "2026-11-30 11:00:00+00:00"]  # fmt: skip
    assert str(next_run("0 9-17 * * MON-FRI", "UTC", datetime(2026, 11, 30, 17, 0, tzinfo=UTC))) == (
        "2026-12-01 09:00:00+00:00")  # fmt: skip
    assert runs("0 1-5/2 * * *", "UTC", datetime(2026, 11, 28, 0, 0, tzinfo=UTC), 4) == [
        "2026-11-28 01:00:00+00:00", "2026-11-28 03:00:00+00:00", "2026-11-28 05:00:00+00:00",
        "2026-11-29 01:00:00+00:00"]  # fmt: skip
    # Mondays, and the 1st and the 15th whatever their day.
    assert runs("5 4 1,15 * 1", "UTC", datetime(2026, 11, 28, tzinfo=UTC), 5) == [
        "2026-11-30 04:05:00+00:00", "2026-12-01 04:05:00+00:00", "2026-12-07 04:05:00+00:00",
        "2026-12-14 04:05:00+00:00", "2026-12-15 04:05:00+00:00"]  # fmt: skip
    # Odd days that are Mondays: 2026-12-07 is odd and a Monday (11-30 is a Monday, but even).
    assert str(next_run("0 0 */2 * MON", "UTC", datetime(2026, 11, 28, tzinfo=UTC))) == "2026-12-07 00:00:00+00:00"
    assert runs("*/15 * * * *", "UTC", datetime(2026, 11, 28, 21, 6, tzinfo=UTC), 2) == [
        "2026-11-28 21:15:00+00:00", "2026-11-28 21:30:00+00:00"]  # fmt: skip


def test_last_nth_no_specific_value_and_macros() -> None:
    assert runs("0 0 L * *", "UTC", datetime(2026, 1, 31, 12, tzinfo=UTC), 2) == [
        "2026-02-28 00:00:00+00:00", "2026-03-31 00:00:00+00:00"]  # fmt: skip
    assert str(next_run("0 0 L 2 *", "UTC", datetime(2027, 3, 1, tzinfo=UTC))) == "2028-02-29 00:00:00+00:00"
    assert runs("0 0 * * 5#3", "UTC", datetime(2026, 11, 28, tzinfo=UTC), 2) == [
        "2026-12-18 00:00:00+00:00", "2027-01-15 00:00:00+00:00"]  # fmt: skip
    assert str(next_run("0 0 ? * MON", "UTC", datetime(2026, 11, 28, tzinfo=UTC))) == "2026-11-30 00:00:00+00:00"
    assert str(next_run("0 0 * * 5L", "UTC", datetime(2026, 11, 28, tzinfo=UTC))) == "2026-12-25 00:00:00+00:00"
    assert str(next_run("@daily", PARIS, datetime(2026, 11, 28, 21, 6, tzinfo=UTC))) == "2026-11-29 00:00:00+01:00"
    assert str(next_run("@hourly", NY, datetime(2026, 11, 28, 21, 6, tzinfo=UTC))) == "2026-11-28 17:00:00-05:00"
    assert parse("@daily").expression == parse("@midnight").expression == "0 0 * * *"


def test_new_york_spring_forward_runs_a_skipped_time_at_the_jump() -> None:
    """2026-03-08: 02:00 EST becomes 03:00 EDT; 02:30 does not exist that day."""
    assert runs("30 2 * * *", NY, datetime(2026, 3, 7, 12, tzinfo=ZoneInfo(NY)), 2) == [
        "2026-03-08 03:00:00-04:00", "2026-03-09 02:30:00-04:00"]  # fmt: skip
    # By the real clock: no 02:00 nor 02:30 that night.
    assert runs("*/30 * * * *", NY, datetime(2026, 3, 8, 1, 0, tzinfo=ZoneInfo(NY)), 3) == [
        "2026-03-08 01:30:00-05:00", "2026-03-08 03:00:00-04:00", "2026-03-08 03:30:00-04:00"]  # fmt: skip


def test_new_york_fall_back_runs_a_fixed_time_once_and_the_hourly_twice() -> None:
    """2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 comes twice."""
    assert runs("30 1 * * *", NY, datetime(2026, 10, 31, 12, tzinfo=ZoneInfo(NY)), 2) == [
        "2026-11-01 01:30:00-04:00", "2026-11-02 01:30:00-05:00"]  # fmt: skip
    # Asked during the second 01:00 hour (06:10 UTC = 01:10 EST): the day's 01:30 ran already.
    assert str(next_run("30 1 * * *", NY, datetime(2026, 11, 1, 6, 10, tzinfo=UTC))) == "2026-11-02 01:30:00-05:00"
    hourly = runs("30 * * * *", NY, datetime(2026, 11, 1, 0, 0, tzinfo=ZoneInfo(NY)), 4)
    assert hourly == ["2026-11-01 00:30:00-04:00", "2026-11-01 01:30:00-04:00", "2026-11-01 01:30:00-05:00",
                      "2026-11-01 02:30:00-05:00"]  # fmt: skip


def test_paris_spring_forward_and_fall_back() -> None:
    """2026-03-29: 02:00 CET becomes 03:00 CEST; 2026-10-25: 03:00 CEST becomes 02:00 CET."""
    assert runs("30 2 * * *", PARIS, datetime(2026, 3, 28, 12, tzinfo=UTC), 2) == [
        "2026-03-29 03:00:00+02:00", "2026-03-30 02:30:00+02:00"]  # fmt: skip
    assert runs("30 2 * * *", PARIS, datetime(2026, 10, 24, 12, tzinfo=UTC), 2) == [
        "2026-10-25 02:30:00+02:00", "2026-10-26 02:30:00+01:00"]  # fmt: skip
    assert runs("0 * * * *", PARIS, datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 3) == [
        "2026-10-25 02:00:00+01:00", "2026-10-25 03:00:00+01:00", "2026-10-25 04:00:00+01:00"]  # fmt: skip
    # The runs are instants after the moment asked about, whatever the wall clock says.
    first = next_run("0 * * * *", PARIS, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    assert first is not None and first.timestamp() == datetime(2026, 10, 25, 1, 0, tzinfo=UTC).timestamp()


def test_the_policy_timezone_is_used_and_an_unknown_one_says_so() -> None:
    profile = Profiles()["policies"]
    after = datetime(2026, 3, 7, 12, tzinfo=UTC).timestamp()
    policy = {"_id": "p", "name": "ny", "timezone": NY, "schedules": [{"schedule": {"cronSpec": "30 2 * * *"}}]}
    schedule = policy_schedule(policy, profile, after)
    assert schedule.timezone == NY
    assert str(schedule.next_run) == "2026-03-08 03:00:00-04:00"
    assert schedule.entries[0].words == "At 02:30"
    for zone in ("Mars/Olympus", "a" * 10_000, "x\x00", "../../etc/passwd", "/etc/localtime"):
        odd = policy_schedule({**policy, "timezone": zone}, profile, after)
        assert odd.timezone == f"{zone}, unknown: times in UTC"
        assert str(odd.next_run) == "2026-03-08 02:30:00+00:00"


def test_the_soonest_run_of_a_policy_is_by_the_instant() -> None:
    """01:40 EDT comes before 01:20 EST on 2026-11-01, though its wall clock is later."""
    profile = Profiles()["policies"]
    after = datetime(2026, 11, 1, 5, 30, tzinfo=UTC).timestamp()  # 01:30 EDT
    crons = ["20 * * * *", "40 1 * * *"]
    policy = {"name": "p", "timezone": NY, "schedules": [{"schedule": {"cronSpec": c}} for c in crons]}
    schedule = policy_schedule(policy, profile, after)
    assert [str(e.next_run) for e in schedule.entries] == ["2026-11-01 01:20:00-05:00", "2026-11-01 01:40:00-04:00"]
    assert str(schedule.next_run) == "2026-11-01 01:40:00-04:00"


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("", "a schedule has five fields: minute hour day-of-month month day-of-week"),
        ("* * * * * *", "a schedule has five fields: minute hour day-of-month month day-of-week"),
        ("0 0 1 1 * 2027", "a schedule has five fields: minute hour day-of-month month day-of-week"),
        ("@reboot", "the macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"),
        ("60 * * * *", "not a schedule: bad minute"),
        ("0 ٢ * * *", "not a schedule: bad hour"),  # an Arabic-Indic digit is not a digit of cron's
        ("0 0 0 * *", "not a schedule: bad day-of-month"),
        ("0 0 30 2 *", "not a schedule: bad day-of-month"),  # never
        ("0 0 * ? *", "not a schedule: bad month"),  # `?` only for a day
        ("0 0 * * MON-XYZ", "not a schedule: bad day-of-week"),
        ("*/0 * * * *", "not a schedule: bad minute"),
        ("\x1b[2J * * * *", "not a schedule: bad minute"),
        ("0 0 15W * *", "not a schedule: bad day-of-month"),  # cronsim has no nearest weekday
        ("1" + ",1" * 200_000 + " * * * *", f"a schedule is at most {MAX_LENGTH} characters"),
    ],
)
def test_what_is_not_a_schedule_is_one_clear_error(cron: str, message: str) -> None:
    with pytest.raises(CronError) as raised:
        next_run(cron, "UTC", datetime(2026, 11, 28, tzinfo=UTC))
    assert str(raised.value) == message  # one line, never the text itself
    assert describe(cron) == cron  # the words are the text itself


def test_hostile_text_costs_bounded_work() -> None:
    after = datetime(2026, 11, 28, tzinfo=UTC)
    started = time.perf_counter()
    for cron in ("1" + ",1" * 2_000_000, "* " * 1_000_000, "\x00" * 1_000_000, "@" + "x" * 1_000_000,
                 ",".join(str(m % 60) for m in range(120)) + " * * * *"):  # fmt: skip
        assert describe(cron) == cron
        with pytest.raises(CronError):
            next_run(cron, "UTC", after)
    # The longest a schedule may be, as a list, and the rarest that fires: the fifth Saturday of a February.
    longest = ",".join(str(m) for m in range(60)) + " * * * *"
    assert len(longest) <= MAX_LENGTH and describe(longest).startswith("At 0, 1, 2, 3")
    assert str(next_run("0 0 * 2 SAT#5", "UTC", after)) == "2048-02-29 00:00:00+00:00"
    assert time.perf_counter() - started < 2


PROBE = """
import sys
{body}
print(sorted(m for m in ("cronsim", "cron_descriptor") if m in sys.modules))
"""


def _loaded(body: str, tmp: Path, token: str = "", given: str = "") -> str:
    done = subprocess.run([sys.executable, "-c", PROBE.format(body=body)], capture_output=True, text=True,
                          timeout=120, env=environment(tmp, token), input=given)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()[-1]


def test_the_libraries_load_only_where_a_schedule_is_shown(demo: DemoServer, tmp_path: Path) -> None:
    assert _loaded("import casatui.ui.app, casatui.cli, casatui.core.summaries", tmp_path) == "[]"
    root = demo.api_root
    get = f"from casatui.cli import main\nassert main(['get', 'policies', '--url', {root!r}]) == 0"
    assert _loaded(get, tmp_path, demo.token) == "[]"
    completion = "from casatui.cli import main\nsys.argv = ['casatui', 'completion', 'bash', '--words']\nmain()"
    assert _loaded(completion, tmp_path, given="casatui\nget\npol\n") == "[]"
    # A policy described shows its schedule: both are loaded then (the test can fail).
    shown = f"from casatui.cli import main\nassert main(['describe', 'policies', 'daily-7d', '--url', {root!r}]) == 0"
    assert _loaded(shown, tmp_path, demo.token) == "['cron_descriptor', 'cronsim']"
