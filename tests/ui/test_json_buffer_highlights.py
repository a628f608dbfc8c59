"""The editor's buffer colours only the lines it shows (a block at a time), and what it files for each line is what
Textual's whole-document highlighting files for it, after any edit, near the lines shown or far from them; the
buffer's text and its dirty state follow every edit and undo."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from casatui.demo import DemoServer
from casatui.ui.widgets.json_buffer import HIGHLIGHT_BLOCK, HIGHLIGHT_LIMIT, JsonBuffer

from .test_editor import app_on, open_editor
from .test_explorer import settle

SIZE = (80, 24)


def document(namespaces: int = 600) -> str:
    data = {
        "name": 'big \\ "quoted" ünïcödé',
        "source": {"all_namespaces": False, "namespaces": [f"ns-{i:04d}-eu" for i in range(namespaces)]},
        "tags": {"a": 1, "b": None, "c": True, "d": [1.5, -2, {"e": "f"}]},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class Buffers(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield JsonBuffer.for_document(self.text, dark=True, id="buffer")


def ordered(found: list[tuple[int, int | None, str]]) -> list[tuple[int, int | None, str]]:
    return sorted(found, key=lambda h: (h[0], -1 if h[1] is None else h[1], h[2]))


def full_highlights(text: str) -> dict[int, list[tuple[int, int | None, str]]]:
    """What Textual's own `_build_highlight_map` files, line by line, for the whole of `text`."""
    reference = TextArea.code_editor(text, language="json")
    TextArea._build_highlight_map(reference)
    return {row: ordered(found) for row, found in reference._highlights.items() if found}


def filed(buffer: JsonBuffer, rows: Iterator[int] | range) -> dict[int, list[tuple[int, int | None, str]]]:
    return {row: ordered(buffer._highlights.get(row, [])) for row in rows if buffer._highlights.get(row)}


def shown_rows(buffer: JsonBuffer) -> range:
    top = buffer.scroll_offset.y
    return range(top, min(top + buffer.size.height, buffer.document.line_count))


async def check_shown(buffer: JsonBuffer, pilot: object) -> None:
    """The lines on screen are coloured as a whole-document highlight of the same text colours them."""
    await pilot.pause()  # type: ignore[attr-defined]
    rows = shown_rows(buffer)
    expected = {row: found for row, found in full_highlights(buffer.text).items() if row in rows}
    assert expected, "nothing coloured on screen: the check would prove nothing"
    assert filed(buffer, rows) == expected


