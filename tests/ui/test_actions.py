"""The registry's ids: one per action, "<scope>.<name>", carried by its bindings, so a keymap can rebind it."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from casatui.ui.actions import ACTIONS, SCOPE_TITLES, bindings

# Every id, in the registry's order. A keymap names these: changing one breaks the keymaps that use it, so a change
# here is deliberate.
IDS = [
    "app.quit", "app.help", "app.command_palette", "app.jump", "app.request_log", "app.overview", "app.history",
    "explorer.focus_filter", "explorer.refresh", "explorer.toggle_auto_refresh", "explorer.watch", "explorer.sort",
    "explorer.toggle_times", "explorer.toggle_sidebar", "explorer.focus_sidebar", "explorer.toggle_preview",
    "explorer.zoom",
    "explorer.grow_preview", "explorer.shrink_preview", "explorer.follow", "explorer.related_jobs", "explorer.back",
    "explorer.edit", "explorer.create", "explorer.delete", "explorer.run_now", "explorer.toggle_pause",
    "explorer.copy_id", "explorer.toggle_yaml", "explorer.toggle_server_fields",
    "table.down", "table.up", "table.first", "table.last", "table.open",
    "editor.save", "editor.leave", "editor.external_editor", "editor.zoom", "editor.to_table", "editor.reformat",
    "editor.reload", "editor.server_changes",
    "log.copy_curl", "log.close",
    "app.switch_profile",
    "document.toggle_server_fields", "document.toggle_yaml", "document.close",
    "overview.refresh", "overview.close",
    "job.follow", "job.refresh", "job.close",
    "backup.jobs", "backup.refresh", "backup.close",
    "diff.confirm", "diff.toggle_method", "diff.cancel",
    "conflict.apply", "conflict.take_mine", "conflict.take_theirs", "conflict.take_original", "conflict.edit_merged",
    "conflict.keep", "conflict.discard", "conflict.overwrite", "conflict.file",
    "deleted.to_file", "deleted.recreate", "deleted.keep_editing",
    "history.close",
]  # fmt: skip


def test_every_action_has_its_id_and_none_changed() -> None:
    assert [spec.id for spec in ACTIONS] == IDS


def test_ids_are_unique_and_name_their_scope() -> None:
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))
    for spec in ACTIONS:
        scope, name = spec.id.split(".")
        assert scope == spec.scope and scope in SCOPE_TITLES and re.fullmatch(r"[a-z][a-z_]*", name), spec.id


def test_the_bindings_carry_the_ids() -> None:
    for scope in SCOPE_TITLES:
        made = bindings(scope)
        assert [binding.id for binding in made] == [spec.id for spec in ACTIONS if spec.scope == scope]
        assert all(isinstance(binding, Binding) and binding.id for binding in made)


class Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("app")]

    def __init__(self) -> None:
        super().__init__()
        self.helped = 0

    def action_help(self) -> None:
        self.helped += 1


async def test_a_keymap_rebinds_an_action_by_its_id() -> None:
    app = Keys()
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert app.helped == 1
        app.set_keymap({"app.help": "f1"})
        await pilot.press("question_mark")
        assert app.helped == 1  # ? no more
        await pilot.press("f1")
        assert app.helped == 2  # f1 now
