"""big_document_editor: a ~1 MB document in the editor, against the same steps on a ~1 KB one in the same run.

The parent starts a demo server of its own (100 jobs, no activity) and creates two kubebackups with plain httpx
POSTs, alike but for the length of `source.namespaces`: one whose editor buffer (the document as two-space-indented
JSON without the server-managed fields) is at least BIG_CHARS characters (~25,000 namespaces), one of ~SMALL_CHARS.
A worker process runs the real app headless (120x35) on the kubebackups table, with drafts on (in a temporary state
directory, as the command line has them). ROUNDS rounds (plus one discarded warm-up: tree-sitter's JSON grammar and
the editor's modules load then), alternating which document goes first; in each, for each document:

- the cursor onto its row, then the preview's fetch is let finish (not timed; its time is in the JSON);
- **open**: key "e" posted as Pilot posts it (an `events.Key` to the driver) until the buffer is first painted with
  all its lines (`TextArea.render_line` wrapped in this process); then the text length is checked. The JSON also has
  the latency of the editor's GET from the request log, and the figure without it (client time only);
- **no-change save**: ctrl+s on the unchanged buffer until the note line is painted with "No changes" (parse of the
  buffer, comparison with the loaded version; nothing is sent, checked);
- **keystrokes**, the cursor on the middle line, the cursor blink off (so only keys paint): `end` and `home` in turn
  (KEYS of them), then KEYS characters typed inside a string on that line (`x`: an edit, so the syntax highlighting
  of the whole buffer is rebuilt and `TextArea.Changed` reaches the editor). Each is timed from posting the key to the
  first paint of the buffer showing its effect (the cursor moved), wall and process CPU time, KEY_GAP apart;
- **draft write**: `EditorPane._save_draft()` on the changed buffer (what the editor does after 1 s of quiet
  typing: the whole buffer and the base document to a file);
- escape, "d" (discard), back on the table: the pane removed.

The editor is a pane of the explorer: at 120x35 it opens beside the table, in the preview's place (half the width),
as a person sees it; keys go to its buffer, which has the focus.

Reported: medians of the big document, the small one as the baseline, and the ratio (report only).

Then a second worker, on the same server, saves the big document SAVES times as a person does: the cursor onto its
row, `e`, one character typed into a value (`tags.purpose`), ctrl+s, `y` on the diff, back on the table (each save
checked: one PUT or PATCH answered 200); RSS after gc after each save. `rss_12_saves`: RSS after the last save
against RSS after the first (target: ratio <= 1.2). The JSON also has, after each save, the deep sizes of the
history of writes and of the request log.
"""

from __future__ import annotations

import sys
from typing import Any

from common import DemoProcess, Result, ServerPool, emit, median, ratio, run_worker, summary

NAME = "big_document_editor"
SAVES = 12  # saves of the big document for rss_12_saves (both modes: the figure is of 12)
RSS_SAVES_TARGET = 1.2  # RSS after SAVES saves / RSS after the first
JOBS = 100
BIG_CHARS = 1_000_000
SMALL_CHARS = 1_000
ROUNDS = 5
QUICK_ROUNDS = 2
KEYS = 20
QUICK_KEYS = 8
KEY_GAP = 0.05  # seconds of quiet after each key's paint
PAINT_TIMEOUT = 120.0


def _namespaces(count: int) -> list[str]:
    return [f"ns-{i:06d}-payments-eu-west-1-prod" for i in range(count)]


