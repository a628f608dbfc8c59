"""The cyclic garbage collector, paused while `casatui` starts.

Starting allocates a few hundred thousand objects (modules, stylesheets, the first screen) and next to no garbage,
yet the collector walks them some 120 times before the first rows are painted: about 100 ms of the ~0.8 s it took
on the benchmark machine (`bench/startup.py`). The `casatui` command pauses it before importing anything heavy.
Once the first rows are painted (or after a few seconds, whatever happens), everything alive is moved out of the
collector's sight with `gc.freeze()` (modules, styles and the first screen live as long as the app, so later full
collections need not walk them again) and collection resumes. A profile switch, which closes that first screen,
hands it all back to the collector. Apps started any other way (tests) are untouched.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Resume collecting; does nothing unless `pause` stopped the collector (so it may be called more than once)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    return _paused


def release() -> None:
    """Hand what startup built back to the collector, when the first screen is closed (a profile switch): frozen,
    its widgets' reference cycles would never be freed."""
    if gc.get_freeze_count():
        gc.unfreeze()
