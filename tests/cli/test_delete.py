"""`casatui delete`, run as a user runs it, over real HTTP; whether the document is still there is read back."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import httpx
import pytest

from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from .documents import document, documents, headers, start
from .run import casatui, no_secret_nor_escape


def delete(
    server: ServerUnderTest, tmp: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return casatui("delete", *args, tmp=tmp, root=server.api_root, token=server.token, env=env)


def test_deletes_with_yes_by_name_or_id(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    first, second = documents(server, "kubeclusters")[:2]
    result = delete(server, tmp_path, "kubeclusters", first["name"], "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"deleted kubeclusters/{first['name']} ({first['_id']})\n"
    assert document(server, "kubeclusters", first["_id"]) is None
    assert document(server, "kubeclusters", second["_id"]) is not None
    by_id = delete(server, tmp_path, "kubeclusters", second["_id"], "-y")
    assert by_id.returncode == 0 and document(server, "kubeclusters", second["_id"]) is None
    no_secret_nor_escape(result, server.token)
    gone = delete(server, tmp_path, "kubeclusters", first["name"], "--yes")
    assert gone.returncode == 3


def test_refused_without_yes_when_there_is_no_terminal(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    target = documents(server, "kubeclusters")[0]
    result = delete(server, tmp_path, "kubeclusters", target["name"])
    assert result.returncode == 2 and "--yes" in result.stderr and result.stdout == ""
    assert document(server, "kubeclusters", target["_id"])["_etag"] == target["_etag"]  # type: ignore[index]


def test_a_protected_profile_needs_the_name(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    protected = {"CASATUI_PROTECTED": "1"}
    result = delete(server, tmp_path, "kubeclusters", target["name"], "--yes", env=protected)
    assert result.returncode == 2 and "--confirm" in result.stderr
    wrong = delete(server, tmp_path, "kubeclusters", target["name"], "--yes", "--confirm", "other", env=protected)
    assert wrong.returncode == 2 and "is not the name" in wrong.stderr
    assert document(server, "kubeclusters", target["_id"]) is not None
    confirmed = delete(server, tmp_path, "kubeclusters", target["_id"], "--confirm", target["name"], env=protected)
    assert confirmed.returncode == 0, confirmed.stderr
    assert document(server, "kubeclusters", target["_id"]) is None


def test_read_only_and_not_offered_are_refused(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    target = documents(server, "kubeclusters")[0]
    log = tmp_path / "requests.jsonl"
    result = delete(server, tmp_path, "kubeclusters", target["name"], "--yes", "--read-only", "--log-file", str(log))
    assert result.returncode == 6 and "Read-only" in result.stderr
    assert "DELETE" not in log.read_text()
    assert document(server, "kubeclusters", target["_id"]) is not None
    namespace = documents(server, "kubenamespaces")[0]
    refused = delete(server, tmp_path, "kubenamespaces", namespace["_id"], "--yes")
    assert refused.returncode == 6, refused.stderr
    assert document(server, "kubenamespaces", namespace["_id"]) is not None


@pytest.mark.parametrize(("answer", "deleted"), [("y", True), ("n", False)])
def test_asks_on_a_terminal(fresh_demo: DemoServer, tmp_path: Path, answer: str, deleted: bool) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    terminal, other_end = pty.openpty()
    try:
        process = start(server, tmp_path, "delete", "kubeclusters", target["name"], stdin=other_end)
        os.write(terminal, f"{answer}\n".encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(other_end)
    assert f"Delete kubeclusters {target['name']} ({target['_id']})? [y/N]" in err
    assert process.returncode == (0 if deleted else 1), err
    assert (document(server, "kubeclusters", target["_id"]) is None) is deleted
    assert out == (f"deleted kubeclusters/{target['name']} ({target['_id']})\n" if deleted else "")


def test_a_change_while_asking_is_a_conflict(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    prompt = f"Delete kubeclusters {target['name']} ({target['_id']})? [y/N] "
    terminal, other_end = pty.openpty()
    try:
        process = start(server, tmp_path, "delete", "kubeclusters", target["name"], stdin=other_end)
        assert process.stderr is not None
        assert process.stderr.read(len(prompt)) == prompt  # it has read the document and waits for the answer
        theirs = httpx.patch(f"{server.api_root}/kubeclusters/{target['_id']}", json={"description": "theirs"},
                             headers={**headers(server), "If-Match": target["_etag"]})  # fmt: skip
        assert theirs.status_code == 200, theirs.text
        os.write(terminal, b"y\n")
        out, err = process.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(other_end)
    assert process.returncode == 5 and "changed on the server since it was read" in err and out == ""
    assert document(server, "kubeclusters", target["_id"])["description"] == "theirs"  # type: ignore[index]
