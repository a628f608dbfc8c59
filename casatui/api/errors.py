"""One error hierarchy for everything that can go wrong talking to a CloudCasa (Eve) server.

Each error carries a message a person can act on, the HTTP status when there was one, and the server's own words.
None of them ever holds the API token: bodies are scrubbed before they are kept (see `Scrubber`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TOKEN_VARIABLE = "CLOUDCASA_API_TOKEN"  # (config.TOKEN_ENV: the api layer does not import config)
MAX_BODY_KEPT = 2000  # characters of a non-JSON body kept for the message and the request log


class Scrubber:
    """Replaces a secret wherever it appears in text meant for people (messages, logs, copied commands)."""

    MASK = "***"

    def __init__(self, *secrets: str | None) -> None:
        from urllib.parse import quote

        found: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= 4:
                # As sent, and as a server may reflect it: percent-encoded, or escaped inside a JSON string.
                found |= {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}
        self._secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, self.MASK)
        return text


class ApiError(Exception):
    """Base of every failure; `str(error)` is the message to show.

    `fix` is what to do about it in a few words, for where the whole message does not fit (a table that could not
    be filled); `retry_helps` says whether asking again, unchanged, may succeed: a network failure, a 5xx, a 429 -
    never a refused token, a missing permission or document, or a refused query, which only a change can fix.
    """

    status: int | None = None
    title = "Request failed"
    fix = ""
    retry_helps = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        path: str = "",
        server_message: str = "",
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if self.status is not None and self.status >= 500:
            self.retry_helps = True
        self.method = method
        self.path = path
        self.server_message = server_message
        self.body = body

    @property
    def request(self) -> str:
        return f"{self.method} {self.path}".strip()

    def __str__(self) -> str:
        return self.message


# -- errors the server answered with ---------------------------------------------------------------------


class BadRequest(ApiError):
    status = 400
    title = "Bad request"
    fix = "the server refused the request: check the filter and the sort"


class Unauthorized(ApiError):
    status = 401
    title = "Token refused"
    fix = (
        f"the token was refused: set ${TOKEN_VARIABLE} or the profile's token source (casatui info shows which is used)"
    )


class Forbidden(ApiError):
    status = 403
    title = "Not allowed"
    fix = "this token is not allowed to do this: use a token whose role allows it, or ask an administrator"


class NotFound(ApiError):
    status = 404
    title = "Not found"
    fix = "not on this server: check the name, and the API URL (casatui info shows it)"


class MethodNotAllowed(ApiError):
    status = 405
    title = "Method not allowed"
    fix = "the server does not allow this here"


class EtagMismatch(ApiError):
    """412: the document changed on the server since the version the write was based on."""

    status = 412
    title = "Changed on the server"

    def __init__(self, message: str, *, collection: str = "", item_id: str = "", sent_etag: str = "", **kw: Any):
        super().__init__(message, **kw)
        self.collection = collection
        self.item_id = item_id
        self.sent_etag = sent_etag


class ActionMissing(ApiError):
    """A 404 or 405 to `POST <collection>/<id>/action/<name>` while the document itself is there: this server has
    no such action. Not a NotFound, which callers read as "the document is gone" (and which `CasaClient.action`
    raises when it is)."""

    title = "No such action"

    def __init__(self, message: str, *, collection: str = "", item_id: str = "", action: str = "", **kw: Any):
        super().__init__(message, **kw)
        self.collection = collection
        self.item_id = item_id
        self.action = action


class PreconditionRequired(ApiError):
    """428: the write carried no If-Match header."""

    status = 428
    title = "Etag required"


@dataclass(frozen=True)
class Issue:
    """One validation problem: the field as a dotted path (`source.all_namespaces`) and the server's words."""

    path: str
    message: str


class ValidationFailed(ApiError):
    """422: the server refused the document; `issues` says where and why."""

    status = 422
    title = "Refused by the server"

    def __init__(self, message: str, *, issues: list[Issue], **kw: Any) -> None:
        super().__init__(message, **kw)
        self.issues = issues


class RateLimited(ApiError):
    status = 429
    title = "Rate limited"
    retry_helps = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(ApiError):
    title = "Server error"
    retry_helps = True


