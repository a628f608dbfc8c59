"""A request leaves nothing on the event loop that keeps its caller's context (a UI worker and its widget) alive."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref

from casatui.api.client import CasaClient
from casatui.demo import DemoServer

caller: contextvars.ContextVar[object] = contextvars.ContextVar("caller")


class Held:
    """Stands for what a UI worker's context holds (the worker, its widget)."""


async def test_a_finished_request_keeps_nothing_of_its_callers_context(demo: DemoServer) -> None:
    async with CasaClient(demo.api_root, demo.token) as client:

        async def worker(held: Held) -> None:
            caller.set(held)
            page = await client.list("kubebackups", max_results=1)
            assert page.items

        loop = asyncio.get_running_loop()
        # A UI always has a timer due sooner than a request's timeouts (a cursor blink, a refresh): the loop drops
        # a cancelled timer only when it is the next one due.
        sooner = loop.call_later(1.0, lambda: None)
        held = Held()
        alive = weakref.ref(held)
        await loop.create_task(worker(held))  # a context of its own, as a Textual worker has
        del held
        await asyncio.sleep(0)  # (the loop's handle that woke this task up refers to the finished task)
        gc.collect()
        # httpx's timeouts were timers on the loop, cancelled when the answer came but kept with the context they
        # were made in until they would have fired (the read timeout).
        assert alive() is None
        sooner.cancel()
