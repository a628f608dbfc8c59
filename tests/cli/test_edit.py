"""`casatui edit` run as a user runs it, over real HTTP, with a scripted editor ($CASATUI_EDITOR) that does one step
of a plan per opening (see scripted_editor.py) and leaves behind what it saw."""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from . import terminal
from .run import HOSTILE, casatui, command, environment, no_secret_nor_escape

EDITOR = Path(__file__).with_name("scripted_editor.py")
KEPT = re.compile(r"kept in (\S+)")


@dataclass
class Edit:
    result: subprocess.CompletedProcess[str]
    folder: Path  # where the editor left what it saw
    process: subprocess.Popen[str] | None = None  # (a command still running)

    @property
    def openings(self) -> int:
        counter = self.folder / "count"
        return int(counter.read_text()) if counter.exists() else 0

    def seen(self, number: int) -> str:
        return (self.folder / f"seen-{number}.txt").read_text()

    def wrote(self, number: int) -> str:
        return (self.folder / f"wrote-{number}.txt").read_text()

    def modes(self, number: int) -> dict[str, Any]:
        return dict(json.loads((self.folder / f"mode-{number}.json").read_text()))

    def kept(self) -> Path:
        found = KEPT.search(self.result.stderr)
        assert found, self.result.stderr
        return Path(found.group(1))


def headers(server: ServerUnderTest) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}", "Accept": "application/json"}


def first(server: ServerUnderTest, collection: str = "kubebackups") -> dict[str, Any]:
    answer = httpx.get(f"{server.api_root}/{collection}", params={"max_results": 1}, headers=headers(server))
    return dict(answer.json()["_items"][0])


def current(server: ServerUnderTest, document: dict[str, Any], collection: str = "kubebackups") -> dict[str, Any]:
    return dict(httpx.get(f"{server.api_root}/{collection}/{document['_id']}", headers=headers(server)).json())


def without_notes(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("// casatui:"))


def planned(
    server: ServerUnderTest, tmp: Path, document: dict[str, Any], steps: list[dict[str, Any]], collection: str
) -> tuple[Path, dict[str, str]]:
    """The editor's folder, with its plan, and the variables that make it the editor (files go in `tmp`)."""
    folder = tmp / "editor"
    folder.mkdir()
    plan = folder / "plan.json"
    where = {"root": server.api_root, "token": server.token, "collection": collection, "id": document["_id"]}
    plan.write_text(json.dumps({"steps": steps, "server": where}))
    return folder, {"CASATUI_EDITOR": shlex.join([sys.executable, str(EDITOR), str(plan)]), "TMPDIR": str(tmp)}


def edit(
    server: ServerUnderTest,
    tmp: Path,
    document: dict[str, Any],
    steps: list[dict[str, Any]],
    *flags: str,
    collection: str = "kubebackups",
    env: dict[str, str] | None = None,
) -> Edit:
    folder, variables = planned(server, tmp, document, steps, collection)
    result = casatui("edit", collection, document["_id"], *flags, tmp=tmp, root=server.api_root, token=server.token,
                     env={**variables, **(env or {})}, new_session=True)  # fmt: skip
    no_secret_nor_escape(result, server.token)
    return Edit(result, folder)


def started(server: ServerUnderTest, tmp: Path, document: dict[str, Any], step: dict[str, Any]) -> Edit:
    """`edit` started, its editor (one `wait` step) open: call `finish` to let the editor go on."""
    folder, variables = planned(server, tmp, document, [{**step, "wait": True}], "kubebackups")
    process = subprocess.Popen(command("edit", "kubebackups", document["_id"], root=server.api_root),
                               env=environment(tmp, server.token, variables), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)  # fmt: skip
    for _ in range(600):
        if (folder / "ready").exists() or process.poll() is not None:
            break
        time.sleep(0.1)
    assert (folder / "ready").exists(), process.communicate()
    return Edit(subprocess.CompletedProcess(process.args, -1), folder, process)


