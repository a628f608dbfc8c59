"""A CloudCasa-like server for the tests: shaped like CloudCasa's published OpenAPI document, unlike casatui's demo."""

from .seed import NAMES
from .server import CloudCasaLikeServer

__all__ = ["NAMES", "CloudCasaLikeServer"]
