"""The visible forms of server text, and JSON that escapes the same characters without losing any."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casatui.core.safe_text import UNSAFE, is_safe, safe_json, visible, visible_form

# Every class of character the boundary shows visibly, with its visible form.
FORMS = {
    "\x1b": "␛",
    "\x00": "␀",
    "\x07": "␇",
    "\r": "␍",
    "\n": "␊",
    "\t": "␉",
    "\x7f": "␡",
    "\x9b": "⟨U+009B⟩",  # C1 CSI
    "\x85": "⟨U+0085⟩",  # C1 next line
    "\u202e": "⟨U+202E⟩",  # right-to-left override
    "\u202a": "⟨U+202A⟩",
    "\u2066": "⟨U+2066⟩",  # left-to-right isolate
    "\u2069": "⟨U+2069⟩",
    "\u200e": "⟨U+200E⟩",  # left-to-right mark
    "\u200f": "⟨U+200F⟩",
    "\u061c": "⟨U+061C⟩",  # Arabic letter mark
    "\u2028": "⟨U+2028⟩",  # line separator
    "\u2029": "⟨U+2029⟩",
    "\ud800": "⟨U+D800⟩",  # lone surrogates
}
HOSTILE = "aaa-\x1b]52;c;ZWNobyBQV05FRA==\x1b\\\x1b]0;PWNED\x1b\\"

# Server text made of what matters here: controls of every kind, bidi, separators, surrogates, and ordinary text.
nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            [*FORMS, "\udfff", "[", "]", "/", "@", "=", "\\", '"', " ", "é", "日", "🙂", "\u200b", "\ufeff"]
        ),
        st.characters(codec=None),
    ),
    max_size=40,
)


@pytest.mark.parametrize(("char", "form"), FORMS.items())
def test_each_dangerous_character_has_its_visible_form(char: str, form: str) -> None:
    assert visible_form(char) == form
    assert visible(f"a{char}b") == f"a{form}b"


def test_the_issue_name_shows_as_text() -> None:
    assert visible(HOSTILE) == "aaa-␛]52;c;ZWNobyBQV05FRA==␛\\␛]0;PWNED␛\\"


def test_newlines_and_tabs_kept_only_where_the_caller_allows() -> None:
    assert visible("a\nb\tc\x1b") == "a␊b␉c␛"
    assert visible("a\nb\tc\x1b", newlines=True) == "a\nb␉c␛"
    assert visible("a\nb\tc\x1b", tabs=True) == "a␊b\tc␛"
    assert visible("a\nb\tc\x1b", newlines=True, tabs=True) == "a\nb\tc␛"


def test_ordinary_text_is_untouched_and_not_copied() -> None:
    text = "prod-eu · état 日本 🙂 [bold] zero\u200bwidth"
    assert visible(text) is text
    assert is_safe(text)


@given(nasty)
def test_nothing_unsafe_survives_and_nothing_is_dropped(text: str) -> None:
    shown = visible(text)
    assert UNSAFE.search(shown) is None
    # Each unsafe character became exactly its form, the rest stayed: undoing the forms gives the text back.
    rebuilt = shown
    for char in set(text):
        if UNSAFE.match(char):
            rebuilt = rebuilt.replace(visible_form(char), char)
    assert rebuilt == text


@given(nasty)
def test_shown_text_encodes_as_utf8(text: str) -> None:
    visible(text).encode("utf-8")  # a lone surrogate raised here, in the terminal writer


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | nasty,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(nasty, children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_safe_json_round_trips_exactly_and_holds_no_unsafe_character(value: Any) -> None:
    for options in ({}, {"indent": 2}):
        text = safe_json(value, **options)
        assert UNSAFE.sub("", text.replace("\n", "")) == text.replace("\n", "")  # only the indent's newlines
        assert json.loads(text) == value


def test_safe_json_escapes_what_json_dumps_leaves_raw() -> None:
    value = {"name\u202e": "a\x9bb\x7fc\u2028d\ud800e\x1bf"}
    assert json.dumps(value, ensure_ascii=False) == '{"name\u202e": "a\x9bb\x7fc\u2028d\ud800e\\u001bf"}'
    assert safe_json(value) == '{"name\\u202e": "a\\u009bb\\u007fc\\u2028d\\ud800e\\u001bf"}'
    assert safe_json({"plain": "日本"}) == '{"plain": "日本"}'
