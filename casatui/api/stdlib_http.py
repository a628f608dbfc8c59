"""Connections with the standard library alone: the TLS settings every client uses, and one plain GET.

The GET is the startup prefetch's (see `CasaClient.list_plain`): it runs while Textual is still being imported,
and importing httpx with it (~70 ms of the GIL the imports need) would delay the first rows it is there to speed
up. Everything else goes through httpx.
"""

from __future__ import annotations

import http.client
import os
import ssl
import sys
import threading
import time
from typing import NamedTuple
from urllib.parse import urlsplit

from .limits import ACCEPT_ENCODING, READ_CHUNK, BodyReader


def tls_context(verify: bool | str) -> ssl.SSLContext:
    """TLS settings from `verify`: True (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR when set: what httpx does
    by default), False (no verification), or a CA file or directory."""
    if verify is False:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if isinstance(verify, str) and os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class SharedTls:
    """The TLS context of a client and its siblings, made on first use: loading a CA bundle takes ~50 ms, most
    of it without the GIL, so the startup prefetch's thread makes it while the main thread imports Textual."""

    def __init__(self, verify: bool | str) -> None:
        self._verify = verify
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def get(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = tls_context(self._verify)
            return self._context


def proxy_configured() -> bool:
    """Whether requests may go through a proxy, which `get` does not speak: any `*_proxy` variable but no_proxy
    (httpx reads these), and on macOS and Windows the system's settings too (httpx asks urllib for them)."""
    set_names = [name.lower() for name, value in os.environ.items() if value]
    if any(name.endswith("_proxy") and name != "no_proxy" for name in set_names):
        return True
    if sys.platform in ("darwin", "win32"):
        from urllib.request import getproxies  # ~6 ms of imports, spared where only the environment counts

        return any(scheme != "no" for scheme in getproxies())
    return False


PLAIN_ACCEPT = {"Accept-Encoding": ACCEPT_ENCODING}  # what `get` adds to the headers it is given (and decodes)


class PlainAnswer(NamedTuple):
    """A status, headers and body, read whole (within the limits)."""

    status: int
    headers: dict[str, str]  # names in lower case
    content: bytes  # decompressed
    latency_ms: float


def get(url: str, headers: dict[str, str], tls: ssl.SSLContext, connect: float, read: float) -> PlainAnswer:
    """One GET over a new connection, closed after the answer; any status is an answer. Raises OSError when there
    is no complete answer (a timeout, a refused connection, TLS, a broken answer), and `limits.BodyRefused` when
    the body passes a limit or is in an encoding it does not decode (the read stops there)."""
    try:
        return _get(url, headers, tls, connect, read)
    except http.client.HTTPException as error:
        raise OSError(f"{type(error).__name__}: {error}") from error


def _get(url: str, headers: dict[str, str], tls: ssl.SSLContext, connect: float, read: float) -> PlainAnswer:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    clock = time.perf_counter()
    host = parts.hostname or ""  # an IPv6 address without its brackets: the port must then be given apart
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, parts.port or 443, timeout=connect, context=tls)
    else:
        connection = http.client.HTTPConnection(host, parts.port or 80, timeout=connect)
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.settimeout(read)
        connection.request("GET", target, headers={**headers, **PLAIN_ACCEPT})
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        reader = BodyReader(answer_headers.get("content-encoding", ""))
        while chunk := response.read(READ_CHUNK):
            reader.feed(chunk)
        content = reader.content()
    finally:
        connection.close()
    return PlainAnswer(response.status, answer_headers, content, (time.perf_counter() - clock) * 1000)
