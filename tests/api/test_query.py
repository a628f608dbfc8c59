"""The filter bar's language (text <-> Mongo where) and sort strings, down to error positions and the server."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casatui.api.query import FilterError, format_eve_date, parse_filter
from casatui.api.sort import cycle_sort, format_sort, parse_sort
from casatui.api.where_text import filter_from_where

NOW = 1_800_000_000  # Fri, 15 Jan 2027 08:00:00 GMT
HOUR = 3600
DAY = 86400

JOB_TYPES = {
    "name": "string",
    "state": "string",
    "type": "string",
    "message": "string",
    "cluster_name": "string",
    "start_time": "integer",
    "end_time": "integer",
    "num_errors": "integer",
    "num_warnings": "integer",
    "_created": "datetime",
    "_updated": "datetime",
}


def literal(text: str) -> dict[str, Any]:
    return {"$regex": re.escape(text), "$options": "i"}


def error_of(text: str, field_types: dict[str, str] | None = None) -> FilterError:
    with pytest.raises(FilterError) as caught:
        parse_filter(text, field_types, now=NOW)
    return caught.value


# ------------------------------------------------------------------------------------------------ basics


@pytest.mark.parametrize("text", ["", "   ", "\t\n "])
def test_blank_text_is_an_empty_where(text: str) -> None:
    assert parse_filter(text) == {}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("state=FAILED", {"state": "FAILED"}),
        ("state!=FAILED", {"state": {"$ne": "FAILED"}}),
        ("num_errors>1", {"num_errors": {"$gt": 1}}),
        ("num_errors>=1", {"num_errors": {"$gte": 1}}),
        ("num_errors<1", {"num_errors": {"$lt": 1}}),
        ("num_errors<=1", {"num_errors": {"$lte": 1}}),
        ("num_errors>-3", {"num_errors": {"$gt": -3}}),
    ],
)
def test_comparison_operators(text: str, where: dict[str, Any]) -> None:
    assert parse_filter(text) == where


def test_terms_for_different_fields_make_a_flat_dict_in_order() -> None:
    where = parse_filter("  state=FAILED   type=K8S_SNAP\tnum_errors>0 ")
    assert where == {"state": "FAILED", "type": "K8S_SNAP", "num_errors": {"$gt": 0}}
    assert list(where) == ["state", "type", "num_errors"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("status.state=ACTIVE", {"status.state": "ACTIVE"}),
        ("tags.env=prod", {"tags.env": "prod"}),
        ("kube_snapshot_progress.failed_pvs>0", {"kube_snapshot_progress.failed_pvs": {"$gt": 0}}),
        ("spec-v2.a_b.C3=x", {"spec-v2.a_b.C3": "x"}),
        ("status.state:ACTIVE,PAUSED", {"status.state": {"$in": ["ACTIVE", "PAUSED"]}}),
        ("has:status.lastError", {"status.lastError": {"$exists": True}}),
    ],
)
def test_dotted_paths(text: str, where: dict[str, Any]) -> None:
    assert parse_filter(text) == where


# ------------------------------------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("value", "typed"),
    [
        ("3", 3),
        ("-3", -3),
        ("0", 0),
        ("2.5", 2.5),
        ("-0.5", -0.5),
        ("1e3", 1000.0),
        ("true", True),
        ("false", False),
        ("null", None),
        ("FAILED", "FAILED"),
        ("007", "007"),  # not a JSON number
        ("+5", "+5"),
        ("1.", "1."),
        ("True", "True"),
        ("1e999", "1e999"),  # not a finite number: left as text
        ("a=b", "a=b"),
        ("C:\\tmp", "C:\\tmp"),
        ("-", "-"),
    ],
)
def test_unquoted_values_are_typed_as_json_scalars(value: str, typed: Any) -> None:
    where = parse_filter(f"field={value}")
    assert where == {"field": typed}
    assert type(where["field"]) is type(typed)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('name="my backup"', "my backup"),
        ('name="123"', "123"),
        ('name="true"', "true"),
        ('name="null"', "null"),
        ('name=""', ""),
        ('name="say \\"hi\\""', 'say "hi"'),
        ('name="back\\\\slash"', "back\\slash"),
        ('name="C:\\tmp"', "C:\\tmp"),  # other backslashes are kept
        ('name="a=b c:d ~e"', "a=b c:d ~e"),
        ('name="-7d"', "-7d"),
        ('name="été ✓"', "été ✓"),
    ],
)
def test_quoted_values_are_always_strings(text: str, value: str) -> None:
    assert parse_filter(text) == {"name": value}
    assert parse_filter(text, {"name": "integer"}) == {"name": value}


def test_field_types_keep_unquoted_values_as_strings_for_string_and_objectid_fields() -> None:
    types = {"name": "string", "cluster": "objectid", "state": "string"}
    assert parse_filter("name=123", types) == {"name": "123"}
    assert parse_filter("name=true state=2.5", types) == {"name": "true", "state": "2.5"}
    assert parse_filter("cluster=5f1b2c3d4e5f60718293a4b5", types) == {"cluster": "5f1b2c3d4e5f60718293a4b5"}
    assert parse_filter("name:1,2", types) == {"name": {"$in": ["1", "2"]}}
    assert parse_filter("name=-7d", types) == {"name": "-7d"}
    # null is JSON null whatever the type; quote it to mean the word
    assert parse_filter("name=null", types) == {"name": None}
    assert parse_filter('name="null"', types) == {"name": "null"}


def test_field_types_for_numbers_and_booleans() -> None:
    types = {"n": "integer", "x": "number", "ok": "boolean"}
    assert parse_filter("n=5 x=2.5 ok=true", types) == {"n": 5, "x": 2.5, "ok": True}
    assert parse_filter("n=007 x=+3", types) == {"n": 7, "x": 3}
    assert parse_filter("ok=false n=null", types) == {"ok": False, "n": None}
    assert parse_filter("n:1,2", types) == {"n": {"$in": [1, 2]}}


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("n=abc", 2, "a number for field 'n'"),
        ("x=1,5", 2, "a number for field 'x'"),
        ("n:1,two", 4, "a number for field 'n'"),
        ("n=1e999", 2, "a number for field 'n'"),
        ("ok=yes", 3, "true or false for field 'ok'"),
        ("ok=1", 3, "true or false for field 'ok'"),
    ],
)
def test_field_types_refuse_values_of_the_wrong_kind(text: str, position: int, expected: str) -> None:
    error = error_of(text, {"n": "integer", "x": "number", "ok": "boolean"})
    assert (error.position, error.expected) == (position, expected)


def test_fields_missing_from_field_types_are_typed_as_json() -> None:
    assert parse_filter("other=5 name=5", {"name": "string"}) == {"other": 5, "name": "5"}


# ------------------------------------------------------------------------------------------------ relative times


@pytest.mark.parametrize(
    ("value", "offset"),
    [
        ("-24h", -24 * HOUR),
        ("-7d", -7 * DAY),
        ("-30m", -30 * 60),
        ("-90s", -90),
        ("-2w", -14 * DAY),
        ("+1h", HOUR),
        ("-0d", 0),
    ],
)
def test_relative_times_on_integer_fields_are_epoch_seconds(value: str, offset: int) -> None:
    where = parse_filter(f"start_time>{value}", JOB_TYPES, now=NOW)
    assert where == {"start_time": {"$gt": NOW + offset}}
    assert isinstance(where["start_time"]["$gt"], int)


def test_relative_times_on_datetime_fields_are_eve_dates() -> None:
    assert parse_filter("_created>-7d", JOB_TYPES, now=NOW) == {"_created": {"$gt": "Fri, 08 Jan 2027 08:00:00 GMT"}}
    assert parse_filter("_updated<=+90s", now=NOW + 0.75) == {"_updated": {"$lte": "Fri, 15 Jan 2027 08:01:30 GMT"}}
    types = {"when": "datetime", "epoch": "number"}
    assert parse_filter("when=-1h epoch=-1h", types, now=NOW) == {
        "when": "Fri, 15 Jan 2027 07:00:00 GMT",
        "epoch": NOW - HOUR,
    }


@pytest.mark.parametrize("operator", ["=", "!=", ">", ">=", "<", "<="])
def test_relative_times_work_with_every_comparison(operator: str) -> None:
    where = parse_filter(f"end_time{operator}-1h", now=NOW)
    condition = where["end_time"]
    assert (condition if operator == "=" else next(iter(condition.values()))) == NOW - HOUR


@pytest.mark.parametrize(
    "field",
    [
        "start_time",
        "end_time",
        "last_job_run_time",
        "updateTime",
        "pendingStateTimestamp",
        "expiry_timestamp",
        "status.lastBackupTime",
    ],
)
def test_time_fields_are_recognised_by_name_without_field_types(field: str) -> None:
    assert parse_filter(f"{field}<-1d", now=NOW) == {field: {"$lt": NOW - DAY}}


def test_relative_times_in_lists() -> None:
    assert parse_filter("start_time:-1h,-2h", now=NOW) == {"start_time": {"$in": [NOW - HOUR, NOW - 2 * HOUR]}}


def test_relative_time_defaults_to_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.time", lambda: float(NOW))
    assert parse_filter("start_time>-1h") == {"start_time": {"$gt": NOW - HOUR}}


def test_relative_time_on_a_field_of_unknown_type_is_an_error() -> None:
    error = error_of("color=red num=-7d")
    assert error.position == 14
    assert "type of field 'num' is unknown" in str(error)
    assert "column 15" in str(error)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("ok>-1d", 3),  # a boolean field
        ("start_time>-99999999999999999w", 11),  # beyond year 9999
        ("_created<-9999999999w", 9),
    ],
)
def test_relative_times_that_cannot_be_converted(text: str, position: int) -> None:
    assert error_of(text, {"ok": "boolean"}).position == position


# ------------------------------------------------------------------------------------------------ search


def test_tilde_is_a_case_insensitive_search_for_the_literal_text() -> None:
    assert parse_filter("message~deadline") == {"message": {"$regex": "deadline", "$options": "i"}}
    assert parse_filter("message~a.b*(c)") == {"message": literal("a.b*(c)")}
    assert parse_filter('message~"deadline exceeded"') == {"message": literal("deadline exceeded")}
    assert parse_filter("num_errors~12", {"num_errors": "integer"}) == {"num_errors": literal("12")}


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("name~/^prod-.*/", {"$regex": "^prod-.*"}),
        ("name~/^prod/i", {"$regex": "^prod", "$options": "i"}),
        ("name~/a.b/imsx", {"$regex": "a.b", "$options": "imsx"}),
        ("name~/x/sm", {"$regex": "x", "$options": "sm"}),
        ("path~/^\\/var\\/lib/", {"$regex": "^/var/lib"}),
        ("name~/\\d+\\.\\d+/", {"$regex": "\\d+\\.\\d+"}),
        ("name~/a\\\\/", {"$regex": "a\\\\"}),  # an escaped backslash does not escape the slash
        ("name~/two words/i", {"$regex": "two words", "$options": "i"}),
        ("name~//", {"$regex": ""}),
    ],
)
def test_regular_expressions_as_typed(text: str, condition: dict[str, str]) -> None:
    field = text.split("~")[0]
    assert parse_filter(text) == {field: condition}


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("name~/a(b/", 7, "a valid regular expression"),
        ("name~/ab[/", 8, "a valid regular expression"),
        ("name~/\\/x(/", 9, "a valid regular expression"),  # positions count the text, not the pattern
        ("name~/*/", 6, "a valid regular expression"),
        ("name~/abc", 5, "a closing '/'"),
        ("name~/abc\\/", 5, "a closing '/'"),
        ("name~/a/q", 8, "regular expression flags (i, m, s, x) or a space"),
        ("name~/a/ii", 9, "each flag at most once"),
        ("name~/a/i,", 9, "regular expression flags (i, m, s, x) or a space"),
    ],
)
def test_regular_expression_errors(text: str, position: int, expected: str) -> None:
    error = error_of(text)
    assert (error.position, error.expected) == (position, expected)


def test_an_invalid_regex_says_why() -> None:
    assert "missing ), unterminated subpattern" in str(error_of("name~/a(b/"))


# ------------------------------------------------------------------------------------------------ lists, has, words


def test_in_and_not_in_lists() -> None:
    assert parse_filter("state:FAILED,PARTIAL") == {"state": {"$in": ["FAILED", "PARTIAL"]}}
    assert parse_filter("!state:COMPLETED,RUNNING") == {"state": {"$nin": ["COMPLETED", "RUNNING"]}}
    assert parse_filter("n:1,2.5,null,true,x") == {"n": {"$in": [1, 2.5, None, True, "x"]}}
    assert parse_filter('name:"a b","c,d",e') == {"name": {"$in": ["a b", "c,d", "e"]}}
    assert parse_filter("state:ONE") == {"state": {"$in": ["ONE"]}}


def test_has_and_not_has() -> None:
    assert parse_filter("has:end_time") == {"end_time": {"$exists": True}}
    assert parse_filter("!has:end_time") == {"end_time": {"$exists": False}}
    assert parse_filter("has:a !has:b.c") == {"a": {"$exists": True}, "b.c": {"$exists": False}}


def test_bare_words_and_quoted_phrases_search_names() -> None:
    assert parse_filter("prod") == {"name": {"$regex": "prod", "$options": "i"}}
    assert parse_filter('"my backup"') == {"name": literal("my backup")}
    assert parse_filter("db-copy.v2") == {"name": literal("db-copy.v2")}
    assert parse_filter("has") == {"name": literal("has")}
    assert parse_filter("-7d") == {"name": literal("-7d")}
    assert parse_filter("prod state=FAILED") == {"name": literal("prod"), "state": "FAILED"}


# ------------------------------------------------------------------------------------------------ $and


def test_a_repeated_field_puts_every_term_in_one_and() -> None:
    where = parse_filter("start_time>-2d state=FAILED start_time<-1d", now=NOW)
    assert where == {
        "$and": [
            {"start_time": {"$gt": NOW - 2 * DAY}},
            {"state": "FAILED"},
            {"start_time": {"$lt": NOW - DAY}},
        ]
    }


def test_bare_words_repeat_the_name_field() -> None:
    assert parse_filter('prod "db copy"') == {"$and": [{"name": literal("prod")}, {"name": literal("db copy")}]}
    assert parse_filter("prod name!=prod-db") == {"$and": [{"name": literal("prod")}, {"name": {"$ne": "prod-db"}}]}


def test_the_same_term_twice_is_kept_twice() -> None:
    assert parse_filter("has:a has:a") == {"$and": [{"a": {"$exists": True}}, {"a": {"$exists": True}}]}


# ------------------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("name=", 5, "a value after '='"),
        ("name= state=x", 5, "a value after '='"),
        ("num_errors>=", 12, "a value after '>='"),
        ("a!=", 3, "a value after '!='"),
        ("message~", 8, "a value after '~'"),
        ("=x", 0, "a field name before '='"),
        ("state=x >=3", 8, "a field name before '>='"),
        ("!=x", 0, "a field name before '!='"),
        (":a,b", 0, "a field name before ':'"),
        ("$where=1", 0, "a field name"),
        ("a.$b=1", 2, "a field name"),
        ("!$a:1", 1, "a field name"),
        ("has:$a", 4, "a field name"),
        ("a..b=1", 2, "a field name after '.'"),
        (".a=1", 0, "a field name before '.'"),
        ("a.=1", 2, "a field name after '.'"),
        ('name="abc', 5, "a closing '\"'"),
        ('x=1 "abc', 4, "a closing '\"'"),
        ('name="abc\\"', 5, "a closing '\"'"),
        ('name="abc"def', 10, "a space after the closing quote"),
        ('"abc"def', 5, "a space after the closing quote"),
        ('a:"x"y', 5, "',' or a space after the closing quote"),
        ("foo*", 3, "an operator (=, !=, <, <=, >, >=, ~ or :) or a space after 'foo'"),
        ("a!b", 1, "an operator (=, !=, <, <=, >, >=, ~ or :) or a space after 'a'"),
        ("a=>b", 2, "a value after '='"),
        ("a==b", 2, "a value after '='"),
        ("a<>b", 2, "a value after '<'"),
        ("has:", 4, "a field name after 'has:'"),
        ("has: x", 4, "a field name after 'has:'"),
        ("!has:", 5, "a field name after 'has:'"),
        ("has:a=1", 5, "a space after 'has:a'"),
        ("!", 1, "'has:' or a field name after '!'"),
        ("! x", 1, "'has:' or a field name after '!'"),
        ("!x", 2, "':' after '!x' (as in '!x:a,b')"),
        ("!x=1", 2, "':' after '!x' (as in '!x:a,b')"),
        ("a:", 2, "a value after ':'"),
        ("a:x,", 4, "a value after ','"),
        ("a:x,,y", 4, "a value after ','"),
        ("a:,x", 2, "a value after ':'"),
        ("(a=1)", 0, "a field name, a word or a quoted phrase"),
        ("state=x [1]", 8, "a field name, a word or a quoted phrase"),
        ("\x00", 0, "a field name, a word or a quoted phrase"),
    ],
)
def test_errors_point_at_the_offending_character(text: str, position: int, expected: str) -> None:
    error = error_of(text)
    assert (error.position, error.expected) == (position, expected)


def test_error_text_reads_well() -> None:
    error = error_of("state= x")
    assert isinstance(error, ValueError)
    assert str(error) == "expected a value after '=' at column 7"
    assert error.message == "expected a value after '='"
    assert str(error_of("$a=1")) == "field names cannot start with '$' at column 1 (expected a field name)"
    assert str(error_of('n="ab')) == "unterminated quote at column 3 (expected a closing '\"')"


def test_filter_error_can_be_built_directly() -> None:
    error = FilterError("bad thing", 4, "a good thing")
    assert (error.message, error.position, error.expected) == ("bad thing", 4, "a good thing")
    assert str(error) == "bad thing at column 5 (expected a good thing)"
    assert str(FilterError("", 0, "x")) == "expected x at column 1"


# ------------------------------------------------------------------------------------------------ raw JSON


@pytest.mark.parametrize(
    "where",
    [
        {"$or": [{"state": "SKIPPED"}, {"type": "RESTORE"}]},
        {"name": {"$regex": "PROD", "$options": "i"}},
        {"a": {"$gt": 1, "$lt": 5}, "b": [1, {"c": None}]},
        {},
    ],
)
def test_raw_json_passes_through(where: dict[str, Any]) -> None:
    assert parse_filter(json.dumps(where)) == where
    assert parse_filter("  \n" + json.dumps(where, indent=2) + "\n") == where


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("{", 1),
        ('{"a": }', 6),
        ("{not json", 1),
        ('  {"a": 1,}', 9),  # the trailing comma, on every Python (3.13's json points at it, older ones after it)
        ('{"a": 1} x', 9),
        ('{"a": 1}{}', 8),
    ],
)
def test_raw_json_errors_point_at_the_json_error(text: str, position: int) -> None:
    error = error_of(text)
    assert error.position == position
    assert str(error).startswith("invalid JSON")


@pytest.mark.parametrize(
    ("text", "position", "kind"),
    [('{"a": 1,}', 7, "object"), ('{"a": [1, 2 ,\n ]}', 12, "array"), ('{"a": {"b": 1,  }}', 13, "object")],
)
def test_a_trailing_comma_is_named_where_it_is(text: str, position: int, kind: str) -> None:
    error = error_of(text)
    assert error.position == position
    assert str(error).startswith(f"invalid JSON: Illegal trailing comma before end of {kind} at "), str(error)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ('{"$where": "this.state == \'FAILED\'"}', 1),
        ('{"state": "X", "$or": [{"a": 1}, {"$where": "1"}]}', 34),
        ('{"a": {"b": {"$where" : 1}}}', 13),
    ],
)
def test_dollar_where_is_refused_anywhere(text: str, position: int) -> None:
    error = error_of(text)
    assert error.position == position
    assert "$where" in str(error)


def test_deeply_nested_json_is_a_filter_error() -> None:
    text = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert isinstance(error_of(text), FilterError)


# ------------------------------------------------------------------------------------------------ dates


def test_format_eve_date() -> None:
    assert format_eve_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert format_eve_date(1_800_000_000.9) == "Fri, 15 Jan 2027 08:00:00 GMT"
    assert format_eve_date(1_795_896_957) == "Sat, 28 Nov 2026 20:15:57 GMT"
    assert format_eve_date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT"
    with pytest.raises(ValueError):
        format_eve_date(1e20)
    with pytest.raises(ValueError):
        format_eve_date(float("nan"))


# ------------------------------------------------------------------------------------------------ sort


@pytest.mark.parametrize(
    ("text", "sort"),
    [
        ("", []),
        ("  ", []),
        ("name", [("name", 1)]),
        ("-start_time,name", [("start_time", -1), ("name", 1)]),
        (" -start_time , name ", [("start_time", -1), ("name", 1)]),
        ("status.state,-_created", [("status.state", 1), ("_created", -1)]),
    ],
)
def test_parse_sort(text: str, sort: list[tuple[str, int]]) -> None:
    assert parse_sort(text) == sort


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a,,b", 2),
        ("a,", 2),
        (",a", 0),
        ("-", 1),
        ("$a", 0),
        ("a,-$b", 3),
        ("start time", 5),
        ("a,a", 2),
        ("a,-a", 3),
        ("a..b", 2),
    ],
)
def test_parse_sort_errors(text: str, position: int) -> None:
    with pytest.raises(FilterError) as caught:
        parse_sort(text)
    assert caught.value.position == position


def test_format_sort_is_the_inverse() -> None:
    assert format_sort([]) == ""
    assert format_sort([("start_time", -1), ("name", 1)]) == "-start_time,name"
    for text in ["name", "-start_time,name", "status.state,-_created"]:
        assert format_sort(parse_sort(text)) == text


def test_cycle_sort() -> None:
    assert cycle_sort([], "name") == [("name", 1)]
    assert cycle_sort([("start_time", -1)], "name") == [("name", 1)]
    assert cycle_sort([("name", 1)], "name") == [("name", -1)]
    assert cycle_sort([("state", 1), ("name", 1)], "name") == [("name", -1)]
    assert cycle_sort([("name", -1)], "name") == []
    clicks = []
    sort: list[tuple[str, int]] = []
    for _ in range(4):
        sort = cycle_sort(sort, "name")
        clicks.append(format_sort(sort))
    assert clicks == ["name", "-name", "", "name"]


# ------------------------------------------------------------------------------------------------ round trip


@pytest.mark.parametrize(
    "text",
    [
        "state=FAILED",
        "state!=FAILED num_errors>0 num_warnings<=2",
        "status.state=ACTIVE tags.env=prod",
        'name="my backup" message="say \\"hi\\" \\\\ there"',
        "x=2.5 y=true z=null w=-3 v=007 u=1e3",
        "start_time>-24h _created>-7d",
        "message~deadline",
        'message~"deadline exceeded"',
        'message~"/var/lib"',
        "name~/^prod\\/x/im",
        "name~/two words/",
        "state:FAILED,PARTIAL !type:RESTORE,K8S_SNAP",
        'name:"a b","c,d",1,null',
        "has:end_time !has:message",
        "prod",
        '"my backup"',
        "prod state=FAILED prod-db",
        "start_time>-2d start_time<-1d state=FAILED",
        'name="-7d" label="123" kind="true" note=""',
        "a=x:y b=user@host c=a/b",
    ],
)
@pytest.mark.parametrize("field_types", [None, JOB_TYPES])
def test_round_trip(text: str, field_types: dict[str, str] | None) -> None:
    where = parse_filter(text, field_types, now=NOW)
    again = filter_from_where(where)
    assert again is not None
    assert parse_filter(again) == where


def test_filter_from_where_writes_readable_text() -> None:
    assert filter_from_where({}) == ""
    assert filter_from_where({"state": "FAILED", "num_errors": {"$gt": 0}}) == "state=FAILED num_errors>0"
    assert filter_from_where({"name": {"$regex": "prod", "$options": "i"}}) == "prod"
    assert filter_from_where({"name": {"$regex": "my\\ backup", "$options": "i"}}) == '"my backup"'
    assert filter_from_where({"name": "123"}) == 'name="123"'
    assert filter_from_where({"end_time": {"$exists": False}}) == "!has:end_time"
    assert filter_from_where({"state": {"$nin": ["A", "B"]}}) == "!state:A,B"
    assert filter_from_where({"p": {"$regex": "^/x", "$options": "i"}}) == "p~/^\\/x/i"


@pytest.mark.parametrize(
    "where",
    [
        {"$or": [{"state": "SKIPPED"}, {"type": "RESTORE"}]},
        {"a": {"$gt": 1, "$lt": 5}},  # two operators on one field
        {"a": {"b": 1}},  # embedded-document equality
        {"a": {"$eq": 1}},
        {"a": {"$in": []}},
        {"a": {"$exists": 1}},
        {"a": {"$regex": "x", "$options": "g"}},
        {"a": {"$regex": "("}},
        {"a": float("nan")},
        {"a": [1, 2]},
        {"$and": [{"a": 1}, {"b": 2}]},  # parse_filter would write it flat
        {"$and": [{"a": 1, "b": 2}]},
        {"$and": [], "a": 1},
        {"$where": "1"},
        {"a b": 1},
        {"$a": 1},
        {"a..b": 1},
        {"has": {"$in": [1]}},
    ],
)
def test_filter_from_where_gives_none_for_what_the_language_cannot_say(where: dict[str, Any]) -> None:
    assert filter_from_where(where) is None


# ------------------------------------------------------------------------------------------------ properties


@given(st.text())
@settings(max_examples=500)
def test_arbitrary_text_raises_only_filter_errors(text: str) -> None:
    try:
        where = parse_filter(text, now=NOW)
    except FilterError as error:
        assert 0 <= error.position <= len(text)
        assert str(error)
    else:
        assert isinstance(where, dict)


_OPERATOR_CHARS = st.sampled_from(list('=!<>~:"/\\, {}$.-_abc019hdw\t\x00é'))


@given(st.text(_OPERATOR_CHARS, max_size=30), st.sampled_from([None, JOB_TYPES]))
@settings(max_examples=500)
def test_operator_heavy_text_raises_only_filter_errors(text: str, field_types: dict[str, str] | None) -> None:
    try:
        parse_filter(text, field_types, now=NOW)
    except FilterError as error:
        assert 0 <= error.position <= len(text)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_STRING_FIELDS = ["name", "state", "type", "message", "cluster_name"]
_INTEGER_FIELDS = ["start_time", "end_time", "num_errors", "num_warnings"]
_UNTYPED_FIELDS = ["status.state"]
_DATE_FIELDS = ["_created", "_updated"]
_ALL_FIELDS = _STRING_FIELDS + _INTEGER_FIELDS + _UNTYPED_FIELDS + _DATE_FIELDS
_COMPARE = st.sampled_from(["=", "!=", ">", ">=", "<", "<="])
_WORDS = st.sampled_from(["FAILED", "COMPLETED", "prod", "db-copy", "K8S_SNAP", "x.y", "a:b", "é", "v1/2"])
_QUOTED = st.text(st.sampled_from(list('ab Z"\\-_/:,=!~<>é{}$.')), max_size=12).map(_quote)
_RELATIVE = st.builds(
    lambda sign, amount, unit: f"{sign}{amount}{unit}",
    st.sampled_from("+-"),
    st.integers(0, 500),
    st.sampled_from("smhdw"),
)
_NUMBERS = st.one_of(st.integers(-(10**6), 10**12).map(str), st.sampled_from(["2.5", "-0.5", "1e3", "0"]))
_REGEXES = st.sampled_from(["^prod", "db.*copy", "a|b", "[0-9]+", "^\\/x", "(?:ab)+", "two words", ""])
_FLAGS = st.sampled_from(["", "i", "m", "s", "x", "im", "imsx"])


def _values_for(field: str) -> st.SearchStrategy[str]:
    if field in _INTEGER_FIELDS:
        return st.one_of(_NUMBERS, _RELATIVE, st.just("null"))
    if field in _DATE_FIELDS:
        return st.one_of(_RELATIVE, _QUOTED)
    return st.one_of(_WORDS, _QUOTED, _NUMBERS, st.sampled_from(["true", "false", "null"]))


@st.composite
def _terms(draw: st.DrawFn) -> str:
    field = draw(st.sampled_from(_ALL_FIELDS))
    kind = draw(st.sampled_from(["compare", "compare", "search", "regex", "in", "nin", "has", "word"]))
    if kind == "compare":
        return f"{field}{draw(_COMPARE)}{draw(_values_for(field))}"
    if kind == "search":
        return f"{field}~{draw(st.one_of(_WORDS, _QUOTED))}"
    if kind == "regex":
        return f"{field}~/{draw(_REGEXES)}/{draw(_FLAGS)}"
    if kind in ("in", "nin"):
        items = draw(st.lists(_values_for(field), min_size=1, max_size=4))
        return ("!" if kind == "nin" else "") + f"{field}:" + ",".join(items)
    if kind == "has":
        return draw(st.sampled_from(["has:", "!has:"])) + field
    return draw(st.one_of(_WORDS.filter(lambda w: re.fullmatch(r"[\w.-]+", w) is not None), _QUOTED))


_FILTERS = st.lists(_terms(), min_size=1, max_size=5).map(" ".join)


@given(_FILTERS)
@settings(max_examples=300)
def test_grammar_filters_parse_to_json_and_round_trip(text: str) -> None:
    where = parse_filter(text, JOB_TYPES, now=NOW)
    assert where
    assert json.loads(json.dumps(where, allow_nan=False)) == where
    again = filter_from_where(where)
    assert again is not None, where
    assert parse_filter(again) == where
    assert parse_filter(again, JOB_TYPES) == where


@given(_FILTERS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_server_accepts_grammar_filters(http: httpx.Client, text: str) -> None:
    where = parse_filter(text, JOB_TYPES)
    response = http.get("/jobs", params={"where": json.dumps(where), "max_results": 1})
    assert response.status_code == 200, (text, where, response.text[:300])


@pytest.mark.parametrize(
    "text",
    [
        "name~5f1b2c3d4e5f60718293a4b5",
        "5f1b2c3d4e5f60718293a4b5",
        'message~"Fri, 15 Jan 2027 08:00:00 GMT"',
        "name~/5f1b2c3d4e5f60718293a4b5/",
    ],
)
def test_regexes_that_look_like_ids_or_dates_still_reach_the_server_as_regexes(http: httpx.Client, text: str) -> None:
    """Eve converts id- and date-looking strings even inside $regex; the pattern is shielded so it stays a string."""
    where = parse_filter(text)
    response = http.get("/jobs", params={"where": json.dumps(where)})
    assert response.status_code == 200, response.text
    assert parse_filter(filter_from_where(where) or "") == where
