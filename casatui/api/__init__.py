"""casatui's wire layer for the CloudCasa REST API: client, errors, discovery, query language and edit helpers.

Depends on httpx and the standard library only; never on Textual (a test enforces it), so scripts and tests can
use it without a terminal.
"""

from .client import CasaClient
from .discovery import Catalog, Field, ResourceType, discover
from .errors import ApiError
from .models import Item, Page, RetryPolicy, Timeouts

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
