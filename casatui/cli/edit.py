"""`casatui edit COLLECTION NAME|ID [--patch]`: one document in the user's editor, saved with If-Match, like
`kubectl edit`.

The document is written to a private file and the editor opened on it. When the editor exits the file is read: an
unchanged file cancels; invalid JSON, a change to a field only the server writes, or the server's 422 opens the file
again with the problems in `// casatui:` lines at its top; a 412 is merged three ways: saved at once when the two
edits do not overlap, else opened again with the server's value of each overlapping field shown above yours. An
editor that keeps leaving the same problem (a script, not a person) is not reopened for ever: after the same problem
three times in a row, or twenty openings in all, the edit stops. Whenever the edit is not saved the file is kept
and its path printed; on success, or when nothing was typed, it is removed. Every message goes to stderr.

A protected profile asks for the document's name on the terminal (/dev/tty) before saving, unless --confirm NAME
gave it; with neither a terminal nor --confirm the edit is refused before the editor opens (exit 2).
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..api.edits import MISSING, SERVER_FIELDS, format_path
from ..api.errors import ValidationFailed
from ..api.models import Item
from ..core import editing
from ..core.editing import Method, ParseProblem, buffer_text, parse_buffer
from ..core.external_editor import EditFile, annotated, editor_command, run_editor, without_notes
from ..core.profiles import Profile
from ..core.safe_text import safe_json, visible
from ..core.session import Session
from . import exits
from .confirm import can_ask, check_given_name, confirmed, refuse_if_read_only
from .exits import CommandError
from .lookup import find, profile_for

HOW = "Lines starting with // casatui: are removed before saving."
AGAIN = "Save a change to try again; quit without changing the file to stop (nothing is sent, the file is kept)."
MERGES_IN_A_ROW = 3  # 412s met by saving a clean merge at once, before the file is opened again instead
SAME_PROBLEM_AT_MOST = 3  # the same problem left this many times in a row stops the edit (an editor in a loop)
OPENINGS_AT_MOST = 20  # openings of the editor in one edit, whatever the problems


def not_json(problem: ParseProblem, in_file: str = "") -> str:
    """The note for text that is not JSON; `in_file`: where the line is in the file, below the notes."""
    return f"This is not valid JSON at line {problem.line}{in_file}, column {problem.column}: {problem.message}."


class Editing:
    """One edit, from the first opening of the editor to its end: the version it is written over (`base`), the
    file, and what the next opening says at the file's top (`notes`)."""

    def __init__(
        self, session: Session, profile: Profile, base: Item, method: Method, file: EditFile, command: list[str],
        *, name_given: bool = False,
    ) -> None:  # fmt: skip
        self.session = session
        self.profile = profile
        self.base = base
        self.method = method
        self.file = file
        self.command = command  # the editor
        self.name_given = name_given  # --confirm NAME: a protected profile does not ask
        self.text = buffer_text(base.data)  # the buffer, without notes
        self.notes: list[str] = []
        self.unresolved = False  # the file was opened again on overlapping edits
        self.written = ""  # what the file held when the editor opened
        self.label = f"{profile.collection}/{visible(profile.name_of(base.data) or base.id)}"  # (as it was found)
        self.openings = 0
        self.problem: tuple[str, ...] = ()  # the last problem the file was reopened with
        self.repeats = 0  # how many times in a row it was that one

    def kept(self, why: str, status: int) -> int:
        exits.say(f"{why} Your edit is kept in {self.file.path}".lstrip())
        return status

    @property
    def typed_nothing(self) -> bool:
        """The file holds nothing the user typed: the document as read, opened once."""
        return self.openings <= 1 and not self.notes

    async def run(self) -> int:
        while True:
            if self.openings >= OPENINGS_AT_MOST or self.repeats >= SAME_PROBLEM_AT_MOST:
                return self.stopped()
            self.written = annotated(self.notes, self.text) if self.notes else self.text
            self.file.replace(self.written)
            self.openings += 1
            try:
                status = run_editor(self.command, self.file.path)
            except OSError as error:
                return self.kept(f"The editor {visible(self.command[0])} could not be started ({error.strerror}).",
                                 exits.FAILED)  # fmt: skip
            try:
                typed = self.file.read()
            except FileNotFoundError:
                exits.say("Edit cancelled (the file was removed): nothing was sent.")
                return exits.OK if status == 0 else exits.FAILED
            except UnicodeDecodeError:
                return self.kept("The file is not UTF-8 text any more; nothing was sent.", exits.FAILED)
            if status != 0:
                why = f"The editor exited with status {status}: nothing was sent."
                if typed == self.written and self.typed_nothing:
                    self.file.remove()
                    exits.say(why)
                    return exits.FAILED
                return self.kept(why, exits.FAILED)
            if typed == self.written:
                return self.unchanged()
            self.text = without_notes(typed)
            outcome = await self.attempt(self.text)
            if outcome is not None:
                return outcome

    def stopped(self) -> int:
        times = f"{self.repeats} times in a row" if self.repeats >= SAME_PROBLEM_AT_MOST else \
            f"after {self.openings} openings"  # fmt: skip
        return self.kept(f"Stopped: the editor left a problem {times} (the first note in the file says which); "
                         "nothing was sent.", exits.FAILED)  # fmt: skip

    def unchanged(self) -> int:
        if self.unresolved:
            return self.kept(f"Stopped: {self.label} changed on the server meanwhile and the overlapping fields were "
                             "left as they were; nothing was sent.", exits.CONFLICT)  # fmt: skip
        if self.notes:
            return self.kept("Stopped with the problems at the file's top unresolved; nothing was sent.", exits.FAILED)
        self.file.remove()
        exits.say("Edit cancelled, no changes made.")
        return exits.OK

    async def attempt(self, text: str) -> int | None:
        """Check and save the buffer: an exit status, or None to open the editor again (with `notes` set)."""
        parsed = parse_buffer(text)
        if isinstance(parsed, ParseProblem):
            above = len(annotated(self.notes_for(not_json(parsed)), "").splitlines())  # (one line either way)
            self.reopen(not_json(parsed, f" (line {parsed.line + above} of this file)"))
            return None
        refused = editing.refused_changes(self.base.data, parsed)
        if refused:
            self.reopen(f"{', '.join(refused)}: only the server writes these. Set them back as they were (or leave "
                        "out the ones starting with _); nothing was sent.")  # fmt: skip
            return None
        edited = {key: value for key, value in parsed.items() if key not in SERVER_FIELDS}
        if editing.is_unchanged(self.base.data, edited):
            self.file.remove()
            exits.say("Edit cancelled, no changes made.")
            return exits.OK
        if self.session.settings.protected and not self.name_given and not self.confirmed():
            return self.kept(f"Not saved: the name typed is not {self.name!r}.", exits.USAGE)
        return await self.save(edited)

    async def save(self, edited: dict[str, Any]) -> int | None:
        outcome = await editing.save(self.session.client, self.base, edited, self.method)
        merges = 0
        while isinstance(outcome, editing.Conflict) and outcome.merge.clean and merges < MERGES_IN_A_ROW:
            merges += 1
            taken = editing.theirs_paths(outcome)
            exits.say(f"{self.label} changed on the server meanwhile; merged with your edit "
                      f"(from the server: {', '.join(taken) or 'no field'}).")  # fmt: skip
            self.base = outcome.current
            outcome = await editing.save(self.session.client, self.base, outcome.merge.merged, self.method)
        return self.outcome(outcome)

    def outcome(self, outcome: editing.Outcome) -> int | None:
        """What came of a save: an exit status, or None to open the editor again."""
        scrub = self.session.client.scrub
        if isinstance(outcome, editing.Saved):
            self.base = outcome.item
            self.file.remove()
            exits.say(f"{self.label} saved with {outcome.method} (etag {outcome.item.etag}).")
            return exits.OK
        if isinstance(outcome, editing.NothingChanged):
            self.file.remove()
            exits.say("Edit cancelled, no changes made.")
            return exits.OK
        if isinstance(outcome, editing.Invalid):
            self.refused(outcome.error)
            return None
        if isinstance(outcome, editing.NotSent):
            self.reopen(visible(outcome.reason))
            return None
        if isinstance(outcome, editing.Conflict):
            if outcome.merge.clean:  # the server kept changing: let the user look at the merge
                self.base = outcome.current
                self.reopen(f"{self.label} kept changing on the server; this is your edit merged onto its current "
                            "version.")  # fmt: skip
                self.text = buffer_text(outcome.merge.merged)
                return None
            self.conflict(outcome)
            return None
        if isinstance(outcome, editing.Deleted):
            return self.kept(f"{self.label} was deleted on the server meanwhile; nothing was saved.", exits.NOT_FOUND)
        if isinstance(outcome, editing.Failed):
            exits.say(scrub(str(outcome.error)))
            return self.kept("Not saved.", exits.status_of(outcome.error))
        raise AssertionError(f"no outcome {outcome!r} after a save")  # (Rebased, StillEditing: resolve_conflict's)

    @staticmethod
    def notes_for(*problems: str) -> list[str]:
        return [*problems, HOW, AGAIN]

    def reopen(self, *problems: str, summary: str = "") -> None:
        """The next opening of the editor says `problems` first; stderr says `summary` (else the first problem)."""
        self.unresolved = False
        self.notes = self.notes_for(*problems)
        self.repeats = self.repeats + 1 if problems == self.problem else 1
        self.problem = problems
        if self.repeats < SAME_PROBLEM_AT_MOST and self.openings < OPENINGS_AT_MOST:
            exits.say(f"{summary or problems[0].splitlines()[0]} Opening the editor again.")
        else:
            exits.say(summary or problems[0].splitlines()[0])

    def refused(self, error: ValidationFailed) -> None:
        issues = [f"{visible(issue.path)}: {visible(issue.message)}" for issue in error.issues]
        said = "; ".join(issues) or visible(self.session.client.scrub(str(error)))
        self.reopen("The server refused it (422):", *(f"  {issue}" for issue in issues or [said]),
                    summary=f"The server refused it (422): {said}.")  # fmt: skip

    def conflict(self, conflict: editing.Conflict) -> None:
        """The file again with your value at each overlapping path, the server's shown above it."""
        self.base = conflict.current
        taken = editing.theirs_paths(conflict)
        notes = [f"{self.label} changed on the server while you edited it (412); your edit is merged onto its "
                 f"current version (etag {visible(conflict.current.etag)})."]  # fmt: skip
        if taken:
            notes.append(f"Changed on the server, and taken: {visible(', '.join(taken))}")
        for found in conflict.merge.conflicts:
            path = visible(format_path(found.path))
            theirs = "(removed)" if found.theirs is MISSING else safe_json(found.theirs, indent=2)
            yours = "you removed it" if found.yours is MISSING else "yours is below"
            notes.append(f"Both changed {path}: the server's value is {theirs}")
            notes.append(f"  ({yours}, and is what a save writes there.)")
        notes += [HOW, "Save a change (deleting these lines will do) to write what is below over the server's "
                  "version; quit without changing the file to stop (nothing is sent, the file is kept)."]  # fmt: skip
        self.notes = notes
        self.unresolved = True
        self.problem, self.repeats = (), 0
        self.text = buffer_text(editing.yours_kept(conflict))
        exits.say(f"{self.label} changed on the server meanwhile and both edits changed "
                  f"{', '.join(format_path(found.path) for found in conflict.merge.conflicts)}: "
                  "opening the editor again.")  # fmt: skip

    @property
    def name(self) -> str:
        return self.profile.name_of(self.base.data) or self.base.id

    def confirmed(self) -> bool:
        """The document's name typed on the terminal (whose presence was checked before the editor opened)."""
        return confirmed(f"The profile {visible(self.session.settings.profile)} is protected. Type the name of the "
                         f"document ({visible(self.name)}) to save it: ", (self.name,),
                         no_terminal=f"Not saved: no terminal to type {self.name!r} on.")  # fmt: skip


