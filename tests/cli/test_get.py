"""`get`, `api-docs` and `info` run as a user runs them: `python -m casatui …` in a subprocess, the
token in $CLOUDCASA_API_TOKEN, over real HTTP against the demo and the CloudCasa-shaped server."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from .run import HOSTILE, casatui, command, environment, get, no_secret_nor_escape, total


@pytest.mark.parametrize("form", ["json", "jsonl", "yaml", "csv", "name", "table"])
def test_every_format_parses_and_counts_what_the_server_has(
    any_server: ServerUnderTest, tmp_path: Path, form: str
) -> None:
    result = get(any_server, tmp_path, "kubeclusters", "--all", "-o", form)
    assert result.returncode == 0, result.stderr
    expected = total(any_server, "kubeclusters")
    assert expected > 0
    if form == "json":
        documents = json.loads(result.stdout)
    elif form == "jsonl":
        documents = [json.loads(line) for line in result.stdout.splitlines()]
    elif form == "yaml":
        documents = yaml.safe_load(result.stdout)
    elif form == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows[0]) == len(set(rows[0])) and "name" in rows[0]  # a header of fields, each once
        documents = rows[1:]
    else:
        documents = result.stdout.splitlines()[1 if form == "table" else 0 :]
    assert len(documents) == expected
    if form in ("json", "jsonl", "yaml"):
        assert all("_id" in document and "_links" not in document for document in documents)
    no_secret_nor_escape(result, any_server.token)


def test_json_when_piped_and_every_page_with_all(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    expected = total(server, "jobs")
    assert expected > 100  # more than one page of the default, more than one of --all's
    first = get(server, tmp_path, "jobs")  # stdout is a pipe: JSON, one page, a note on stderr
    assert len(json.loads(first.stdout)) == 100
    assert f"100 of {expected}" in first.stderr and len(first.stderr.splitlines()) == 1
    every = get(server, tmp_path, "jobs", "--all", "-o", "jsonl")
    ids = [json.loads(line)["_id"] for line in every.stdout.splitlines()]
    assert len(ids) == len(set(ids)) == expected and every.stderr == ""  # no progress: stderr is not a terminal
    some = get(server, tmp_path, "jobs", "--limit", "7", "-o", "name")
    assert len(some.stdout.splitlines()) == 7 and some.stderr == ""  # (a limit asked for: no note)
    rows = list(csv.reader(io.StringIO(get(server, tmp_path, "jobs", "--limit", "7", "-o", "csv").stdout)))
    assert len(rows) == 8 and len(rows[0]) == len(set(rows[0]))  # the duration column: its start and end, once each
    assert {"start_time", "end_time"} <= set(rows[0])


def test_the_filter_is_the_profiles(any_server: ServerUnderTest, tmp_path: Path) -> None:
    result = get(any_server, tmp_path, "jobs", "--where", "state:FAILED", "--all", "-o", "jsonl")
    assert result.returncode == 0, result.stderr
    states = {json.loads(line)["state"] for line in result.stdout.splitlines()} if result.stdout else set()
    assert states <= {"FAILED"}
    assert len(result.stdout.splitlines()) == total(any_server, "jobs", {"state": "FAILED"})


def test_a_field_the_schema_lacks_is_a_usage_error_unless_asked(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    result = get(server, tmp_path, "jobs", "--where", "stat:FAILED")
    assert result.returncode == 2 and result.stdout == ""
    assert "did you mean state?" in result.stderr and len(result.stderr.splitlines()) == 1
    forced = get(server, tmp_path, "jobs", "--where", "stat:FAILED", "--any-field")
    assert forced.returncode == 0 and json.loads(forced.stdout) == []
    unknown = get(server, tmp_path, "kubeclustrs")
    assert unknown.returncode == 2 and "(did you mean kubeclusters or" in unknown.stderr


def test_one_document_by_id_and_by_name(any_server: ServerUnderTest, tmp_path: Path) -> None:
    listed = json.loads(get(any_server, tmp_path, "kubeclusters", "-o", "json").stdout)
    names = [document["name"] for document in listed]
    unique = next(name for name in names if names.count(name) == 1)
    by_name = get(any_server, tmp_path, "kubeclusters", unique, "-o", "json")
    assert by_name.returncode == 0, by_name.stderr
    document = json.loads(by_name.stdout)
    assert document["name"] == unique
    by_id = get(any_server, tmp_path, "kubeclusters", document["_id"], "-o", "yaml")
    assert yaml.safe_load(by_id.stdout)["_id"] == document["_id"]
    missing = get(any_server, tmp_path, "kubeclusters", "no-such-cluster")
    assert missing.returncode == 3 and "no-such-cluster" in missing.stderr and missing.stdout == ""
    gone = get(any_server, tmp_path, "kubeclusters", "0" * 24)
    assert gone.returncode == 3 and len(gone.stderr.splitlines()) == 1 and "Traceback" not in gone.stderr


def test_an_ambiguous_name_lists_the_matches(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    names = get(
        server, tmp_path, "jobs", "--limit", "300", "-o", "name"
    ).stdout.splitlines()  # (jobs: the definition's)
    shared = next(name for name in names if names.count(name) > 1)
    result = get(server, tmp_path, "jobs", shared)
    assert result.returncode == 4 and result.stdout == ""
    assert "documents of jobs have the " in result.stderr and repr(shared) in result.stderr
    assert len(result.stderr.splitlines()) == 1 + min(names.count(shared), 20)


def test_hostile_text_reaches_no_output_as_escapes(
    fresh_demo: DemoServer, fresh_http: httpx.Client, tmp_path: Path
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    first = fresh_http.get("/kubeclusters", params={"max_results": 1}).json()["_items"][0]
    answer = fresh_http.patch(f"/kubeclusters/{first['_id']}", json={"name": HOSTILE},
                              headers={"If-Match": first["_etag"]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    for form in ("json", "jsonl", "yaml", "csv", "name", "table"):
        result = get(server, tmp_path, "kubeclusters", "--all", "-o", form)
        assert result.returncode == 0, result.stderr
        no_secret_nor_escape(result, server.token)
        if form == "json":
            assert HOSTILE in {document["name"] for document in json.loads(result.stdout)}  # escaped, not changed
        if form == "jsonl":
            assert HOSTILE in {json.loads(line)["name"] for line in result.stdout.splitlines()}
    as_yaml = yaml.safe_load(get(server, tmp_path, "kubeclusters", "--all", "-o", "yaml").stdout)
    assert HOSTILE in {document["name"] for document in as_yaml}  # escaped, never changed


def test_errors_have_their_exit_status_and_never_the_token(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    wrong = "wrong-token-abcdef0123456789"
    denied = casatui("get", "jobs", tmp=tmp_path, root=server.api_root, token=wrong)
    assert denied.returncode == 7 and "401" in denied.stderr and len(denied.stderr.splitlines()) == 1
    assert wrong not in denied.stdout + denied.stderr
    closed = casatui("get", "jobs", tmp=tmp_path, root="http://127.0.0.1:9/api/v1", token=server.token)
    assert closed.returncode == 8 and len(closed.stderr.splitlines()) == 1 and "Traceback" not in closed.stderr
    bad = get(server, tmp_path, "jobs", "--where", "state=")
    assert bad.returncode == 2 and bad.stderr.startswith("casatui: --where:")
    assert get(server, tmp_path, "jobs", "--limit", "0").returncode == 2
    log = tmp_path / "requests.jsonl"
    logged = get(server, tmp_path, "jobs", "--limit", "3", "--log-file", str(log))
    assert logged.returncode == 0 and log.read_text().count("\n") >= 1
    for result in (denied, closed, bad, logged):
        assert server.token not in result.stdout + result.stderr
    assert server.token not in log.read_text()


def test_api_docs_is_the_servers_document(any_server: ServerUnderTest, tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {any_server.token}"}
    received = httpx.get(f"{any_server.api_root}/api-docs", headers=headers)
    if received.status_code != 200:  # where the client looks next: at the host's root
        received = httpx.get(f"{httpx.URL(any_server.api_root).copy_with(path='/api-docs')}", headers=headers)
    as_json = casatui("api-docs", tmp=tmp_path, root=any_server.api_root, token=any_server.token)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == received.json()
    as_yaml = casatui("api-docs", "-o", "yaml", tmp=tmp_path, root=any_server.api_root, token=any_server.token)
    assert yaml.safe_load(as_yaml.stdout) == received.json()


def test_info_says_where_things_come_from_never_the_token(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    result = casatui("info", "-o", "json", "--read-only", tmp=tmp_path, root=server.api_root, token=server.token)
    facts = json.loads(result.stdout)
    assert facts["config_file"] == str(tmp_path / "config.toml") and facts["api_root"] == server.api_root
    assert facts["token"] == "the token comes from $CLOUDCASA_API_TOKEN" and facts["read_only"] is True
    assert facts["api_document_kept"] is False
    get(server, tmp_path, "jobs", "--limit", "1")  # reads the document, and keeps it
    again = casatui("info", tmp=tmp_path, root=server.api_root, token=server.token)
    assert "api document kept: yes" in again.stdout and "read only: no" in again.stdout
    assert server.token not in result.stdout + result.stderr + again.stdout + again.stderr


def test_no_textual_on_these_paths(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    result = casatui("get", "jobs", "--limit", "3", "-o", "table", tmp=tmp_path, root=server.api_root,
                     token=server.token, env={"PYTHONPROFILEIMPORTTIME": "1"})  # fmt: skip
    assert result.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "import time:" in line]
    assert "casatui.cli.get" in imported and "casatui.api.client" in imported  # (the measure works)
    assert not [module for module in imported if module.split(".")[0] == "textual"]


def test_output_that_cannot_be_written_is_one_line(demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(demo)
    for form in ("json", "table"):
        with open("/dev/full", "w") as full:
            result = subprocess.run(command("get", "jobs", "-o", form, root=server.api_root), stdout=full,
                                    stderr=subprocess.PIPE, text=True, timeout=120,
                                    env=environment(tmp_path, server.token))  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert result.stderr == "casatui: cannot write the output: No space left on device\n"
    closed = subprocess.run(command("get", "jobs", "--all", root=server.api_root), stdout=subprocess.DEVNULL, text=True,
                            stderr=subprocess.PIPE, env=environment(tmp_path, server.token), timeout=120,
                            pass_fds=(), close_fds=True, preexec_fn=lambda: os.close(1))  # fmt: skip
    assert closed.returncode == 0 and closed.stderr == ""


def test_every_request_sent_is_in_the_log(demo: DemoServer, tmp_path: Path) -> None:
    """A page asked with the standard library first and, when that fails, again with the full client: both are
    in the log (the first was once left out)."""
    server = ServerUnderTest.of(demo)
    log = tmp_path / "requests.jsonl"
    denied = casatui("get", "jobs", "--log-file", str(log), tmp=tmp_path, root=server.api_root, token="wrong-token")
    assert denied.returncode == 7
    statuses = [json.loads(line)["status"] for line in log.read_text().splitlines()]
    assert statuses.count(401) >= 2 and "wrong-token" not in log.read_text()
