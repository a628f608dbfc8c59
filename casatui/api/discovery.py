"""Resource types from the server's OpenAPI document (`GET /api-docs`), or a built-in list when that fails.

Real generated specs are not always valid OpenAPI: every part that can be understood is used, and what cannot is
reported in `Catalog.problems`, never a reason to reject the whole document.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError
from .known import BUILTIN, KNOWN_ACTIONS
from .limits import LimitExceeded, parse_json
from .urls import name_problem

OPERATIONS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}
_TEMPLATE = re.compile(r"^\{[^}]*\}$")
_VERSION = re.compile(r"^v\d+$")
MAX_DEPTH = 12
# Fields read from one document, in all: `$ref`s (and YAML aliases) can make a small document describe a tree of
# 10^12 fields (10 properties referring to a schema of 10 properties, 12 levels deep). CloudCasa's has ~10,000.
MAX_FIELDS = 100_000
MAX_YAML_NODES = 2_000_000  # nodes of a YAML document once its aliases are expanded
MAX_DESCRIPTION = 2_000  # characters of a collection's description kept (the palette shows it on one line)


class DiscoveryError(ValueError):
    """The document cannot be read as OpenAPI at all."""


@dataclass(frozen=True)
class Field:
    """One field of a resource's documents (an object's holds its own), as the OpenAPI document describes it."""

    name: str
    type: str = "any"  # string, integer, number, boolean, object, array, objectid, datetime, any
    enum: tuple[Any, ...] = ()
    default: Any = None
    has_default: bool = False
    read_only: bool = False
    required: bool = False
    nullable: bool = False
    reference: str | None = None  # the collection an id points into
    description: str = ""
    fields: Mapping[str, Field] = field(default_factory=dict)  # of an object
    items: Field | None = None  # of an array


@dataclass(frozen=True)
class ResourceType:
    """One collection the server offers: what can be done with it, its actions and fields.

    `actions` are those the document lists (`/{id}/action/<x>` paths) or, where it lists none for the collection,
    `run` when it has a `run<title>` sibling collection (CloudCasa's document has `runkubebackup` while its clients
    `POST kubebackups/{id}/action/run`). `unlisted_actions` is True when there is such a sibling: a document of that
    convention does not describe the collection's actions, so one it does not name may still exist.
    """

    name: str  # the collection's path under the API root: "kubeclusters", "rbac/permissions"
    title: str
    operations: frozenset[str]
    actions: tuple[str, ...] = ()
    fields: Mapping[str, Field] = field(default_factory=dict)
    description: str = ""
    unlisted_actions: bool = False

    def can(self, operation: str) -> bool:
        return operation in self.operations

    def offers_action(self, name: str) -> bool:
        """Whether the document offers action `name`: it lists it, or does not describe this collection's actions."""
        return name in self.actions or self.unlisted_actions

    def field(self, path: str) -> Field | None:
        """A field by dotted path (`status.state`); array items are looked through."""
        current: Mapping[str, Field] = self.fields
        found: Field | None = None
        for part in path.split("."):
            found = current.get(part)
            if found is None:
                return None
            while found.type == "array" and found.items is not None:
                found = found.items
            current = found.fields
        return found

    def field_types(self) -> dict[str, str]:
        """Dotted path -> type, for the query language (relative times need to know epoch vs date)."""
        types = {"_id": "objectid", "_created": "datetime", "_updated": "datetime", "_etag": "string"}

        def walk(fields: Mapping[str, Field], prefix: str, depth: int) -> None:
            for name, spec in fields.items():
                path = f"{prefix}{name}"
                types.setdefault(path, spec.type)
                target = spec.items if spec.type == "array" and spec.items else spec
                if target.fields and depth < MAX_DEPTH:
                    walk(target.fields, f"{path}.", depth + 1)

        walk(self.fields, "", 0)
        return types


@dataclass
class Catalog:
    """The resource types, and where they came from (the server's document, or the built-in list)."""

    resources: dict[str, ResourceType]
    source: str  # "server" or "built-in"
    notice: str | None = None  # for the user: why the built-in list is used, or what was skipped
    problems: list[str] = field(default_factory=list)
    cached_at: float | None = None  # when it was kept, for a catalog read back from the last run (catalog_cache)


# -- reading the document -------------------------------------------------------------------------------


