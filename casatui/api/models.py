"""The client's plain data: what it returns (a page of a list, a document with its etag) and how it is tuned."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Item", "Page", "RetryPolicy", "Timeouts"]


@dataclass(frozen=True)
class RetryPolicy:
    """Idempotent GETs only: at most `attempts` tries, exponential backoff with full jitter, capped."""

    attempts: int = 3
    base: float = 0.3
    cap: float = 4.0
    max_retry_after: float = 30.0  # a longer Retry-After is reported instead of waited for

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before the next try, or None to give up."""
        if attempt >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        return rng.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and for each read of an answer."""

    connect: float = 5.0
    read: float = 30.0


@dataclass
class Page:
    """One page of a collection, and where it sits in the whole."""

    collection: str
    items: list[dict[str, Any]]
    page: int
    max_results: int
    total: int | None
    has_more: bool

    @property
    def first_position(self) -> int:
        return (self.page - 1) * self.max_results + 1 if self.items else 0

    @property
    def last_position(self) -> int:
        return (self.page - 1) * self.max_results + len(self.items)


@dataclass(frozen=True)
class Item:
    """One version of a document and its etag. Never changed once made (its `data` is not changed in place either):
    a write through the client returns the new version as a new Item."""

    collection: str
    data: dict[str, Any]
    etag: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.data.get("_id", ""))

    @property
    def url_path(self) -> str:
        return f"{self.collection}/{self.id}"
