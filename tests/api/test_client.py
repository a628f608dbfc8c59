"""Every client operation over real HTTP against the embedded server."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from casatui import __version__
from casatui.api.client import CasaClient
from casatui.api.errors import (
    Answer,
    BadRequest,
    ClientRefusal,
    EtagMismatch,
    NoChange,
    NotFound,
    PatchNotPossible,
    PreconditionRequired,
    ReadOnlyRefused,
    Unauthorized,
    ValidationFailed,
    error_for,
)
from casatui.api.models import Item
from casatui.demo import DemoServer


@pytest.fixture
async def client(demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(demo.api_root, demo.token) as c:
        yield c


@pytest.fixture
async def fresh_client(fresh_demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(fresh_demo.api_root, fresh_demo.token) as c:
        yield c


async def named(client: CasaClient, collection: str, name: str) -> Item:
    page = await client.list(collection, where={"name": name})
    assert len(page.items) == 1, (collection, name)
    item = await client.get(collection, page.items[0]["_id"])
    assert item is not None
    return item


async def test_list_returns_items_total_page_and_more(client: CasaClient) -> None:
    page = await client.list("jobs", sort="-start_time", max_results=50)
    assert len(page.items) == 50
    assert page.total == 300 and page.page == 1 and page.has_more
    assert (page.first_position, page.last_position) == (1, 50)
    starts = [job["start_time"] for job in page.items]
    assert starts == sorted(starts, reverse=True)
    last = await client.list("jobs", page=6, max_results=50)
    assert len(last.items) == 50 and not last.has_more


async def test_list_where_sort_projection_embedded(client: CasaClient) -> None:
    page = await client.list(
        "jobs",
        where={"state": "FAILED", "type": "K8S_SNAP"},
        sort=[("start_time", -1)],
        projection={"name": 1, "state": 1, "backupdef": 1},
        embedded={"backupdef": 1},
        max_results=5,
    )
    assert page.items and all(job["state"] == "FAILED" for job in page.items)
    assert "activity" not in page.items[0]
    assert isinstance(page.items[0]["backupdef"], dict)


async def test_pages_iterates_lazily_to_the_end(client: CasaClient) -> None:
    seen: list[str] = []
    async for page in client.pages("jobs", max_results=128, sort="start_time"):
        seen += [job["_id"] for job in page.items]
    assert len(seen) == len(set(seen)) == 300


async def test_get_returns_document_and_etag_and_304_when_unchanged(client: CasaClient) -> None:
    item = await named(client, "kubebackups", "prod-full-daily")
    assert item.etag == item.data["_etag"] and len(item.etag) == 40
    assert await client.get("kubebackups", item.id, if_none_match=item.etag) is None
    assert await client.get("kubebackups", item.id, if_none_match="0" * 40) is not None


async def test_requests_carry_the_headers_cloudcasa_requires(client: CasaClient) -> None:
    await client.list("policies")
    exchange = client.exchanges[-1]
    assert exchange.request_headers["authorization"] == "Bearer ***"
    assert exchange.request_headers["accept"] == "application/json"
    assert exchange.request_headers["user-agent"].startswith(f"casatui/{__version__}")
    item = await named(client, "policies", "daily-7d")
    with pytest.raises(NoChange):
        await client.replace(item, item.data)


async def test_replace_puts_with_if_match_and_returns_the_new_version(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubebackups", "prod-full-daily")
    first_etag, first_data = item.etag, copy.deepcopy(item.data)
    saved = await fresh_client.replace(item, {**item.data, "pause": True})
    sent = fresh_client.exchanges[-1]
    assert sent.method == "PUT" and sent.request_headers["if-match"] == first_etag
    body = json.loads(sent.request_body or "{}")
    assert not {"_id", "_etag", "_created", "_updated", "_links"} & set(body)
    assert saved.etag != first_etag and saved.data["pause"] is True and saved.id == item.id
    assert item.etag == first_etag and item.data == first_data  # the version written over is left as it was
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.etag = saved.etag  # type: ignore[misc]
    # The next write uses the etag the server returned.
    again = await fresh_client.replace(saved, {**saved.data, "pause": False})
    assert fresh_client.exchanges[-1].request_headers["if-match"] == saved.etag
    current = await fresh_client.get("kubebackups", item.id)
    assert current is not None and current.etag == again.etag and current.data["pause"] is False


async def test_patch_sends_only_changed_fields(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubebackups", "analytics-daily")
    saved = await fresh_client.patch(item, {**item.data, "pause": True, "tags": {"owner": "me"}})
    sent = json.loads(fresh_client.exchanges[-1].request_body or "{}")
    assert sent == {"pause": True, "tags": {"owner": "me"}}
    assert saved.data["pause"] is True and saved.data["status"] and item.data["pause"] is False
    stored = await fresh_client.get("kubebackups", item.id)
    assert stored is not None and stored.data["tags"] == {"owner": "me"} and stored.etag == saved.etag


async def test_patch_refuses_removals_it_cannot_express(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubebackups", "prod-db-copy")
    edited = {**item.data, "source": {k: v for k, v in item.data["source"].items() if k != "namespaces"}}
    before = len(fresh_client.exchanges)
    with pytest.raises(PatchNotPossible) as caught:
        await fresh_client.patch(item, edited)
    assert caught.value.paths == ["source.namespaces"]
    assert len(fresh_client.exchanges) == before  # nothing sent


async def test_no_change_is_never_sent(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "policies", "weekly-sun-30d")
    before = len(fresh_client.exchanges)
    for write in (fresh_client.replace, fresh_client.patch):
        with pytest.raises(NoChange):
            await write(item, json.loads(json.dumps(item.data)))
    assert len(fresh_client.exchanges) == before


async def test_stale_etag_raises_etag_mismatch_carrying_what_resolving_needs(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubebackups", "payments-mwf")
    other = await fresh_client.get("kubebackups", item.id)
    assert other is not None
    await fresh_client.patch(other, {**other.data, "pause": True})  # someone else saves first
    with pytest.raises(EtagMismatch) as caught:
        await fresh_client.replace(item, {**item.data, "tags": {"x": "y"}})
    error = caught.value
    assert error.status == 412 and error.collection == "kubebackups" and error.item_id == item.id
    assert error.sent_etag == item.etag
    assert error.server_message == "Client and server etags don't match"
    assert "changed on the server" in str(error)


async def test_a_write_without_an_etag_is_refused_before_a_byte_is_sent(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubehooks", "pg-freeze")
    item = dataclasses.replace(item, etag="")  # a server that gave no etag for this version
    sent = len(fresh_client.exchanges)
    for write in (
        fresh_client.replace(item, {**item.data, "description": "x"}),
        fresh_client.patch(item, {**item.data, "description": "x"}),
        fresh_client.delete(item),
    ):
        with pytest.raises(ClientRefusal) as caught:
            await write
        assert "If-Match" in str(caught.value)
    assert len(fresh_client.exchanges) == sent
    assert (await fresh_client.get("kubehooks", item.id)).data["description"] == item.data["description"]


async def test_a_428_from_the_server_is_precondition_required(fresh_client: CasaClient, fresh_demo: DemoServer) -> None:
    item = await named(fresh_client, "kubehooks", "pg-freeze")
    answer = httpx.put(
        f"{fresh_demo.api_root}/kubehooks/{item.id}",
        headers={"Authorization": f"Bearer {fresh_demo.token}"},
        json={k: v for k, v in item.data.items() if not k.startswith("_")},
    )
    assert answer.status_code == 428  # what the server answers a write without If-Match
    error = error_for(Answer(status=428, method="PUT", path=f"kubehooks/{item.id}", body=answer.json()))
    assert isinstance(error, PreconditionRequired) and "If-Match" in str(error)


async def test_validation_failed_lists_issues_with_dotted_paths(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubebackups", "prod-full-daily")
    edited = {**item.data, "bogus": 1, "source": {**item.data["source"], "all_namespaces": "yes"}}
    with pytest.raises(ValidationFailed) as caught:
        await fresh_client.replace(item, edited)
    issues = {(issue.path, issue.message) for issue in caught.value.issues}
    assert issues == {("bogus", "unknown field"), ("source.all_namespaces", "must be of boolean type")}
    assert "source.all_namespaces: must be of boolean type" in str(caught.value)


async def test_create_never_sends_id_or_status_and_delete_uses_the_etag(fresh_client: CasaClient) -> None:
    cluster = await named(fresh_client, "kubeclusters", "staging-aks")
    item = await fresh_client.create(
        "kubebackups",
        {
            "_id": "65a1f3f5e4b0a1b2c3d4e8aa",
            "status": {"jobs": []},
            "name": "made-by-test",
            "cluster": cluster.id,
            "source": {"namespaces": ["shop"]},
            "trigger_type": "ADHOC",
        },
    )
    sent = json.loads(fresh_client.exchanges[-1].request_body or "{}")
    assert "_id" not in sent and "status" not in sent
    assert item.id != "65a1f3f5e4b0a1b2c3d4e8aa" and item.data["name"] == "made-by-test" and item.etag
    await fresh_client.delete(item)
    with pytest.raises(NotFound):
        await fresh_client.get("kubebackups", item.id)


async def test_action_run_returns_the_definition(fresh_client: CasaClient) -> None:
    item = await named(fresh_client, "kubebackups", "staging-apps-adhoc")
    answer = await fresh_client.action(
        "kubebackups", item.id, "run", {"retention": {"retainDays": 7}, "runBackup": True}
    )
    assert answer["_id"] == item.id and answer["status"]["jobs"][0]["state"] == "RUNNING"


async def test_a_siblings_request_recorded_in_the_log_gets_the_next_number(client: CasaClient) -> None:
    # The first page is fetched by a sibling client in another thread at startup, then added to the main log.
    await client.list("jobs", max_results=1)
    async with client.sibling() as sibling:
        await sibling.list("kubeclusters", max_results=1)
        client.record(sibling.exchanges[-1])
    await client.list("policies", max_results=1)
    numbers = [e.number for e in client.exchanges]
    assert numbers == sorted(set(numbers)) and len(numbers) >= 3
    assert client.exchanges[-2].path.endswith("/kubeclusters")


async def test_api_docs(client: CasaClient) -> None:
    spec = await client.api_docs()
    assert spec["openapi"].startswith("3.0") and "/jobs" in spec["paths"]


async def test_read_only_refuses_every_write_before_sending(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token, read_only=True) as client:
        item = await named(client, "policies", "daily-7d")
        before = len(client.exchanges)
        attempts = [
            client.replace(item, {**item.data, "timezone": "UTC+1"}),
            client.patch(item, {**item.data, "timezone": "UTC+1"}),
            client.delete(item),
            client.create("policies", {"name": "x"}),
            client.action("kubebackups", item.id, "run"),
        ]
        for attempt in attempts:
            with pytest.raises(ReadOnlyRefused):
                await attempt
        assert len(client.exchanges) == before


async def test_wrong_token_is_unauthorized_without_the_token_in_the_message(demo: DemoServer) -> None:
    secret = "wrong-token-4f9d2a8c77"
    async with CasaClient(demo.api_root, secret, auth_hint="Token from $CLOUDCASA_API_TOKEN.") as client:
        with pytest.raises(Unauthorized) as caught:
            await client.list("jobs")
    message = str(caught.value)
    assert "401" in message and "$CLOUDCASA_API_TOKEN" in message and secret not in message
    assert all(secret not in json.dumps(e.__dict__, default=str) for e in client.exchanges)


async def test_refused_filter_is_bad_request(client: CasaClient) -> None:
    with pytest.raises(BadRequest):
        await client.list("jobs", where={"$where": "1"})


async def test_not_found(client: CasaClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.get("jobs", "65a1f3f5e4b0a1b2c3d4e8ff")
    assert "65a1f3f5e4b0a1b2c3d4e8ff" in str(caught.value)


async def test_repr_never_shows_the_token(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token) as client:
        assert demo.token not in repr(client)
        assert demo.token not in repr(client.__dict__.get("scrub"))


WHO_IMPORTS_HTTPX = """
import asyncio, sys, threading
imported = {}

class Watch:  # first in sys.meta_path: sees every module looked for, finds none
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in ("httpx", "httpcore", "anyio._backends._asyncio") and name not in imported:
            imported[name] = "main thread" if threading.current_thread() is threading.main_thread() else "a thread"

sys.meta_path.insert(0, Watch)
from casatui.api.client import CasaClient

async def main():
    async with CasaClient(sys.argv[1], sys.argv[2]) as client:
        await client.list("jobs", max_results=1)
        await client.list("jobs", max_results=1)

asyncio.run(main())
print(sorted(imported.items()))
"""


def test_the_first_request_imports_httpx_in_a_thread(demo: DemoServer) -> None:
    # httpx and what it imports at its first request (~100 ms with the TLS context) are imported in a thread the
    # request waits for, not on the event loop: the UI keeps answering keys meanwhile.
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", WHO_IMPORTS_HTTPX, demo.api_root, demo.token],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == str(
        [("anyio._backends._asyncio", "a thread"), ("httpcore", "a thread"), ("httpx", "a thread")]
    )
