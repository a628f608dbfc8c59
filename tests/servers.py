"""The two servers casatui's behaviours are tested against, seen through one shape (see `any_server` in conftest)."""

from __future__ import annotations

from dataclasses import dataclass

from casatui.demo import DemoServer
from casatui.demo.store import Store

from .cloudcasa import CloudCasaLikeServer


@dataclass(frozen=True)
class ServerUnderTest:
    """`api_root` is the root to give casatui's client: the demo's `/api/v1`, and for the CloudCasa-like server its
    document's own root `/v1` (under a server URL without `/api`)."""

    name: str  # "demo" or "cloudcasa"
    api_root: str
    base_url: str
    token: str
    store: Store

    @classmethod
    def of(cls, server: DemoServer | CloudCasaLikeServer) -> ServerUnderTest:
        if isinstance(server, CloudCasaLikeServer):
            return cls("cloudcasa", server.api_root, server.base_url, server.token, server.store)
        return cls("demo", server.api_root, server.base_url, server.token, server.store)
