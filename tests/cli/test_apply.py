"""`casatui apply`, run as a user runs it, over real HTTP against the demo and the CloudCasa-shaped server; what the
server holds is read back over HTTP after each run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml
from bson import ObjectId

from casatui.core.cloudcasa import SERVER_OWNED
from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from . import terminal
from .documents import document, documents, headers, with_input
from .run import casatui, command, environment, no_secret_nor_escape

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def apply(server: ServerUnderTest, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return casatui("apply", "kubeclusters", *args, tmp=tmp, root=server.api_root, token=server.token)


def logged_methods(log: Path) -> set[str]:
    return {json.loads(line)["method"] for line in log.read_text().splitlines()} if log.exists() else set()


def test_creates_replaces_and_leaves_unchanged(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    before = documents(server, "kubeclusters")
    target, same = before[0], before[1]
    changed = {**target, "description": "changed by apply"}  # as `get -o json` gives it, _etag and status included
    created = {"name": "applied-cluster", "description": "from a file"}
    file = tmp_path / "clusters.yaml"
    file.write_text(yaml.safe_dump_all([changed, created, same]))
    result = casatui("apply", "kubeclusters", "-f", str(file), tmp=tmp_path, root=server.api_root, token=server.token)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"replaced kubeclusters/{target['name']} ({target['_id']})"
    assert lines[1].startswith("created kubeclusters/applied-cluster (")
    assert lines[2] == f"unchanged kubeclusters/{same['name']} ({same['_id']})"
    stored = document(server, "kubeclusters", target["_id"])
    assert stored is not None and stored["description"] == "changed by apply" and stored["_etag"] != target["_etag"]
    for owned in ("status", "cc_user_email"):  # the server's own fields kept as they were
        assert stored.get(owned) == target.get(owned)
    new_id = lines[1].rsplit("(", 1)[1].rstrip(")")
    new = document(server, "kubeclusters", new_id)
    assert new is not None and new["name"] == "applied-cluster" and new["description"] == "from a file"
    assert document(server, "kubeclusters", same["_id"])["_etag"] == same["_etag"]  # type: ignore[index]
    assert len(documents(server, "kubeclusters")) == len(before) + 1
    no_secret_nor_escape(result, server.token)

    again = tmp_path / "again.json"  # the same changes again, as a JSON array: nothing to send
    again.write_text(json.dumps([{**changed, "_etag": stored["_etag"]}, same]))
    second = casatui("apply", "kubeclusters", "-f", str(again), tmp=tmp_path, root=server.api_root,
                     token=server.token)  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert [line.split()[0] for line in second.stdout.splitlines()] == ["unchanged", "unchanged"]
    assert document(server, "kubeclusters", target["_id"])["_etag"] == stored["_etag"]  # type: ignore[index]


def test_a_stale_etag_is_a_conflict_and_the_others_still_apply(
    fresh_any_server: ServerUnderTest, tmp_path: Path
) -> None:
    server = fresh_any_server
    target = documents(server, "kubeclusters")[0]
    mine = {**target, "description": "mine"}
    theirs = httpx.patch(f"{server.api_root}/kubeclusters/{target['_id']}", json={"description": "theirs"},
                         headers={**headers(server), "If-Match": target["_etag"]})  # fmt: skip
    assert theirs.status_code == 200, theirs.text
    file = tmp_path / "stale.jsonl"
    file.write_text(json.dumps(mine) + "\n" + json.dumps({"name": "after-the-conflict"}) + "\n")
    dry = casatui("apply", "kubeclusters", "-f", str(file), "--dry-run", tmp=tmp_path, root=server.api_root,
                  token=server.token)  # fmt: skip
    assert dry.returncode == 5 and "would create kubeclusters/after-the-conflict" in dry.stdout
    assert not documents(server, "kubeclusters", {"name": "after-the-conflict"})
    result = casatui("apply", "kubeclusters", "-f", str(file), tmp=tmp_path, root=server.api_root, token=server.token)
    assert result.returncode == 5
    assert f"kubeclusters/{target['name']} ({target['_id']}): changed on the server since the file's _etag" in (
        result.stderr
    )
    assert document(server, "kubeclusters", target["_id"])["description"] == "theirs"  # type: ignore[index]
    assert "created kubeclusters/after-the-conflict" in result.stdout  # the next document was still applied
    assert len(documents(server, "kubeclusters", {"name": "after-the-conflict"})) == 1
    no_secret_nor_escape(result, server.token)


def test_dry_run_and_read_only_send_no_write(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    before = documents(server, "kubeclusters")
    file = tmp_path / "one.json"
    file.write_text(json.dumps([{**before[0], "description": "not sent"}, {"name": "not-created"}]))
    log = tmp_path / "requests.jsonl"
    dry = apply(server, tmp_path, "-f", str(file), "--dry-run", "--log-file", str(log))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        f"would replace kubeclusters/{before[0]['name']} ({before[0]['_id']})",
        "would create kubeclusters/not-created",
    ]
    assert logged_methods(log) == {"GET"}
    refused = apply(server, tmp_path, "-f", str(file), "--read-only", "--log-file", str(log))
    assert refused.returncode == 6 and refused.stdout == ""
    assert "Read-only" in refused.stderr
    assert not logged_methods(log) & WRITES
    assert documents(server, "kubeclusters") == before


def test_files_of_every_form_and_what_is_not_a_document(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    piped = with_input(server, tmp_path, '{"name": "from-stdin"}', "apply", "kubeclusters", "-f", "-")
    assert piped.returncode == 0 and piped.stdout.startswith("created kubeclusters/from-stdin ("), piped.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x",\n  "description": }\n')
    result = apply(server, tmp_path, "-f", str(broken))
    assert result.returncode == 2 and "line 2" in result.stderr
    for text, words in (('[{"name": "a"}, 3]', "document 2: not an object"),
                        ('{"name": "nan", "configuration": {"x": NaN}}', "NaN is not a JSON number"),
                        ('{"description": "no name"}', "neither an _id nor a name"),
                        ('{"name": 5}', "name must be text")):  # fmt: skip
        file = tmp_path / "bad.json"
        file.write_text(text)
        bad = apply(server, tmp_path, "-f", str(file))
        assert bad.returncode == 2 and words in bad.stderr, bad.stderr
    assert [d["name"] for d in documents(server, "kubeclusters", {"name": {"$in": ["a", "nan"]}})] == ["a"]
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"_id": str(ObjectId()), "name": "gone"}))
    assert apply(server, tmp_path, "-f", str(missing)).returncode == 3
    namespaces = tmp_path / "namespace.json"  # a collection the server's document offers no writes on
    namespaces.write_text(json.dumps({"name": "new-namespace"}))
    refused = casatui("apply", "kubenamespaces", "-f", str(namespaces), tmp=tmp_path, root=server.api_root,
                      token=server.token)  # fmt: skip
    assert refused.returncode == 6, refused.stderr


def test_an_ambiguous_name_is_reported_and_the_others_applied(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    with fresh_demo.store.lock:  # a second document of the same name (the demo's schema would refuse it)
        stored = fresh_demo.store.db["kubeclusters"].find_one({"_id": ObjectId(target["_id"])})
        fresh_demo.store.db["kubeclusters"].insert_one({**stored, "_id": ObjectId()})
    file = tmp_path / "two.yaml"
    file.write_text(f"name: {target['name']}\ndescription: which one?\n---\nname: beside-it\n")
    result = apply(server, tmp_path, "-f", str(file), "--patch")
    assert result.returncode == 4, result.stderr
    assert target["_id"] in result.stderr  # the matches are listed
    assert "created kubeclusters/beside-it" in result.stdout
    assert all(d.get("description") != "which one?" for d in documents(server, "kubeclusters"))


def test_patch_changes_only_the_fields_given(fresh_any_server: ServerUnderTest, tmp_path: Path) -> None:
    server = fresh_any_server
    target = documents(server, "kubeclusters")[0]
    file = tmp_path / "part.yaml"
    file.write_text(yaml.safe_dump({"name": target["name"], "description": "only this"}))
    result = apply(server, tmp_path, "-f", str(file), "--patch")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"patched kubeclusters/{target['name']} ({target['_id']})\n"
    stored = document(server, "kubeclusters", target["_id"])
    assert stored is not None and stored["description"] == "only this"
    others = set(target) - {"description", "_etag", "_updated", "_links"}
    assert len(others) > 3 and {key: stored.get(key) for key in others} == {key: target[key] for key in others}
    again = apply(server, tmp_path, "-f", str(file), "--patch")
    assert again.returncode == 0 and again.stdout.startswith("unchanged "), again.stderr


def parser_has(command: str, flag: str) -> bool:
    """Whether the command line offers `flag` to `command` yet."""
    from casatui.cli import build_parser

    sub = next(action for action in build_parser()._actions if action.dest == "command").choices[command]  # type: ignore[index]
    return any(flag in action.option_strings for action in sub._actions)


def test_a_protected_profile_asks_once_for_the_collection(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    before = documents(server, "kubeclusters")
    text = json.dumps([{**before[0], "description": "confirmed"}, {"name": "new-on-prod"}])
    protected = {"CASATUI_PROTECTED": "1"}
    env = environment(tmp_path, server.token, protected)
    log = tmp_path / "requests.jsonl"
    closed = terminal.with_stdin_closed(command("apply", "kubeclusters", "-f", "-", root=server.api_root), env)
    assert closed.returncode == 2 and closed.stderr == "casatui: stdin: holds no document\n", closed.stderr
    file = tmp_path / "two.json"
    file.write_text(text)
    refused = casatui("apply", "kubeclusters", "-f", str(file), "--log-file", str(log), tmp=tmp_path,
                      root=server.api_root, token=server.token, env=protected, new_session=True)  # fmt: skip
    assert refused.returncode == 2 and "--confirm kubeclusters" in refused.stderr, refused.stderr
    assert not logged_methods(log) & WRITES and documents(server, "kubeclusters") == before
    apply_on_terminal = command("apply", "kubeclusters", "-f", "-", root=server.api_root)
    wrong, shown = terminal.on_a_terminal(apply_on_terminal, env, asked="to go on: ", typed="kubebackups", input=text)
    assert "2 documents to kubeclusters on the protected profile default: type kubeclusters to go on: " in shown
    assert wrong.returncode == 2 and wrong.stdout == "" and documents(server, "kubeclusters") == before
    right, _ = terminal.on_a_terminal(apply_on_terminal, env, asked="to go on: ", typed="kubeclusters", input=text)
    assert right.returncode == 0, right.stderr
    assert [line.split()[0] for line in right.stdout.splitlines()] == ["replaced", "created"]
    assert document(server, "kubeclusters", before[0]["_id"])["description"] == "confirmed"  # type: ignore[index]
    dry = casatui("apply", "kubeclusters", "-f", str(file), "--dry-run", tmp=tmp_path, root=server.api_root,
                  token=server.token, env=protected, new_session=True)  # fmt: skip
    assert dry.returncode == 0, dry.stderr  # nothing written: nothing to confirm


@pytest.mark.skipif(not parser_has("apply", "--confirm"), reason="apply --confirm is not on the command line yet")
def test_a_protected_profile_takes_the_collection_with_confirm(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    file = tmp_path / "one.json"
    file.write_text(json.dumps({"name": "confirmed-by-flag"}))
    protected = {"CASATUI_PROTECTED": "1"}
    wrong = casatui("apply", "kubeclusters", "-f", str(file), "--confirm", "kubebackups", tmp=tmp_path,
                    root=server.api_root, token=server.token, env=protected, new_session=True)  # fmt: skip
    assert wrong.returncode == 2 and not documents(server, "kubeclusters", {"name": "confirmed-by-flag"})
    right = casatui("apply", "kubeclusters", "-f", str(file), "--confirm", "kubeclusters", tmp=tmp_path,
                    root=server.api_root, token=server.token, env=protected, new_session=True)  # fmt: skip
    assert right.returncode == 0, right.stderr
    assert len(documents(server, "kubeclusters", {"name": "confirmed-by-flag"})) == 1


def test_a_replace_names_the_fields_it_removes(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    target = documents(server, "kubeclusters")[0]
    gone = [key for key in target if not key.startswith("_") and key not in ("name", "description", *SERVER_OWNED)]
    assert len(gone) >= 2  # (what the test is about)
    file = tmp_path / "short.json"
    file.write_text(json.dumps({"name": target["name"], "description": "all that is left"}))
    shown = f"kubeclusters/{target['name']} ({target['_id']}) — removed: {', '.join(gone)}"
    dry = apply(server, tmp_path, "-f", str(file), "--dry-run")
    assert dry.returncode == 0 and dry.stdout == f"would replace {shown}\n", dry.stderr
    result = apply(server, tmp_path, "-f", str(file))
    assert result.returncode == 0 and result.stdout == f"replaced {shown}\n", result.stderr
    stored = document(server, "kubeclusters", target["_id"])
    assert stored is not None and not set(gone) & set(stored)


def test_patch_merges_nested_objects_and_dry_run_foresees_what_it_cannot_write(
    fresh_any_server: ServerUnderTest, tmp_path: Path
) -> None:
    server = fresh_any_server
    target = next(d for d in documents(server, "kubeclusters") if isinstance(d.get("description"), str))
    tags = target.get("tags") or {}
    file = tmp_path / "nested.yaml"
    file.write_text(yaml.safe_dump({"name": target["name"], "tags": {"team": "storage"}}))
    dry = apply(server, tmp_path, "-f", str(file), "--patch", "--dry-run")
    assert dry.returncode == 0 and dry.stdout == f"would patch kubeclusters/{target['name']} ({target['_id']})\n"
    result = apply(server, tmp_path, "-f", str(file), "--patch")
    assert result.returncode == 0, result.stderr
    stored = document(server, "kubeclusters", target["_id"])
    assert stored is not None and stored["tags"] == {**tags, "team": "storage"}  # the stored tags kept
    assert stored["description"] == target["description"]
    over = tmp_path / "over.json"  # an object over a text: Eve cannot merge it
    over.write_text(json.dumps({"name": target["name"], "description": {"short": "x"}}))
    log = tmp_path / "requests.jsonl"
    for flags in (["--dry-run"], []):
        refused = apply(server, tmp_path, "-f", str(over), "--patch", "--log-file", str(log), *flags)
        assert refused.returncode == 6 and "PATCH cannot write description" in refused.stderr, refused.stderr
        assert refused.stdout == ""
    assert not logged_methods(log) & WRITES


def test_what_is_unreadable_is_one_line_and_exit_2(fresh_demo: DemoServer, tmp_path: Path) -> None:
    server = ServerUnderTest.of(fresh_demo)
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
    )
    cases = {
        "deep.json": ("[" * 200_000, "nested more than 128 levels deep"),
        "deep.yaml": ("a: " + "[" * 5_000 + "]" * 5_000 + "\n", "nested more than 128 levels deep"),
        "deep-block.yaml": ("".join("  " * n + "a:\n" for n in range(300)) + "  " * 300 + "b\n", "nested more"),
        "alias.yaml": ("base: &base {name: x}\nother: *base\n", "aliases (*name) are not read"),
        "laughs.yaml": (laughs, "aliases (*name) are not read"),
        "digits.json": ('{"name": "x", "n": ' + "1" * 5000 + "}", "integer string conversion"),
        "name.json": ('{"name": 5}', "document 1: name must be text, not int (5)"),
    }
    for name, (text, words) in cases.items():
        file = tmp_path / name
        file.write_text(text)
        result = apply(server, tmp_path, "-f", str(file))
        assert result.returncode == 2, (name, result.stderr[-500:])
        assert words in result.stderr and len(result.stderr.splitlines()) == 1, (name, result.stderr[-500:])
        assert result.stdout == ""
