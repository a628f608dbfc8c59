"""A command that gets no answer says, on one line with exit status 8, which API root it tried and what to check."""

from __future__ import annotations

import socket
from pathlib import Path

from ..faults import FaultServer
from .run import casatui


def test_nothing_listening_names_the_root_and_the_flags(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        root = f"http://127.0.0.1:{probe.getsockname()[1]}/api/v1"
    result = casatui("get", "jobs", tmp=tmp_path, root=root, token="some-token-0123")
    assert result.returncode == 8 and len(result.stderr.splitlines()) == 1, result.stderr
    assert f"Could not connect to {root}" in result.stderr and "--url" in result.stderr
    assert "casatui info" in result.stderr and "some-token-0123" not in result.stderr


def test_a_tls_failure_points_at_the_ca_bundle(tmp_path: Path) -> None:
    with FaultServer() as faults:  # plain HTTP where https is expected
        root = f"https://127.0.0.1:{faults.port}/api/v1"
        result = casatui("get", "jobs", tmp=tmp_path, root=root, token="some-token-0123")
    assert result.returncode == 8 and len(result.stderr.splitlines()) == 1, result.stderr
    assert f"TLS failed with {root}" in result.stderr and "--ca-cert" in result.stderr and "--insecure" in result.stderr
