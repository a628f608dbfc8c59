"""A collection's list request as its profile shapes it: the filter (with the profile's name field and field types),
"did you mean" for fields the schema does not know, and the query sent (sort, page, projection)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..api.query import parse_filter
from .cloudcasa import NAME_FIELDS, overlay
from .columns import Column, projection
from .profiles import Profile


@dataclass(frozen=True)
class UnknownFields:
    """A filter naming fields the server's schema does not have: each with the nearest fields it has."""

    fields: tuple[tuple[str, tuple[str, ...]], ...]

    def __str__(self) -> str:
        parts = []
        for name, near in self.fields:
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            parts.append(f"{name}{hint}")
        return "The server's schema has no field " + ", ".join(parts)


def parse(profile: Profile, text: str, now: float | None = None) -> dict[str, Any]:
    """The filter text as a `where`, for this collection (raises FilterError)."""
    return parse_filter(text, profile.field_types(), now=now, name_field=profile.name_field)


def unknown_fields(profile: Profile, where: dict[str, Any]) -> UnknownFields | None:
    found = profile.unknown_fields(where)
    return UnknownFields(tuple((name, tuple(near)) for name, near in found)) if found else None


def list_query(
    profile: Profile,
    where: dict[str, Any] | None,
    sort: Sequence[tuple[str, int]],
    page: int,
    page_size: int,
    columns: Sequence[Column] | None = None,
) -> dict[str, Any]:
    """Keywords for `CasaClient.list`: the fields the columns show, and the name and state. Before the server's
    document is known, every field the overlay might show or name a document by (the schema decides later which);
    for a collection the overlay does not know, the documents come whole (their fields are the columns)."""
    query: dict[str, Any] = {"where": where or None, "sort": list(sort) or None, "page": page, "max_results": page_size}
    fields = fetched_fields(profile, columns)
    if fields is not None:
        query["projection"] = fields
    return query


def fetched_fields(profile: Profile, columns: Sequence[Column] | None = None) -> dict[str, int] | None:
    """The projection a list of this collection asks for; None for whole documents."""
    shown = columns if columns is not None else profile.columns
    if profile.described:
        return projection(shown, *profile.projection_fields)
    extra = overlay(profile.collection)
    if not extra.columns or profile.configured:
        return None if not profile.configured else projection(shown, *profile.projection_fields)
    return projection([*shown, *extra.columns], *extra.name_fields, *NAME_FIELDS, extra.state_field or "")
