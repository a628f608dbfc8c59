"""httpx's side of the client, imported with httpx (after the first rows): a transport for a thread that only waits,
and what httpx's failures mean for the user."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import httpx

from .errors import NetworkError


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


def _caused_by_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def network_error(exc: httpx.HTTPError, method: str, path: str, host: str, scrub: Callable[[str], str]) -> NetworkError:
    """A request that got no answer, said for the user: timeout, TLS, DNS, connection or protocol."""
    where = f"{method} {path}"
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        kind = "timeout"
        message = f"{host} did not answer in time ({where}). The server may be overloaded or unreachable."
    elif isinstance(exc, httpx.ConnectError) and (_caused_by_tls(exc) or "certificate" in text or "ssl" in text):
        kind = "tls"
        message = (
            f"TLS failed with {host}: {scrub(str(exc))}. For a self-hosted server with its own CA, "
            "give its CA bundle (--ca-cert)."
        )
    elif isinstance(exc, httpx.ConnectError) and any(
        s in text for s in ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo")
    ):
        kind = "dns"
        message = f"The host name {host} could not be resolved. Check the API URL."
    elif isinstance(exc, httpx.ConnectError):
        kind = "connect"
        message = f"Could not connect to {host} ({where}): {scrub(str(exc)) or 'connection refused'}."
    else:
        kind = "protocol"
        message = f"The connection to {host} broke during {where}: {scrub(str(exc)) or type(exc).__name__}."
    return NetworkError(message, kind=kind, method=method, path=path)
