"""`overview` run as a user runs it: its counts are the server's own, on the demo and the CloudCasa-shaped server;
a part that cannot load is said, never shown as zero; server text reaches no output as escapes."""

from __future__ import annotations

import json
import subprocess
from calendar import timegm
from pathlib import Path
from time import strptime

import httpx

from casatui.api.query import format_eve_date
from casatui.demo import DemoServer

from ..faults import FaultServer, Respond
from ..servers import ServerUnderTest
from .run import HOSTILE, casatui, no_secret_nor_escape, total


def overview(server: ServerUnderTest, tmp: Path, *args: str, root: str = "") -> subprocess.CompletedProcess[str]:
    return casatui("overview", *args, tmp=tmp, root=root or server.api_root, token=server.token)


def epoch(iso: str) -> int:
    return timegm(strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def test_the_counts_are_the_servers(any_server: ServerUnderTest, tmp_path: Path) -> None:
    result = overview(any_server, tmp_path, "-o", "json")
    assert result.returncode == 0, result.stderr
    no_secret_nor_escape(result, any_server.token)
    data = json.loads(result.stdout)
    assert data["could_not_load"] == []
    clusters = data["clusters"]
    assert clusters["total"] == total(any_server, "kubeclusters") > 0
    for state, count in clusters["states"].items():
        assert count == total(any_server, "kubeclusters", {clusters["field"]: state})
    assert clusters["no_state"] == total(any_server, "kubeclusters", {clusters["field"]: None})
    assert sum(clusters["states"].values()) + clusters["other"] + clusters["no_state"] == clusters["total"]
    jobs = data["jobs_last_day"]
    since = epoch(jobs["since"])
    assert since == epoch(data["time"]) - 86_400
    bound = format_eve_date(since) if jobs["time_field"] in ("_created", "_updated") else since
    recent = {jobs["time_field"]: {"$gt": bound}}
    assert jobs["total"] == total(any_server, "jobs", recent) > 0
    for state, count in jobs["states"].items():
        assert count == total(any_server, "jobs", {**recent, jobs["field"]: state})
    assert sum(jobs["states"].values()) + jobs["other"] + jobs["no_state"] == jobs["total"]
    failed = [entry for entry in data["attention"] if entry["collection"] == "jobs"]
    assert len(failed) == min(25, total(any_server, "jobs", {**recent, "state": {"$in": ["FAILED", "PARTIAL"]}}))
    assert all(entry["state"] in ("FAILED", "PARTIAL") and entry["id"] and entry["name"] for entry in failed)
    assert all(set(entry) == {"collection", "id", "name", "state", "reason", "time"} for entry in data["attention"])
    as_text = overview(any_server, tmp_path)  # text by default, also in a pipe
    assert as_text.returncode == 0 and as_text.stdout.startswith(f"Clusters ({clusters['total']})\n")
    no_secret_nor_escape(as_text, any_server.token)


def test_a_part_that_cannot_load_is_said_never_zero(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    denied = Respond(403, {"_status": "ERR", "_error": {"code": 403, "message": "jobs are not for you"}})
    with FaultServer(upstream=server.base_url) as faults:
        faults.when(lambda seen: seen.path.split("?")[0].endswith("/jobs"), denied)
        root = faults.base_url + server.api_root.removeprefix(server.base_url)
        as_json = overview(server, tmp_path, "-o", "json", root=root)
        as_text = overview(server, tmp_path, root=root)
        assert faults.count("GET", "/jobs") > 0  # (the rule was met)
    assert as_json.returncode == 1 and "could not be loaded" in as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["jobs_last_day"] is None and data["running"] == []
    assert [problem["part"] for problem in data["could_not_load"]] == ["jobs"]
    assert "jobs are not for you" in data["could_not_load"][0]["error"]
    assert data["clusters"]["total"] == total(server, "kubeclusters")  # the rest is still there
    assert as_text.returncode == 1 and "could not load" in as_text.stdout
    assert "Jobs of the last 24 hours" in as_text.stdout and "(0)" not in as_text.stdout
    wrong = "wrong-token-abcdef0123456789"
    nothing = casatui("overview", "-o", "json", tmp=tmp_path, root=server.api_root, token=wrong)
    assert nothing.returncode == 7 and json.loads(nothing.stdout)["clusters"] is None  # nothing loaded: why
    assert {problem["part"] for problem in json.loads(nothing.stdout)["could_not_load"]} >= {"jobs", "kubeclusters"}
    for result in (as_json, as_text, nothing):
        no_secret_nor_escape(result, server.token)
    no_secret_nor_escape(nothing, wrong)


def test_hostile_text_reaches_no_output_as_escapes(
    fresh_demo: DemoServer, fresh_http: httpx.Client, tmp_path: Path
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    where = json.dumps({"validate_state": {"$ne": "READY"}})
    store = fresh_http.get("/objectstores", params={"where": where, "max_results": 1}).json()["_items"][0]
    answer = fresh_http.patch(f"/objectstores/{store['_id']}", json={"name": HOSTILE},
                              headers={"If-Match": store["_etag"]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    as_json = overview(server, tmp_path, "-o", "json")
    as_text = overview(server, tmp_path)
    for result in (as_json, as_text):
        assert result.returncode == 0, result.stderr
        no_secret_nor_escape(result, server.token)
    stores = [entry for entry in json.loads(as_json.stdout)["storage"] if entry["id"] == store["_id"]]
    assert [entry["name"] for entry in stores] == [HOSTILE]  # escaped in the JSON, the same once parsed
    assert "␛]52;c;ZWNobw==␇evil␛[2J⟨U+009B⟩31m⟨U+202E⟩txt.exe" in as_text.stdout
