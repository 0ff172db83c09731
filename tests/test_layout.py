"""The code's rooms import one way (DESIGN.md, "Shape of the code"): ``dashboards/`` and
the CLI call ``imports/`` and ``tracker/``; ``imports/`` uses ``tracker/``'s vocabulary;
``tracker/`` knows no screen and no file format, except its CLI, the composition root;
nothing outside ``tests/`` imports from ``tests/``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ("tracker", "imports", "dashboards", "demodata", "bench")
# room -> the top-level packages it may not import
FORBIDDEN = {
    "tracker": {"imports", "dashboards", "demodata", "tests"},
    "tracker/cli": {"dashboards", "tests"},
    "imports": {"dashboards", "demodata", "tests"},
    "dashboards": {"demodata", "tests"},
    "demodata": {"dashboards", "tests"},
    "bench": {"dashboards", "tests"},
}


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def room(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    return "tracker/cli" if relative.startswith("tracker/cli/") else relative.split("/")[0]


def test_rooms_import_one_way() -> None:
    wrong = sorted(
        (path.relative_to(ROOT).as_posix(), name)
        for top in CODE for path in (ROOT / top).rglob("*.py")
        if "migrations/versions" not in path.as_posix()
        for name in imported(path) & FORBIDDEN[room(path)])
    assert wrong == []


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from dashboards import ui\n    import tests.conftest\n")
    assert imported(module) >= {"dashboards", "tests"}
