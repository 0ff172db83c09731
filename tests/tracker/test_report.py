"""The compliance report on a hand-worked roster: every sheet's numbers, read back with a
different reader (python-calamine) than the writer (openpyxl), a manager's report, a
pseudonymised report, hostile names, and the same cells from the same database.

Roster (Avon and Somerset, snapshot 5 Jan 2026; report as of 11 May 2026, after the
30 April 2026 deadline; grace 90 days):

staff    name                         rank / department            training
7710001  Ann Able                     Insp / Response              Hydra 10 Feb; e-learning Jan
7710002  Ben O'Brien (DI)             Insp / CID, manager 7710001  e-learning 1-2
7710003  =HYPERLINK("http://x","y")   Insp / Neighbourhood, mgr 01 none
7710004  +1+1                         Sgt / Response               e-learning 1 Mar
7710005  @SUM(A1)                     PC / Roads Policing          e-learning 4 May (late)
7710006  -2+3                         Insp / Control Room          Hydra exemption (career break)
7710007  Cara New                     PC / Response, joined 20 Apr none (not yet due)
7710008  Dev Staff                    staff "Band C" (unmapped) / Custody   none
7710009  Eve Unmapped                 PC / "Mystery Unit" (unmapped), manager 9999999
                                      (not on the roster)         none
7710010  Fay Safe                     Insp / Public Protection     e-learning 1 Feb

Hydra (inspectors in Control Room, Response, Neighbourhood, CID, Roads Policing): 4 in
scope: 1 completed, 1 exempt, 2 outstanding (Ben, =HYPERLINK): coverage 1/3 = 33.3%.
E-learning (every officer, staff in Custody): 10 in scope: 4 completed (Ann, +1+1, @SUM
late, Fay), 1 not yet due (Cara), 5 outstanding: coverage 4/9 = 44.4%.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine

from tests.tracker.factories import add_completion, add_exemption, batch, make_person
from tracker.coverage import engine as coverage
from tracker.coverage.rules import load_rules
from tracker.coverage.trend import trend
from tracker.reports.data import ReportData, build_report, pseudonym, pseudonym_key
from tracker.reports.workbook import write_xlsx
from tracker.store import models
from tracker.store.db import unit_of_work

D = dt.date
JAN = D(2026, 1, 5)
AS_OF = D(2026, 5, 11)
EL = ["oic-el-1", "oic-el-2", "oic-el-3", "oic-el-4"]
HYDRA_TITLE, EL_TITLE = "OIC Hydra exercise", "OIC e-learning (all four modules)"
NAMES = ["Ann Able", "Ben O'Brien", '=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)",
         "-2+3", "Cara New", "Dev Staff", "Eve Unmapped", "Fay Safe"]
STAFF = [f"77100{i:02d}" for i in range(1, 11)]
EMAILS = [f"person{i}@example.test" for i in range(1, 11)]


def _person(s: Any, i: int, rank: str | None, department: str | None,
            **extra: Any) -> models.Person:
    state = {"as_of": JAN, "rank": rank, "department": department,
             **{k: extra.pop(k) for k in ("rank_raw", "unit") if k in extra}}
    return make_person(s, STAFF[i - 1], name=NAMES[i - 1], email=EMAILS[i - 1],
                       states=[state], **extra)


def _elearning(s: Any, person: models.Person, day: dt.date, modules: list[str] = EL) -> None:
    for module in modules:
        add_completion(s, person, module, day)


def build_roster(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        ann = _person(s, 1, "inspector", "response")
        add_completion(s, ann, "oic-hydra", D(2026, 2, 10), file_name="hydra-feb.xlsx")
        _elearning(s, ann, D(2026, 1, 20))
        _elearning(s, _person(s, 2, "inspector", "cid", detective=True,
                              line_manager=STAFF[0]), D(2026, 2, 1), EL[:2])
        _person(s, 3, "inspector", "neighbourhood", line_manager=STAFF[0])
        _elearning(s, _person(s, 4, "sergeant", "response"), D(2026, 3, 1))
        _elearning(s, _person(s, 5, "constable", "roads-policing"), D(2026, 5, 4))
        add_exemption(s, _person(s, 6, "inspector", "control-room"), "oic-hydra",
                      "Career break", D(2026, 1, 1))
        _person(s, 7, "constable", "response", start_date=D(2026, 4, 20))
        _person(s, 8, None, "custody", workforce_type="police_staff", rank_raw="Band C")
        _person(s, 9, "constable", None, unit="Mystery Unit", line_manager="9999999")
        _elearning(s, _person(s, 10, "inspector", "public-protection"), D(2026, 2, 1))
        add_quality_items(s)


def add_quality_items(s: Any) -> None:
    lms = batch(s, "lms-export.csv", "lms-long")
    for code, severity, n in (("bad-date", "error", 2), ("unknown-course", "warning", 1)):
        s.add_all(models.ImportProblem(batch_id=lms.id, code=code, severity=severity, row=5,
                                       column="Date", value="x", message="m")
                  for _ in range(n))
    for status in ("open", "open", "confirmed"):
        s.add(models.UnmatchedRecord(batch_id=lms.id, force_id=lms.force_id, row=9,
                                     identity_key="email:zed@example.test",
                                     display_name="Zed Unknown", payload={}, status=status))
    undone = models.ImportBatch(file_name="undone.csv", sha256="1" * 64, kind="lms-long",
                                force_id=lms.force_id, imported_by="tests", status="undone")
    s.add(undone)
    s.flush()
    s.add(models.ImportProblem(batch_id=undone.id, code="bad-date", severity="error", row=2,
                               message="m"))


@pytest.fixture
def roster(engine: Engine) -> Engine:
    build_roster(engine)
    return engine


def _report(engine: Engine, **options: Any) -> ReportData:
    options.setdefault("generated_at", dt.datetime(2026, 5, 11, 9, 0))
    return build_report(engine, load_rules(), AS_OF, generated_by="tester", **options)


def _read(data: ReportData) -> dict[str, list[list[Any]]]:
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    book = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _table(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The table under the header on row 4, as dicts, up to the first empty row."""
    header, out = rows[3], []
    for row in rows[4:]:
        if not any(v != "" for v in row):
            break
        out.append(dict(zip(header, row, strict=True)))
    return out


