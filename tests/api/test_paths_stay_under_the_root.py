"""Collection names from /api-docs (or typed by the user) that would leave the API root: discovery lists them as
problems, and the URL builder refuses to build them, so nothing is sent."""

from __future__ import annotations

import pytest

from casatui.api.client import CasaClient
from casatui.api.discovery import MAX_FIELDS, discover, parse_openapi
from casatui.api.urls import UnsafePath, item_path, name_problem, resource_path
from casatui.demo import DemoServer

from ..faults import FaultServer, Respond

HOSTILE = [
    "..",
    ".",
    "...",
    "../admin",
    "kubebackups/..",
    "a/../../b",
    "%2e%2e",
    "%2E%2E/admin",
    "a?where={}",
    "a#frag",
    "a b",
    "a\x1b]0;x\x07",
    "a\nb",
    "a\\b",
    "a//b",
    "/a",
    "a/",
    "",
    "ｋｕｂｅ",
]
FINE = ["kubebackups", "rbac/permissions", "objectstores/provider-info", "a.b", "a_b-c~d"]


@pytest.mark.parametrize("name", HOSTILE)
def test_the_url_builder_refuses_names_that_leave_the_root(name: str) -> None:
    assert name_problem(name)
    with pytest.raises(UnsafePath) as caught:
        resource_path(name)
    assert "Nothing was sent" in str(caught.value) and "\x1b" not in str(caught.value)


@pytest.mark.parametrize("name", FINE)
def test_ordinary_names_are_built(name: str) -> None:
    assert name_problem(name) is None and resource_path(name) == name


def test_an_id_is_one_segment_whatever_it_holds() -> None:
    assert item_path("kubebackups", "a/b?c#d") == "kubebackups/a%2Fb%3Fc%23d"
    assert item_path("kubebackups", "65a1", "action", "run") == "kubebackups/65a1/action/run"
    for bad in ("", ".", "..", "%2e%2e", "%2E."):
        with pytest.raises(UnsafePath):
            item_path("kubebackups", bad)
    with pytest.raises(UnsafePath):
        item_path("kubebackups", "65a1", "action", "../../x")


def spec_with(*names: str) -> dict[str, object]:
    paths: dict[str, object] = {}
    for name in names:
        paths[f"/api/v1/{name}"] = {"get": {}}
        paths[f"/api/v1/{name}/{{id}}"] = {"get": {}, "put": {}, "delete": {}}
    return {"openapi": "3.0.0", "paths": paths}


# Empty segments are dropped from a spec's paths ("a//b" is the collection "a/b", under the root): not these.
@pytest.mark.parametrize("name", [n for n in HOSTILE if n.strip("/") == n and "//" not in n and n])
def test_discovery_lists_hostile_collection_names_as_problems(name: str) -> None:
    catalog = parse_openapi(spec_with("kubebackups", name))
    assert list(catalog.resources) == ["kubebackups"]
    assert any("cannot be a collection" in p for p in catalog.problems)


def test_an_action_name_that_leaves_the_root_is_refused() -> None:
    spec = spec_with("kubebackups")
    spec["paths"]["/api/v1/kubebackups/{id}/action/%2e%2e"] = {"post": {}}  # type: ignore[index]
    catalog = parse_openapi(spec)
    assert catalog.resources["kubebackups"].actions == ()
    assert any("cannot be a collection" in p for p in catalog.problems)


async def test_a_hostile_api_docs_over_http_gives_no_collection_outside_the_root(
    faults: FaultServer, demo: DemoServer
) -> None:
    faults.when(lambda seen: "api-docs" in seen.path, Respond(200, spec_with("kubebackups", "../../admin", "%2e%2e")))
    async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as client:
        catalog = await discover(client)
        assert list(catalog.resources) == ["kubebackups"]
        assert sum("cannot be a collection" in problem for problem in catalog.problems) == 4  # 2 collections, 2 items
        with pytest.raises(UnsafePath):
            await client.list("../../admin")
        with pytest.raises(UnsafePath):
            await client.list("%2e%2e")
        with pytest.raises(UnsafePath):
            client.list_plain("..")
    assert not any("admin" in seen.path or "%2e" in seen.path.lower() for seen in faults.seen)


def count_fields(fields: object) -> int:
    total = 0
    for spec in fields.values():  # type: ignore[attr-defined]
        total += 1 + count_fields(spec.fields) + (count_fields({"": spec.items}) if spec.items else 0)
    return total


def test_a_ref_bomb_in_api_docs_is_read_within_a_field_budget() -> None:
    # 10 properties referring to a schema of 10 properties, 6 levels: a million fields from 7 small schemas.
    schemas: dict[str, object] = {}
    for level in range(7):
        inner = {"$ref": f"#/components/schemas/S{level + 1}"} if level < 6 else {"type": "string"}
        schemas[f"S{level}"] = {"type": "object", "properties": {f"p{i}": inner for i in range(10)}}
    listing = {
        "type": "object",
        "properties": {"_items": {"type": "array", "items": {"$ref": "#/components/schemas/S0"}}},
    }
    spec = {
        "openapi": "3.0.0",
        "components": {"schemas": schemas},
        "paths": {
            "/api/v1/bomb": {"get": {"responses": {"200": {"content": {"application/json": {"schema": listing}}}}}}
        },
    }
    catalog = parse_openapi(spec)
    assert count_fields(catalog.resources["bomb"].fields) <= MAX_FIELDS
    assert any("fields in all" in problem for problem in catalog.problems)
