"""The async client for the CloudCasa REST API (an Eve application): every operation, retries, guarded writes.

    async with CasaClient("cc.example.com", token) as client:
        page = await client.list("jobs", where={"state": "FAILED"}, sort="-start_time")
        item = await client.get("kubebackups", backup_id)
        item = await client.replace(item, {**item.data, "policy": policy_id})   # PUT with If-Match: item.etag

Writes are never retried and never sent when they would change nothing; in read-only mode they are refused
before a byte leaves, and so are writes the server's API document does not offer, once the client knows it:

    client.use_catalog(await discover(client))   # then e.g. PUT on alerts raises NotAllowed, nothing sent
    client.allows("alerts", "replace")           # False: what a UI asks before offering the key

(the rule is in `permits.py`; `trust_api_docs=False` turns it off). A write returns the new version (with the etag
the server returned, for the next write) and leaves the item it was given as it was.

httpx is imported when the first request is sent, not with this module: the first page at startup is fetched
without it (`list_plain`), so that its ~70 ms of imports come after the first rows are painted. Then it is imported
(and the TLS context made: a CA bundle loaded, ~50 ms) in a thread the first request waits for, not on the event
loop, so the app stays responsive meanwhile (`prepare_transport`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import json
import math
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from .. import __version__
from .edits import SERVER_FIELDS, format_path, is_unchanged, plan_patch, strip_server_fields
from .errors import (
    MAX_BODY_KEPT,
    ActionMissing,
    Answer,
    AnswerRefused,
    ApiError,
    BadResponse,
    Forbidden,
    MethodNotAllowed,
    NetworkError,
    NoChange,
    NoEtag,
    NotAllowed,
    NotFound,
    NotStandardJson,
    PatchNotPossible,
    RateLimited,
    ReadOnlyRefused,
    Scrubber,
    Unauthorized,
    WriteUnconfirmed,
    describe_body,
    error_for,
    retry_after_seconds,
)
from .exchange import MASKED, MAX_BODY_LOGGED, Exchange, clip
from .limits import ACCEPT_ENCODING, BodyRefused, LimitExceeded, parse_json
from .listing import json_param, list_params, page_of
from .models import Item, Page, RetryPolicy, Timeouts
from .permits import Permits
from .stdlib_http import PLAIN_ACCEPT, PlainAnswer, SharedTls, proxy_configured
from .stdlib_http import get as plain_get
from .urls import UnsafePath, host_of, item_path, normalize_root, resource_path

if TYPE_CHECKING:
    import httpx

    from .discovery import Catalog
    from .transport import Reply

USER_AGENT = f"casatui/{__version__} (terminal client for the CloudCasa API)"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_ERROR_BODY = 256 * 1024  # bytes of an error answer's body read for its message
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
T = TypeVar("T")


def prepare_transport(tls: SharedTls) -> None:
    """What the first request through httpx needs that takes long: its imports and the TLS context. Safe in any
    thread and more than once (imports and `SharedTls` are)."""
    import importlib

    from . import transport  # noqa: F401  (httpx and the reading side of the client)

    # What httpx imports only when its first client is made (httpcore, h11) and anyio when its first lock is used
    # (the asyncio backend): ~50 ms more, which the first request would otherwise import on the event loop.
    for module in ("httpcore", "anyio._backends._asyncio"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    tls.get()


def _etag_of(response: Reply, body: Mapping[str, Any]) -> str:
    header = response.headers.get("etag", "")
    if header:
        return header.removeprefix("W/").strip('"')
    return str(body.get("_etag", ""))


def refused(method: str, path: str, status: int | None, reason: BodyRefused) -> AnswerRefused:
    """An answer's body that was not read or parsed further, said with the limit it passed."""
    limit = reason.limit if isinstance(reason, LimitExceeded) else ""
    advice = " Ask for less (a smaller page, a filter, a projection) or check the server." if limit else ""
    return AnswerRefused(
        f"The answer to {method} {path} {reason}, so casatui did not read it"
        + (f" (its limit {limit}).{advice}" if limit else "."),
        limit=limit,
        status=status,
        method=method,
        path=path,
    )


