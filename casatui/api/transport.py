"""How the client's connections are made: TLS settings, and a transport for a thread that only waits."""

from __future__ import annotations

import os
import ssl
from typing import Any

import httpx


def tls_context(verify: bool | str) -> ssl.SSLContext:
    """TLS settings from `verify`: True (the system's or certifi's CAs, as httpx chooses), False, or a CA path."""
    if isinstance(verify, str) and os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return httpx.create_ssl_context(verify)


class BlockingTransport(httpx.AsyncBaseTransport):
    """httpx's synchronous transport behind the async interface. For a thread whose event loop has nothing else to
    do (the startup prefetch): it needs neither anyio nor its asyncio backend, which cost ~30 ms to import."""

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
