"""Troubleshooting views against the embedded server with activity: the overview's counts, a live job, a
definition's runs and schedule, watch mode, and the history of one's own writes."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from textual.widgets import DataTable, OptionList

from casatui.api.client import CasaClient
from casatui.api.discovery import discover
from casatui.api.models import Item
from casatui.core.navigation import Place
from casatui.core.overview import gather_overview, success_rate
from casatui.core.profiles import Profiles
from casatui.core.schedule import describe, next_run
from casatui.core.session import HISTORY_AT_MOST, Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.backup import BackupScreen
from casatui.ui.screens.history import HistoryScreen
from casatui.ui.screens.job import JobScreen
from casatui.ui.screens.overview import OverviewScreen
from casatui.ui.screens.pick import PickScreen

from .conftest import NOW, text_of
from .test_editor import Api
from .test_explorer import explorer, settle


def counted(server: DemoServer, collection: str, where: dict[str, object]) -> int:
    response = httpx.get(f"{server.api_root}/{collection}", params={"where": json.dumps(where), "max_results": 1},
                         headers={"Authorization": f"Bearer {server.token}"})  # fmt: skip
    return int(response.json()["_meta"]["total"])


async def test_overview_counts_match_the_servers_data(ui_demo: DemoServer) -> None:
    async with CasaClient(ui_demo.api_root, ui_demo.token) as client:
        profiles = Profiles(await discover(client))
        overview = await gather_overview(client, profiles, NOW)
    since = NOW - 86_400
    assert overview.jobs_today is not None and overview.clusters is not None
    for state, number in overview.jobs_today.states.items():
        assert number == counted(ui_demo, "jobs", {"state": state, "start_time": {"$gt": since}})
    total = counted(ui_demo, "jobs", {"start_time": {"$gt": since}})
    assert overview.jobs_today.total == total
    assert sum(overview.jobs_today.states.values()) + overview.jobs_today.other + overview.jobs_today.no_state == total
    assert overview.clusters.states == {"ACTIVE": 6, "PENDING": 1, "REGISTERED": 1}
    assert {c.name for c in overview.silent_clusters} == {"dr-gke-west", "payments-rke2"}
    assert len(overview.running) == 3 == counted(ui_demo, "jobs", {"state": "RUNNING"})
    states = [job.state for job in overview.failed]
    assert set(states) <= {"FAILED", "PARTIAL"} and len(states) == min(25, sum(
        overview.jobs_today.states.get(s, 0) for s in ("FAILED", "PARTIAL")))  # fmt: skip
    starts = [job.start for job in overview.failed]
    assert starts == sorted(starts, reverse=True)
    assert {s.name for s in overview.storage} == {"minio-onprem", "wasabi-archive"}
    assert {a.name for a in overview.accounts} == {"aws-sandbox", "gcp-analytics"}


def app_with_overview(server: DemoServer) -> CasaApp:
    session = Session(CasaClient(server.api_root, server.token), Settings(profile="test"))
    return CasaApp(session, Place("jobs"), clock=lambda: NOW, overview_first=True)


async def test_overview_is_the_first_screen_and_every_entry_opens_what_is_behind_it(ui_demo: DemoServer) -> None:
    app = app_with_overview(ui_demo)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.pause(0.5)
        listing = app.screen.query_one(OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert "table|jobs|state=FAILED start_time>-24h" in ids
        assert any(i and i.startswith("job|") for i in ids) and any(
            i and i.startswith("doc|kubeclusters|") for i in ids
        )
        listing.highlighted = ids.index("table|jobs|state=FAILED start_time>-24h")
        await pilot.press("enter")
        await settle(pilot)
        screen = explorer(app)
        assert screen.collection == "jobs" and screen.filter_text == "state=FAILED start_time>-24h"
        assert screen.table.model.count == counted(
            ui_demo, "jobs", {"state": "FAILED", "start_time": {"$gt": NOW - 86_400}}
        )


async def test_a_running_job_advances_while_its_view_is_open_and_says_when_it_ends(ui_fresh: DemoServer) -> None:
    session = Session(CasaClient(ui_fresh.api_root, ui_fresh.token), Settings(profile="t"))
    app = CasaApp(session, Place("jobs", "type=K8S_COPY state=RUNNING"), clock=lambda: NOW)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, JobScreen)
        first = view.item.data["kube_copy_progress"]["stats"]["transferred_size"]
        ui_fresh.activity.tick()
        await pilot.pause(2.5)  # the view checks every 2 s
        await settle(pilot)
        assert view.item.data["kube_copy_progress"]["stats"]["transferred_size"] > first
        assert "Copy" in text_of(view.query_one("#job-body"))
        for _ in range(30):
            ui_fresh.activity.tick()
        await pilot.pause(2.5)
        await settle(pilot)
        assert view.item.data["state"] in ("COMPLETED", "PARTIAL", "FAILED")
        assert any(n.title == "Job finished" for n in app._notifications)


async def test_from_a_failed_job_to_its_cluster_and_back(ui_demo: DemoServer) -> None:
    app = CasaApp(Session(CasaClient(ui_demo.api_root, ui_demo.token), Settings(profile="t")),
                  Place("jobs", "state=FAILED"), clock=lambda: NOW)  # fmt: skip
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        job = screen.table.current
        assert job is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobScreen)
        await pilot.press("f")
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # the cluster comes first
        await settle(pilot)
        assert screen.collection == "kubeclusters" and screen.table.current is not None
        assert screen.table.current["_id"] == job["cluster"] if isinstance(job.get("cluster"), str) else True
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.collection == "jobs" and screen.table.current is not None
        assert screen.table.current["_id"] == job["_id"]


async def test_a_definitions_runs_success_rate_and_next_run(ui_demo: DemoServer) -> None:
    app = CasaApp(Session(CasaClient(ui_demo.api_root, ui_demo.token), Settings(profile="t")),
                  Place("kubebackups", "name=mwf-nightly-none name=payments-mwf"), clock=lambda: NOW)  # fmt: skip
    app.start = Place("kubebackups", "name=payments-mwf")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, BackupScreen)
        runs = view.runs
        assert runs and all(run.get("backupdef") == view.item.id for run in runs)
        good, finished = success_rate(runs, app.session.profile_of("jobs"))
        info = text_of(view.query_one("#backup-info"))
        assert f"{good} of {finished} finished runs succeeded" in info
        assert "At 00:30, only on Monday, Wednesday, and Friday" in info and "At 22:00  (0 22 */1 * *" in info
        assert "Next run Sun 2026-11-29 22:00 CET" in info
        assert view.query_one(DataTable).row_count == len(runs)


def test_schedules_in_words_and_next_runs() -> None:
    now = datetime(2026, 11, 28, 21, 6, tzinfo=timezone.utc)
    # cron-descriptor's words (the hand-made parser said "every day at 02:00", "at 04:00 on Sunday", …).
    assert describe("0 2 */1 * *") == "At 02:00"
    assert describe("0 4 * * SUN") == "At 04:00, only on Sunday"
    assert describe("0 3 1 */1 *") == "At 03:00, on day 1 of the month"
    assert describe("0 */6 * * *") == "Every 6 hours"
    assert str(next_run("0 4 * * SUN", "America/New_York", now)) == "2026-11-29 04:00:00-05:00"
    assert str(next_run("0 3 1 */1 *", "UTC", now)) == "2026-12-01 03:00:00+00:00"


async def test_watch_marks_changed_rows_and_notifies_when_a_job_ends(ui_fresh: DemoServer) -> None:
    app = CasaApp(Session(CasaClient(ui_fresh.api_root, ui_fresh.token), Settings(profile="t",
                  auto_refresh_seconds=600)), Place("jobs"), clock=lambda: NOW)  # fmt: skip
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        await pilot.press("w")
        assert screen.watching
        for _ in range(40):
            ui_fresh.activity.tick()
        await pilot.press("r")
        await settle(pilot)
        assert len(screen.table.marked) >= 3
        assert screen.table.render_line(1).text.startswith("✱ ")
        assert sum(1 for n in app._notifications if n.title == "Job finished") >= 3


async def test_history_lists_my_writes_with_their_change(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = CasaApp(Session(CasaClient(ui_fresh.api_root, ui_fresh.token), Settings(profile="t")),
                  Place("kubebackups", "name=payments-mwf"), clock=lambda: NOW)  # fmt: skip
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        before = Api(ui_fresh).find("kubebackups", "payments-mwf")["_etag"]
        await pilot.press("P")
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, HistoryScreen) and len(app.session.writes) == 1
        record = app.session.writes[0]
        assert record.method == "PATCH" and record.old_etag == before and record.new_etag != before
        body = text_of(view.query_one("#history-body"))
        assert '"pause": true' in body and "PATCH kubebackups / payments-mwf" in body


async def test_history_keeps_the_newest_writes_and_says_what_it_let_go(ui_demo: DemoServer) -> None:
    app = CasaApp(Session(CasaClient(ui_demo.api_root, ui_demo.token), Settings(profile="t")),
                  Place("kubebackups"), clock=lambda: NOW)  # fmt: skip
    document = {"_id": "abc", "_etag": "e0", "name": "big-one", "namespaces": [f"ns-{i}" for i in range(1000)]}
    for number in range(HISTORY_AT_MOST + 2):
        after = {**document, "_etag": f"e{number + 1}", "pause": bool(number % 2)}
        app.session.record_write("PATCH", "kubebackups", document, Item("kubebackups", after, f"e{number + 1}"))
        document = after
    renamed = {**document, "_etag": "last", "namespaces": [f"renamed-{i}" for i in range(1000)]}
    app.session.record_write("PUT", "kubebackups", document, Item("kubebackups", renamed, "last"))
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, HistoryScreen) and len(app.session.writes) == HISTORY_AT_MOST
        title = text_of(view.query_one("#history-title"))
        assert f"the last {HISTORY_AT_MOST}" in title and "3 older ones not kept" in title
        body = text_of(view.query_one("#history-body"))  # the newest: 2,000 lines changed, the first 400 kept
        assert (
            "PUT kubebackups / big-one" in body
            and '-     "ns-0",' in body
            and "more lines of the diff not kept" in body
        )
        await pilot.press("up")
        await settle(pilot)
        body = text_of(view.query_one("#history-body"))
        assert '"pause": false' in body and '"pause": true' in body and "not kept" not in body


def test_odd_schedules_from_the_server_never_break_the_view() -> None:
    from casatui.core.schedule import CronError

    for cron in ("¹ 2 * * *", "0 ٢ * * *", "a b c d e", "", "0 2 */0 * *", "99 2 * * *", "0 2 * * MON-XYZ"):
        describe(cron)  # words or the text itself, never an exception
        with contextlib.suppress(CronError):
            next_run(cron, "Mars/Olympus", datetime(2026, 11, 28, tzinfo=timezone.utc))


async def test_an_overview_that_cannot_be_gathered_says_so(
    ui_demo: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure that is not an API error (each part reports those) left "Gathering…" on screen for ever."""
    import casatui.ui.screens.overview as overview_screen

    async def broken(*args: object) -> None:
        raise TypeError("an answer of an unexpected shape")

    monkeypatch.setattr(overview_screen, "gather_overview", broken)
    app = app_with_overview(ui_demo)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        listing = app.screen.query_one(OptionList)
        shown = text_of(listing.get_option_at_index(0).prompt)
        assert "could not be gathered: TypeError: an answer of an unexpected shape. r tries again" in shown
        monkeypatch.setattr(overview_screen, "gather_overview", gather_overview)
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause(0.3)
        assert listing.option_count > 5 and "could not be gathered" not in text_of(
            listing.get_option_at_index(0).prompt
        )