def _unconfirmed(body: Any, said_id: Any, item_id: str) -> str:
    """Why a write's success answer does not show that the document was written ("" when it does)."""
    if not isinstance(body, dict):
        return "an answer that is not JSON"
    if not body:
        return "an empty body"
    if said_id is None:
        return "an answer without the document's _id"
    if str(said_id) != item_id:
        return f"a document with another _id ({str(said_id)[:40]!r})"
    if body.get("_status", "OK") != "OK":
        return f"_status {str(body.get('_status'))[:20]!r}"
    return ""


def standard_json(body: Any, method: str, path: str) -> bytes:
    """`body` as standard JSON; NotStandardJson (nothing sent) when it holds NaN or an infinity."""
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False).encode()
    except ValueError:
        raise NotStandardJson(
            f"The document holds NaN or Infinity{_where_nan(body)}, which standard JSON cannot carry: "
            f"{method} {path} was not sent. Replace it with a number or null.",
            method=method,
            path=path,
        ) from None


def _where_nan(value: Any, path: str = "") -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return f" (at {path or 'the top'})"
    if isinstance(value, dict):
        children = [(f"{path}.{key}" if path else str(key), child) for key, child in value.items()]
    elif isinstance(value, list):
        children = [(f"{path}[{index}]", child) for index, child in enumerate(value)]
    else:
        return ""
    return next((found for where, child in children if (found := _where_nan(child, where))), "")


