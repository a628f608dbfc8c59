"""`casatui apply COLLECTION -f FILE|-`: documents created, or replaced by id or name with If-Match, from a file.

Which stored document a document of the file is about: its `_id` when it has one (its name is then only data, and
may rename it), else its name (the profile's name field); none of that name: it is created. Without --patch the
file's document replaces the stored one (a PUT, as `kubectl replace` does): a field the file leaves out is removed,
and the line says which top-level ones were. With --patch it is merged into the stored one as Eve merges a PATCH:
objects field by field at every depth, anything else (a list, a value, null) replacing what is stored.

Each document is applied on its own: one failing (a 422, a conflict, an ambiguous name) does not stop the others,
since each is independent and a second run after the fix skips those already applied (they are "unchanged"). Only a
failure every later document would meet too (the token refused, no network) stops the run. The exit status is the
highest of the documents' statuses: 0 only when every one was applied or unchanged.

A protected profile asks once for the whole file: the collection's name typed on the terminal, or given with
--confirm COLLECTION; without either nothing is sent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..api.edits import SERVER_FIELDS, format_path, is_unchanged, plan_patch
from ..api.errors import ApiError, EtagMismatch, NotFound
from ..api.models import Item
from ..core.cloudcasa import SERVER_OWNED
from ..core.document_files import Unreadable, read_documents
from ..core.editing import creatable, non_finite_path
from ..core.formatting import lookup
from ..core.profiles import Profile
from ..core.safe_text import visible
from ..core.session import Session
from . import exits
from .confirm import confirmed, refuse_if_read_only
from .exits import CommandError
from .lookup import find, profile_for

STOPPING = (exits.AUTH, exits.NETWORK)  # every later document would fail the same way


def parse_documents(text: str, source: str) -> list[Any]:
    """The documents of a file (see `document_files`); anything unreadable is a usage error naming the place."""
    try:
        return read_documents(text)
    except Unreadable as error:
        raise CommandError(f"{source}: {error}", exits.USAGE) from None


def read_source(filename: str) -> str:
    if filename == "-":
        if sys.stdin is None:  # (stdin closed: nothing to read)
            return ""
        try:
            return sys.stdin.read()
        except UnicodeDecodeError:
            raise CommandError("stdin: not UTF-8 text", exits.USAGE) from None
    try:
        with open(filename, encoding="utf-8") as stream:
            return stream.read()
    except OSError as error:
        raise CommandError(f"-f {filename}: {error.strerror or error}", exits.USAGE) from None
    except UnicodeDecodeError:
        raise CommandError(f"-f {filename}: not UTF-8 text", exits.USAGE) from None


def merged(stored: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """`given` merged into `stored` as Eve merges a PATCH body: an object into an object field by field, at every
    depth; anything else replaces what is stored (null too: it sets null, it removes nothing)."""
    result = dict(stored)
    for key, value in given.items():
        before = result.get(key)
        result[key] = merged(before, value) if isinstance(before, dict) and isinstance(value, dict) else value
    return result


@dataclass(frozen=True)
class DocumentResult:
    """What came of one document of the file."""

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

    async def apply(self, document: Any, number: int) -> DocumentResult:
        which = f"document {number}"
        if not isinstance(document, dict):
            return DocumentResult(exits.USAGE, error=f"{which}: not an object ({type(document).__name__})")
        try:  # (keys as JSON has them: YAML allows others)
            document = json.loads(json.dumps(document, allow_nan=True))
        except (TypeError, ValueError) as error:
            return DocumentResult(exits.USAGE, error=f"{which}: not JSON data: {error}")
        bad = non_finite_path(document)
        if bad is not None:
            return DocumentResult(exits.USAGE, error=f"{which}: {bad} is not a JSON number (write a number, or null)")
        current, failure = await self.current(document, which)
        if failure is not None:
            return failure
        try:
            if current is None:
                return await self.create(document)
            return await self.replace(document, current)
        except ApiError as error:
            shown = self.label(document, current.id if current is not None else "")
            return DocumentResult(exits.status_of(error), error=f"{shown}: {self.client.scrub(str(error))}")

    async def current(self, document: dict[str, Any], which: str) -> tuple[Item | None, DocumentResult | None]:
        """The stored document this one is about (by `_id`, which wins, else by name), None for one to create."""
        item_id = document.get("_id")
        field = self.profile.name_field
        try:
            if item_id is not None:
                if not isinstance(item_id, str) or not item_id:
                    return None, DocumentResult(exits.USAGE, error=f"{which}: _id must be text")
                try:
                    return await self.client.get(self.collection, item_id), None
                except NotFound:
                    return None, DocumentResult(exits.NOT_FOUND, error=f"{self.label(document, item_id)}: no "
                                                "document has this _id (leave _id out to create it)")  # fmt: skip
            name = lookup(document, field)
            if name is None or name == "":
                return None, DocumentResult(exits.USAGE, error=f"{which}: neither an _id nor a {field} tells which "
                                            "document it is")  # fmt: skip
            if not isinstance(name, str):
                return None, DocumentResult(exits.USAGE, error=f"{which}: {field} must be text, not "
                                            f"{type(name).__name__} ({visible(json.dumps(name))[:40]})")  # fmt: skip
            try:
                return await find(self.session, self.profile, name, name_only=True), None
            except CommandError as error:
                if error.status == exits.NOT_FOUND:
                    return None, None
                result = DocumentResult(error.status, error=f"{self.label(document)}: {error}", details=error.details)
                return None, result
        except ApiError as error:
            return None, DocumentResult(exits.status_of(error), error=f"{which}: {self.client.scrub(str(error))}")

    async def create(self, document: dict[str, Any]) -> DocumentResult:
        if self.dry_run:
            refused = self.refused("create", document)
            return refused or DocumentResult(exits.OK, f"would create {self.label(document)}")
        item = await self.client.create(self.collection, creatable(document))
        # (Eve answers with the meta fields only)
        return DocumentResult(exits.OK, f"created {self.label(document, item.id)}")

    async def replace(self, document: dict[str, Any], current: Item) -> DocumentResult:
        # What the server owns (a CloudCasa `status`) is sent as stored: a PUT leaving it out would erase it, and
        # one changing it is refused; the file's copy may be older than the server's.
        given_fields = {key: value for key, value in document.items() if key not in SERVER_OWNED}
        desired = merged(current.data, given_fields) if self.patch else given_fields
        desired.update({key: current.data[key] for key in SERVER_OWNED if key in current.data})
        shown = self.label(desired, current.id)
        if is_unchanged(current.data, desired):
            return DocumentResult(exits.OK, f"unchanged {shown}")
        # (a PATCH merges, so removes nothing; a PUT removes what the file leaves out, which the line names)
        removed = [key for key in current.data if key not in desired and key not in SERVER_FIELDS]
        done = f"{shown} — removed: {visible(', '.join(removed))}" if removed else shown
        given = document.get("_etag")
        from_file = isinstance(given, str) and bool(given)
        etag = str(given) if from_file else current.etag
        operation, verb, would = ("update", "patched", "patch") if self.patch else ("replace", "replaced", "replace")
        unpatchable = self.unpatchable(current, desired, shown) if self.patch else None
        if self.dry_run:
            if etag != current.etag:
                return DocumentResult(exits.CONFLICT, error=f"{shown}: changed on the server since the file's _etag "
                                      "was read: applying it would be a conflict")  # fmt: skip
            refused = self.refused(operation, desired)
            return refused or unpatchable or DocumentResult(exits.OK, f"would {would} {done}")
        if unpatchable is not None:
            return unpatchable
        base = Item(self.collection, current.data, etag)
        try:
            if self.patch:
                await self.client.patch(base, desired)
            else:
                await self.client.replace(base, desired)
        except EtagMismatch:
            since = "since the file's _etag was read" if from_file else "while it was applied"
            why = f"{shown}: changed on the server {since}; nothing was written (get it again, or leave _etag out to "
            return DocumentResult(exits.CONFLICT, error=why + "replace whatever it holds now)")
        return DocumentResult(exits.OK, f"{verb} {done}")

    def unpatchable(self, current: Item, desired: dict[str, Any], shown: str) -> DocumentResult | None:
        """What a PATCH cannot write (an object over a stored value that is not one, which Eve fails to merge into),
        refused as the client refuses it, for --dry-run to say so too."""
        unsupported = plan_patch(current.data, desired).unsupported
        if not unsupported:
            return None
        paths = ", ".join(format_path(change.path) for change in unsupported)
        return DocumentResult(exits.REFUSED, error=f"{shown}: PATCH cannot write {visible(paths)} (an object over a "
                              "value that is not one); nothing was sent (apply without --patch replaces the whole "
                              "document)")  # fmt: skip

    def refused(self, operation: str, document: dict[str, Any]) -> DocumentResult | None:
        """A write the server's document does not offer, as the client would refuse it (for --dry-run)."""
        reason = self.client.permits.why_not(self.collection, operation)
        return DocumentResult(exits.REFUSED, error=f"{self.label(document)}: {reason}") if reason else None


