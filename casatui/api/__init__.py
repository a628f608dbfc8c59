"""casatui's wire layer for the CloudCasa REST API: client, errors, discovery, query language and edit helpers.

Depends on httpx and the standard library only; never on Textual (a test enforces it), so scripts and tests can
use it without a terminal:

    from casatui.api import CasaClient, discover

The names below are imported from their modules when first asked for, so that importing one module of this
package (as the app does at startup) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import CasaClient
    from .discovery import Catalog, Field, ResourceType, discover
    from .errors import ApiError
    from .models import Item, Page, RetryPolicy, Timeouts

_MODULE_OF = {
    "ApiError": ".errors",
    "CasaClient": ".client",
    "Catalog": ".discovery",
    "Field": ".discovery",
    "Item": ".models",
    "Page": ".models",
    "ResourceType": ".discovery",
    "RetryPolicy": ".models",
    "Timeouts": ".models",
    "discover": ".discovery",
}
__all__ = [
    "ApiError",
    "CasaClient",
    "Catalog",
    "Field",
    "Item",
    "Page",
    "ResourceType",
    "RetryPolicy",
    "Timeouts",
    "discover",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULE_OF[name], __name__), name)
