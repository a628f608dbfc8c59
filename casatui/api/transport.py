"""httpx's side of the client, imported with httpx (after the first rows): reading an answer within the limits, a
transport for a thread that only waits, and what httpx's failures mean for the user."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpx

from .errors import NetworkError
from .limits import BodyReader, parse_json

_UNPARSED = object()


class Reply:
    """An answer read whole but within the limits: status, headers (httpx's, case-insensitive), inflated body."""

    def __init__(self, status_code: int, headers: httpx.Headers, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self._json: Any = _UNPARSED

    def json(self) -> Any:
        """The body as JSON, parsed once; raises as `limits.parse_json` does."""
        if self._json is _UNPARSED:
            self._json = parse_json(self.content)
        return self._json

    def text(self, limit: int | None = None) -> str:
        """The body (its first `limit` bytes) as UTF-8 text, what an Eve API sends."""
        return (self.content if limit is None else self.content[:limit]).decode("utf-8", "replace")


async def read_reply(response: httpx.Response) -> Reply:
    """The body of a streamed response, inflated by a `BodyReader` (which stops at the limits, raising
    `limits.BodyRefused`); the connection is released either way."""
    try:
        reader = BodyReader(response.headers.get("content-encoding", ""))
        async for chunk in response.aiter_raw():
            reader.feed(chunk)
        return Reply(response.status_code, response.headers, reader.content())
    finally:
        await response.aclose()


class _SyncStream(httpx.AsyncByteStream):
    """A synchronous transport's body behind the async interface, read as the client asks for it."""

    def __init__(self, stream: Iterable[bytes], close: Callable[[], None]) -> None:
        self._stream, self._close = stream, close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        self._close()


class BlockingTransport(httpx.AsyncBaseTransport):
    """httpx's synchronous transport behind the async interface. For a thread whose event loop has nothing else to
    do (the startup prefetch, when it cannot use `CasaClient.list_plain`): it needs neither anyio nor its asyncio
    backend, which cost ~30 ms to import."""

    def __init__(self, **options: Any) -> None:
        self._sync = httpx.HTTPTransport(**options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = self._sync.handle_request(request)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_SyncStream(response.stream, response.close),  # type: ignore[arg-type]
            extensions=response.extensions,
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


def network_error(exc: httpx.HTTPError, method: str, path: str, root: str, scrub: Callable[[str], str]) -> NetworkError:
    """A request that got no answer, said for the user: timeout, TLS, DNS, connection or protocol, each with the API
    root it was for and what to check."""
    where = f"{method} {path}"
    host = httpx.URL(root).host
    text = str(exc).lower()
    url = "the API URL (--url, $CLOUDCASA_URL or the profile's url; casatui info shows it)"
    if isinstance(exc, httpx.TimeoutException):
        kind = "timeout"
        fix = "the server may be overloaded or unreachable: retry, or raise the profile's read_timeout"
        message = (
            f"{root} did not answer in time ({where}). The server may be overloaded or unreachable: retry in a "
            "moment, check your network, or raise connect_timeout / read_timeout in the profile."
        )
    elif isinstance(exc, httpx.ConnectError) and (_caused_by_tls(exc) or "certificate" in text or "ssl" in text):
        kind = "tls"
        fix = "give the server's CA bundle with --ca-cert (or ca_cert in the profile), or check the API URL"
        message = (
            f"TLS failed with {root}: {scrub(str(exc))}. For a self-hosted server with its own CA, give its CA "
            "bundle (--ca-cert FILE, or ca_cert in the profile); --insecure skips the check (for a test server "
            f"only). If this is not the server you meant, check {url}."
        )
    elif isinstance(exc, httpx.ConnectError) and any(
        s in text for s in ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo")
    ):
        kind = "dns"
        fix = f"the host name {host} is not known: check {url}"
        message = f"The host name {host} of {root} could not be resolved. Check {url}, and your network or DNS."
    elif isinstance(exc, httpx.ConnectError):
        kind = "connect"
        fix = f"nothing answers at {root}: check that the server is up, and {url}"
        message = (
            f"Could not connect to {root} ({where}): {scrub(str(exc)) or 'connection refused'}. Check that the "
            f"server is up and reachable, and {url}."
        )
    else:
        kind = "protocol"
        fix = "the connection broke: retry, or check the API URL (is it the API root, over https?)"
        message = (
            f"The connection to {root} broke during {where}: {scrub(str(exc)) or type(exc).__name__}. Retry; if it "
            f"goes on, check {url}: it must be the API root (…/api/v1), and https:// when the server speaks TLS."
        )
    return NetworkError(message, kind=kind, fix=fix, method=method, path=path)
