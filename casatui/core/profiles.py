"""One profile per collection: what casatui shows of it and may do with it, from the server's API document first.

A profile joins three sources, in this order of authority:
1. the server's document (`casatui.api.discovery.ResourceType`): fields, types, enums, references, the methods and
   paths it offers (list, get, create, replace, update, delete, actions);
2. the rows the server sent, for what a schema left out;
3. casatui's CloudCasa overlay (`cloudcasa.py`), which only adds meaning: curated columns, which field names a
   document, which states are live, which field of a job points here.
A curated field that the schema and the rows both lack gives way (the Name column falls back on the schema's own
name field; other columns are dropped), sorting never sends a field the schema does not know, and with no document
at all (none fetched yet, or the server has none) nothing is refused: everything stays as the overlay says.
Screens, the overview and the palette ask the profile; nothing else in the UI names a CloudCasa collection or field.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..api.edits import SERVER_FIELDS
from . import cloudcasa
from .cloudcasa import JOBS
from .columns import Column, fit_states, from_config, generic_columns
from .formatting import lookup

if TYPE_CHECKING:
    from ..api.discovery import Catalog, ResourceType

FEWEST_COLUMNS = 3  # a curated table left with fewer columns than this is topped up from the schema (or rows)


@dataclass(frozen=True)
class Profile:
    """One collection as casatui shows and uses it."""

    collection: str
    title: str
    resource: ResourceType | None  # None: no document describes it (not fetched yet, or the built-in list)
    columns: tuple[Column, ...]
    default_sort: tuple[tuple[str, int], ...]
    name_field: str  # the field the Name column shows, `name~` and bare words search
    references: Mapping[str, str] = field(default_factory=dict)  # dotted field -> collection it points into
    jobs_link: str | None = None  # the field of a job that points at a document of this collection
    state_field: str | None = None
    states: tuple[str, ...] = ()  # the schema's enum of the state field (the overlay's where the schema has none)
    start_field: str | None = None  # when a run began and ended
    end_field: str | None = None
    context_field: str | None = None  # a second label beside the name
    view: str = "document"  # document, job, definition
    pause_field: str | None = None
    run_body: Mapping[str, Any] | None = None
    allows: frozenset[str] = frozenset()  # operations, and "action:<name>" for each action
    described: bool = False  # the operations come from the server's document (else nothing is refused)
    configured: bool = False  # the user's config lists the columns: they are shown as listed
    trusted: bool = True  # False: the user said the server's document is wrong (trust_api_docs = false)

    # -- what may be done -------------------------------------------------------------------------------

    def can(self, operation: str) -> bool:
        """list, get, create, replace, update, delete, `edit` (replace or update), `run`, `pause`, or
        `action:<name>`. Without the server's document everything is allowed, as the server will say."""
        if operation == "edit":
            return self.can("replace") or self.can("update")
        if operation == "run":
            return self.run_action is not None
        if operation == "pause":
            return self.pause_field is not None and self.can("update")
        if not self.described or not self.trusted:
            return True
        return operation in self.allows

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(sorted(a.removeprefix("action:") for a in self.allows if a.startswith("action:")))

    @property
    def run_action(self) -> str | None:
        """The action that runs a document now (`run`), when the document or the overlay offers one."""
        trusted_document = self.described and self.trusted
        if "action:run" in self.allows or (self.run_body is not None and not trusted_document):
            return "run"
        return None

    # -- fields -----------------------------------------------------------------------------------------

    def knows(self, path: str) -> bool:
        """Whether the schema has this dotted field (Eve's own fields always; everything without a schema)."""
        if path.split(".")[0] in SERVER_FIELDS or self.resource is None or not self.resource.fields:
            return True
        return self.resource.field(path) is not None

    def field_types(self) -> dict[str, str] | None:
        return self.resource.field_types() if self.resource is not None and self.resource.fields else None

    def unknown_fields(self, where: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
        """Fields of a `where` the schema does not have, each with the closest ones it has ("did you mean")."""
        types = self.field_types()
        if types is None:
            return []
        result = []
        for name in _where_fields(where):
            if not self.knows(name):
                result.append((name, difflib.get_close_matches(name, list(types), n=3, cutoff=0.6)))
        return result

    def name_of(self, document: Mapping[str, Any]) -> str:
        for key in (self.name_field, *cloudcasa.overlay(self.collection).name_fields, *cloudcasa.NAME_FIELDS):
            value = lookup(document, key)
            if isinstance(value, str) and value:
                return value
        return str(document.get("_id", ""))

    # -- states -----------------------------------------------------------------------------------------

    def state_of(self, document: Mapping[str, Any]) -> str:
        value = lookup(document, self.state_field) if self.state_field else None
        return str(value) if value is not None else ""

    def is_live(self, state: str) -> bool:
        return state.upper() in cloudcasa.LIVE_STATES

    def is_final(self, state: str) -> bool:
        return state.upper() in cloudcasa.FINAL_STATES

    @property
    def live_states(self) -> tuple[str, ...]:
        return tuple(s for s in self.states if self.is_live(s))

    def times_of(self, document: Mapping[str, Any]) -> tuple[Any, Any]:
        """The raw start and end of a run (None where the profile has no such field)."""
        start = lookup(document, self.start_field) if self.start_field else None
        end = lookup(document, self.end_field) if self.end_field else None
        return start, end

    def context_of(self, document: Mapping[str, Any]) -> str:
        value = lookup(document, self.context_field) if self.context_field else None
        return str(value) if isinstance(value, (str, int, float)) else ""

    # -- columns for rows -------------------------------------------------------------------------------

    def columns_for(self, rows: Sequence[Mapping[str, Any]]) -> tuple[Column, ...]:
        """The columns for these rows: with no schema and no curated columns, the rows' own fields; with a schema,
        curated columns it lacks but the rows have come back (a schema may be incomplete)."""
        if not rows:
            return self.columns
        if self.resource is None or not self.resource.fields:
            return _columns_from_rows(self, rows)
        return _columns(self, rows)

    @property
    def projection_fields(self) -> tuple[str, ...]:
        """Fields every list request asks for besides the columns': the name and the state."""
        return tuple(f for f in (self.name_field, self.state_field) if f)


def _where_fields(where: Any) -> Iterable[str]:
    """Field names of a Mongo `where` (through $and, $or, $nor)."""
    if isinstance(where, Mapping):
        for key, value in where.items():
            if key in ("$and", "$or", "$nor") and isinstance(value, list):
                for part in value:
                    yield from _where_fields(part)
            elif not str(key).startswith("$"):
                yield str(key)


# -- building profiles ---------------------------------------------------------------------------------


class Profiles:
    """The profiles of one connection: rebuilt when discovery gives the server's document, and when the user's
    config sets columns or a sort for a collection."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        columns: Mapping[str, Sequence[Mapping[str, Any] | str]] | None = None,
        sorts: Mapping[str, Sequence[tuple[str, int]]] | None = None,
        *,
        trusted: bool = True,
    ) -> None:
        self.catalog = catalog
        self.trusted = trusted  # what the document allows is what is offered (False: everything, as the server says)
        self.configured_columns = dict(columns or {})
        self.configured_sorts = dict(sorts or {})
        self._made: dict[str, Profile] = {}

    def use(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._made.clear()

    def __getitem__(self, collection: str) -> Profile:
        made = self._made.get(collection)
        if made is None:
            made = self._made[collection] = self._build(collection)
        return made

    def resource(self, collection: str) -> ResourceType | None:
        return self.catalog.resources.get(collection) if self.catalog else None

    def _build(self, collection: str) -> Profile:
        resource = self.resource(collection)
        described = self.catalog is not None and self.catalog.source == "server" and resource is not None
        extra = cloudcasa.overlay(collection)
        base = Profile(
            collection=collection,
            title=resource.title if resource else collection,
            resource=resource,
            columns=(),
            default_sort=(),
            name_field="name",
            described=described,
            trusted=self.trusted,
        )
        name_field = _name_field(base, extra)
        state_field = _known(base, extra.state_field)
        schema_references = _schema_references(resource)
        # The overlay's first, in its order (a job's cluster before its definition), pointing where the schema
        # says when it says; then the rest of the schema's.
        references = {k: schema_references.get(k, v) for k, v in extra.refs.items() if base.knows(k)}
        references.update(schema_references)
        allows = frozenset(resource.operations) if resource else frozenset()
        actions = set(resource.actions) if resource else set()
        if resource is not None and extra.run is not None and resource.offers_action("run"):
            actions.add("run")  # a `run<x>` collection beside it: CloudCasa runs it with action/run
        allows |= {f"action:{a}" for a in actions}
        pause = extra.pause_field if extra.pause_field and base.knows(extra.pause_field) else None
        profile = replace(
            base,
            name_field=name_field,
            references=references,
            jobs_link=self._jobs_link(collection, extra),
            state_field=state_field,
            states=_states(resource, state_field) or (extra.states if state_field else ()),
            start_field=_known(base, extra.start_field),
            end_field=_known(base, extra.end_field),
            context_field=_known(base, extra.context_field),
            view=extra.view,
            pause_field=pause,
            run_body=extra.run,
            allows=allows,
        )
        configured = self.configured_columns.get(collection)
        columns = tuple(from_config(configured)) if configured else _curated_columns(profile, extra)
        # A state column is as wide as its longest state, from the schema's enum (the overlay's for the state field).
        columns = tuple(
            fit_states(c, _states(resource, c.key) or (profile.states if c.key == state_field else ())) for c in columns
        )
        default_sort = self._default_sort(profile, extra)
        return replace(profile, columns=columns, default_sort=default_sort, configured=bool(configured))

    def _default_sort(self, profile: Profile, extra: cloudcasa.Overlay) -> tuple[tuple[str, int], ...]:
        configured = self.configured_sorts.get(profile.collection)
        if configured and all(profile.knows(key) for key, _ in configured):
            return tuple(configured)
        if extra.natural_sort and profile.knows(extra.natural_sort):
            return ((extra.natural_sort, -1),)
        return (("_created", -1),)

    def _jobs_link(self, collection: str, extra: cloudcasa.Overlay) -> str | None:
        """The field of a job that points at `collection`: the one the jobs' schema says points here, else the
        overlay's when the jobs' schema has it (or there is no schema)."""
        jobs = self.resource(JOBS)
        if jobs is not None and jobs.fields:
            pointing = [name for name, spec in jobs.fields.items() if spec.reference == collection]
            if len(pointing) == 1:
                return pointing[0]
            if extra.jobs_link and extra.jobs_link in jobs.fields:
                return extra.jobs_link
            return None
        if self.catalog is not None and self.catalog.source == "server" and jobs is None:
            return None  # this server has no jobs
        return extra.jobs_link


def _known(profile: Profile, path: str | None) -> str | None:
    return path if path and profile.knows(path) else None


def _name_field(profile: Profile, extra: cloudcasa.Overlay) -> str:
    """The first of the overlay's name fields that the schema has, then the usual ones; with no schema, the
    overlay's first."""
    if profile.resource is None or not profile.resource.fields:
        return extra.name_fields[0]
    for name in (*extra.name_fields, *cloudcasa.NAME_FIELDS):
        spec = profile.resource.field(name)
        if spec is not None and spec.type in ("string", "any"):
            return name
    for name, spec in profile.resource.fields.items():
        if spec.type == "string" and not name.startswith("_"):
            return name
    return "_id"


def _schema_references(resource: ResourceType | None) -> dict[str, str]:
    if resource is None:
        return {}
    return {name: spec.reference for name, spec in resource.fields.items() if spec.reference}


def _states(resource: ResourceType | None, state_field: str | None) -> tuple[str, ...]:
    """The state field's enum in the schema's order; none known without one (states seen are shown as they are)."""
    if resource is None or not state_field:
        return ()
    spec = resource.field(state_field)
    return tuple(str(s) for s in spec.enum if isinstance(s, str)) if spec is not None else ()


def _curated_columns(profile: Profile, extra: cloudcasa.Overlay) -> tuple[Column, ...]:
    """The overlay's columns the schema confirms (the Name column moved to the schema's name field), topped up
    with the schema's own; the schema's generic columns for a collection the overlay does not know."""
    if not extra.columns:
        return tuple(generic_columns(profile.resource, (), profile.name_field))
    kept: list[Column] = []
    for index, column in enumerate(extra.columns):
        if _names(index, column, extra):
            kept.append(replace(column, key=profile.name_field, title="Name" if column.key != profile.name_field
                                else column.title))  # fmt: skip
        elif profile.knows(column.key) and (column.end is None or profile.knows(column.end)):
            kept.append(column)
    if len(kept) < min(FEWEST_COLUMNS, len(extra.columns)):
        shown = {c.key for c in kept}
        generic = generic_columns(profile.resource, (), profile.name_field)[1:]
        kept += [c for c in generic if c.key not in shown][: FEWEST_COLUMNS + 2]
    if profile.resource is not None and profile.resource.fields:
        kept = [c if profile.knows(c.key) else replace(c, sortable=False) for c in kept]
    return tuple(kept)


def _names(index: int, column: Column, extra: cloudcasa.Overlay) -> bool:
    """Whether a curated column is the one that names a document (the first, showing a name field)."""
    return index == 0 and column.key in extra.name_fields


def _present(rows: Sequence[Mapping[str, Any]]) -> Callable[[str], bool]:
    sample = rows[:20]
    return lambda key: any(lookup(row, key) is not None for row in sample)


def _columns(profile: Profile, rows: Sequence[Mapping[str, Any]]) -> tuple[Column, ...]:
    """With the schema: its generic columns that no row fills give way (never a blank column: the projection asked
    for them, so the server has none to send), and curated columns the schema lacks come back when rows hold them."""
    extra = cloudcasa.overlay(profile.collection)
    if profile.configured:
        return profile.columns
    present = _present(rows)
    curated = {c.key for c in extra.columns}
    columns = [c for i, c in enumerate(profile.columns) if i == 0 or c.key in curated or present(c.key)]
    shown = {c.key for c in columns}
    back = [c for c in extra.columns[1:] if c.key not in shown and present(c.key)]
    if back:  # in the overlay's order, after the Name column (which may show another field than the overlay's)
        order = {c.title: i for i, c in enumerate(extra.columns)}
        rest = sorted([*columns[1:], *(replace(c, sortable=False) for c in back)],
                      key=lambda c: order.get(c.title, len(order)))  # fmt: skip
        columns = [columns[0], *rest]
    return tuple(columns)


def _columns_from_rows(profile: Profile, rows: Sequence[Mapping[str, Any]]) -> tuple[Column, ...]:
    """Without a schema (not fetched yet, or none), the rows decide as the schema would: the Name column shows the
    first name field the rows have, a curated column no row has gives way, and too few are topped up with the rows'
    own fields. Rows fetched before the document is known come whole (see listing.list_query)."""
    extra = cloudcasa.overlay(profile.collection)
    if profile.configured:
        return profile.columns
    present = _present(rows)
    name = next((f for f in (*extra.name_fields, *cloudcasa.NAME_FIELDS) if present(f)), profile.name_field)
    generic = generic_columns(None, rows, name)
    if not extra.columns:
        return tuple(generic)
    kept = [
        replace(c, key=name) if _names(i, c, extra) else c
        for i, c in enumerate(profile.columns)
        if _names(i, c, extra) or present(c.key)
    ]
    if len(kept) < min(FEWEST_COLUMNS, len(extra.columns)):
        shown = {c.key for c in kept}
        kept += [c for c in generic[1:] if c.key not in shown][: FEWEST_COLUMNS + 2]
    return tuple(kept)
