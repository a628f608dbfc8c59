"""endurance: two minutes of auto-refresh every second on a live server while edits are saved through the editor.

A worker process runs the real app headless (120x35) against a demo server with 400 jobs and activity on, in
another process (jobs progress and finish, clusters send heartbeats, backups start: etags change on their own, so a
412 on save really happens). `Settings(auto_refresh_seconds=1.0)`, then "A" on the jobs table. Then, for SECONDS
(120; 30 with --quick):

- every EDIT_EVERY seconds (10) an edit, by the keys a person would press: ":" "kubebackups" Enter (the jump picker),
  the cursor onto a backup definition (one with a running job first: its `status` changes when the job ends), "e",
  a change of `tags.bench` in the buffer (select-all-and-paste of the edited JSON through `TextArea.replace`, which is
  an edit like typing), THINK seconds of reading (the server keeps changing things), ctrl+s, "y" in the diff; a
  ConflictScreen (412) is answered "a" (apply mine on top of the current version and save), a DiffScreen "y";
  then backspace back to the jobs table, whose auto-refresh timer is still running (checked). The editor is a pane
  beside the table (120x35 leaves room for both): it is open while the explorer is the screen in front and
  `explorer.editor` is it; it has closed once `editor.closed`, and is gone once removed from the DOM;
- every SAMPLE_EVERY seconds (10): RSS (after gc.collect()), Textual workers running and asyncio tasks, and the
  screens, editor panes and TextAreas still in memory.

After each save the server's document is fetched with a direct httpx GET: an edit is *lost* when its save finished
(the editor closed with the saved version) and the server does not hold the change. Requests are counted by method
and kind through `client.listeners` (the app's own request log is bounded); refreshes by the state changes of the
`refresh_in_place` workers (started, succeeded, cancelled, failed, most at once). Crashes: the app stopped, an
exception reached the event loop's handler, or a worker ended in ERROR.
"""

from __future__ import annotations

import sys
from typing import Any

from common import DemoProcess, Result, ServerPool, emit, failed, ratio, run_worker

NAME = "endurance"
JOBS = 400
SECONDS = 120.0
QUICK_SECONDS = 30.0
REFRESH_SECONDS = 1.0
EDIT_EVERY = 10.0
FIRST_EDIT_AT = 2.0  # seconds after auto-refresh is switched on
SAMPLE_EVERY = 10.0
THINK = 4.0  # seconds between opening the editor and ctrl+s (reading, typing)
ACTIVITY_TICK = 2.0  # seconds between two rounds of the demo server's activity (its default; the CLI has no option)
EDIT_BUDGET = 7.5  # no edit is started with less than this left (an edit takes ~7 s)
STEP_TIMEOUT = 30.0  # any one step of an edit (a screen to appear, a save to finish)
SMALL_CONSTANT = 2  # allowed growth of running workers and of asyncio tasks, start vs end (both settled)


class AppStopped(RuntimeError):
    pass


