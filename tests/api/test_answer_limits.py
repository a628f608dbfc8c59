"""Answers that would cost too much: a gzip bomb, a huge page, JSON nested thousands deep, a 5,000-digit number.
Each stops at its limit with an AnswerRefused naming it, where the request was made, and is not asked again."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from casatui.api.client import CasaClient
from casatui.api.discovery import discover
from casatui.api.errors import AnswerRefused, BadResponse
from casatui.api.limits import MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_WIRE_BYTES, BodyReader, LimitExceeded, parse_json
from casatui.api.models import Timeouts
from casatui.demo import DemoServer

from ..faults import FaultServer, Flood, Respond, gzip_bomb, nested

GZIP = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
BOMB = MAX_BODY_BYTES * 2  # inflates to twice the limit from ~256 KB on the wire


@pytest.fixture
async def client(faults: FaultServer, demo: DemoServer) -> AsyncIterator[CasaClient]:
    async with CasaClient(f"{faults.base_url}/api/v1", demo.token, timeouts=Timeouts(connect=2, read=10)) as c:
        yield c


async def test_a_gzip_bomb_stops_at_the_inflated_limit(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(200, gzip_bomb(BOMB), GZIP))
    with pytest.raises(AnswerRefused) as caught:
        await client.list("jobs")
    assert caught.value.limit == "MAX_BODY_BYTES" and "once decompressed" in str(caught.value)
    assert faults.count("GET") == 1  # a refused answer is not asked for again
    assert client.exchanges[-1].error == str(caught.value)


def test_a_gzip_bomb_stops_the_startup_prefetch_too(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(200, gzip_bomb(BOMB), GZIP))
    with pytest.raises(AnswerRefused) as caught:
        client.list_plain("jobs")
    assert caught.value.limit == "MAX_BODY_BYTES"
    assert faults.count("GET") == 1 and client.exchanges[-1].error == str(caught.value)


async def test_a_gzip_bomb_in_api_docs_falls_back_to_the_built_in_list(client: CasaClient, faults: FaultServer) -> None:
    faults.always = Respond(200, gzip_bomb(BOMB), GZIP)
    catalog = await discover(client)
    assert catalog.source == "built-in" and catalog.notice and "MAX_BODY_BYTES" in catalog.notice


async def test_a_page_larger_than_the_wire_limit_is_not_read_whole(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Flood(MAX_WIRE_BYTES + (8 << 20)))
    with pytest.raises(AnswerRefused) as caught:
        await client.list("jobs")
    assert caught.value.limit == "MAX_WIRE_BYTES" and "on the wire" in str(caught.value)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 10_000, 50_000])
async def test_json_nested_too_deep_is_refused(client: CasaClient, faults: FaultServer, depth: int) -> None:
    row = b'{"_id": "a1", "name": "deep", "spec": ' + nested(depth - 3) + b"}"
    faults.push(Respond(200, b'{"_items": [' + row + b"]}", {"Content-Type": "application/json"}))
    with pytest.raises(AnswerRefused) as caught:
        await client.list("kubebackups")
    assert caught.value.limit == "MAX_JSON_DEPTH" and f"{MAX_JSON_DEPTH} levels" in str(caught.value)


async def test_a_document_at_the_depth_limit_opens(client: CasaClient, faults: FaultServer) -> None:
    document = b'{"_id": "a1", "spec": ' + nested(MAX_JSON_DEPTH - 1) + b"}"
    faults.push(Respond(200, document, {"Content-Type": "application/json"}))
    item = await client.get("kubebackups", "a1")
    assert item is not None and item.id == "a1"


async def test_api_docs_nested_50000_deep_fall_back_to_the_built_in_list(
    client: CasaClient, faults: FaultServer
) -> None:
    faults.always = Respond(200, b'{"openapi": "3.0.0", "paths": ' + nested(50_000, b"{}") + b"}")
    catalog = await discover(client)
    assert catalog.source == "built-in" and catalog.notice and "MAX_JSON_DEPTH" in catalog.notice


async def test_a_5000_digit_number_is_refused_not_a_crash(client: CasaClient, faults: FaultServer) -> None:
    row = b'{"_id": "a1", "size": ' + b"9" * 5000 + b"}"
    faults.push(Respond(200, b'{"_items": [' + row + b"]}", {"Content-Type": "application/json"}))
    with pytest.raises(AnswerRefused) as caught:
        await client.list("kubebackups")
    assert caught.value.limit == "MAX_NUMBER_CHARS"


async def test_long_strings_of_digits_and_brackets_are_data(client: CasaClient, faults: FaultServer) -> None:
    text = "9" * 5000 + "[" * 200 + '\\"{'
    document = json.dumps({"_id": "a1", "note": text}).encode()
    faults.push(Respond(200, document, {"Content-Type": "application/json"}))
    item = await client.get("kubebackups", "a1")
    assert item is not None and item.data["note"] == text


async def test_an_unknown_content_encoding_is_refused(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(200, b"{}", {"Content-Type": "application/json", "Content-Encoding": "gzip, gzip"}))
    with pytest.raises(AnswerRefused) as caught:
        await client.get("kubebackups", "a1")
    assert "Content-Encoding" in str(caught.value) and caught.value.limit == ""


async def test_a_real_page_of_1000_jobs_still_loads_through_gzip(demo: DemoServer, faults: FaultServer) -> None:
    import gzip

    async with CasaClient(demo.api_root, demo.token) as direct:
        page = await direct.list("jobs", max_results=300)
    body = json.dumps({"_items": page.items, "_meta": {"total": 300, "page": 1, "max_results": 300}}).encode()
    faults.push(Respond(200, gzip.compress(body), GZIP))
    async with CasaClient(f"{faults.base_url}/api/v1", demo.token) as client:
        again = await client.list("jobs", max_results=300)
    assert again.items == page.items


def test_the_reader_holds_no_more_than_the_limit() -> None:
    reader = BodyReader("gzip", max_body=1 << 20)
    with pytest.raises(LimitExceeded):
        reader.feed(gzip_bomb(64 << 20))
    assert reader.size <= (1 << 20) + 1  # never more than the room left plus one byte was inflated


def test_parse_json_keeps_the_json_errors_it_had() -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json(b'{"a": ')
    with pytest.raises(LimitExceeded):
        parse_json(nested(MAX_JSON_DEPTH + 1))
    assert parse_json(nested(MAX_JSON_DEPTH)) is not None
    assert parse_json(b'"' + b"[" * 100 + b'"') == "[" * 100


async def test_an_error_answer_over_the_limits_is_still_an_error(client: CasaClient, faults: FaultServer) -> None:
    faults.push(Respond(500, gzip_bomb(BOMB), GZIP))
    with pytest.raises(BadResponse):
        await client.list("jobs")


async def test_the_prefetchs_blocking_client_reads_within_the_limits_too(
    client: CasaClient, faults: FaultServer
) -> None:
    faults.push(Respond(200, gzip_bomb(BOMB), GZIP))
    async with client.sibling(blocking=True) as blocking:
        with pytest.raises(AnswerRefused) as caught:
            await blocking.list("jobs")
        assert caught.value.limit == "MAX_BODY_BYTES"
        page = await blocking.list("policies")  # the connection was given back: the next request works
    assert page.total == 5


def test_a_body_of_many_small_values_is_refused_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """128 MiB of `[{},{},...]` is 3 GB of Python objects: the count of values is checked on the text first."""
    from casatui.api import limits

    monkeypatch.setattr(limits, "MAX_JSON_ITEMS", 1_000)
    assert len(limits.parse_json(b"[" + b"{}," * 499 + b"{}]")) == 500
    with pytest.raises(limits.LimitExceeded) as caught:
        limits.parse_json(b"[" + b"{}," * 1_000 + b"{}]")
    assert caught.value.limit == "MAX_JSON_ITEMS"


def test_bytes_that_are_not_utf8_are_not_guessed_as_utf16() -> None:
    """json.loads would read UTF-16, whose escapes and quotes the depth check cannot see: refused as not JSON."""
    from casatui.api.limits import parse_json

    hidden = '["x\\"y", ' + "[" * 600 + "]" * 600 + "]"
    with pytest.raises(ValueError):
        parse_json(hidden.encode("utf-16"))
    with pytest.raises(LimitExceeded):
        parse_json(hidden.encode())


def test_a_deep_body_that_is_not_utf8_is_described_not_raised() -> None:
    """The error path decodes a failed body with replacement characters and describes it: 1,500 brackets and a
    byte that is not UTF-8 crashed it with RecursionError."""
    from casatui.api.errors import describe_body

    said = describe_body("[" * 1500 + "\ufffd")
    assert "levels deep" in said
