"""Start-up, behind one object (`Startup`, one per session): what casatui does so that the first rows are painted
soon, and then gets out of the way.

The first page of the first table is fetched in a thread while Textual is still being imported and started.
Start-up is mostly imports and layout; the first request can run beside them instead of after them. The explorer
takes the prefetched page when its first query is the one prefetched, and otherwise asks as usual.

Everything this thread does holds the GIL the imports need, so it does little: one GET with the standard library
(`CasaClient.list_plain`: httpx is imported after the first rows are painted). Should that not give the page
(a proxy, an error, an answer that is not a list), a blocking sibling client asks again with httpx, retrying and
explaining failures as every request does. The thread is a daemon: quitting while a slow server has not answered
does not wait for it.

The cyclic garbage collector is paused while `casatui` starts. Starting allocates a few hundred thousand objects
(modules, stylesheets, the first screen) and next to no garbage, yet the collector walks them some 120 times before
the first rows are painted: about 100 ms of the ~0.8 s it took on the benchmark machine (`bench/startup.py`). The
`casatui` command pauses it before importing anything heavy. Once the first rows are painted (or after a few seconds,
whatever happens), everything alive is moved out of the collector's sight with `gc.freeze()` (modules, styles and the
first screen live as long as the app, so later full collections need not walk them again) and collection resumes. A
profile switch, which closes that first screen, hands it all back to the collector. Apps started any other way (tests)
are untouched.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by `casatui` before anything else, to pause the collector: it imports nothing heavy
    import concurrent.futures

    from ..api.client import CasaClient
    from ..api.exchange import Exchange
    from ..api.models import Page
    from .profiles import Profile


class FirstPage:
    def __init__(
        self,
        client: CasaClient,
        profile: Profile,
        filter_text: str,
        sort: Sequence[tuple[str, int]] | None,
        page_size: int,
    ) -> None:
        import concurrent.futures
        import threading

        from .listing import list_query, parse

        collection = profile.collection
        self.sort = list(sort) if sort is not None else list(profile.default_sort)
        self.key = (collection, filter_text, tuple(self.sort), page_size)
        self.exchanges: list[Exchange] = []
        where = parse(profile, filter_text) if filter_text else None  # as the explorer will parse it
        query = list_query(profile, where, self.sort, 1, page_size)
        self.future: concurrent.futures.Future[Page] = concurrent.futures.Future()
        thread = threading.Thread(
            target=self._fetch, args=(client, collection, query), name="casatui-prefetch", daemon=True
        )
        thread.start()

    def _fetch(self, template: CasaClient, collection: str, query: dict[str, Any]) -> None:
        async def fetch(client: CasaClient) -> None:
            async with client:
                self.future.set_result(await client.list(collection, **query))

        try:
            client = template.sibling(blocking=True)
            client.listeners.append(self.exchanges.append)
            page = client.list_plain(collection, **query)
            if page is not None:
                self.future.set_result(page)
            else:
                import asyncio

                asyncio.run(fetch(client))
        except Exception as error:  # handed to the explorer, which shows it or asks again
            if not self.future.done():
                self.future.set_exception(error)
        finally:
            if not self.future.done():  # the explorer must never wait for a page that will not come
                self.future.set_exception(RuntimeError("the prefetch ended without a page"))

    def matches(self, collection: str, filter_text: str, sort: Sequence[tuple[str, int]], page_size: int) -> bool:
        return self.key == (collection, filter_text, tuple(sort), page_size)

    def arrived(self) -> Page | None:
        """The page, if it is already here (a failure is left to `take`, which raises it)."""
        if self.future.done() and self.future.exception() is None:
            return self.future.result()
        return None

    async def take(self) -> Page:
        """The page (or the error the request ended with), without blocking the event loop."""
        import asyncio

        return await asyncio.wrap_future(self.future)


_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Resume collecting; does nothing unless `pause` stopped the collector (so it may be called more than once)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    return _paused


def release() -> None:
    """Hand what startup built back to the collector, when the first screen is closed (a profile switch): frozen,
    its widgets' reference cycles would never be freed."""
    if gc.get_freeze_count():
        gc.unfreeze()


class Startup:
    """One session's start-up: the first page fetched before the UI (claimed once, by the query it was fetched
    for), and the end of start-up (the collector resumes)."""

    def __init__(self) -> None:
        self.first_page: FirstPage | None = None

    def prefetch(
        self,
        client: CasaClient,
        profile: Profile,
        filter_text: str,
        sort: Sequence[tuple[str, int]] | None,
        page_size: int,
    ) -> None:
        """Fetch the first page now, unless the filter needs the user first (a mistake, or a field the schema does
        not know: nothing is sent before they say so)."""
        from ..api.query import FilterError
        from .listing import parse, unknown_fields

        if filter_text:
            try:
                if unknown_fields(profile, parse(profile, filter_text)) is not None:
                    return
            except FilterError:
                return
        self.first_page = FirstPage(client, profile, filter_text, sort, page_size)

    def claim(
        self, collection: str, filter_text: str, sort: Sequence[tuple[str, int]], page_size: int
    ) -> FirstPage | None:
        """The prefetched page if it was fetched for this query; given out once, whatever the query."""
        first, self.first_page = self.first_page, None
        return first if first is not None and first.matches(collection, filter_text, sort, page_size) else None

    @staticmethod
    def over() -> None:
        """The first rows are painted (or start-up took too long): the collector resumes (see `resume`)."""
        resume()

    @staticmethod
    def release() -> None:
        """The first screen is closing (a profile switch): what start-up built goes back to the collector."""
        release()