async def _measure(api_root: str, token: str, seconds: float, state_dir: str) -> dict[str, Any]:
    import asyncio
    import collections
    import gc
    import json
    import time
    import traceback
    from pathlib import Path

    import httpx
    from common import SIZE, deep_size_mb, make_app, rss_mb, settle
    from textual.worker import Worker, WorkerState

    from casatui.ui.screens.confirm import ChoiceScreen
    from casatui.ui.screens.conflict import ConflictScreen, DeletedScreen
    from casatui.ui.screens.diff import DiffScreen
    from casatui.ui.screens.explorer import ExplorerScreen
    from casatui.ui.screens.pick import PickScreen
    from casatui.ui.widgets.editor_pane import EditorPane

    loop = asyncio.get_running_loop()

    # -- instrumentation (this process only; casatui is not changed) ---------------------------------------------
    escaped: list[str] = []

    def exception_handler(loop: Any, context: dict[str, Any]) -> None:
        escaped.append(f"{context.get('message')}: {context.get('exception')!r}")
        loop.default_exception_handler(context)

    loop.set_exception_handler(exception_handler)

    worker_ends: collections.Counter[str] = collections.Counter()
    worker_errors: list[str] = []
    refresh = {"started": 0, "running": 0, "most_at_once": 0}
    state_property = Worker.state

    def set_state(worker: Worker[Any], state: WorkerState) -> None:
        before = worker._state
        state_property.fset(worker, state)  # type: ignore[misc]
        if state == before:
            return
        if worker.name == "refresh_in_place":
            if state == WorkerState.RUNNING:
                refresh["started"] += 1
                refresh["running"] += 1
                refresh["most_at_once"] = max(refresh["most_at_once"], refresh["running"])
            elif before == WorkerState.RUNNING:
                refresh["running"] -= 1
        if state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            worker_ends[f"{worker.name}:{state.name}"] += 1
        if state == WorkerState.ERROR:
            worker_errors.append(f"{worker.name} ({worker.group}): {worker.error!r}")

    Worker.state = property(state_property.fget, set_state)  # type: ignore[method-assign, assignment]

    app = make_app(
        api_root,
        token,
        page_size=100,
        clock=time.time,
        auto_refresh_seconds=REFRESH_SECONDS,
    )
    app.session.state_dir = Path(state_dir)  # drafts on, as the command line has them
    from casatui.core.drafts import DraftStore

    app.session.drafts = DraftStore(Path(state_dir) / "drafts")
    client = app.session.client
    requests: collections.Counter[str] = collections.Counter()  # by kind: GET list, GET item, PUT, PATCH…
    methods: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[str] = collections.Counter()
    per_second: collections.Counter[int] = collections.Counter()
    clock0 = [time.perf_counter()]

    def on_exchange(exchange: Any) -> None:
        query = dict(exchange.query)
        if exchange.method == "GET":
            kind = "GET list" if "max_results" in query or "where" in query else "GET item"
        else:
            kind = exchange.method
        requests[kind] += 1
        methods[exchange.method] += 1
        statuses[f"{exchange.method} {exchange.status}"] += 1
        per_second[int(time.perf_counter() - clock0[0])] += 1

    client.listeners.append(on_exchange)
    direct = httpx.AsyncClient(base_url=api_root, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    result: dict[str, Any] = {"seconds": seconds, "refresh_seconds": REFRESH_SECONDS}
    samples: list[dict[str, Any]] = []
    edits: list[dict[str, Any]] = []
    sampler_tasks: set[asyncio.Task[Any]] = set()
    crash: list[str] = []

    def running_workers() -> int:
        return sum(1 for w in app.workers if w.is_running)

    def app_stopped() -> bool:
        return app._exception is not None or not app.is_running or (app._task is not None and app._task.done())

    def alive() -> dict[str, int]:
        from textual.document._syntax_aware_document import SyntaxAwareDocument
        from textual.screen import Screen
        from textual.widgets import TextArea

        counts: collections.Counter[str] = collections.Counter()
        for obj in gc.get_objects():
            if isinstance(obj, (Screen, EditorPane)):  # the editor is a pane of the explorer, not a screen
                counts[type(obj).__name__] += 1
            elif isinstance(obj, TextArea):  # casatui's JsonBuffer and any other
                counts["TextArea"] += 1
            elif isinstance(obj, SyntaxAwareDocument):  # an editor's highlighted document
                counts["SyntaxAwareDocument"] += 1
        return dict(counts)

    def sample(label: str, *, collect: bool = True) -> dict[str, Any]:
        if collect:
            gc.collect()
        point = {
            "label": label,
            "t": round(time.perf_counter() - clock0[0], 2),
            "rss_mb": rss_mb(),
            "workers_running": running_workers(),
            "workers_alive": len(app.workers),
            "asyncio_tasks": len(asyncio.all_tasks()) - len(sampler_tasks),  # without the sampler itself
            "requests": sum(requests.values()),
            # what the bounded request log holds (300 exchanges, each with up to 64 K characters of body)
            "request_log_len": len(client.exchanges),
            "request_log_mb": deep_size_mb(client.exchanges),
            "refreshes_done": worker_ends["refresh_in_place:SUCCESS"],
            # screens and editors still in memory (after gc): one explorer; editors only while one is open
            "alive": alive(),
        }
        samples.append(point)
        return point

    async def wait_for(predicate: Any, what: str, timeout: float = STEP_TIMEOUT) -> None:
        deadline = loop.time() + timeout
        while not predicate():
            if app_stopped():
                raise AppStopped(f"the app stopped while waiting for {what}")
            if loop.time() > deadline:
                raise TimeoutError(f"{what} (screen: {type(app.screen).__name__})")
            await asyncio.sleep(0.02)

    async def wait_gone(screen: Any, what: str) -> None:
        await wait_for(lambda: app.screen is not screen, what)

    async def wait_removed(editor: EditorPane, what: str) -> None:
        """The pane closed and the explorer took it away (removed from the DOM)."""
        await wait_for(lambda: editor.closed and not editor.is_attached, what)

    def in_editor(editor: EditorPane) -> bool:
        """Back in the editor: nothing over the explorer, and this pane its open editor."""
        screen = app.screen
        return isinstance(screen, ExplorerScreen) and screen is app.explorer and screen.editor is editor

    def explorer() -> ExplorerScreen:
        screen = app.explorer
        assert screen is not None
        return screen

    def loaded(collection: str) -> bool:
        screen = app.screen
        return (
            isinstance(screen, ExplorerScreen)
            and screen.collection == collection
            and screen.table.model.count > 0
            and screen.table.model.row(0) is not None
        )

    async def pick_target(number: int) -> tuple[int, str]:
        """The backup definition whose running job should end while the edit is open (the server writes a job's
        outcome into its definition's `status`, a new etag: a real 412), else the next definition in turn.

        The demo server advances a snapshot job every ACTIVITY_TICK seconds (a pending volume becomes active, an
        active one completes) and ends it once none is left and it is at least 20 s old."""
        model = explorer().table.model
        rows = [(index, row) for index, row in model.rows()]
        ends_in: dict[str, float] = {}
        try:
            answer = await direct.get(
                "/jobs", params={"where": json.dumps({"state": "RUNNING", "type": "K8S_SNAP"}), "max_results": 50}
            )
            for job in answer.json().get("_items", []):
                progress = job.get("kube_snapshot_progress") or {}
                ticks = 2 * int(progress.get("pending_pvs") or 0) + int(progress.get("active_pvs") or 0)
                age = time.time() - float(job.get("start_time") or 0)
                seconds_left = max(ticks * ACTIVITY_TICK, 20 - age) + ACTIVITY_TICK / 2
                if job.get("backupdef"):
                    ends_in[str(job["backupdef"])] = seconds_left
        except (httpx.HTTPError, ValueError, TypeError):
            pass
        wanted = THINK / 2 + 1.0  # the editor is open ~1 s after this, then THINK seconds
        ending = sorted(
            (abs(ends_in[str(row.get("_id"))] - wanted), index, row)
            for index, row in rows
            if str(row.get("_id")) in ends_in
        )
        if ending:
            _, index, row = ending[0]
        else:
            index, row = rows[number % len(rows)]
        return index, str(row["_id"])

    async def one_edit(number: int) -> dict[str, Any]:
        record: dict[str, Any] = {"number": number, "t": round(time.perf_counter() - clock0[0], 1)}
        begun = time.perf_counter()
        await wait_for(lambda: app.session.catalog is not None, "discovery (the jump picker needs it)")
        await pilot.press("colon")
        await wait_for(lambda: isinstance(app.screen, PickScreen), "the jump picker")
        await pilot.press(*"kubebackups", "enter")
        await wait_for(lambda: loaded("kubebackups"), "the kubebackups table")
        index, item_id = await pick_target(number)
        record["item_id"] = item_id
        record["name"] = explorer().table.model.row(index).get("name")  # type: ignore[union-attr]
        explorer().table.cursor = index
        # A refresh that started before this move puts the cursor back on its old row when it lands (a casatui bug,
        # see bench/README.md): wait for those in flight and look again before pressing "e", as a person would.
        moved_back = 0
        for _ in range(5):
            await wait_for(lambda: refresh["running"] == 0, "the refreshes in flight to land")
            await pilot.pause()
            row = explorer().table.current
            if row is not None and str(row.get("_id")) == item_id:
                break
            moved_back += 1
            explorer().table.cursor = explorer().table.model.index_of(item_id) or index
        record["cursor_moved_back_by_refresh"] = moved_back
        await pilot.press("e")
        await wait_for(
            lambda: (
                (opened := explorer().editor) is not None
                and in_editor(opened)
                and opened.is_mounted
                and bool(opened.buffer.text)
            ),
            "the editor",
        )
        editor = explorer().editor
        assert isinstance(editor, EditorPane) and editor.base is not None
        if editor.base.id != item_id:  # the same bug, between the look and the key: not this edit, then
            record.update(saved=False, lost=False, error=f"the editor opened {editor.base.id}, not {item_id}")
            record["wrong_document_opened"] = True
            await pilot.press("escape")  # unchanged: leaves without a question
            await wait_removed(editor, "leaving the editor")
            await pilot.press("backspace")
            await wait_for(lambda: loaded("jobs"), "back on the jobs table")
            return record
        marker = f"edit-{number}-{time.time():.3f}"
        record["marker"] = marker
        document = json.loads(editor.buffer.text)
        document["tags"] = {**(document.get("tags") or {}), "bench": marker}
        edited = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        editor.buffer.replace(edited, (0, 0), editor.buffer.document.end)  # select all, paste
        await asyncio.sleep(THINK)  # reading it over; the server goes on changing things, the table refreshing
        current = (await direct.get(f"/kubebackups/{item_id}")).json().get("_etag")
        record["changed_on_server_meanwhile"] = current != editor.base.etag  # then a 412 must come
        writes_before = len(app.session.writes)
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, DiffScreen), "the diff before saving")
        diff = app.screen
        await pilot.press("y")
        await wait_gone(diff, "the diff to close")
        conflicts = 0
        clean = 0
        diffs_again = 0
        unexpected: list[str] = []
        deadline = loop.time() + STEP_TIMEOUT
        while not editor.closed:
            if app_stopped():
                raise AppStopped("the app stopped while saving")
            screen = app.screen
            if isinstance(screen, ConflictScreen):
                conflicts += 1
                clean += not screen.conflicts
                await pilot.press("a")
                await wait_gone(screen, "the conflict screen to close")
                continue
            if isinstance(screen, DiffScreen):
                diffs_again += 1
                await pilot.press("y")
                await wait_gone(screen, "the diff to close")
                continue
            if isinstance(screen, (ChoiceScreen, DeletedScreen)):
                unexpected.append(type(screen).__name__)
                await pilot.press("escape")
                await wait_gone(screen, f"{type(screen).__name__} to close")
                continue
            saving = any(w.group == "save" and w.is_running for w in app.workers)
            if in_editor(editor) and not saving:
                # Back in the editor with nothing in flight: the save did not go through (422, a failure…).
                await asyncio.sleep(0.2)
                if in_editor(editor) and not any(w.group == "save" and w.is_running for w in app.workers):
                    note = editor.query_one("#edit-note").render()
                    unexpected.append(f"left in the editor: {str(note)[:200]}")
                    break
            if loop.time() > deadline:
                unexpected.append("the save did not finish in time")
                break
            await asyncio.sleep(0.02)
        saved_records = [w for w in app.session.writes[writes_before:] if w.item_id == item_id]
        saved = editor.closed and any((w.after or {}).get("tags", {}).get("bench") == marker for w in saved_records)
        record.update(conflicts=conflicts, clean_conflicts=clean, diffs_again=diffs_again, unexpected=unexpected)
        record["saved"] = saved
        record["writes"] = [f"{w.method} {w.old_etag[:8]}→{w.new_etag[:8]}" for w in saved_records]
        if not editor.closed:  # not saved: leave without it (and say so in the results)
            editor.buffer.focus()  # escape is the editor's while the focus is in it
            await pilot.pause()
            await pilot.press("escape")
            await asyncio.sleep(0.3)
            if isinstance(app.screen, ChoiceScreen):
                await pilot.press("d")
        await wait_removed(editor, "leaving the editor")  # backspace goes to the table only once the pane is gone
        stored = (await direct.get(f"/kubebackups/{item_id}")).json()
        record["on_server"] = (stored.get("tags") or {}).get("bench") == marker
        record["lost"] = saved and not record["on_server"]
        await pilot.press("backspace")
        await wait_for(lambda: loaded("jobs"), "back on the jobs table")
        record["auto_refresh_still_on"] = explorer().refresh_timer is not None
        if explorer().refresh_timer is None:
            await pilot.press("A")
        record["seconds"] = round(time.perf_counter() - begun, 2)
        return record

    async def sampler(until: float) -> None:
        number = 1
        while True:
            await asyncio.sleep(max(0.0, clock0[0] + number * SAMPLE_EVERY - time.perf_counter()))
            if time.perf_counter() >= until or app_stopped():
                return
            sample(f"{number * SAMPLE_EVERY:g} s")
            number += 1

    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await asyncio.sleep(0.5)
            await settle(pilot)
            clock0[0] = time.perf_counter()
            start = sample("start (settled, before A)")
            requests_before = dict(requests)
            methods_before = dict(methods)
            await pilot.press("A")
            if explorer().refresh_timer is None:
                raise RuntimeError("'A' did not switch auto-refresh on")
            ends_at = clock0[0] + seconds
            task = asyncio.create_task(sampler(ends_at))
            sampler_tasks.add(task)
            next_edit = clock0[0] + FIRST_EDIT_AT
            number = 0
            try:
                while (now := time.perf_counter()) < ends_at:
                    if app_stopped():
                        crash.append("the app stopped running")
                        break
                    if now >= next_edit and ends_at - now >= EDIT_BUDGET:
                        try:
                            edits.append(await one_edit(number))
                        except AppStopped as error:
                            crash.append(str(error))
                            break
                        except TimeoutError as error:  # a step never happened: reported, and the run goes on
                            edits.append({"number": number, "error": f"timeout: {error}", "saved": False})
                            while len(app.screen_stack) > 1 and not isinstance(app.screen, ExplorerScreen):
                                app.pop_screen()
                            left = explorer().editor
                            if left is not None:  # as popping the editor's screen did: closed, its draft kept
                                left.close(None)
                        number += 1
                        next_edit = max(next_edit + EDIT_EVERY, time.perf_counter() + 1.0)
                        continue
                    await asyncio.sleep(0.05)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                sampler_tasks.discard(task)
            result["elapsed_s"] = time.perf_counter() - clock0[0]
            end_live = sample("end (auto-refresh still on)")
            requests_at_end = dict(requests)
            methods_at_end = dict(methods)
            refreshes_at_end = worker_ends["refresh_in_place:SUCCESS"]
            await pilot.press("A")  # off: then nothing should be left running
            await asyncio.sleep(1.5)
            await settle(pilot)
            await asyncio.sleep(0.5)
            end = sample("end (auto-refresh off, settled)")
            result["still_running_at_end"] = [
                f"{w.name} ({w.group}, {w.state.name})" for w in app.workers if w.is_running
            ]
            result["tasks_at_end"] = sorted(
                (t.get_name() or "?") + " " + str(getattr(t.get_coro(), "__qualname__", "?"))
                for t in asyncio.all_tasks()
            )
            result["app_running_at_end"] = not app_stopped()
    except Exception as error:  # an exception escaped the app (run_test re-raises it) or the driver broke
        text = f"{type(error).__name__}: {error}\n{traceback.format_exc()[-3000:]}"
        if app._exception is not None or app_stopped():
            crash.append(text)
        else:
            result["driver_error"] = text  # the benchmark's own failure: an error row, not a crash of the app
    finally:
        await direct.aclose()
    if not samples or "end" not in samples[-1]["label"]:
        samples.append({**sample("end (after a crash)", collect=False)})
        start = samples[0]
        end = end_live = samples[-1]
        requests_at_end = dict(requests)
        methods_at_end = dict(methods)
        refreshes_at_end = worker_ends["refresh_in_place:SUCCESS"]
        requests_before = {}
        methods_before = {}
        result.setdefault("elapsed_s", time.perf_counter() - clock0[0])
    during = {k: requests_at_end.get(k, 0) - requests_before.get(k, 0) for k in requests_at_end}
    result.update(
        samples=samples,
        start=start,
        end_live=end_live,
        end=end,
        edits=edits,
        requests_during=during,
        methods_during={k: methods_at_end.get(k, 0) - methods_before.get(k, 0) for k in methods_at_end},
        requests_total=dict(requests),
        statuses=dict(statuses),
        busiest_second=max(per_second.values()) if per_second else 0,
        refreshes_done=refreshes_at_end,
        refresh=refresh,
        worker_ends=dict(worker_ends),
        worker_errors=worker_errors,
        escaped=escaped,
        crash=crash,
        exchanges_kept=len(client.exchanges),
    )
    return result


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    import tempfile

    seconds = QUICK_SECONDS if quick else SECONDS
    log(f"  starting a demo server with {JOBS} jobs and activity on …")
    with DemoProcess(JOBS, activity=True) as server, tempfile.TemporaryDirectory(prefix="casatui-bench-") as state:
        log(f"  … ready in {server.seconds_to_start:.1f} s at {server.api_root} (pid {server.pid})")
        log(f"  {seconds:g} s of auto-refresh every {REFRESH_SECONDS:g} s, an edit every {EDIT_EVERY:g} s …")
        data = run_worker(
            "endurance.py", ["--worker", server.api_root, server.token, str(seconds), state], timeout=seconds + 300
        )
    edits = data["edits"]
    attempted = len(edits)
    saved = sum(1 for e in edits if e.get("saved"))
    lost = sum(1 for e in edits if e.get("lost"))
    conflicts = sum(e.get("conflicts", 0) for e in edits)
    unsaved = [e for e in edits if not e.get("saved")]
    changed_meanwhile = sum(1 for e in edits if e.get("changed_on_server_meanwhile"))
    # Changed on the server while the editor was open, yet saved without a 412: the server's change overwritten.
    unguarded = sum(1 for e in edits if e.get("changed_on_server_meanwhile") and e.get("saved") and not e["conflicts"])
    crashes = len(data["crash"]) + len(data["escaped"]) + len(data["worker_errors"])
    moved_back = sum(e.get("cursor_moved_back_by_refresh", 0) for e in edits)
    wrong_document = sum(1 for e in edits if e.get("wrong_document_opened"))
    samples = data["samples"]
    start, end, end_live = data["start"], data["end"], data["end_live"]
    editors_left = end.get("alive", {}).get("TextArea", 0)
    warm = next((s for s in samples if s["t"] >= 9.5 and s is not start), start)
    growth = end["rss_mb"] - warm["rss_mb"]
    log_growth = end["request_log_mb"] - warm["request_log_mb"]
    during = data["requests_during"]
    total_requests = sum(during.values())
    refreshes = max(1, data["refreshes_done"])
    elapsed = data["elapsed_s"]
    log(
        "  RSS "
        + " → ".join(f"{s['rss_mb']:.0f}" for s in samples)
        + f" MB; growth after warm-up {growth:+.1f} MB ({end['rss_mb'] / warm['rss_mb']:.3f}x), of which the request "
        f"log {log_growth:+.1f} MB ({warm['request_log_len']} → {end['request_log_len']} exchanges kept)"
    )
    log(
        f"  {data['refreshes_done']} refreshes in {elapsed:.0f} s (most at once {data['refresh']['most_at_once']}); "
        f"{total_requests} requests ({total_requests / elapsed:.1f}/s, busiest second {data['busiest_second']}): "
        + ", ".join(f"{k} {v}" for k, v in sorted(during.items()))
    )
    log(
        f"  edits: {attempted} attempted, {saved} saved, {conflicts} conflict(s) met (the server changed "
        f"{changed_meanwhile} of the documents while open; saved over that without a 412: {unguarded}), {lost} lost"
        + (f"; not saved: {[e.get('error') or e.get('unexpected') for e in unsaved]}" if unsaved else "")
    )
    log(
        f"  workers running {start['workers_running']} → {end['workers_running']} (live at the end "
        f"{end_live['workers_running']}); asyncio tasks {start['asyncio_tasks']} → {end['asyncio_tasks']} "
        f"(live {end_live['asyncio_tasks']}); crashes {crashes}"
    )
    log(
        f"  the cursor was put back on its old row by a refresh before 'e' {moved_back} time(s); the wrong document "
        f"opened in the editor {wrong_document} time(s); editors' TextAreas still in memory at the end: "
        f"{editors_left} (editors opened: {sum(1 for e in edits if 'marker' in e or e.get('wrong_document_opened'))})"
    )
    for problem in data["crash"] + data["escaped"] + data["worker_errors"]:
        log(f"  ! {problem.strip().splitlines()[0] if problem.strip() else problem}")
    if data.get("driver_error"):
        log(f"  ! the benchmark's driver failed: {data['driver_error'].strip()}")
    common = {"elapsed_s": elapsed, "server_activity": True, "jobs": JOBS}
    worker_growth = end["workers_running"] - start["workers_running"]
    task_growth = end["asyncio_tasks"] - start["asyncio_tasks"]
    expected_refreshes = elapsed / REFRESH_SECONDS
    results = [
        Result(
            name="endurance.edits_lost",
            figure=lost,
            unit="",
            target="0",
            passed=lost == 0 and unguarded == 0 and attempted > 0,
            runs=attempted,
            details={
                **common,
                "attempted": attempted,
                "saved": saved,
                "not_saved": len(unsaved),
                "conflicts_met": conflicts,
                "changed_on_server_while_open": changed_meanwhile,
                "saved_over_a_server_change_without_412": unguarded,
                "edits": edits,
            },
        ),
        Result(
            name="endurance.edits_saved",
            figure=saved,
            unit="",
            baseline=attempted,
            baseline_label=f"edits attempted ({conflicts} conflict(s) met, answered 'a')",
            ratio=ratio(saved, attempted),
            target="all",
            passed=attempted > 0 and saved == attempted,
            runs=attempted,
            details={"conflicts_met": conflicts, "not_saved": [e.get("error") or e.get("unexpected") for e in unsaved]},
        ),
        Result(
            name="endurance.crashes",
            figure=crashes,
            unit="",
            target="0",
            passed=crashes == 0,
            runs=1,
            details={
                "app_stopped_or_raised": data["crash"],
                "loop_exception_handler": data["escaped"],
                "workers_in_error": data["worker_errors"],
                "app_running_at_end": data.get("app_running_at_end"),
            },
        ),
        Result(
            name="endurance.rss",
            figure=end["rss_mb"],
            unit="MB",
            baseline=warm["rss_mb"],
            baseline_label=f"RSS after the warm-up ({warm['label']}); start was {start['rss_mb']:.0f} MB",
            ratio=ratio(end["rss_mb"], warm["rss_mb"]),
            target="(report only)",
            runs=len(samples),
            details={
                "growth_after_warmup_mb": growth,
                "request_log_growth_after_warmup_mb": log_growth,
                "growth_after_warmup_without_request_log_mb": growth - log_growth,
                "growth_from_start_mb": end["rss_mb"] - start["rss_mb"],
                "samples": samples,
            },
        ),
        Result(
            name="endurance.rss_growth",
            figure=growth,
            unit="MB",
            baseline_label="",
            target="(report only)",
            runs=len(samples),
            details={
                "from_mb": warm["rss_mb"],
                "to_mb": end["rss_mb"],
                "from": warm["label"],
                "to": end["label"],
                "request_log_mb": [warm["request_log_mb"], end["request_log_mb"]],
                "without_request_log_mb": growth - log_growth,
            },
        ),
        Result(
            name="endurance.workers_running",
            figure=end["workers_running"],
            unit="",
            baseline=start["workers_running"],
            baseline_label="at start (settled); end: auto-refresh off, settled",
            target=f"growth <= {SMALL_CONSTANT}",
            passed=worker_growth <= SMALL_CONSTANT,
            runs=1,
            details={
                "start": start,
                "end_live": end_live,
                "end": end,
                "still_running_at_end": data.get("still_running_at_end"),
                "worker_ends": data["worker_ends"],
            },
        ),
        Result(
            name="endurance.asyncio_tasks",
            figure=end["asyncio_tasks"],
            unit="",
            baseline=start["asyncio_tasks"],
            baseline_label="at start (settled); end: auto-refresh off, settled",
            ratio=ratio(end["asyncio_tasks"], start["asyncio_tasks"]),
            target=f"growth <= {SMALL_CONSTANT}",
            passed=task_growth <= SMALL_CONSTANT,
            runs=1,
            details={"end_live": end_live["asyncio_tasks"], "tasks_at_end": data.get("tasks_at_end")},
        ),
        Result(
            name="endurance.editors_retained",
            figure=editors_left,
            unit="",
            baseline=start.get("alive", {}).get("TextArea", 0),
            baseline_label="at start; end: every editor closed, after gc (a TextArea per editor opened is a leak)",
            target="(report only)",
            runs=1,
            details={
                "alive_per_sample": [(s["label"], s.get("alive")) for s in samples],
                "editors_opened": sum(1 for e in edits if "marker" in e or e.get("wrong_document_opened")),
                "cursor_moved_back_by_refresh": moved_back,
                "wrong_document_opened": wrong_document,
            },
        ),
        Result(
            name="endurance.refreshes",
            figure=data["refreshes_done"],
            unit="",
            baseline=expected_refreshes,
            baseline_label=f"{elapsed:.0f} s / {REFRESH_SECONDS:g} s interval",
            ratio=ratio(data["refreshes_done"], expected_refreshes),
            target="(report only)",
            runs=1,
            details={"refresh_workers": data["refresh"], "worker_ends": data["worker_ends"]},
        ),
        Result(
            name="endurance.requests/refresh",
            figure=total_requests / refreshes,
            unit="",
            baseline_label="",
            target="bounded (no storm)",
            runs=data["refreshes_done"],
            details={
                "requests_during": during,
                "methods_during": data["methods_during"],
                "requests_per_s": total_requests / elapsed,
                "list_gets_per_refresh": during.get("GET list", 0) / refreshes,
                "item_gets_per_refresh": during.get("GET item", 0) / refreshes,
                "busiest_second": data["busiest_second"],
                "most_refreshes_at_once": data["refresh"]["most_at_once"],
                "statuses": data["statuses"],
                "requests_total_with_startup": data["requests_total"],
                "exchanges_kept_in_log": data["exchanges_kept"],
            },
        ),
    ]
    if data.get("driver_error"):
        results.append(failed("endurance.driver", data["driver_error"].strip().splitlines()[0]))
    return results


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    import asyncio

    emit(asyncio.run(_measure(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5])))
