"""`casatui info`: what casatui would connect with, and where it keeps things; never the token itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..core.safe_text import safe_json, visible
from . import exits

# Where the token comes from, by `casatui.config.TokenSource.kind`.
SOURCES = {
    "flag-env": "environment",
    "env": "environment (token_env)",
    "command": "token_command",
    "keyring": "keyring (token_keyring)",
    "file": "config file (token)",
    "none": "none",
}


def facts(resolved: Any, config_file: Path | None, state: Path) -> dict[str, Any]:
    from ..core.aliases import Aliases
    from ..core.catalog_cache import load

    kept = load(state, resolved.url)
    aliases = Aliases(resolved.aliases, origin=resolved.aliases_origin)
    return {
        "config_file": str(config_file) if config_file is not None else None,
        "profile": resolved.profile,
        "api_root": resolved.url,
        "token": resolved.token_source.describe(),
        "token_source": SOURCES.get(resolved.token_source.kind, resolved.token_source.kind),
        "state_dir": str(state),
        "drafts_dir": str(state / "drafts"),  # (as `casatui.core.session.Session` keeps them)
        "api_document_kept": kept is not None,
        "read_only": resolved.read_only,
        "protected": resolved.protected,
        "trust_api_docs": resolved.trust_api_docs,
        "editor": _editor(),
        "external_editor": resolved.external_editor,
        "aliases": dict(resolved.aliases),
        # (known only from a kept document: `info` sends nothing)
        "alias_problems": aliases.problems(kept.resources) if kept is not None else [],
    }


def _editor() -> str:
    """The external editor's command as the shell would see it, or why it cannot be read."""
    import shlex

    from ..core.external_editor import editor_command

    try:
        return shlex.join(editor_command())
    except ValueError as error:
        return str(error)


def run(args: Any, resolved: Any, config_file: Path | None, state: Path) -> int:
    found = facts(resolved, config_file, state)
    if args.output == "json":
        sys.stdout.write(safe_json(found, indent=2) + "\n")
        return exits.OK
    if found["config_file"] is None:
        from ..config import config_path

        found["config_file"] = f"none ({config_path()} does not exist: defaults and the environment)"
    shown = {
        **found,
        "api_document_kept": "yes" if found["api_document_kept"] else "no (read at the next connection)",
        "aliases": ", ".join(f"{alias} = {target}" for alias, target in found["aliases"].items()) or "none of yours",
        "alias_problems": "; ".join(found["alias_problems"]) or "none",
    }
    for key, value in shown.items():
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        print(f"{key.replace('_', ' ')}: {visible(text)}")
    return exits.OK
