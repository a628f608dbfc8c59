"""demo_server: the embedded demo server's answer time at 100,000 jobs vs 1,000, over real HTTP.

Two demo servers from the pool (1,000 and 100,000 jobs, each in its own process). One plain httpx client per server
(keep-alive, so a connection is not part of the figure) times each request from send to the last byte of the body.
The cases, each the same size of answer on both servers: page 1 of 100 in the server's default order and newest
first (`sort=-_created`), a deep page (page 500 of 100 at 100,000; the last page, 10, at 1,000) in both orders, one
page of 1,000 in both orders, one document by id (`GET /jobs/<id>`, a different document each round), and a `where`
filter (reported only: a filter scans the collection). Rounds interleave the servers, alternating which goes first,
so a drift of the machine's speed moves both; the first round is a warm-up (it builds the server's sorted views) and
is reported in the details. Each answer is checked (status, `_meta.total`, item count) so a fast wrong answer fails.
Also reported: how long each server took to seed and answer its first request (`demo_server.seed`, from the pool)
and its resident memory after the run (`demo_server.rss`).
"""

from __future__ import annotations

import json
import time
from typing import Any

from common import Result, ServerPool, median, ratio, rss_mb, summary

NAME = "demo_server"
SMALL, BIG = 1_000, 100_000
TARGET = 3.0
ROUNDS = 15
QUICK_ROUNDS = 5
PAGE = 100
WHERE = json.dumps({"state": "FAILED"})

# case: (query of the request at `jobs` jobs, items expected in the answer or None when it depends on the data)
_CASES: dict[str, Any] = {
    "page": lambda jobs: ({"max_results": PAGE, "page": 1}, PAGE),
    "page.created": lambda jobs: ({"max_results": PAGE, "page": 1, "sort": "-_created"}, PAGE),
    "deep_page": lambda jobs: ({"max_results": PAGE, "page": _deep(jobs)}, PAGE),
    "deep_page.created": lambda jobs: ({"max_results": PAGE, "page": _deep(jobs), "sort": "-_created"}, PAGE),
    "page_1000": lambda jobs: ({"max_results": 1000, "page": 1}, 1000),
    "page_1000.created": lambda jobs: ({"max_results": 1000, "page": 1, "sort": "-_created"}, 1000),
    "where": lambda jobs: ({"max_results": PAGE, "page": 1, "where": WHERE}, None),
}
REPORT_ONLY = {"where"}


def _deep(jobs: int) -> int:
    return min(500, jobs // PAGE)


def _timed_list(client: Any, jobs: int, case: str) -> float:
    params, expected = _CASES[case](jobs)
    started = time.perf_counter()
    response = client.get("/jobs", params=params)
    body = response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{case} at {jobs:,} jobs: HTTP {response.status_code}")
    answer = json.loads(body)
    if "where" not in params and answer["_meta"]["total"] != jobs:
        raise RuntimeError(f"{case} at {jobs:,} jobs: total {answer['_meta']['total']}")
    if expected is not None and len(answer["_items"]) != expected:
        raise RuntimeError(f"{case} at {jobs:,} jobs: {len(answer['_items'])} items, not {expected}")
    return elapsed


def _timed_document(client: Any, jobs: int, doc_id: str) -> float:
    started = time.perf_counter()
    response = client.get(f"/jobs/{doc_id}")
    body = response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or json.loads(body)["_id"] != doc_id:
        raise RuntimeError(f"document {doc_id} at {jobs:,} jobs: HTTP {response.status_code}")
    return elapsed


def _ids(client: Any, jobs: int, count: int) -> list[str]:
    """Ids spread over the collection (first, middle and last pages), so each round reads a different one."""
    ids: list[str] = []
    for page in (1, max(1, jobs // PAGE // 2), jobs // PAGE):
        items = client.get("/jobs", params={"max_results": PAGE, "page": page, "projection": '{"_id": 1}'})
        ids += [item["_id"] for item in items.json()["_items"]]
    return [ids[(i * 37) % len(ids)] for i in range(count)]


def run(pool: ServerPool, quick: bool, log: Any) -> list[Result]:
    import httpx

    rounds = QUICK_ROUNDS if quick else ROUNDS
    servers = {jobs: pool.get(jobs) for jobs in (SMALL, BIG)}
    clients = {
        jobs: httpx.Client(base_url=server.api_root, headers={"Authorization": f"Bearer {server.token}"}, timeout=120.0)
        for jobs, server in servers.items()
    }
    cases = [*_CASES, "document"]
    times: dict[str, dict[int, list[float]]] = {case: {SMALL: [], BIG: []} for case in cases}
    first: dict[str, dict[int, float]] = {case: {} for case in cases}
    try:
        ids = {jobs: _ids(client, jobs, rounds + 1) for jobs, client in clients.items()}
        log(f"  {rounds} rounds (+1 warm-up) of {len(cases)} requests on each server, interleaved …")
        for index in range(rounds + 1):
            order = (SMALL, BIG) if index % 2 == 0 else (BIG, SMALL)
            for case in cases:
                for jobs in order:
                    if case == "document":
                        ms = _timed_document(clients[jobs], jobs, ids[jobs][index])
                    else:
                        ms = _timed_list(clients[jobs], jobs, case)
                    if index:
                        times[case][jobs].append(ms)
                    else:
                        first[case][jobs] = ms
        rss = {jobs: rss_mb(server.pid) for jobs, server in servers.items() if server.pid}
    finally:
        for client in clients.values():
            client.close()

    results = []
    for case in cases:
        figure, baseline = median(times[case][BIG]), median(times[case][SMALL])
        value = ratio(figure, baseline)
        report_only = case in REPORT_ONLY
        log(f"  … {case}: {figure:.1f} ms at {BIG:,}, {baseline:.1f} ms at {SMALL:,} (medians)")
        results.append(
            Result(
                name=f"{NAME}.{case}",
                figure=figure,
                unit="ms",
                baseline=baseline,
                baseline_label=f"same request on {SMALL:,} jobs",
                ratio=value,
                target="(report only)" if report_only else f"ratio <= {TARGET:g}",
                passed=None if report_only else value is not None and value <= TARGET,
                runs=rounds,
                details={
                    "query": "GET /jobs/<id>" if case == "document" else _CASES[case](BIG)[0],
                    "big_ms": summary(times[case][BIG]),
                    "small_ms": summary(times[case][SMALL]),
                    "warm_up_ms": {str(jobs): ms for jobs, ms in first[case].items()},
                },
            )
        )
    results.append(
        Result(
            name=f"{NAME}.seed",
            figure=servers[BIG].seconds_to_start,
            unit="s",
            baseline=servers[SMALL].seconds_to_start,
            baseline_label=f"same on {SMALL:,} jobs (process start, seeding, first answer)",
            ratio=ratio(servers[BIG].seconds_to_start, servers[SMALL].seconds_to_start),
            target="(report only)",
            passed=None,
            runs=1,
        )
    )
    if len(rss) == 2:
        results.append(
            Result(
                name=f"{NAME}.rss",
                figure=rss[BIG],
                unit="MB",
                baseline=rss[SMALL],
                baseline_label=f"same on {SMALL:,} jobs (server RSS after the run)",
                ratio=ratio(rss[BIG], rss[SMALL]),
                target="(report only)",
                passed=None,
                runs=1,
            )
        )
    return results
