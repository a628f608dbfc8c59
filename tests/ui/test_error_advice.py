"""A table that could not be filled says what fixes it: a refused token names where the token comes from, a missing
permission says so, a network failure names the API root and what to check; "Press r to retry" only where asking
again can help (network, 5xx, 429), and the position line never stays on "loading…" after a failure. The token
never shows."""

from __future__ import annotations

import socket

import pytest

from casatui.api.client import CasaClient
from casatui.api.models import RetryPolicy
from casatui.demo import DemoServer
from casatui.ui.app import CasaApp

from ..faults import HTML_502, FaultServer, Respond, Seen
from .conftest import AppFactory, text_of
from .test_explorer import explorer, lines, settle

HINT = "Profile test; the token comes from $CLOUDCASA_API_TOKEN."
ONE_TRY = RetryPolicy(attempts=1)


def lists(seen: Seen) -> bool:
    return seen.method == "GET" and "/jobs" in seen.path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shown(app: CasaApp) -> dict[str, str]:
    """What the user reads after the failure: the table's message, the position line and the notifications."""
    screen = explorer(app)
    return {
        "table": screen.table.empty_message,
        "position": text_of(screen.query_one("#position")).strip(),
        "notes": " ".join(str(note.message) for note in app._notifications),
        "drawn": " ".join(" ".join(lines(screen.table)).split()),  # the table as painted, wrapped
    }


async def run(app: CasaApp, client: CasaClient) -> dict[str, str]:
    app.session.client = client
    async with app.run_test(size=(140, 35)) as pilot:
        await settle(pilot)
        seen = shown(app)
        assert app.is_running and explorer(app).table.model.count == 0
        assert "loading" not in seen["position"].lower() and seen["position"] == "not loaded", seen
        screenshot = app.export_screenshot()
    assert "ui-token-0123456789" not in screenshot + str(seen)
    await client.aclose()
    return seen


async def test_a_refused_token_names_where_it_comes_from_and_offers_no_retry(
    ui_demo: DemoServer, app_for: AppFactory
) -> None:
    other = "another-token-9876543210"
    seen = await run(app_for(ui_demo), CasaClient(ui_demo.api_root, other, auth_hint=HINT))
    assert seen["table"] == (
        "Token refused: the token was refused: set $CLOUDCASA_API_TOKEN or the profile's token source "
        "(casatui info shows which is used)."
    )
    assert "Press r" not in seen["table"] and seen["drawn"].endswith("(casatui info shows which is used).")
    assert "refused the token (401)" in seen["notes"] and HINT in seen["notes"] and other not in str(seen)


@pytest.mark.parametrize(
    ("answer", "table", "retry"),
    [
        (Respond(403, {"_status": "ERR", "_error": {"code": 403, "message": "role viewer"}}), "Not allowed: this "
         "token is not allowed to do this: use a token whose role allows it, or ask an administrator.", False),
        (Respond(404, {"_status": "ERR", "_error": {"code": 404, "message": "no such resource"}}), "Not found: "
         "not on this server: check the name, and the API URL (casatui info shows it).", False),
        (Respond(422, {"_status": "ERR", "_issues": {"where": "bad"}}), "Refused by the server.", False),
        (Respond(400, {"_status": "ERR", "_error": {"code": 400, "message": "bad where"}}), "Bad request: the "
         "server refused the request: check the filter and the sort.", False),
        (Respond(502, HTML_502), "Server error. Press r to retry.", True),
        (Respond(500, {"_status": "ERR", "_error": {"code": 500, "message": "db down"}}),
         "Server error. Press r to retry.", True),
        (Respond(429, {}, {"Retry-After": "600"}), "Rate limited. Press r to retry.", True),
    ],
    ids=["403", "404", "422", "400", "502-html", "500", "429"],
)  # fmt: skip
async def test_each_answer_says_its_fix_and_retry_only_where_it_helps(
    ui_demo: DemoServer, app_for: AppFactory, answer: Respond, table: str, retry: bool
) -> None:
    with FaultServer(upstream=ui_demo.base_url) as faults:
        faults.when(lists, answer)
        client = CasaClient(f"{faults.base_url}/api/v1", ui_demo.token, retry=ONE_TRY, auth_hint=HINT)
        seen = await run(app_for(ui_demo), client)
    assert seen["table"] == table
    assert ("Press r to retry" in seen["table"]) is retry
    if answer.status == 403:
        assert HINT in seen["notes"] and "(403)" in seen["notes"]


async def test_nothing_listening_names_the_api_root_and_offers_a_retry(app_for: AppFactory,
                                                                       ui_demo: DemoServer) -> None:  # fmt: skip
    root = f"http://127.0.0.1:{closed_port()}/api/v1"
    seen = await run(app_for(ui_demo), CasaClient(root, ui_demo.token, retry=ONE_TRY))
    assert seen["table"].startswith(f"Network error: nothing answers at {root}: check that the server is up")
    assert seen["table"].endswith("Press r to retry.") and "--url" in seen["table"]
    assert seen["drawn"].endswith(" ".join(seen["table"].split()))  # all of it on screen, not cut at the edge
    assert f"Could not connect to {root}" in seen["notes"] and "casatui info" in seen["notes"]


async def test_a_tls_failure_points_at_the_ca_bundle_and_offers_no_retry(ui_demo: DemoServer,
                                                                         app_for: AppFactory) -> None:  # fmt: skip
    with FaultServer() as faults:  # plain HTTP where https is expected
        root = f"https://127.0.0.1:{faults.port}/api/v1"
        seen = await run(app_for(ui_demo), CasaClient(root, ui_demo.token, retry=ONE_TRY))
    assert seen["table"].startswith("Network error: give the server's CA bundle with --ca-cert")
    assert "Press r" not in seen["table"]
    assert f"TLS failed with {root}" in seen["notes"] and "--insecure" in seen["notes"]


async def test_after_a_failure_r_loads_again_and_the_position_comes_back(ui_demo: DemoServer,
                                                                         app_for: AppFactory) -> None:  # fmt: skip
    with FaultServer(upstream=ui_demo.base_url) as faults:
        faults.when(lists, Respond(502, HTML_502))
        app = app_for(ui_demo)
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_demo.token, retry=ONE_TRY)
        async with app.run_test(size=(140, 35)) as pilot:
            await settle(pilot)
            assert shown(app)["position"] == "not loaded"
            faults.rules.clear()
            await pilot.press("r")
            await settle(pilot)
            assert explorer(app).table.model.count == 300
            assert shown(app)["position"].startswith("1 of 300")
        await app.session.client.aclose()


async def test_the_overview_says_once_what_would_make_it_load(ui_demo: DemoServer) -> None:
    from textual.widgets import OptionList

    from casatui.core.navigation import Place
    from casatui.core.session import Session, Settings
    from casatui.ui.screens.overview import OverviewScreen

    from .conftest import NOW

    session = Session(CasaClient(ui_demo.api_root, "another-token-9876543210", auth_hint=HINT), Settings(profile="t"))
    app = CasaApp(session, Place("jobs"), clock=lambda: NOW, overview_first=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        listing = app.screen.query_one(OptionList)
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
    fix = "Token refused: the token was refused: set $CLOUDCASA_API_TOKEN or the profile's token source"
    assert lines[0].startswith(fix) and sum(fix in line for line in lines) == 1, lines
    await session.client.aclose()
