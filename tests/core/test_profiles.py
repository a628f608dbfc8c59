"""Collection profiles: the server's document wins, the CloudCasa overlay only adds meaning.

Built from two documents unlike each other: the demo's (`display_name` on jobs, x-data-relation references) and one
shaped like CloudCasa's published document (`name` on jobs, `<Title>__id` references, alerts without PUT/PATCH).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from casatui.api import CasaClient, discover
from casatui.api.discovery import Catalog, builtin_catalog, parse_openapi
from casatui.core import listing
from casatui.core.profiles import Profiles
from casatui.demo import DemoServer

from ..cloudcasa.spec import cloudcasa_like_spec


@pytest.fixture(scope="module")
def cloudcasa() -> Profiles:
    return Profiles(parse_openapi(cloudcasa_like_spec()))


@pytest.fixture(scope="module")
def demo_profiles(demo: DemoServer) -> Profiles:
    """The demo's document, discovered over HTTP as the app does."""

    async def discovered() -> Catalog:
        async with CasaClient(demo.api_root, demo.token) as client:
            return await discover(client)

    catalog = asyncio.run(discovered())
    assert catalog.source == "server"
    return Profiles(catalog)


def test_the_name_column_shows_the_field_the_schema_has(cloudcasa: Profiles, demo_profiles: Profiles) -> None:
    assert cloudcasa["jobs"].name_field == "name"  # CloudCasa's Job has no display_name
    assert demo_profiles["jobs"].name_field == "display_name"
    for profiles in (cloudcasa, demo_profiles):
        jobs = profiles["jobs"]
        name = next(c for c in jobs.columns if c.title == "Name")
        assert name.key == jobs.name_field
        assert jobs.name_of({"_id": "x", jobs.name_field: "nightly"}) == "nightly"


def test_no_column_or_sort_names_a_field_the_schema_lacks(cloudcasa: Profiles, demo_profiles: Profiles) -> None:
    for profiles in (cloudcasa, demo_profiles):
        for collection in ("jobs", "kubeclusters", "kubebackups", "policies", "objectstores", "awsrdsbackups"):
            profile = profiles[collection]
            assert profile.columns, collection
            assert all(profile.knows(c.key) for c in profile.columns if c.sortable), collection
            assert all(profile.knows(key) for key, _ in profile.default_sort), collection


def test_curated_columns_the_schema_lacks_give_way_then_come_back_with_the_rows(cloudcasa: Profiles) -> None:
    jobs = cloudcasa["jobs"]
    keys = [c.key for c in jobs.columns]
    assert keys[0] == "name" and "state" in keys and "message" in keys
    # A schema without a curated field: the column gives way, and comes back when the rows hold the field.
    restores = cloudcasa["kuberestores"]
    keys = [c.key for c in restores.columns]
    assert "status.message" not in keys and "source_cluster" not in keys and len(keys) >= 3
    rows = [{"_id": "1", "name": "a", "status": {"message": "restored 12 of 12"}}]
    back = next(c for c in restores.columns_for(rows) if c.key == "status.message")
    assert not back.sortable  # the schema does not know it: never sent as a sort
    invites = cloudcasa["orginvites"]  # curated to show `email`, which this schema lacks: its name field instead
    assert invites.columns[0].key == invites.name_field == "name" and invites.columns[0].title == "Name"


def test_states_come_from_the_schema_and_the_overlay_adds_meaning(cloudcasa: Profiles, demo_profiles: Profiles) -> None:
    jobs = cloudcasa["jobs"]
    assert jobs.state_field == "state" and jobs.states[:3] == ("PENDING", "WAITING", "RUNNING")
    assert "DELETING" in jobs.states  # beyond anything casatui lists
    assert jobs.live_states == ("PENDING", "WAITING", "RUNNING", "RETRYING", "CANCELLING")
    assert "CATALOG" in demo_profiles["jobs"].states  # the demo's enum, not a list written in casatui
    assert not jobs.is_live("WAITING-FOR-GODOT") and not jobs.is_final("WAITING-FOR-GODOT")


def test_what_the_document_allows(cloudcasa: Profiles, demo_profiles: Profiles) -> None:
    alerts = cloudcasa["alerts"]
    assert not alerts.can("edit") and not alerts.can("replace") and alerts.can("delete")
    assert cloudcasa["usergroups"].actions == ("update-acls",)
    assert cloudcasa["kubeclusters"].can("edit")
    assert demo_profiles["kubebackups"].can("run") and demo_profiles["kubebackups"].can("pause")
    assert not demo_profiles["kubenamespaces"].can("edit") and not demo_profiles["kubenamespaces"].can("delete")
    assert not demo_profiles["jobs"].can("run")


def test_without_the_servers_document_nothing_is_refused() -> None:
    for profiles in (Profiles(), Profiles(builtin_catalog("no document"))):
        for collection in ("alerts", "kubenamespaces", "something-new"):
            profile = profiles[collection]
            assert all(profile.can(op) for op in ("list", "get", "create", "edit", "delete")), collection
        assert profiles["kubebackups"].can("run") and profiles["kubebackups"].can("pause")
        assert profiles["jobs"].name_field == "display_name"  # the overlay's, until a schema says otherwise


