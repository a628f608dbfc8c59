"""Each workaround in casatui/ui/textual_patches.py, twice: the bug still there in the installed Textual without it,
and the workaround at work. When a `test_textual_still_...` test fails after a Textual upgrade, upstream fixed the
bug (or changed what the patch replaces): drop the patch."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, TextArea

from casatui.core.safe_text import UNSAFE
from casatui.ui import textual_patches
from casatui.ui.app import CasaApp
from casatui.ui.widgets.json_buffer import JsonBuffer

TOKEN = "s3cret-token-for-the-crash-report"


def unpatched(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> Any:
    """Put back, for one test, what the patch of `owner.<name>` replaced."""
    current = owner.__dict__[name]
    assert "replaced" in vars(current), f"{owner.__name__}.{name} is not patched: Textual changed it (bug fixed?)"
    monkeypatch.setattr(owner, name, current.replaced)
    return current.replaced


# --- Textualize/textual#6665: StylesCache.get_inner_outer keeps closed widgets' caches ---------------------------


class Cards(App[None]):
    def compose(self) -> ComposeResult:
        yield Vertical(id="cards")


async def caches_of_closed_widgets() -> int:
    """How many of 20 removed labels' style caches (and their rendered lines) are still alive."""
    app = Cards()
    async with app.run_test(size=(40, 30)) as pilot:
        cards = app.query_one("#cards")
        labels = [Label(f"card {i}") for i in range(20)]
        await cards.mount_all(labels)
        await pilot.pause()
        caches = [weakref.ref(label._styles_cache) for label in labels]
        del labels
        await cards.remove_children()
        await cards.mount(Label("the next card"))  # the old cards leave the layout
        await pilot.pause()
        gc.collect()
        return sum(cache() is not None for cache in caches)


async def test_textual_still_keeps_the_style_caches_of_closed_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual._styles_cache import StylesCache

    original = unpatched(monkeypatch, StylesCache, "get_inner_outer")
    try:
        assert await caches_of_closed_widgets() == 20
    finally:
        original.cache_clear()


async def test_style_caches_are_freed_with_their_widgets() -> None:
    assert await caches_of_closed_widgets() == 0


# --- not reported upstream: Screen.dismiss pops whatever screen is on top -------------------------------------------


class Picker(Screen[str]):
    def compose(self) -> ComposeResult:
        yield Label("pick one")


