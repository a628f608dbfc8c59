"""`python -m casatui.demo`: serve the embedded CloudCasa-compatible API until interrupted."""

from __future__ import annotations

import argparse
import sys

from .seed import MAX_JOBS, SeedOptions
from .server import DemoServer


def _job_count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_JOBS}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m casatui.demo",
        description="Serve a CloudCasa-compatible API (real Eve, in-memory data) for trying casatui.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    parser.add_argument("--token", help="API token clients must send (default: a random one, printed)")
    parser.add_argument("--jobs", type=_job_count, default=400, help=f"jobs to seed, 0-{MAX_JOBS} (default: 400)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (default: 1)")
    activity = parser.add_mutually_exclusive_group()
    activity.add_argument(
        "--activity",
        dest="activity",
        action="store_true",
        default=True,
        help="change documents on their own like CloudCasa does (default)",
    )
    activity.add_argument("--no-activity", dest="activity", action="store_false", help="keep the data still")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)

    server = DemoServer(
        host=args.host,
        port=args.port,
        token=args.token,
        seed_options=SeedOptions(seed=args.seed, jobs=args.jobs),
        activity=args.activity,
        log_requests=not args.quiet,
    )
    print(f"API root:  {server.api_root}", flush=True)
    print(f"OpenAPI:   {server.base_url}/api-docs", flush=True)
    print(f"Token:     {server.token}", flush=True)
    print(f"Try:       CLOUDCASA_URL={server.api_root} CLOUDCASA_API_TOKEN={server.token} casatui", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
