"""API root normalisation and the error hierarchy's parsing of Eve bodies."""

from __future__ import annotations

import pytest

from casatui.api.errors import (
    Answer,
    BadRequest,
    EtagMismatch,
    Forbidden,
    Issue,
    RateLimited,
    Scrubber,
    ServerError,
    ValidationFailed,
    error_for,
    flatten_issues,
)
from casatui.api.urls import DEFAULT_ROOT, RootError, normalize_root


@pytest.mark.parametrize(
    "given",
    [
        "cc.example.com",
        "https://cc.example.com",
        "https://cc.example.com/",
        "https://cc.example.com/api",
        "https://cc.example.com/api/v1",
        "https://cc.example.com/api/v1/",
        "HTTPS://CC.Example.com/api/v1",
    ],
)
def test_bare_hosts_and_variants_become_the_api_root(given: str) -> None:
    assert normalize_root(given) == "https://cc.example.com/api/v1"


def test_default_root_and_ports_and_prefixes() -> None:
    assert normalize_root(None) == normalize_root("") == DEFAULT_ROOT == "https://api.cloudcasa.io/api/v1"
    assert normalize_root("cc.example.com:8443") == "https://cc.example.com:8443/api/v1"
    assert normalize_root("https://gw.example.com/cloudcasa/") == "https://gw.example.com/cloudcasa/api/v1"


def test_plain_http_only_for_loopback_unless_forced() -> None:
    assert normalize_root("http://127.0.0.1:5000") == "http://127.0.0.1:5000/api/v1"
    assert normalize_root("http://localhost:5000/api/v1") == "http://localhost:5000/api/v1"
    assert normalize_root("http://[::1]:5000") == "http://[::1]:5000/api/v1"
    with pytest.raises(RootError, match="unencrypted"):
        normalize_root("http://cc.example.com")
    assert normalize_root("http://cc.example.com", allow_http=True) == "http://cc.example.com/api/v1"


@pytest.mark.parametrize(
    "bad", ["ftp://cc.example.com", "https://user:secret@cc.example.com", "https://x.io/?a=1", "https://"]
)
def test_unusable_roots_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(RootError):
        normalize_root(bad)


def test_flatten_issues_gives_dotted_paths() -> None:
    issues = {
        "name": "required field",
        "source": {"all_namespaces": "must be of boolean type", "namespaces": {"0": "must be of string type"}},
        "schedules": ["min length is 1", {"0": {"retainDays": "min value is 1"}}],
    }
    assert flatten_issues(issues) == [
        Issue("name", "required field"),
        Issue("source.all_namespaces", "must be of boolean type"),
        Issue("source.namespaces.0", "must be of string type"),
        Issue("schedules", "min length is 1"),
        Issue("schedules.0.retainDays", "min value is 1"),
    ]


def test_both_422_shapes_are_understood() -> None:
    post = {
        "_status": "ERR",
        "_issues": {"name": "value 'x' is not unique"},
        "_error": {"code": 422, "message": "Insertion failure: 1 document(s) contain(s) error(s)"},
    }
    put = {"_issues": {"status": "field is read-only"}, "_status": "ERR"}
    for body, issue in ((post, Issue("name", "value 'x' is not unique")), (put, Issue("status", "field is read-only"))):
        error = error_for(Answer(422, "PUT", "policies/1", body))
        assert isinstance(error, ValidationFailed) and error.issues == [issue]


def test_errors_say_what_to_do() -> None:
    assert isinstance(error_for(Answer(400, "GET", "jobs", {})), BadRequest)
    forbidden = error_for(Answer(403, "DELETE", "jobs/1", {"_status": "ERR", "_error": {"code": 403, "message": "no"}}))
    assert isinstance(forbidden, Forbidden) and "permission" in str(forbidden) and '"no"' in str(forbidden)
    mismatch = error_for(Answer(412, "PUT", "jobs/1", {}, collection="jobs", item_id="1", sent_etag="abc"))
    assert isinstance(mismatch, EtagMismatch) and mismatch.sent_etag == "abc"
    limited = error_for(Answer(429, "GET", "jobs", "", headers={"retry-after": "7"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 7 and "7 s" in str(limited)
    html = error_for(Answer(502, "GET", "jobs", "<html><h1>502 Bad Gateway</h1></html>"))
    assert isinstance(html, ServerError) and "HTML page" in str(html)


def test_scrubber_masks_the_token_everywhere() -> None:
    scrub = Scrubber("s3cr3t-token", None, "")
    assert scrub("Bearer s3cr3t-token and s3cr3t-token") == "Bearer *** and ***"
    assert Scrubber("ab")("ab ab") == "ab ab"  # too short to be a token; masking it would garble text


def test_a_root_that_names_its_version_is_kept() -> None:
    # CloudCasa's published document serves `/v1/<collection>` under a server URL without `/api`.
    assert normalize_root("https://api.staging.cloudcasa.io/v1") == "https://api.staging.cloudcasa.io/v1"
    assert normalize_root("http://127.0.0.1:5000/v1/") == "http://127.0.0.1:5000/v1"
    assert normalize_root("https://gw.example.com/cloudcasa/v2") == "https://gw.example.com/cloudcasa/v2"
    assert normalize_root("https://gw.example.com/v1beta") == "https://gw.example.com/v1beta/api/v1"
