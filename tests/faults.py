"""A misbehaving HTTP server on loopback, scripted per request, for faults the embedded server cannot produce.

with FaultServer(upstream=demo.base_url) as faults:
    faults.push(Respond(502, HTML_502), Slow(2.0), ResetMidBody())
    client = CasaClient(faults.base_url + "/api/v1", token)   # 1st request: 502, 2nd: slow, 3rd: reset,
                                                               # later ones go to the real server
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"


@dataclass
class Respond:
    """Answer with this status, body and headers (a dict body is sent as JSON)."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            kind = "text/html" if self.body.lstrip().startswith("<") else "application/json"
            return self.body.encode(), kind
        return bytes(self.body), "application/octet-stream"


@dataclass
class Slow:
    """Wait `delay` seconds, then answer as `then` (or forward upstream when None)."""

    delay: float
    then: Respond | None = None


@dataclass
class ResetMidBody:
    """Send the status line, headers promising `length` bytes and part of a body, then reset the connection."""

    status: int = 200
    length: int = 10_000
    partial: bytes = b'{"_items": [{"name": "half'


@dataclass
class Forward:
    """Pass the request to the upstream server (what happens when the script is empty)."""


@dataclass
class Flood:
    """A 200 answer whose body is `head` then `size` bytes of `filler`, written as it goes (never held whole):
    with the default filler, the start of an Eve list padded with JSON whitespace."""

    size: int
    head: bytes = b'{"_items": ['
    filler: bytes = b" " * 65536
    headers: dict[str, str] = field(default_factory=dict)


@functools.cache
def gzip_bomb(inflated: int) -> bytes:
    """A gzip body of `inflated` zero bytes (1 GiB packs into ~1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    parts = [packer.compress(zeros) for _ in range(inflated >> 20)]
    return b"".join([*parts, packer.flush()])


def nested(depth: int, inner: bytes = b"1") -> bytes:
    """JSON arrays `depth` deep around `inner`."""
    return b"[" * depth + inner + b"]" * depth


Fault = Respond | Slow | ResetMidBody | Forward | Flood


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FaultServer:
    def __init__(self, upstream: str | None = None) -> None:
        self.upstream = upstream.rstrip("/") if upstream else None
        self.script: deque[Fault] = deque()
        self.seen: list[Seen] = []
        self.always: Fault | None = None  # answer every request so, when the script is empty
        self.rules: list[tuple[Callable[[Seen], bool], Fault]] = []  # the first matching rule wins
        self._lock = threading.Lock()
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                owner._handle(self)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._upstream_client = httpx.Client(timeout=30) if self.upstream else None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def push(self, *faults: Fault) -> None:
        with self._lock:
            self.script.extend(faults)

    def when(self, matches: Callable[[Seen], bool], fault: Fault) -> None:
        """Answer every request `matches` accepts with `fault` (before the script)."""
        with self._lock:
            self.rules.append((matches, fault))

    def count(self, method: str | None = None, path_part: str = "") -> int:
        return sum(1 for s in self.seen if (method is None or s.method == method) and path_part in s.path)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._upstream_client is not None:
            self._upstream_client.close()

    # -- one connection (one request: every answer closes the connection) -----------------------------------

    def _handle(self, handler: socketserver.StreamRequestHandler) -> None:
        if handler.connection.recv(1, socket.MSG_PEEK) == b"\x16":  # a TLS handshake on this plain-HTTP port
            handler.wfile.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        request_line = handler.rfile.readline().decode("latin-1").strip()
        if not request_line:
            return
        parts = request_line.split(" ")
        if len(parts) != 3:  # not HTTP (a TLS handshake, say): answer in plain HTTP, as a misconfigured port would
            handler.wfile.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        method, path, _ = parts
        headers: dict[str, str] = {}
        while True:
            line = handler.rfile.readline().decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = handler.rfile.read(int(headers.get("content-length", "0") or 0))
        with self._lock:
            seen = Seen(method, path, headers, body)
            self.seen.append(seen)
            rule = next((f for matches, f in self.rules if matches(seen)), None)
            fault = rule or (self.script.popleft() if self.script else (self.always or Forward()))
        if isinstance(fault, Slow):
            time.sleep(fault.delay)
            fault = fault.then or Forward()
        if isinstance(fault, ResetMidBody):
            head = (
                f"HTTP/1.1 {fault.status} OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {fault.length}\r\nConnection: close\r\n\r\n"
            ).encode()
            handler.wfile.write(head + fault.partial)
            handler.wfile.flush()
            # SO_LINGER with a zero timeout makes close() send a TCP reset instead of a clean end.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            return
        if isinstance(fault, Flood):
            self._flood(handler, fault)
            return
        if isinstance(fault, Forward):
            status, payload, out_headers = self._forward(method, path, headers, body)
        else:
            payload, kind = fault.payload()
            status, out_headers = fault.status, {"Content-Type": kind, **fault.headers}
        lines = [f"HTTP/1.1 {status} {httpx.codes.get_reason_phrase(status) or 'Status'}"]
        lines += [f"{name}: {value}" for name, value in out_headers.items()]
        lines += [f"Content-Length: {len(payload)}", "Connection: close", "", ""]
        with contextlib.suppress(OSError):  # the client stopped reading (an answer over its limits)
            handler.wfile.write("\r\n".join(lines).encode("latin-1") + payload)

    @staticmethod
    def _flood(handler: socketserver.StreamRequestHandler, fault: Flood) -> None:
        extra = "".join(f"{name}: {value}\r\n" for name, value in fault.headers.items())
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(fault.head) + fault.size}\r\nConnection: close\r\n\r\n"
        ).encode()
        try:
            handler.wfile.write(head + fault.head)
            left = fault.size
            while left > 0:
                handler.wfile.write(fault.filler[:left])
                left -= len(fault.filler)
        except OSError:
            pass  # the client stopped reading, as it should

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, dict[str, str]]:
        if self._upstream_client is None:
            return (
                404,
                b'{"_status": "ERR", "_error": {"code": 404, "message": "no upstream"}}',
                {"Content-Type": "application/json"},
            )
        keep = {k: v for k, v in headers.items() if k not in ("host", "content-length", "connection")}
        try:
            response = self._upstream_client.request(method, self.upstream + path, headers=keep, content=body)
        except RuntimeError:  # a request still arriving as the test ends (an editor's check): the server is gone
            return 503, b'{"_status": "ERR", "_error": {"code": 503, "message": "stopped"}}', {}
        passed = {
            k: v
            for k, v in response.headers.items()
            if k.lower() in ("content-type", "etag", "last-modified", "www-authenticate", "location", "retry-after")
        }
        return response.status_code, response.content, passed
