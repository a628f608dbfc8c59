"""What a piece of text means, by name ("tone.bad"), and how each colour mode draws it.

Colours alone fail people: with `NO_COLOR` Textual draws every colour as a grey of its luminance, which made FAILED
(red) the dimmest text on screen; with 16 colours the theme's yellow came out nearest to bright red. So code names a
tone, never a colour, and the mode decides: colours where there are colours, and with `NO_COLOR` attributes that keep
the order of importance (a failure reversed and bold, the most prominent thing on screen).
"""

from __future__ import annotations

from collections.abc import Mapping

GOOD = "tone.good"  # succeeded, healthy, allowed
BAD = "tone.bad"  # failed, an error: the most prominent
WARN = "tone.warn"  # running, pending, partial; a caution
ADDED = "tone.added"  # a diff's line or value that is new
REMOVED = "tone.removed"  # a diff's line or value that goes

# tone: (with colours, without)
_STYLES = {
    GOOD: ("green", ""),
    BAD: ("bold red", "bold reverse"),
    WARN: ("yellow", "italic"),
    ADDED: ("green", "bold"),
    REMOVED: ("red", "strike"),
}
TONES = tuple(_STYLES)


def styles(*, mono: bool) -> Mapping[str, str]:
    """Each tone as a Rich style (a string Rich and Textual parse): with colours, or for `NO_COLOR`."""
    return {tone: pair[1 if mono else 0] for tone, pair in _STYLES.items()}
