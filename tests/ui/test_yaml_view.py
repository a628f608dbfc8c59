"""`y` shows a document as YAML, k9s's way, in the preview and on the document's own screen; the editor stays JSON.
`c` copies the document's id (it was `y`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casatui.core.safe_text import is_safe
from casatui.demo import DemoServer
from casatui.ui.screens.document import DocumentScreen
from casatui.ui.widgets.document_view import DocumentView, document_yaml

from .conftest import editor_of, text_of
from .test_editor import Api, app_on, open_editor
from .test_explorer import explorer, settle

WIDE = (200, 50)


def body(view: DocumentView) -> str:
    return text_of(view.query_one("#doc-body"))


async def test_y_shows_the_preview_as_yaml_and_back_and_the_editor_stays_json(
    ui_fresh: DemoServer, tmp_path: Path
) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = explorer(app)
        await pilot.press("p")  # the preview, wherever the table leaves it room or not
        await pilot.pause(0.5)
        await settle(pilot)
        assert '"name": "prod-full-daily"' in body(screen.preview)
        await pilot.press("y")
        await pilot.pause(0.1)
        shown = body(screen.preview)
        assert (
            "name: prod-full-daily" in shown
            and '"name"' not in shown
            and "YAML" in text_of(screen.preview.query_one("#doc-title"))
        )
        editor = await open_editor(pilot)
        assert editor.buffer.text.lstrip().startswith("{")  # the editor edits JSON
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause(0.1)
        assert '"name": "prod-full-daily"' in body(screen.preview) and editor_of(app) is None


async def test_the_document_screen_toggles_yaml_with_y_and_hostile_text_stays_visible_not_live(
    ui_fresh: DemoServer, api: Api, tmp_path: Path
) -> None:
    api.patch("policies", api.find("policies", "daily-7d"), {"tags": {"note": "a\u202eb\x1b[31mc\x85d"}})
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        await pilot.press("y")
        await pilot.pause(0.1)
        shown = body(app.screen.query_one(DocumentView))
        assert "note:" in shown and "name: daily-7d" in shown
        assert is_safe(shown, newlines=True, tabs=True), repr(shown)
        assert "U+202E" in shown  # the bidi override, in its visible form


async def test_c_copies_the_id(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        row = explorer(app).table.current
        assert row is not None
        await pilot.press("c")
        await pilot.pause(0.1)
        assert app.clipboard == row["_id"]


def test_yaml_that_cannot_be_written_falls_back_to_none() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    assert document_yaml({"spec": deep}, show_server_fields=False) is None
    assert document_yaml({"name": "x", "_etag": "e"}, show_server_fields=False) == "name: x\n"
