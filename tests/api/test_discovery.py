"""Discovery from the embedded server's spec, from a document shaped like CloudCasa's real one, and the fallback."""

from __future__ import annotations

import contextlib
import json
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casatui.api.client import CasaClient
from casatui.api.discovery import DiscoveryError, builtin_catalog, discover, parse_openapi
from casatui.api.known import BUILTIN, group_of
from casatui.demo import DemoServer

from ..cloudcasa.spec import cloudcasa_like_spec
from ..faults import FaultServer, Respond


async def test_discovers_the_embedded_server(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token) as client:
        catalog = await discover(client)
    assert catalog.source == "server" and catalog.problems == [] and catalog.notice is None
    assert len(catalog.resources) == 17
    backups = catalog.resources["kubebackups"]
    assert backups.title == "Kubebackup"
    assert backups.operations == {"list", "create", "get", "replace", "update", "delete"}
    assert backups.actions == ("run",)
    assert catalog.resources["kubenamespaces"].operations == {"list", "get"}
    assert catalog.resources["policies"].title == "policy"
    status = backups.fields["status"]
    assert status.read_only and status.type == "object"
    assert backups.fields["cluster"].reference == "kubeclusters" and backups.fields["cluster"].required
    assert backups.fields["trigger_type"].enum == ("SCHEDULED", "ADHOC")
    assert backups.fields["trigger_type"].default == "SCHEDULED"
    jobs = catalog.resources["jobs"]
    assert jobs.field("kube_copy_progress.stats.transferred_size") is not None
    types = jobs.field_types()
    assert types["start_time"] == "integer" and types["_created"] == "datetime" and types["state"] == "string"
    assert types["backupdef"] == "objectid"


def test_cloudcasa_like_spec_every_collection_mapped_under_the_root() -> None:
    spec = cloudcasa_like_spec()
    text = json.dumps(spec)
    assert len(text) > 400_000
    catalog = parse_openapi(text)
    names = set(catalog.resources)
    assert len(names) >= 70
    assert {"kubeclusters", "kubebackups", "policies", "jobs", "rbac/permissions", "kubestorageclasses"} <= names
    assert "objectstores/provider-info" not in names  # an endpoint of objectstores, not a collection
    assert catalog.resources["policies"].title == "policy"
    assert catalog.resources["usergroups"].actions == ("update-acls",)
    assert catalog.resources["alerts"].operations == {"list", "get", "delete"}
    assert catalog.resources["kubenamespaces"].operations == {"list", "get"}
    backup = catalog.resources["kubebackups"]
    assert backup.fields["cluster"].reference == "kubeclusters"
    assert backup.fields["policy"].reference == "policies"
    assert backup.fields["_id"].reference is None
    assert backup.fields["status"].fields["jobs"].items.fields["jobid"].type == "objectid"
    cluster_state = catalog.resources["kubeclusters"].fields["status"].fields["state"]
    assert cluster_state.enum == ("PENDING", "INVENTORY", "ACTIVE", "REGISTERED", "DISCOVERED")
    assert "keysrules" not in catalog.resources["kubeoffloads"].fields["labels"].fields
    assert catalog.resources["jobs"].fields["restoredef"].reference == "kuberestores"


def test_run_collections_give_their_definitions_the_run_action() -> None:
    """CloudCasa's document has `runkubebackup` where its clients POST `kubebackups/{id}/action/run`."""
    resources = parse_openapi(cloudcasa_like_spec(padding=0)).resources
    for name in ("kubebackups", "kubeoffloads", "awsrdsbackups", "awsrdscopies"):  # runawsrdscopy: Awsrdscopie
        assert resources[name].actions == ("run",) and resources[name].unlisted_actions, name
        assert resources[name].offers_action("run") and resources[name].offers_action("cancel")
    assert resources["kubeclusters"].actions == () and not resources["kubeclusters"].offers_action("run")
    usergroups = resources["usergroups"]  # its actions are listed: the listing is the word
    assert usergroups.actions == ("update-acls",) and not usergroups.unlisted_actions
    assert not usergroups.offers_action("run")


def test_listed_actions_are_kept_beside_a_run_collection() -> None:
    spec = cloudcasa_like_spec(padding=0)
    spec["paths"]["/v1/kubebackups/{kubebackupId}/action/restart"] = {"post": {"responses": {}}}
    backups = parse_openapi(spec).resources["kubebackups"]
    assert backups.actions == ("restart",)  # what the document lists, nothing inferred
    assert backups.unlisted_actions and backups.offers_action("run")  # the run collection still says: not all


