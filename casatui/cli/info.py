"""`casatui info`: what casatui would connect with, and where it keeps things; never the token itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..core.safe_text import safe_json, visible
from . import exits


def facts(resolved: Any, config_file: Path | None, state: Path) -> dict[str, Any]:
    from ..core.catalog_cache import load

    return {
        "config_file": str(config_file) if config_file is not None else None,
        "profile": resolved.profile,
        "api_root": resolved.url,
        "token": resolved.token_source.describe(),
        "state_dir": str(state),
        "api_document_kept": load(state, resolved.url) is not None,
        "read_only": resolved.read_only,
        "protected": resolved.protected,
        "trust_api_docs": resolved.trust_api_docs,
    }


def run(args: Any, resolved: Any, config_file: Path | None, state: Path) -> int:
    found = facts(resolved, config_file, state)
    if args.output == "json":
        sys.stdout.write(safe_json(found, indent=2) + "\n")
        return exits.OK
    shown = {
        **found,
        "config_file": found["config_file"] or "none (defaults and the environment)",
        "api_document_kept": "yes" if found["api_document_kept"] else "no (read at the next connection)",
    }
    for key, value in shown.items():
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        print(f"{key.replace('_', ' ')}: {visible(text)}")
    return exits.OK
