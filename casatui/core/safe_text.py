"""Server strings made safe to show: every character a terminal would obey, or that reorders or hides text, made
visible instead (never dropped silently), and JSON with those characters escaped.

Every byte from a server is hostile: a document named `aaa-ESC]52;c;…BEL` sets the clipboard of whoever looks at
it, `ESC[2J` wipes the screen, U+009B is a one-character CSI to terminals that read 8-bit controls, U+202E shows
`exe.txt` as `txt.exe`. Rich and Textual strip only BEL, BS, VT, FF and CR, so this module is the one boundary every
server string passes before it reaches them.

The visible forms (chosen so a user can tell what was there, and copy it back for a filter):

- C0 controls (U+0000-U+001F) as Unicode control pictures, one cell each: ESC -> ␛ (U+241B), NUL -> ␀,
  BEL -> ␇, CR -> ␍, LF -> ␊ and TAB -> ␉ unless the caller lets newlines or tabs through.
- DEL (U+007F) as ␡ (U+2421).
- The rest as their code point in angle brackets, e.g. `⟨U+202E⟩`: C1 controls (U+0080-U+009F), bidi embeddings,
  overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), the line and paragraph
  separators (U+2028, U+2029), and lone surrogates (U+D800-U+DFFF: a string decoded with `surrogateescape` or a
  JSON `\\ud800`; they would also crash the terminal writer's UTF-8 encoder).

`safe_json` escapes the same characters as `\\uXXXX` inside JSON strings (the only place they can occur in JSON
text), so parsing it gives back exactly the same value: an edit of a hostile document round-trips unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

# The characters shown in a visible form, besides the C0 controls (whose range depends on what the caller allows).
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_C0_BUT = {
    (False, False): "\x00-\x1f",
    (True, False): "\x00-\x09\x0b-\x1f",  # newline allowed
    (False, True): "\x00-\x08\x0a-\x1f",  # tab allowed
    (True, True): "\x00-\x08\x0b-\x1f",
}
_PATTERNS = {allowed: re.compile(f"[{c0}{_OTHERS}]") for allowed, c0 in _C0_BUT.items()}
UNSAFE = _PATTERNS[False, False]
"""Any character `visible` replaces: for a quick `UNSAFE.search(text)` before doing any work."""

_JSON_UNSAFE = re.compile(f"[{_OTHERS}]")  # json.dumps already escapes C0 (and \\ and ")


def visible_form(char: str) -> str:
    """The visible stand-in of one unsafe character (see the module's docstring)."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\u27e8U+{code:04X}\u27e9"


def _replace(match: re.Match[str]) -> str:
    return visible_form(match.group())


def visible(text: str, *, newlines: bool = False, tabs: bool = False) -> str:
    """`text` with every unsafe character in its visible form; newlines and tabs kept when the caller allows them
    (multi-line views). Safe text comes back as the same object (one regex search, no copy)."""
    pattern = _PATTERNS[newlines, tabs]
    return pattern.sub(_replace, text) if pattern.search(text) else text


def one_cell_form(char: str) -> str:
    """One character for an unsafe one, where text must keep its length (an input being edited, whose cursor
    is an index; the output net, which keeps a line's width): its control picture for C0 and DEL, U+FFFD else."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def _replace_one_cell(match: re.Match[str]) -> str:
    return one_cell_form(match.group())


def same_length(text: str) -> str:
    """`text` with each unsafe character as its `one_cell_form`: as many characters as before."""
    return UNSAFE.sub(_replace_one_cell, text) if UNSAFE.search(text) else text


def is_safe(text: str, *, newlines: bool = False, tabs: bool = False) -> bool:
    return _PATTERNS[newlines, tabs].search(text) is None


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe_json(value: Any, **options: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, **options)` with DEL, C1, bidi, separator and lone surrogate
    characters escaped as `\\uXXXX` (json.dumps escapes only C0 when it keeps non-ASCII text). Outside strings
    JSON text holds none of them, so escaping them wherever they are keeps the JSON valid and `json.loads` gives
    back exactly `value`."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(_escape, text) if _JSON_UNSAFE.search(text) else text
