"""``tracker report``: the workbook and CSV from the command line, and a user's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine, select
from typer.testing import CliRunner

import tracker.cli.report_cmd  # noqa: F401  (registers the command)
from tests.tracker.test_report import NAMES, STAFF, build_roster
from tracker import auth
from tracker.cli.app import app
from tracker.reports.data import pseudonym, pseudonym_key
from tracker.store import models
from tracker.store.db import unit_of_work

runner = CliRunner()


@pytest.fixture
def roster(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    """The hand-worked roster of test_report, and the CLI pointed at its database."""
    build_roster(engine)
    monkeypatch.setattr(sys.modules["tracker.cli.app"], "make_engine", lambda url: engine)
    monkeypatch.setenv("TRACKER_TODAY", "2026-05-11")
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    with unit_of_work(engine) as s:
        auth.add_user(s, "mo.manager", "manager", None, "tests",
                      force="avon-and-somerset", departments=["cid"])
        auth.add_user(s, "ina.inspector", "inspector", None, "tests")
        auth.add_user(s, "adam.admin", "admin", None, "tests")
    return engine


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", "sqlite://", "report", *args])
    return result.exit_code, result.output


def _rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_writes_the_workbook_and_says_so(roster: Engine, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    code, output = invoke("--out", str(out), "--user", "adam.admin")
    assert code == 1 and "may not export reports" in output
    code, output = invoke("--out", str(out))
    assert code == 0, output
    assert output == (f"Wrote {out} (as of 11 May 2026): OIC Hydra exercise 33.3%; OIC "
                      "e-learning (all four modules) 44.4%; 7 outstanding.\n")
    assert _rows(out, "Summary")[4][2] == 4
    with unit_of_work(roster) as s:
        event = s.scalars(select(models.AuditEvent)
                          .where(models.AuditEvent.action == "report-export")).one()
    assert event.target == "report.xlsx"


def test_csv_is_the_outstanding_list(roster: Engine, tmp_path: Path) -> None:
    out = tmp_path / "outstanding.csv"
    code, output = invoke("--out", str(out), "--requirement", "oic-hydra")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["Name"] for r in rows] == ["Ben O'Brien", "'" + NAMES[2]]


def test_csv_summary(roster: Engine, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    code, output = invoke("--out", str(out), "--table", "summary")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["Requirement"], r["In scope"], r["Coverage %"], r["Coverage on the deadline %"])
            for r in rows] == [("OIC Hydra exercise", "4", "33.3", "33.3"),
                               ("OIC e-learning (all four modules)", "10", "44.4", "33.3")]
    code, output = invoke("--out", str(out), "--table", "people")
    assert code == 1 and "Error: unknown --table 'people'; use outstanding or summary." in output


def test_a_managers_report_holds_only_their_departments(roster: Engine,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "mine.xlsx"
    code, output = invoke("--out", str(out), "--user", "mo.manager")
    assert code == 0, output
    departments = {r[2] for r in _rows(out, "Outstanding")[4:]}
    assert departments == {"CID"}
    code, output = invoke("--out", str(out), "--user", "mo.manager", "--department", "response")
    assert code == 1
    assert "Error: user 'mo.manager' manages cid; not response." in output


def test_an_inspectors_report_is_pseudonymised(roster: Engine, tmp_path: Path) -> None:
    out = tmp_path / "inspector.xlsx"
    code, output = invoke("--out", str(out), "--user", "ina.inspector")
    assert code == 0, output
    book = CalamineWorkbook.from_path(str(out))
    text = " ".join(str(v) for name in book.sheet_names
                    for row in book.get_sheet_by_name(name).to_python() for v in row)
    assert not [s for s in [*NAMES[:2], *NAMES[6:], *STAFF] if s in text]
    secret = (tmp_path / "pseudonym-secret").read_text().strip()  # made for this report
    with unit_of_work(roster) as s:
        ids = s.scalars(select(models.Person.id)).all()
    key = pseudonym_key(dt.date(2026, 5, 11), secret)
    assert [p for p in ids if pseudonym(p, key) in text]  # keyed by this installation's secret
    assert not [p for p in ids if pseudonym(p, pseudonym_key(dt.date(2026, 5, 11))) in text]


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "x.pdf"], "x.pdf: the report is written as .xlsx (the full workbook) or .csv "
     "(the outstanding list); give --out a file name ending in one of those."),
    (["--out", "x.xlsx", "--department", "traffic"], "unknown department 'traffic'; use one "
     "of: control-room,"),
    (["--out", "x.xlsx", "--requirement", "nope"], "unknown requirement 'nope'; the rules "
     "have: oic-hydra, oic-elearning."),
    (["--out", "x.xlsx", "--user", "nobody"], "No user 'nobody'"),
])
def test_bad_options_say_what_to_do(roster: Engine, args: list[str], message: str) -> None:
    code, output = invoke(*args)
    assert code == 1
    assert f"Error: {message}" in output
