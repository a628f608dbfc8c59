"""TLS with a server that has its own CA, as a self-hosted CloudCasa may: trusted with `--ca-cert`, refused without
it, and the same settings for the sibling clients and the standard library's GET (the startup prefetch) as for
the main one."""

from __future__ import annotations

import http.server
import json
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from casatui.api import stdlib_http
from casatui.api.client import CasaClient
from casatui.api.errors import NetworkError
from casatui.api.models import RetryPolicy
from casatui.api.stdlib_http import tls_context

PAGE = {"_items": [{"_id": "a1", "name": "nightly"}], "_meta": {"total": 1, "page": 1, "max_results": 25}}


class _Eve(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(PAGE).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def own_ca_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(API root, CA bundle path) of an https server whose certificate a private CA issued."""
    ca = trustme.CA()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Eve)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/api/v1", str(bundle)
    finally:
        server.shutdown()
        server.server_close()


async def test_a_ca_bundle_is_trusted(own_ca_server: tuple[str, str]) -> None:
    root, bundle = own_ca_server
    async with CasaClient(root, "t", verify=bundle) as client:
        page = await client.list("jobs")
        assert [item["name"] for item in page.items] == ["nightly"]
        async with client.sibling() as sibling:
            assert (await sibling.list("jobs")).total == 1
        async with client.sibling(blocking=True) as blocking:
            assert (await blocking.list("jobs")).total == 1
            assert (page := blocking.list_plain("jobs")) is not None and page.total == 1


async def test_the_default_trust_follows_ssl_cert_file_as_httpx_does(
    own_ca_server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, bundle = own_ca_server
    monkeypatch.setenv("SSL_CERT_FILE", bundle)
    async with CasaClient(root, "t") as client:
        assert (await client.list("jobs")).total == 1
        assert client.list_plain("jobs") is not None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to name the CA file")
async def test_a_ca_directory_is_trusted(own_ca_server: tuple[str, str], tmp_path: Path) -> None:
    root, bundle = own_ca_server
    # OpenSSL finds a CA in a directory by the hash of its subject (the name c_rehash gives it).
    subject_hash = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", bundle], capture_output=True, text=True, check=True
    ).stdout.strip()
    (tmp_path / f"{subject_hash}.0").write_bytes(Path(bundle).read_bytes())
    async with CasaClient(root, "t", verify=str(tmp_path)) as client:
        assert (await client.list("jobs")).total == 1
        assert client.list_plain("jobs") is not None


async def test_without_the_ca_the_certificate_is_refused(own_ca_server: tuple[str, str]) -> None:
    root, _ = own_ca_server
    client = CasaClient(root, "t", retry=RetryPolicy(attempts=1))
    async with client, client.sibling(blocking=True) as blocking:
        for each in (client, blocking):
            with pytest.raises(NetworkError) as caught:
                await each.list("jobs")
            assert caught.value.kind == "tls" and "--ca-cert" in str(caught.value)
        assert each.list_plain("jobs") is None  # and the prefetch leaves it to `list` to say so


async def test_insecure_skips_verification(own_ca_server: tuple[str, str]) -> None:
    root, _ = own_ca_server
    async with CasaClient(root, "t", verify=False) as client:
        assert (await client.list("jobs")).total == 1
        assert client.list_plain("jobs") is not None


async def test_the_tls_context_is_made_on_first_use_once_for_a_client_and_its_siblings(
    own_ca_server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loading a CA bundle takes ~50 ms: at startup the prefetch's thread does it, beside the main thread's imports.
    made = []
    monkeypatch.setattr(stdlib_http, "tls_context", lambda verify: made.append(verify) or tls_context(verify))
    root, bundle = own_ca_server
    async with CasaClient(root, "t", verify=bundle) as client, client.sibling(blocking=True) as blocking:
        assert made == []
        assert blocking.list_plain("jobs") is not None
        assert (await client.list("jobs")).total == (await blocking.list("jobs")).total == 1
        async with client.sibling() as sibling:
            assert (await sibling.list("jobs")).total == 1
    assert made == [bundle]
