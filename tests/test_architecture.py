"""The house rules a newcomer relies on, checked on the source itself (``lint-imports`` checks
the import contracts in ``pyproject.toml``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tst_sheets"
GATEWAY = PACKAGE / "workspace"
EMULATOR = PACKAGE / "emulator"
CLIENT_LIBRARIES = ("gspread", "googleapiclient", "google", "requests", "httplib2")
MAX_LINES = 500


def service_modules() -> list[Path]:
    """Every module of the service and its functions, the gateway and the emulator aside."""
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    return sorted(p for p in files if GATEWAY not in p.parents and EMULATOR not in p.parents)


def imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", service_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_gateway_talks_to_google(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    libraries = [
        name
        for name in imported(tree)
        if name.split(".")[0] in CLIENT_LIBRARIES and name != "gspread.utils"
    ]
    assert libraries == [], f"{path.name} imports {libraries}: go through tst_sheets.workspace"
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "execute"
    ]
    assert calls == [], f"{path.name} calls .execute() at lines {calls}"


def test_gspread_utils_are_used_in_one_place() -> None:
    users = [
        p.relative_to(ROOT).as_posix()
        for p in service_modules()
        if "gspread.utils" in imported(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert users == ["tst_sheets/model/a1.py"]


def test_no_module_outside_the_emulator_is_over_500_lines() -> None:
    files = [p for p in PACKAGE.rglob("*.py") if EMULATOR not in p.parents]
    long = {p.name: n for p in files if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_every_package_says_what_it_is_for() -> None:
    packages = [p.parent for p in PACKAGE.rglob("__init__.py")]
    silent = [
        p.relative_to(ROOT).as_posix()
        for p in packages
        if not ast.get_docstring(ast.parse((p / "__init__.py").read_text(encoding="utf-8")))
    ]
    assert silent == []


def test_the_top_level_holds_packages_settings_and_errors() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "config.py", "errors.py"]
