"""The first page of the first table, fetched in a thread while Textual is still being imported and started.

Startup is mostly imports and layout; the first request can run beside them instead of after them. The explorer
takes the prefetched page when its first query is the one prefetched, and otherwise asks as usual.

Everything this thread does holds the GIL the imports need, so it does little: one GET with the standard library
(`CasaClient.list_plain`: httpx is imported after the first rows are painted). Should that not give the page
(a proxy, an error, an answer that is not a list), a blocking sibling client asks again with httpx, retrying and
explaining failures as every request does. The thread is a daemon: quitting while a slow server has not answered
does not wait for it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Sequence
from typing import Any

from ..api.client import CasaClient
from ..api.exchange import Exchange
from ..api.models import Page
from ..api.query import parse_filter
from .listing import list_query
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
        collection = profile.collection
        self.sort = list(sort) if sort is not None else list(profile.default_sort)
        self.key = (collection, filter_text, tuple(self.sort), page_size)
        self.exchanges: list[Exchange] = []
        where = parse_filter(filter_text, name_field=profile.name_field) if filter_text else None
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
        return await asyncio.wrap_future(self.future)
