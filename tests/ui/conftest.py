"""Fixtures for driving the real app with Pilot against the embedded server, deterministically."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.demo import DemoServer, SeedOptions
from casatui.ui.app import CasaApp

from .scenarios import editor_of, in_front

__all__ = ["Api", "editor_of", "in_front"]  # Api: the colleague's client; editor_of, in_front: where the editor is

NOW = 1_795_900_000  # Sat, 28 Nov 2026 21:06:40 GMT: the seed's "now" and the app's clock in UI tests
SNAPSHOT_PORT = 48765  # the API root shows in the status line, so snapshots need a fixed port


@pytest.fixture(autouse=True, scope="session")
def _utc() -> Iterator[None]:
    """Local times render in UTC, whatever the machine's zone."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture(scope="session")
def ui_demo() -> Iterator[DemoServer]:
    """A still, deterministic server for UI tests that only read."""
    with DemoServer(token="ui-token-0123456789", seed_options=SeedOptions(seed=1, jobs=300, now=NOW)) as server:
        yield server


@pytest.fixture
def ui_fresh() -> Iterator[DemoServer]:
    with DemoServer(token="ui-token-0123456789", seed_options=SeedOptions(seed=1, jobs=300, now=NOW)) as server:
        yield server


@pytest.fixture(scope="session")
def snapshot_demo() -> Iterator[DemoServer]:
    """The deterministic server on a fixed port, for SVG snapshots."""
    try:
        server = DemoServer(port=SNAPSHOT_PORT, token="ui-token-0123456789",
                            seed_options=SeedOptions(seed=1, jobs=300, now=NOW))  # fmt: skip
    except OSError:
        pytest.skip(f"port {SNAPSHOT_PORT} is taken; snapshots need it")
    with server:
        yield server


AppFactory = Callable[..., CasaApp]


def text_of(widget: object) -> str:
    """What a Static shows, as plain text (Rich renderables included)."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(getattr(widget, "content", widget))
    return console.export_text()


def make_app(server: DemoServer, resource: str = "jobs", filter_text: str = "", *, read_only: bool = False,
             page_size: int = 100, **settings: object) -> CasaApp:  # fmt: skip
    client = CasaClient(server.api_root, server.token, read_only=read_only)
    session = Session(client, Settings(profile="test", read_only=read_only, page_size=page_size, **settings))  # type: ignore[arg-type]
    return CasaApp(session, Place(resource, filter_text), clock=lambda: NOW)


@pytest.fixture
def app_for() -> AppFactory:
    return make_app


class Api:
    """Another client of the same server: the colleague who saves first."""

    def __init__(self, server: DemoServer) -> None:
        self.http = httpx.Client(base_url=server.api_root, headers={"Authorization": f"Bearer {server.token}"})

    def find(self, collection: str, name: str) -> dict[str, Any]:
        items = self.http.get(f"/{collection}", params={"where": json.dumps({"name": name})}).json()["_items"]
        return self.http.get(f"/{collection}/{items[0]['_id']}").json()

    def get(self, collection: str, item_id: str) -> httpx.Response:
        return self.http.get(f"/{collection}/{item_id}")

    def patch(self, collection: str, document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        response = self.http.patch(f"/{collection}/{document['_id']}", json=changes,
                                   headers={"If-Match": document["_etag"]})  # fmt: skip
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def api(ui_fresh: DemoServer) -> Iterator[Api]:
    client = Api(ui_fresh)
    yield client
    client.http.close()
