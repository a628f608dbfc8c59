"""What a write's answer must hold to count as saved, and what is never sent: a write that a hostile server answers
with 204, an empty 3xx or a document without `_id` is not "saved", and the next write still goes to the document,
never to the collection URL."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator

import pytest

from casatui.api.client import CasaClient
from casatui.api.errors import ApiError, NotStandardJson, Redirected, WriteUnconfirmed
from casatui.api.models import Item
from casatui.api.urls import UnsafePath
from casatui.demo import DemoServer

from ..faults import FaultServer, Respond, Seen


@pytest.fixture
def faults(fresh_demo: DemoServer) -> Iterator[FaultServer]:
    with FaultServer(upstream=fresh_demo.base_url) as server:
        yield server


@pytest.fixture
async def client(faults: FaultServer, fresh_demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(f"{faults.base_url}/api/v1", fresh_demo.token) as c:
        yield c


async def a_policy(client: CasaClient) -> Item:
    item = await client.get("policies", (await client.list("policies")).items[0]["_id"])
    assert item is not None
    return item


def writes(faults: FaultServer) -> list[Seen]:
    return [seen for seen in faults.seen if seen.method != "GET"]


def no_collection_writes(faults: FaultServer) -> None:
    for seen in writes(faults):
        assert not seen.path.rstrip("/").endswith("/policies"), f"{seen.method} {seen.path} went to the collection"


@pytest.mark.parametrize(
    "answer",
    [
        Respond(204),
        Respond(200, b""),
        Respond(200, {"_status": "OK", "_etag": "abc"}),
        Respond(200, {"_status": "OK", "_id": "someone-else"}),
        Respond(201, {"_status": "ERR", "_id": "x"}),
        Respond(200, "not json at all"),
    ],
    ids=["204", "200-empty", "200-no-id", "200-other-id", "status-err", "not-json"],
)
async def test_a_write_answered_without_the_document_is_not_saved_and_keeps_the_id(
    client: CasaClient, faults: FaultServer, answer: Respond
) -> None:
    item = await a_policy(client)
    item_id, etag = item.id, item.etag
    faults.push(answer)
    with pytest.raises(WriteUnconfirmed) as caught:
        await client.replace(item, {**item.data, "timezone": "Europe/Rome"})
    assert "cannot tell" in str(caught.value)
    assert item.id == item_id and item.etag == etag
    # The next writes still address the document, with the etag of the version the user edited.
    saved = await client.patch(item, {**item.data, "timezone": "Europe/Paris"})
    assert saved.id == item_id and saved.data["timezone"] == "Europe/Paris"
    assert [seen.path.endswith(f"/policies/{item_id}") for seen in writes(faults)] == [True, True]
    no_collection_writes(faults)


async def test_patch_answered_204_then_delete_still_go_to_the_document(client: CasaClient, faults: FaultServer) -> None:
    item = await a_policy(client)
    faults.push(Respond(204))
    with pytest.raises(WriteUnconfirmed):
        await client.patch(item, {**item.data, "timezone": "Europe/Rome"})
    faults.push(Respond(204))
    await client.delete(item)  # Eve answers DELETE with 204 and no body: that is success
    assert all(seen.path.endswith(f"/policies/{item.id}") for seen in writes(faults))
    no_collection_writes(faults)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirected_put_is_an_error_naming_the_location_and_nothing_more_is_sent(
    client: CasaClient, faults: FaultServer, status: int
) -> None:
    item = await a_policy(client)
    elsewhere = f"{faults.base_url}/somewhere/else"
    faults.push(Respond(status, b"", {"Location": elsewhere}))
    before = len(faults.seen)
    with pytest.raises(Redirected) as caught:
        await client.replace(item, {**item.data, "timezone": "Europe/Rome"})
    assert elsewhere in str(caught.value) and "not saved" in str(caught.value)
    assert caught.value.location == elsewhere
    assert len(faults.seen) == before + 1  # the PUT, and nothing after it
    assert client.exchanges[-1].error == str(caught.value)


async def test_a_redirected_get_is_an_error_too(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(302, b"", {"Location": "https://login.example.com/"}))
    with pytest.raises(Redirected) as caught:
        await client.list("policies")
    assert "https://login.example.com/" in str(caught.value) and faults.count("GET") == 1


async def test_no_write_is_sent_without_a_document_id(client: CasaClient, faults: FaultServer) -> None:
    item = await a_policy(client)
    orphan = Item("policies", {k: v for k, v in item.data.items() if k != "_id"}, item.etag)
    for write in (
        client.replace(orphan, {**orphan.data, "timezone": "Europe/Rome"}),
        client.patch(orphan, {**orphan.data, "timezone": "Europe/Rome"}),
        client.delete(orphan),
    ):
        with pytest.raises(UnsafePath) as caught:
            await write
        assert "no _id" in str(caught.value)
    with pytest.raises(UnsafePath):
        await client.get("policies", "")
    assert writes(faults) == []


@pytest.mark.parametrize("bad_id", ["..", ".", "%2e%2e", "%2E."])
async def test_a_document_id_that_would_leave_its_collection_is_refused(
    client: CasaClient, faults: FaultServer, bad_id: str
) -> None:
    item = await a_policy(client)
    hostile = Item("policies", {**item.data, "_id": bad_id}, item.etag)
    with pytest.raises(UnsafePath):
        await client.delete(hostile)
    assert writes(faults) == []


async def test_an_id_with_a_slash_stays_one_segment(client: CasaClient, faults: FaultServer) -> None:
    item = await a_policy(client)
    faults.push(Respond(404, {"_status": "ERR", "_error": {"code": 404, "message": "nope"}}))
    hostile = Item("policies", {**item.data, "_id": "../../kubeclusters"}, item.etag)
    with pytest.raises(Exception):  # noqa: B017 - any refusal or 404: what matters is where it went
        await client.delete(hostile)
    assert [seen.path for seen in writes(faults)] == ["/api/v1/policies/..%2F..%2Fkubeclusters"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
async def test_nan_and_infinity_are_refused_before_sending(
    client: CasaClient, faults: FaultServer, value: float
) -> None:
    item = await a_policy(client)
    with pytest.raises(NotStandardJson) as caught:
        await client.replace(item, {**item.data, "retention": {"days": value}})
    assert "retention.days" in str(caught.value) and "was not sent" in str(caught.value)
    with pytest.raises(NotStandardJson):
        await client.create("policies", {"name": "x", "weights": [1.0, value]})
    assert writes(faults) == []


@pytest.mark.parametrize("answer", [Respond(304), Respond(302, b"", {"Location": "/elsewhere"})])
async def test_a_delete_answered_with_a_3xx_is_not_deleted(
    client: CasaClient, faults: FaultServer, answer: Respond
) -> None:
    item = await a_policy(client)
    faults.push(answer)
    with pytest.raises(ApiError):
        await client.delete(item)
    assert len(writes(faults)) == 1  # sent once, and not counted as done
    assert await client.get("policies", item.id) is not None
