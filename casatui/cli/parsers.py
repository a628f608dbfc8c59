"""The subcommands' flags, in one place and without importing what runs them (the TUI's start-up parses these too).

Each subcommand is run by the module of its name beside this one (`api-docs` by `api_docs`): its `run(args, session)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .exits import EPILOG as EXIT_EPILOG
from .formats import FORMATS, PAGE_SIZE

TARGET_HELP = "one document: its name, or its 24-hex-digit id"


class Formatter(argparse.HelpFormatter):
    """Descriptions wrapped to the terminal; text already laid out in lines (the examples, the exit statuses) as
    it is."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text.strip("\n"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def add_commands(parser: argparse.ArgumentParser, shared: Callable[..., None]) -> None:
    """The subcommands, for scripts and pipes; none opens the TUI. `shared` adds the flags every command shares."""
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands (without one: the TUI)")

    def command(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=description or help[:1].upper() + help[1:] + ".",
                                  epilog=EXIT_EPILOG, formatter_class=Formatter)  # fmt: skip
        return sub

    def collection(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("collection", metavar="COLLECTION", help="e.g. jobs, kubebackups, kubeclusters")

    def target(sub: argparse.ArgumentParser, *, optional: bool = False) -> None:
        sub.add_argument("target", metavar="NAME|ID", nargs="?" if optional else None, help=TARGET_HELP)

    get = command(
        "get",
        "list a collection, or show one document, as a table, JSON, YAML, CSV or names",
        "Documents of a collection, by the profile casatui shows it with. JSON when stdout is not a terminal, "
        "unless -o says otherwise.",
    )
    collection(get)
    target(get, optional=True)
    get.add_argument("--where", default=argparse.SUPPRESS, help="filter, as in the TUI: 'state:FAILED start_time>-24h'")
    get.add_argument("--sort", default=argparse.SUPPRESS, help="sort, e.g. -start_time (default: the profile's)")
    count = get.add_mutually_exclusive_group()
    count.add_argument("--limit", type=int, metavar="N", help=f"at most N documents (default: {PAGE_SIZE})")
    count.add_argument("--all", action="store_true", help="every document, page by page (streamed)")
    get.add_argument("-o", "--output", choices=FORMATS, help="table, json, jsonl, yaml, csv or name")
    get.add_argument("--any-field", action="store_true",
                     help="send a filter naming fields the server's schema lacks (else an error, exit 2)")  # fmt: skip

    describe = command(
        "describe",
        "one document for troubleshooting: its fields, what it refers to by name, and a definition's latest jobs",
    )
    collection(describe)
    target(describe)
    describe.add_argument("--last", type=int, default=10, metavar="N", help="a definition's jobs shown (default: 10)")

    edit = command(
        "edit",
        "edit one document in $CASATUI_EDITOR, $VISUAL or $EDITOR, saved with If-Match",
        "Like kubectl edit: the document in a private temporary file, opened in $CASATUI_EDITOR, else $VISUAL, else "
        "$EDITOR, else vi. Saved with If-Match when the editor exits; invalid JSON or the server's refusal reopens the "
        "file with the errors at its top; a change on the server meanwhile is merged when the two edits do not "
        "overlap. Whenever the edit is not saved, the file is kept and its path printed.",
    )
    collection(edit)
    target(edit)
    edit.add_argument("--patch", action="store_true", help="save with PATCH (the changed fields) instead of PUT")
    edit.add_argument("--confirm", metavar="NAME", help="the document's name, which a protected profile asks for")

    apply = command(
        "apply",
        "create documents, or replace them by name or id with If-Match, from a JSON or YAML file",
        "Each document of FILE (one object, a list, JSON lines, or YAML documents) replaces the one of its _id, "
        "else the one of its name, or is created when there is none. Replacing is with If-Match: the file's _etag "
        "when it holds one (a change made on the server since it was read is then a conflict, exit 5), else the "
        "current one. Without --patch the file replaces the stored document (PUT): fields it leaves out are removed, "
        "and named on its line; --patch merges it in at every depth, as Eve's PATCH does. Server-owned fields "
        "(_etag, _created, status, ...) are never sent as the file has them. One line per document: created, "
        "replaced, unchanged (nothing sent), or why not; a failing document does not stop the others, and the exit "
        "status is the highest of theirs. A protected profile asks for the collection's name once.",
    )
    collection(apply)
    apply.add_argument("-f", "--filename", metavar="FILE", required=True, help="a file, or - for stdin")
    apply.add_argument("--dry-run", action="store_true", help="say what would be created or replaced; send nothing")
    apply.add_argument("--confirm", metavar="COLLECTION",
                       help="the collection's name, which a protected profile asks for (else typed)")  # fmt: skip
    apply.add_argument(
        "--patch", action="store_true", help="change only the fields each document gives, with PATCH (else: PUT)"
    )

    delete = command(
        "delete",
        "delete one document, with If-Match; asks first unless --yes",
        "Deletes one document with If-Match (a change on the server since it was read: exit 5). Asks on the "
        "terminal first unless --yes or --confirm NAME; with no terminal to ask on, refuses without them (exit 2). "
        "A protected profile needs the document's name, typed or given with --confirm, even with --yes.",
    )
    collection(delete)
    target(delete)
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask")
    delete.add_argument("--confirm", metavar="NAME",
                        help="the document's name: confirms as --yes does, and a protected profile needs it (or the "
                        "name typed) even with --yes")  # fmt: skip

    run = command(
        "run",
        "run a backup or copy definition now and print the job it started",
        "Starts a job now (the definition's run action). With --wait, follows the job to its end with a progress "
        "line on stderr; the exit status is then 0 when it succeeded, 10 when it did not, and 11 when --timeout "
        "passed first. A job that does not show after the run started: how to find it is said, and the exit "
        "status is 0 without --wait, 1 with it (11 once --timeout passed).",
    )
    collection(run)
    target(run)
    run.add_argument("--wait", action="store_true", help="follow the job to its end; its state is the exit status")
    run.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="with --wait: stop waiting after this long (exit 11)"
    )
    run.add_argument("-o", "--output", choices=("text", "json"), help="text (default) or json")
    run.add_argument("--confirm", metavar="NAME",
                     help="the definition's name, which a protected profile asks for (else typed)")  # fmt: skip

    overview = command("overview", "the overview's data: clusters, the last day's jobs, storage, what needs attention")
    overview.add_argument("-o", "--output", choices=("text", "json"), help="text (default) or json")

    docs = command("api-docs", "the server's OpenAPI document, as received")
    docs.add_argument("-o", "--output", choices=("json", "yaml"), help="json (default) or yaml")

    info = command("info", "the config file, profile, API root and token source in use (never the token)")
    info.add_argument("-o", "--output", choices=("text", "json"), help="text (default) or json")

    completion = command(
        "completion",
        'a shell completion script: eval "$(casatui completion bash)"',
        "Prints a script that completes casatui's commands, flags, profiles and collection names (from the API "
        "document kept at the last connection: completing never sends a request).",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    # what the script runs on each TAB: the candidates for the words on stdin, one a line, up to the one completed
    # (on stdin, not as arguments: argparse would read a "--" or a "-h" among them as its own)
    completion.add_argument("--words", action="store_true", help=argparse.SUPPRESS)

    for sub in commands.choices.values():
        if sub is not completion:
            shared(sub, suppress=True)
