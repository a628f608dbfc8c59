"""Where a JSON path sits in the editor's buffer (the cursor goes there for a 422 issue): read with tree-sitter's
JSON grammar, through syntax errors elsewhere, escaped and duplicate keys, and nesting as deep as anyone can type."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casatui.core.editing import ParseProblem, locate, locator, parse_buffer

DOCUMENT = """{
  "name": "daily-7d",
  "source": {
    "all_namespaces": false,
    "namespaces": ["a", "b"]
  },
  "schedules": [
    {"retainDays": 7},
    {"retainDays": 30, "cron": "0 1 * * *"}
  ]
}
"""


def at(text: str, where: tuple[int, int] | None) -> str:
    """The text from a position on, to the end of its line."""
    assert where is not None
    line, column = where
    return text.splitlines()[line][column:]


def test_keys_and_items_at_any_depth() -> None:
    assert locate(DOCUMENT, ["name"]) == (1, 2)
    assert at(DOCUMENT, locate(DOCUMENT, ["source", "all_namespaces"])).startswith('"all_namespaces": false')
    assert at(DOCUMENT, locate(DOCUMENT, ["source", "namespaces", 1])) == '"b"]'
    assert at(DOCUMENT, locate(DOCUMENT, ["schedules", 1, "cron"])).startswith('"cron"')
    # As Eve's `_issues` write a path: every step a string, list indexes as digits.
    assert locate(DOCUMENT, ["schedules", "1", "cron"]) == locate(DOCUMENT, ["schedules", 1, "cron"])
    assert at(DOCUMENT, locate(DOCUMENT, ["schedules", "0"])) == '{"retainDays": 7},'


def test_a_path_deeper_than_the_text_gives_the_deepest_part_found() -> None:
    assert locate(DOCUMENT, ["source", "missing", "deeper"]) == locate(DOCUMENT, ["source"])
    assert locate(DOCUMENT, ["schedules", 5]) == locate(DOCUMENT, ["schedules"])
    assert locate(DOCUMENT, ["name", "x"]) == locate(DOCUMENT, ["name"])  # a string has no members
    assert locate(DOCUMENT, ["missing"]) is None
    assert locate(DOCUMENT, []) is None
    assert locate(DOCUMENT, [0]) is None  # an index is not a key
    assert locate(DOCUMENT, ["source", "namespaces", "x"]) == locate(DOCUMENT, ["source", "namespaces"])
    assert locate("[1, 2]", ["1"]) == (0, 4) and locate("[1, 2]", ["-1"]) is None
    assert locate("", ["a"]) is None and locate('"just a string"', ["a"]) is None


def test_escaped_keys_are_matched_by_what_they_mean() -> None:
    text = '{"plain": 1, "a\\"b": 2, "caf\\u00e9": 3, "\\ud83d\\udcbe disk": 4, "back\\\\slash": 5}'
    assert at(text, locate(text, ['a"b'])).startswith('"a\\"b": 2')
    assert at(text, locate(text, ["café"])).startswith('"caf\\u00e9": 3')
    assert at(text, locate(text, ["💾 disk"])).startswith('"\\ud83d\\udcbe disk": 4')
    assert at(text, locate(text, ["back\\slash"])).startswith('"back\\\\slash": 5')
    assert locate(text, ["caf\\u00e9"]) is None  # the escape as written is not the key
    assert locate('{"bad \\q escape": 1}', ["bad \\q escape"]) is None  # not JSON: no key


def test_numbers_with_a_plus_in_their_exponent_break_nothing() -> None:
    text = '{"big": [1e+16, 2.5E+3, 3], "after": 1}'  # as Python's json writes 1e16
    assert locate(text, ["big", 2]) == (0, text.index("3]"))
    assert locate(text, ["after"]) == (0, text.index('"after"'))
    assert locate('{"1e+5": 1, "b": 2}', ["1e+5"]) == (0, 1)  # the key is read as written


def test_columns_are_characters_not_bytes() -> None:
    text = '{"💾é": "ünïcode 💾💾", "after": 1}\n'
    assert locate(text, ["after"]) == (0, text.index('"after"'))
    surrogate = '{"a": "\ud800", "b": 1}'  # a lone surrogate (pasted), which UTF-8 cannot encode
    assert locate(surrogate, ["b"]) == (0, surrogate.index('"b"'))


def test_of_duplicate_keys_the_last_is_found_as_the_parsed_document_keeps_the_last() -> None:
    text = '{\n  "pause": false,\n  "x": {"y": 1},\n  "pause": "yes",\n  "x": {"z": 2}\n}\n'
    assert parse_buffer(text) == {"pause": "yes", "x": {"z": 2}}
    assert locate(text, ["pause"]) == (3, 2)
    assert locate(text, ["x", "z"]) == (4, 8)
    assert locate(text, ["x", "y"]) == (4, 2)  # not in the x that counts: the x is as deep as it goes


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        ('"name": "daily-7d",', '"name": "daily-7d"'),  # a missing comma
        ('"all_namespaces": false', '"all_namespaces": '),  # a missing value
        ('"name": "daily-7d",', '"name": "daily-7d",,'),  # a doubled comma
        ('"b"]', '"b",]'),  # a trailing comma
        ("  ]\n}\n", "  ]\n"),  # the closing brace missing
    ],
)
def test_a_syntax_error_elsewhere_leaves_the_rest_where_it_is(broken: str, why: str) -> None:
    text = DOCUMENT.replace(broken, why)
    assert isinstance(parse_buffer(text), ParseProblem)
    assert at(text, locate(text, ["schedules", "1", "cron"])).startswith('"cron"')
    assert at(text, locate(text, ["source", "namespaces", 0])).startswith('"a"')
    assert at(text, locate(text, ["name"])).startswith('"name"')


@pytest.mark.parametrize(
    ("broken", "why"),
    [('"name": "daily-7d",', '"name": "daily-7d,'), ('"all_namespaces": false', '"all_namespaces": fals')],
    ids=["unclosed string", "misspelt false"],
)
def test_an_error_that_tears_the_structure_apart_keeps_what_comes_before(broken: str, why: str) -> None:
    # Which quotes pair up, or where an object ends, is a guess after these: tree-sitter's recovery decides, and
    # what it cannot place is not found (the cursor stays), never a position outside the text.
    text = DOCUMENT.replace(broken, why)
    assert at(text, locate(text, ["name"])).startswith('"name"')
    for path in (["schedules", "1", "cron"], ["source", "namespaces", "0"], ["source", "all_namespaces"]):
        where = locate(text, path)
        assert where is None or where[0] < len(text.splitlines())


def test_in_a_broken_list_items_from_the_broken_one_on_have_no_index() -> None:
    text = '{"a": [1, 2, @, 4], "b": [1, }'
    assert locate(text, ["a", 1]) == (0, text.index("2"))
    assert locate(text, ["a", 3]) == locate(text, ["a"])  # after the "@": which index is uncertain
    assert locate("[9💾}-16s3]8", ["1", "x"]) is None  # the list is broken from its first item
    assert locate('{"a": [1, }', ["a", "0"]) is None  # no pair is left of "a": nothing to point at


def test_ten_thousand_levels_deep_are_read_without_recursion() -> None:
    depth = 10_000
    lists = "[" * depth + "]" * depth
    assert locate(lists, ["0"] * (depth - 1)) == (0, depth - 1)
    objects = '{"a": ' * depth + "1" + "}" * depth
    assert locate(objects, ["a"] * depth) == (0, 6 * (depth - 1) + 1)
    assert locate('{"a": [' * depth, ["a", 0, "a"]) is None  # nothing closed: no pair is left to point at
    assert locate("[" * depth, ["0"] * 10) is None


def test_many_paths_in_one_buffer_parse_it_once() -> None:
    find = locator(DOCUMENT)
    assert [find(path) for path in (["name"], ["schedules", "1"], ["nope"])] == [
        locate(DOCUMENT, ["name"]),
        locate(DOCUMENT, ["schedules", "1"]),
        None,
    ]


def test_without_tree_sitter_nothing_is_found_and_nothing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tree_sitter", None)  # an install without casatui's dependencies
    assert locate(DOCUMENT, ["name"]) is None


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append(((*prefix, key), child))
        found.extend(paths(child, (*prefix, key)))
    return found


documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@given(document=st.dictionaries(st.text(max_size=6), documents, max_size=5), indent=st.sampled_from([None, 2]),
       ascii_only=st.booleans())  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_every_path_of_any_document_points_at_its_key_or_item(
    document: dict[str, Any], indent: int | None, ascii_only: bool
) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    lines = text.split("\n")
    find = locator(text)
    for path, value in paths(document):
        where = find(path)
        assert where is not None, path
        rest = lines[where[0]][where[1] :] + "\n" + "\n".join(lines[where[0] + 1 :])
        if isinstance(path[-1], str):
            key, end = json.JSONDecoder().raw_decode(rest)
            assert key == path[-1]
            rest = rest[end:].lstrip().removeprefix(":").lstrip()
        item, _ = json.JSONDecoder().raw_decode(rest)
        assert item == value
