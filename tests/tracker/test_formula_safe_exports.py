"""Every CSV and xlsx the tracker writes, from every face, is formula-safe.

A database is built through the real import path (the CLI) from files whose names, people,
units, line managers and course titles start with = + - @, a tab, a carriage return or a
full-width sign, and whose file name holds a carriage return. Then every export runs: the
CLI's csv outputs, the report workbook and CSVs, the problem reports, and every download
button of every dashboard page (kept uploads excepted: they are the user's own file). Each
file is opened as a spreadsheet would (the csv module, openpyxl): no cell is a formula, no
text starts with a trigger without its apostrophe (CSV) or quote prefix (xlsx), and the
CSVs have exactly the rows they should.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import streamlit
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.conftest import cli_db_url
from tracker import auth
from tracker.cli import app
from tracker.coverage.population import BREAKDOWNS
from tracker.reports.safe_text import FORMULA_START, csv_bytes
from tracker.store.db import unit_of_work
from tracker.store.models import ImportBatch, ImportProblem

HOSTILE_NAMES = ['=HYPERLINK("http://x","y") Ann', "+Bob Plus", "-Cy Minus", "@Di At",
                 "\uff1dEd Wide", "\tFi Tab", "Gus\r=1+1 Gray"]
ROSTER_NAME = "=1+1 roster.csv"
LMS_NAME = "@lms\r=1+1.csv"
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _roster() -> str:
    rows = ["Staff Number,Collar Number,Surname,Forenames,Email,Rank,Department,"
            "Line Manager,Start Date,Status",
            '2000,=9,"=SUM(A1)",Manny,boss@asc.police.uk,Insp,Response - Bristol North,,'
            "15/01/2015,Active"]
    units = ["Response - Bristol North", "=cmd|' /C calc'!A0", "@NPT Taunton",
             "+CID Bristol", "-Roads Portishead", "\uff20Control Room", "CID\r=2+2"]
    for i, (name, unit) in enumerate(zip(HOSTILE_NAMES, units, strict=True)):
        forenames, _, surname = name.rpartition(" ")
        rows.append(f'{2001 + i},{i},"{surname}","{forenames}",p{i}@asc.police.uk,Insp,'
                    f'"{unit}",2000,15/01/2015,Active')
    return "\r\n".join(rows) + "\r\n"


def _lms() -> str:
    rows = ["Employee ID,Full Name,Email,Course Title,Status,Completion Date",
            "2001,Ann,p0@asc.police.uk,OIC Module 1,Completed,20/01/2026",
            '2002,"+Bob Plus",p1@asc.police.uk,"=OIC Module 9",Completed,21/01/2026',
            ',"-Nobody Known",-x@elsewhere.uk,OIC Module 2,Completed,22/01/2026',
            ',"@Who\r=3+3",,OIC Module 3,Completed,22/01/2026']
    return "\r\n".join(rows) + "\r\n"


@dataclass
class Scan:
    """What the scan saw: files, cells, and what was wrong (should stay empty)."""

    files: int = 0
    cells: int = 0
    hostile_text: int = 0
    wrong: list[str] = field(default_factory=list)


def _csv_rows(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content, newline="")))


def scan_csv(scan: Scan, name: str, content: str, rows: int | None = None) -> None:
    """Every cell of a CSV: a trigger only behind an apostrophe, or in a plain number."""
    parsed = _csv_rows(content.removeprefix("\ufeff"))
    scan.files += 1
    if rows is not None and len(parsed) != rows:
        scan.wrong.append(f"{name}: {len(parsed)} rows, expected {rows}")
    for r, row in enumerate(parsed):
        for value in row:
            scan.cells += 1
            if value.startswith("'") and value[1:].startswith(FORMULA_START):
                scan.hostile_text += 1
            elif value.startswith(FORMULA_START) and not NUMBER.match(value):
                scan.wrong.append(f"{name} row {r + 1}: live {value!r}")


def scan_xlsx(scan: Scan, name: str, content: bytes) -> None:
    """Every cell of every sheet: never a formula; formula-like text quote-prefixed."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    scan.files += 1
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                scan.cells += 1
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")
                                             and cell.data_type != "s"):
                    scan.wrong.append(f"{name}!{cell.coordinate}: formula {value!r}")
                elif isinstance(value, str) and value.startswith(FORMULA_START):
                    scan.hostile_text += 1
                    if not cell.quotePrefix:
                        scan.wrong.append(f"{name}!{cell.coordinate}: no quote prefix")


# ---------------------------------------------------------------- the database


