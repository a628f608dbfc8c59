"""Startup of casatui, as a whole process: imports, app, discovery and the first page of jobs, until the explorer
table has painted its first rows; then exit.

    python bench/drivers/startup_casatui.py API_ROOT TOKEN [STATE_DIR]

Builds the app as `casatui` does (client, session with the server's document kept in STATE_DIR by an earlier run,
CasaApp on the jobs collection) and runs it headless. The
first line rendered holding a real row (not the header, not a "Loading…" placeholder) ends the run. On exit it
prints one JSON line of epoch timestamps (imports done, painted) and the requests made, so the parent can say where
the time went.
"""

import json
import sys
import time
from pathlib import Path

from casatui.core import startup

if __name__ == "__main__":
    startup.pause()  # as the `casatui` command does first

from casatui.api.client import CasaClient
from casatui.core.navigation import Place
from casatui.core.session import Session, Settings
from casatui.core.startup import FirstPage

if __name__ == "__main__":
    # As the `casatui` command does: the first page is fetched while Textual is imported and the app starts.
    client = CasaClient(sys.argv[1], sys.argv[2])
    state = Path(sys.argv[3]) if len(sys.argv) > 3 else None  # where the server's document was kept, if anywhere
    session = Session(client, Settings(profile="bench"), state_dir=state)
    session.restore_catalog()
    session.startup.first_page = FirstPage(client, session.profile_of("jobs"), "", None, session.settings.page_size)

from casatui.ui.app import CasaApp
from casatui.ui.widgets.table import ResourceTable

_imported = time.time()
_render_line = ResourceTable.render_line
_painted = 0.0


def _render_line_then_exit(table: ResourceTable, y: int):  # type: ignore[no-untyped-def]
    global _painted
    strip = _render_line(table, y)
    if not _painted and y >= 1 and table.model.row(table._first_visible() + y - 1) is not None:
        _painted = time.time()
        table.app.call_later(table.app.exit)
    return strip


ResourceTable.render_line = _render_line_then_exit  # type: ignore[method-assign]

if __name__ == "__main__":
    app = CasaApp(session, Place("jobs"))
    app.run(headless=True, size=(120, 35))
    if not _painted:
        sys.exit("casatui exited before painting any row")
    requests = [
        {"path": e.path, "started": e.started, "latency_ms": e.latency_ms, "status": e.status} for e in client.exchanges
    ]
    print(json.dumps({"imported": _imported, "painted": _painted, "requests": requests}))
