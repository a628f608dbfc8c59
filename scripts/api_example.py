"""casatui.api without a terminal: discover, query, edit with If-Match, and get through a 412 by merging.

python scripts/api_example.py                      # against a fresh embedded server
python scripts/api_example.py URL                  # against yours; the token comes from $CLOUDCASA_API_TOKEN
"""

from __future__ import annotations

import asyncio
import os
import sys

from casatui.api import CasaClient, discover
from casatui.api.edits import merge3
from casatui.api.errors import EtagMismatch
from casatui.api.query import parse_filter


async def walk_through(url: str, token: str) -> None:
    async with CasaClient(url, token) as client:
        catalog = await discover(client)
        print(f"{len(catalog.resources)} collections, from the {catalog.source} description")

        # Failed jobs of the last day, newest first: the filter language turns into Eve's `where`. Which field holds a
        # job's name is the document's to say: `display_name` on some servers, only `name` on others.
        jobs = catalog.resources["jobs"]
        name = "display_name" if "display_name" in jobs.fields else "name"
        where = parse_filter("state:FAILED start_time>-24h", jobs.field_types())
        page = await client.list("jobs", where=where, sort="-start_time", max_results=5)
        print(f"{page.total} failed jobs in the last day; where={where}")
        for job in page.items:
            print(f"  {job.get(name, '')!s:<24} {str(job.get('message') or '')[:60]}")

        # GET a backup definition that has a policy, and move it to another policy: both found by listing.
        with_policy = await client.list("kubebackups", where={"policy": {"$ne": None}}, sort="name", max_results=1)
        backup_id = with_policy.items[0]["_id"]
        item = await client.get("kubebackups", backup_id)
        assert item is not None
        others = await client.list("policies", where={"_id": {"$ne": item.data["policy"]}}, sort="name", max_results=1)
        mine = {**item.data, "policy": others.items[0]["_id"]}

        # Meanwhile someone else saves the same document (here: a second client).
        async with CasaClient(url, token) as colleague:
            theirs = await colleague.get("kubebackups", backup_id)
            assert theirs is not None
            await colleague.patch(theirs, {**theirs.data, "tags": {"reviewed-by": "colleague"}})

        try:
            await client.replace(item, mine)  # PUT with If-Match: the etag we read
        except EtagMismatch as error:
            print(f"412: {error}")
            current = await client.get("kubebackups", backup_id)
            assert current is not None
            result = merge3(item.data, mine, current.data)  # base, yours, theirs
            print(
                f"merged: {len(result.yours_changes)} change(s) of mine, {len(result.theirs_changes)} of theirs, "
                f"{len(result.conflicts)} conflict(s)"
            )
            await client.replace(current, result.merged)  # PUT again, with the current etag
        saved = await client.get("kubebackups", backup_id)
        assert saved is not None
        print(f"saved: policy={saved.data['policy']} tags={saved.data['tags']} etag={saved.etag[:12]}…")


def main() -> None:
    if len(sys.argv) > 1:
        asyncio.run(walk_through(sys.argv[1], os.environ.get("CLOUDCASA_API_TOKEN", "")))
        return
    from casatui.demo import DemoServer

    with DemoServer() as server:
        asyncio.run(walk_through(server.api_root, server.token))


if __name__ == "__main__":
    main()
