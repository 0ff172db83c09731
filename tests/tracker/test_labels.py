"""One table of column headings and status words (``tracker.reference.labels``): every face
reads it, none keeps a copy of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from tracker.cli.coverage_cmd import render_table
from tracker.coverage.engine import COUNT_COLUMNS
from tracker.reference import labels
from tracker.reference.labels import heading
from tracker.reports import workbook

ROOT = Path(__file__).resolve().parents[2]
FACES = [*sorted((ROOT / "tracker" / "cli").glob("*.py")),
         *sorted((ROOT / "tracker" / "reports").glob("*.py")),
         *sorted((ROOT / "dashboards").rglob("*.py"))]
WORDS = {*labels.COLUMN_HEADINGS.values(), *labels.TERMINAL_HEADINGS.values(),
         *labels.WORKBOOK_HEADINGS.values(), *labels.RAG_WORDS.values()}


def test_a_heading_is_the_faces_own_else_the_tables_else_the_name_in_words() -> None:
    assert [heading("coverage_pct", face) for face in ("table", "terminal", "workbook")] == [
        "Coverage %", "Coverage", "Coverage %"]
    assert heading("status_on_pace", "workbook") == "Status against a steady pace"
    assert heading("days_to_deadline") == "Days to deadline"
    assert labels.STATUS_WORDS == {"completed": "Completed", "exempt": "Exempt",
                                   "not_yet_due": "Not yet due", "outstanding": "Outstanding"}


def test_the_terminal_reads_its_headings_from_the_table(monkeypatch) -> None:
    monkeypatch.setitem(labels.TERMINAL_HEADINGS, "in_scope", "Scoped")
    frame = pd.DataFrame({"requirement": ["oic-hydra"], **{c: [1] for c in COUNT_COLUMNS}})
    assert render_table(frame).splitlines()[0].split() == [
        "Requirement", "Scoped", "Exempt", "Completed", "of", "which", "late", "Not", "yet",
        "due", "Outstanding"]


def test_the_workbooks_coverage_columns_are_headed_from_the_table() -> None:
    shown = {c.key: c.header for c in workbook.SUMMARY}
    assert shown == {c.key: heading({"status": "status_on_deadline"}.get(c.key, c.key),
                                    "workbook") for c in workbook.SUMMARY}
    assert shown["status"] == "Status against deadline"


def _own_tables(path: Path) -> list[int]:
    """Lines of dict literals holding two or more of the table's words."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Dict)
            and sum(isinstance(v, ast.Constant) and v.value in WORDS for v in node.values) >= 2]


@pytest.mark.parametrize("path", FACES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_face_keeps_its_own_headings_or_status_words(path: Path) -> None:
    assert _own_tables(path) == []
    text = path.read_text(encoding="utf-8")
    assert not any(f'"{word}' in text for word in labels.RAG_WORDS.values())
