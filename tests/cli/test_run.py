"""`casatui run`, run as a user runs it, over real HTTP. The servers' jobs stand still in tests (no activity), so a
test ends the job itself, in the server's store, while `run --wait` follows it: no test waits on the demo's pace."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId

from casatui.demo import DemoServer

from ..cloudcasa import CloudCasaLikeServer
from ..servers import ServerUnderTest
from .documents import documents, environment, start
from .run import casatui, no_secret_nor_escape


def run(server: ServerUnderTest, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return casatui("run", *args, tmp=tmp, root=server.api_root, token=server.token)


def job_ids(server: ServerUnderTest) -> set[Any]:
    with server.store.lock:
        return {job["_id"] for job in server.store.db["jobs"].find({}, {"_id": 1})}


def new_job(server: ServerUnderTest, before: set[Any], process: subprocess.Popen[str]) -> dict[str, Any]:
    """The job the command started, once it is stored (the command is still running)."""
    for _ in range(600):
        with server.store.lock:
            job = server.store.db["jobs"].find_one({"_id": {"$nin": list(before)}})
        if job is not None:
            return dict(job)
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("no job was started")


def end_job(server: ServerUnderTest, job: dict[str, Any], state: str) -> None:
    server.store.touch("jobs", job["_id"], {"state": state, "end_time": int(time.time()), "message": f"it {state}"})


def test_prints_the_job_it_started(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    definition, other = documents(server, "kubebackups")[:2]
    before = job_ids(server)
    result = run(server, tmp_path, "kubebackups", definition["name"])
    assert result.returncode == 0, result.stderr
    (started,) = job_ids(server) - before
    with server.store.lock:
        job = server.store.db["jobs"].find_one({"_id": started})
    assert str(job["backupdef"]) == definition["_id"]
    assert result.stdout == f"jobs/{job['name']} ({started}) RUNNING of {definition['name']}\n"
    # (another definition: the demo gives two runs of one definition in one second the same job id)
    as_json = run(server, tmp_path, "kubebackups", other["_id"], "-o", "json")
    assert as_json.returncode == 0, as_json.stderr
    shown = json.loads(as_json.stdout)
    assert shown["_id"] in {str(i) for i in job_ids(server) - before - {started}} and shown["state"] == "RUNNING"
    assert "_links" not in shown
    no_secret_nor_escape(result, server.token)


@pytest.mark.parametrize(("state", "status"), [("COMPLETED", 0), ("FAILED", 10), ("PARTIAL", 10)])
def test_wait_exits_by_how_the_job_ended(fresh_demo: DemoServer, tmp_path: Path, state: str, status: int) -> None:
    server = ServerUnderTest.of(fresh_demo)
    definition = documents(server, "kubebackups")[0]
    before = job_ids(server)
    process = start(server, tmp_path, "run", "kubebackups", definition["name"], "--wait", "--timeout", "120")
    job = new_job(server, before, process)
    end_job(server, job, state)
    out, err = process.communicate(timeout=150)
    assert process.returncode == status, err
    assert out == f"jobs/{job['name']} ({job['_id']}) {state} of {definition['name']}\n"
    assert (f"{state} of {definition['name']}: it {state}" in err) is (status == 10)


def test_wait_on_a_cloudcasa_shaped_server(fresh_cloudcasa: CloudCasaLikeServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_cloudcasa)
    definition = documents(server, "kubebackups")[0]
    before = job_ids(server)
    cluster = documents(server, "kubeclusters")[0]
    refused = run(server, tmp_path, "kubeclusters", cluster["name"])
    assert refused.returncode == 6 and "no run action" in refused.stderr and job_ids(server) == before
    # Its document lists no kubebackups/{id}/action/run, but its runkubebackup collection tells that it exists.
    process = start(server, tmp_path, "run", "kubebackups", definition["name"], "--wait", "-o", "json")
    job = new_job(server, before, process)
    end_job(server, job, "CANCELLED")  # a final state the demo never uses
    out, err = process.communicate(timeout=150)
    assert process.returncode == 10, err
    assert json.loads(out)["state"] == "CANCELLED" and json.loads(out)["_id"] == str(job["_id"])
    assert server.token not in out + err


def test_wait_times_out_and_the_job_goes_on(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    definition = documents(server, "kubeoffloads")[0]
    before = job_ids(server)
    result = run(server, tmp_path, "kubeoffloads", definition["name"], "--wait", "--timeout", "0.5")
    assert result.returncode == 11, result.stderr
    assert "it goes on" in result.stderr and result.stdout.split()[2] == "RUNNING"
    (started,) = job_ids(server) - before
    with server.store.lock:
        assert server.store.db["jobs"].find_one({"_id": started})["state"] == "RUNNING"


def test_what_cannot_run_is_refused_before_anything_starts(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    cluster = documents(server, "kubeclusters")[0]
    definition = documents(server, "kubebackups")[0]
    before = job_ids(server)
    no_action = run(server, tmp_path, "kubeclusters", cluster["name"])
    assert no_action.returncode == 6 and "kubeclusters has no run action" in no_action.stderr
    read_only = run(server, tmp_path, "kubebackups", definition["name"], "--read-only")
    assert read_only.returncode == 6 and "Read-only" in read_only.stderr
    lone_timeout = run(server, tmp_path, "kubebackups", definition["name"], "--timeout", "5")
    assert lone_timeout.returncode == 2
    for seconds in ("-1", "0", "nan"):  # a job was started, then "timed out" at once
        never = run(server, tmp_path, "kubebackups", definition["name"], "--wait", f"--timeout={seconds}")
        assert never.returncode == 2 and "--timeout must be" in never.stderr
    missing = run(server, tmp_path, "kubebackups", str(ObjectId()))
    assert missing.returncode == 3
    assert job_ids(server) == before


def test_the_write_commands_load_no_textual(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    file = tmp_path / "one.json"
    file.write_text(json.dumps({"name": "dry"}))
    code = (
        "import sys\nfrom casatui.cli import main\n"
        f"root = {server.api_root!r}\n"
        f"codes = [main(['apply', 'kubeclusters', '-f', {str(file)!r}, '--dry-run', '--url', root]),\n"
        "         main(['delete', 'kubeclusters', 'nothing-of-that-name', '--url', root]),\n"
        "         main(['run', 'kubeclusters', 'nothing', '--url', root])]\n"
        "print(codes, sorted({m.split('.')[0] for m in sys.modules} & {'textual'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env=environment(tmp_path, server.token))  # fmt: skip
    assert result.stdout.splitlines()[-1] == "[0, 3, 6] []", result.stderr


def test_wait_shows_its_progress_on_a_terminal(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    definition = documents(server, "kubeoffloads")[0]
    before = job_ids(server)
    terminal, other_end = pty.openpty()
    seen = b""
    try:
        process = start(server, tmp_path, "run", "kubeoffloads", definition["name"], "--wait", stderr=other_end)
        job = new_job(server, before, process)
        progress = dict(job["kube_copy_progress"])
        stats = {**progress["stats"], "transferred_size": progress["stats"]["estimated_size"] // 4}
        server.store.touch("jobs", job["_id"], {"kube_copy_progress": {**progress, "stats": stats}})
        while b"(25%)" not in seen:  # the line, once the job was read again
            ready, _, _ = select.select([terminal], [], [], 60)
            assert ready, seen
            seen += os.read(terminal, 4096)
        end_job(server, job, "COMPLETED")
        out, _ = process.communicate(timeout=120)
        while select.select([terminal], [], [], 0.2)[0]:
            seen += os.read(terminal, 4096)
    finally:
        os.close(terminal)
        os.close(other_end)
    assert process.returncode == 0
    text = seen.decode()
    assert f"\r\x1b[Kcasatui: jobs/{job['name']} ({job['_id']}) RUNNING of {definition['name']}: copied " in text
    assert text.endswith("\r\x1b[K")  # the line is cleared at the end
    assert out == f"jobs/{job['name']} ({job['_id']}) COMPLETED of {definition['name']}\n"
    assert server.token not in text + out


def test_a_protected_profile_needs_the_definitions_name(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    definition = documents(server, "kubebackups")[0]
    before = job_ids(server)
    protected = {"CASATUI_PROTECTED": "1"}
    unconfirmed = casatui("run", "kubebackups", definition["name"], tmp=tmp_path, root=server.api_root,
                          token=server.token, env=protected, new_session=True)  # fmt: skip
    assert unconfirmed.returncode == 2 and "--confirm NAME" in unconfirmed.stderr and job_ids(server) == before
    confirmed = casatui("run", "kubebackups", definition["_id"], "--confirm", definition["name"], tmp=tmp_path,
                        root=server.api_root, token=server.token, env=protected)  # fmt: skip
    assert confirmed.returncode == 0, confirmed.stderr
    assert len(job_ids(server) - before) == 1
