"""How much a server's answer may cost: bytes on the wire, bytes once inflated, JSON nesting depth, number length.

Every answer is read chunk by chunk through a `BodyReader`, which inflates gzip/deflate itself with a bound on each
step's output, so a small compressed answer that would inflate to gigabytes stops at the limit with the memory of
the limit, not of the answer. `parse_json` then refuses nesting and numbers no real document has (Python's JSON
parser recurses, and its int conversion refuses 4,300 digits with a ValueError that is not a JSONDecodeError).

The limits are generous for real use: a page of 1,000 whole jobs is ~2 MB, a page of 100,000 jobs with the
table's projection ~50 MB, a large document a few MB, and CloudCasa's documents nest fewer than 15 levels.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

MiB = 1024 * 1024
MAX_WIRE_BYTES = 128 * MiB  # bytes of one answer's body as received (compressed or not)
MAX_BODY_BYTES = 128 * MiB  # bytes of one answer's body once inflated
MAX_JSON_DEPTH = 128  # nested objects and arrays in one answer (the UI was tried at this depth)
MAX_NUMBER_CHARS = 100  # characters of one JSON number (a 64-bit integer has 20, a float's repr at most 24)
# Values (containers, strings, numbers) in one answer: each costs 50-200 bytes as a Python object, so 128 MiB of
# `[{},{},...]` would be 3 GB. A page of 100,000 jobs holds a few million.
MAX_JSON_ITEMS = 10_000_000
READ_CHUNK = 64 * 1024  # bytes read from the socket at a time by the standard-library GET
INFLATE_STEP = 1 * MiB  # bytes inflated at a time
ACCEPT_ENCODING = "gzip, deflate"  # the encodings `BodyReader` inflates (httpx would also offer br, zstd)


class BodyRefused(Exception):
    """An answer's body that is not read further; `str()` says why, for the end of "The answer to GET x ..."."""


class LimitExceeded(BodyRefused):
    """The body passed one of the limits above; `limit` names it."""

    def __init__(self, what: str, limit: str) -> None:
        super().__init__(what)
        self.limit = limit


def size_text(count: int) -> str:
    return f"{count // MiB} MiB" if count >= MiB else f"{count:,} bytes"


class BodyReader:
    """A body fed chunk by chunk as it arrives, inflated per its Content-Encoding, never held beyond the limits."""

    def __init__(self, content_encoding: str = "", *, max_wire: int = MAX_WIRE_BYTES, max_body: int = MAX_BODY_BYTES):
        encoding = content_encoding.strip().lower()
        self._inflater: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise BodyRefused(f"was sent with Content-Encoding {encoding[:40]!r}, which casatui does not decode")
        self.max_wire, self.max_body = max_wire, max_body
        self.wire_bytes = 0
        self.size = 0
        self._parts: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self.wire_bytes += len(chunk)
        if self.wire_bytes > self.max_wire:
            raise LimitExceeded(f"is over {size_text(self.max_wire)} on the wire", "MAX_WIRE_BYTES")
        if self._inflater is None:
            self._add(chunk)
            return
        data = chunk
        try:
            while data:
                # Output in steps of at most INFLATE_STEP, and never more than the room left plus one byte (to
                # know the room was passed): a 64 KB chunk of a bomb would otherwise inflate to 64 MB at once.
                self._add(self._inflater.decompress(data, min(INFLATE_STEP, self.max_body - self.size + 1)))
                data = self._inflater.unconsumed_tail
        except zlib.error as error:
            raise BodyRefused(f"is not valid compressed data ({error})") from None

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_body:
            self._parts.clear()
            raise LimitExceeded(f"is over {size_text(self.max_body)} once decompressed", "MAX_BODY_BYTES")
        if data:
            self._parts.append(data)

    def content(self) -> bytes:
        """The whole body, inflated."""
        if self._inflater is not None:
            try:
                self._add(self._inflater.flush())
            except zlib.error as error:
                raise BodyRefused(f"is not valid compressed data ({error})") from None
        body = b"".join(self._parts)
        self._parts = [body]
        return body


_ESCAPE = re.compile(rb"\\.")  # a backslash and the character it escapes
_STRUCTURE = bytes(set(range(256)) - set(b'"[]{},:-+.0123456789eE'))  # bytes `structure` deletes
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_LONG_NUMBER = re.compile(rb"[-+.0-9eE]{%d,}" % (MAX_NUMBER_CHARS + 1))


def structure(content: bytes) -> bytes:
    """Valid JSON reduced to its brackets, separators and numbers: escapes, the contents of strings, whitespace and
    letters removed (`true` leaves an `e`). Each step runs in C (~40% of the time `json.loads` takes)."""
    if b"\\" in content:
        content = _ESCAPE.sub(b"", content)
    return b"".join(content.translate(None, _STRUCTURE).split(b'"')[::2])


def depth_over(skeleton: bytes, limit: int) -> bool:
    """Whether valid JSON (as `structure` leaves it) nests deeper than `limit`. Each pass removes the empty
    containers, so a document `limit` deep is gone after `limit` passes; every pass runs in C."""
    brackets = skeleton.translate(_BRACKETS, _NOT_BRACKETS)
    if brackets.count(b"[") <= limit:
        return False
    for _ in range(limit):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return False
    return True


def parse_json(content: bytes | str) -> Any:
    """JSON text as Python values, within MAX_JSON_DEPTH, MAX_NUMBER_CHARS and MAX_JSON_ITEMS (else
    LimitExceeded). Text that is not JSON raises ValueError (JSONDecodeError or UnicodeDecodeError).

    Bytes must be UTF-8, as RFC 8259 asks: `json.loads` would guess UTF-16 or UTF-32 from the first bytes, whose
    escapes and quotes `structure` cannot read. The limits are checked on the text before it is parsed, so a body
    of many small containers is refused before it becomes millions of Python objects."""
    if isinstance(content, bytes):
        raw, text = content, content.decode("utf-8-sig")
    else:
        raw, text = content.encode("utf-8", "surrogatepass"), content
    skeleton = structure(raw)
    if _LONG_NUMBER.search(skeleton):
        raise _too_long()
    if skeleton.count(b",") + skeleton.count(b"[") + skeleton.count(b"{") > MAX_JSON_ITEMS:
        raise LimitExceeded(f"holds more than {MAX_JSON_ITEMS:,} values", "MAX_JSON_ITEMS")
    if depth_over(skeleton, MAX_JSON_DEPTH):
        raise _too_deep()
    try:
        return json.loads(text)
    except RecursionError:
        raise _too_deep() from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # Python's limit on integer digits: not a JSON syntax error
        raise _too_long() from None


def _too_deep() -> LimitExceeded:
    return LimitExceeded(f"nests more than {MAX_JSON_DEPTH} levels deep", "MAX_JSON_DEPTH")


def _too_long() -> LimitExceeded:
    return LimitExceeded(f"holds a number longer than {MAX_NUMBER_CHARS} characters", "MAX_NUMBER_CHARS")
