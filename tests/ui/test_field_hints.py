"""A new document's field list speaks JSON, the language the document is written in."""

from __future__ import annotations

from casatui.api.client import CasaClient
from casatui.api.discovery import Field, ResourceType, discover
from casatui.demo import DemoServer
from casatui.ui.field_hints import hints


async def test_defaults_and_choices_show_as_json(ui_demo: DemoServer) -> None:
    async with CasaClient(ui_demo.api_root, ui_demo.token) as client:
        catalog = await discover(client)
    lines = {line.split()[0]: line for line in hints(catalog.resources["kubebackups"]).plain.splitlines()}
    assert lines["pause"].endswith("default false"), lines["pause"]
    assert '"SCHEDULED" | "ADHOC"' in lines["trigger_type"] and lines["trigger_type"].endswith('default "SCHEDULED"')
    assert "False" not in "".join(lines.values()) and "'" not in "".join(lines.values())


def test_a_null_default_shows_as_null() -> None:
    fields = {
        "note": Field("note", "string", default=None, has_default=True),
        "size": Field("size", "integer", default=3, has_default=True),
    }
    text = hints(ResourceType("notes", "Notes", frozenset(), fields=fields)).plain
    assert "note  string  default null" in text and "size  integer  default 3" in text
