"""The app against both servers: the demo, and one shaped like CloudCasa's published document (`tests/cloudcasa`),
where jobs have `name` and no `display_name`, alerts allow only GET and DELETE, job states go beyond the demo's and
some jobs have none. What the app shows and offers comes from each server's own document."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from casatui.api import CasaClient, discover
from casatui.core.navigation import Place
from casatui.core.overview import gather_overview
from casatui.core.profiles import Profiles
from casatui.core.session import Session, Settings
from casatui.ui.app import CasaApp
from casatui.ui.screens.overview import overview_options

from ..servers import ServerUnderTest
from .conftest import NOW, AppFactory
from .test_explorer import explorer, lines, settle
from .test_profiles_in_the_app import discovered, footer_keys


def server_total(server: ServerUnderTest, collection: str, where: dict[str, object]) -> int:
    response = httpx.get(f"{server.api_root}/{collection}", params={"where": json.dumps(where), "max_results": 1},
                         headers={"Authorization": f"Bearer {server.token}"})  # fmt: skip
    return int(response.json()["_meta"]["total"])


@pytest.mark.parametrize("collection", ["jobs", "kubebackups", "kubeclusters", "alerts", "policies", "orginvites"])
async def test_every_table_shows_names_and_filled_columns(
    any_server: ServerUnderTest, app_for: AppFactory, collection: str
) -> None:
    app = app_for(any_server, collection)
    async with app.run_test(size=(200, 40)) as pilot:
        await discovered(pilot)
        screen = explorer(app)
        profile = screen.profile
        rows = [row for _, row in screen.table.model.rows()]
        assert rows, collection
        name = screen.columns[0]
        assert name.key == profile.name_field
        on_screen = lines(screen.table)
        shown = [on_screen[1 + i][:6] for i, row in enumerate(rows[:5]) if row.get(name.key)]
        assert all(cell.strip() for cell in shown), f"{collection}: a blank Name cell on screen"
        assert sum(1 for row in rows if row.get(name.key)) >= len(rows) / 2, f"{collection}: names mostly blank"
        for column in screen.columns:
            if column.kind in ("text", "state", "time"):
                assert any(row.get(column.key.split(".")[0]) is not None for row in rows), (collection, column.key)
        assert all(profile.knows(key) for key, _ in screen.sort)
        assert lines(screen.table)[1].strip()


async def test_writes_are_offered_only_where_the_document_allows_them(
    any_server: ServerUnderTest, app_for: AppFactory
) -> None:
    app = app_for(any_server, "alerts")
    async with app.run_test(size=(160, 40)) as pilot:
        await discovered(pilot)
        screen = explorer(app)
        resource = app.session.catalog.resources["alerts"]  # type: ignore[union-attr]
        assert ("edit" in footer_keys(app)) == (resource.can("replace") or resource.can("update"))
        assert screen.check_action("delete", ()) is resource.can("delete")
        screen.open(screen.place().__class__("kubebackups"))
        await pilot.pause()
        assert screen.check_action("run_now", ()) is True  # the demo lists action/run; CloudCasa has runkubebackup
        screen.open(screen.place().__class__("kubenamespaces"))
        await pilot.pause()
        assert not any(screen.check_action(a, ()) for a in ("edit", "create", "delete", "run_now", "toggle_pause"))


async def test_the_overview_adds_up_to_the_servers_totals(any_server: ServerUnderTest) -> None:
    async with CasaClient(any_server.api_root, any_server.token) as client:
        profiles = Profiles(await discover(client))
        overview = await gather_overview(client, profiles, NOW)
    jobs = overview.jobs_today
    assert jobs is not None and not overview.problems
    since = {overview.jobs_time_field: {"$gt": int(NOW - 86_400)}}
    assert jobs.total == server_total(any_server, "jobs", since)
    assert sum(jobs.states.values()) + jobs.other + jobs.no_state == jobs.total
    for state, number in jobs.states.items():
        assert number == server_total(any_server, "jobs", {**since, "state": state})
    assert jobs.no_state == server_total(any_server, "jobs", {**since, "state": None})
    if any_server.name == "cloudcasa":
        assert jobs.no_state > 0 and set(jobs.states) - {"RUNNING", "PENDING", "COMPLETED", "PARTIAL", "FAILED"}
    clusters = overview.clusters
    assert clusters is not None and clusters.total == server_total(any_server, "kubeclusters", {})
    async with CasaClient(any_server.api_root, any_server.token) as client:
        blind = await gather_overview(client, Profiles(), NOW)  # no document: the overlay's states only
    assert blind.jobs_today is not None and blind.jobs_today.total == jobs.total
    assert sum(blind.jobs_today.states.values()) + blind.jobs_today.other + blind.jobs_today.no_state == jobs.total
    if any_server.name == "cloudcasa":
        assert blind.jobs_today.other > 0  # DELETING, CANCELLING…: counted as "other", never dropped
    assert sum(clusters.states.values()) + clusters.other + clusters.no_state == clusters.total


async def test_a_part_that_cannot_load_says_so_never_zero(any_server: ServerUnderTest) -> None:
    async with CasaClient(any_server.api_root, "not-the-token") as client:
        overview = await gather_overview(client, Profiles(), NOW)
    assert overview.jobs_today is None and "jobs" in overview.failed_parts
    shown = "\n".join(str(option.prompt) for option in overview_options(overview, NOW))
    assert "could not load" in shown and "(0)" not in shown and "none" not in shown


async def test_the_document_read_last_time_shapes_the_first_page(any_server: ServerUnderTest, tmp_path: Path) -> None:
    def app() -> CasaApp:
        session = Session(CasaClient(any_server.api_root, any_server.token), Settings(profile="t"), state_dir=tmp_path)
        session.restore_catalog()
        return CasaApp(session, Place("jobs"), clock=lambda: NOW)

    first = app()
    assert first.session.catalog is None  # nothing kept yet
    async with first.run_test(size=(160, 40)) as pilot:
        await discovered(pilot)
        columns = explorer(first).columns
    second = app()
    kept = second.session.catalog
    assert kept is not None and kept.cached_at is not None
    async with second.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = explorer(second)
        first_query = next(dict(e.query) for e in second.session.client.exchanges if "max_results" in dict(e.query))
        assert "projection" in first_query  # asked as the profile says, not whole
        assert screen.columns == columns  # the first frame's columns are the ones discovery gives
        await discovered(pilot)
        assert second.session.catalog is not None and second.session.catalog.cached_at is None  # read again
        assert screen.columns == columns


async def test_a_filter_read_before_the_document_is_read_again_with_it(
    any_server: ServerUnderTest, app_for: AppFactory
) -> None:
    response = httpx.get(f"{any_server.api_root}/jobs", params={"max_results": 1},
                         headers={"Authorization": f"Bearer {any_server.token}"})  # fmt: skip
    job = response.json()["_items"][0]
    word = str(job.get("display_name") or job["name"])[:6]  # what the Name column shows on this server
    app = app_for(any_server, "jobs", word)  # a bare word: the Name field, whatever this server calls it
    async with app.run_test(size=(160, 40)) as pilot:
        await discovered(pilot)
        screen = explorer(app)
        assert list(screen.where) == [screen.profile.name_field]
        assert screen.table.model.count > 0