# --- each sheet's numbers ---------------------------------------------------------------


def test_summary_sheet_has_the_hand_worked_numbers(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["Summary"])
    numbers = [{k: r[k] for k in ("Requirement", "In scope", "Exempt", "Completed on time",
                                  "Completed late", "Not yet due", "Outstanding")}
               for r in rows]
    assert numbers == [
        {"Requirement": HYDRA_TITLE, "In scope": 4, "Exempt": 1, "Completed on time": 1,
         "Completed late": 0, "Not yet due": 0, "Outstanding": 2},
        {"Requirement": EL_TITLE, "In scope": 10, "Exempt": 0, "Completed on time": 3,
         "Completed late": 1, "Not yet due": 1, "Outstanding": 5},
    ]
    assert [r["Coverage"] for r in rows] == [pytest.approx(0.333), pytest.approx(0.444)]
    assert [r["Deadline"] for r in rows] == [D(2026, 4, 30)] * 2
    assert [r["Status against deadline"] for r in rows] == ["Off track", "Off track"]
    assert rows[0]["Forecast date (all done)"] == "no forecast"  # none done in 6 weeks
    assert isinstance(rows[1]["Forecast date (all done)"], dt.date)
    assert [r["Completions needed per week"] for r in rows] == ["deadline passed"] * 2


def test_summary_has_the_coverage_on_the_deadline_once_it_has_passed(roster: Engine) -> None:
    """As of 11 May: on 30 April itself @SUM's e-learning (4 May) was not done yet, so
    e-learning was 3 / (3 + 6) = 33.3% then (44.4% now); Hydra did not move (33.3%)."""
    rows = _table(_read(_report(roster))["Summary"])
    assert [r["Coverage on the deadline"] for r in rows] == [pytest.approx(0.333)] * 2
    assert [r["Coverage"] for r in rows] == [pytest.approx(0.333), pytest.approx(0.444)]
    then = coverage.compute(roster, load_rules(), D(2026, 4, 30)).summary()
    assert [r["Coverage on the deadline"] * 100 for r in rows] == [
        pytest.approx(v, abs=0.05) for v in then["coverage_pct"]]
    early = build_report(roster, load_rules(), D(2026, 4, 1), generated_by="tester")
    before = _table(_read(early)["Summary"])
    assert [r["Coverage on the deadline"] for r in before] == ["deadline to come"] * 2