def test_references_and_the_jobs_link_come_from_the_schema(cloudcasa: Profiles, demo_profiles: Profiles) -> None:
    assert cloudcasa["kubebackups"].references["cluster"] == "kubeclusters"  # `Kubecluster__id`
    assert cloudcasa["jobs"].references["backupdef"] == "kubebackups"
    assert cloudcasa["kubebackups"].jobs_link == "backupdef"
    assert (
        demo_profiles["kubebackups"].jobs_link == "backupdef"
        and demo_profiles["kubeoffloads"].jobs_link == "offloaddef"
    )
    assert cloudcasa["objectstores"].jobs_link is None  # nothing in this Job points at them


@pytest.mark.parametrize(("text", "expected"), [("prod", {"$regex": "prod", "$options": "i"})])
def test_bare_words_and_name_search_the_name_field(
    cloudcasa: Profiles, demo_profiles: Profiles, text: str, expected: Any
) -> None:
    assert listing.parse(demo_profiles["jobs"], text) == {"display_name": expected}
    assert listing.parse(cloudcasa["jobs"], text) == {"name": expected}
    assert listing.parse(demo_profiles["jobs"], "name~prod") == {"name": expected}  # the demo's jobs have `name` too
    assert listing.parse(cloudcasa["alerts"], "name~prod") == {"name": expected}


def test_a_filter_on_a_field_the_schema_lacks_gets_did_you_mean(cloudcasa: Profiles) -> None:
    jobs = cloudcasa["jobs"]
    unknown = listing.unknown_fields(jobs, listing.parse(jobs, "stat=FAILED start_time>-24h"))
    assert unknown is not None and unknown.fields[0][0] == "stat" and "state" in unknown.fields[0][1]
    assert "did you mean state" in str(unknown)
    assert listing.unknown_fields(jobs, listing.parse(jobs, "state=FAILED cluster_name=prod")) is None
    assert listing.unknown_fields(Profiles()["jobs"], {"anything": 1}) is None  # no schema: nothing to check


def test_before_the_document_the_first_page_asks_for_what_the_overlay_might_show(cloudcasa: Profiles) -> None:
    before = listing.list_query(Profiles()["jobs"], None, [("start_time", -1)], 1, 100)["projection"]
    assert before["display_name"] == before["name"] == before["message"] == before["state"] == 1
    assert "projection" not in listing.list_query(Profiles()["awsrdssnapshots"], None, [], 1, 100)  # whole
    after = listing.list_query(cloudcasa["jobs"], None, [("start_time", -1)], 1, 100)["projection"]
    assert after["name"] == 1 and after["state"] == 1 and "display_name" not in after


def test_before_the_document_the_rows_decide_the_name_column() -> None:
    jobs = Profiles()["jobs"]
    cloudcasa_rows = [{"_id": "1", "name": "nightly", "state": "FAILED", "start_time": 1_800_000_000}]
    columns = jobs.columns_for(cloudcasa_rows)
    assert columns[0].title == "Name" and columns[0].key == "name"
    assert "cluster_name" not in [c.key for c in columns]  # no row has it: it gives way, as the schema would
    demo_rows = [{"_id": "1", "name": "kubebackup-x", "display_name": "nightly", "cluster_name": "prod"}]
    assert jobs.columns_for(demo_rows)[0].key == "display_name"
    configured = Profiles(columns={"jobs": ["display_name", "state"]})["jobs"]
    assert [c.key for c in configured.columns_for(cloudcasa_rows)] == ["display_name", "state"]


def test_when_the_document_is_not_trusted_everything_is_offered(cloudcasa: Profiles) -> None:
    distrust = Profiles(cloudcasa.catalog, trusted=False)
    assert distrust["alerts"].can("edit") and distrust["kubenamespaces"].can("create")
    assert distrust["kubebackups"].can("run")
    assert distrust["jobs"].name_field == "name"  # the schema still names fields: only the writes are freed


def test_the_last_day_is_written_as_the_schema_types_its_time_field(cloudcasa: Profiles) -> None:
    from casatui.core.overview import _since

    assert _since(cloudcasa["jobs"], "start_time", 1_800_000_000.5) == {"start_time": {"$gt": 1_800_000_000}}
    assert _since(cloudcasa["jobs"], "_created", 1_800_000_000) == {
        "_created": {"$gt": "Fri, 15 Jan 2027 08:00:00 GMT"}
    }


def test_columns_coming_back_with_the_rows_keep_the_name_column_first(cloudcasa: Profiles) -> None:
    invites = cloudcasa["orginvites"]
    columns = invites.columns_for([{"_id": "1", "name": "x", "expires_in_days": 7}])
    assert columns[0].key == "name" and "expires_in_days" in [c.key for c in columns]


def test_a_link_whose_href_is_not_text_is_not_followed() -> None:
    from casatui.core.navigation import references

    document = {"_links": {"related": {"cluster": {"href": 42}, "policy": [{"href": None}, "x"]}}}
    assert references(document, None, {}) == []
