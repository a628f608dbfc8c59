"""An unhandled exception's report (printed when the app exits) shows no local variables and never the token."""

from __future__ import annotations

from pathlib import Path

import pytest

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp


def leak(token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}  # a local holding the token, as httpx's frames have
    raise RuntimeError(f"the server refused {headers['Authorization']}")


async def test_the_crash_report_has_no_locals_and_no_token(
    demo: DemoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = CasaClient(demo.api_root, demo.token)
    app = CasaApp(Session(client, Settings(profile="crash"), state_dir=tmp_path), Place("policies"))
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.pause()
            app.call_next(leak, demo.token)  # an unhandled exception in the app's own loop
            await pilot.pause()
    report = capsys.readouterr().err  # Textual prints the report on the way out
    assert "RuntimeError" in report and "the server refused Bearer ***" in report
    assert demo.token not in report
    assert "─ locals ─" not in report and "'Authorization':" not in report  # Textual's report has a locals panel