def test_cloudcasa_like_spec_broken_parts_are_reported_not_fatal() -> None:
    catalog = parse_openapi(cloudcasa_like_spec())
    assert "tawkio" in catalog.resources and catalog.resources["tawkio"].fields == {}
    assert catalog.resources["awsusers"].fields["broken"].type == "any"
    joined = "\n".join(catalog.problems)
    assert "DoesNotExist" in joined and "metrics" in joined
    assert catalog.notice and "could not use" in catalog.notice


def test_parsing_a_real_sized_spec_is_fast() -> None:
    """Well under 100 ms for JSON; measured, not asserted as a wall-clock limit (see bench/ for figures)."""
    text = json.dumps(cloudcasa_like_spec())
    started = time.perf_counter()
    catalog = parse_openapi(text)
    elapsed = time.perf_counter() - started
    assert len(catalog.resources) >= 70
    print(f"parsed {len(text)} bytes, {len(catalog.resources)} collections in {elapsed * 1000:.1f} ms")


def test_yaml_documents_are_read() -> None:
    spec = cloudcasa_like_spec(padding=1)
    catalog = parse_openapi(yaml.safe_dump(spec))
    assert catalog.resources["kubebackups"].fields["cluster"].reference == "kubeclusters"


@pytest.mark.parametrize("document", ["", "<html>502</html>", "[1, 2]", '{"openapi": "3.0.0"}', "{{{", b"\xff\xfe"])
def test_unusable_documents_raise_discovery_error(document: str | bytes) -> None:
    with pytest.raises(DiscoveryError):
        parse_openapi(document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(paths=st.dictionaries(st.text(max_size=30), json_values, max_size=6), components=json_values)
@settings(max_examples=200, deadline=None)
def test_malformed_documents_never_crash(paths: dict[str, object], components: object) -> None:
    try:
        catalog = parse_openapi({"openapi": "3.0.0", "paths": paths, "components": components})
    except DiscoveryError:
        return
    assert isinstance(catalog.resources, dict)


@given(spec=st.dictionaries(st.sampled_from(["openapi", "paths", "components", "servers"]), json_values))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_malformed_top_levels_never_crash(spec: dict[str, object]) -> None:
    with contextlib.suppress(DiscoveryError):
        parse_openapi(spec)


async def test_missing_api_docs_falls_back_to_the_built_in_list(demo: DemoServer) -> None:
    with FaultServer(upstream=demo.base_url) as faults:
        faults.push(
            Respond(404, {"_status": "ERR", "_error": {"code": 404, "message": "nope"}}),
            Respond(404, {"_status": "ERR", "_error": {"code": 404, "message": "nope"}}),
        )
        async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as client:
            catalog = await discover(client)
    assert catalog.source == "built-in"
    assert set(catalog.resources) == set(BUILTIN)
    assert catalog.notice and "/api-docs" in catalog.notice and "built-in" in catalog.notice


async def test_html_instead_of_api_docs_falls_back(demo: DemoServer) -> None:
    with FaultServer(upstream=demo.base_url) as faults:
        faults.always = Respond(200, "<html><body>Sign in</body></html>")
        async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as client:
            catalog = await discover(client)
    assert catalog.source == "built-in" and catalog.notice and "unusable" in catalog.notice


def test_builtin_catalog_and_groups() -> None:
    catalog = builtin_catalog("Testing.")
    assert catalog.resources["kubebackups"].actions == ("run",)
    assert group_of("kubebackups") == "Backups & restores"
    assert group_of("jobs") == "Jobs & recovery points"
    assert group_of("tawkio") == "Other"


@pytest.mark.parametrize(
    "document",
    [
        b"[" * 1500 + b"\xff",  # not UTF-8, and deep: json.loads of the replaced text raised RecursionError
        b"1" * 5000 + b"\xff",  # more digits than Python reads into an int
        "\n".join(  # aliases nested 8 deep: 431 bytes that describe 10^8 nodes
            ["openapi: 3.0.0", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
            + ["paths:", "  /things:", "    get: {description: *a8, responses: {}}"]
        ),
        "openapi: 3.0.0\npaths: &p\n  /x: *p\n",  # a recursive document
    ],
    ids=["deep-not-utf8", "long-number", "alias-bomb", "recursive-yaml"],
)
def test_hostile_documents_are_refused_quickly(document: str | bytes) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DiscoveryError):
        parse_openapi(document)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB: no expansion happened


async def test_the_document_is_parsed_off_the_event_loop(demo: DemoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The UI's event loop keeps answering keys while a big document is read: the parse runs in a thread.
    import threading

    from casatui.api import discovery

    threads: list[threading.Thread] = []

    def parse(document: object) -> object:
        threads.append(threading.current_thread())
        return parse_openapi(document)

    monkeypatch.setattr(discovery, "parse_openapi", parse)
    async with CasaClient(demo.api_root, demo.token) as client:
        catalog = await discover(client)
    assert catalog.source == "server" and len(catalog.resources) == 17
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
