"""The job and backup definition views: keys that work as soon as a view opens, and following a job's references
by name and coming back to the job."""

from __future__ import annotations

from textual.widgets import DataTable

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.backup import BackupScreen
from casatui.ui.screens.job import JobScreen

from .conftest import NOW
from .test_explorer import settle


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
