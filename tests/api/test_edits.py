"""Tests of casatui.api.edits: pure functions, no server."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casatui.api.edits import (
    MISSING,
    SERVER_FIELDS,
    Change,
    Conflict,
    Path,
    apply_changes,
    diff,
    format_path,
    is_unchanged,
    merge3,
    parse_path,
    plan_patch,
    resolve,
    strip_server_fields,
)

SERVER = {
    "_id": "64f0c0ffee",
    "_etag": "146c12bf10f9bd10f481097a8a513e5aa53f8afe",
    "_created": "Mon, 16 Nov 2026 20:33:47 GMT",
    "_updated": "Mon, 16 Nov 2026 20:33:47 GMT",
    "_links": {"self": {"title": "kubebackup", "href": "kubebackups/64f0c0ffee"}},
}


def backup(**changes: Any) -> dict[str, Any]:
    """A CloudCasa backup definition as GET returns it."""
    document = {
        **SERVER,
        "name": "prod-full-daily",
        "pause": False,
        "policy": "pol-1",
        "source": {"cluster": "c-1", "all_namespaces": True, "namespaces": []},
        "status": {"jobs": [{"id": "j1", "state": "COMPLETED"}], "last_job_run_time": 1000},
    }
    document.update(copy.deepcopy(changes))
    return document


# -- MISSING, strip ----------------------------------------------------------------------------------------------------


def test_missing_is_a_falsy_singleton_that_survives_copies() -> None:
    assert repr(MISSING) == "<missing>"
    assert not MISSING
    assert type(MISSING)() is MISSING
    assert copy.copy(MISSING) is MISSING
    assert copy.deepcopy({"x": MISSING})["x"] is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING


def test_strip_server_fields_keeps_everything_else_as_a_deep_copy() -> None:
    document = backup(_status="OK")
    stripped = strip_server_fields(document)
    assert {"_id", "_etag", "_created", "_updated", "_links", "_status"} == SERVER_FIELDS
    assert stripped == {key: value for key, value in document.items() if not key.startswith("_")}
    assert list(stripped) == ["name", "pause", "policy", "source", "status"]
    stripped["status"]["jobs"][0]["state"] = "FAILED"
    assert document["status"]["jobs"][0]["state"] == "COMPLETED"
    assert strip_server_fields(document, keep_id=True)["_id"] == "64f0c0ffee"


def test_strip_server_fields_is_top_level_only() -> None:
    assert strip_server_fields({"a": {"_etag": 1}, "_links": {}}) == {"a": {"_etag": 1}}


# -- paths -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("status", "jobs", 0, "state"), "status.jobs[0].state"),
        ((), "(document)"),
        (("source", "all_namespaces"), "source.all_namespaces"),
        (("jobs", 2, 0), "jobs[2][0]"),
        ((0,), "[0]"),
        (("labels", "app.kubernetes.io/name"), 'labels["app.kubernetes.io/name"]'),
        (("a b", ""), '["a b"][""]'),
        (("(document)",), '["(document)"]'),
        (("données",), "données"),
        (("jobs", "0"), "jobs.0"),
    ],
)
def test_format_and_parse_path(path: Path, text: str) -> None:
    assert format_path(path) == text
    assert parse_path(text) == path


@pytest.mark.parametrize("text", ["", "a.", ".a", "a..b", "a[", "a[x]", 'a["b"', 'a["b"x', "a b", "a]"])
def test_parse_path_refuses_what_is_not_a_path(text: str) -> None:
    with pytest.raises(ValueError):
        parse_path(text)


def test_format_path_refuses_other_parts() -> None:
    with pytest.raises(TypeError):
        format_path(("a", True))


@given(st.lists(st.one_of(st.text(max_size=6), st.integers(min_value=-5, max_value=10**6)), max_size=5))
def test_path_round_trip(parts: list[str | int]) -> None:
    assert parse_path(format_path(tuple(parts))) == tuple(parts)


# -- diff and is_unchanged ---------------------------------------------------------------------------------------------


def test_diff_nested_added_removed_changed() -> None:
    old = {"a": 1, "n": {"x": 1, "y": 2, "deep": {"k": "v"}}, "gone": True}
    new = {"n": {"x": 10, "deep": {"k": "v", "k2": None}, "z": 3}, "a": 1, "new": [1]}
    assert diff(old, new) == [
        Change(("n", "x"), 1, 10),
        Change(("n", "deep", "k2"), MISSING, None),
        Change(("n", "z"), MISSING, 3),
        Change(("n", "y"), 2, MISSING),
        Change(("new",), MISSING, [1]),
        Change(("gone",), True, MISSING),
    ]
    assert [change.kind for change in diff(old, new)] == ["changed", "added", "added", "removed", "added", "removed"]


def test_diff_takes_a_list_as_one_value() -> None:
    old = {"status": {"jobs": [{"id": "j1", "state": "RUNNING"}, {"id": "j0"}]}}
    new = {"status": {"jobs": [{"id": "j1", "state": "COMPLETED"}, {"id": "j0"}]}}
    assert diff(old, new) == [Change(("status", "jobs"), old["status"]["jobs"], new["status"]["jobs"])]
    assert diff(old, copy.deepcopy(old)) == []


def test_diff_keeps_bools_ints_and_floats_apart() -> None:
    assert [c.path for c in diff({"a": 1, "b": 1, "c": [0], "d": 2}, {"a": True, "b": 1.0, "c": [False], "d": 2})] == [
        ("a",),
        ("b",),
        ("c",),
    ]


def test_diff_values_are_copies() -> None:
    new = {"a": {"b": [1]}}
    (change,) = diff({}, new)
    change.new["b"].append(2)
    assert new == {"a": {"b": [1]}}


def test_diff_ignores_key_order() -> None:
    assert diff({"a": 1, "b": {"x": 1, "y": 2}}, {"b": {"y": 2, "x": 1}, "a": 1}) == []


def test_is_unchanged_ignores_server_fields() -> None:
    assert is_unchanged(backup(), strip_server_fields(backup()))
    assert is_unchanged(backup(), backup(_etag="other", _updated="later", _status="OK"))
    assert not is_unchanged(backup(), backup(pause=True))
    assert not is_unchanged(backup(), backup(pause=0))


# -- plan_patch --------------------------------------------------------------------------------------------------------


def test_plan_patch_sends_changed_top_level_fields_whole() -> None:
    edited = backup(pause=True, source={"cluster": "c-1", "all_namespaces": False, "namespaces": ["db"]})
    plan = plan_patch(backup(), edited)
    assert plan.ok
    assert plan.unsupported == []
    assert plan.body == {"pause": True, "source": edited["source"]}


def test_plan_patch_reports_removals_it_cannot_express() -> None:
    original = backup(labels={"team": "a", "tier": "1"})
    edited = backup(labels={"team": "a"}, pause=True)
    del edited["policy"]
    plan = plan_patch(original, edited)
    assert not plan.ok
    assert plan.body == {"pause": True, "labels": {"team": "a"}}
    assert plan.unsupported == [Change(("labels", "tier"), "1", MISSING), Change(("policy",), "pol-1", MISSING)]


def test_plan_patch_refuses_a_dict_over_a_scalar_but_not_over_null() -> None:
    assert plan_patch({"a": "x"}, {"a": {"b": 1}}).unsupported == [Change(("a",), "x", {"b": 1})]
    assert plan_patch({"a": None}, {"a": {"b": 1}}).ok
    assert plan_patch({"a": {"b": 1}}, {"a": "x"}).ok


def test_plan_patch_without_change_is_empty_and_not_ok() -> None:
    plan = plan_patch(backup(), backup(_etag="newer", _status="OK"))
    assert plan.body == {}
    assert plan.unsupported == []
    assert not plan.ok


# -- merge3 and resolve ------------------------------------------------------------------------------------------------


def test_merge3_typical_cloudcasa_case_is_clean() -> None:
    base = backup()
    yours = backup(policy="pol-2")
    theirs = backup(
        _etag="0335817e970c6a8bcb40bc2c06555f05af904fa6",
        status={"jobs": [{"id": "j2", "state": "RUNNING"}, {"id": "j1", "state": "COMPLETED"}], "last_job_run_time": 2},
    )
    result = merge3(base, yours, theirs)
    assert result.clean
    assert result.merged == strip_server_fields(backup(policy="pol-2", status=theirs["status"]))
    assert result.yours_changes == [Change(("policy",), "pol-1", "pol-2")]
    assert [c.path for c in result.theirs_changes] == [("status", "jobs"), ("status", "last_job_run_time")]
    assert not is_unchanged(theirs, result.merged)


def test_merge3_overlapping_change_is_a_conflict_with_theirs_merged() -> None:
    result = merge3(backup(), backup(policy="mine", pause=True), backup(policy="server"))
    assert not result.clean
    assert result.conflicts == [Conflict(("policy",), "pol-1", "mine", "server")]
    assert result.merged["policy"] == "server"
    assert result.merged["pause"] is True


def test_merge3_same_change_on_both_sides_is_no_conflict() -> None:
    result = merge3(backup(), backup(pause=True, source={"x": 1}), backup(pause=True, source={"x": 1}))
    assert result.clean
    assert result.merged == strip_server_fields(backup(pause=True, source={"x": 1}))


def test_merge3_nested_changes_merge_key_by_key() -> None:
    base = {"source": {"cluster": "c-1", "all_namespaces": True}}
    result = merge3(base, {"source": {"cluster": "c-2", "all_namespaces": True}}, {"source": {"cluster": "c-1"}})
    assert result.clean
    assert result.merged == {"source": {"cluster": "c-2"}}


def test_merge3_delete_against_change_is_a_conflict() -> None:
    base = {"a": 1, "n": {"k": 1}}
    theirs_deleted = merge3(base, {"a": 2, "n": {"k": 2}}, {"n": {}})
    assert theirs_deleted.conflicts == [Conflict(("n", "k"), 1, 2, MISSING), Conflict(("a",), 1, 2, MISSING)]
    assert theirs_deleted.merged == {"n": {}}
    yours_deleted = merge3(base, {"n": {}}, {"a": 2, "n": {"k": 2}})
    assert yours_deleted.conflicts == [Conflict(("a",), 1, MISSING, 2), Conflict(("n", "k"), 1, MISSING, 2)]
    assert yours_deleted.merged == {"a": 2, "n": {"k": 2}}


def test_merge3_delete_against_unchanged_deletes() -> None:
    base = {"a": 1, "b": 2, "c": 3}
    result = merge3(base, {"b": 2, "c": 3}, {"a": 1, "b": 2, "c": 4})
    assert result.clean
    assert result.merged == {"b": 2, "c": 4}
    assert merge3(base, {"a": 1, "b": 2, "c": 4}, {"b": 2, "c": 3}).merged == {"b": 2, "c": 4}


def test_merge3_lists_are_atomic() -> None:
    base = {"jobs": [1, 2]}
    result = merge3(base, {"jobs": [1, 2, 3]}, {"jobs": [0, 1, 2]})
    assert result.conflicts == [Conflict(("jobs",), [1, 2], [1, 2, 3], [0, 1, 2])]


def test_merge3_orders_keys_as_theirs_then_yours() -> None:
    result = merge3({"a": 1, "b": 2}, {"b": 2, "a": 1, "y": 0}, {"t": 0, "b": 3, "a": 1})
    assert list(result.merged) == ["t", "b", "a", "y"]
    nested = merge3({"n": {"a": 1, "b": 2}}, {"n": {"y": 0, "a": 1, "b": 2}}, {"n": {"b": 2, "a": 1}})
    assert list(nested.merged["n"]) == ["b", "a", "y"]


def test_merge3_does_not_alias_its_inputs() -> None:
    theirs = {"n": {"list": [1]}}
    result = merge3({}, {}, theirs)
    result.merged["n"]["list"].append(2)
    assert theirs == {"n": {"list": [1]}}


def test_resolve_with_each_choice() -> None:
    base = {"name": "b", "policy": "p0", "pause": False, "keep": 1}
    yours = {"name": "y", "pause": True, "keep": 1}
    result = merge3(base, yours, {"name": "t", "policy": "p1", "pause": False, "keep": 2})
    name, policy = ("name",), ("policy",)
    assert [c.path for c in result.conflicts] == [name, policy]
    assert result.merged == {"name": "t", "policy": "p1", "keep": 2, "pause": True}
    assert resolve(result, {}) == result.merged
    assert resolve(result, {name: "base", policy: "base"}) == {"name": "b", "policy": "p0", "keep": 2, "pause": True}
    assert resolve(result, {name: "yours", policy: "yours"}) == {"name": "y", "keep": 2, "pause": True}
    assert resolve(result, {name: "theirs", policy: "theirs"}) == result.merged
    with pytest.raises(KeyError):
        resolve(result, {("keep",): "yours"})
    with pytest.raises(ValueError):
        resolve(result, {name: "mine"})  # type: ignore[dict-item]


def test_resolve_nested_and_leaves_result_untouched() -> None:
    result = merge3({"s": {"k": 1}}, {"s": {"k": 2}}, {"s": {"k": 3}})
    before = copy.deepcopy(result.merged)
    assert resolve(result, {("s", "k"): "yours"}) == {"s": {"k": 2}}
    assert result.merged == before


# -- apply_changes -----------------------------------------------------------------------------------------------------


def test_apply_changes_sets_deletes_and_creates_intermediate_dicts() -> None:
    document = {"a": 1, "n": {"x": 1}, "s": "scalar", "l": [{"v": 1}, 2]}
    changes = [
        Change(("a",), 1, MISSING),
        Change(("n", "x"), 1, 2),
        Change(("new", "deep", "k"), MISSING, [1]),
        Change(("s", "k"), MISSING, True),
        Change(("l", 0, "v"), 1, 5),
        Change(("gone",), 1, MISSING),
    ]
    assert apply_changes(document, changes) == {
        "n": {"x": 2},
        "new": {"deep": {"k": [1]}},
        "s": {"k": True},
        "l": [{"v": 5}, 2],
    }
    assert document == {"a": 1, "n": {"x": 1}, "s": "scalar", "l": [{"v": 1}, 2]}
    assert apply_changes(document, [Change(("l", 1), 2, MISSING)])["l"] == [{"v": 1}]
    with pytest.raises(ValueError):
        apply_changes(document, [Change(("l", 5), MISSING, 1)])
    assert apply_changes(document, [Change((), document, {"z": 1})]) == {"z": 1}


def test_apply_your_changes_onto_theirs() -> None:
    base, yours = backup(), backup(pause=True, source={"cluster": "c-9", "all_namespaces": True, "namespaces": []})
    theirs = backup(status={"jobs": [], "last_job_run_time": 5})
    rebased = apply_changes(strip_server_fields(theirs), diff(strip_server_fields(base), strip_server_fields(yours)))
    assert rebased == merge3(base, yours, theirs).merged


# -- properties --------------------------------------------------------------------------------------------------------

KEYS = st.sampled_from("abcd")
SCALARS = st.one_of(st.integers(-3, 3), st.sampled_from(["", "x", "y"]), st.booleans(), st.none())


def values(depth: int) -> st.SearchStrategy[Any]:
    options: list[st.SearchStrategy[Any]] = [SCALARS, st.lists(SCALARS, max_size=3)]
    if depth > 0:
        options.append(documents(depth - 1))
    return st.one_of(*options)


def documents(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts of dicts, at most `depth` levels of nested dicts below the top (so at most 3 in all)."""
    return st.dictionaries(KEYS, values(depth), max_size=4)


