"""A table's rows without a screen: pages from the server, answers to an older query dropped, refresh swapped in."""

from __future__ import annotations

import asyncio

from casatui.api import CasaClient, discover
from casatui.core.listing import Listing, Query
from casatui.core.rows import RowModel
from casatui.core.session import Session, Settings

from ..servers import ServerUnderTest


def test_pages_arrive_and_an_older_querys_answer_is_dropped(any_server: ServerUnderTest) -> None:
    async def run() -> None:
        async with CasaClient(any_server.api_root, any_server.token) as client:
            session = Session(client, Settings(profile="t"))
            session.catalog = await discover(client)
            listing = Listing(session, RowModel())
            jobs = session.profile_of("jobs")
            old = listing.start(Query(jobs, {}, jobs.default_sort, jobs.columns), 10)
            slow = asyncio.create_task(listing.page(2))  # an answer that arrives after a new query started
            new = listing.start(
                Query(jobs, {jobs.state_field or "state": "FAILED"}, jobs.default_sort, jobs.columns), 10
            )
            first = await listing.fetch(new, 1)
            assert first is not None and listing.take(new, 1, first) is not None
            assert listing.take(old, 2, await slow) is None  # dropped: the model holds the new query's rows
            assert await listing.fetch(old, 3) is None  # not even asked for
            assert all(row.get(jobs.state_field or "state") == "FAILED" for _, row in listing.model.rows())
            assert listing.model.total == first.total

            answers = await listing.refetch(lambda: {1})
            before = listing.swap(new, answers)
            assert before is not None and set(before) == {str(row["_id"]) for _, row in listing.model.rows()}
            listing.start(Query(jobs, {}, jobs.default_sort, jobs.columns), 10)
            assert listing.swap(new, answers) is None  # a refresh of an older query is not swapped in

    asyncio.run(run())


def test_the_prefetch_sends_nothing_the_explorer_would_ask_about_first(cloudcasa: object) -> None:
    from casatui.api.discovery import parse_openapi
    from casatui.core.profiles import Profiles
    from casatui.core.startup import Startup

    from ..cloudcasa.spec import cloudcasa_like_spec

    jobs = Profiles(parse_openapi(cloudcasa_like_spec()))["jobs"]
    client = CasaClient(cloudcasa.api_root, cloudcasa.token)  # type: ignore[attr-defined]
    for text in ("stat=FAILED", "=FAILED", "name~/[/"):
        startup = Startup()
        startup.prefetch(client, jobs, text, None, 100)
        assert startup.first_page is None, text  # "did you mean", or the mistake marked: nothing sent before
    startup = Startup()
    startup.prefetch(client, jobs, "state=FAILED prod", None, 100)
    first = startup.first_page
    assert first is not None
    page = first.future.result(timeout=10)
    assert all(job.get("state") == "FAILED" for job in page.items)
    sent = dict(first.exchanges[0].query)
    assert '"name"' in sent["where"] and "display_name" not in sent["where"]  # the bare word: this schema's name
