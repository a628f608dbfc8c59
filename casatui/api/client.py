"""The async client for the CloudCasa REST API (an Eve application): every operation, retries, guarded writes.

    async with CasaClient("cc.example.com", token) as client:
        page = await client.list("jobs", where={"state": "FAILED"}, sort="-start_time")
        item = await client.get("kubebackups", backup_id)
        await client.replace(item, {**item.data, "policy": policy_id})   # PUT with If-Match: item.etag

Writes are never retried and never sent when they would change nothing; in read-only mode they are refused
before a byte leaves. After each write the item holds the etag the server returned, so the next write uses it.

httpx is imported when the first request is sent, not with this module: the first page at startup is fetched
without it (`list_plain`), so that its ~70 ms of imports come after the first rows are painted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .. import __version__
from .edits import SERVER_FIELDS, format_path, is_unchanged, plan_patch, strip_server_fields
from .errors import (
    Answer,
    ApiError,
    BadResponse,
    Forbidden,
    NetworkError,
    NoChange,
    PatchNotPossible,
    RateLimited,
    ReadOnlyRefused,
    Scrubber,
    Unauthorized,
    describe_body,
    error_for,
    retry_after_seconds,
)
from .exchange import MASKED, Exchange, clip
from .listing import json_param, list_params, page_of
from .models import Item, Page, RetryPolicy, Timeouts
from .stdlib_http import PLAIN_ACCEPT, PlainAnswer, SharedTls, proxy_configured
from .stdlib_http import get as plain_get
from .urls import host_of, normalize_root

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"casatui/{__version__} (terminal client for the CloudCasa API)"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


def _etag_of(response: httpx.Response, body: Mapping[str, Any]) -> str:
    header = response.headers.get("etag", "")
    if header:
        return header.removeprefix("W/").strip('"')
    return str(body.get("_etag", ""))


class CasaClient:
    """One connection pool (keep-alive) per profile; see the module docstring."""

    def __init__(
        self,
        url: str | None,
        token: str | None,
        *,
        verify: bool | str = True,
        timeouts: Timeouts | None = None,
        read_only: bool = False,
        retry: RetryPolicy | None = None,
        allow_http: bool = False,
        auth_hint: str = "",
        log_size: int = 300,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        blocking: bool = False,
        tls: SharedTls | None = None,
    ) -> None:
        self.root = normalize_root(url, allow_http=allow_http)
        # Plain http (the embedded server, loopback) needs no certificates; for https the CA bundle is loaded on
        # first use, once for the client and its siblings.
        tls = tls or SharedTls(verify if self.root.startswith("https://") else False)
        self._settings: dict[str, Any] = {
            "verify": verify, "timeouts": timeouts, "read_only": read_only, "retry": retry,
            "allow_http": allow_http, "auth_hint": auth_hint, "log_size": log_size, "tls": tls,
        }  # fmt: skip
        self._token = token or ""
        self.read_only = read_only
        self.retry = retry or RetryPolicy()
        self.auth_hint = auth_hint
        self.scrub = Scrubber(self._token)
        self._sleep = sleep
        self._rng = random.Random()
        self._numbers = iter(range(1, 1 << 62))
        self.exchanges: deque[Exchange] = deque(maxlen=log_size)
        self.listeners: list[Callable[[Exchange], None]] = []
        self._timeouts = timeouts or Timeouts()
        self._tls = tls
        self._blocking = blocking
        self._headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self._token:
            self._headers["Authorization"] = f"Bearer {self._token}"
        self._http_client: httpx.AsyncClient | None = None

    @property
    def _http(self) -> httpx.AsyncClient:
        """The connection pool, made (and httpx imported) for the first request sent."""
        if self._http_client is None:
            import httpx

            limits = httpx.Limits(max_keepalive_connections=8, max_connections=16)
            transport = None
            if self._blocking:
                from .transport import BlockingTransport

                transport = BlockingTransport(verify=self._tls.get(), limits=limits)
            self._http_client = httpx.AsyncClient(
                headers=self._headers,
                verify=self._tls.get(),
                timeout=httpx.Timeout(self._timeouts.read, connect=self._timeouts.connect),
                limits=limits,
                follow_redirects=False,
                transport=transport,
            )
        return self._http_client

    def sibling(self, *, blocking: bool = False) -> CasaClient:
        """A new client with the same settings and token, e.g. for another thread's event loop. A `blocking` one
        waits for each answer without yielding to its event loop: for a thread that has nothing else to run."""
        return CasaClient(self.root, self._token, **self._settings, blocking=blocking)

    def record(self, exchange: Exchange) -> None:
        """Add a request made elsewhere (by a sibling) to this client's log, numbered in this log's sequence."""
        self._record(dataclasses.replace(exchange, number=next(self._numbers)))

    def __repr__(self) -> str:  # never shows the token
        mode = " read-only" if self.read_only else ""
        return f"<CasaClient {self.root}{mode}>"

    async def __aenter__(self) -> CasaClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http_client is not None:
            await self._http_client.aclose()

    # -- reading ------------------------------------------------------------------------------------------

    async def list(
        self,
        collection: str,
        *,
        where: Mapping[str, Any] | str | None = None,
        sort: str | Sequence[tuple[str, int]] | None = None,
        page: int = 1,
        max_results: int = 25,
        projection: Mapping[str, Any] | str | None = None,
        embedded: Mapping[str, Any] | str | None = None,
    ) -> Page:
        params = list_params(where, sort, page, max_results, projection, embedded)
        response, body = await self._request("GET", collection, params=params)
        return page_of(collection, response.status_code, body, page, max_results)

    def list_plain(self, collection: str, **query: Any) -> Page | None:
        """`list` (the same keywords), synchronously and with the standard library: for the startup prefetch, a
        thread that runs while httpx is not imported yet. The page when the server answers it, else None (nothing
        logged), and the caller asks again with `list`, which retries and explains failures. None at once when a
        proxy is configured, which only httpx speaks."""
        if proxy_configured():
            return None
        params = list_params(**query)
        url = f"{self.root}/{collection}?{urlencode(params)}"
        started = time.time()
        try:
            answer = plain_get(url, self._headers, self._tls.get(), self._timeouts.connect, self._timeouts.read)
            if answer.status != 200:
                return None
            body = json.loads(answer.content)
            page = page_of(collection, answer.status, body, params["page"], params["max_results"])
        except (OSError, ValueError, ApiError):  # no answer; not JSON; not an Eve list
            return None
        self._record_plain(started, url, answer)
        return page

    async def pages(self, collection: str, *, max_pages: int = 10_000, **query: Any) -> AsyncIterator[Page]:
        """Every page of a query, fetched one at a time as the caller asks for them."""
        number = int(query.pop("page", 1))
        for _ in range(max_pages):
            page = await self.list(collection, page=number, **query)
            yield page
            if not page.has_more or not page.items:
                return
            number += 1

    async def get(
        self,
        collection: str,
        item_id: str,
        *,
        if_none_match: str | None = None,
        embedded: Mapping[str, Any] | str | None = None,
    ) -> Item | None:
        """The document and its etag; None when `if_none_match` is still the current etag (304)."""
        headers = {"If-None-Match": f'"{if_none_match}"'} if if_none_match else {}
        params = {"embedded": json_param(embedded)} if embedded else None
        response, body = await self._request("GET", f"{collection}/{item_id}", params=params, headers=headers)
        if response.status_code == 304:
            return None
        return self._item(collection, response, body, "GET")

    async def api_docs(self) -> Any:
        """The server's OpenAPI document (parsed JSON, or the YAML text when it is not JSON)."""
        last: ApiError | None = None
        for url in (f"{self.root}/api-docs", f"{host_of(self.root)}/api-docs"):
            try:
                _, body = await self._request("GET", url, raw=True)
            except ApiError as error:
                last = error
                if error.status in (404, 405, 401, 403) or isinstance(error, BadResponse):
                    continue
                raise
            return body
        assert last is not None
        raise last

    # -- writing ------------------------------------------------------------------------------------------

    async def create(self, collection: str, document: Mapping[str, Any]) -> Item:
        """POST a new document; `_id` and `status` are never sent (the server owns them)."""
        body = strip_server_fields(document)
        body.pop("status", None)
        response, answer = await self._request("POST", collection, json_body=body)
        return self._item(collection, response, answer, "POST")

    async def replace(self, item: Item, document: Mapping[str, Any]) -> Item:
        """PUT the whole document with If-Match; refuses (NoChange) when it equals the held version."""
        if is_unchanged(item.data, document):
            raise NoChange("Nothing changed, so nothing was sent.", method="PUT", path=item.url_path)
        body = strip_server_fields(document)
        response, answer = await self._request(
            "PUT", item.url_path, json_body=body, headers=self._if_match(item), item=item
        )
        self._update(item, response, answer, sent=body)
        return item

    async def patch(self, item: Item, document: Mapping[str, Any]) -> Item:
        """PATCH only the fields that changed, with If-Match."""
        plan = plan_patch(item.data, document)
        if plan.unsupported:
            paths = [format_path(change.path) for change in plan.unsupported]
            raise PatchNotPossible(
                f"PATCH cannot remove {', '.join(paths)} (Eve merges objects on PATCH); save with PUT instead.",
                paths=paths,
                method="PATCH",
                path=item.url_path,
            )
        if not plan.body:
            raise NoChange("Nothing changed, so nothing was sent.", method="PATCH", path=item.url_path)
        response, answer = await self._request(
            "PATCH", item.url_path, json_body=plan.body, headers=self._if_match(item), item=item
        )
        self._update(item, response, answer, sent={**strip_server_fields(item.data), **plan.body})
        return item

    async def delete(self, item: Item) -> None:
        await self._request("DELETE", item.url_path, headers=self._if_match(item), item=item)

    async def action(
        self,
        collection: str,
        item_id: str,
        name: str,
        body: Mapping[str, Any] | None = None,
        *,
        etag: str | None = None,
    ) -> Any:
        """POST .../{id}/action/{name} (run now, update-acls, ...); answers with whatever the server returns."""
        headers = {"If-Match": etag} if etag else {}
        _, answer = await self._request(
            "POST", f"{collection}/{item_id}/action/{name}", json_body=dict(body or {}), headers=headers
        )
        return answer

    # -- plumbing -----------------------------------------------------------------------------------------

    def _if_match(self, item: Item) -> dict[str, str]:
        return {"If-Match": item.etag} if item.etag else {}

    def _item(self, collection: str, response: httpx.Response, body: Any, method: str) -> Item:
        if not isinstance(body, dict) or "_id" not in body:
            raise BadResponse(
                f"The answer to {method} {collection} is not a document (no `_id`).",
                status=response.status_code,
                method=method,
                path=collection,
                body=body,
            )
        data = {key: value for key, value in body.items() if key != "_status"}
        return Item(collection, data, _etag_of(response, body), dict(response.headers))

    def _update(self, item: Item, response: httpx.Response, body: Any, *, sent: Mapping[str, Any]) -> None:
        """Take the new version after a write. CloudCasa may answer with only the meta fields, so keep what
        was sent for the rest."""
        if not isinstance(body, dict):
            raise BadResponse(
                "The write succeeded but its answer is not JSON.",
                status=response.status_code,
                path=item.url_path,
                body=body,
            )
        meta = {key: value for key, value in body.items() if key in SERVER_FIELDS and key != "_status"}
        full = {key: value for key, value in body.items() if key not in SERVER_FIELDS}
        item.data = {**(full if full else dict(sent)), **meta}
        item.data.setdefault("_id", item.id)
        item.etag = _etag_of(response, body) or item.etag
        item.headers = dict(response.headers)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        item: Item | None = None,
        raw: bool = False,
    ) -> tuple[httpx.Response, Any]:
        if method in WRITE_METHODS and self.read_only:
            raise ReadOnlyRefused(f"Read-only mode: {method} {path} was not sent.", method=method, path=path)
        url = path if path.startswith(("http://", "https://")) else f"{self.root}/{path.lstrip('/')}"
        content = None
        send_headers = dict(headers or {})
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False).encode()
            send_headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            attempt += 1
            response, error = await self._send_once(method, url, params, content, send_headers, attempt, item)
            retry_after: float | None = None
            if isinstance(error, RateLimited):
                retry_after = error.retry_after
            elif response is not None and response.status_code == 503:
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
            retryable = method == "GET" and (
                (isinstance(error, NetworkError) and error.kind != "tls")
                or (response is not None and response.status_code in RETRY_STATUSES)
            )
            delay = self.retry.delay(attempt, retry_after, self._rng) if retryable else None
            if delay is None:
                if error is not None:
                    raise error
                assert response is not None
                return response, self._decode(method, path, response, raw)
            await self._sleep(delay)

    async def _send_once(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        content: bytes | None,
        headers: dict[str, str],
        attempt: int,
        item: Item | None,
    ) -> tuple[httpx.Response | None, ApiError | None]:
        import httpx

        from .transport import network_error

        request = self._http.build_request(method, url, params=params, content=content, headers=headers)
        started, clock = time.time(), time.perf_counter()
        logged_headers = {k: (MASKED if k.lower() == "authorization" else v) for k, v in request.headers.items()}
        body_text = self.scrub(content.decode("utf-8", "replace")) if content else None
        path = request.url.path.removeprefix(httpx.URL(self.root).path).lstrip("/") or request.url.path
        response: httpx.Response | None = None
        error: ApiError | None = None
        try:
            response = await self._http.send(request)
            await response.aread()
        except httpx.HTTPError as exc:
            error = network_error(exc, method, path, httpx.URL(self.root).host, self.scrub)
        latency = (time.perf_counter() - clock) * 1000
        if response is not None and response.status_code >= 400 and response.status_code != 304:
            error = self._answer_error(method, path, response, headers, item)
        self._record(
            Exchange(
                number=next(self._numbers),
                started=started,
                method=method,
                url=self.scrub(str(request.url)),
                request_headers=logged_headers,
                request_body=clip(body_text),
                attempt=attempt,
                status=response.status_code if response is not None else None,
                latency_ms=latency,
                response_headers=dict(response.headers) if response is not None else {},
                response_body=clip(self.scrub(response.text)) if response is not None else None,
                size=len(response.content) if response is not None else 0,
                error=str(error) if error is not None else None,
            )
        )
        return response, error

    def _record_plain(self, started: float, url: str, answer: PlainAnswer) -> None:
        text = answer.content.decode("utf-8", "replace")
        headers = {**self._headers, **PLAIN_ACCEPT}
        self._record(
            Exchange(
                number=next(self._numbers),
                started=started,
                method="GET",
                url=self.scrub(url),
                request_headers={k: (MASKED if k.lower() == "authorization" else v) for k, v in headers.items()},
                request_body=None,
                status=answer.status,
                latency_ms=answer.latency_ms,
                response_headers=answer.headers,
                response_body=clip(self.scrub(text)),
                size=len(answer.content),
            )
        )

    def _record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        for listener in list(self.listeners):
            listener(exchange)

    def _answer_error(
        self, method: str, path: str, response: httpx.Response, sent: Mapping[str, str], item: Item | None
    ) -> ApiError:
        try:
            body: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = self.scrub(response.text[:2000])
        error = error_for(
            Answer(
                status=response.status_code,
                method=method,
                path=path,
                body=body,
                headers={k.lower(): v for k, v in response.headers.items()},
                collection=item.collection if item else "",
                item_id=item.id if item else "",
                sent_etag=sent.get("If-Match", ""),
            )
        )
        if isinstance(error, (Unauthorized, Forbidden)) and self.auth_hint:
            error.message = f"{error.message} {self.auth_hint}"
            error.args = (error.message,)
        return error

    def _decode(self, method: str, path: str, response: httpx.Response, raw: bool) -> Any:
        if response.status_code in (204, 304) or not response.content:
            return {}
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            if raw:
                return response.text
            text = self.scrub(response.text[:2000])
            raise BadResponse(
                f"The answer to {method} {path} is {describe_body(text)}, not the JSON an Eve API sends.",
                status=response.status_code,
                method=method,
                path=path,
                body=text,
            ) from None
