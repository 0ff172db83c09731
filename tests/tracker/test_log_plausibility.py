"""Implausible NCCU referral and intelligence submission logs (recommendation 2) stop with
one message naming the file, the column and what it costs, and write nothing; accepted, they
go through: no officer column (only reference matching is left), most officers matching
nobody on the force's roster as of their rows' dates, dates implausibly old or many in the
future. Real small files written by the csv module; the roster by openpyxl."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from imports import parse_file
from tests.imports.test_intel import write_csv
from tests.tracker.test_plausibility import D1, D2, FORCE, FORCE_OF_20, load, write_roster
from tracker.cli.imports_cmd import _fix
from tracker.config import Thresholds
from tracker.ingest.batch import ImportPlan, ImportRefused, commit_import, plan_import
from tracker.ingest.plausibility import Check
from tracker.ingest.records import Kind
from tracker.store.db import unit_of_work
from tracker.store.models import IntelSubmission, Referral

TODAY = dt.date(2026, 6, 1)
REFERRAL_HEADER = ["Referral Date", "Incident Number", "NCCU Reference", "Reporting Officer",
                   "Location"]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())


def _plan(engine: Engine, path: Path, **kw: Any) -> ImportPlan:
    parsed = parse_file(path, today=TODAY)
    return plan_import(engine, parsed, force_code=FORCE, as_of=None, actor="lead", **kw)


def _stored(engine: Engine) -> list[int]:
    with unit_of_work(engine) as session:
        return [int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Referral, IntelSubmission)]


def _referrals(rows: list[tuple[str, str]]) -> list[list[str]]:
    """A referral log of (date, officer) rows: INC-0001, INC-0002, ..."""
    return [REFERRAL_HEADER, *([day, f"INC-{i:04d}", "", officer, "Custody Bristol"]
                               for i, (day, officer) in enumerate(rows, start=1))]


# ---------------------------------------------------------------- no officer column

NO_OFFICER = (
    "referrals-no-officer.csv: no column was recognised as the reporting officer's staff or "
    "collar number, so its 2 referrals could be matched to intelligence documents only by "
    "reference (a document naming the incident, custody or NCCU reference), never by the "
    "same officer within the window; a referral whose document names no reference would "
    "count as missing, and the figures by department and rank, and the list to chase, "
    "could not name the officer or their line manager. Columns found: Referral Date, "
    "Incident Number, NCCU Reference, Location.")


def test_a_referral_log_without_an_officer_column_stops_and_accepted_goes_through(
        engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "referrals-no-officer.csv", [
        ["Referral Date", "Incident Number", "NCCU Reference", "Location"],
        ["03/02/2026", "INC-0001", "NCCU/26/0001", "Custody Bristol"],
        ["14/02/2026", "INC-0002", "", "Response Taunton"]])
    planned = _plan(engine, path)
    assert planned.refused == NO_OFFICER
    assert [(f.code, f.evidence["rows"]) for f in planned.findings] == [
        (Check.OFFICER_COLUMN_MISSING, 2)]
    with pytest.raises(ImportRefused):
        commit_import(engine, planned)
    assert _stored(engine) == [0, 0]
    assert _fix(planned.findings[0]) == (
        'To fix: say which column holds the reporting officer (staff or collar number) with '
        '--column "HEADER=officer" (saved for later files of this layout), or give it a '
        'header the tool knows, such as "Reporting officer"; if the log records no officer, '
        "matching by reference alone is all there is. If the file is right, pass --accept to "
        "import it anyway.")
    accepted = _plan(engine, path, accept=True)
    assert accepted.refused is None
    commit_import(engine, accepted, path.read_bytes())
    assert _stored(engine) == [2, 0]


def test_a_submission_log_without_an_author_column_says_what_it_costs(
        engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "intel-no-author.csv", [
        ["Intel Ref", "Date Submitted", "Linked Incident"],
        ["IR-100", "05/02/2026", "NCCU/26/0001"]])
    assert _plan(engine, path).refused == (
        "intel-no-author.csv: no column was recognised as the author's staff or collar "
        "number, so its 1 intelligence document could be matched to referrals only by the "
        "reference they link to, never by the same officer within the window; a document "
        "that links no reference would match no referral. Columns found: Intel Ref, Date "
        "Submitted, Linked Incident.")


# ---------------------------------------------------------------- officers matching nobody

def _roster_with_a_leaver(engine: Engine, tmp_path: Path) -> None:
    """The force of 20 on 31 January; on 28 February person 20 (collar 0020) has left."""
    load(engine, write_roster(tmp_path / "hr-jan.xlsx", FORCE_OF_20), D1)
    load(engine, write_roster(tmp_path / "hr-feb.xlsx", FORCE_OF_20[:19]), D2)


def test_a_log_of_officers_not_on_the_roster_stops(engine: Engine, tmp_path: Path) -> None:
    """Of the 7 officers, 0001 (a collar number) and 1002 (a staff number) match; 0020 left
    on 28 February, so on 10 March matches nobody, nor do four strangers: 5 of 7."""
    _roster_with_a_leaver(engine, tmp_path)
    rows = [("02/03/2026", "0001"), ("03/03/2026", "1002"), ("10/03/2026", "0020"),
            ("04/03/2026", "9001"), ("05/03/2026", "9002"), ("06/03/2026", "9003"),
            ("07/03/2026", "9004")]
    path = write_csv(tmp_path / "referrals-strangers.csv", _referrals(rows))
    planned = _plan(engine, path)
    assert planned.refused == (
        "referrals-strangers.csv: 5 of the 7 officers it names (71%) match nobody on the "
        "Avon and Somerset Constabulary roster by staff or collar number as of the referral date "
        '(column "Reporting Officer"): 0020, 9001, 9002, 9003, 9004. Their referrals would '
        'count as "(not on the roster)" by department and rank, and the list to chase could '
        "not name their line manager.")
    assert planned.findings[0].evidence == {
        "force": FORCE, "column": "Reporting Officer", "officers": 7, "unmatched": 5,
        "examples": ["0020", "9001", "9002", "9003", "9004"]}
    # 0020 also referring on 10 February, before leaving: matched once, so 4 of 7
    earlier = [*rows, ("10/02/2026", "0020")]
    path = write_csv(tmp_path / "referrals-four-strangers.csv", _referrals(earlier))
    assert _plan(engine, path).findings == []


def test_officers_are_not_judged_before_the_force_has_a_roster(engine: Engine,
                                                               tmp_path: Path) -> None:
    rows = [(f"0{d}/03/2026", f"900{d}") for d in range(1, 8)]
    path = write_csv(tmp_path / "referrals.csv", _referrals(rows))
    assert _plan(engine, path).findings == []


def test_the_share_of_officers_comes_from_the_thresholds(engine: Engine,
                                                         tmp_path: Path) -> None:
    _roster_with_a_leaver(engine, tmp_path)
    rows = [(f"0{d}/03/2026", f"00{d:02d}") for d in range(1, 9)] + [
        (f"1{d}/03/2026", f"900{d}") for d in range(1, 6)]  # 5 strangers of 13 (38%)
    path = write_csv(tmp_path / "referrals.csv", _referrals(rows))
    assert [f.code for f in _plan(engine, path).findings] == [Check.OFFICERS_UNMATCHED]
    lenient = dataclasses.replace(Thresholds(), unmatched=0.40)
    assert _plan(engine, path, thresholds=lenient).findings == []


# ---------------------------------------------------------------- dates

def test_a_row_dated_more_than_ten_years_ago_stops(engine: Engine, tmp_path: Path) -> None:
    rows = [("03/02/2026", "1234"), ("14/02/1926", "1234"), ("31/12/2015", "1235"),
            ("01/01/2016", "1236")]
    path = write_csv(tmp_path / "referrals-old.csv", _referrals(rows))
    planned = _plan(engine, path)
    assert planned.refused == (
        'referrals-old.csv, column "Referral Date": 2 referrals dated before 01/01/2016, '
        "more than 10 years ago: row 3 (14/02/1926), row 4 (31/12/2015); they would count "
        "in the months they give.")
    assert planned.findings[0].evidence["old_rows"] == [3, 4]


def test_many_rows_in_the_future_stop_a_few_do_not(engine: Engine, tmp_path: Path) -> None:
    """Today is 1 June 2026: five of six rows dated after it were rejected row by row (the
    dates written month-first?); one of six is no evidence."""
    future = [(f"0{d}/12/2026", "1234") for d in range(1, 6)]
    path = write_csv(tmp_path / "referrals-future.csv",
                     _referrals([("03/02/2026", "1234"), *future]))
    planned = _plan(engine, path)
    assert planned.refused == (
        'referrals-future.csv, column "Referral Date": 5 of its 6 rows (83%) dated after '
        "today (01/06/2026), which were not imported: perhaps the file writes its dates "
        "month-first and they were read day-first.")
    path = write_csv(tmp_path / "referrals-one-future.csv",
                     _referrals([("03/02/2026", "1234"), ("04/02/2026", "1234"),
                                 ("05/12/2026", "1234")]))
    assert _plan(engine, path).findings == []


def test_a_plausible_submission_log_is_not_stopped(engine: Engine, tmp_path: Path) -> None:
    _roster_with_a_leaver(engine, tmp_path)
    path = write_csv(tmp_path / "intel.csv", [
        ["Intel Ref", "Date Submitted", "Author Collar No", "Linked Incident"],
        *([f"IR-{i}", f"{i:02d}/03/2026", f"{i:04d}", ""] for i in range(1, 10))])
    planned = _plan(engine, path)
    assert (planned.parsed.kind, planned.findings, planned.refused) == (
        Kind.INTELLIGENCE_LOG, [], None)


def test_a_submission_log_of_strangers_stops_without_the_referral_costs(
        engine: Engine, tmp_path: Path) -> None:
    _roster_with_a_leaver(engine, tmp_path)
    path = write_csv(tmp_path / "intel-strangers.csv", [
        ["Intel Ref", "Date Submitted", "Author Collar No", "Linked Incident"],
        *([f"IR-{i}", f"{i:02d}/03/2026", f"90{i:02d}", ""] for i in range(1, 6)),
        ["IR-6", "06/03/2026", "0001", ""]])
    assert _plan(engine, path).refused == (
        "intel-strangers.csv: 5 of the 6 officers it names (83%) match nobody on the Avon "
        "and Somerset Constabulary roster by staff or collar number as of the intelligence "
        'document date (column "Author Collar No"): 9001, 9002, 9003, 9004, 9005.')
