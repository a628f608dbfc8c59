"""What hostile answers cost: peak memory for a gzip bomb on each path that reads an answer, and how discovery's
time grows with the number of collections in /api-docs.

    python bench/hostile_answers.py [--bomb-mib 1024]

Each gzip-bomb measurement runs in a fresh process of its own (peak RSS from getrusage), against a small server
on a loopback port answering every request with the same gzip body (1 GiB of zeros packs into ~1 MB). Discovery
is timed in this process, as a ratio of 10,000 collections to 1,000 (linear is ~10).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import resource
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

PATHS = ("client", "prefetch", "discovery")


def gzip_zeros(mib: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    return b"".join([*(packer.compress(zeros) for _ in range(mib)), packer.flush()])


def serve(body: bytes) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def child(path: str, url: str) -> None:
    """One path reading the bomb; prints the peak RSS before and after, in MiB, and how it ended."""
    from casatui.api.client import CasaClient
    from casatui.api.discovery import discover

    client = CasaClient(url, "bench-token-0123456789")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome = "returned"
    try:
        if path == "prefetch":
            client.list_plain("jobs")
        elif path == "client":
            asyncio.run(client.list("jobs"))
        else:
            outcome = f"catalog {asyncio.run(discover(client)).source}"
    except Exception as error:  # what it ended with is part of the measurement
        outcome = f"{type(error).__name__}: {str(error)[:90]}"
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{before:.0f}\t{after:.0f}\t{outcome}")


def discovery_seconds(count: int) -> float:
    from casatui.api.discovery import parse_openapi

    schema = {"type": "object", "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}}
    listing = {"type": "object", "properties": {"_items": {"type": "array", "items": schema}}}
    answer = {"200": {"content": {"application/json": {"schema": listing}}}}
    paths: dict[str, Any] = {}
    for index in range(count):
        paths[f"/api/v1/things{index}"] = {"get": {"responses": answer}}
        paths[f"/api/v1/things{index}/{{id}}"] = {"get": {}, "patch": {}, "delete": {}}
    document = {"openapi": "3.0.0", "paths": paths}
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_openapi(document)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mib", type=int, default=1024)
    parser.add_argument("--child", choices=PATHS)
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url)
        return
    body = gzip_zeros(args.bomb_mib)
    server = serve(body)
    url = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    print(f"gzip bomb: {len(body) / 1e6:.2f} MB on the wire, {args.bomb_mib} MiB inflated")
    print(f"{'path':<10} {'RSS before':>11} {'peak RSS':>9}  outcome")
    for path in PATHS:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", path, "--url", url],
            capture_output=True,
            text=True,
            timeout=600,
        )
        line = (
            result.stdout.strip().splitlines()[-1] if result.stdout.strip() else f"\t\tcrashed: {result.stderr[-200:]}"
        )
        before, after, outcome = line.split("\t", 2)
        print(f"{path:<10} {before + ' MiB':>11} {after + ' MiB':>9}  {outcome}")
    server.shutdown()
    small, large = discovery_seconds(1_000), discovery_seconds(10_000)
    print(
        f"discovery: 1,000 collections {small * 1000:.0f} ms, 10,000 {large * 1000:.0f} ms, ratio {large / small:.1f}"
    )


if __name__ == "__main__":
    main()
