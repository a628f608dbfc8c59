"""Edits that must never be lost or sent wrong: drafts kept until saved or discarded (and offered back when the
document is opened again), drafts that cannot be written, protected profiles after a 412, non-standard numbers,
and the server's version changing while the editor is open."""

from __future__ import annotations

import json
from pathlib import Path

from casatui.demo import DemoServer
from casatui.ui import edit_flow

from .test_editor import app_on, open_editor, save


def test_nan_and_infinities_are_refused_with_where_they_are() -> None:
    problem = edit_flow.parse_buffer('{\n  "name": "NaN and Infinity",\n  "retain": NaN\n}\n')
    assert isinstance(problem, edit_flow.ParseProblem)
    assert (problem.line, problem.column) == (3, 13) and "NaN" in problem.message
    problem = edit_flow.parse_buffer('{"a": "-Infinity", "b": [1, -Infinity]}')
    assert isinstance(problem, edit_flow.ParseProblem)
    assert (problem.line, problem.column) == (1, 29) and "-Infinity" in problem.message
    assert edit_flow.parse_buffer('{"a": "NaN"}') == {"a": "NaN"}
    assert edit_flow.non_finite_path({"a": [1, {"b": float("inf")}]}) == "a.1.b"
    assert edit_flow.non_finite_path({"a": [1.5, "NaN"]}) is None


async def test_nan_in_the_buffer_is_not_sent(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        document = json.loads(editor.buffer.text)
        document["retain_days"] = 1e400  # json.dumps writes Infinity, as Python would have written it back
        editor.buffer.load_text(json.dumps(document, indent=2) + "\n")
        before = len(app.session.client.exchanges)
        await save(pilot, confirm=False)
        assert app.screen is editor and len(app.session.client.exchanges) == before
        note = str(editor.query_one("#edit-note").render())
        assert "Infinity is not a JSON number" in note and "Nothing was sent" in note
        line = editor.buffer.text.splitlines()[editor.buffer.cursor_location[0]]
        assert "Infinity" in line
