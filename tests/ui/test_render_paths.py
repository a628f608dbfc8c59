"""Random server strings through every widget's render path: whatever a server sends, what Rich renders holds no
control, C1, bidi, separator or surrogate character, and markup in it is never parsed. Then the output net itself:
a widget that forgets the boundary still writes no escape, and its line keeps its width."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from casatui.api.discovery import Field, ResourceType
from casatui.api.edits import diff, format_path
from casatui.api.exchange import Exchange
from casatui.core import formatting as fmt
from casatui.core.columns import Column, RenderOptions, render_cell
from casatui.core.overview import Overview, StateCounts, attention
from casatui.core.profiles import Profiles
from casatui.core.session import make_record
from casatui.core.summaries import policy_schedule, summarize_job
from casatui.ui.field_hints import hints
from casatui.ui.output_guard import ControlCharacters, GuardedApp
from casatui.ui.safe import markup_escaped, plain, safe_text
from casatui.ui.screens.backup import schedule_lines
from casatui.ui.screens.confirm import ChoiceScreen
from casatui.ui.screens.conflict import changes_text, short
from casatui.ui.screens.diff import render_diff
from casatui.ui.screens.history import describe
from casatui.ui.screens.job import render_job
from casatui.ui.screens.overview import overview_options
from casatui.ui.screens.pick import PickScreen
from casatui.ui.screens.request_log import details, pretty
from casatui.ui.widgets.document_view import render_document
from casatui.ui.widgets.filter_bar import HistoryInput
from casatui.ui.widgets.status_line import StatusLine
from casatui.ui.widgets.table import _shown

from ..core.test_safe_text import nasty
from .test_hostile_text import FOREIGN

NOW = 1_795_900_000
KINDS = ("text", "state", "time", "duration", "bool", "count", "size", "ref", "states", "schedules")
MARKUP = "[bold]B[/] [@click=app.quit]Q[/]"

words = st.one_of(nasty, st.just(MARKUP), st.just("aaa-\x1b]52;c;ZWNobyBQV05FRA==\x1b\\"))
documents = st.dictionaries(words, st.one_of(words, st.lists(words, max_size=3), st.integers()), max_size=5)


def rendered(renderable: RenderableType) -> str:
    console = Console(width=100, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def assert_clean(renderable: RenderableType | str, where: str) -> None:
    text = renderable if isinstance(renderable, str) else rendered(renderable)
    found = [repr(m.group()) for m in FOREIGN.finditer(text.replace("\n", ""))]
    assert not found, (where, found, text[:300])


def job_of(value: str, document: dict[str, Any]) -> dict[str, Any]:
    fields = ("_id", "name", "display_name", "state", "type", "cluster_name", "message", "backupdef_name")
    return {
        **{key: value for key in fields},
        "backupdef": value,
        "start_time": NOW - 60,
        "activity": [f"2026-11-28 20:00:00 UTC: {value}", value],
        "kube_copy_progress": {"stats": {"estimated_size": 10, "transferred_size": 3}},
        "kube_snapshot_progress": {"total_pvs": 4, "completed_pvs": 1, "failed_pvs": 1},
        "num_errors": 2,
        "extra": document,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words, documents)
def test_every_render_path_shows_server_strings_as_text(value: str, document: dict[str, Any]) -> None:
    row = {"v": value, "l": [{"state": value, "schedule": {"cronSpec": value}}], "when": value, "end": value}
    options = RenderOptions(now=NOW, names={"kubeclusters": {value: value}})
    for kind in KINDS:
        key = "l" if kind in ("states", "schedules") else "v"
        cell = render_cell(Column(key, value, kind, ref="kubeclusters", end="end"), row, options)
        assert_clean(_shown(cell.text), f"table cell {kind}")
    assert_clean(_shown(value), "column title")
    assert_clean(fmt.one_line(value), "one_line")
    assert_clean(render_document({**document, "name": value}, show_server_fields=True), "document view")
    profiles = Profiles()
    job = summarize_job(job_of(value, document), profiles["jobs"], {"kubeclusters": {value: value}})
    assert_clean(render_job(job, NOW), "job view")
    policy = {"name": value, "timezone": value, "schedules": [{"schedule": {"cronSpec": value}, "retainDays": 3}]}
    for line in schedule_lines(policy_schedule(policy, profiles["policies"], NOW), False, NOW):
        assert_clean(line, "backup schedule")
    before, after = {"name": value, **document}, {"name": value + "x", value: document}
    record = make_record("PUT", value, before, after, item_id=value, new_etag=value, when=NOW)
    assert_clean(describe(record), "history")
    assert_clean(render_diff(before, after), "diff")
    changes = diff(before, after)
    assert_clean(changes_text(changes, "green"), "conflict sides")
    assert_clean(short(value), "conflict value")
    assert_clean(plain(format_path((value, 0))), "conflict path")
    exchange = Exchange(1, NOW, "GET", f"http://x/api/v1/{value}?where={value}", {value: value}, value, 500, 1.0,
                        {"etag": value, value: value}, value, 10, value)  # fmt: skip
    assert_clean(details(exchange), "request log detail")
    assert_clean(pretty(value), "request log body")
    assert_clean(pretty(f'{{"v": {__import__("json").dumps(value)}}}'), "request log JSON body")
    status = {"state": value, "message": value, "updateTime": NOW - 900}
    store = {"validate_state": value, "validate_message": value, "provider_type": value}
    account = {"provider_type": value, "status": {"state": value}}
    overview = Overview(
        clusters=StateCounts("status.state", 3, {value: 1}, 1),
        silent_clusters=[attention(profiles["kubeclusters"], {"_id": value, "name": value, "status": status})],
        jobs_today=StateCounts("state", 4, {value: 2}, 1),
        running=[job],
        failed=[job],
        storage=[attention(profiles["objectstores"], {"_id": value, "name": value, **store})],
        accounts=[attention(profiles["cloudaccounts"], {"_id": value, "name": value, **account})],
        problems=[value],
    )
    for option in overview_options(overview, NOW):
        assert_clean(option.prompt, "overview")  # type: ignore[arg-type]
    field = Field(value, enum=(value,), default=value, has_default=True, reference=value)
    resource = ResourceType(value, value, frozenset(), fields={value: field})
    assert_clean(hints(resource), "editor field hints")
    assert_clean(safe_text(Text.assemble((value, "bold"), value), newlines=True), "safe_text of a Text")
    status = StatusLine()
    status.profile, status.root, status.problem, status.extra = value, value, value, value
    status.last = exchange
    assert_clean(status.line(), "status line")
    pick = PickScreen(value, [(value, value), ("t", Text(value))], hint=value)
    assert_clean(pick.title_text + pick.hint, "picker title")
    for _, label in pick.choices:
        assert_clean(label, "picker choice")  # type: ignore[arg-type]
    choice = ChoiceScreen(value, value, [("d", "Delete")], type_to_confirm=value)
    assert_clean(choice.title_text, "dialog title")
    assert_clean(choice.body, "dialog body")  # type: ignore[arg-type]


@given(words)
def test_markup_in_server_strings_is_shown_literally(value: str) -> None:
    from textual.content import Content

    # The command palette parses its labels as markup: escaped, they come back as the visible text.
    assert Content.from_markup(markup_escaped(value)).plain == plain(value)
    # Everywhere else server text is a Text, which never parses markup.
    assert safe_text(MARKUP + value).plain == MARKUP + plain(value)


class FilterOfAnId(GuardedApp[None]):
    def compose(self) -> ComposeResult:
        yield HistoryInput(value="_id=aaa-\x1b]52;c;ZWNo\x07-\u202e", id="filter")


async def test_the_filter_input_shows_a_followed_server_id_without_its_controls() -> None:
    app = FilterOfAnId()
    app.output_guard.enabled = False  # the input itself, not the net
    async with app.run_test(size=(60, 3)) as pilot:
        box = app.query_one(HistoryInput)
        box.focus()
        box.cursor_position = 5
        await pilot.pause()
        line = "".join(segment.text for segment in box.render_line(0))
        assert not FOREIGN.search(line)
        assert line.startswith("_id=aaa-␛]52;c;ZWNo␇-�")
        assert box.value == "_id=aaa-\x1b]52;c;ZWNo\x07-\u202e"  # the filter sent is the real one


class Forgetful(GuardedApp[None]):
    """A widget that puts raw server text on screen, as a future widget might."""

    def compose(self) -> ComposeResult:
        yield Static(Text("left \x1b]52;c;ZWNo\x07 \x9b2J \u202eright|"), id="raw")


async def test_the_net_marks_what_a_widget_forgot_and_keeps_the_line_width() -> None:
    app = Forgetful()
    guard = app.output_guard
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        widget = app.query_one("#raw", Static)
        lines = widget.render_lines(widget.region.reset_offset)  # what the compositor gets, filters applied
        text = "".join(segment.text for segment in lines[0])
        assert guard.caught >= 1
        assert not FOREIGN.search(text)
        assert text.startswith("left ␛]52;c;ZWNo")  # (BEL is dropped by Rich itself)
        assert " �2J �right|" in text
        assert lines[0].cell_length == widget.region.width


def test_the_net_leaves_clean_lines_alone() -> None:
    from rich.segment import Segment
    from textual.color import Color

    segments = [Segment("plain text é 日本", None), Segment("", None, [])]
    assert ControlCharacters().apply(segments, Color(0, 0, 0)) is segments
