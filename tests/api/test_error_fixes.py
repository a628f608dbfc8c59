"""Each error says what fixes it, and whether asking again can help: a refused token names where a token is set, a
missing permission says so, and a request without an answer names the API root and what to check."""

from __future__ import annotations

import httpx
import pytest

from casatui.api.errors import Answer, ApiError, error_for
from casatui.api.transport import network_error

ROOT = "https://cc.example.com/api/v1"


def answer(status: int, **headers: str) -> ApiError:
    return error_for(Answer(status, "GET", "jobs", {"_status": "ERR"}, headers=headers))


def test_a_refused_token_says_where_to_set_one() -> None:
    refused = answer(401)
    assert "$CLOUDCASA_API_TOKEN" in str(refused) and "casatui info" in str(refused)
    assert "$CLOUDCASA_API_TOKEN" in refused.fix and not refused.retry_helps


def test_a_missing_permission_is_not_a_wrong_token() -> None:
    forbidden = answer(403)
    assert "not allowed to do GET jobs (403)" in str(forbidden) and "role" in str(forbidden)
    assert "not allowed" in forbidden.fix and not forbidden.retry_helps


@pytest.mark.parametrize(("status", "helps"), [(400, False), (404, False), (405, False), (422, False),
                                               (429, True), (500, True), (502, True), (503, True)])  # fmt: skip
def test_retry_is_offered_only_where_it_can_help(status: int, helps: bool) -> None:
    assert answer(status).retry_helps is helps


@pytest.mark.parametrize(
    ("error", "kind", "says", "helps"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "connect", ["Could not connect to " + ROOT, "--url",
                                                                           "casatui info", "server is up"], True),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "dns", ["cc.example.com of " + ROOT, "--url",
                                                                             "$CLOUDCASA_URL"], True),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "tls",
         ["TLS failed with " + ROOT, "--ca-cert", "ca_cert in the profile", "--insecure"], False),
        (httpx.ReadTimeout("timed out"), "timeout", [ROOT + " did not answer in time", "read_timeout"], True),
        (httpx.RemoteProtocolError("Server disconnected"), "protocol", ["broke during GET jobs", "/api/v1"], True),
    ],
    ids=["refused", "dns", "tls", "timeout", "protocol"],
)  # fmt: skip
def test_no_answer_names_the_root_and_what_to_check(error: httpx.HTTPError, kind: str, says: list[str],
                                                    helps: bool) -> None:  # fmt: skip
    said = network_error(error, "GET", "jobs", ROOT, str)
    assert said.kind == kind and said.retry_helps is helps and said.fix
    for words in says:
        assert words in str(said), str(said)
