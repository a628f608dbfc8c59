"""Saving from the editor against a server whose answers to the write cannot be tied to the document: a redirect
and a 204 are shown as not saved, the buffer stays, and the next save still goes to the document's own URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from casatui.api.client import CasaClient
from casatui.demo import DemoServer

from ..faults import FaultServer, Respond, Seen
from .conftest import in_front
from .test_editor import app_on, edit, open_editor, save


def puts(seen: Seen) -> bool:
    return seen.method == "PUT"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (Respond(302, b"", {"Location": "https://elsewhere.example.com/policies"}), "https://elsewhere.example.com"),
        (Respond(301, b"", {"Location": "/api/v1/policies/"}), "/api/v1/policies/"),
        (Respond(204), "cannot tell"),
        (Respond(200, {"_status": "OK"}), "cannot tell"),
    ],
    ids=["302", "301-to-collection", "204", "200-without-id"],
)
async def test_a_save_answered_without_the_document_is_not_saved(
    ui_fresh: DemoServer, tmp_path: Path, answer: Respond, words: str
) -> None:
    with FaultServer(upstream=ui_fresh.base_url) as faults:
        faults.when(puts, answer)
        app = app_on(ui_fresh, tmp_path, "policies", "daily-7d")
        app.session.client = CasaClient(f"{faults.base_url}/api/v1", ui_fresh.token)
        async with app.run_test(size=(120, 40)) as pilot:
            editor = await open_editor(pilot)
            assert editor.base is not None
            item_id = editor.base.id
            edit(editor, lambda d: d.update(timezone="Europe/Paris"))
            typed = editor.buffer.text
            await save(pilot)
            messages = [str(n.message) for n in app._notifications]
            assert in_front(app, editor) and editor.buffer.text == typed
            assert any(words in text for text in messages), messages
            assert not any(text.startswith("Saved") for text in messages)
            assert editor.base.id == item_id
            faults.rules.clear()  # the server behaves again: the same save goes to the document
            await save(pilot)
            assert any(str(n.message).startswith("Saved") for n in app._notifications)
        put_paths = [seen.path for seen in faults.seen if seen.method == "PUT"]
        assert put_paths == [f"/api/v1/policies/{item_id}"] * 2  # nothing followed the redirect
        assert not any(seen.path.rstrip("/").endswith("/policies") and seen.method != "GET" for seen in faults.seen)
