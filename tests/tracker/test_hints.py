"""Each face speaks its own words: every problem code and refusal has a title and a hint per
face; the dashboard's name no command, the command line's name no page; core messages name
neither."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from tracker import auth
from tracker.messages import hints
from tracker.messages.hints import FACES, HINTS, Refusal, face_hint, hint_column, with_hint
from tracker.messages.problems import Check, Code

ROOT = Path(__file__).resolve().parents[2]
PAGES = [page.title for page in auth.PAGES.values()]


@pytest.mark.parametrize("code", [*Code, *Refusal, *Check], ids=str)
def test_every_code_has_a_title_and_a_hint_per_face(code: Code | Refusal | Check) -> None:
    hint = HINTS[code]
    assert hint.title.strip() and hint.title[0].isupper()
    for face in FACES:
        text = face_hint(code, face)
        assert text.strip(), (code, face)
        assert "{" not in text and "}" not in text, (code, face, text)  # every value filled


@pytest.mark.parametrize("code", [*Code, *Refusal, *Check], ids=str)
def test_the_dashboard_names_no_command_and_the_cli_no_page(code: Code | Refusal | Check) -> None:
    dashboard, cli = HINTS[code].dashboard, HINTS[code].cli
    assert "tracker " not in dashboard and "--" not in dashboard and "`" not in dashboard
    assert not any(f"{page} page" in cli for page in PAGES), cli
    assert " page" not in cli and "tick " not in cli.lower()


def test_hints_take_values_and_read_without_them() -> None:
    assert face_hint(Code.UNKNOWN_RANK, "cli", value="Insp (T/Sgt)") == (
        'Map it with: tracker map rank "Insp (T/Sgt)" RANK-CODE.')
    assert face_hint(Code.UNKNOWN_RANK, "cli") == 'Map it with: tracker map rank "VALUE" RANK-CODE.'
    assert face_hint(Code.ALREADY_IMPORTED, "dashboard", batch=12).startswith(
        "To replace it, undo batch #12 on the Imports page (Undo batch)")
    assert face_hint(None, "cli") == ""


def test_a_face_adds_its_hint_only_where_the_message_does_not_say_what_to_do() -> None:
    assert with_hint("No import batch 7.", Refusal.NO_BATCH, "cli") == (
        "No import batch 7. `tracker imports list` shows them.")
    assert with_hint("No import batch 7.", Refusal.NO_BATCH, "dashboard") == (
        "No import batch 7. Choose one from the list on the Imports page.")
    said = "The date 31/02/2026 is not a date; correct it and import again."
    assert with_hint(said, Code.BAD_DATE, "cli") == said  # the message says it for both faces
    assert with_hint("no code", None, "dashboard") == "no code"


def test_a_refusal_carries_its_code_for_the_face_to_explain() -> None:
    refusal = auth.AuthError("No user 'ghost'.", Refusal.NO_USER)
    assert str(refusal) == "No user 'ghost'."
    assert hints.explain(refusal, "cli") == (
        "No user 'ghost'. See the users with: tracker users list.")
    assert hints.explain(refusal, "dashboard") == (
        "No user 'ghost'. Choose one of the users listed on the Admin page.")
    assert hints.explain(ValueError("plain"), "cli") == "plain"


def test_hint_column_fills_each_row_by_code_and_value() -> None:
    frame = pd.DataFrame({"code": ["unknown-rank", "bad-date", "unknown-rank", "gone-code"],
                          "value": ["Insp X", None, "PC Y", "z"]})
    assert hint_column(frame["code"], "cli", frame["value"]).tolist() == [
        'Map it with: tracker map rank "Insp X" RANK-CODE.',
        HINTS[Code.BAD_DATE].cli,
        'Map it with: tracker map rank "PC Y" RANK-CODE.',
        ""]
    assert hint_column(frame["code"], "dashboard").tolist()[0] == (
        "Map it on the Data quality page (Unknown values, Save mapping).")


def _strings(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings or comments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docs]


CORE = [*sorted((ROOT / "imports").glob("*.py")),
        *(p for p in sorted((ROOT / "tracker").rglob("*.py"))
          if not {"cli", "migrations"} & set(p.parts) and p.name != "hints.py")]
COMMAND = re.compile(r"`tracker |\btracker (init|import|imports|map|match|users|explain|coverage"
                     r"|report|profiles|retention)\b|[\s(`]--[a-z]")
PAGE = re.compile(rf"\b({'|'.join(map(re.escape, PAGES))}) page\b")


def test_core_covers_every_room() -> None:
    assert {p.parent.name for p in CORE} >= {"imports", "tracker", "reference", "messages",
                                             "store", "coverage", "ingest", "reports"}


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_core_messages_name_no_command_and_no_page(path: Path) -> None:
    """The words a user reads from the core (every room of tracker/ but its command line,
    and imports/) name no command, option or dashboard page: each face adds its own
    (``tracker.messages.hints``)."""
    assert [s for s in _strings(path) if COMMAND.search(s) or PAGE.search(s)] == []


DASHBOARD = [*sorted((ROOT / "dashboards").glob("*.py")),
             *sorted((ROOT / "dashboards" / "views").glob("*.py"))]


@pytest.mark.parametrize("path", DASHBOARD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_dashboard_writes_no_command(path: Path) -> None:
    assert [s for s in _strings(path) if re.search(r"\btracker [a-z]+ |`tracker|--[a-z]", s)
            ] == []
