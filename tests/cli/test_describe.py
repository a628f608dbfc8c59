"""`describe` run as a user runs it, against the demo and the CloudCasa-shaped server: what it says is checked
against what the server itself answers."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx

from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from .run import HOSTILE, casatui, get, no_secret_nor_escape, total

LATEST = re.compile(r"^Latest jobs \((\d+) of (\d+), by (\S+)\):$")


def describe(server: ServerUnderTest, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return casatui("describe", *args, tmp=tmp, root=server.api_root, token=server.token)


def query(server: ServerUnderTest, path: str, **params: Any) -> Any:
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    answer = httpx.get(f"{server.api_root}/{path}", params=params,
                       headers={"Authorization": f"Bearer {server.token}"})  # fmt: skip
    answer.raise_for_status()
    return answer.json()


def section(text: str, title: str) -> list[str]:
    """The lines of one section of the description (from its title to the next blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_a_definition_shows_its_latest_jobs_as_the_server_has_them(any_server: ServerUnderTest, tmp_path: Path) -> None:
    definitions = query(any_server, "kubebackups", max_results=50)["_items"]
    busy = next(d for d in definitions if total(any_server, "jobs", {"backupdef": d["_id"]}) > 4)
    result = describe(any_server, tmp_path, "kubebackups", busy["_id"], "--last", "4")
    assert result.returncode == 0, result.stderr
    no_secret_nor_escape(result, any_server.token)
    lines = section(result.stdout, "Latest jobs")
    shown, of, sort = LATEST.match(lines[0]).groups()  # type: ignore[union-attr]
    expected = query(any_server, "jobs", where={"backupdef": busy["_id"]}, sort=sort, max_results=4)
    assert int(of) == expected["_meta"]["total"] == total(any_server, "jobs", {"backupdef": busy["_id"]})
    rows = [line.split() for line in lines[2:]]
    assert int(shown) == len(rows) == 4
    assert [row[0] for row in rows] == [job["_id"] for job in expected["_items"]]
    assert [row[1] for row in rows] == [job.get("state") or "<none>" for job in expected["_items"]]
    # what it points at, by name (the definition carries only the ids)
    cluster = query(any_server, f"kubeclusters/{busy['cluster']}")["name"]
    policy = query(any_server, f"policies/{busy['policy']}")["name"]
    references = "\n".join(section(result.stdout, "References:"))
    assert f"Cluster: {cluster} (kubeclusters {busy['cluster']})" in references
    assert f"{policy} (policies {busy['policy']})" in references
    assert "Next run: " in result.stdout and f"Schedule ({policy}, " in result.stdout
    assert "_links" not in result.stdout and "{'" not in result.stdout  # readable text, not a dump


def test_last_zero_asks_for_no_jobs(any_server: ServerUnderTest, tmp_path: Path) -> None:
    definition = query(any_server, "kubebackups", max_results=1)["_items"][0]
    result = describe(any_server, tmp_path, "kubebackups", definition["_id"], "--last", "0")
    assert result.returncode == 0 and "Latest jobs" not in result.stdout
    assert describe(any_server, tmp_path, "kubebackups", definition["_id"], "--last", "-1").returncode == 2


def test_a_failed_job_says_what_failed_and_why(any_server: ServerUnderTest, tmp_path: Path) -> None:
    failed = query(any_server, "jobs", where={"state": "FAILED", "message": {"$nin": ["", None]}}, max_results=1)
    job = failed["_items"][0]
    result = describe(any_server, tmp_path, "jobs", job["_id"])
    assert result.returncode == 0, result.stderr
    no_secret_nor_escape(result, any_server.token)
    run = section(result.stdout, "Run:")
    assert "  State:" in run[1] and run[1].split()[-1] == "FAILED"
    assert any(line.split(None, 1) == ["Message:", job["message"].strip()] for line in run)
    assert f"ID:         {job['_id']}" in result.stdout
    started = [line for line in run if line.lstrip().startswith("Started:")]
    assert started and " UTC (" in started[0] and "ago)" in started[0]  # absolute, then how long ago
    if job.get("policy_id"):  # a reference the job does not name itself: looked up by name
        policy = query(any_server, f"policies/{job['policy_id']}")["name"]
        assert f"{policy} (policies {job['policy_id']})" in result.stdout


def test_not_found_ambiguous_and_unknown_collection(any_server: ServerUnderTest, tmp_path: Path) -> None:
    missing = describe(any_server, tmp_path, "kubeclusters", "no-such-cluster")
    assert missing.returncode == 3 and missing.stdout == "" and "no-such-cluster" in missing.stderr
    gone = describe(any_server, tmp_path, "kubeclusters", "0" * 24)
    assert gone.returncode == 3 and "Traceback" not in gone.stderr
    unknown = describe(any_server, tmp_path, "kubeclustrs", "x")
    assert unknown.returncode == 2 and "did you mean kubeclusters" in unknown.stderr


def test_an_ambiguous_name_lists_its_documents(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    names = get(server, tmp_path, "jobs", "--limit", "300", "-o", "name").stdout.splitlines()
    shared = next(name for name in names if names.count(name) > 1)
    result = describe(server, tmp_path, "jobs", shared)
    assert result.returncode == 4 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 + min(total(server, "jobs", {"display_name": shared}), 20)


def test_hostile_names_reach_no_output_as_escapes(
    fresh_demo: DemoServer, fresh_http: httpx.Client, tmp_path: Path
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    definition = fresh_http.get("/kubebackups", params={"max_results": 1}).json()["_items"][0]
    cluster = fresh_http.get(f"/kubeclusters/{definition['cluster']}").json()
    answer = fresh_http.patch(f"/kubeclusters/{cluster['_id']}", json={"name": HOSTILE, "description": HOSTILE},
                              headers={"If-Match": cluster["_etag"]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    for collection, target in (("kubeclusters", cluster["_id"]), ("kubebackups", definition["_id"])):
        result = describe(server, tmp_path, collection, target)
        assert result.returncode == 0, result.stderr
        no_secret_nor_escape(result, server.token)
        assert "␛]52;c;ZWNobw==␇evil␛[2J⟨U+009B⟩31m⟨U+202E⟩txt.exe" in result.stdout  # visible, not obeyed


def test_a_policy_shows_its_schedule_next_run_and_jobs(any_server: ServerUnderTest, tmp_path: Path) -> None:
    policy = query(any_server, "policies", max_results=1)["_items"][0]
    result = describe(any_server, tmp_path, "policies", policy["name"], "--last", "3")
    assert result.returncode == 0, result.stderr
    schedule = section(result.stdout, "Schedule (")
    cron = policy["schedules"][0]["schedule"]["cronSpec"]
    assert schedule[0] == f"Schedule ({policy['name']}, {policy['timezone']}):"
    assert f"({cron}; keep {policy['schedules'][0]['retainDays']} days" in schedule[1]
    assert schedule[-1].startswith("  Next run: ") and "(in " in schedule[-1]  # after now, with how long until
    shown, of, _ = LATEST.match(section(result.stdout, "Latest jobs")[0]).groups()  # type: ignore[union-attr]
    assert int(of) == total(any_server, "jobs", {"policy_id": policy["_id"]}) and int(shown) == min(3, int(of))
