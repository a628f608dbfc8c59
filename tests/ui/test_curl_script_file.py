"""Copy as curl also writes `last-curl.sh` in the state directory: mode 0600, and never through a planted link."""

from __future__ import annotations

import stat
from pathlib import Path

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp
from casatui.ui.screens.request_log import RequestLogScreen

from .conftest import NOW
from .test_explorer import settle


async def copy_as_curl(server: DemoServer, state: Path) -> tuple[CasaApp, list[str]]:
    session = Session(CasaClient(server.api_root, server.token), Settings(profile="prod"), state_dir=state)
    app = CasaApp(session, Place("policies"), clock=lambda: NOW)
    notices: list[str] = []
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, RequestLogScreen)
        original = app.notify

        def notify(message: str, *args: object, **kwargs: object) -> None:
            notices.append(message)
            original(message, *args, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("curl ")
    return app, notices


async def test_the_script_is_written_mode_0600(ui_demo: DemoServer, tmp_path: Path) -> None:
    app, notices = await copy_as_curl(ui_demo, tmp_path)
    script = tmp_path / "last-curl.sh"
    assert script.read_text().strip() == app.clipboard
    assert stat.S_IMODE(script.stat().st_mode) == 0o600
    assert any(str(script) in notice for notice in notices)


async def test_an_existing_readable_script_is_narrowed_to_0600(ui_demo: DemoServer, tmp_path: Path) -> None:
    script = tmp_path / "last-curl.sh"
    script.write_text("an older command, longer than the new one " * 20)
    script.chmod(0o644)
    app, _ = await copy_as_curl(ui_demo, tmp_path)
    assert script.read_text().strip() == app.clipboard
    assert stat.S_IMODE(script.stat().st_mode) == 0o600


async def test_a_planted_symlink_is_not_followed(ui_demo: DemoServer, tmp_path: Path) -> None:
    victim = tmp_path / "bashrc"
    victim.write_text("precious\n")
    (tmp_path / "last-curl.sh").symlink_to(victim)
    _, notices = await copy_as_curl(ui_demo, tmp_path)
    assert victim.read_text() == "precious\n"  # the command went to the clipboard only
    assert (tmp_path / "last-curl.sh").is_symlink()
    assert notices and all("last-curl.sh" not in notice for notice in notices)


async def test_a_dangling_symlink_creates_nothing(ui_demo: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "last-curl.sh").symlink_to(tmp_path / "created-through-the-link")
    await copy_as_curl(ui_demo, tmp_path)
    assert not (tmp_path / "created-through-the-link").exists()
