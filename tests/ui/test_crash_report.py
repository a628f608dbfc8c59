"""An unhandled exception's report (printed when the app exits) shows no local variables and never the token."""

from __future__ import annotations

from pathlib import Path

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp


def leak(token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}  # a local holding the token, as httpx's frames have
    raise RuntimeError(f"the server refused {headers['Authorization']}")


async def test_the_crash_report_has_no_locals_and_no_token(demo: DemoServer, tmp_path: Path) -> None:
    client = CasaClient(demo.api_root, demo.token)
    app = CasaApp(Session(client, Settings(profile="crash"), state_dir=tmp_path), Place("policies"))
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        try:
            leak(demo.token)
        except RuntimeError:
            app._fatal_error()  # what Textual calls for an unhandled exception
        report = "".join(segment.text for segments in app._exit_renderables for segment in segments.segments)
    assert "RuntimeError" in report and "the server refused Bearer ***" in report
    assert demo.token not in report
    assert "─ locals ─" not in report and "'Authorization':" not in report  # Textual's report has a locals panel