def _create_documents(api_root: str, token: str) -> dict[str, dict[str, Any]]:
    """POST the big and the small kubebackup; return, for each, its id, buffer length and line count."""
    import httpx

    from casatui.core.editing import buffer_text

    with httpx.Client(base_url=api_root, headers={"Authorization": f"Bearer {token}"}, timeout=300) as http:
        cluster = http.get("/kubeclusters", params={"max_results": 1}).json()["_items"][0]["_id"]

        def body(name: str, count: int) -> dict[str, Any]:
            return {
                "name": name,
                "cluster": cluster,
                "trigger_type": "ADHOC",
                "source": {"all_namespaces": False, "namespaces": _namespaces(count)},
                "tags": {"purpose": "benchmark"},
            }

        base = len(buffer_text(body("bench-big-document", 0)))
        per_entry = len(buffer_text(body("x", 101))) - len(buffer_text(body("x", 100)))
        counts = {
            "big": -(-(BIG_CHARS - base) // per_entry) + 10,  # defaults the server adds are few; a margin
            "small": max(1, (SMALL_CHARS - base) // per_entry),
        }
        documents = {}
        for label, count in counts.items():
            answer = http.post("/kubebackups", json=body(f"bench-{label}-document", count))
            if answer.status_code != 201:
                raise RuntimeError(f"POST of the {label} document: {answer.status_code} {answer.text[:500]}")
            item_id = answer.json()["_id"]
            stored = http.get(f"/kubebackups/{item_id}")
            stored.raise_for_status()
            text = buffer_text(stored.json())
            documents[label] = {
                "id": item_id,
                "namespaces": count,
                "chars": len(text),
                "lines": text.count("\n"),  # the buffer ends with a newline: lines + 1 document lines
                "response_bytes": len(stored.content),
            }
    if documents["big"]["chars"] < BIG_CHARS:
        raise RuntimeError(f"the big document has {documents['big']['chars']} characters, wanted {BIG_CHARS}")
    return documents


class _BufferPaint:
    """Notices the first paint of the editor's buffer (TextArea id "buffer") for which `condition(area)` holds."""

    def __init__(self) -> None:
        import asyncio

        from textual.widgets import TextArea

        self.condition: Any = None
        self.at = 0.0
        self.event = asyncio.Event()
        original = TextArea.render_line
        watch = self

        def render_line(area: Any, y: int) -> Any:
            strip = original(area, y)
            if watch.condition is not None and area.id == "buffer" and watch.condition(area):
                import time

                watch.at = time.perf_counter()
                watch.condition = None
                watch.event.set()
            return strip

        TextArea.render_line = render_line  # type: ignore[method-assign]

    def arm(self, condition: Any) -> None:
        self.event.clear()
        self.condition = condition

    async def wait(self) -> float:
        import asyncio

        await asyncio.wait_for(self.event.wait(), PAINT_TIMEOUT)
        return self.at


async def _measure(api_root: str, token: str, documents: dict[str, Any], rounds: int, keys: int, state: str) -> Any:
    import asyncio
    import gc
    import time
    from pathlib import Path

    from common import SIZE, make_app, peak_rss_mb, rss_mb, settle
    from textual import events

    from casatui.core.drafts import DraftStore
    from casatui.ui.screens import explorer as explorer_module
    from casatui.ui.screens.confirm import ChoiceScreen
    from casatui.ui.screens.explorer import ExplorerScreen

    paint = _BufferPaint()
    app = make_app(api_root, token, resource="kubebackups")
    app.session.state_dir = Path(state)
    app.session.drafts = DraftStore(Path(state) / "drafts")
    client = app.session.client
    samples: dict[str, dict[str, list[float]]] = {label: {} for label in documents}

    def keep(label: str, key: str, value: float) -> None:
        samples[label].setdefault(key, []).append(value)

    def post(key: str) -> None:
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))  # as Pilot posts keys

    async def timed(key: str, condition: Any) -> tuple[float, float]:
        """Wall ms from posting `key` to the buffer's first paint where `condition` holds, and process CPU ms."""
        paint.arm(condition)
        cpu, begun = time.process_time(), time.perf_counter()
        post(key)
        painted = await paint.wait()
        return (painted - begun) * 1000, (time.process_time() - cpu) * 1000

    async def wait_for(predicate: Any, what: str, timeout: float = PAINT_TIMEOUT) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{what} (screen: {type(app.screen).__name__})")
            await asyncio.sleep(0.01)

    async def one(label: str, round_number: int) -> None:
        from casatui.ui.widgets.editor_pane import EditorPane

        document = documents[label]
        explorer = app.screen
        assert isinstance(explorer, ExplorerScreen)
        index = explorer.table.model.index_of(document["id"])
        if index is None:
            raise RuntimeError(f"the {label} document is not in the table")
        kept = {key: len(values) for key, values in samples[label].items()}
        begun = time.perf_counter()
        explorer.table.cursor = index
        await asyncio.sleep(explorer_module.PREVIEW_DELAY + 0.05)
        await settle(pilot)
        keep(label, "preview_s", time.perf_counter() - begun)
        await asyncio.sleep(0.2)
        gc.collect()

        # -- open ------------------------------------------------------------------------------------------------
        before = client.exchanges[-1].number if client.exchanges else 0
        lines = document["lines"] + 1
        wall, cpu = await timed("e", lambda area: area.document.line_count == lines)
        editor = explorer.editor
        if not isinstance(editor, EditorPane) or app.screen is not explorer:
            raise RuntimeError(f"the buffer painted but the editor is {editor!r} (screen: {type(app.screen).__name__})")
        if len(editor.buffer.text) != document["chars"]:
            raise RuntimeError(f"{label}: buffer of {len(editor.buffer.text)} characters, expected {document['chars']}")
        gets = [
            e
            for e in client.exchanges
            if e.number > before and e.method == "GET" and e.path.endswith(f"/kubebackups/{document['id']}")
        ]
        latency = gets[0].latency_ms if gets else 0.0
        keep(label, "open_ms", wall)
        keep(label, "open_cpu_ms", cpu)
        keep(label, "open_get_latency_ms", latency)
        keep(label, "open_client_ms", wall - latency)
        await settle(pilot)
        await wait_for(lambda: editor.buffer.has_focus, "the editor's buffer to have the focus (keys go there)")
        await asyncio.sleep(0.3)
        editor.buffer.cursor_blink = False  # only keys paint from here on
        await pilot.pause()
        await asyncio.sleep(0.1)

        # -- ctrl+s on the unchanged buffer ------------------------------------------------------------------------
        note = editor.query_one("#edit-note")
        shown = asyncio.Event()
        shown_at = [0.0]
        original = note.render_line

        def note_line(y: int) -> Any:
            strip = original(y)
            if not shown.is_set() and "No changes" in strip.text:
                shown_at[0] = time.perf_counter()
                shown.set()
            return strip

        note.render_line = note_line  # type: ignore[method-assign]
        before = client.exchanges[-1].number
        cpu0, begun = time.process_time(), time.perf_counter()
        post("ctrl+s")
        await asyncio.wait_for(shown.wait(), PAINT_TIMEOUT)
        keep(label, "nochange_save_ms", (shown_at[0] - begun) * 1000)
        keep(label, "nochange_save_cpu_ms", (time.process_time() - cpu0) * 1000)
        await settle(pilot)
        if client.exchanges[-1].number != before:
            raise RuntimeError(f"{label}: ctrl+s on an unchanged buffer sent a request")
        await asyncio.sleep(0.2)

        # -- keystrokes on the middle line -------------------------------------------------------------------------
        buffer = editor.buffer
        middle = lines // 2
        line = buffer.document.get_line(middle)
        buffer.cursor_location = (middle, 0)
        await pilot.pause()
        await asyncio.sleep(0.2)
        for number in range(keys):
            key = "end" if number % 2 == 0 else "home"
            start = buffer.selection.end
            wall, cpu = await timed(key, lambda area, start=start: area.selection.end != start)
            keep(label, "key_move_ms", wall)
            keep(label, "key_move_cpu_ms", cpu)
            await asyncio.sleep(KEY_GAP)
        column = line.index('"') + 4  # inside the namespace string: typing keeps the JSON valid
        buffer.cursor_location = (middle, column)
        await pilot.pause()
        await asyncio.sleep(0.2)
        for number in range(keys):
            target = (middle, column + number + 1)
            wall, cpu = await timed("x", lambda area, target=target: area.selection.end == target)
            keep(label, "key_type_ms", wall)
            keep(label, "key_type_cpu_ms", cpu)
            await asyncio.sleep(KEY_GAP)
        if buffer.document.get_line(middle) != line[:column] + "x" * keys + line[column:]:
            raise RuntimeError(f"{label}: the typed characters are not where they were typed")

        # -- the draft the editor writes after a second of quiet ---------------------------------------------------
        begun = time.perf_counter()
        editor._save_draft()
        keep(label, "draft_write_ms", (time.perf_counter() - begun) * 1000)

        # -- leave, discarding -------------------------------------------------------------------------------------
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, ChoiceScreen), "the leave-with-changes question")
        await pilot.press("d")
        await wait_for(
            lambda: app.screen is explorer and editor.closed and not editor.is_attached and explorer.editor is None,
            "back on the table, the editor pane removed",
        )
        await settle(pilot)
        if round_number == 0:  # the warm-up round is not kept
            for key, values in samples[label].items():
                del values[kept.get(key, 0) :]

    def text_areas() -> int:
        from textual.widgets import TextArea

        return sum(1 for obj in gc.get_objects() if isinstance(obj, TextArea))

    memory: dict[str, Any] = {"rss_after_round_mb": []}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await asyncio.sleep(1.2)  # discovery, then quiet
        await settle(pilot)
        gc.collect()
        memory["rss_start_mb"] = rss_mb()
        for round_number in range(rounds + 1):
            order = ["small", "big"] if round_number % 2 == 0 else ["big", "small"]
            for label in order:
                await one(label, round_number)
            gc.collect()
            memory["rss_after_round_mb"].append(rss_mb())
        await asyncio.sleep(1.5)  # the last editor's timers (draft, blink) are gone
        gc.collect()
        memory["rss_end_mb"] = rss_mb()
        memory["peak_rss_mb"] = peak_rss_mb()
        memory["editors_opened"] = 2 * (rounds + 1)
        memory["text_areas_alive"] = text_areas()  # every editor is closed by now
    return {"documents": documents, "samples": samples, "rounds": rounds, "keys": keys, "memory": memory}


