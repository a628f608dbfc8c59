"""casatui's embedded CloudCasa-compatible server: the real Eve framework on an in-memory Mongo (mongomock).

Used by `casatui --demo`, the tests, the screenshots and the benchmarks; never imported by the client layers.
"""

from .seed import SeedOptions
from .server import DemoServer

__all__ = ["DemoServer", "SeedOptions"]