async def _apart(step: Coroutine[Any, Any, T]) -> T:
    """Await a step of the HTTP exchange in a task with an empty context. The HTTP stack's timeouts are event-loop
    timers, cancelled when the answer arrives but kept by the loop, with the context they were made in, until they
    would have fired: made in a UI worker's context, each kept that worker and its widget (an editor with a 1 MB
    document: ~50 MB) alive for the read timeout after every request. Nothing in these steps reads a context
    variable (the listeners, which may, are called outside them)."""
    return await contextvars.Context().run(asyncio.get_running_loop().create_task, step)  # the task copies it


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
        trust_api_docs: bool = True,
    ) -> None:
        self.root = normalize_root(url, allow_http=allow_http)
        # Plain http (the embedded server, loopback) needs no certificates; for https the CA bundle is loaded on
        # first use, once for the client and its siblings.
        tls = tls or SharedTls(verify if self.root.startswith("https://") else False)
        self._settings: dict[str, Any] = {
            "verify": verify, "timeouts": timeouts, "read_only": read_only, "retry": retry,
            "allow_http": allow_http, "auth_hint": auth_hint, "log_size": log_size, "tls": tls,
            "trust_api_docs": trust_api_docs,
        }  # fmt: skip
        self._token = token or ""
        self.read_only = read_only
        # Shared with siblings, so one made before discovery follows the catalog learned after it.
        self.permits = Permits(trusted=trust_api_docs)
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
        self._headers = {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}
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
        client = CasaClient(self.root, self._token, **self._settings, blocking=blocking)
        client.permits = self.permits
        return client

    # -- what the server's document allows ----------------------------------------------------------------

    def use_catalog(self, catalog: Catalog | None) -> None:
        """Follow `catalog` from now on (this client and its siblings): writes the server's document does not offer
        are refused with NotAllowed before anything is sent. A built-in catalog, or None, refuses nothing."""
        self.permits.catalog = catalog

    @property
    def catalog(self) -> Catalog | None:
        return self.permits.catalog

    @property
    def trust_api_docs(self) -> bool:
        """False: nothing is refused for the document's sake (the override for a document that is wrong)."""
        return self.permits.trusted

    @trust_api_docs.setter
    def trust_api_docs(self, trusted: bool) -> None:
        self.permits.trusted = trusted

    def allows(self, collection: str, operation: str, action: str = "") -> bool:
        """Whether a write would be sent rather than refused with NotAllowed. `operation` is one of create, replace
        (PUT), update (PATCH), delete, action (`action` names it); list and get are always allowed."""
        return self.permits.allows(collection, operation, action)

    def _permit(self, collection: str, operation: str, method: str, path: str, action: str = "") -> None:
        reason = self.permits.why_not(collection, operation, action)
        if reason is not None:
            raise NotAllowed(reason, collection=collection, operation=operation, action=action, method=method,
                             path=path)  # fmt: skip

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

    async def _ready(self) -> None:
        """httpx imported and the TLS context made before the first request, in a thread (see the module's doc):
        the event loop keeps running meanwhile. A blocking client (a thread of its own) does it where it is."""
        if self._http_client is None and not self._blocking:
            await asyncio.to_thread(prepare_transport, self._tls)

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
        response, body = await self._request("GET", resource_path(collection), params=params)
        return page_of(collection, response.status_code, body, page, max_results)

    def list_plain(self, collection: str, **query: Any) -> Page | None:
        """`list` (the same keywords), synchronously and with the standard library: for the startup prefetch, a
        thread that runs while httpx is not imported yet. The page when the server answers it, else None (the
        attempt logged, as every request sent is), and the caller asks again with `list`, which retries and explains
        failures. None at once when a proxy is configured, which only httpx speaks."""
        if proxy_configured():
            return None
        params = list_params(**query)
        url = f"{self.root}/{resource_path(collection)}?{urlencode(params)}"
        started = time.time()
        answer: PlainAnswer | None = None
        try:
            answer = plain_get(url, self._headers, self._tls.get(), self._timeouts.connect, self._timeouts.read)
            if answer.status != 200:
                self._record_plain(started, url, answer, note="asked again")
                return None
            body = parse_json(answer.content)
            page = page_of(collection, answer.status, body, params["page"], params["max_results"])
        except LimitExceeded as reason:  # over a limit: a definite answer, not worth asking again
            error = refused("GET", collection, answer.status if answer else None, reason)
            self._record_plain(started, url, answer, error)
            raise error from None
        except (OSError, ValueError, ApiError, BodyRefused) as problem:  # no answer; not JSON, an Eve list, decoded
            self._record_plain(started, url, answer, note=f"{type(problem).__name__}: asked again")
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
        path = item_path(collection, item_id)
        response, body = await self._request("GET", path, params=params, headers=headers)
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
        self._permit(collection, "create", "POST", collection)
        body = strip_server_fields(document)
        body.pop("status", None)
        response, answer = await self._request("POST", resource_path(collection), json_body=body)
        return self._item(collection, response, answer, "POST")

    async def replace(self, item: Item, document: Mapping[str, Any]) -> Item:
        """PUT the whole document with If-Match; the new version. Refuses (NoChange) when it equals `item`."""
        path = item_path(item.collection, item.id)
        self._permit(item.collection, "replace", "PUT", path)
        if is_unchanged(item.data, document):
            raise NoChange("Nothing changed, so nothing was sent.", method="PUT", path=path)
        body = strip_server_fields(document)
        precondition = self._if_match(item, "PUT")
        response, answer = await self._request("PUT", path, json_body=body, headers=precondition, item=item)
        return self._written(item, response, answer, sent=body, method="PUT", path=path)

    async def patch(self, item: Item, document: Mapping[str, Any]) -> Item:
        """PATCH only the fields that changed, with If-Match; the new version. Refuses (NoChange) as `replace`."""
        path = item_path(item.collection, item.id)
        self._permit(item.collection, "update", "PATCH", path)
        plan = plan_patch(item.data, document)
        if plan.unsupported:
            paths = [format_path(change.path) for change in plan.unsupported]
            raise PatchNotPossible(
                f"PATCH cannot remove {', '.join(paths)} (Eve merges objects on PATCH); save with PUT instead.",
                paths=paths,
                method="PATCH",
                path=path,
            )
        if is_unchanged(item.data, document):  # as for PUT: one function decides that an edit changes nothing
            raise NoChange("Nothing changed, so nothing was sent.", method="PATCH", path=path)
        response, answer = await self._request(
            "PATCH", path, json_body=plan.body, headers=self._if_match(item, "PATCH"), item=item
        )
        sent = {**strip_server_fields(item.data), **plan.body}
        return self._written(item, response, answer, sent=sent, method="PATCH", path=path)

    async def delete(self, item: Item) -> None:
        """DELETE with If-Match; a 2xx answer (Eve's is 204, no body) to the document's own URL is success."""
        path = item_path(item.collection, item.id)
        self._permit(item.collection, "delete", "DELETE", path)
        await self._request("DELETE", path, headers=self._if_match(item, "DELETE"), item=item)

    async def action(
        self,
        collection: str,
        item_id: str,
        name: str,
        body: Mapping[str, Any] | None = None,
        *,
        etag: str | None = None,
    ) -> Any:
        """POST .../{id}/action/{name} (run now, update-acls, ...); answers with whatever the server returns.

        A 404 or 405 is ActionMissing when the document is there (one GET tells), and is remembered: the action is
        refused from then on. NotFound when the document is gone."""
        headers = {"If-Match": etag} if etag else {}
        path = item_path(collection, item_id, "action", name)
        self._permit(collection, "action", "POST", path, name)
        try:
            _, answer = await self._request("POST", path, json_body=dict(body or {}), headers=headers)
        except (NotFound, MethodNotAllowed) as error:
            raise await self._action_missing(collection, item_id, name, error) from None
        return answer

    async def _action_missing(self, collection: str, item_id: str, name: str, error: ApiError) -> ApiError:
        """What a 404 or 405 to an action means: the document is gone (NotFound), or the action is (ActionMissing)."""
        said = f"{error.method} {error.path}"
        common: dict[str, Any] = {"status": error.status, "method": error.method, "path": error.path,
                                  "server_message": error.server_message, "body": error.body}  # fmt: skip
        doubt = ""
        if isinstance(error, NotFound):
            try:
                await self.get(collection, item_id)
            except NotFound as gone:
                return gone
            except ApiError:
                doubt = ", or the document is gone (checking it failed)"
        if not doubt:
            self.permits.missing_actions.add((collection, name))
        return ActionMissing(
            f"The server has no action `{name}` on {collection}{doubt}: it answered {said} with {error.status}.",
            collection=collection, item_id=item_id, action=name, **common,
        )  # fmt: skip

    # -- plumbing -----------------------------------------------------------------------------------------

    def _if_match(self, item: Item, method: str) -> dict[str, str]:
        """The write's precondition; a write without one (the server gave no etag for this version) is not sent:
        it could overwrite a change made meanwhile."""
        if not item.etag:
            raise NoEtag(
                f"The server gave no etag for this version of {item.collection}/{item.id}, so {method} cannot be "
                "sent with If-Match (it could overwrite a change made meanwhile). Reload the document, then try again.",
                method=method,
                path=item_path(item.collection, item.id),
            )
        return {"If-Match": item.etag}

    def _item(self, collection: str, response: Reply, body: Any, method: str) -> Item:
        if not isinstance(body, dict) or "_id" not in body:
            raise BadResponse(
                f"The answer to {method} {collection} is not a document (no `_id`).",
                status=response.status_code,
                method=method,
                path=collection,
                body=body,
            )
        data = {key: value for key, value in body.items() if key != "_status"}
        return Item(collection, data, _etag_of(response, body), self._headers_shown(response))

    def _written(
        self, item: Item, response: Reply, body: Any, *, sent: Mapping[str, Any], method: str, path: str
    ) -> Item:
        """The new version after a write of `item`. CloudCasa may answer with only the meta fields, so what was sent
        gives the rest. The write counts only when the answer names the document written (its `_id`, as Eve's does):
        otherwise WriteUnconfirmed."""
        said_id = body.get("_id") if isinstance(body, dict) else None
        unconfirmed = _unconfirmed(body, said_id, item.id)
        if unconfirmed:
            raise WriteUnconfirmed(
                f"The server answered {method} {path} with {response.status_code} and {unconfirmed}, so casatui cannot "
                "tell that the change was saved. Your edit is kept; reload the document to see what the server "
                "holds.",
                status=response.status_code,
                method=method,
                path=path,
            )
        meta = {key: value for key, value in body.items() if key in SERVER_FIELDS and key != "_status"}
        full = {key: value for key, value in body.items() if key not in SERVER_FIELDS}
        data = {**(full if full else dict(sent)), **meta, "_id": said_id}
        return Item(item.collection, data, _etag_of(response, body) or item.etag, self._headers_shown(response))

    def _request_headers_shown(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Headers sent, as the log shows them: the token masked (copy-as-curl reads it from the environment), and
        any cookie a server set (and httpx sends back) masked too."""
        return {
            name: MASKED
            if name.lower() == "authorization"
            else Scrubber.MASK
            if name.lower() in SECRET_HEADERS
            else self.scrub(value)
            for name, value in headers
        }

    def _headers_shown(self, response: Reply | httpx.Response) -> dict[str, str]:
        """A response's headers as the log, the request log and errors show them: secrets masked, the token never."""
        return self._answer_headers_shown(response.headers.items())

    def _answer_headers_shown(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {
            self.scrub(name): (Scrubber.MASK if name.lower() in SECRET_HEADERS else self.scrub(value))
            for name, value in headers
        }

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
    ) -> tuple[Reply, Any]:
        if method in WRITE_METHODS and self.read_only:
            raise ReadOnlyRefused(f"Read-only mode: {method} {path} was not sent.", method=method, path=path)
        absolute = path.startswith(("http://", "https://"))
        url = path if absolute else f"{self.root}/{path.lstrip('/')}"
        content = None
        send_headers = dict(headers or {})
        if json_body is not None:
            content = standard_json(json_body, method, path)
            send_headers["Content-Type"] = "application/json"
        await self._ready()
        attempt = 0
        while True:
            attempt += 1
            response, error = await self._send_once(method, url, params, content, send_headers, attempt, item,
                                                    inside_root=not absolute)  # fmt: skip
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
        *,
        inside_root: bool,
    ) -> tuple[Reply | None, ApiError | None]:
        import httpx

        from .transport import network_error, read_reply

        request = self._http.build_request(method, url, params=params, content=content, headers=headers)
        root_path = httpx.URL(self.root).path
        path = request.url.path.removeprefix(root_path).lstrip("/") or request.url.path
        if inside_root and not request.url.path.startswith(root_path + "/"):
            # httpx resolves "." and ".." segments: a path that came out elsewhere is never sent.
            raise UnsafePath(f"{method} {url[:200]} would leave the API root {self.root}; it was not sent.",
                             method=method, path=path)  # fmt: skip
        logged_headers = self._request_headers_shown(request.headers.items())
        body_text = self.scrub(content.decode("utf-8", "replace")) if content else None
        response: Reply | None = None
        error: ApiError | None = None
        streamed: httpx.Response | None = None
        # The latency logged is the wire's: from just before the request is written until its body is read. What
        # the client does around it (masking, decoding, logging) is not the server's time.
        started, clock = time.time(), time.perf_counter()
        try:
            streamed = await _apart(self._http.send(request, stream=True))
            response = await _apart(read_reply(streamed))
        except httpx.HTTPError as exc:
            error = network_error(exc, method, path, self.root, self.scrub)
        except BodyRefused as reason:
            error = refused(method, path, streamed.status_code if streamed is not None else None, reason)
        latency = (time.perf_counter() - clock) * 1000
        status = streamed.status_code if streamed is not None else None
        answer_headers = self._headers_shown(streamed) if streamed is not None else {}
        if response is not None:
            if response.status_code >= 300 and not (response.status_code == 304 and method == "GET"):
                error = self._answer_error(method, path, response, headers, item)
            elif response.content and response.status_code != 204:
                try:
                    response.json()
                except LimitExceeded as reason:
                    error = refused(method, path, status, reason)
                except ValueError:
                    pass  # not JSON: `_decode` says so (or takes it as text)
        self._record(
            Exchange(
                number=next(self._numbers),
                started=started,
                method=method,
                url=self.scrub(str(request.url)),
                request_headers=logged_headers,
                request_body=clip(body_text),
                attempt=attempt,
                status=status,
                latency_ms=latency,
                response_headers=answer_headers,
                response_body=self._body_shown(response.content) if response is not None else None,
                size=len(response.content) if response is not None else 0,
                error=str(error) if error is not None else None,
            )
        )
        return (None, error) if isinstance(error, AnswerRefused) else (response, error)

    def _body_shown(self, content: bytes) -> str:
        """The start of a body, for the request log: clipped before it is decoded and scrubbed (a page may be
        100 MB), with room for a token that straddles the cut."""
        room = MAX_BODY_LOGGED * 4 + len(self._token) * 4
        return clip(self.scrub(content[:room].decode("utf-8", "replace"))) or ""

    def _record_plain(
        self, started: float, url: str, answer: PlainAnswer | None, error: ApiError | None = None, note: str = ""
    ) -> None:
        headers = {**self._headers, **PLAIN_ACCEPT}
        self._record(
            Exchange(
                number=next(self._numbers),
                started=started,
                method="GET",
                url=self.scrub(url),
                request_headers=self._request_headers_shown(headers.items()),
                request_body=None,
                status=answer.status if answer else None,
                latency_ms=answer.latency_ms if answer else 0.0,
                response_headers=self._answer_headers_shown((answer.headers if answer else {}).items()),
                response_body=self._body_shown(answer.content) if answer else None,
                size=len(answer.content) if answer else 0,
                error=str(error) if error is not None else (self.scrub(note) or None),
            )
        )

    def _record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        for listener in list(self.listeners):
            listener(exchange)

    def _answer_error(
        self, method: str, path: str, response: Reply, sent: Mapping[str, str], item: Item | None
    ) -> ApiError:
        # Read past the cut by the longest form of the token the scrubber knows (percent-encoded), so a token
        # that straddles the cut is masked whole before the text is cut.
        text = self.scrub(response.text(MAX_ERROR_BODY + 3 * len(self._token)))[:MAX_ERROR_BODY]
        body: Any
        try:
            body = parse_json(text)
        except (ValueError, LimitExceeded):
            body = text[:MAX_BODY_KEPT]
        error = error_for(
            Answer(
                status=response.status_code,
                method=method,
                path=path,
                body=body,
                headers={k.lower(): v for k, v in self._headers_shown(response).items()},
                collection=item.collection if item else "",
                item_id=item.id if item else "",
                sent_etag=sent.get("If-Match", ""),
            )
        )
        if isinstance(error, (Unauthorized, Forbidden)) and self.auth_hint:
            error.message = f"{error.message} {self.auth_hint}"
            error.args = (error.message,)
        return error

    def _decode(self, method: str, path: str, response: Reply, raw: bool) -> Any:
        if response.status_code in (204, 304) or not response.content:
            return {}
        try:
            return response.json()
        except ValueError:  # not JSON (limits were checked when the answer came)
            if raw or method in WRITE_METHODS:  # a write's answer is judged by `_written` and `_item`
                return response.text(MAX_BODY_KEPT if method in WRITE_METHODS else None)
            text = self.scrub(response.text(MAX_BODY_KEPT))
            raise BadResponse(
                f"The answer to {method} {path} is {describe_body(text)}, not the JSON an Eve API sends.",
                status=response.status_code,
                method=method,
                path=path,
                body=text,
            ) from None
