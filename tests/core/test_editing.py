"""Saving and the ways through a 412, without a screen, against the embedded server: each returns an outcome, the
version edited is never changed, and nothing is written that the user did not choose."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from casatui.api.client import CasaClient
from casatui.api.models import Item
from casatui.core import editing
from casatui.demo import DemoServer


@pytest.fixture
async def client(fresh_demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(fresh_demo.api_root, fresh_demo.token) as client:
        yield client


async def policy(client: CasaClient, name: str) -> Item:
    page = await client.list("policies", where={"name": name})
    item = await client.get("policies", page.items[0]["_id"])
    assert item is not None
    return item


def colleague_saves(server: DemoServer, item: Item, changes: dict[str, Any]) -> None:
    answer = httpx.patch(f"{server.api_root}/policies/{item.id}", json=changes,
                         headers={"Authorization": f"Bearer {server.token}", "If-Match": item.etag})  # fmt: skip
    assert answer.status_code == 200, answer.text


def writes(client: CasaClient) -> list[tuple[str, int | None]]:
    return [(e.method, e.status) for e in client.exchanges if e.method != "GET"]


async def test_a_save_returns_the_new_version_and_leaves_the_one_edited(client: CasaClient) -> None:
    base = await policy(client, "daily-7d")
    before = copy.deepcopy(base.data)
    outcome = await editing.save(client, base, {**base.data, "timezone": "Europe/Rome"}, "PATCH")
    assert isinstance(outcome, editing.Saved) and outcome.replaced is base and outcome.method == "PATCH"
    assert outcome.item.data["timezone"] == "Europe/Rome" and outcome.item.etag != base.etag
    assert base.data == before and base.etag == before["_etag"]
    again = await editing.save(client, outcome.item, outcome.item.data, "PUT")
    assert isinstance(again, editing.NothingChanged) and writes(client) == [("PATCH", 200)]


async def a_conflict(client: CasaClient, server: DemoServer, yours: dict[str, Any]) -> tuple[Item, editing.Conflict]:
    base = await policy(client, "daily-7d")
    colleague_saves(server, base, {"tags": {"owner": "colleague"}, "timezone": "Asia/Tokyo"})
    conflict = await editing.save(client, base, {**base.data, **yours}, "PUT")
    assert isinstance(conflict, editing.Conflict)
    return base, conflict


async def test_the_ways_through_a_412_that_write_nothing(client: CasaClient, fresh_demo: DemoServer) -> None:
    _, conflict = await a_conflict(client, fresh_demo, {"timezone": "Europe/Paris", "name": "mine"})
    assert [c.path for c in conflict.merge.conflicts] == [("timezone",)]
    current = conflict.current
    keep = await editing.resolve_conflict(client, conflict, editing.Resolution("keep"), "PUT")
    to_file = await editing.resolve_conflict(client, conflict, editing.Resolution("file"), "PUT")
    assert keep == editing.StillEditing() and to_file == editing.StillEditing(to_file=True)
    theirs = await editing.resolve_conflict(client, conflict, editing.Resolution("discard"), "PUT")
    assert isinstance(theirs, editing.Rebased) and theirs.base is current and theirs.theirs
    assert theirs.document == {k: v for k, v in current.data.items() if not k.startswith("_")}
    edit = await editing.resolve_conflict(client, conflict, editing.Resolution("edit", {("timezone",): "yours"}),
                                          "PUT")  # fmt: skip
    assert isinstance(edit, editing.Rebased) and edit.base is current and edit.then is None and not edit.theirs
    assert edit.document is not None and edit.document["timezone"] == "Europe/Paris"
    assert edit.document["name"] == "mine" and edit.document["tags"] == {"owner": "colleague"}
    assert writes(client) == [("PUT", 412)]


async def test_apply_writes_the_merge_over_their_version(client: CasaClient, fresh_demo: DemoServer) -> None:
    _, conflict = await a_conflict(client, fresh_demo, {"timezone": "Europe/Paris", "name": "mine"})
    resolution = editing.Resolution("apply", {("timezone",): "theirs"})
    assert editing.resolution_write(conflict, resolution, "PATCH") == (conflict.merged(resolution.sides), "PATCH")
    outcome = await editing.resolve_conflict(client, conflict, resolution, "PATCH")
    assert isinstance(outcome, editing.Saved) and outcome.replaced is conflict.current
    stored = outcome.item.data
    assert (stored["timezone"], stored["name"], stored["tags"]) == ("Asia/Tokyo", "mine", {"owner": "colleague"})
    assert writes(client) == [("PUT", 412), ("PATCH", 200)]


async def test_overwrite_is_a_put_of_yours_whatever_the_method_preferred(
    client: CasaClient, fresh_demo: DemoServer
) -> None:
    _, conflict = await a_conflict(client, fresh_demo, {"timezone": "Europe/Paris"})
    outcome = await editing.resolve_conflict(client, conflict, editing.Resolution("overwrite"), "PATCH")
    assert isinstance(outcome, editing.Saved) and outcome.method == "PUT"
    assert outcome.item.data["timezone"] == "Europe/Paris" and outcome.item.data["tags"] == {}
    assert writes(client) == [("PUT", 412), ("PUT", 200)]


async def test_a_merge_the_server_refuses_goes_on_on_top_of_their_version(
    client: CasaClient, fresh_demo: DemoServer
) -> None:
    # Saving again after the 422 must not write yours over theirs: the merge is what is edited from now on.
    _, conflict = await a_conflict(client, fresh_demo, {"name": "mine", "bogus": 1})
    outcome = await editing.resolve_conflict(client, conflict, editing.Resolution("apply"), "PUT")
    assert isinstance(outcome, editing.Rebased) and outcome.base is conflict.current
    assert isinstance(outcome.then, editing.Invalid) and [i.path for i in outcome.then.error.issues] == ["bogus"]
    assert outcome.document is not None and outcome.document["tags"] == {"owner": "colleague"}
    fixed = {k: v for k, v in outcome.document.items() if k != "bogus"}
    saved = await editing.save(client, outcome.base, fixed, "PUT")
    assert isinstance(saved, editing.Saved)
    assert (saved.item.data["name"], saved.item.data["tags"]) == ("mine", {"owner": "colleague"})


async def test_a_number_json_cannot_carry_is_never_sent(client: CasaClient) -> None:
    base = await policy(client, "daily-7d")
    outcome = await editing.save(client, base, {**base.data, "retention": {"days": float("inf")}}, "PUT")
    assert isinstance(outcome, editing.NotSent) and "retention.days" in outcome.reason
    assert writes(client) == []
