"""The `casatui` command: arguments, configuration, the embedded server for --demo, and starting the app."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casatui",
        description="Browse, edit and troubleshoot a CloudCasa organisation from a terminal.",
        epilog="The API token is read from $CLOUDCASA_API_TOKEN or a profile's token source, never from a flag "
        "(flags end up in shell history).",
    )
    parser.add_argument("--version", action="version", version=f"casatui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against an embedded CloudCasa-compatible server")
    parser.add_argument("--url", help="API root or host name (default: $CLOUDCASA_URL, else CloudCasa SaaS)")
    parser.add_argument("--resource", default="jobs", help="resource type to open first (default: jobs)")
    parser.add_argument("--where", default="", help="filter to open with, e.g. 'state:FAILED start_time>-24h'")
    parser.add_argument("--sort", default=None, help="sort to open with, e.g. -start_time")
    parser.add_argument("--read-only", action="store_true", help="refuse every write")
    parser.add_argument("--jobs", type=int, default=400, help="jobs the embedded server seeds (with --demo)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .api.client import CasaClient
    from .api.query import FilterError, parse_sort
    from .api.urls import RootError
    from .ui.navigation import Place
    from .ui.session import Session, Settings

    server: Any = None
    try:
        sort = parse_sort(args.sort) if args.sort else None
    except FilterError as error:
        print(f"casatui: --sort: {error}", file=sys.stderr)
        return 2
    if args.demo:
        from .demo import DemoServer, SeedOptions

        logging.getLogger("werkzeug").disabled = True
        server = DemoServer(seed_options=SeedOptions(jobs=args.jobs), activity=True).start()
        url, token, profile = server.api_root, server.token, "demo"
    else:
        url = args.url or os.environ.get("CLOUDCASA_URL")
        token = os.environ.get("CLOUDCASA_API_TOKEN", "")
        profile = "env"
    try:
        client = CasaClient(url, token, read_only=args.read_only)
    except RootError as error:
        print(f"casatui: {error}", file=sys.stderr)
        return 2
    from .ui.app import CasaApp

    settings = Settings(profile=profile, read_only=args.read_only)
    app = CasaApp(Session(client, settings), Place(args.resource, args.where, sort))
    try:
        app.run()
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