def _yaml_document(text: str) -> Any:
    """YAML text as Python values. Aliases are allowed (a YAML dump of a document with shared parts has them) but
    the document they describe is measured first: a few hundred bytes of nested aliases describe billions of nodes."""
    try:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        root = yaml.compose(text, Loader=loader)  # nodes, aliases shared: nothing is expanded yet
        if root is not None and _expanded_nodes(root, yaml.ScalarNode) > MAX_YAML_NODES:
            raise DiscoveryError(f"YAML whose aliases expand to more than {MAX_YAML_NODES:,} nodes")
        return yaml.load(text, Loader=loader)
    except DiscoveryError:
        raise
    except Exception as error:  # any YAML failure means: not a usable document
        raise DiscoveryError(f"not JSON or YAML ({type(error).__name__})") from None


def _expanded_nodes(root: Any, scalar: type) -> int:
    """How many nodes the YAML graph under `root` stands for once every alias is expanded (more than
    MAX_YAML_NODES for a recursive one), without expanding it: each node's count is computed once."""
    counts: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack[-1]
        children = (
            []
            if isinstance(node, scalar)
            else [n for item in node.value for n in (item if isinstance(item, tuple) else (item,))]
        )
        if id(node) not in entered:
            entered.add(id(node))
            stack.extend(child for child in children if id(child) not in entered)
            continue
        stack.pop()
        if id(node) not in counts:  # a child entered but not counted is an ancestor: a recursive document
            total = 1 + sum(counts.get(id(child), MAX_YAML_NODES + 1) for child in children)
            counts[id(node)] = min(total, MAX_YAML_NODES + 1)
    return counts[id(root)]


def load_document(document: Any) -> dict[str, Any]:
    """JSON or YAML text, or an already parsed object, as a dict."""
    if isinstance(document, bytes):
        document = document.decode("utf-8", "replace")
    if isinstance(document, str):
        text = document.strip()
        try:
            document = parse_json(text)
        except LimitExceeded as reason:
            raise DiscoveryError(f"JSON that {reason}") from None
        except ValueError:
            document = _yaml_document(text)
    if not isinstance(document, dict):
        raise DiscoveryError("not an OpenAPI object")
    if not isinstance(document.get("paths"), dict):
        raise DiscoveryError("no `paths` in the document")
    return document


def collection_path(server_path: str, path: str) -> list[str]:
    """Segments of a spec path under the API root: `/v1/kubeclusters` and `/api/v1/kubeclusters` (or `/kubeclusters`
    under a server URL ending in /api/v1) all give ['kubeclusters']."""
    segments = [s for s in (server_path.rstrip("/") + "/" + path.lstrip("/")).split("/") if s]
    if segments and segments[0] == "api":
        segments = segments[1:]
    if segments and _VERSION.match(segments[0]):
        segments = segments[1:]
    return segments