async def run(args: Any, session: Session) -> int:
    refuse_if_read_only(session, "edit")
    try:  # (before any file exists: a $EDITOR that cannot be run is a usage error, nothing to keep)
        command = editor_command()
    except ValueError as error:
        raise CommandError(str(error), exits.USAGE) from None
    profile = await profile_for(session, args.collection)
    method: Method = "PATCH" if args.patch else "PUT"
    if not profile.can("update" if args.patch else "replace"):
        other = " (--patch is)" if not args.patch and profile.can("update") else ""
        raise CommandError(f"Refused: the server's API document does not offer {method} on {profile.collection}"
                           f"{other}; nothing was sent.", exits.REFUSED)  # fmt: skip
    item = await find(session, profile, args.target)
    name_given = False
    if session.settings.protected:
        name = profile.name_of(item.data) or item.id
        shown = f"{profile.collection} {visible(name)}"
        name_given = check_given_name(getattr(args, "confirm", None), name, shown, "nothing was sent")
        if not name_given and not can_ask():
            raise CommandError(f"Profile {session.settings.profile!r} is protected: saving {shown} asks for its name "
                               "on a terminal, and there is none; give it with --confirm NAME. Nothing was sent.",
                               exits.USAGE)  # fmt: skip
    file = EditFile.create(f"{profile.collection}-{item.id}", buffer_text(item.data))
    editor = Editing(session, profile, item, method, file, command, name_given=name_given)
    try:
        return await editor.run()
    except (KeyboardInterrupt, asyncio.CancelledError):  # (Ctrl-C: asyncio.run cancels the command, then raises)
        if editor.file.path.exists():
            exits.say(f"Interrupted. Your edit is kept in {editor.file.path}")
        raise
    except Exception as error:  # a failure of casatui itself: what was typed stays, and where is said
        if not editor.file.path.exists():
            raise
        exits.say(f"casatui failed: {type(error).__name__}: {error}; your edit is kept in {editor.file.path}")
        return exits.FAILED