class BadResponse(ApiError):
    """The server (or a proxy in front of it) answered something that is not what an Eve API sends."""

    title = "Unexpected answer"
    retry_helps = True  # a proxy's page or a cut answer is often passing


class AnswerRefused(BadResponse):
    """An answer not read, or not parsed, further: over one of the limits in `limits.py` (`limit` names it), or in
    an encoding casatui does not decode (`limit` is empty)."""

    title = "Answer refused"

    def __init__(self, message: str, *, limit: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.limit = limit


class WriteUnconfirmed(BadResponse):
    """A write answered with a success status but not with the document written: it does not count as saved."""

    title = "Save not confirmed"
    retry_helps = False  # a write: it is fetched again, never sent again on its own


class Redirected(ApiError):
    """A 3xx: casatui follows no redirect (the token would go along; a write is sent once)."""

    title = "Redirected"
    fix = "casatui follows no redirect: check the API URL (--url, $CLOUDCASA_URL or the profile's url)"

    def __init__(self, message: str, *, location: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.location = location


class Unexpected(ApiError):
    """A failure that is none of the above (a bug in casatui, or data it could not take), said in one line."""

    title = "Unexpected failure"
    retry_helps = True


# -- errors before or without an answer ------------------------------------------------------------------


class NetworkError(ApiError):
    """No answer: connection refused, name not found, TLS failure, timeout."""

    title = "Network error"

    def __init__(self, message: str, *, kind: str, fix: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.kind = kind  # "connect", "dns", "tls", "timeout", "protocol"
        self.fix = fix
        self.retry_helps = kind != "tls"  # a certificate does not change by asking again


class ClientRefusal(ApiError):
    """casatui itself declined to send the request."""

    title = "Not sent"


class ReadOnlyRefused(ClientRefusal):
    title = "Read-only"


class NotAllowed(ClientRefusal):
    """A write the server's API document does not offer (see `permits.py` for the rule), or an action the server
    said it lacks: not sent. `operation` is one of create, replace, update, delete, action (`action` names it)."""

    title = "Not offered by the server"

    def __init__(self, message: str, *, collection: str, operation: str, action: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.collection = collection
        self.operation = operation
        self.action = action


class NoEtag(ClientRefusal):
    """A write of a version the server gave no etag for: not sent (without If-Match it could overwrite a change made
    meanwhile). Handled as a 428 is: fetch the current version and its etag, then decide."""

    title = "No etag"


class NotStandardJson(ClientRefusal):
    """The body to send holds NaN or an infinity, which standard JSON cannot carry."""

    title = "Not valid JSON"


class NoChange(ClientRefusal):
    title = "Nothing to save"


class PatchNotPossible(ClientRefusal):
    """The edit removes something a PATCH cannot remove (Eve merges nested objects); PUT can."""

    title = "PATCH cannot express this edit"

    def __init__(self, message: str, *, paths: list[str], **kw: Any) -> None:
        super().__init__(message, **kw)
        self.paths = paths


# -- turning an HTTP answer into an error ---------------------------------------------------------------


def flatten_issues(issues: Any, prefix: str = "") -> list[Issue]:
    """Eve's `_issues` (nested dicts for nested fields, strings or lists of strings) as dotted paths."""
    found: list[Issue] = []
    if isinstance(issues, Mapping):
        for key, value in issues.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                found.extend(flatten_issues(value, path))
            elif isinstance(value, list):
                for entry in value:
                    found.extend(
                        flatten_issues(entry, path) if isinstance(entry, Mapping) else [Issue(path, str(entry))]
                    )
            else:
                found.append(Issue(path, str(value)))
    elif issues:
        found.append(Issue(prefix or "(document)", str(issues)))
    return found


@dataclass
class Answer:
    """What `error_for` needs to know of a response."""

    status: int
    method: str
    path: str
    body: Any  # parsed JSON, or the (scrubbed, truncated) text when it was not JSON
    headers: Mapping[str, str] = field(default_factory=dict)
    collection: str = ""
    item_id: str = ""
    sent_etag: str = ""


def _server_message(body: Any) -> str:
    if isinstance(body, Mapping):
        error = body.get("_error")
        if isinstance(error, Mapping) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return ""


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (it may be a number of seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    from time import time

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None


def error_for(answer: Answer) -> ApiError:
    """The error an HTTP error answer stands for, with a message saying what to do about it."""
    status, body = answer.status, answer.body
    said = _server_message(body)
    where = f"{answer.method} {answer.path}"
    common: dict[str, Any] = {
        "status": status,
        "method": answer.method,
        "path": answer.path,
        "server_message": said,
        "body": body,
    }
    quoted = f' The server said: "{said}".' if said else ""
    if 300 <= status < 400:
        location = str(answer.headers.get("location", ""))[:200]
        to = f"a redirect to {location}" if location else "a redirect with no Location"
        if answer.method in ("POST", "PUT", "PATCH", "DELETE"):
            advice = "casatui sends a write once and follows no redirect: it was not sent there and is not saved."
        else:
            advice = "casatui follows no redirect (the token would go along): check the API URL."
        return Redirected(f"The server answered {where} with {status}, {to}. {advice}", location=location, **common)
    if not isinstance(body, Mapping) and status >= 500:
        snippet = str(body).strip().splitlines()[0][:120] if str(body).strip() else "an empty body"
        return ServerError(
            f"The server or a proxy in front of it failed ({status}) on {where}, answering with "
            f"{'an HTML page' if '<' in str(body)[:200] else snippet}. It is usually temporary: retry in a moment.",
            **common,
        )
    if status == 400:
        return BadRequest(
            f"The server refused the request as malformed (400).{quoted} "
            "If this was a filter, check its operators and field names.",
            **common,
        )
    if status == 401:
        return Unauthorized(
            f"The server refused the token (401).{quoted} Set ${TOKEN_VARIABLE} or the profile's token source to a "
            "current API key of this organisation (`casatui info` shows which is used).",
            **common,
        )
    if status == 403:
        return Forbidden(
            f"The token is valid but not allowed to do {where} (403).{quoted} Use a token whose role allows it, or "
            "ask an administrator of the organisation for the permission.",
            **common,
        )
    if status == 404:
        return NotFound(f"Not found on the server (404): {answer.path}. It may have been deleted.", **common)
    if status == 405:
        return MethodNotAllowed(f"The server does not allow {answer.method} here (405).", **common)
    if status == 412:
        return EtagMismatch(
            "The document changed on the server since you opened it (412: your etag is stale). "
            "Fetch the current version and merge, or overwrite deliberately.",
            collection=answer.collection,
            item_id=answer.item_id,
            sent_etag=answer.sent_etag,
            **common,
        )
    if status == 428:
        return PreconditionRequired(
            "The server needs the document's etag in an If-Match header to accept this write (428).", **common
        )
    if status == 422:
        issues = flatten_issues(body.get("_issues")) if isinstance(body, Mapping) else []
        listing = "; ".join(f"{issue.path}: {issue.message}" for issue in issues[:5])
        more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
        text = (
            f"The server refused the document (422): {listing}{more}."
            if issues
            else f"The server refused the document (422).{quoted}"
        )
        return ValidationFailed(text, issues=issues, **common)
    if status == 429:
        wait = retry_after_seconds(answer.headers.get("retry-after"))
        hint = f" It asks to wait {wait:.0f} s." if wait is not None else ""
        return RateLimited(f"Too many requests (429).{hint}", retry_after=wait, **common)
    if status >= 500:
        return ServerError(f"The server failed ({status}) on {where}.{quoted} Retry in a moment.", **common)
    return ApiError(f"Unexpected answer {status} to {where}.{quoted}", **common)


def describe_body(text: str) -> str:
    """A short description of a body that should have been JSON, for BadResponse messages."""
    stripped = text.strip()
    if not stripped:
        return "an empty body"
    if stripped.startswith("<"):
        return "an HTML page (a proxy or login page?)"
    from .limits import BodyRefused, parse_json

    try:
        parse_json(stripped)
    except BodyRefused as reason:
        return f"JSON that {reason}"
    except ValueError:
        if stripped[0] in "{[" and _unclosed(stripped):
            return "JSON that ends too early (truncated)"
        return f"text that is not JSON ({stripped[:60]!r})"
    return "JSON of an unexpected shape"


def _unclosed(text: str) -> bool:
    """True when JSON-looking text stops inside a string, an object or an array."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0