class _SchemaReader:
    """Turns OpenAPI schema objects into `Field`s, resolving `$ref`s, never failing on one bad part."""

    def __init__(self, document: dict[str, Any], problems: list[str]) -> None:
        components = document.get("components") if isinstance(document.get("components"), dict) else {}
        self.schemas: dict[str, Any] = components.get("schemas") or {} if isinstance(components, dict) else {}
        self.request_bodies: dict[str, Any] = (
            components.get("requestBodies") or {} if isinstance(components, dict) else {}
        )
        self.problems = problems
        self.fields_left = MAX_FIELDS
        self.title_to_collection: dict[str, str] = {}

    def resolve(self, node: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, str | None]:
        """(the schema a node stands for, the name of the last component schema on the way)."""
        name = None
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/components/") or ref in seen:
                self.problems.append(f"unresolvable or circular $ref {ref!r}")
                return {}, name
            seen = seen | {ref}
            kind, _, key = ref.removeprefix("#/components/").partition("/")
            table = {"schemas": self.schemas, "requestBodies": self.request_bodies}.get(kind, {})
            if key not in table:
                self.problems.append(f"$ref {ref!r} points nowhere")
                return {}, name
            node = table[key]
            if kind == "schemas":
                name = key
            elif isinstance(node, dict):  # a request body: its JSON schema
                node = ((node.get("content") or {}).get("application/json") or {}).get("schema", {})
        return node, name

    def reference_of(self, node: Any, schema_name: str | None) -> str | None:
        """The collection an id field points into: eve-swagger's `Kubecluster__id`, or our x-data-relation."""
        if isinstance(node, dict) and isinstance(node.get("x-data-relation"), dict):
            resource = node["x-data-relation"].get("resource")
            return resource if isinstance(resource, str) else None
        if schema_name and schema_name.endswith("__id"):
            return self.title_to_collection.get(schema_name[: -len("__id")])
        return None

    def field(self, name: str, node: Any, depth: int = 0, required: bool = False) -> Field:
        raw = node
        schema, schema_name = self.resolve(node)
        if not isinstance(schema, dict):
            self.problems.append(f"field {name!r}: schema is not an object")
            return Field(name)
        kind = schema.get("type")
        if isinstance(kind, list):  # OpenAPI 3.1 style ["string", "null"]
            kind = next((k for k in kind if k != "null"), "any")
        kind = kind if isinstance(kind, str) else ("object" if "properties" in schema else "any")
        if schema.get("format") == "objectid":
            kind = "objectid"
        elif kind == "string" and schema.get("format") in ("date-time", "date"):
            kind = "datetime"
        reference = self.reference_of(raw, schema_name) or self.reference_of(schema, None)
        if name == "_id":
            reference = None  # eve-swagger types a document's own id as a reference to itself
        children: dict[str, Field] = {}
        items: Field | None = None
        self.fields_left -= 1
        if self.fields_left == 0:
            self.problems.append(f"more than {MAX_FIELDS:,} fields in all: the rest are read without their fields")
        if depth < MAX_DEPTH and self.fields_left > 0:
            if kind == "object":
                children = self.fields(schema, depth + 1)
            elif kind == "array":
                items = self.field(f"{name}[]", schema.get("items", {}), depth + 1)
        enum = schema.get("enum")
        return Field(
            name=name,
            type=kind,
            enum=tuple(enum) if isinstance(enum, list) else (),
            default=schema.get("default"),
            has_default="default" in schema,
            read_only=bool(schema.get("readOnly")) or bool(isinstance(raw, dict) and raw.get("readOnly")),
            required=required,
            nullable=bool(schema.get("nullable")),
            reference=reference,
            description=str(schema.get("description") or ""),
            fields=children,
            items=items,
        )

    def fields(self, schema: Any, depth: int = 0) -> dict[str, Field]:
        schema, _ = self.resolve(schema)
        if not isinstance(schema, dict):
            return {}
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return {}
        required = set(schema.get("required") or []) if isinstance(schema.get("required"), list) else set()
        result: dict[str, Field] = {}
        for name, node in properties.items():
            if self.fields_left <= 0:
                break
            if not isinstance(name, str) or name in ("keysrules", "valuesrules"):
                continue  # Cerberus rules leaked into some generated specs
            try:
                result[name] = self.field(name, node, depth, name in required)
            except RecursionError:
                self.problems.append(f"field {name!r}: nested too deeply")
        return result


def _item_schema(collection_ops: Mapping[str, Any], item_ops: Mapping[str, Any], reader: _SchemaReader) -> Any:
    """The schema of one document of a collection, from the list answer, the item answer or the request body."""

    def json_schema(operation: Any, status: str) -> Any:
        try:
            return operation["responses"][status]["content"]["application/json"]["schema"]
        except (KeyError, TypeError):
            return None

    listing = json_schema(collection_ops.get("get"), "200")
    if listing is not None:
        listing, _ = reader.resolve(listing)
        try:
            return listing["properties"]["_items"]["items"]
        except (KeyError, TypeError):
            pass
    item = json_schema(item_ops.get("get"), "200")
    if item is not None:
        return item
    for operation in (collection_ops.get("post"), item_ops.get("put")):
        if isinstance(operation, dict) and isinstance(operation.get("requestBody"), dict):
            return operation["requestBody"]
    return None