def test_summary_numbers_read_back_equal_the_engine(roster: Engine) -> None:
    engine_rows = coverage.compute(roster, load_rules(), AS_OF).summary().to_dict("records")
    rows = _table(_read(_report(roster))["Summary"])
    for mine, theirs in zip(rows, engine_rows, strict=True):
        assert mine["In scope"] == theirs["in_scope"]
        assert mine["Completed on time"] + mine["Completed late"] == theirs["completed"]
        assert mine["Completed late"] == theirs["completed_late"]
        assert mine["Outstanding"] == theirs["outstanding"]
        assert mine["Coverage"] == pytest.approx(theirs["coverage_pct"] / 100)
        forecast = trend(roster, load_rules(), theirs["requirement"], AS_OF)
        assert mine["Forecast date (all done)"] == (forecast.forecast_date or "no forecast")
        assert mine["Status against deadline"] == {"red": "Off track", "amber": "At risk",
                                                   "green": "On track"}[forecast.rag]


def test_rank_and_department_totals_add_up_to_the_summary(roster: Engine) -> None:
    sheets = _read(_report(roster))
    rows = _table(sheets["By rank and department"])
    summary = {r["Requirement"]: r for r in _table(sheets["Summary"])}
    counts = ("In scope", "Exempt", "Completed", "Not yet due", "Outstanding")
    for title in (HYDRA_TITLE, EL_TITLE):
        mine = [r for r in rows if r["Requirement"] == title]
        detail = [r for r in mine if "All " not in r["Department"] + r["Rank or grade"]]
        by_rank = [r for r in mine if r["Department"] == "All departments"
                   and r["Rank or grade"] != "All ranks"]
        by_department = [r for r in mine if r["Rank or grade"] == "All ranks"
                         and r["Department"] != "All departments"]
        total = [r for r in mine if r["Rank or grade"] == "All ranks"
                 and r["Department"] == "All departments"]
        assert len(total) == 1
        for c in counts:
            assert (sum(r[c] for r in detail) == sum(r[c] for r in by_rank)
                    == sum(r[c] for r in by_department) == total[0][c])
        s = summary[title]
        assert total[0]["In scope"] == s["In scope"]
        assert total[0]["Completed"] == s["Completed on time"] + s["Completed late"]
        assert total[0]["Coverage"] == pytest.approx(s["Coverage"])


def test_rank_and_department_rows_for_the_hydra(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["By rank and department"])
    hydra = [(r["Rank or grade"], r["Department"], r["In scope"], r["Completed"],
              r["Outstanding"], r["Status against a steady pace"])
             for r in rows if r["Requirement"] == HYDRA_TITLE]
    assert hydra == [
        ("Inspector", "Control Room", 1, 0, 0, "No one due yet"),
        ("Inspector", "CID", 1, 0, 1, "Off track (small group)"),
        ("Inspector", "Neighbourhood", 1, 0, 1, "Off track (small group)"),
        ("Inspector", "Response", 1, 1, 0, "On track (small group)"),
        ("Inspector", "All departments", 4, 1, 2, "Off track (small group)"),
        ("All ranks", "Control Room", 1, 0, 0, "No one due yet"),
        ("All ranks", "CID", 1, 0, 1, "Off track (small group)"),
        ("All ranks", "Neighbourhood", 1, 0, 1, "Off track (small group)"),
        ("All ranks", "Response", 1, 1, 0, "On track (small group)"),
        ("All ranks", "All departments", 4, 1, 2, "Off track (small group)"),
    ]


def test_rank_by_department_matrix_for_the_hydra(roster: Engine) -> None:
    rows = _read(_report(roster))["Rank x department"]
    start = rows.index([HYDRA_TITLE] + [""] * (len(rows[0]) - 1))
    block = [r[:6] for r in rows[start + 1:start + 8]]
    assert block == [
        ["Rank or grade", "Control Room", "CID", "Neighbourhood", "Response",
         "All departments"],
        ["Inspector", "-", 0.0, 0.0, 1.0, pytest.approx(0.333)],
        ["", "no one due yet", "off track*", "off track*", "on track*", "off track*"],
        ["", "0 of 0", "0 of 1", "0 of 1", "1 of 1", "1 of 3"],
        ["All ranks", "-", 0.0, 0.0, 1.0, pytest.approx(0.333)],
        ["", "no one due yet", "off track*", "off track*", "on track*", "off track*"],
        ["", "0 of 0", "0 of 1", "0 of 1", "1 of 1", "1 of 3"],
    ]


def test_unmapped_ranks_and_departments_are_shown_as_unmapped(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["By rank and department"])
    el = {(r["Rank or grade"], r["Department"]): r["In scope"] for r in rows
          if r["Requirement"] == EL_TITLE}
    assert el[("Constable", "Unmapped")] == 1
    assert el[("Unmapped", "Custody")] == 1


