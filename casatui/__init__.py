"""casatui: a terminal explorer and editor for the CloudCasa REST API."""

import sys

__version__ = "0.1.0"

# httpx's package imports its command-line client (click, and rich's syntax and progress with pygments: ~30 ms of
# every start) whenever click is installed, as it is beside the demo server. casatui never runs that client; a None
# entry makes that one import fail, and httpx carries on as it does when its CLI extras are not installed.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