def parse_openapi(document: Any) -> Catalog:
    """Every collection the document describes, with operations, actions and item schema."""
    spec = load_document(document)
    problems: list[str] = []
    servers = spec.get("servers")
    server_url = (
        servers[0].get("url", "") if isinstance(servers, list) and servers and isinstance(servers[0], dict) else ""
    )
    server_path = urlsplit(server_url).path if isinstance(server_url, str) else ""
    collections: dict[str, dict[str, Any]] = {}
    items: dict[str, dict[str, Any]] = {}
    actions: dict[str, list[str]] = {}
    for path, operations in spec["paths"].items():
        if not isinstance(path, str) or not isinstance(operations, dict):
            problems.append(f"path {path!r} is not an object")
            continue
        segments = collection_path(server_path, path)
        templates = [i for i, s in enumerate(segments) if _TEMPLATE.match(s)]
        if not segments:
            continue
        problem = name_problem("/".join(s for i, s in enumerate(segments) if i not in templates) or "?")
        if problem:  # "..", "%2e%2e", "?", "#", a control character: it would leave the API root
            problems.append(f"path {path[:100]!a} cannot be a collection: {problem}; skipped")
            continue
        if not templates:
            collections["/".join(segments)] = operations
        elif templates == [len(segments) - 1] and len(segments) > 1:
            items["/".join(segments[:-1])] = operations
        elif len(templates) == 1 and segments[templates[0] + 1 : templates[0] + 2] == ["action"]:
            base = "/".join(segments[: templates[0]])
            actions.setdefault(base, []).append("/".join(segments[templates[0] + 2 :]))
        else:
            problems.append(f"path {path} is not a collection, item or action: skipped")
    # `objectstores/provider-info` is an endpoint of a collection, not a collection: a name none of whose
    # leading parts is a collection itself (looked up in the dict, so discovery stays linear in the paths).
    names = sorted(
        name
        for name in collections
        if not any("/".join(name.split("/")[:end]) in collections for end in range(1, name.count("/") + 1))
    )
    reader = _SchemaReader(spec, problems)
    schemas: dict[str, Any] = {}
    titles: dict[str, str] = {}
    for name in names:
        schema = _item_schema(collections[name], items.get(name, {}), reader)
        schemas[name] = schema
        _, schema_name = reader.resolve(schema) if schema is not None else (None, None)
        title = schema_name or _tag(collections[name]) or name.rsplit("/", 1)[-1].capitalize()
        titles[name] = title
        reader.title_to_collection.setdefault(title, name)
    resources: dict[str, ResourceType] = {}
    for name in names:
        listed = tuple(actions.get(name, ()))
        runs = _has_run_sibling(name, titles[name], collections)
        ops = {verb for verb in ("get", "post") if verb in collections[name]}
        operations = {"list" if verb == "get" else "create" for verb in ops}
        operations |= {OPERATIONS[verb] for verb in items.get(name, {}) if verb in OPERATIONS}
        try:
            fields = reader.fields(schemas[name]) if schemas[name] is not None else {}
        except Exception as error:  # one broken schema must not lose the collection
            problems.append(f"{name}: schema not understood ({type(error).__name__})")
            fields = {}
        if schemas[name] is None:
            problems.append(f"{name}: no document schema; columns will come from the data")
        get = collections[name].get("get")
        described = get.get("description") if isinstance(get, dict) else None
        description = described[:MAX_DESCRIPTION] if isinstance(described, str) else ""
        resources[name] = ResourceType(
            name=name,
            title=titles[name],
            operations=frozenset(operations),
            actions=listed or (("run",) if runs else ()),
            fields=fields,
            description=description,
            unlisted_actions=runs,
        )
    notice = None
    if problems:
        notice = f"The server's API description has {len(problems)} part(s) casatui could not use; the rest is used."
    return Catalog(resources, "server", notice, problems)


def _has_run_sibling(name: str, title: str, collections: Mapping[str, Any]) -> bool:
    """CloudCasa's convention for running a definition: a `run<title>` collection (`runkubebackup` beside
    `kubebackups`, titled `Kubebackup`); Eve's default title of `awsrdscopies` is `Awsrdscopie`, its run collection
    `runawsrdscopy`, so the singular of the name counts too."""
    stem = name.rsplit("/", 1)[-1]
    singular = stem[:-3] + "y" if stem.endswith("ies") else stem.removesuffix("s")
    return any(f"run{candidate}" in collections for candidate in {title.lower(), singular})


def _tag(operations: Mapping[str, Any]) -> str | None:
    for operation in operations.values():
        if isinstance(operation, dict) and isinstance(operation.get("tags"), list) and operation["tags"]:
            tag = operation["tags"][0]
            return tag if isinstance(tag, str) else None
    return None


def builtin_catalog(reason: str) -> Catalog:
    resources = {
        name: ResourceType(name, title, frozenset(operations), KNOWN_ACTIONS.get(name, ()))
        for name, (title, operations) in BUILTIN.items()
    }
    return Catalog(resources, "built-in", f"{reason} Showing casatui's built-in list of CloudCasa collections.")


async def discover(client: Any) -> Catalog:
    """The catalog of `client`'s server: from `/api-docs`, or the built-in list with the reason why."""
    try:
        document = await client.api_docs()
    except ApiError as error:
        return builtin_catalog(f"The server's API description (/api-docs) could not be fetched: {error}")
    try:
        # In a thread: a real document has ~10,000 fields to read, and the event loop (the UI) keeps running.
        catalog = await asyncio.to_thread(parse_openapi, document)
    except DiscoveryError as error:
        return builtin_catalog(f"The server's API description (/api-docs) is unusable: {error}.")
    except Exception as error:  # a document no check foresaw: the built-in list, never a crash at start
        return builtin_catalog(f"The server's API description (/api-docs) is unusable ({type(error).__name__}).")
    if not catalog.resources:
        return builtin_catalog("The server's API description (/api-docs) lists no collections.")
    return catalog
