"""`casatui apply COLLECTION -f FILE|-`: documents created, or replaced by id or name with If-Match, from a file.

Each document is applied on its own, like `kubectl apply`: one failing (a 422, a conflict, an ambiguous name) does
not stop the others, since each is independent and a second run after the fix skips those already applied (they are
"unchanged"). Only a failure every later document would meet too (the token refused, no network) stops the run.
The exit status is the highest of the documents' statuses: 0 only when every one was applied or unchanged.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from ..api.edits import SERVER_FIELDS, is_unchanged
from ..api.errors import ApiError, EtagMismatch, NotFound
from ..api.models import Item
from ..core.cloudcasa import SERVER_OWNED
from ..core.editing import non_finite_path
from ..core.formatting import lookup
from ..core.profiles import Profile
from ..core.safe_text import visible
from ..core.session import Session
from . import exits
from .exits import CommandError
from .lookup import find, profile_for

STOPPING = (exits.AUTH, exits.NETWORK)  # every later document would fail the same way


class _NotStandard(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotStandard(f"{name} is not a JSON number")


def _plain_yaml_loader() -> Any:
    """A safe loader that leaves timestamps as text (a date is a string to the API, never a Python datetime)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def parse_documents(text: str, source: str) -> list[Any]:
    """The documents of a file: one JSON object, a JSON array, JSON lines, or YAML (one or several documents, each
    an object or a list of them); text starting with { or [ is JSON only. Anything unreadable is a usage error
    naming the place."""
    stripped = text.strip()
    if not stripped:
        raise CommandError(f"{source} holds no document", exits.USAGE)
    json_error: json.JSONDecodeError | None = None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        json_error = error
    except _NotStandard as error:
        raise CommandError(f"{source}: {error} (write a number, or null)", exits.USAGE) from None
    else:
        return value if isinstance(value, list) else [value]
    if stripped.startswith("{"):  # JSON lines?
        try:
            return [json.loads(line, parse_constant=_refuse_constant) for line in text.splitlines() if line.strip()]
        except _NotStandard as error:
            raise CommandError(f"{source}: {error} (write a number, or null)", exits.USAGE) from None
        except json.JSONDecodeError:
            pass
    if json_error is not None and stripped.startswith(("{", "[")):  # JSON (YAML would read a slip as a null)
        where = f"line {json_error.lineno}, column {json_error.colno}"
        raise CommandError(f"{source}: not JSON: {where}: {json_error.msg}", exits.USAGE)
    import yaml

    try:
        loaded = list(yaml.load_all(text, Loader=_plain_yaml_loader()))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise CommandError(f"{source}: neither JSON nor YAML: {where}{problem}", exits.USAGE) from None
    documents: list[Any] = []
    for value in loaded:
        if isinstance(value, list):
            documents.extend(value)
        elif value is not None:  # an empty YAML document (a trailing ---)
            documents.append(value)
    if not documents:
        raise CommandError(f"{source} holds no document", exits.USAGE)
    return documents


def read_source(filename: str) -> str:
    if filename == "-":
        return sys.stdin.read()
    try:
        with open(filename, encoding="utf-8") as stream:
            return stream.read()
    except OSError as error:
        raise CommandError(f"-f {filename}: {error.strerror or error}", exits.USAGE) from None
    except UnicodeDecodeError:
        raise CommandError(f"-f {filename}: not UTF-8 text", exits.USAGE) from None


@dataclass(frozen=True)
class Outcome:
    status: int
    line: str = ""  # what was done, for stdout
    error: str = ""  # why not, for stderr
    details: tuple[str, ...] = ()


