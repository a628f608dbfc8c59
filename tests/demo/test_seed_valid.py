"""Every seeded document obeys the server's own validation: saving one unchanged is accepted, so the first edit a
newcomer tries is never refused for something the seed did."""

from __future__ import annotations

import httpx

from casatui.api.edits import strip_server_fields
from casatui.demo.domain import domain


def test_each_seeded_document_saved_unchanged_is_accepted(fresh_http: httpx.Client) -> None:
    refused, saved = [], 0
    for collection, spec in domain().items():
        if "PUT" not in spec["item_methods"]:
            continue
        page = 1
        while True:
            answer = fresh_http.get(f"/{collection}", params={"max_results": 500, "page": page}).json()
            for document in answer["_items"]:
                response = fresh_http.put(f"/{collection}/{document['_id']}", json=strip_server_fields(document),
                                          headers={"If-Match": document["_etag"]})  # fmt: skip
                saved += 1
                if response.status_code != 200:
                    refused.append((collection, document.get("name"), response.status_code, response.text[:200]))
            if "next" not in answer["_links"]:
                break
            page += 1
    assert saved > 100 and refused == []
