"""A transport for a thread that only waits: httpx's synchronous one behind the async interface."""

from __future__ import annotations

from typing import Any

import httpx


class BlockingTransport(httpx.AsyncBaseTransport):
    """httpx's synchronous transport behind the async interface. For a thread whose event loop has nothing else to
    do (the startup prefetch, when it cannot use `CasaClient.list_plain`): it needs neither anyio nor its asyncio
    backend, which cost ~30 ms to import."""

    def __init__(self, **options: Any) -> None:
        self._sync = httpx.HTTPTransport(**options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = self._sync.handle_request(request)
        try:
            content = response.read()
        finally:
            response.close()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, extensions=response.extensions
        )

    async def aclose(self) -> None:
        self._sync.close()
