"""The request log's clipped bodies take one byte a character when the body is ASCII."""

from __future__ import annotations

import sys

from casatui.api.client import CasaClient
from casatui.api.exchange import MAX_BODY_LOGGED, clip
from casatui.demo import DemoServer


def test_a_clipped_ascii_body_stays_one_byte_a_character() -> None:
    clipped = clip("x" * (MAX_BODY_LOGGED * 3))
    assert clipped is not None and clipped.endswith(f"({MAX_BODY_LOGGED * 2} more characters not kept)")
    assert sys.getsizeof(clipped) < MAX_BODY_LOGGED + 200


async def test_a_big_answer_is_logged_in_about_its_clipped_length(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token) as client:
        await client.list("jobs", max_results=100)
        body = client.exchanges[-1].response_body
    assert body is not None and len(body) > MAX_BODY_LOGGED and "more characters not kept" in body
    assert sys.getsizeof(body) < MAX_BODY_LOGGED + 200
