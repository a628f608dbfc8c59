"""Shared helpers for the benchmarks: demo servers in their own processes, workers, RSS, statistics, results.

Only the standard library is imported at module level, so the startup drivers and workers stay light.
"""

from __future__ import annotations

import json
import os
import platform
import queue
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
TOKEN = "bench-token-0123456789"
SIZE = (120, 35)  # terminal size every headless app runs at
NOW = 1_795_900_000  # the seed's "now" and the apps' clock, so every run sees the same data
SERVER_START_TIMEOUT = 120.0


# -- results ------------------------------------------------------------------------------------------------


@dataclass
class Result:
    """One line of the table: a figure, what it is compared with, and whether it meets its target."""

    name: str
    figure: float | None
    unit: str
    baseline: float | None = None  # measured in the same run (None when the figure is absolute)
    baseline_label: str = ""
    ratio: float | None = None  # figure / baseline
    target: str = ""  # e.g. "ratio <= 1.5", "< 16 ms", "" (reported only)
    passed: bool | None = None  # None: no target
    runs: int = 0  # how many measurements the median is of
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(**data)


def ratio(figure: float | None, baseline: float | None) -> float | None:
    if figure is None or not baseline:
        return None
    return figure / baseline


def failed(name: str, error: str) -> Result:
    return Result(name=name, figure=None, unit="", error=error, passed=False)


# -- statistics ---------------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return float(ordered[rank - 1])


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": median(values),
        "p95": percentile(values, 95),
        "min": float(min(values)),
        "max": float(max(values)),
        "n": len(values),
    }


# -- memory -------------------------------------------------------------------------------------------------


def status_mb(key: str = "VmRSS", pid: int | str = "self") -> float:
    """A memory figure of a process from /proc/<pid>/status, in MB (VmRSS: resident now; VmHWM: peak)."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{key}:\s+(\d+)\s+kB", text, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {key} in /proc/{pid}/status")
    return int(match.group(1)) / 1024


def deep_size_mb(*roots: Any) -> float:
    """Bytes held by objects reachable from `roots` through dicts, lists, tuples, sets and dataclass-like __dict__s
    (each object counted once), in MB. Shared objects (interned keys) count once, for the first root reaching them."""
    seen: set[int] = set()
    stack = list(roots)
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)) or type(obj).__name__ == "deque":
            stack.extend(obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            stack.append(vars(obj))
    return total / (1024 * 1024)


def rss_mb(pid: int | str = "self") -> float:
    return status_mb("VmRSS", pid)


def peak_rss_mb(pid: int | str = "self") -> float:
    return status_mb("VmHWM", pid)


# -- the machine --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    versions = {}
    for name in ("textual", "rich", "httpx", "casatui", "eve", "mongomock"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # a missing package is reported, not fatal
            versions[name] = "?"
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    try:
        memory = _mem_total_mb()
    except OSError:
        memory = None
    return {
        "cpu": cpu,
        "loadavg_at_start": _loadavg(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_mb": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit,
    }


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def loadavg() -> str:
    return _loadavg()


def _mem_total_mb() -> float | None:
    match = re.search(r"^MemTotal:\s+(\d+)\s+kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


# -- child processes ----------------------------------------------------------------------------------------


def _load_prctl() -> Any:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux/glibc
        return None


_PRCTL = _load_prctl()  # loaded in the parent: the child between fork and exec only makes the call


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the benchmark process dies, however it dies (Linux)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG; best effort, `finally` blocks stop every child anyway


PYCACHE = BENCH / "results" / "pycache"


def child_env(*, bytecode_cache: bool = True, **extra: str) -> dict[str, str]:
    """The environment of every child process.

    With `bytecode_cache` (the default) compiled modules are cached under bench/results/pycache (git-ignored) and
    reused, as for an installed package: this sandbox sets PYTHONDONTWRITEBYTECODE=1 and the editable checkout has
    no __pycache__, so without it every process would compile all of casatui from source (Textual's site-packages
    .pyc files exist) and startup would measure the compiler.
    """
    env = dict(os.environ)
    env.setdefault("TZ", "UTC")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("TEXTUAL", None)  # no devtools, no debug features
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


def stop_process(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """Terminate a child we started (by its own pid), then kill it if it does not go."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


