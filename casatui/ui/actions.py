"""The one registry of actions and keys: it feeds the key bindings, the footer, the help screen and the palette.

Each action has a stable id, "<scope>.<name>" ("explorer.edit", "app.quit", "editor.save"), which its bindings carry
as Textual's `Binding.id`: a keymap (`App.set_keymap({"explorer.edit": "E"})`) rebinds it by that id. The ids are
listed in tests/ui/test_actions.py, so that none changes unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class ActionSpec:
    """One user action: its keys, where it works, and where it is offered (footer, palette, help)."""

    action: str  # Textual action string, e.g. "refresh" or "cursor(1)"
    keys: str  # Textual key list, e.g. "r" or "j,down"
    description: str
    scope: str  # where it works: app, explorer, table, document, editor, log
    footer: bool = False  # shown in the footer
    palette: bool = True  # offered in the command palette (where it works): all but the palette and cursor moves
    key_display: str | None = None
    short: str = ""  # the footer's word for it
    priority: bool = False  # before the focused widget sees the key (escape in the code editor)
    name: str = ""  # the id's second part for an action with arguments; else the action itself

    @property
    def id(self) -> str:
        return f"{self.scope}.{self.name or self.action}"

    @property
    def label(self) -> str:
        return self.short or self.description

    @property
    def shown_keys(self) -> str:
        return self.key_display or ", ".join(
            k.replace("question_mark", "?").replace("slash", "/").replace("colon", ":") for k in self.keys.split(",")
        )


ACTIONS: tuple[ActionSpec, ...] = (
    # Anywhere
    ActionSpec("quit", "q", "Quit", "app", footer=True),
    ActionSpec("help", "question_mark", "Help: every key", "app", footer=True, key_display="?", short="Help"),
    ActionSpec("command_palette", "ctrl+p", "Command palette", "app", palette=False),
    ActionSpec("jump", "colon", "Go to a resource type by name", "app", key_display=":"),
    ActionSpec("request_log", "L", "Request log", "app"),
    ActionSpec("overview", "O", "Overview of what needs attention", "app"),
    ActionSpec("history", "H", "Your writes in this session", "app"),
    # The explorer (sidebar, filter, table, preview)
    ActionSpec(
        "focus_filter", "slash", "Filter (server-side where)", "explorer", footer=True, key_display="/", short="Filter"
    ),
    ActionSpec("refresh", "r", "Refresh, keeping the cursor", "explorer", footer=True, short="Refresh"),
    ActionSpec("toggle_auto_refresh", "A", "Auto-refresh on/off", "explorer"),
    ActionSpec("watch", "w", "Watch: auto-refresh and mark what changed", "explorer"),
    ActionSpec("sort", "s", "Sort by a column", "explorer", footer=True, short="Sort"),
    ActionSpec("toggle_times", "t", "Times: local with age / raw", "explorer"),
    ActionSpec("toggle_sidebar", "ctrl+b", "Show/hide the resource types", "explorer"),
    ActionSpec("focus_sidebar", "tab", "Next pane", "explorer"),
    ActionSpec("toggle_preview", "p", "Show/hide the preview pane", "explorer"),
    ActionSpec("zoom", "f2", "Zoom: the editor (or the preview) alone, or beside the table", "explorer"),
    ActionSpec("grow_preview", "greater_than_sign", "Wider preview", "explorer", key_display=">"),
    ActionSpec("shrink_preview", "less_than_sign", "Narrower preview", "explorer", key_display="<"),
    ActionSpec("follow", "f", "Follow a reference (cluster, backup, policy…)", "explorer", footer=True, short="Follow"),
    ActionSpec("related_jobs", "J", "Jobs of this document", "explorer"),
    ActionSpec("back", "backspace", "Back to where you were", "explorer", key_display="backspace/esc"),
    ActionSpec("edit", "e", "Edit this document", "explorer", footer=True, short="Edit"),
    ActionSpec("create", "n", "New document", "explorer"),
    ActionSpec("delete", "ctrl+d", "Delete this document", "explorer"),
    ActionSpec("run_now", "R", "Run this backup now", "explorer"),
    ActionSpec("toggle_pause", "P", "Pause / resume this backup", "explorer"),
    ActionSpec("copy_id", "c", "Copy the document id", "explorer"),
    ActionSpec("toggle_yaml", "y", "Preview: YAML / JSON (the editor stays JSON)", "explorer"),
    ActionSpec("toggle_server_fields", "z", "Preview: show/hide server fields (_links, _etag…)", "explorer"),
    # The table
    ActionSpec("cursor(1)", "j", "Down", "table", palette=False, name="down"),
    ActionSpec("cursor(-1)", "k", "Up", "table", palette=False, name="up"),
    ActionSpec("edge(0)", "g", "First row", "table", name="first"),
    ActionSpec("edge(1)", "G", "Last row (loads only the last page)", "table", name="last"),
    ActionSpec("open", "enter", "Open the document", "table"),
    # The editor
    ActionSpec("save", "ctrl+s", "Save (diff, then PUT or PATCH with If-Match)", "editor", footer=True, short="Save"),
    ActionSpec(
        "leave",
        "escape",
        "Leave the editor (asks when there are unsaved changes)",
        "editor",
        footer=True,
        short="Leave",
        priority=True,
    ),
    ActionSpec(
        "external_editor", "f4", "Edit in $CASATUI_EDITOR / $VISUAL / $EDITOR", "editor", footer=True, short="$EDITOR"
    ),
    ActionSpec("zoom", "f2", "Zoom: the editor alone, or beside the table", "editor", footer=True, short="Zoom"),
    ActionSpec("to_table", "shift+tab", "To the table, the editor kept open", "editor", footer=True, short="Table"),
    ActionSpec("reformat", "ctrl+l", "Re-indent the JSON", "editor", short="Format"),
    ActionSpec("reload", "ctrl+r", "Reload the server's version (discarding yours)", "editor", short="Reload"),
    ActionSpec("server_changes", "f3", "What changed on the server since you opened it", "editor", short="Theirs"),
    # The request log
    ActionSpec(
        "copy_curl",
        "c",
        "Copy the request as curl (the token stays in $CLOUDCASA_API_TOKEN)",
        "log",
        footer=True,
        short="Copy as curl",
    ),
    ActionSpec("close", "escape,q", "Close", "log", footer=True),
    ActionSpec("switch_profile", "ctrl+o", "Switch to another profile of the config file", "app"),
    # A document on its own screen
    ActionSpec("toggle_server_fields", "z", "Show/hide server fields (_links, _etag…)", "document"),
    ActionSpec("toggle_yaml", "y", "YAML / JSON", "document", footer=True, short="YAML"),
    ActionSpec("close", "escape,q", "Close", "document", footer=True),
    # The overview
    ActionSpec(
        "refresh", "r", "Refresh the overview (it also refreshes every 15 s)", "overview", footer=True, short="Refresh"
    ),
    ActionSpec("close", "escape", "Close", "overview", footer=True),
    # A job
    ActionSpec("follow", "f", "Follow the job's cluster or definition", "job", footer=True, short="Follow"),
    ActionSpec("refresh", "r", "Refresh now (a running job refreshes every 2 s)", "job", footer=True, short="Refresh"),
    ActionSpec("close", "escape,q", "Close", "job", footer=True),
    # A backup or copy definition
    ActionSpec("jobs", "J", "All the definition's jobs, in the table", "backup", footer=True, short="All its jobs"),
    ActionSpec("refresh", "r", "Refresh", "backup", footer=True),
    ActionSpec("close", "escape,q", "Close", "backup", footer=True),
    # The diff before a save
    ActionSpec("confirm", "y,enter", "Save as shown", "diff", footer=True, short="Save"),
    ActionSpec(
        "toggle_method",
        "m",
        "Send with PUT (whole document) or PATCH (changed fields)",
        "diff",
        footer=True,
        short="PUT / PATCH",
    ),
    ActionSpec("cancel", "escape,n", "Back to the editor, nothing sent", "diff", footer=True, short="Back"),
    # After a 412
    ActionSpec(
        "apply",
        "a",
        "Save my changes on top of the current version (with its etag)",
        "conflict",
        footer=True,
        short="Apply & save",
    ),
    ActionSpec("choose('yours')", "y", "This path: take mine", "conflict", footer=True, short="Mine", name="take_mine"),
    ActionSpec(
        "choose('theirs')", "t", "This path: take theirs", "conflict", footer=True, short="Theirs", name="take_theirs"
    ),
    ActionSpec("choose('base')", "b", "This path: take the original", "conflict", name="take_original"),
    ActionSpec("edit_merged", "e", "Edit the merged document", "conflict", footer=True, short="Edit"),
    ActionSpec("keep", "k,escape", "Keep editing (buffer untouched)", "conflict", footer=True, short="Keep"),
    ActionSpec("discard", "d", "Discard mine and reload the current version", "conflict", footer=True, short="Discard"),
    ActionSpec("overwrite", "o", "Overwrite with mine (asks first)", "conflict", footer=True, short="Overwrite"),
    ActionSpec("file", "w", "Write my version to a file", "conflict", footer=True, short="To file"),
    ActionSpec(
        "pick('file')",
        "w",
        "Deleted meanwhile: write my version to a file",
        "deleted",
        footer=True,
        short="Mine to a file",
        name="to_file",
    ),
    ActionSpec(
        "pick('recreate')",
        "c",
        "Deleted meanwhile: re-create it from my version",
        "deleted",
        footer=True,
        short="Re-create",
        name="recreate",
    ),
    ActionSpec(
        "pick('keep')",
        "k,escape",
        "Deleted meanwhile: keep editing",
        "deleted",
        footer=True,
        short="Keep editing",
        name="keep_editing",
    ),
    # Your writes
    ActionSpec("close", "escape,q", "Close", "history", footer=True),
)

SCOPE_TITLES = {
    "app": "Anywhere",
    "explorer": "Explorer",
    "table": "Table",
    "overview": "Overview",
    "job": "Job",
    "backup": "Backup definition",
    "document": "Document",
    "editor": "Editor",
    "diff": "Diff before saving",
    "conflict": "After a 412",
    "deleted": "Deleted while editing",
    "log": "Request log",
    "history": "Your writes",
}


def bindings(scope: str) -> list[Binding]:
    """Textual bindings for one scope, built from the registry."""
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.label,
            show=spec.footer,
            key_display=spec.key_display,
            tooltip=spec.description,
            priority=spec.priority,
            id=spec.id,
        )
        for spec in ACTIONS
        if spec.scope == scope
    ]


def in_scope(scope: str) -> list[ActionSpec]:
    return [spec for spec in ACTIONS if spec.scope == scope]
