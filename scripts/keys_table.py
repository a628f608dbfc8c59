"""Print the README's table of keys from the action registry (the one source of truth for keys).

    python scripts/keys_table.py

tests/test_readme.py checks that the README holds exactly this table.
"""

from __future__ import annotations

from casatui.ui.actions import SCOPE_TITLES, in_scope


def keys_table() -> str:
    lines = ["| Where | Key | What it does | Id (for `[keys]`) |", "|---|---|---|---|"]
    for scope, title in SCOPE_TITLES.items():
        for spec in in_scope(scope):
            keys = spec.shown_keys.replace("|", "\\|")
            lines.append(f"| {title} | `{keys}` | {spec.description} | `{spec.id}` |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(keys_table())
