"""`casatui completion bash|zsh|fish`: not written yet."""

from __future__ import annotations

from typing import Any

from . import exits


def run(args: Any) -> int:
    exits.say(f"completion for {args.shell} is not written yet")
    return exits.FAILED
