"""What the UI holds for one connection: the client, what discovery found, names of referenced documents."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..api.client import CasaClient
from ..api.errors import ApiError
from ..api.models import Item
from ..api.query import FilterError
from ..api.sort import parse_sort
from .aliases import Aliases
from .drafts import DraftStore
from .profiles import Profile, Profiles
from .startup import Startup

if TYPE_CHECKING:
    from ..api.discovery import Catalog, ResourceType
    from ..config import ThemeTable

NAME_BATCH = 100
REMEMBER_AT_MOST = 2000  # documents in a collection whose names are remembered while listing


@dataclass
class Settings:
    """What a profile or the command line decided for the UI."""

    profile: str = "default"
    read_only: bool = False
    protected: bool = False
    auto_refresh_seconds: float = 10.0
    page_size: int = 100
    columns: Mapping[str, Sequence[Mapping[str, Any] | str]] = field(default_factory=dict)
    sorts: Mapping[str, str] = field(default_factory=dict)  # collection -> default sort, e.g. "-start_time"
    theme: str | None = None
    themes: Mapping[str, ThemeTable] = field(default_factory=dict)  # the config file's own themes, by name
    keys: Mapping[str, str] = field(default_factory=dict)  # action id -> keys, as Textual names them
    token_source: str = ""
    keep_catalog: bool = True  # keep the server's document between runs (not for the demo: a new port each run)
    aliases: Aliases = field(default_factory=Aliases)  # short names of collections: built-in and the user's
    external_editor: bool = False  # `e` opens the document in the user's editor ($CASATUI_EDITOR, $VISUAL, $EDITOR)


# The history of writes keeps what it shows, bounded, never whole documents: a session of many saves of a big
# document stays flat in memory.
HISTORY_AT_MOST = 500  # writes kept, the oldest dropped first
DIFF_LINES_AT_MOST = 400  # lines of one write's diff kept
LINE_AT_MOST = 2000  # characters of one diff line (or of a label, id, etag) kept
CUT_MARK = "… (cut)"

WriteKind = Literal["changed", "created", "deleted", "action"]


@dataclass(frozen=True)
class WriteRecord:
    """One write of this session, for the history view: what, when, the etags, and the change as the lines of its
    diff (cut to a bound: see `make_record`)."""

    when: float
    method: str
    collection: str
    item_id: str
    label: str
    old_etag: str
    new_etag: str
    kind: WriteKind
    diff: tuple[tuple[str, str], ...] = ()  # (kind, line) as `editing.diff_lines` gives them
    lines_cut: int = 0  # diff lines left out (beyond DIFF_LINES_AT_MOST)


def cut(text: str, limit: int = LINE_AT_MOST) -> str:
    """`text`, or its first `limit` characters marked as cut."""
    return text if len(text) <= limit else text[:limit] + CUT_MARK


def make_record(
    method: str,
    collection: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    item_id: str = "",
    new_etag: str = "",
    when: float = 0.0,
) -> WriteRecord:
    """A write as the history keeps it: the diff of `before` and `after` computed now, bounded in lines and in
    characters per line, so a record stays a few hundred KB at most whatever the document's size."""
    from .editing import diff_lines  # editing imports the client: not needed before the first write

    lines: list[tuple[str, str]] = []
    if before is not None and after is not None:
        lines = diff_lines(before, after)
        kind: WriteKind = "changed"
    elif after is not None:
        kind = "created"
    elif method == "DELETE":
        kind = "deleted"
    else:
        kind = "action"
    label = str((after or before or {}).get("name") or item_id)
    return WriteRecord(
        when=when,
        method=method,
        collection=collection,
        item_id=cut(item_id, 200),
        label=cut(label, 200),
        old_etag=cut(str((before or {}).get("_etag", "")), 200),
        new_etag=cut(new_etag, 200),
        kind=kind,
        diff=tuple((sign, cut(line)) for sign, line in lines[:DIFF_LINES_AT_MOST]),
        lines_cut=max(0, len(lines) - DIFF_LINES_AT_MOST),
    )