def test_outstanding_sheet_lists_who_is_left(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["Outstanding"])
    got = [(r["Requirement"], r["Department"], r["Name"], r["Modules missing"]) for r in rows]
    every = "Module 1, Module 2, Module 3, Module 4"
    assert got == [
        (HYDRA_TITLE, "CID", "Ben O'Brien", "Hydra exercise"),
        (HYDRA_TITLE, "Neighbourhood", NAMES[2], "Hydra exercise"),
        (EL_TITLE, "CID", "Ben O'Brien", "Module 3, Module 4"),
        (EL_TITLE, "Control Room", "-2+3", every),
        (EL_TITLE, "Custody", "Dev Staff", every),
        (EL_TITLE, "Neighbourhood", NAMES[2], every),
        (EL_TITLE, "Unmapped", "Eve Unmapped", every),
    ]
    assert rows[-1]["Line manager"] == "9999999"  # not on the roster: the staff number
    ben = rows[0]
    assert ben["Line manager"] == "Ann Able"
    assert ben["Staff number"] == STAFF[1]
    assert ben["Force"] == "Avon and Somerset Constabulary"
    assert ben["Rank"] == "Inspector"


def test_exemptions_sheet(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["Exemptions"])
    assert [(r["Requirement"], r["Name"], r["Reason"], r["From"], r["Until"],
             r["Recorded by"]) for r in rows] == [
        (HYDRA_TITLE, "-2+3", "Career break", D(2026, 1, 1), "", "tests")]


def test_data_quality_sheet_counts(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["Data quality"])
    got = {(r["What"].split(" (")[0].split(",")[0], r["Value or file"]): r["Count"]
           for r in rows}
    assert got == {
        ("Unmatched learner records", "lms-export.csv"): 2,
        ("Import problems", "bad-date (error)"): 2,
        ("Import problems", "unknown-course (warning)"): 1,
        ("Unmapped ranks", "Band C"): 1,
        ("Unmapped departments", "Mystery Unit"): 1,
    }


def test_cover_sheet_states_rules_and_evidence(roster: Engine) -> None:
    rows = _read(_report(roster))["Cover"]
    text = [" ".join(str(v) for v in row if v != "") for row in rows]
    assert "Coverage as of 11 May 2026" in text
    assert "Generated by tester" in text
    assert "Generated at (UTC) 11 May 2026 09:00" in text
    assert any(t.startswith("Who is in scope In scope: workforce type is police officer and "
                            "rank is Inspector and department is Control Room") for t in text)
    assert "Modules to complete OIC Hydra exercise" in text
    assert any(t.startswith("Modules to complete Module 1 (OIC e-learning module 1: ")
               for t in text)
    assert "Deadline 30 April 2026" in text
    header = rows.index(["File name", "Kind", "Force", "Imported at (UTC)", "Imported by",
                         "Rows read", "Rows accepted", "Rows rejected", "SHA-256"])
    files = [r[0] for r in rows[header + 1:]]
    assert files == ["hr-avon-and-somerset-2026-01-05.csv", "hydra-feb.xlsx",
                     "lms-export.csv"]  # the undone batch is not evidence
    assert rows[header + 1][8] == "0" * 64


def test_trend_sheet_equals_the_engines_trend(roster: Engine) -> None:
    rows = _table(_read(_report(roster, requirement="oic-hydra"))["Trend"])
    expected = coverage_trend(roster, "oic-hydra")
    weekly = expected.weekly.assign(week_ending=lambda f: [_day(d) for d in f["week_ending"]])
    got = {r["Week ending"]: r for r in rows}
    for week in weekly.itertuples():
        row = got[week.week_ending]
        assert row["In scope"] == week.in_scope and row["Completed"] == week.completed
        assert row["Coverage"] == pytest.approx((week.coverage_pct or 0) / 100, abs=1e-9) \
            or (row["Coverage"] == "" and week.coverage_pct is None)


def coverage_trend(engine: Engine, requirement: str) -> Any:
    return trend(engine, load_rules(), requirement, AS_OF)


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- scope, pseudonyms, determinism -----------------------------------------------------


def test_a_managers_report_holds_only_their_departments(roster: Engine) -> None:
    sheets = _read(_report(roster, departments=["cid", "neighbourhood"]))
    outstanding = _table(sheets["Outstanding"])
    assert {r["Department"] for r in outstanding} == {"CID", "Neighbourhood"}
    assert len(outstanding) == 4
    summary = {r["Requirement"]: r["In scope"] for r in _table(sheets["Summary"])}
    assert summary == {HYDRA_TITLE: 2, EL_TITLE: 2}
    departments = {r["Department"] for r in _table(sheets["By rank and department"])}
    assert departments == {"CID", "Neighbourhood", "All departments"}
    matrix = [v for row in sheets["Rank x department"] for v in row]
    assert "Response" not in matrix and "CID" in matrix
    assert "Departments: CID, Neighbourhood." in sheets["Outstanding"][1][0]
    assert sheets["Cover"][3][:2] == ["Departments", "CID, Neighbourhood"]