class Explorer(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("the explorer")


async def screens_after_a_second_dismiss() -> tuple[list[str], list[str | None]]:
    app = App[None]()
    async with app.run_test() as pilot:
        await app.push_screen(Explorer())
        picker = Picker()
        chosen: list[str | None] = []
        await app.push_screen(picker, callback=chosen.append)
        await pilot.pause()
        picker.dismiss("first")
        await pilot.pause()
        picker.dismiss("second")  # a second Enter, typed before the picker was redrawn away
        await pilot.pause()
        return [type(screen).__name__ for screen in app.screen_stack], chosen


async def test_textual_still_lets_a_dismissed_screen_pop_the_one_under_it(monkeypatch: pytest.MonkeyPatch) -> None:
    unpatched(monkeypatch, Screen, "dismiss")
    stack, chosen = await screens_after_a_second_dismiss()
    assert stack == ["Screen"] and chosen == ["first"]  # the explorer is gone


async def test_a_dismissed_screen_dismissed_again_does_nothing() -> None:
    stack, chosen = await screens_after_a_second_dismiss()
    assert stack == ["Screen", "Explorer"] and chosen == ["first"]


# --- Textualize/textual#6666: watchers of closed nodes kept until the watched reactive changes ----------------------
# --- not reported upstream: a highlighted document and its tree-sitter tree, a cycle the collector cannot see -----


class Editing(Screen[None]):
    def __init__(self, area: TextArea) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        self.area.cursor_blink = False  # its timer holds the area until its next tick
        yield self.area


def documents() -> int:
    from textual.document._syntax_aware_document import SyntaxAwareDocument

    gc.collect()
    return sum(isinstance(o, SyntaxAwareDocument) for o in gc.get_objects())


async def open_and_close(make: Callable[[], TextArea], *, prune: bool = False) -> tuple[bool, int]:
    """Whether the area `make` builds is still alive once its screen closed, and how many highlighted documents it
    left."""
    app = App[None]()
    async with app.run_test() as pilot:
        before = documents()
        area = make()
        alive = weakref.ref(area)
        await app.push_screen(Editing(area))
        await pilot.pause()
        del area
        await app.pop_screen()
        await pilot.pause()
        if prune:
            textual_patches.prune_watchers(app, textual_patches.is_closing)
        gc.collect()
        return alive() is not None, documents() - before


async def test_textual_still_keeps_closed_watchers_of_a_reactive_that_does_not_change() -> None:
    kept, _ = await open_and_close(lambda: TextArea("{}"))  # a TextArea watches the app's theme
    assert kept


async def test_pruned_watchers_let_closed_widgets_go() -> None:
    kept, _ = await open_and_close(lambda: TextArea("{}"), prune=True)
    assert not kept


async def test_textual_still_leaves_highlighted_documents_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    unpatched(monkeypatch, TextArea, "_set_document")
    kept, left = await open_and_close(lambda: TextArea.code_editor("{}", language="json"), prune=True)
    assert not kept and left == 2  # the one its constructor replaced, and its last


async def test_a_closed_editor_leaves_no_documents() -> None:
    kept, left = await open_and_close(lambda: JsonBuffer.for_document('{"a": 1}', dark=True))
    assert not kept and left == 0


# --- not reported upstream: Textual's crash report shows every frame's local variables ----------------------------


def refuse(token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}  # a local holding the token, as httpx's frames have
    raise RuntimeError(f"the server refused {headers['Authorization'][:6]}")


class Crashing(App[None]):
    def on_mount(self) -> None:
        self.call_next(refuse, TOKEN)


async def test_textual_still_shows_locals_in_its_crash_report(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RuntimeError):
        async with Crashing().run_test():
            pass
    report = capsys.readouterr().err  # printed on the way out
    assert "the server refused" in report and "locals" in report and TOKEN in report


# The report of casatui's own app: tests/ui/test_crash_report.py.


# --- not reported upstream, and not in textual_patches.py: an Input shows its value's control characters raw ------


class Field(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(value="_id=aaa-\x1b]52;c;ZWNo\x07-\u202e")


async def test_textual_still_sends_an_inputs_control_characters_to_the_terminal() -> None:
    # HistoryInput overrides Input._value for it (tests/ui/test_render_paths.py shows it at work): a `highlighter`
    # would see the value after Rich dropped BEL, BS, VT, FF and CR, one character short per control, and the cursor
    # would stand on the wrong character.
    app = Field()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        box = app.query_one(Input)
        line = "".join(segment.text for segment in box.render_line(0))
        assert "\x1b]52;c;ZWNo" in line and UNSAFE.search(line)
        assert Text("a\x07b").plain == "ab"


# --- not reported upstream: a TextArea's per-frame and per-key work over every line of its document --------------
# (performance: the answers are the same with and without the patches; what these show is that they stay the same
# through edits, and that the patches still replace what they say, bench/editor_typing.py has the figures)

LINES = ["{", '  "a": "ünïcödé\tx",', "\tb", "", "  " + "wide " * 30, "東京 " * 10, "}"]
EDITS: list[tuple[tuple[int, int], tuple[int, int], str]] = [
    ((1, 3), (1, 3), "x"),  # a key
    ((4, 0), (4, 40), ""),  # the widest line narrowed: the widest is another now
    ((2, 1), (5, 2), "joined"),  # lines joined
    ((0, 1), (0, 1), "\n\tnew\n" + "y" * 200 + "\n"),  # lines split, a wider one
    ((3, 0), (3, 200), ""),
    ((0, 0), (-1, -1), "all\r\nreplaced"),  # to the end (below), another newline
]


def span(document: Any, start: tuple[int, int], end: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    if end == (-1, -1):
        end = (document.line_count - 1, len(document.lines[-1]))
    return start, end


def documents_to_edit() -> list[Any]:
    from textual._tree_sitter import get_language
    from textual.document._document import Document
    from textual.document._syntax_aware_document import SyntaxAwareDocument

    return [Document("\n".join(LINES)), SyntaxAwareDocument("\n".join(LINES), get_language("json"))]


def test_document_text_and_size_are_textual_s_after_every_change() -> None:
    from textual.document._document import Document

    text, size = Document.__dict__["text"].fget.replaced, Document.__dict__["get_size"].replaced
    for document in documents_to_edit():
        for start, end, inserted in EDITS:
            assert document.text == text(document) and document.get_size(4) == size(document, 4)
            document.replace_range(*span(document, start, end), inserted)
        assert document.text == text(document) == "all\nreplaced" and document.get_size(4) == size(document, 4)
        assert document.get_size(8) == size(document, 8)  # another tab width: measured again


def test_byte_offsets_are_textual_s() -> None:
    from textual.document._syntax_aware_document import SyntaxAwareDocument

    offset = SyntaxAwareDocument.__dict__["_location_to_byte_offset"].replaced
    document = documents_to_edit()[1]
    for location in [(0, 0), (1, 0), (1, 9), (1, 99), (2, 1), (5, 3), (6, 1), (7, 0), (99, 0)]:
        assert document._location_to_byte_offset(location) == offset(document, location), location


def test_wrapped_height_is_textual_s_through_edits_and_rewraps() -> None:
    from textual.document._wrapped_document import WrappedDocument

    height = WrappedDocument.__dict__["height"].fget.replaced
    for document in documents_to_edit():
        wrapped = WrappedDocument(document, width=12, tab_width=4)
        for start, end, inserted in EDITS:
            assert wrapped.height == height(wrapped) > 0
            start, end = span(document, start, end)
            result = document.replace_range(start, end, inserted)
            wrapped.wrap_range(start, end, result.end_location)
        for width in (0, 5, 40):
            wrapped.wrap(width)
            assert wrapped.height == height(wrapped)


def test_the_document_patches_hold_no_stale_answer_for_textual_s_own_edits() -> None:
    # Textual's edits, undo and redo go through `replace_range`, the only method that changes a document's lines.
    area = TextArea("\n".join(LINES), language="json")
    area.insert("inserted\n", (2, 0))
    assert area.text == "\n".join(area.document.lines) and area.document.get_size(4).height == len(LINES) + 1
    area.undo()
    assert area.text == "\n".join(LINES)
    area.redo()
    assert area.document.get_line(2) == "inserted"


def test_the_patches_are_applied_by_the_app() -> None:
    from textual._styles_cache import StylesCache

    assert CasaApp is not None  # importing the app applies them
    from textual.document._document import Document
    from textual.document._syntax_aware_document import SyntaxAwareDocument
    from textual.document._wrapped_document import WrappedDocument

    for owner, name in [
        (StylesCache, "get_inner_outer"),
        (Screen, "dismiss"),
        (TextArea, "_set_document"),
        (Document, "replace_range"),
        (Document, "get_size"),
        (SyntaxAwareDocument, "_location_to_byte_offset"),
    ]:
        assert "replaced" in vars(owner.__dict__[name]), name
    for owner, name in [(Document, "text"), (WrappedDocument, "height")]:
        assert "replaced" in vars(owner.__dict__[name].fget), name
