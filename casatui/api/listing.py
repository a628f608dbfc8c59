"""A list request on the wire: the query parameters Eve reads (`where`, `sort`, paging, `projection`, `embedded`),
and the Page an answer holds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import BadResponse
from .models import Page


def json_param(value: Mapping[str, Any] | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sort_param(sort: str | Sequence[tuple[str, int]] | None) -> str | None:
    if sort is None or isinstance(sort, str):
        return sort or None
    return ",".join(("-" if direction < 0 else "") + name for name, direction in sort) or None


def list_params(
    where: Mapping[str, Any] | str | None = None,
    sort: str | Sequence[tuple[str, int]] | None = None,
    page: int = 1,
    max_results: int = 25,
    projection: Mapping[str, Any] | str | None = None,
    embedded: Mapping[str, Any] | str | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"page": page, "max_results": max_results}
    for name, value in (
        ("where", json_param(where) if where else None),
        ("sort", sort_param(sort)),
        ("projection", json_param(projection) if projection else None),
        ("embedded", json_param(embedded) if embedded else None),
    ):
        if value:
            params[name] = value
    return params


def page_of(collection: str, status: int, body: Any, page: int, max_results: int) -> Page:
    """The Page in an answer to a list request; BadResponse when the answer is not an Eve list."""
    items = body.get("_items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadResponse(
            f"The answer to GET {collection} is not an Eve list (no `_items` array); is the API root right?",
            status=status,
            method="GET",
            path=collection,
            body=body,
        )
    meta = body.get("_meta") if isinstance(body.get("_meta"), dict) else {}

    def meta_int(key: str, default: int | None) -> int | None:
        value = meta.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    total = meta_int("total", None)
    size = meta_int("max_results", None) or max_results
    number = meta_int("page", None) or page
    links = body.get("_links") if isinstance(body.get("_links"), dict) else {}
    has_more = "next" in links or (total is not None and number * size < total)
    return Page(collection, items, number, size, total, has_more)
