"""The demo server names itself with one fixed Server header: what it answers (and a snapshot of the request log,
which shows the headers) does not depend on the Werkzeug and Python that serve it."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(("method", "path"), [("GET", "jobs"), ("GET", "no-such-collection"), ("DELETE", "")])
def test_every_answer_has_the_same_server_header(http: httpx.Client, method: str, path: str) -> None:
    answer = http.request(method, path)
    assert answer.headers.get_list("server") == ["casatui-demo"], (answer.status_code, answer.headers)