async def test_only_the_blocks_shown_are_coloured_and_as_textual_colours_them() -> None:
    text = document()
    app = Buffers(text)
    async with app.run_test(size=SIZE) as pilot:
        buffer = app.query_one(JsonBuffer)
        await pilot.pause()
        assert buffer.highlighted and buffer._highlighted_blocks == {0}
        await check_shown(buffer, pilot)
        assert max(buffer._highlights) < HIGHLIGHT_BLOCK  # nothing filed beyond the block shown
        buffer.scroll_to(y=300, animate=False)
        await check_shown(buffer, pilot)
        assert buffer._highlighted_blocks == {0, 300 // HIGHLIGHT_BLOCK, (300 + SIZE[1]) // HIGHLIGHT_BLOCK}
        # every line, block by block, as the whole-document map has it
        for block in range(buffer.document.line_count // HIGHLIGHT_BLOCK + 1):
            buffer._highlight_block(block) if block not in buffer._highlighted_blocks else None
        assert filed(buffer, range(buffer.document.line_count)) == full_highlights(text)


async def test_colours_after_edits_far_from_the_lines_shown_and_among_them() -> None:
    app = Buffers(document())
    async with app.run_test(size=SIZE) as pilot:
        buffer = app.query_one(JsonBuffer)
        await pilot.pause()
        # far below the screen: a new string, then a quote that turns the rest of the document into an error
        buffer.insert('"far-away", ', (500, 4))
        await check_shown(buffer, pilot)
        buffer.scroll_to(y=490, animate=False)
        await check_shown(buffer, pilot)
        buffer.insert('"', (495, 6))
        await check_shown(buffer, pilot)
        buffer.scroll_to(y=0, animate=False)  # above the edit: unchanged, and coloured again from the new tree
        await check_shown(buffer, pilot)
        # among the lines shown: typed keys, lines joined and split, then all of it undone
        buffer.cursor_location = (8, 6)
        buffer.focus()
        for key in ("x", "y", "enter", "backspace", "backspace", "delete", "quotation_mark"):
            await pilot.press(key)
            await check_shown(buffer, pilot)
        buffer.delete((3, 0), (12, 0))  # lines gone: those below move up
        await check_shown(buffer, pilot)
        while buffer.history.undo_stack:
            buffer.undo()
        assert buffer.text == document()
        await check_shown(buffer, pilot)
        buffer.load_text(document(5))  # a new document: its colours, not the old one's
        await check_shown(buffer, pilot)
        assert filed(buffer, range(buffer.document.line_count, 700)) == {}  # nothing left of the old one


async def test_the_text_and_the_size_follow_every_edit_and_undo() -> None:
    app = Buffers(document())
    async with app.run_test(size=SIZE) as pilot:
        buffer = app.query_one(JsonBuffer)
        await pilot.pause()
        original = buffer.text
        widest = max(map(len, original.splitlines()))
        buffer.insert("x" * 100, (7, 4))  # the widest line now
        wider = len(buffer.document.get_line(7))
        assert buffer.text == "\n".join(buffer.document.lines) and wider > widest
        assert buffer.document.get_size(2).width == wider
        await pilot.pause()
        assert buffer.virtual_size.width == wider + buffer.gutter_width + 1
        buffer.undo()
        assert buffer.text == original and buffer.document.get_size(2).width == widest
        await pilot.pause()
        assert buffer.virtual_size.width == widest + buffer.gutter_width + 1


async def test_dirty_is_right_after_typing_and_after_undoing_it(ui_fresh: DemoServer, tmp_path: Path) -> None:
    app = app_on(ui_fresh, tmp_path, "kubebackups", "prod-full-daily")
    async with app.run_test(size=(120, 35)) as pilot:
        editor = await open_editor(pilot)
        assert not editor.dirty
        editor.buffer.cursor_location = (1, 5)
        await pilot.press("x")
        await settle(pilot)
        assert editor.dirty and "x" in editor.buffer.document.get_line(1)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not editor.dirty and editor.buffer.text == editor.saved_text


def test_colours_up_to_the_limit_and_plain_text_above_it() -> None:
    assert HIGHLIGHT_LIMIT >= 400_000
    low, high = 0, HIGHLIGHT_LIMIT // 10  # the most namespaces that fit under the limit
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(document(middle)) <= HIGHLIGHT_LIMIT else (low, middle - 1)
    namespaces, text = low, document(low)
    assert len(text) <= HIGHLIGHT_LIMIT < len(document(namespaces + 1))
    assert JsonBuffer.for_document(text, dark=False).highlighted
    assert not JsonBuffer.for_document(document(namespaces + 1), dark=False).highlighted


def test_textual_still_rebuilds_its_highlights_where_the_buffer_expects_it() -> None:
    # The buffer relies on TextArea's private members: `_build_highlight_map`, called after every change (which it
    # overrides to forget the colours), `_highlights`, `_highlight_query` and `_line_cache`. If Textual renames them or
    # rebuilds colours elsewhere, colouring by block would silently stop, or colours would go stale.
    for name in ("edit", "_undo_batch", "_redo_batch", "_set_document"):
        method = TextArea.__dict__[name]
        source = inspect.getsource(vars(method).get("replaced", method))
        assert "self._build_highlight_map()" in source, name
    assert "self._line_cache" in inspect.getsource(TextArea.render_line)
    buffer = TextArea.code_editor(document(3), language="json")
    assert buffer._highlight_query is not None and isinstance(buffer._highlights, dict)