class Session:
    def __init__(self, client: CasaClient, settings: Settings | None = None, *, state_dir: Path | None = None) -> None:
        self.client = client
        self.settings = settings or Settings(read_only=client.read_only)
        self.profiles = Profiles(
            None, self.settings.columns, _sorts(self.settings.sorts), trusted=client.trust_api_docs
        )
        self.clock: Callable[[], float] = time.time  # one clock for every screen (tests set a fixed one)
        self.names: dict[str, dict[str, str]] = {}  # collection -> id -> name
        self.state_dir = state_dir
        self.drafts = DraftStore(state_dir / "drafts") if state_dir is not None else None
        self.write_method: Literal["PUT", "PATCH"] = "PUT"  # chosen per save, remembered
        self.startup = Startup()  # the first page fetched before the UI, the collector paused (see startup.py)
        self.writes: deque[WriteRecord] = deque(maxlen=HISTORY_AT_MOST)  # the newest writes, bounded
        self.writes_dropped = 0  # older writes no longer kept

    def record_write(
        self, method: str, collection: str, before: Mapping[str, Any] | None, after: Item | None, item_id: str = ""
    ) -> WriteRecord:
        record = make_record(
            method,
            collection,
            before,
            after.data if after is not None else None,
            item_id=item_id or (after.id if after else ""),
            new_etag=after.etag if after else "",
            when=time.time(),
        )
        if len(self.writes) == self.writes.maxlen:
            self.writes_dropped += 1
        self.writes.append(record)
        return record

    @property
    def profile(self) -> str:
        """The name of the config profile this session connects with."""
        return self.settings.profile

    @property
    def catalog(self) -> Catalog | None:
        """What discovery found (the server's document, or the built-in list); None until it has run."""
        return self.profiles.catalog

    @catalog.setter
    def catalog(self, catalog: Catalog) -> None:
        """What discovery found: the profiles and the client follow it (the client refuses a write the server's
        document does not offer, before sending it)."""
        self.profiles.use(catalog)
        self.client.use_catalog(catalog)

    def restore_catalog(self) -> bool:
        """Take the catalog kept from the last run against this server, if any (see catalog_cache.py)."""
        if self.state_dir is None or not self.settings.keep_catalog:
            return False
        from .catalog_cache import load

        kept = load(self.state_dir, self.client.root)
        if kept is not None:
            self.catalog = kept
        return kept is not None

    def keep_catalog(self, previous: Catalog | None) -> None:
        """Keep what discovery found for the next run, when it differs from what was kept (in a thread: CloudCasa's
        document makes a couple of megabytes)."""
        catalog = self.catalog
        if self.state_dir is None or not self.settings.keep_catalog or catalog is None:
            return
        if previous is not None and previous.resources == catalog.resources:
            return
        from .catalog_cache import save

        save(self.state_dir, self.client.root, catalog)

    def profile_of(self, collection: str) -> Profile:
        """What casatui shows of a collection and may do with it (see profiles.py)."""
        return self.profiles[collection]

    def now(self) -> float:
        return float(self.clock())

    def resource(self, collection: str) -> ResourceType | None:
        return self.profiles.resource(collection)

    def remember(self, collection: str, documents: Iterable[Mapping[str, Any]], total: int | None = None) -> None:
        """Keep names of listed documents for reference columns; not for big collections (jobs), which nothing
        references by name and whose names would only take memory."""
        if total is not None and total > REMEMBER_AT_MOST:
            return
        table = self.names.setdefault(collection, {})
        name_field = self.profile_of(collection).name_field
        for document in documents:
            name = document.get(name_field)
            if "_id" in document and isinstance(name, str):
                table[str(document["_id"])] = name

    async def resolve_names(self, collection: str, ids: Iterable[str]) -> bool:
        """Fetch the names of referenced documents not known yet; True when any were learned."""
        table = self.names.setdefault(collection, {})
        profile = self.profile_of(collection)  # its name field: `name` on most, another on some
        wanted = sorted({i for i in ids if i and i not in table})
        learned = False
        for start in range(0, len(wanted), NAME_BATCH):
            batch = wanted[start : start + NAME_BATCH]
            try:
                page = await self.client.list(
                    collection,
                    where={"_id": {"$in": batch}},
                    projection={profile.name_field: 1},
                    max_results=len(batch),
                )
            except ApiError:
                return learned  # names are a nicety: ids stay visible
            for document in page.items:
                table[str(document["_id"])] = profile.name_of(document)
            for missing in set(batch) - set(table):
                table[missing] = f"(deleted {missing[-6:]})"
            learned = True
        return learned


def _sorts(configured: Mapping[str, str]) -> dict[str, list[tuple[str, int]]]:
    """The config's sorts, parsed (the config was checked when read: one that does not parse is left out)."""
    sorts = {}
    for collection, text in configured.items():
        try:
            sorts[collection] = parse_sort(text)
        except FilterError:
            continue
    return sorts