class Applier:
    def __init__(self, session: Session, profile: Profile, *, dry_run: bool, patch: bool) -> None:
        self.session = session
        self.client = session.client
        self.profile = profile
        self.collection = profile.collection
        self.dry_run = dry_run
        self.patch = patch

    def label(self, document: dict[str, Any], item_id: str = "") -> str:
        name = self.profile.name_of(document) if document else ""
        text = f"{self.collection}/{visible(name)}"
        return f"{text} ({visible(item_id)})" if item_id and item_id != name else text

    async def apply(self, document: Any, number: int) -> Outcome:
        which = f"document {number}"
        if not isinstance(document, dict):
            return Outcome(exits.USAGE, error=f"{which}: not an object ({type(document).__name__})")
        try:  # (keys as JSON has them: YAML allows others)
            document = json.loads(json.dumps(document, allow_nan=True))
        except (TypeError, ValueError) as error:
            return Outcome(exits.USAGE, error=f"{which}: not JSON data: {error}")
        bad = non_finite_path(document)
        if bad is not None:
            return Outcome(exits.USAGE, error=f"{which}: {bad} is not a JSON number (write a number, or null)")
        current, failure = await self.current(document, which)
        if failure is not None:
            return failure
        try:
            if current is None:
                return await self.create(document)
            return await self.replace(document, current)
        except ApiError as error:
            shown = self.label(document, current.id if current is not None else "")
            return Outcome(exits.status_of(error), error=f"{shown}: {self.client.scrub(str(error))}")

    async def current(self, document: dict[str, Any], which: str) -> tuple[Item | None, Outcome | None]:
        """The stored document this one is about (by `_id`, else by name), None for one to create."""
        item_id = document.get("_id")
        try:
            if item_id is not None:
                if not isinstance(item_id, str) or not item_id:
                    return None, Outcome(exits.USAGE, error=f"{which}: _id must be a string")
                try:
                    return await self.client.get(self.collection, item_id), None
                except NotFound:
                    return None, Outcome(exits.NOT_FOUND, error=f"{self.label(document, item_id)}: no document "
                                         "has this _id (leave _id out to create it)")  # fmt: skip
            name = lookup(document, self.profile.name_field)
            if not isinstance(name, str) or not name:
                return None, Outcome(exits.USAGE, error=f"{which}: neither an _id nor a {self.profile.name_field} "
                                     "tells which document it is")  # fmt: skip
            try:
                return await find(self.session, self.profile, name, name_only=True), None
            except CommandError as error:
                if error.status == exits.NOT_FOUND:
                    return None, None
                return None, Outcome(error.status, error=f"{self.label(document)}: {error}", details=error.details)
        except ApiError as error:
            return None, Outcome(exits.status_of(error), error=f"{which}: {self.client.scrub(str(error))}")

    async def create(self, document: dict[str, Any]) -> Outcome:
        body = {key: value for key, value in document.items() if key not in (*SERVER_FIELDS, *SERVER_OWNED)}
        if self.dry_run:
            refused = self.refused("create", document)
            return refused or Outcome(exits.OK, f"would create {self.label(document)}")
        item = await self.client.create(self.collection, body)
        return Outcome(exits.OK, f"created {self.label(document, item.id)}")  # (Eve answers with the meta fields only)

    async def replace(self, document: dict[str, Any], current: Item) -> Outcome:
        # What the server owns (a CloudCasa `status`) is sent as stored: a PUT leaving it out would erase it, and
        # one changing it is refused; the file's copy may be older than the server's.
        given_fields = {key: value for key, value in document.items() if key not in SERVER_OWNED}
        # --patch: the fields the file gives, over the rest as stored (PUT: the file is the whole document).
        desired = {**current.data, **given_fields} if self.patch else given_fields
        desired.update({key: current.data[key] for key in SERVER_OWNED if key in current.data})
        shown = self.label(desired, current.id)
        if is_unchanged(current.data, desired):
            return Outcome(exits.OK, f"unchanged {shown}")
        given = document.get("_etag")
        from_file = isinstance(given, str) and bool(given)
        etag = str(given) if from_file else current.etag
        operation, verb = ("update", "patched") if self.patch else ("replace", "replaced")
        if self.dry_run:
            if etag != current.etag:
                return Outcome(exits.CONFLICT, error=f"{shown}: changed on the server since the file's _etag was "
                               "read: applying it would be a conflict")  # fmt: skip
            refused = self.refused(operation, desired)
            return refused or Outcome(exits.OK, f"would {verb[:-1]} {shown}")
        base = Item(self.collection, current.data, etag)
        try:
            if self.patch:
                await self.client.patch(base, desired)  # (PatchNotPossible, a refusal, for a nested removal)
            else:
                await self.client.replace(base, desired)
        except EtagMismatch:
            since = "since the file's _etag was read" if from_file else "while it was applied"
            return Outcome(exits.CONFLICT, error=f"{shown}: changed on the server {since}; nothing was written "
                           "(get it again, or leave _etag out to replace whatever it holds now)")  # fmt: skip
        return Outcome(exits.OK, f"{verb} {shown}")

    def refused(self, operation: str, document: dict[str, Any]) -> Outcome | None:
        """A write the server's document does not offer, as the client would refuse it (for --dry-run)."""
        reason = self.client.permits.why_not(self.collection, operation)
        return Outcome(exits.REFUSED, error=f"{self.label(document)}: {reason}") if reason else None


async def run(args: Any, session: Session) -> int:
    source = "stdin" if args.filename == "-" else args.filename
    documents = parse_documents(read_source(args.filename), source)
    if session.client.read_only and not args.dry_run:
        raise CommandError("Read-only mode: apply writes, so nothing was sent (--dry-run says what it would do)",
                           exits.REFUSED)  # fmt: skip
    profile = await profile_for(session, args.collection)
    applier = Applier(session, profile, dry_run=args.dry_run, patch=args.patch)
    worst = exits.OK
    for number, document in enumerate(documents, start=1):
        outcome = await applier.apply(document, number)
        if outcome.line:
            print(outcome.line, flush=True)
        if outcome.error:
            exits.say(outcome.error)
            for line in outcome.details:
                print(line, file=sys.stderr)
        worst = max(worst, outcome.status)
        if outcome.status in STOPPING and number < len(documents):
            exits.say(f"stopped: the {len(documents) - number} documents after it were not tried")
            break
    return worst
