"""`casatui apply`, run as a user runs it, over real HTTP against the demo and the CloudCasa-shaped server; what the
server holds is read back over HTTP after each run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import yaml
from bson import ObjectId

from casatui.demo import DemoServer

from ..servers import ServerUnderTest
from .documents import document, documents, headers, with_input
from .run import casatui, no_secret_nor_escape

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
                        ('{"description": "no name"}', "neither an _id nor a name")):  # fmt: skip
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