def finish(edit: Edit, server: ServerUnderTest) -> subprocess.CompletedProcess[str]:
    assert edit.process is not None
    (edit.folder / "go").touch()
    out, err = edit.process.communicate(timeout=120)
    edit.result = subprocess.CompletedProcess(edit.process.args, edit.process.returncode, out, err)
    no_secret_nor_escape(edit.result, server.token)
    return edit.result


def test_a_plain_save_in_a_private_file(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    document = first(server)
    done = edit(server, tmp_path, document, [{"set": {"name": "renamed-in-editor"}}])
    assert done.result.returncode == 0, done.result.stderr
    assert "saved with PUT" in done.result.stderr and done.openings == 1 and done.result.stdout == ""
    after = current(server, document)
    assert after["name"] == "renamed-in-editor" and after["_etag"] != document["_etag"]
    assert after["policy"] == document["policy"] and after["cluster"] == document["cluster"]  # a PUT kept the rest
    assert json.loads(done.seen(1)) == {k: v for k, v in document.items() if not k.startswith("_")}
    modes = done.modes(1)
    assert modes == {**modes, "file": 0o600, "directory": 0o700}
    assert Path(modes["path"]).parent.parent == tmp_path  # in $TMPDIR, in a directory of its own
    assert not Path(modes["path"]).exists() and not Path(modes["path"]).parent.exists()  # removed once saved


def test_patch_sends_the_changed_fields(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    log = tmp_path / "requests.jsonl"
    done = edit(server, tmp_path, document, [{"set": {"pause": not document["pause"]}}], "--patch",
                "--log-file", str(log))  # fmt: skip
    assert done.result.returncode == 0, done.result.stderr
    assert "saved with PATCH" in done.result.stderr
    assert current(server, document)["pause"] is (not document["pause"])
    assert [json.loads(line)["method"] for line in log.read_text().splitlines()].count("PATCH") == 1


def test_invalid_json_is_reopened_with_the_error_then_saved(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    steps = [{"set": {"name": "after-a-typo"}, "break": True}, {"fix": True, "keep_notes": True}]
    done = edit(server, tmp_path, document, steps)
    assert done.result.returncode == 0, done.result.stderr
    assert done.openings == 2
    reopened = done.seen(2)
    assert reopened.startswith("// casatui: This is not valid JSON at line 3 (line 6 of this file), column 3: "
                               "Expecting ',' delimiter.\n")  # fmt: skip
    assert reopened.splitlines()[5].startswith('  "')  # the line that lacks the comma before it
    assert without_notes(reopened) == done.wrote(1)  # the text as the user left it, not reformatted
    assert "not valid JSON" in done.result.stderr
    assert current(server, document)["name"] == "after-a-typo"


def test_a_refusal_by_the_server_is_reopened_with_its_words(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    document = first(server)
    fixed = {"set": {"policy": document["policy"]}, "keep_notes": True}  # (casatui drops its lines itself)
    steps = [{"set": {"policy": 12345, "name": "fixed-after-422"}}, fixed]
    done = edit(server, tmp_path, document, steps)
    assert done.result.returncode == 0, done.result.stderr
    reopened = done.seen(2)
    assert "// casatui: The server refused it (422):" in reopened
    assert "The server refused it (422): policy: must be of objectid type." in done.result.stderr
    assert "// casatui:   policy: must be of objectid type" in reopened
    assert json.loads(without_notes(reopened))["policy"] == 12345  # the user's value, for them to fix
    after = current(server, document)
    assert after["name"] == "fixed-after-422" and after["policy"] == document["policy"]


def test_a_change_on_the_server_meanwhile_is_merged_when_it_does_not_overlap(
    fresh_any_server: ServerUnderTest, tmp_path: Path
) -> None:
    server = fresh_any_server
    document = first(server)
    steps = [{"server_patch": {"pause": not document["pause"]}, "set": {"name": "mine"}}]
    done = edit(server, tmp_path, document, steps)
    assert done.result.returncode == 0, done.result.stderr
    assert done.openings == 1 and "from the server: pause" in done.result.stderr
    after = current(server, document)
    assert after["name"] == "mine" and after["pause"] is (not document["pause"])  # both edits


def overlapping(server: ServerUnderTest, tmp: Path, second: dict[str, Any]) -> tuple[Edit, dict[str, Any]]:
    document = first(server)
    steps = [{"server_patch": {"name": "theirs"}, "set": {"name": "mine", "tags": {"team": "a"}}}, second]
    return edit(server, tmp, document, steps), document


def test_overlapping_edits_are_reopened_with_both_sides_and_saved(
    fresh_any_server: ServerUnderTest, tmp_path: Path
) -> None:
    done, document = overlapping(fresh_any_server, tmp_path, {"strip_notes": True})
    assert done.result.returncode == 0, done.result.stderr
    reopened = done.seen(2)
    assert '// casatui: Both changed name: the server\'s value is "theirs"' in reopened
    assert json.loads(without_notes(reopened))["name"] == "mine"  # yours in the buffer
    after = current(fresh_any_server, document)
    assert after["name"] == "mine" and after["tags"] == {"team": "a"}


def test_overlapping_edits_left_as_they_were_stop_with_the_file_kept(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    done, document = overlapping(server, tmp_path, {"keep": True})
    assert done.result.returncode == 5, done.result.stderr
    kept = done.kept()
    assert kept == Path(done.modes(2)["path"]) and kept.stat().st_mode & 0o777 == 0o600
    assert json.loads(without_notes(kept.read_text()))["name"] == "mine"
    assert current(server, document)["name"] == "theirs"  # nothing written over theirs


def test_hostile_text_from_the_server_reaches_no_output_nor_the_file_as_escapes(
    fresh_demo: DemoServer, tmp_path: Path
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    named = httpx.patch(f"{server.api_root}/kubebackups/{document['_id']}", json={"name": HOSTILE},
                        headers={**headers(server), "If-Match": document["_etag"]})  # fmt: skip
    assert named.status_code == 200, named.text
    steps = [{"server_patch": {"name": HOSTILE + "2"}, "set": {"name": "mine"}}, {"keep": True}]
    done = edit(server, tmp_path, current(server, document), steps)  # (outputs checked in `edit`)
    assert done.result.returncode == 5, done.result.stderr
    assert not {"\x1b", "\x9b", "\x07", "\u202e"} & set(done.seen(1) + done.seen(2))
    assert json.loads(done.seen(1))["name"] == HOSTILE  # escaped in JSON, not changed
    assert "Both changed name: the server's value is" in done.seen(2)


def test_a_document_deleted_meanwhile_keeps_the_file(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    document = first(server)
    done = edit(server, tmp_path, document, [{"server_delete": True, "set": {"name": "typed-for-nothing"}}])
    assert done.result.returncode == 3 and "was deleted on the server meanwhile" in done.result.stderr
    assert json.loads(done.kept().read_text())["name"] == "typed-for-nothing"


def test_cancel_without_change(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [{"keep": True}])
    assert done.result.returncode == 0 and done.result.stdout == ""
    assert done.result.stderr == "casatui: Edit cancelled, no changes made.\n"
    assert not Path(done.modes(1)["path"]).exists()
    assert current(server, document)["_etag"] == document["_etag"]


def test_an_editor_that_fails_cancels_and_keeps_the_file(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [{"set": {"name": "half-done"}, "exit": 1}])
    assert done.result.returncode == 1 and "exited with status 1" in done.result.stderr and done.result.stdout == ""
    assert json.loads(done.kept().read_text())["name"] == "half-done"
    assert current(server, document)["_etag"] == document["_etag"]


def test_an_editor_that_fails_untouched_removes_the_file(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [{"keep": True, "exit": 1}])  # as EDITOR=false
    assert done.result.returncode == 1 and "exited with status 1" in done.result.stderr, done.result.stderr
    assert "kept" not in done.result.stderr and "cancelled, no changes" not in done.result.stderr
    assert not Path(done.modes(1)["path"]).exists() and not Path(done.modes(1)["path"]).parent.exists()
    assert done.result.stdout == "" and current(server, document)["_etag"] == document["_etag"]


def test_an_editor_command_a_shell_could_not_split_is_a_usage_error(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [], env={"CASATUI_EDITOR": "", "VISUAL": "", "EDITOR": "'unbalanced"})
    assert done.result.returncode == 2, done.result.stderr
    assert done.result.stderr.startswith("casatui: $EDITOR cannot be read as a command")
    assert len(done.result.stderr.splitlines()) == 1 and "Interrupted" not in done.result.stderr
    assert not list(tmp_path.glob("casatui-edit-*"))  # no file was made, so none is left


def test_an_editor_that_keeps_leaving_the_same_problem_is_not_reopened_for_ever(
    fresh_demo: DemoServer, tmp_path: Path
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [{"write": '{"name": "never valid",\n}\n'}] * 30)
    assert done.result.returncode == 1 and done.openings == 3, done.result.stderr
    assert "Stopped: the editor left a problem 3 times in a row" in done.result.stderr
    assert json.loads(without_notes(done.kept().read_text()).replace(",\n}", "}"))["name"] == "never valid"
    assert current(server, document)["_etag"] == document["_etag"]


def test_an_editor_that_keeps_leaving_new_problems_stops_after_twenty_openings(
    fresh_demo: DemoServer, tmp_path: Path
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    steps = [{"write": "\n" * number + "{not json}\n"} for number in range(30)]  # each at another line
    done = edit(server, tmp_path, document, steps)
    assert done.result.returncode == 1 and done.openings == 20, done.result.stderr
    assert "after 20 openings" in done.result.stderr and done.kept().exists()


def test_a_failure_of_casatui_itself_keeps_the_file_and_says_so(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [{"to_directory": True}])  # the file cannot be read back
    assert done.result.returncode == 1, done.result.stderr
    assert "casatui failed: IsADirectoryError" in done.result.stderr and "your edit is kept in" in done.result.stderr
    assert "Interrupted" not in done.result.stderr and "Traceback" not in done.result.stderr


def test_an_editor_that_cannot_start_keeps_the_file(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [], env={"CASATUI_EDITOR": str(tmp_path / "no such editor")})
    assert done.result.returncode == 1 and "could not be started" in done.result.stderr
    assert json.loads(done.kept().read_text())["name"] == document["name"]


def test_fields_only_the_server_writes_are_refused_before_sending(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    log = tmp_path / "requests.jsonl"
    done = edit(server, tmp_path, document, [{"set": {"_id": "0" * 24, "name": "x"}}, {"keep": True}],
                "--log-file", str(log))  # fmt: skip
    assert done.result.returncode == 1 and done.openings == 2
    assert done.seen(2).startswith("// casatui: _id: only the server writes these.")
    assert json.loads(without_notes(done.kept().read_text()))["name"] == "x"
    assert not {"PUT", "PATCH"} & {json.loads(line)["method"] for line in log.read_text().splitlines()}
    assert current(server, document)["_etag"] == document["_etag"]


def test_a_network_failure_on_saving_keeps_the_file(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    editing = started(server, tmp_path, first(server), {"set": {"name": "typed-before-the-outage"}})
    fresh_demo.stop()  # the server goes away while the editor is open
    result = finish(editing, server)
    assert result.returncode == 8, result.stderr
    assert json.loads(editing.kept().read_text())["name"] == "typed-before-the-outage"


def test_an_interrupt_keeps_the_file(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    editing = started(server, tmp_path, document, {"set": {"name": "typed-before-ctrl-c"}})
    assert editing.process is not None
    editing.process.send_signal(signal.SIGINT)  # (to casatui alone: the editor, like vi, goes on)
    result = finish(editing, server)
    assert result.returncode == 130, result.stderr
    assert json.loads(editing.kept().read_text())["name"] == "typed-before-ctrl-c"
    assert current(server, document)["_etag"] == document["_etag"]


def test_read_only_is_refused_before_the_editor_opens(any_server: ServerUnderTest, tmp_path: Path) -> None:
    document = first(any_server)
    done = edit(any_server, tmp_path, document, [{"set": {"name": "never"}}], "--read-only")
    assert done.result.returncode == 6 and "Read-only" in done.result.stderr
    assert done.openings == 0 and current(any_server, document)["_etag"] == document["_etag"]


def test_a_write_the_server_does_not_offer_is_refused_before_the_editor_opens(cloudcasa: Any, tmp_path: Path) -> None:
    server = ServerUnderTest.of(cloudcasa)
    document = first(server, "kubenamespaces")
    done = edit(server, tmp_path, document, [{"set": {"name": "never"}}], collection="kubenamespaces")
    assert done.result.returncode == 6 and "does not offer PUT" in done.result.stderr
    assert done.openings == 0


def test_a_protected_profile_without_a_terminal_is_refused(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done = edit(server, tmp_path, document, [{"set": {"name": "never"}}], env={"CASATUI_PROTECTED": "1"})
    assert done.result.returncode == 2 and "protected" in done.result.stderr and done.openings == 0
    assert "--confirm NAME" in done.result.stderr and "apply" not in done.result.stderr
    assert current(server, document)["_etag"] == document["_etag"]


def on_a_terminal(server: ServerUnderTest, tmp: Path, document: dict[str, Any], typed: str) -> tuple[Edit, str]:
    """`edit` with a pseudo-terminal as its controlling terminal (stdin, stdout, stderr stay pipes), `typed` typed
    there once casatui asks; the edit, and what the terminal showed."""
    folder, variables = planned(server, tmp, document, [{"set": {"name": "confirmed"}}], "kubebackups")
    result, shown = terminal.on_a_terminal(command("edit", "kubebackups", document["_id"], root=server.api_root),
                                           environment(tmp, server.token, {**variables, "CASATUI_PROTECTED": "1"}),
                                           asked="to save it: ", typed=typed)  # fmt: skip
    no_secret_nor_escape(result, server.token)
    return Edit(result, folder), shown


@pytest.mark.parametrize("right", [True, False])
def test_a_protected_profile_asks_for_the_name_on_the_terminal(
    fresh_demo: DemoServer, tmp_path: Path, right: bool
) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    done, shown = on_a_terminal(server, tmp_path, document, document["name"] if right else "not-its-name")
    assert f"Type the name of the document ({document['name']}) to save it" in shown
    assert server.token not in shown
    if right:
        assert done.result.returncode == 0, done.result.stderr
        assert current(server, document)["name"] == "confirmed"
    else:
        assert done.result.returncode == 2 and "Not saved: the name typed is not" in done.result.stderr
        assert json.loads(done.kept().read_text())["name"] == "confirmed"
        assert current(server, document)["_etag"] == document["_etag"]


@pytest.mark.parametrize("step", [{"set": {"name": "no-textual"}}])
def test_no_textual_on_this_path(fresh_demo: DemoServer, tmp_path: Path, step: dict[str, Any]) -> None:
    server = ServerUnderTest.of(fresh_demo)
    done = edit(server, tmp_path, first(server), [step], env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.result.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.result.stderr.splitlines() if "import time:" in line]
    assert "casatui.cli.edit" in imported and "casatui.core.editing" in imported  # (the measure works)
    assert not [module for module in imported if module.split(".")[0] == "textual"]


def edit_has_confirm() -> bool:
    from casatui.cli import build_parser

    sub = next(action for action in build_parser()._actions if action.dest == "command").choices["edit"]  # type: ignore[index]
    return any("--confirm" in action.option_strings for action in sub._actions)


@pytest.mark.skipif(not edit_has_confirm(), reason="edit --confirm is not on the command line yet")
def test_a_protected_profile_takes_the_name_with_confirm(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    document = first(server)
    protected = {"CASATUI_PROTECTED": "1"}
    wrong = edit(server, tmp_path, document, [{"set": {"name": "never"}}], "--confirm", "other", env=protected)
    assert wrong.result.returncode == 2 and "is not the name" in wrong.result.stderr and wrong.openings == 0
    (tmp_path / "editor").rename(tmp_path / "first-editor")
    right = edit(server, tmp_path, document, [{"set": {"name": "by-flag"}}], "--confirm", document["name"],
                 env=protected)  # fmt: skip
    assert right.result.returncode == 0, right.result.stderr
    assert current(server, document)["name"] == "by-flag"
