"""The code's rooms import one way (DESIGN.md, "Shape of the code"): ``dashboards/`` and
the CLI call ``imports/`` and ``tracker/``; ``imports/`` uses ``tracker/``'s vocabulary;
``tracker/`` knows no screen and no file format, except its CLI, the composition root;
nothing outside ``tests/`` imports from ``tests/``. Inside ``tracker/``, each room imports
only the rooms its ``__init__`` docstring names on its "May import:" line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

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


# ---------------------------------------------------------------- rooms inside tracker/

TRACKER = ROOT / "tracker"


def tracker_room(path: Path) -> str:
    """The room of a module of tracker/: its folder, or its own name for a top-level module
    (``config``, ``auth``)."""
    first = path.relative_to(TRACKER).parts[0]
    return first.removesuffix(".py")


def rooms() -> dict[str, Path]:
    """Each room of tracker/ and the file whose docstring says what it may import."""
    found = {p.stem: p for p in TRACKER.glob("*.py") if p.name != "__init__.py"}
    found |= {p.parent.name: p for p in TRACKER.glob("*/__init__.py")}
    return found


def may_import(path: Path) -> set[str]:
    """The rooms named on the "May import:" line of a module's docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    found = re.search(r"^May import: (.+?)\.$", doc, re.M | re.S)
    assert found, f"{path.relative_to(ROOT)} says nothing of what it may import"
    names = {n.strip() for n in re.split(r",|\band\b", found.group(1).replace("\n", " "))}
    if "every room of tracker/" in names:
        return set(rooms()) | names
    return {n for n in names if n and n != "nothing"}


def tracker_imports(path: Path) -> set[str]:
    """The rooms of tracker/ a module imports (``from tracker import x`` counts as room x)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] == "tracker":
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("tracker.")}
    return found


@pytest.mark.parametrize("name", sorted(rooms()))
def test_each_room_of_tracker_imports_only_what_its_docstring_allows(name: str) -> None:
    allowed = may_import(rooms()[name]) | {name, "__version__"}
    wrong = sorted(
        (path.relative_to(ROOT).as_posix(), other)
        for path in TRACKER.rglob("*.py")
        if "migrations/versions" not in path.as_posix() and path != TRACKER / "__init__.py"
        and tracker_room(path) == name
        for other in tracker_imports(path) - allowed)
    assert wrong == []


def test_tracker_listing_names_each_room() -> None:
    """The package docstring lists every room, so the listing tells a newcomer the topics."""
    doc = ast.get_docstring(ast.parse((TRACKER / "__init__.py").read_text())) or ""
    assert sorted(n for n in rooms() if f"``{n}" not in doc) == []


def test_rooms_do_not_import_in_a_circle() -> None:
    allowed = {name: may_import(path) - {name} for name, path in rooms().items()
               if name != "cli"}
    order: list[str] = []
    while allowed:
        ready = sorted(n for n, needs in allowed.items() if needs <= set(order))
        assert ready, f"these rooms may import each other: {sorted(allowed)}"
        order += ready
        for n in ready:
            del allowed[n]


def test_the_room_check_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Doc.\n\nMay import: config.\n"""\nfrom tracker.store import db\n'
                      "from tracker import auth\n")
    assert may_import(module) == {"config"}
    assert tracker_imports(module) == {"store", "auth"}