async def _saves(api_root: str, token: str, documents: dict[str, Any], saves: int, state: str) -> Any:
    """SAVES saves of the big document, each as a person makes it: the editor opened on its row, one character
    typed into a value, ctrl+s, `y` on the diff, back on the table; RSS after gc after each."""
    import asyncio
    import gc
    from pathlib import Path

    from common import SIZE, deep_size_mb, make_app, peak_rss_mb, rss_mb, settle

    from casatui.core.drafts import DraftStore
    from casatui.ui.screens import explorer as explorer_module
    from casatui.ui.screens.diff import DiffScreen
    from casatui.ui.screens.explorer import ExplorerScreen
    from casatui.ui.widgets.editor_pane import EditorPane

    app = make_app(api_root, token, resource="kubebackups")
    app.session.state_dir = Path(state)
    app.session.drafts = DraftStore(Path(state) / "drafts")
    client = app.session.client
    big = documents["big"]
    lines = big["lines"] + 1

    async def wait_for(predicate: Any, what: str, timeout: float = PAINT_TIMEOUT) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{what} (screen: {type(app.screen).__name__})")
            await asyncio.sleep(0.01)

    rss_after: list[float] = []
    writes_mb: list[float] = []
    log_mb: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await asyncio.sleep(1.2)  # discovery, then quiet
        await settle(pilot)
        explorer = app.screen
        assert isinstance(explorer, ExplorerScreen)
        gc.collect()
        rss_start = rss_mb()
        for number in range(saves):
            index = explorer.table.model.index_of(big["id"])
            if index is None:
                raise RuntimeError("the big document is not in the table")
            explorer.table.cursor = index
            await asyncio.sleep(explorer_module.PREVIEW_DELAY + 0.05)
            await settle(pilot)
            await pilot.press("e")
            await wait_for(
                lambda: (
                    isinstance(explorer.editor, EditorPane)
                    and explorer.editor.buffer.document.line_count == lines
                    and explorer.editor.buffer.has_focus
                ),
                "the editor on the big document, its buffer focused",
            )
            editor = explorer.editor
            assert isinstance(editor, EditorPane)
            buffer = editor.buffer
            row = next(i for i in range(lines) if '"purpose": "b' in buffer.document.get_line(i))
            buffer.cursor_location = (row, buffer.document.get_line(row).index(': "b') + 4)
            await pilot.press("x")  # a value changed: "benchmark" -> "bxenchmark", one more x each save
            await pilot.press("ctrl+s")
            await wait_for(lambda: isinstance(app.screen, DiffScreen), "the diff before saving")
            before = client.exchanges[-1].number
            await pilot.press("y")
            await wait_for(
                lambda editor=editor: app.screen is explorer and editor.closed and explorer.editor is None,
                "back on the table after the save",
            )
            await settle(pilot)
            sent = [e for e in client.exchanges if e.number > before and e.method in ("PUT", "PATCH")]
            if len(sent) != 1 or sent[0].status != 200:
                raise RuntimeError(f"save {number + 1}: {[(e.method, e.status) for e in sent]}")
            del editor, buffer  # this loop's own references to the closed editor
            await asyncio.sleep(0.3)
            gc.collect()
            rss_after.append(rss_mb())
            writes_mb.append(deep_size_mb(app.session.writes))
            log_mb.append(deep_size_mb(client.exchanges))
        if len(app.session.writes) != saves:
            raise RuntimeError(f"{len(app.session.writes)} writes in the history, expected {saves}")
        held = {
            "session.writes (history)": deep_size_mb(app.session.writes),
            "table.model.pages (rows)": deep_size_mb(explorer.table.model.pages),
            "client.exchanges (request log)": deep_size_mb(client.exchanges),
        }
    return {
        "saves": saves,
        "rss_start_mb": rss_start,
        "rss_after_save_mb": rss_after,
        "history_mb_after_save": writes_mb,
        "request_log_mb_after_save": log_mb,
        "held_mb": held,
        "peak_rss_mb": peak_rss_mb(),
    }


