"""The `casatui` command: arguments, configuration, the embedded server for --demo, and starting the app.

Every problem with the flags or the configuration is reported on one line on stderr, with a non-zero exit, before
any screen opens.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import IO, Any, NoReturn

from .. import __version__
from ..core.private_files import UnsafeFileError, open_private
from .exits import EPILOG as EXIT_EPILOG
from .parsers import Formatter, add_commands

EPILOG = """\
The API token is never a flag (flags end up in shell history and process lists). It comes from
$CLOUDCASA_API_TOKEN, or from the profile's token source in the config file: token_env (a variable),
token_command (a command printing it, like kubectl's exec credentials), or token (only in a file only
you can read). Precedence: flags > environment > profile > defaults.

Config file: --config FILE, else $CASATUI_CONFIG, else config.toml in the user config directory (`casatui info`
says which). See the README.
Examples:
  casatui --demo                                   try it on an embedded CloudCasa-compatible server
  CLOUDCASA_API_TOKEN=… casatui --url cc.example.com
  casatui --profile prod --read-only --resource jobs --where 'state:FAILED start_time>-24h'
  casatui get jobs --where 'state:FAILED start_time>-24h' --all -o json
  casatui -p prod get kb                           kb, pol, cl, job…: short names; add yours in [aliases]
"""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, like every other problem (argparse prints the whole usage first)."""
        self.exit(2, f"casatui: {visible(message)} (casatui --help lists the flags)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="casatui",
        description="Browse, edit and troubleshoot a CloudCasa organisation from a terminal.",
        epilog=EPILOG + "\n" + EXIT_EPILOG,
        formatter_class=Formatter,
    )
    parser.add_argument("--version", action="version", version=f"casatui {__version__}")
    add_shared_flags(parser)
    start = parser.add_argument_group("where to start")
    start.add_argument("--resource", help="resource type (or its alias) to open first (default: the overview)")
    start.add_argument("--where", default="", help="filter to open with, e.g. 'state:FAILED start_time>-24h'")
    start.add_argument("--sort", default=None, help="sort to open with, e.g. -start_time")
    add_commands(parser, add_shared_flags)
    return parser