class DemoProcess:
    """`python -m casatui.demo` in its own process on an ephemeral loopback port; stopped in `stop()`/`with`.

    The API root is read from the first line the server prints ("API root:  http://127.0.0.1:PORT/api/v1").
    """

    def __init__(self, jobs: int, *, seed: int = 1, token: str = TOKEN, activity: bool = False) -> None:
        self.jobs = jobs
        self.seed = seed
        self.token = token
        self.activity = activity  # --activity: jobs progress and finish, heartbeats, new runs (etags change)
        self.api_root = ""
        self.process: subprocess.Popen[str] | None = None
        self.seconds_to_start = 0.0
        self._lines: queue.Queue[str | None] = queue.Queue()

    def start(self) -> DemoProcess:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "casatui.demo",
                "--port",
                "0",
                "--token",
                self.token,
                "--jobs",
                str(self.jobs),
                "--seed",
                str(self.seed),
                "--activity" if self.activity else "--no-activity",
                "--quiet",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env=child_env(),
            preexec_fn=_die_with_parent,
        )
        threading.Thread(target=self._drain, name=f"demo-{self.jobs}-stdout", daemon=True).start()
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            seen: list[str] = []
            while not self.api_root:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"demo server ({self.jobs} jobs) did not start in {SERVER_START_TIMEOUT:.0f} s")
                try:
                    line = self._lines.get(timeout=left)
                except queue.Empty:
                    continue
                if line is None:
                    raise RuntimeError(f"demo server ({self.jobs} jobs) exited: {''.join(seen)[-2000:]}")
                seen.append(line)
                match = re.match(r"API root:\s+(\S+)", line)
                if match:
                    self.api_root = match.group(1)
            self._wait_until_answering(deadline)
        except BaseException:
            self.stop()
            raise
        self.seconds_to_start = time.perf_counter() - started
        return self

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _wait_until_answering(self, deadline: float) -> None:
        import urllib.request

        request = urllib.request.Request(
            f"{self.api_root}/jobs?max_results=1", headers={"Authorization": f"Bearer {self.token}"}
        )
        while True:
            try:
                with urllib.request.urlopen(request, timeout=max(1.0, deadline - time.monotonic())) as answer:
                    answer.read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            if self.process.stdout is not None:
                self.process.stdout.close()

    def describe(self) -> dict[str, Any]:
        return {"jobs": self.jobs, "api_root": self.api_root, "token": self.token, "activity": self.activity}

    def __enter__(self) -> DemoProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServerPool:
    """Demo servers by job count, started when first asked for and all stopped when the pool closes."""

    def __init__(self, log: Any = None) -> None:
        self.servers: dict[int, DemoProcess] = {}
        self.log = log or (lambda text: None)

    def get(self, jobs: int) -> DemoProcess:
        if jobs not in self.servers:
            self.log(f"  starting a demo server with {jobs:,} jobs …")
            server = DemoProcess(jobs).start()
            self.servers[jobs] = server
            self.log(f"  … ready in {server.seconds_to_start:.1f} s at {server.api_root} (pid {server.pid})")
        return self.servers[jobs]

    def release(self, jobs: int) -> None:
        server = self.servers.pop(jobs, None)
        if server is not None:
            server.stop()

    def close(self) -> None:
        while self.servers:
            _, server = self.servers.popitem()
            server.stop()

    def __enter__(self) -> ServerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_worker(script: str, args: Iterable[str], *, timeout: float) -> dict[str, Any]:
    """Run `python bench/<script> ARGS` in its own process; its last stdout line is a JSON object."""
    process = subprocess.Popen(
        [PYTHON, str(BENCH / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=child_env(),
        preexec_fn=_die_with_parent,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process(process)
        raise RuntimeError(f"{script} took more than {timeout:.0f} s") from None
    finally:
        stop_process(process)
    lines = [line for line in out.splitlines() if line.strip()]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{script} failed (exit {process.returncode}): {err.strip()[-3000:]}")
    return json.loads(lines[-1])


def emit(data: dict[str, Any]) -> None:
    """What a worker hands back to run.py: one JSON line on stdout."""
    sys.stdout.write("\n" + json.dumps(data) + "\n")
    sys.stdout.flush()


# -- driving the app in a worker ----------------------------------------------------------------------------


def make_app(
    api_root: str,
    token: str,
    *,
    resource: str = "jobs",
    filter_text: str = "",
    page_size: int = 100,
    clock: Any = None,
    **settings: Any,
) -> Any:
    """The real CasaApp on a real client, as tests/ui/conftest.py builds it (the app's clock fixed at NOW unless
    `clock` is given), and with the garbage collector paused until its first rows are painted, as the `casatui`
    command runs it. Extra keyword arguments are `Settings` fields (e.g. `auto_refresh_seconds=1.0`)."""
    from casatui.core import startup

    startup.pause()
    from casatui.api.client import CasaClient
    from casatui.core.navigation import Place
    from casatui.core.session import Session, Settings
    from casatui.ui.app import CasaApp

    client = CasaClient(api_root, token)
    session = Session(client, Settings(profile="bench", page_size=page_size, **settings))
    return CasaApp(session, Place(resource, filter_text), clock=clock or (lambda: NOW))


LOADING_GROUPS = {"pages", "preview", "discover", "names", "open"}


async def settle(pilot: Any, timeout: float = 120.0) -> None:
    """Wait until no request of the app is in flight (as tests/ui/test_explorer.py `settle()`)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await pilot.pause()
        resting = any(getattr(screen, "resting", False) for screen in pilot.app.screen_stack)  # start-up's rest
        if not resting and not any(w.group in LOADING_GROUPS and w.is_running for w in pilot.app.workers):
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the app was still loading")


class PaintWatch:
    """Notices when the explorer table renders a line holding a real row (not a placeholder, not the header).

    Installed by wrapping `ResourceTable.render_line` for the worker process (casatui itself is not changed).
    `arm()` then `await wait()` gives the perf_counter time at which the first row line was rendered.
    """

    def __init__(self) -> None:
        import asyncio

        from casatui.ui.widgets.table import ResourceTable

        self.painted_at: float | None = None
        self.armed = False
        self._event = asyncio.Event()
        original = ResourceTable.render_line
        watch = self

        def render_line(table: Any, y: int) -> Any:
            strip = original(table, y)
            if watch.armed and y >= 1:
                index = table._first_visible() + y - 1
                if table.model.row(index) is not None:
                    watch.painted_at = time.perf_counter()
                    watch.armed = False
                    watch._event.set()
            return strip

        ResourceTable.render_line = render_line  # type: ignore[method-assign]

    def arm(self) -> None:
        self.painted_at = None
        self._event.clear()
        self.armed = True

    async def wait(self, timeout: float = 120.0) -> float:
        import asyncio

        await asyncio.wait_for(self._event.wait(), timeout)
        assert self.painted_at is not None
        return self.painted_at


def list_exchanges_since(client: Any, number: int, collection: str = "jobs") -> list[Any]:
    """List requests (GET with max_results) on `collection` recorded after exchange `number`."""
    return [
        e
        for e in client.exchanges
        if e.number > number
        and e.method == "GET"
        and e.path.endswith("/" + collection)
        and "max_results" in dict(e.query)
    ]


def last_exchange_number(client: Any) -> int:
    return client.exchanges[-1].number if client.exchanges else 0