ROWS = (
    ("open", "open_ms", "'e' until the buffer is painted (incl. the GET)"),
    ("open_client", "open_client_ms", "the same minus the GET's latency (client time)"),
    ("nochange_save", "nochange_save_ms", "ctrl+s, unchanged buffer, until 'No changes' is painted"),
    ("key_end_home", "key_move_ms", "end/home until the buffer is repainted"),
    ("key_type", "key_type_ms", "a character typed until the buffer is repainted"),
    ("draft_write", "draft_write_ms", "the draft file written (buffer + base document)"),
)


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    import json
    import tempfile

    rounds = QUICK_ROUNDS if quick else ROUNDS
    keys = QUICK_KEYS if quick else KEYS
    log(f"  starting a demo server with {JOBS} jobs of its own …")
    with DemoProcess(JOBS) as server, tempfile.TemporaryDirectory(prefix="casatui-bench-") as state:
        log(f"  … ready in {server.seconds_to_start:.1f} s at {server.api_root} (pid {server.pid})")
        documents = _create_documents(server.api_root, server.token)
        big, small = documents["big"], documents["small"]
        log(
            f"  documents: big {big['chars']:,} characters ({big['namespaces']:,} namespaces, {big['lines']:,} lines), "
            f"small {small['chars']:,} characters; {rounds} rounds + 1 warm-up, {keys} keys of each kind …"
        )
        data = run_worker(
            "big_document.py",
            ["--worker", server.api_root, server.token, json.dumps(documents), str(rounds), str(keys), state],
            timeout=1200,
        )
        log(f"  {SAVES} saves of the big document (editor, one character typed, ctrl+s, y), RSS after each …")
        saved = run_worker(
            "big_document.py",
            ["--saves", server.api_root, server.token, json.dumps(documents), str(SAVES), state],
            timeout=1200,
        )
    samples = data["samples"]
    results = []
    for row, key, what in ROWS:
        figure, baseline = median(samples["big"][key]), median(samples["small"][key])
        cpu_key = key.replace("_ms", "_cpu_ms")
        details: dict[str, Any] = {
            "what": what,
            "big": summary(samples["big"][key]),
            "small": summary(samples["small"][key]),
        }
        if cpu_key in samples["big"]:
            details["cpu_big"] = summary(samples["big"][cpu_key])
            details["cpu_small"] = summary(samples["small"][cpu_key])
        if row == "open":
            details["get_latency_ms_big"] = summary(samples["big"]["open_get_latency_ms"])
            details["get_latency_ms_small"] = summary(samples["small"]["open_get_latency_ms"])
            details["preview_s_big"] = summary(samples["big"]["preview_s"])
            details["preview_s_small"] = summary(samples["small"]["preview_s"])
            details["documents"] = documents
        results.append(
            Result(
                name=f"{NAME}.{row}",
                figure=figure,
                unit="ms",
                baseline=baseline,
                baseline_label=f"the same on the {small['chars']:,}-character document",
                ratio=ratio(figure, baseline),
                target="(report only)",
                runs=len(samples["big"][key]),
                details=details,
            )
        )
        extra = ""
        if cpu_key in samples["big"]:
            extra = f" (CPU {median(samples['big'][cpu_key]):.1f} vs {median(samples['small'][cpu_key]):.1f} ms)"
        log(f"  {row}: big {figure:.1f} ms, small {baseline:.1f} ms{extra}")
    memory = data["memory"]
    log(
        f"  RSS {memory['rss_start_mb']:.0f} MB before, "
        + " → ".join(f"{v:.0f}" for v in memory["rss_after_round_mb"])
        + f" after each round, {memory['rss_end_mb']:.0f} MB at the end (peak {memory['peak_rss_mb']:.0f}); "
        f"TextAreas still in memory with every editor closed: {memory['text_areas_alive']} "
        f"of {memory['editors_opened']} opened"
    )
    results.append(
        Result(
            name=f"{NAME}.rss_retained",
            figure=memory["rss_end_mb"],
            unit="MB",
            baseline=memory["rss_start_mb"],
            baseline_label="RSS before the first editor opened (every editor closed at the end, after gc)",
            ratio=ratio(memory["rss_end_mb"], memory["rss_start_mb"]),
            target="(report only)",
            runs=1,
            details={**memory, "big_editors_opened": rounds + 1},
        )
    )
    after = saved["rss_after_save_mb"]
    log(
        f"  RSS {saved['rss_start_mb']:.0f} MB before, "
        + " → ".join(f"{v:.0f}" for v in after)
        + " after each save; held at the end: "
        + ", ".join(f"{k} {v:.2f} MB" for k, v in saved["held_mb"].items())
    )
    results.append(
        Result(
            name=f"{NAME}.rss_{SAVES}_saves",
            figure=after[-1],
            unit="MB",
            baseline=after[0],
            baseline_label=f"RSS after the first save of the {big['chars']:,}-character document (after gc)",
            ratio=ratio(after[-1], after[0]),
            target=f"ratio <= {RSS_SAVES_TARGET:g}",
            passed=after[-1] <= RSS_SAVES_TARGET * after[0],
            runs=1,
            details=saved,
        )
    )
    return results


if __name__ == "__main__" and sys.argv[1:2] == ["--saves"]:
    import asyncio
    import json

    emit(asyncio.run(_saves(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5]), sys.argv[6])))

if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    import asyncio
    import json

    emit(
        asyncio.run(
            _measure(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
        )
    )
