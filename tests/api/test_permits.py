"""Writes follow the server's API document: refused before a byte is sent when it does not offer them, over real
HTTP against the embedded server (its own document, or one shaped like CloudCasa's served in front of it)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from casatui.api.client import CasaClient
from casatui.api.discovery import builtin_catalog, discover, parse_openapi
from casatui.api.errors import ActionMissing, ClientRefusal, MethodNotAllowed, NotAllowed, NotFound
from casatui.api.exchange import Exchange
from casatui.api.models import Item
from casatui.api.permits import Permits
from casatui.demo import DemoServer

from ..cloudcasa.spec import cloudcasa_like_spec
from ..faults import FaultServer, Respond


@pytest.fixture
def cloudcasa_faced(fresh_demo: DemoServer) -> Iterator[FaultServer]:
    """The embedded server behind a proxy that serves a document shaped like CloudCasa's at /api-docs."""
    with FaultServer(upstream=fresh_demo.base_url) as faults:
        faults.when(lambda seen: seen.path.endswith("/api-docs"), Respond(200, cloudcasa_like_spec()))
        yield faults


@pytest.fixture
async def cc_client(cloudcasa_faced: FaultServer, fresh_demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(f"{cloudcasa_faced.base_url}/api/v1", fresh_demo.token) as client:
        catalog = await discover(client)
        assert catalog.source == "server" and "runkubebackup" in catalog.resources
        client.use_catalog(catalog)
        yield client


@pytest.fixture
async def demo_client(demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(demo.api_root, demo.token) as client:
        client.use_catalog(await discover(client))
        yield client


@pytest.fixture
async def fresh_demo_client(fresh_demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(fresh_demo.api_root, fresh_demo.token) as client:
        client.use_catalog(await discover(client))
        yield client


async def first(client: CasaClient, collection: str, **where: object) -> Item:
    page = await client.list(collection, where=where or None, max_results=1)
    item = await client.get(collection, page.items[0]["_id"])
    assert item is not None
    return item


class Watch:
    """Every request the client logs from now on (listeners see each one, sent or failed)."""

    def __init__(self, client: CasaClient) -> None:
        self.seen: list[Exchange] = []
        client.listeners.append(self.seen.append)


# -- a document like CloudCasa's ---------------------------------------------------------------------------


async def test_cloudcasa_document_refuses_put_and_patch_on_alerts_before_sending(
    cc_client: CasaClient, cloudcasa_faced: FaultServer
) -> None:
    alert = await first(cc_client, "alerts")
    watch = Watch(cc_client)
    with pytest.raises(NotAllowed) as put:
        await cc_client.replace(alert, {**alert.data, "description": "changed"})
    with pytest.raises(NotAllowed) as patch:
        await cc_client.patch(alert, {**alert.data, "description": "changed"})
    assert watch.seen == []
    assert cloudcasa_faced.count("PUT") == cloudcasa_faced.count("PATCH") == 0
    message = str(put.value)
    assert "alerts" in message and "PUT" in message and "API document does not offer" in message
    assert "trust_api_docs = false" in message
    assert (put.value.collection, put.value.operation) == ("alerts", "replace")
    assert patch.value.operation == "update" and isinstance(put.value, ClientRefusal)
    assert not cc_client.allows("alerts", "replace") and not cc_client.allows("alerts", "update")


async def test_cloudcasa_document_allows_delete_on_alerts(cc_client: CasaClient, cloudcasa_faced: FaultServer) -> None:
    alert = await first(cc_client, "alerts")
    assert cc_client.allows("alerts", "delete")
    await cc_client.delete(alert)
    assert cloudcasa_faced.count("DELETE", f"/alerts/{alert.id}") == 1
    with pytest.raises(NotFound):
        await cc_client.get("alerts", alert.id)


async def test_cloudcasa_run_convention_lets_run_through(cc_client: CasaClient, cloudcasa_faced: FaultServer) -> None:
    backup = await first(cc_client, "kubebackups", name="staging-apps-adhoc")
    assert cc_client.allows("kubebackups", "action", "run")
    answer = await cc_client.action("kubebackups", backup.id, "run", {"retention": {"retainDays": 7}})
    assert answer["_id"] == backup.id
    assert cloudcasa_faced.count("POST", f"/kubebackups/{backup.id}/action/run") == 1


async def test_cloudcasa_document_refuses_an_action_it_does_not_offer(
    cc_client: CasaClient, cloudcasa_faced: FaultServer
) -> None:
    group = await first(cc_client, "usergroups")
    watch = Watch(cc_client)
    with pytest.raises(NotAllowed) as caught:
        await cc_client.action("usergroups", group.id, "run")
    assert watch.seen == [] and cloudcasa_faced.count("POST") == 0
    assert "action `run` on usergroups" in str(caught.value) and "`update-acls`" in str(caught.value)
    assert caught.value.action == "run" and caught.value.operation == "action"
    assert cc_client.allows("usergroups", "action", "update-acls")
    assert not cc_client.allows("cloudaccounts", "action", "move-to-active")  # listed nowhere, no run sibling


def test_cloudcasa_document_rule_for_actions() -> None:
    permits = Permits(parse_openapi(cloudcasa_like_spec()))
    assert permits.enforced
    # kubebackups has a `runkubebackup` sibling and no listed action: silent on its actions, so none is refused.
    assert permits.allows("kubebackups", "action", "run") and permits.allows("kubebackups", "action", "cancel")
    assert permits.allows("awsrdscopies", "action", "run")  # runawsrdscopy, beside a collection titled Awsrdscopie
    assert not permits.allows("usergroups", "action", "run")  # the document lists usergroups' actions
    assert not permits.allows("kubeclusters", "action", "run")
    assert permits.allows("kubemigrations", "replace")  # a collection the document does not describe at all
    assert permits.allows("alerts", "list") and permits.allows("alerts", "get")
    assert not permits.allows("alerts", "replace") and not permits.allows("alerts", "create")
    with pytest.raises(ValueError):
        permits.allows("alerts", "patch")  # the catalog's word is "update"
    with pytest.raises(ValueError):
        permits.allows("kubebackups", "action")


# -- the embedded server's own document --------------------------------------------------------------------


async def test_demo_document_allows_what_the_demo_serves(fresh_demo_client: CasaClient) -> None:
    client = fresh_demo_client
    catalog = client.catalog
    assert catalog is not None and catalog.source == "server"
    for name, resource in catalog.resources.items():
        for operation in ("create", "replace", "update", "delete"):
            assert client.allows(name, operation) == resource.can(operation), (name, operation)
    hook = await client.create("kubehooks", {"name": "made-under-the-document", "hook": []})
    hook = await client.patch(hook, {**hook.data, "description": "patched"})  # each write: the new version
    hook = await client.replace(hook, {**hook.data, "description": "replaced"})
    await client.delete(hook)
    backup = await first(client, "kubebackups", name="staging-apps-adhoc")
    answer = await client.action("kubebackups", backup.id, "run", {"retention": {"retainDays": 7}})
    assert answer["_id"] == backup.id
    group = await first(client, "usergroups")
    answer = await client.action("usergroups", group.id, "update-acls", {"acls": []}, etag=group.etag)
    assert answer == {"acls": []}


async def test_demo_document_refuses_creating_namespaces_which_the_demo_refuses_too(
    demo_client: CasaClient, demo: DemoServer
) -> None:
    watch = Watch(demo_client)
    with pytest.raises(NotAllowed) as caught:
        await demo_client.create("kubenamespaces", {"name": "x"})
    assert watch.seen == [] and "POST (create) on kubenamespaces" in str(caught.value)
    async with CasaClient(demo.api_root, demo.token) as unknowing:  # no catalog: sent, and refused
        with pytest.raises(MethodNotAllowed):
            await unknowing.create("kubenamespaces", {"name": "x"})
        assert unknowing.exchanges[-1].method == "POST"


async def test_demo_document_lists_its_actions_so_others_are_refused(demo_client: CasaClient) -> None:
    backup = await first(demo_client, "kubebackups")
    with pytest.raises(NotAllowed):
        await demo_client.action("kubebackups", backup.id, "cancel")


# -- the override, the built-in list, siblings ---------------------------------------------------------------


async def test_override_sends_what_the_document_does_not_offer(
    cloudcasa_faced: FaultServer, fresh_demo: DemoServer
) -> None:
    async with CasaClient(f"{cloudcasa_faced.base_url}/api/v1", fresh_demo.token, trust_api_docs=False) as client:
        client.use_catalog(await discover(client))
        assert not client.trust_api_docs and client.allows("alerts", "replace")
        alert = await first(client, "alerts")
        saved = await client.replace(alert, {**alert.data, "description": "the document is wrong"})
        assert saved.data["description"] == "the document is wrong"
        group = await first(client, "usergroups")
        for _ in range(2):  # sent each time: the server's own "no such action" is not followed either
            with pytest.raises(ActionMissing):
                await client.action("usergroups", group.id, "run")
        assert cloudcasa_faced.count("PUT") == 1 and cloudcasa_faced.count("POST", "/action/run") == 2
        client.trust_api_docs = True
        assert not client.allows("alerts", "replace")


async def test_built_in_catalog_refuses_nothing(fresh_demo: DemoServer) -> None:
    async with CasaClient(fresh_demo.api_root, fresh_demo.token) as client:
        assert client.catalog is None and client.allows("alerts", "replace")
        client.use_catalog(builtin_catalog("Testing."))
        assert "replace" not in client.catalog.resources["alerts"].operations  # type: ignore[union-attr]
        assert client.allows("alerts", "replace") and client.allows("kubenamespaces", "create")
        assert client.allows("kubeclusters", "action", "anything")
        alert = await first(client, "alerts")
        saved = await client.replace(alert, {**alert.data, "description": "built-in list"})
        assert saved.data["description"] == "built-in list"


async def test_a_sibling_follows_the_catalog_learned_after_it_was_made(demo_client: CasaClient) -> None:
    catalog = demo_client.catalog
    demo_client.use_catalog(None)
    async with demo_client.sibling() as sibling:
        assert sibling.allows("kubenamespaces", "create")
        demo_client.use_catalog(catalog)
        assert not sibling.allows("kubenamespaces", "create")
        with pytest.raises(NotAllowed):
            await sibling.create("kubenamespaces", {"name": "x"})
        assert not sibling.exchanges


# -- the server's own answer: no such action -----------------------------------------------------------------


async def test_action_404_is_action_missing_and_not_sent_again(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token) as client:  # no catalog: the server decides
        backup = await first(client, "kubebackups")
        with pytest.raises(ActionMissing) as caught:
            await client.action("kubebackups", backup.id, "cancel")
        error = caught.value
        assert not isinstance(error, NotFound)  # the document is there: callers must not read it as deleted
        assert "no action `cancel` on kubebackups" in str(error) and error.status == 404
        assert (error.collection, error.item_id, error.action) == ("kubebackups", backup.id, "cancel")
        assert [e.method for e in client.exchanges][-2:] == ["POST", "GET"]  # the GET: the document is there
        assert not client.allows("kubebackups", "action", "cancel")
        sent = len(client.exchanges)
        with pytest.raises(NotAllowed) as again:
            await client.action("kubebackups", backup.id, "cancel")
        assert len(client.exchanges) == sent and "answered that it has no action `cancel`" in str(again.value)
        assert client.allows("kubebackups", "action", "run")


async def test_action_on_a_deleted_document_is_not_found(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token) as client:
        with pytest.raises(NotFound) as caught:
            await client.action("kubebackups", "65a1f3f5e4b0a1b2c3d4e8ff", "run")
        assert not isinstance(caught.value, ActionMissing) and "deleted" in str(caught.value)
        assert client.allows("kubebackups", "action", "run")  # nothing learned of the action


async def test_action_405_is_action_missing(demo: DemoServer) -> None:
    with FaultServer(upstream=demo.base_url) as faults:
        faults.when(
            lambda seen: seen.method == "POST" and "/action/" in seen.path,
            Respond(405, {"_status": "ERR", "_error": {"code": 405, "message": "Method Not Allowed"}}),
        )
        async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as client:
            backup = await first(client, "kubebackups")
            with pytest.raises(ActionMissing) as caught:
                await client.action("kubebackups", backup.id, "run")
            assert caught.value.status == 405 and "no action `run` on kubebackups" in str(caught.value)
            assert faults.count("GET", f"/kubebackups/{backup.id}") == 1  # only `first`'s: a 405 needs no check