def leaf_paths(document: dict[str, Any], prefix: Path = ()) -> list[Path]:
    """Paths of every non-dict value, plus a path for a key that could be added in each dict."""
    paths: list[Path] = [(*prefix, "new")]
    for key, value in document.items():
        if isinstance(value, dict):
            paths.extend(leaf_paths(value, (*prefix, key)))
        else:
            paths.append((*prefix, key))
    return paths


@st.composite
def edits(draw: st.DrawFn, base: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    """`base` with a new value, or nothing, at each of `paths`."""
    return apply_changes(base, [Change(path, MISSING, draw(st.one_of(values(1), st.just(MISSING)))) for path in paths])


@given(documents())
def test_property_merging_nothing_gives_base(base: dict[str, Any]) -> None:
    result = merge3(base, base, base)
    assert result.clean
    assert result.merged == base
    assert result.yours_changes == result.theirs_changes == []


@given(documents(), documents())
def test_property_one_sided_edit_wins(base: dict[str, Any], other: dict[str, Any]) -> None:
    assert merge3(base, other, base).merged == other
    assert merge3(base, base, other).merged == other
    assert merge3(base, other, base).clean and merge3(base, base, other).clean


@given(documents(), st.data())
def test_property_disjoint_top_level_edits_merge_cleanly(base: dict[str, Any], data: st.DataObject) -> None:
    keys = [*base, "new"]
    owners = data.draw(st.lists(st.sampled_from(["yours", "theirs", None]), min_size=len(keys), max_size=len(keys)))
    yours = data.draw(edits(base, [(k,) for k, o in zip(keys, owners, strict=True) if o == "yours"]))
    theirs = data.draw(edits(base, [(k,) for k, o in zip(keys, owners, strict=True) if o == "theirs"]))
    check_clean_union(base, yours, theirs)


@given(documents(), st.data())
@settings(max_examples=200)
def test_property_disjoint_leaf_edits_merge_cleanly(base: dict[str, Any], data: st.DataObject) -> None:
    paths = leaf_paths(base)
    owners = data.draw(st.lists(st.sampled_from(["yours", "theirs", None]), min_size=len(paths), max_size=len(paths)))
    yours = data.draw(edits(base, [p for p, o in zip(paths, owners, strict=True) if o == "yours"]))
    theirs = data.draw(edits(base, [p for p, o in zip(paths, owners, strict=True) if o == "theirs"]))
    check_clean_union(base, yours, theirs)


def check_clean_union(base: dict[str, Any], yours: dict[str, Any], theirs: dict[str, Any]) -> None:
    result = merge3(base, yours, theirs)
    assert result.clean
    assert result.merged == apply_changes(apply_changes(base, diff(base, yours)), diff(base, theirs))
    combined = diff(base, result.merged)
    assert len(combined) == len(result.yours_changes) + len(result.theirs_changes)
    assert all(change in combined for change in [*result.yours_changes, *result.theirs_changes])


@given(documents(), documents())
def test_property_diff_then_apply_round_trips(a: dict[str, Any], b: dict[str, Any]) -> None:
    changes = diff(a, b)
    assert apply_changes(a, changes) == b
    assert diff(apply_changes(a, changes), b) == []
    assert (changes == []) == is_unchanged(a, b)


@given(documents(), st.data())
@settings(max_examples=200)
def test_property_conflicts_are_symmetric(base: dict[str, Any], data: st.DataObject) -> None:
    paths = leaf_paths(base)
    yours = data.draw(edits(base, data.draw(st.lists(st.sampled_from(paths), max_size=3))))
    theirs = data.draw(st.one_of(documents(), edits(base, data.draw(st.lists(st.sampled_from(paths), max_size=3)))))
    forward, backward = merge3(base, yours, theirs), merge3(base, theirs, yours)
    assert {c.path for c in forward.conflicts} == {c.path for c in backward.conflicts}
    assert resolve(forward, {c.path: "yours" for c in forward.conflicts}) == backward.merged