@pytest.fixture
def hostile(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Callable[..., Any]:
    """The database, imported through the CLI from hostile files; returns a CLI runner."""
    (tmp_path / ROSTER_NAME).write_text(_roster(), encoding="utf-8", newline="")
    (tmp_path / LMS_NAME).write_text(_lms(), encoding="utf-8", newline="")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2026-03-01")
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRACKER_FORCE", raising=False)
    url = cli_db_url(engine)

    def run(*args: str) -> Any:
        result = CliRunner().invoke(app, ["--db", url, *args])
        assert result.exit_code == 0, (args, result.output)
        return result

    for name in (ROSTER_NAME, LMS_NAME):
        run("import", f"./{name}", "--as-of", "2026-01-31", "--user", "lead", "--accept",
            "--force", "avon-and-somerset")
    return run


def _counts(engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        return (int(session.scalar(select(func.count()).select_from(ImportBatch)) or 0),
                int(session.scalar(select(func.count()).select_from(ImportProblem)) or 0))


# ---------------------------------------------------------------- the faces


def cli_exports(run: Callable[..., Any], scan: Scan, tmp_path: Path, engine: Engine) -> None:
    """Every CSV the CLI prints, and every file it writes."""
    for by in ["", *BREAKDOWNS]:
        scan_csv(scan, f"coverage --by {by}", run("coverage", "-f", "csv",
                                                 *(["--by", by] if by else [])).output)
    for by in ("department", "line_manager"):
        scan_csv(scan, f"outstanding --by {by}",
                 run("outstanding", "-f", "csv", "--by", by).output)
    for requirement in ("oic-hydra", "oic-elearning"):
        scan_csv(scan, f"trend {requirement}",
                 run("trend", "-r", requirement, "-f", "csv").output)
    for extra in ([], ["--pseudonymise"]):
        for table in ("outstanding", "summary"):
            out = tmp_path / f"report-{table}{len(extra)}.csv"
            run("report", "--out", str(out), "--table", table, *extra)
            scan_csv(scan, out.name, out.read_bytes().decode("utf-8-sig"))
        book = tmp_path / f"report{len(extra)}.xlsx"
        run("report", "--out", str(book), *extra)
        scan_xlsx(scan, book.name, book.read_bytes())
    batches = _counts(engine)[0]
    for batch in range(1, batches + 1):
        out = tmp_path / f"problems-{batch}.csv"
        run("imports", "problems", str(batch), "--out", str(out))
        scan_csv(scan, out.name, out.read_bytes().decode("utf-8-sig"))
        book = out.with_suffix(".xlsx")
        run("imports", "problems", str(batch), "--out", str(book))
        scan_xlsx(scan, book.name, book.read_bytes())


@dataclass
class Pressed:
    """A download button a page drew: its key, file name and the bytes it hands out."""

    key: str
    file_name: str
    content: bytes


def dashboard_exports(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Pressed]:
    """Every download button of every page, as an admin and a training lead, pressed."""
    from streamlit.testing.v1 import AppTest

    from tests.dashboards.conftest import APP, TIMEOUT, as_user

    auth.ensure_demo_users(engine)
    monkeypatch.setenv("TRACKER_DB_URL", cli_db_url(engine))
    pressed: list[Pressed] = []

    def button(label: str, data: Any, file_name: str | None = None, **kw: Any) -> bool:
        content = data() if callable(data) else data
        pressed.append(Pressed(str(kw.get("key")), str(file_name), content))
        return False

    monkeypatch.setattr(streamlit, "download_button", button)
    for username in ("demo-admin", "demo-lead"):
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.session_state["tracker_user"] = as_user(engine, username)
        at.session_state["tracker_session_clock"] = auth.SessionClock()
        at.run()
        for page in auth.pages_for(at.session_state["tracker_user"].role):
            if page != "national":
                at.switch_page(f"views/{page}.py").run()
                assert not at.exception, (page, at.exception)
        at.switch_page("views/imports.py").run()
        for batch in range(1, _counts(engine)[0] + 1):
            at.selectbox(key="imports_batch").set_value(batch).run()
            assert not at.exception, (batch, at.exception)
    return pressed


def test_every_export_of_every_face_is_formula_safe(
        hostile: Callable[..., Any], engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scan = Scan()
    cli_exports(hostile, scan, tmp_path, engine)
    cli_files = scan.files
    pressed = dashboard_exports(engine, monkeypatch)
    batches = _counts(engine)[0]
    originals = [b for b in pressed if b.key == "imports_original"]
    for button in pressed:
        if button in originals:
            continue  # the user's own file, as uploaded
        if button.content[:2] == b"PK":
            scan_xlsx(scan, button.file_name, button.content)
        else:
            rows = batches + 1 if button.file_name == "import-history.csv" else None
            scan_csv(scan, button.file_name, button.content.decode("utf-8-sig"), rows)
    assert scan.wrong == []
    assert (cli_files, scan.files - cli_files) == (21, len(pressed) - len(originals))
    assert scan.hostile_text > 0 and scan.cells > 1000
    print(f"\nformula-safe exports: {scan.files} files ({cli_files} CLI, "
          f"{scan.files - cli_files} dashboard), {scan.cells} cells, "
          f"{scan.hostile_text} formula-like texts made inert")


def test_a_carriage_return_in_a_file_name_stays_in_its_cell(
        hostile: Callable[..., Any], engine: Engine, tmp_path: Path) -> None:
    """The LMS file's name holds CR: the name shown and stored has its control characters
    taken out (``imports.shown_name``), the problem report has one row per problem, and
    the name, still starting with @, is made inert in its own column."""
    out = tmp_path / "p.csv"
    hostile("imports", "problems", "2", "--out", str(out))
    rows = _csv_rows(out.read_bytes().decode("utf-8-sig"))
    with unit_of_work(engine) as session:
        stored = session.scalar(select(func.count()).select_from(ImportProblem)
                                .where(ImportProblem.batch_id == 2))
    assert len(rows) == 1 + int(stored or 0) and len(rows) > 1
    assert {row[0] for row in rows[1:]} == {"'@lms=1+1.csv"}
    assert all(len(row) == 7 for row in rows)


def test_the_dashboards_table_download_quotes_cr_and_lf() -> None:
    import pandas as pd

    frame = pd.DataFrame({"file": ["x\r=1+1.csv", "a\nb", "-3"], "rows": [1, -2, 3]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert _csv_rows(text) == [["file", "rows"], ["x\r=1+1.csv", "1"], ["a\nb", "-2"],
                               ["'-3", "3"]]
    assert text == 'file,rows\r\n"x\r=1+1.csv",1\r\n"a\nb",-2\r\n\'-3,3\r\n'
