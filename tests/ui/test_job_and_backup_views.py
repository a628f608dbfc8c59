"""The job and backup definition views: keys that work as soon as a view opens, and following a job's references
by name and coming back to the job."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.backup import BackupScreen
from casatui.ui.screens.job import JobScreen
from casatui.ui.screens.pick import PickScreen

from .conftest import NOW
from .test_explorer import explorer, settle


def app_at(server: DemoServer, place: Place) -> CasaApp:
    return CasaApp(Session(CasaClient(server.api_root, server.token), Settings(profile="t")), place, clock=lambda: NOW)


async def test_a_definitions_runs_answer_j_k_and_enter_as_soon_as_it_opens(ui_demo: DemoServer) -> None:
    app = app_at(ui_demo, Place("kubebackups", "name=payments-mwf"))
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, BackupScreen) and len(view.runs) >= 3
        assert view.query_one("#runs", DataTable).has_focus
        await pilot.press("j", "j", "j", "k", "enter")  # no Tab first
        await settle(pilot)
        job = app.screen
        assert isinstance(job, JobScreen) and job.item.id == view.runs[2]["_id"]


async def test_a_jobs_references_are_offered_by_name_and_back_returns_to_the_job(ui_demo: DemoServer) -> None:
    app = app_at(ui_demo, Place("jobs", "state=FAILED"))
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        screen = explorer(app)
        job = screen.table.current
        assert job is not None
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, JobScreen)
        app.session.names.clear()  # whatever the view learned: the picker learns them itself
        await pilot.press("f")
        await settle(pilot)
        pick = app.screen
        assert isinstance(pick, PickScreen)
        options = pick.query_one("#pick-list", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        references = view.summary.references
        assert len(labels) == len(references) >= 2
        for label, reference in zip(labels, references, strict=True):
            name = app.session.names.get(reference.collection, {}).get(reference.id) or reference.name
            assert name != reference.id and name in label and reference.id not in label, (label, reference)
        policy = next(i for i, r in enumerate(references) if r.collection == "policies")
        await pilot.press(*["down"] * policy, "enter")
        await settle(pilot)
        assert app.screen is screen and screen.collection == "policies"
        assert screen.table.current is not None and screen.table.current["_id"] == references[policy].id
        await pilot.press("escape")
        await settle(pilot)
        back = app.screen
        assert isinstance(back, JobScreen) and back.item.id == job["_id"]  # the job view again, not the table
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.collection == "jobs" and screen.table.current is not None
        assert screen.table.current["_id"] == job["_id"]