def add_shared_flags(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The flags of the TUI and of every subcommand. A subcommand's copy leaves out what was not given
    (`suppress`), so `casatui --read-only get jobs` and `casatui get jobs --read-only` mean the same."""

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    connect = parser.add_argument_group("connection")
    connect.add_argument("--demo", action="store_true", default=default(False),
                         help="run against an embedded CloudCasa-compatible server")  # fmt: skip
    connect.add_argument(
        "-p", "--profile", default=default(None), help="profile of the config file to use ($CASATUI_PROFILE)"
    )
    connect.add_argument("--config", metavar="FILE", default=default(None),
                         help="the config file to read ($CASATUI_CONFIG; default: config.toml in the user config "
                         "directory)")  # fmt: skip
    connect.add_argument(
        "--url", default=default(None), help="API root or host name ($CLOUDCASA_URL; default: CloudCasa SaaS)"
    )
    connect.add_argument("--ca-cert", metavar="FILE", default=default(None),
                         help="CA bundle for a self-hosted server's certificate")  # fmt: skip
    connect.add_argument(
        "--insecure", action="store_true", default=default(None), help="do not verify TLS certificates"
    )
    connect.add_argument(
        "--allow-http",
        action="store_true",
        default=default(None),
        help="allow plain http:// to a host other than this one (the token crosses unencrypted)",
    )
    safety = parser.add_argument_group("safety")
    safety.add_argument(
        "--read-only",
        action="store_true",
        default=default(None),
        help="refuse every write, inside the client, before anything is sent ($CASATUI_READ_ONLY)",
    )
    safety.add_argument(
        "--ignore-api-docs",
        action="store_false",
        dest="trust_api_docs",
        default=default(None),
        help="send writes the server's /api-docs does not offer (for a document that is wrong; the server decides)",
    )
    safety.add_argument(
        "--log-file",
        metavar="FILE",
        default=default(None),
        help="append every request (method, URL, status, latency, etag) as JSON lines; never the token",
    )
    demo = parser.add_argument_group("embedded server (with --demo)")
    demo.add_argument("--jobs", type=int, default=default(400), help="jobs to seed, 0-100000 (default: 400)")
    demo.add_argument("--no-activity", action="store_true", default=default(False), help="keep the demo data still")


class RequestLog:
    """--log-file: one JSON line per request; headers are not written at all, so no token can be."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, exchange: Any) -> None:
        record = {
            "time": exchange.started,
            "method": exchange.method,
            "url": exchange.url,
            "status": exchange.status,
            "latency_ms": round(exchange.latency_ms, 1),
            "size": exchange.size,
            "etag": exchange.etag,
            "error": exchange.error,
            "attempt": exchange.attempt,
        }
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()


def dash_values_joined(argv: list[str]) -> list[str]:
    """`--sort -start_time` as `--sort=-start_time`: argparse takes a value that starts with "-" for an option and
    refuses it ("expected one argument"); a descending sort always starts with one."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        flag, value = argv[index], argv[index + 1] if index + 1 < len(argv) else ""
        if flag in ("--sort", "--where") and value.startswith("-") and not value.startswith("--"):
            joined.append(f"{flag}={value}")
            index += 2
        else:
            joined.append(flag)
            index += 1
    return joined


def make_client(resolved: Any, *, demo: bool = False) -> Any:
    from ..api.client import CasaClient

    return CasaClient(
        resolved.url,
        resolved.token,
        verify=resolved.verify,
        timeouts=resolved.timeouts,
        read_only=resolved.read_only,
        trust_api_docs=resolved.trust_api_docs,
        allow_http=resolved.allow_http or demo,
        auth_hint=resolved.describe_auth(),
    )


def make_session(client: Any, resolved: Any, state: Path, listeners: list[Any]) -> Any:
    from ..core.aliases import Aliases
    from ..core.session import Session, Settings

    client.listeners.extend(listeners)
    settings = Settings(
        profile=resolved.profile,
        read_only=resolved.read_only,
        protected=resolved.protected,
        auto_refresh_seconds=resolved.auto_refresh_seconds,
        columns=resolved.columns,
        sorts=resolved.sort,
        theme=resolved.theme,
        themes=resolved.themes,
        keys=resolved.keys,
        token_source=resolved.token_source.describe(),
        aliases=Aliases(resolved.aliases, origin=resolved.aliases_origin),
        external_editor=resolved.external_editor,
    )
    return Session(client, settings, state_dir=state)


def start_collection(session: Any, resource: str) -> str:
    """The collection `--resource` names, itself or by an alias: among the kept document's collections when one is
    kept, else as the alias table says (a name the server turns out not to have is said by the explorer)."""
    catalog = session.catalog
    return str(session.settings.aliases.resolve(resource, catalog.resources if catalog is not None else None))


def visible(text: str) -> str:
    """Control and invisible characters as escapes: a message may quote a flag or a file, and stderr is a terminal."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def fail(message: str) -> int:
    print(f"casatui: {visible(message)}", file=sys.stderr)
    return 2


def check_flags(args: argparse.Namespace) -> str | None:
    """What is wrong with the text flags, before any is used, or None: each must be text (argv can hold bytes that are
    not UTF-8), printable, and not empty; `--resource` names one collection, inside the API root."""
    from ..config import COLLECTION_NAME

    for name in ("profile", "config", "url", "ca_cert", "log_file", "resource", "where", "sort"):
        value, flag = getattr(args, name), "--" + name.replace("_", "-")
        if value is None:
            continue
        if not value.strip() and name != "where":
            return f"{flag} is empty"
        if any("\ud800" <= char <= "\udfff" for char in value):  # how Python keeps bytes that are not UTF-8
            return f"{flag} holds bytes that are not UTF-8 text"
        if any(not char.isprintable() for char in value):
            return f"{flag} holds a control character or an invisible one"
    if args.resource is not None and not COLLECTION_NAME.fullmatch(args.resource):
        return f"--resource {args.resource!r} is not a collection name (letters, digits, _ . -), like jobs"
    for name in ("collection", "target"):
        value = getattr(args, name, None)
        if value is None:
            continue
        if not value.strip() or any(not char.isprintable() for char in value):
            return f"{name.upper()} {value!r} is empty, or holds a control character or an invisible one"
    collection = getattr(args, "collection", None)
    if collection is not None and not COLLECTION_NAME.fullmatch(collection):
        return f"{collection!r} is not a collection name (letters, digits, _ . -), like jobs"
    if getattr(args, "limit", None) is not None and args.limit < 1:
        return "--limit must be 1 or more"
    return None


def run_command(args: argparse.Namespace, config_file: Path | None, resolved: Any, client: Any, state: Path,
                listeners: list[Any]) -> int:  # fmt: skip
    """A subcommand, to its end: one line on stderr and its exit status for any failure, never a traceback."""
    import asyncio

    from . import exits

    if args.command == "info":  # sends nothing
        from . import info

        return info.run(args, resolved, config_file, state)

    from ..api.errors import ApiError

    # (the import statement's machinery, not importlib's: -X importtime then lists the command's module)
    module = __import__(f"{__name__}.{args.command.replace('-', '_')}", fromlist=["run"])

    async def command() -> int:
        async with client:
            session = make_session(client, resolved, state, listeners)
            session.settings.keep_catalog = not args.demo  # the demo's port, and so its root, is new each run
            try:
                return int(await module.run(args, session))
            except exits.CommandError as error:
                exits.say(str(error))
                for line in error.details:
                    print(line, file=sys.stderr)
                return error.status
            except ApiError as error:
                return exits.fail(error, client.scrub)

    import os

    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:  # closed by the caller (`<&-`, `>&-`): as if it were /dev/null
            setattr(sys, name, open(os.devnull, mode))  # noqa: SIM115 (for the rest of the process)
    try:
        status = asyncio.run(command())
        sys.stdout.flush()  # here, where a full disk can still be said (at exit Python only warns)
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `casatui get … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python flushes stdout at exit)
        return exits.OK
    except OSError as error:  # a file, or the output (a full disk, a closed descriptor), that cannot be written
        if error.filename is not None:
            exits.say(f"{error.filename}: {error.strerror or error}")
            return exits.FAILED
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        exits.say(f"cannot write the output: {error.strerror or error}")
        return exits.FAILED


TOKENLESS = ("info", "completion", "api-docs")  # commands that send no request, or only for /api-docs (public)


def check_token(args: argparse.Namespace, resolved: Any) -> str | None:
    """No token at all, before any request: every request but /api-docs would be a 401. Said now, on one line and
    with what to set, as `gh` does without credentials, rather than in a screen of refusals (or an exit 7 that reads
    like a wrong token)."""
    if resolved.token_source.kind != "none" or args.command in TOKENLESS:
        return None
    return (
        f"no API token for profile {resolved.profile}: set $CLOUDCASA_API_TOKEN, or token_command, token_env or "
        "token_keyring in the profile (`casatui info` shows which profile, URL and token source are used)"
    )


def check_ui_settings(config: Any) -> str | None:
    """What the UI checks of the config as it starts (it needs Textual and the action registry): the user's themes,
    every profile's `theme` (not only the chosen one's) and the `[keys]`."""
    from ..config import ConfigError
    from ..ui import keymap, themes

    try:
        themes.check(config)
        keymap.check(config.keys, str(config.path))
    except ConfigError as error:
        return str(error)
    return None


def main(argv: list[str] | None = None) -> int:
    from ..core import startup

    startup.pause()  # until the first rows are painted (see core/startup.py)
    args = build_parser().parse_args(dash_values_joined(sys.argv[1:] if argv is None else argv))
    if args.command == "completion":  # at every TAB: from what is kept on disk, before the filter's and sort's parsers
        from . import completion

        startup.resume()
        return completion.run(args)
    from ..api.query import FilterError, parse_filter
    from ..api.sort import parse_sort
    from ..config import ConfigError, Flags, Resolved, aliases_origin, load_config, resolve, state_dir

    problem = check_flags(args)
    if problem:
        return fail(problem)
    try:
        sort = parse_sort(args.sort) if args.sort else None
    except FilterError as error:
        return fail(f"--sort: {error}")
    try:
        parse_filter(args.where)
    except FilterError as error:
        return fail(f"--where: {error}")
    if not 0 <= args.jobs <= 100_000:
        return fail("--jobs must be between 0 and 100000")
    log_stream: IO[str] | None = None
    if args.log_file:
        try:
            log_stream = open_private(args.log_file, append=True)  # 0600, never through a planted link
        except UnsafeFileError as error:
            return fail(f"--log-file: {error}")
        except OSError as error:
            return fail(f"--log-file {args.log_file}: {error.strerror or error}")
    state = state_dir()
    if state.exists() and not state.is_dir():
        return fail(f"the state directory {state} is not a directory ($CASATUI_STATE_DIR names it, if set)")
    server: Any = None
    try:
        config = load_config(Path(args.config).expanduser(), origin="--config") if args.config else load_config()
        if args.demo:
            try:
                from ..demo import DemoServer, SeedOptions
            except ImportError as error:
                return fail(f"--demo needs the embedded server's packages ({error.name} is missing): "
                            "pip install 'casatui[demo]', or from a clone: pip install '.[demo]'")  # fmt: skip

            logging.getLogger("werkzeug").disabled = True
            if sys.stderr.isatty():  # a person waits: seeding 100000 jobs takes seconds, with nothing on the screen
                print(f"casatui: seeding {args.jobs} jobs for the demo server…", file=sys.stderr, flush=True)
            server = DemoServer(seed_options=SeedOptions(jobs=args.jobs), activity=not args.no_activity).start()
            resolved = Resolved("demo", server.api_root, server.token, read_only=bool(args.read_only),
                                trust_api_docs=args.trust_api_docs is not False, aliases=config.aliases,
                                external_editor=bool(config.ui.external_editor),
                                aliases_origin=aliases_origin(config))  # fmt: skip
        else:
            flags = Flags(
                profile=args.profile,
                url=args.url,
                read_only=args.read_only,
                trust_api_docs=args.trust_api_docs,
                ca_cert=args.ca_cert,
                insecure=args.insecure,
                allow_http=args.allow_http,
            )
            resolved = resolve(config, flags)
            problem = check_token(args, resolved)
            if problem:
                if log_stream is not None:
                    log_stream.close()
                return fail(problem)
        client = make_client(resolved, demo=args.demo)
    except ConfigError as error:
        if server is not None:
            server.stop()
        return fail(str(error))
    listeners = [RequestLog(log_stream)] if log_stream is not None else []
    if args.command is not None:
        startup.resume()  # nothing to paint: the collector is not paused for a command
        try:
            return run_command(args, config.path, resolved, client, state, listeners)
        finally:
            if server is not None:
                server.stop()
            if log_stream is not None:
                log_stream.close()

    def connect(profile: str) -> Any:
        """The session of another profile, for switching inside the app (same flags, that profile's settings)."""
        other = resolve(config, Flags(profile=profile, read_only=args.read_only, trust_api_docs=args.trust_api_docs))
        problem = check_token(args, other)
        if problem:
            raise ConfigError(problem)  # shown in the app; the profile on screen stays
        return make_session(make_client(other), other, state, listeners)

    from ..core.cloudcasa import JOBS
    from ..core.navigation import Place

    session = make_session(client, resolved, state, listeners)
    session.settings.keep_catalog = not args.demo  # the demo's port, and so its root, is new each run
    session.restore_catalog()  # the document as read last time: the first request and frame follow it
    collection = start_collection(session, args.resource) if args.resource else JOBS
    # The first page is fetched in a thread while Textual is imported and the screen laid out.
    session.startup.prefetch(client, session.profile_of(collection), args.where, sort, session.settings.page_size)
    from ..ui.app import CasaApp

    problem = check_ui_settings(config)  # here, where Textual is imported anyway, not before the first page is asked
    if problem:
        if server is not None:
            server.stop()
        return fail(problem)
    profiles = [] if args.demo else sorted(config.profiles)
    start = Place(collection, args.where, sort)
    app = CasaApp(session, start, profiles=profiles, connect=connect, overview_first=args.resource is None)
    try:
        app.run()
    finally:
        if server is not None:
            server.stop()
        if log_stream is not None:
            log_stream.close()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
