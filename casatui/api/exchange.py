"""A record of each request and its answer, for the status line, the request log and copy-as-curl."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

MAX_BODY_LOGGED = 64 * 1024  # characters of each body kept in the log (a page of 1,000 jobs is ~1 MB)
MASKED = "Bearer ***"


@dataclass(frozen=True)
class Exchange:
    """One request and its answer (or why none came), as the request log keeps it."""

    number: int
    started: float  # epoch seconds
    method: str
    url: str  # full URL with the query string; never holds the token (it travels in a header)
    request_headers: dict[str, str]  # Authorization masked
    request_body: str | None
    status: int | None = None  # None when no answer came
    latency_ms: float = 0.0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    size: int = 0  # bytes of the response body
    error: str | None = None  # why there was no answer, or the error the answer became
    attempt: int = 1

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> list[tuple[str, str]]:
        """The query parameters, decoded (a `where` shows as JSON, not %7B...)."""
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    @property
    def etag(self) -> str | None:
        value = self.response_headers.get("etag") or self.request_headers.get("if-match")
        return value.strip('"') if value else None

    @property
    def summary(self) -> str:
        status = str(self.status) if self.status is not None else "no answer"
        return f"{self.method} {self.path} {status} {self.latency_ms:.0f} ms"

    def as_curl(self) -> str:
        """The request as a curl command; the token is read from $CLOUDCASA_API_TOKEN, never written out."""
        parts = ["curl", "-sS", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.request_headers.items():
            if name.lower() == "authorization":
                parts += ["-H", '"Authorization: Bearer $CLOUDCASA_API_TOKEN"']
            elif name.lower() in ("accept", "content-type", "if-match", "if-none-match"):
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.request_body:
            parts += ["--data-binary", shlex.quote(self.request_body)]
        return " ".join(parts)


def clip(text: str | None, limit: int = MAX_BODY_LOGGED) -> str | None:
    if text is None or len(text) <= limit:
        return text
    # An ASCII mark: one character beyond Latin-1 (as "…" is) makes Python store the whole string with two bytes
    # a character, and the log keeps up to 300 of these.
    return text[:limit] + f"\n... ({len(text) - limit} more characters not kept)"