def confirm_protected(session: Session, collection: str, count: int, given: str | None) -> None:
    """A protected profile's guard, once for the file: the collection's name, given with --confirm or typed."""
    profile = session.settings.profile
    documents = "1 document" if count == 1 else f"{count} documents"
    nothing = "nothing was sent"
    if given is not None:
        if given != collection:
            raise CommandError(f"--confirm {visible(given)!r} is not {collection!r}, the collection applied to; "
                               f"{nothing}", exits.USAGE)  # fmt: skip
        return
    prompt = f"{documents} to {collection} on the protected profile {visible(profile)}: type {collection} to go on: "
    no_terminal = (f"Profile {profile!r} is protected: to apply {documents} to {collection}, give --confirm "
                   f"{collection}; {nothing}")  # fmt: skip
    if not confirmed(prompt, (collection,), no_terminal=no_terminal):
        raise CommandError(f"The name typed is not {collection!r}; {nothing}", exits.USAGE)


async def run(args: Any, session: Session) -> int:
    source = "stdin" if args.filename == "-" else args.filename
    documents = parse_documents(read_source(args.filename), source)
    if not args.dry_run:
        refuse_if_read_only(session, "apply")
    profile = await profile_for(session, args.collection)
    if session.settings.protected and not args.dry_run:
        confirm_protected(session, profile.collection, len(documents), getattr(args, "confirm", None))
    applier = Applier(session, profile, dry_run=args.dry_run, patch=args.patch)
    worst = exits.OK
    for number, document in enumerate(documents, start=1):
        result = await applier.apply(document, number)
        if result.line:
            print(result.line, flush=True)
        if result.error:
            exits.say(result.error)
            for line in result.details:
                print(line, file=sys.stderr)
        worst = max(worst, result.status)
        if result.status in STOPPING and number < len(documents):
            exits.say(f"stopped: the {len(documents) - number} documents after it were not tried")
            break
    return worst
