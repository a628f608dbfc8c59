"""The layer rule of DESIGN.md: casatui.api, casatui.config and casatui.core never import Textual (nor core
Rich), casatui.demo is never imported by the client layers, core never imports the UI, and the UI holds only
modules that need Textual or Rich (logic without them belongs in core)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import casatui

PACKAGE = Path(casatui.__file__).parent


def _imports(module: str) -> set[str]:
    code = (
        f"import sys, {module}; "
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'casatui'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_api_does_not_import_textual_or_the_demo() -> None:
    modules = [f"casatui.api.{p.stem}" for p in (PACKAGE / "api").glob("*.py") if p.stem != "__init__"]
    loaded = _imports(", ".join(["casatui.api", *modules]))
    # (rich may come in through httpx's optional command line; Textual must not come in at all)
    assert not {m for m in loaded if m.startswith("textual")}
    assert not {m for m in loaded if m.startswith(("casatui.demo", "casatui.ui"))}


def test_config_does_not_import_textual() -> None:
    if not (PACKAGE / "config.py").exists() and not (PACKAGE / "config").exists():
        return
    loaded = _imports("casatui.config")
    assert not {m for m in loaded if m.startswith(("textual", "casatui.ui", "casatui.demo"))}


def test_core_imports_neither_textual_rich_nor_the_ui() -> None:
    modules = [f"casatui.core.{p.stem}" for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__"]
    assert modules
    code = (
        f"import sys, casatui.core, {', '.join(modules)}; "
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'casatui'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(result.stdout.split())
    assert not {m for m in loaded if m.startswith(("textual", "rich"))}
    assert not {m for m in loaded if m.startswith(("casatui.ui", "casatui.demo", "casatui.cli"))}


def test_no_source_file_below_the_ui_mentions_textual() -> None:
    for layer in ("api", "config", "core"):
        for path in [*(PACKAGE / layer).glob("**/*.py"), PACKAGE / f"{layer}.py"]:
            if path.exists():
                text = path.read_text()
                assert "import textual" not in text and "from textual" not in text, path


def test_the_ui_imports_neither_the_demo_server_nor_the_command_line() -> None:
    modules = [f"casatui.ui.{p.stem}" for p in (PACKAGE / "ui").glob("*.py") if p.stem != "__init__"]
    screens = [f"casatui.ui.screens.{p.stem}" for p in (PACKAGE / "ui" / "screens").glob("*.py")]
    widgets = [f"casatui.ui.widgets.{p.stem}" for p in (PACKAGE / "ui" / "widgets").glob("*.py")]
    loaded = _imports(", ".join(m for m in [*modules, *screens, *widgets] if not m.endswith("__init__")))
    assert "casatui.ui.app" in loaded
    assert not {m for m in loaded if m.startswith(("casatui.demo", "casatui.cli"))}


# Modules of the UI that import neither Textual nor Rich, and why they stay there all the same.
UI_WITHOUT_TEXTUAL = {}


def _imports_textual_or_rich(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name.split(".")[0] in ("textual", "rich") for name in names):
            return True
    return False


def test_every_module_of_the_ui_needs_textual_or_rich() -> None:
    ui = PACKAGE / "ui"
    modules = {p.relative_to(ui).as_posix(): p for p in ui.glob("**/*.py") if p.name != "__init__.py"}
    assert "app.py" in modules
    without = {name for name, path in modules.items() if not _imports_textual_or_rich(path)}
    assert without == set(UI_WITHOUT_TEXTUAL), "Textual-free logic belongs in casatui/core"


def test_the_package_offers_its_names_from_their_modules() -> None:
    import importlib

    import casatui.api as api

    for name in api.__all__:
        module = importlib.import_module(api._MODULE_OF[name], "casatui.api")
        assert getattr(api, name) is getattr(module, name)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        api.Nope  # noqa: B018
