"""`casatui delete`, run as a user runs it, over real HTTP; whether the document is still there is read back."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from . import terminal
from .documents import document, documents, headers
from .run import casatui, command, environment, no_secret_nor_escape


def delete(
    server: ServerUnderTest, tmp: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Without a terminal (as under cron or CI): nothing can be asked."""
    return casatui("delete", *args, tmp=tmp, root=server.api_root, token=server.token, env=env, new_session=True)


def on_a_terminal(
    server: ServerUnderTest, tmp: Path, *args: str, typed: str, before_typing: Callable[[], None] | None = None
) -> tuple[subprocess.CompletedProcess[str], str]:
    return terminal.on_a_terminal(command("delete", *args, root=server.api_root), environment(tmp, server.token),
                                  asked="[y/N] ", typed=typed, before_typing=before_typing)  # fmt: skip


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
    closed = terminal.with_stdin_closed(command("delete", "kubeclusters", target["name"], root=server.api_root),
                                        environment(tmp_path, server.token))  # fmt: skip
    assert closed.returncode == 2 and closed.stderr.startswith("casatui: No terminal to ask on"), closed.stderr
    assert len(closed.stderr.splitlines()) == 1 and closed.stdout == ""
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
def test_asks_on_the_terminal(fresh_demo: DemoServer, tmp_path: Path, answer: str, deleted: bool) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    result, shown = on_a_terminal(server, tmp_path, "kubeclusters", target["name"], typed=answer)
    assert f"Delete kubeclusters {target['name']} ({target['_id']})? [y/N]" in shown
    assert result.returncode == (0 if deleted else 1), result.stderr
    assert (document(server, "kubeclusters", target["_id"]) is None) is deleted
    assert result.stdout == (f"deleted kubeclusters/{target['name']} ({target['_id']})\n" if deleted else "")


def test_a_protected_profile_asks_for_the_name_on_the_terminal(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    env = environment(tmp_path, server.token, {"CASATUI_PROTECTED": "1"})
    result, shown = terminal.on_a_terminal(command("delete", "kubeclusters", target["_id"], root=server.api_root), env,
                                           asked="to delete", typed=target["name"])  # fmt: skip
    assert f"Profile 'default' is protected. Type the name to delete kubeclusters {target['name']}" in shown
    assert result.returncode == 0, result.stderr
    assert document(server, "kubeclusters", target["_id"]) is None


def test_a_change_while_asking_is_a_conflict(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]

    def theirs() -> None:  # once it has read the document and waits for the answer
        answer = httpx.patch(f"{server.api_root}/kubeclusters/{target['_id']}", json={"description": "theirs"},
                             headers={**headers(server), "If-Match": target["_etag"]})  # fmt: skip
        assert answer.status_code == 200, answer.text

    result, _ = on_a_terminal(server, tmp_path, "kubeclusters", target["name"], typed="y", before_typing=theirs)
    assert result.returncode == 5 and "changed on the server since it was read" in result.stderr
    assert result.stdout == ""
    assert document(server, "kubeclusters", target["_id"])["description"] == "theirs"  # type: ignore[index]