def test_a_pseudonymised_report_has_no_names_emails_or_staff_numbers(roster: Engine) -> None:
    data = _report(roster, pseudonymise=True)
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    content = buffer.getvalue()
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    cells = [str(v) for name in book.sheet_names
             for row in book.get_sheet_by_name(name).to_python() for v in row]
    secrets = [*NAMES, *STAFF, *EMAILS, "O'Brien", "Zed Unknown"]
    assert not [s for s in secrets if any(s in c for c in cells)]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert not [s for s in [*STAFF, *EMAILS, "Ann Able", "Ben O", "Fay Safe"] if s in xml]
    rows = _table(book.get_sheet_by_name("Outstanding").to_python())
    assert all(r["Pseudonym"].startswith("P-") and len(r["Pseudonym"]) == 10 for r in rows)
    assert "Staff number" not in rows[0]


def test_pseudonyms_are_stable_for_a_date_and_differ_between_dates(roster: Engine) -> None:
    first = _report(roster, pseudonymise=True).outstanding["name"].tolist()
    again = _report(roster, pseudonymise=True).outstanding["name"].tolist()
    assert first == again
    assert first[0] == first[2]  # Ben, in both requirements
    other = build_report(roster, load_rules(), D(2026, 5, 12), pseudonymise=True,
                         generated_by="t").outstanding["name"].tolist()
    assert set(first).isdisjoint(other)
    assert pseudonym(1, pseudonym_key(AS_OF)) == pseudonym(1, pseudonym_key(AS_OF))


def test_a_pseudonymised_line_manager_is_the_managers_own_pseudonym(roster: Engine) -> None:
    data = _report(roster, pseudonymise=True)
    with unit_of_work(roster) as s:
        from sqlalchemy import select

        ann = s.scalar(select(models.Person.id).where(models.Person.staff_number == STAFF[0]))
    assert data.outstanding["line_manager"].iloc[0] == pseudonym(ann, pseudonym_key(AS_OF))
    assert data.outstanding["line_manager"].iloc[-1] == "not on the roster"
    assert data.outstanding["line_manager"].iloc[3] == ""  # no line manager recorded


def test_same_database_and_date_give_the_same_cells(roster: Engine) -> None:
    first = _read(_report(roster, generated_at=dt.datetime(2026, 5, 11, 9, 0)))
    second = _read(_report(roster, generated_at=dt.datetime(2026, 6, 1, 17, 45)))
    changed = [(name, i) for name in first for i, (a, b)
               in enumerate(zip(first[name], second[name], strict=True)) if a != b]
    assert changed == [("Cover", 5)]
    assert first["Cover"][5][0] == "Generated at (UTC)"


def test_hostile_names_come_back_as_text(roster: Engine) -> None:
    rows = _table(_read(_report(roster))["Outstanding"])
    assert {NAMES[2], "-2+3"} <= {r["Name"] for r in rows}


def test_recommendations_sheet_has_the_coverage_engines_figures(roster: Engine) -> None:
    """As of 11 May 2026: Hydra 1/3 = 33.3% (the same on the deadline); e-learning 4/9 =
    44.4%, 3/9 = 33.3% on the deadline. Past the deadline a steady pace needs 100%: both
    red. No force holds a register for recommendation 4: 0 of 0, red. No referral log for
    2: no figure, amber."""
    rows = _table(_read(_report(roster))["Recommendations"])
    assert [(r["No."], r["Figure as of the date"], r["On the deadline"], r["Status"])
            for r in rows] == [
        (2, "-", "", "At risk (amber)"), (4, "0 of 0 done", "0 of 0 done", "Off track (red)"),
        (8, "33.3%", "33.3%", "Off track (red)"), (9, "44.4%", "33.3%", "Off track (red)")]
    assert rows[2]["Deadline"] == D(2026, 4, 30)
    assert rows[2]["What HMICFRS asked"].startswith("By 30 April 2026, chief constables, "
                                                   "working with the Modern Slavery")
    assert rows[3]["Status rule"].startswith("OIC e-learning (all four modules): on a steady "
                                             "pace from 1 June 2024")
