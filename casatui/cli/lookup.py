"""What every command that names a collection or a document shares: the server's API document (kept from the last
run, read again when it lacks what was named), the collection's profile, and a document by its name or its id."""

from __future__ import annotations

import difflib
import re
from typing import Any

from ..api.models import Item
from ..core.listing import slim
from ..core.profiles import Profile
from ..core.session import Session
from . import exits
from .exits import CommandError

DOCUMENT_ID = re.compile(r"[0-9a-fA-F]{24}")  # CloudCasa's (and Eve's) ObjectIds: anything else is a name
MATCHES_SHOWN = 20  # of an ambiguous name


async def ensure_catalog(session: Session, *, fresh: bool = False) -> None:
    """The server's document as kept from the last run, else (or when `fresh`) read now and kept."""
    from ..api.discovery import discover

    if not fresh and session.restore_catalog():
        return
    kept = session.catalog
    catalog = await discover(session.client)
    if kept is not None and catalog.source != "server":
        return  # the document cannot be read now: the kept one is better than the built-in list
    session.catalog = catalog
    session.keep_catalog(kept)


async def profile_for(session: Session, collection: str, *, any_collection: bool = False) -> Profile:
    """The profile of the collection `collection` names (itself, or an alias of it: `kb`), once the server's document
    is known to list it (read again when the kept one does not: it may be new since); a name the document lacks is
    a usage error, with the nearest names, or why its alias does not count."""
    await ensure_catalog(session)
    named = collection
    catalog = session.catalog
    collection = _collection(session, named)
    if catalog is not None and catalog.source == "server" and collection not in catalog.resources:
        await ensure_catalog(session, fresh=catalog.cached_at is not None)
        catalog = session.catalog
        collection = _collection(session, named)
        if catalog is not None and collection not in catalog.resources and not any_collection:
            aliases = session.settings.aliases
            why = aliases.explain(named, catalog.resources)
            if why:
                raise CommandError(f"The server's API document has no collection {named!r} ({why})", exits.USAGE)
            near = difflib.get_close_matches(named, [*catalog.resources, *aliases.offered(catalog.resources)], n=3)
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            raise CommandError(f"The server's API document has no collection {named!r}{hint}", exits.USAGE)
    return session.profile_of(collection)


def _collection(session: Session, name: str) -> str:
    """The collection `name` means, by the server's document when it is known."""
    catalog = session.catalog
    return session.settings.aliases.resolve(name, catalog.resources if catalog is not None else None)


async def find(
    session: Session, profile: Profile, target: str, where: dict[str, Any] | None = None, *, name_only: bool = False
) -> Item:
    """The document named by `target`: an id (24 hex digits) is fetched, with its etag; a name is looked up in the
    profile's name field (exactly, within `where`), then fetched. No match is NOT_FOUND; several are AMBIGUOUS,
    with their ids listed. `name_only`: `target` is a name even when it looks like an id."""
    client = session.client
    if DOCUMENT_ID.fullmatch(target) and not name_only:
        item = await client.get(profile.collection, target)
        assert item is not None  # (no If-None-Match was sent)
        return item
    by_name: dict[str, Any] = {profile.name_field: target}
    query: dict[str, Any] = {"where": {"$and": [where, by_name]} if where else by_name, "max_results": MATCHES_SHOWN}
    page = client.list_plain(profile.collection, **query) or await client.list(profile.collection, **query)
    matches = slim(page.items)
    if not matches:
        raise CommandError(f"No document of {profile.collection} has the {profile.name_field} {target!r}",
                           exits.NOT_FOUND)  # fmt: skip
    if len(matches) > 1:
        total = page.total if page.total is not None else len(matches)
        lines = tuple(
            f"  {exits.visible(str(match.get('_id', '')))}  {exits.visible(profile.name_of(match))}"
            for match in matches
        )
        raise CommandError(f"{total} documents of {profile.collection} have the {profile.name_field} {target!r}; "
                           "give one of their ids:", exits.AMBIGUOUS, details=lines)  # fmt: skip
    match = matches[0]
    if match.get("_etag"):  # as fresh as a GET would be (the list asked for no projection)
        return Item(profile.collection, match, str(match["_etag"]))
    item = await client.get(profile.collection, str(match["_id"]))
    assert item is not None
    return item
