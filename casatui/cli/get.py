"""`casatui get COLLECTION [NAME|ID]`: documents of a collection, as its profile lists them (the filter language,
its name field, its default sort and columns), written as they arrive, a page at a time."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from typing import IO, Any

from ..api.client import CasaClient
from ..api.models import Page
from ..api.query import FilterError
from ..api.sort import parse_sort
from ..core.columns import RenderOptions
from ..core.listing import fetched_fields, parse, slim, unknown_fields
from ..core.profiles import Profile
from ..core.session import Session
from . import exits
from .exits import CommandError
from .formats import PAGE_SIZE
from .lookup import ensure_catalog, find, profile_for
from .output import CsvWriter, JsonLinesWriter, JsonWriter, NameWriter, ProgressLine, TableWriter, Writer, YamlWriter

ALL_PAGE_SIZE = 500  # --all: pages this big (what is held at once)
MAX_PAGES = 10_000  # as CasaClient.pages


def writer_for(
    form: str, stream: IO[str], profile: Profile, session: Session, *, one: bool, sample: list[dict[str, Any]]
) -> Writer:
    if form == "json":
        return JsonWriter(stream, one=one)
    if form == "jsonl":
        return JsonLinesWriter(stream, one=one)
    if form == "yaml":
        return YamlWriter(stream, one=one)
    if form == "name":
        return NameWriter(stream, profile.name_of, one=one)
    columns = profile.columns_for(sample)
    if form == "csv":
        return CsvWriter(stream, columns, one=one)
    terminal = stream.isatty()
    width = shutil.get_terminal_size().columns if terminal else None
    options = RenderOptions(now=session.now(), names=session.names, live=lambda d: profile.is_live(profile.state_of(d)))
    return TableWriter(stream, columns, options, width=width, colour=terminal, one=one)


async def name_references(session: Session, profile: Profile, documents: list[dict[str, Any]]) -> None:
    """The names of documents the table's reference columns point at (ids alone say little)."""
    from ..core import formatting as fmt

    for column in profile.columns:
        if column.kind == "ref" and column.ref:
            ids = {str(value) for d in documents if (value := fmt.lookup(d, column.key))}
            await session.resolve_names(column.ref, ids)


async def pages(client: CasaClient, collection: str, query: dict[str, Any]) -> AsyncIterator[Page]:
    """Every page of a query, as `CasaClient.pages`, each asked with the standard library first (a command that
    needs one page then never imports httpx: a quarter of its time) and, when that does not give it, with `list`,
    which retries and explains failures."""
    for number in range(1, MAX_PAGES + 1):
        page = client.list_plain(collection, page=number, **query)
        if page is None:
            page = await client.list(collection, page=number, **query)
        yield page
        if not page.has_more or not page.items:
            return


async def run(args: Any, session: Session) -> int:
    collection: str = args.collection
    profile = await profile_for(session, collection, any_collection=args.any_field)
    catalog = session.catalog
    try:
        where = parse(profile, args.where or "", session.now())
    except FilterError as error:
        raise CommandError(f"--where: {error}", exits.USAGE) from None
    try:
        sort = parse_sort(args.sort) if args.sort else list(profile.default_sort)
    except FilterError as error:
        raise CommandError(f"--sort: {error}", exits.USAGE) from None
    unknown = unknown_fields(profile, where)
    if unknown is not None and not args.any_field and catalog is not None and catalog.cached_at is not None:
        await ensure_catalog(session, fresh=True)  # a field new since the document was kept?
        profile = session.profile_of(profile.collection)
        unknown = unknown_fields(profile, where)
    if unknown is not None and not args.any_field:
        raise CommandError(f"--where: {unknown} (--any-field sends it anyway)", exits.USAGE)
    form = args.output or ("table" if sys.stdout.isatty() else "json")
    if args.target is not None:
        return await one(args.target, form, profile, session, where)
    return await many(args, form, profile, session, where, sort)


async def one(target: str, form: str, profile: Profile, session: Session, where: dict[str, Any]) -> int:
    """One document, by id or by its name (exact, in the profile's name field)."""
    document = dict((await find(session, profile, target, where)).data)
    document.pop("_links", None)
    if form == "table":
        await name_references(session, profile, [document])
    writer = writer_for(form, sys.stdout, profile, session, one=True, sample=[document])
    writer.write([document])
    writer.end()
    return exits.OK


async def many(
    args: Any, form: str, profile: Profile, session: Session, where: dict[str, Any], sort: list[tuple[str, int]]
) -> int:
    limit: int | None = None if args.all else (args.limit or PAGE_SIZE)
    size = ALL_PAGE_SIZE if limit is None else min(limit, ALL_PAGE_SIZE)
    whole = form in ("json", "jsonl", "yaml")  # documents as stored; the text formats need only their columns
    query: dict[str, Any] = {"where": where or None, "sort": sort or None, "max_results": size}
    if not whole:
        fields = fetched_fields(profile)
        if fields is not None:
            query["projection"] = fields
    progress = ProgressLine(sys.stderr) if args.all else None
    writer: Writer | None = None
    total: int | None = None
    written = 0
    try:
        async for page in pages(session.client, profile.collection, query):
            total = page.total
            documents = slim(page.items)
            if limit is not None:
                documents = documents[: limit - written]
            if writer is None:
                writer = writer_for(form, sys.stdout, profile, session, one=False, sample=documents)
            if form == "table":
                await name_references(session, profile, documents)
            writer.write(documents)
            written += len(documents)
            if progress is not None:
                progress.update(f"{written}{f' of {total}' if total is not None else ''} documents")
            if limit is not None and written >= limit:
                break
    finally:
        if progress is not None:
            progress.end()
    if writer is None:
        writer = writer_for(form, sys.stdout, profile, session, one=False, sample=[])
    writer.end()
    if (
        args.limit is None and limit is not None and total is not None and total > written
    ):  # (a limit asked for: no note)
        exits.say(f"{written} of {total} documents shown; --all for every one, or --limit N")
    return exits.OK
