"""The visiting forces' return (issue 16, part 2): a host force's delegate lists give the
delegates of one other force, and nobody else, as a Hydra delegate list that force imports.

The world, by hand:

- host Avon and Somerset: its own inspector Ann Lee (collar 0042) on its roster;
- home Wiltshire: four inspectors in scope of the Hydra requirement on its roster, Amy Ash
  (4101), Ben Birch (4102), Cal Cedar (4103) and Dot Dale (4104); none has done Hydra, so
  its Hydra coverage is 0 of 4;
- the host's delegate list (one workbook, a date per row): on 12 March 2026 Ann Lee (own
  force), Amy and Ben (Wiltshire, attended), Cal (Wiltshire, did not attend), Gil Gray
  (Gloucestershire, attended); on 26 March 2026 Dot Dale (Wiltshire, attended).

So Wiltshire's return holds Amy, Ben (attended) and Cal (did not attend) on 12 March and Dot
on 26 March: 4 rows of 4 delegates, 1 of them an absence; imported at Wiltshire, its Hydra
coverage moves from 0 of 4 to exactly 3 of 4 (Cal did not attend), and Wiltshire keeps
Cal's absence (12 March, row 4 of the return: the header is row 1, then by date and name).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from imports.detect import detect_kind
from tests.conftest import POSTGRES_URL, cli_db_url
from tracker.cli.app import app
from tracker.ingest.records import Kind
from tracker.reports import visitors as vis
from tracker.store.db import init_db, make_engine, scratch_schema, unit_of_work
from tracker.store.models import AuditEvent, HydraAbsence, ImportBatch, Person

runner = CliRunner()
HOST, HOME, THIRD = "avon-and-somerset", "wiltshire", "gloucestershire"
MARCH_12, MARCH_26 = dt.datetime(2026, 3, 12), dt.datetime(2026, 3, 26)

HOST_ROSTER = """Staff Number,Collar Number,Surname,Forenames,Email,Rank,Department,Start Date,\
Leaving Date,Status
1001,0042,Lee,Ann,ann.lee@asc.police.uk,Insp,Response - Bristol North,15/01/2015,,Active
1002,0043,Kay,Bob,bob.kay@asc.police.uk,Inspector,NPT Taunton,16/02/2016,,Active
"""
HOME_ROSTER = """Staff Number,Collar Number,Surname,Forenames,Email,Rank,Department,Start Date,\
Leaving Date,Status
2001,4101,Ash,Amy,amy.ash@wiltshire.police.uk,Insp,Response - Bristol North,15/01/2015,,Active
2002,4102,Birch,Ben,ben.birch@wiltshire.police.uk,Inspector,CID Bristol,16/02/2016,,Active
2003,4103,Cedar,Cal,cal.cedar@wiltshire.police.uk,Insp,NPT Taunton,17/03/2017,,Active
2004,4104,Dale,Dot,dot.dale@wiltshire.police.uk,Insp,Response - Bristol North,18/04/2018,,Active
"""
HEADER = ["Course date", "Venue", "Syndicate", "Delegate name", "Collar number", "Rank",
          "Home force", "Attended"]
DELEGATES = [
    [MARCH_12, "Portishead", 1, "Ann Lee", "0042", "Insp", "Avon and Somerset", "Y"],
    [MARCH_12, "Portishead", 1, "Amy Ash", "4101", "Insp", "Wiltshire Police", "Y"],
    [MARCH_12, "Portishead", 2, "Ben Birch", "4102", "Insp", "Wiltshire", "Yes"],
    [MARCH_12, "Portishead", 2, "Cal Cedar", "4103", "Insp", "Wiltshire Police",
     "Did not attend"],
    [MARCH_12, "Portishead", 2, "Gil Gray", "5501", "Insp", "Gloucestershire", "Y"],
    [MARCH_26, "Portishead", 1, "Dot Dale", "4104", "Insp", "Wiltshire Police", "Y"],
]


@pytest.fixture
def home_engine(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A second database on the same engine as ``engine``: the home force's own."""
    if engine.url.get_backend_name() == "postgresql":
        with scratch_schema(POSTGRES_URL or "", "h") as other:
            init_db(other)
            yield other
        return
    other = make_engine(f"sqlite:///{tmp_path / 'home.db'}")
    init_db(other)
    yield other
    other.dispose()


def run(engine: Engine, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", cli_db_url(engine), *args])
    return result.exit_code, result.output or repr(result.exception)


def import_file(engine: Engine, path: Path, force: str, as_of: str, *extra: str) -> None:
    code, output = run(engine, "import", str(path), "--as-of", as_of, "--user", "lead",
                       "--force", force, "--accept", *extra)
    assert code == 0, output


def delegate_list(folder: Path, rows: list[list[object]], name: str = "hydra-march") -> Path:
    """The host trainer's workbook: a title block above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Delegates"
    for row in [["OIC Hydra exercise"], [], HEADER, *rows]:
        ws.append(row)
    path = folder / f"{name}.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def host(engine: Engine, tmp_path: Path) -> Engine:
    (tmp_path / "host-roster.csv").write_text(HOST_ROSTER, encoding="utf-8")
    import_file(engine, tmp_path / "host-roster.csv", HOST, "2026-01-31")
    import_file(engine, delegate_list(tmp_path, DELEGATES), HOST, "2026-03-31")
    return engine


def hydra_coverage(engine: Engine, force: str) -> tuple[int, int]:
    """(completed, in scope) of the Hydra requirement at ``force`` on 1 April 2026."""
    code, output = run(engine, "coverage", "--force", force, "--as-of", "2026-04-01",
                       "--requirement", "oic-hydra", "--format", "json")
    assert code == 0, output
    row = json.loads(output)[0]
    return row["completed"], row["in_scope"]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_round_trip_credits_exactly_the_delegates_who_attended(
        host: Engine, home_engine: Engine, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"to-wiltshire.{suffix}"
    code, output = run(host, "visitors", "--force", HOME, "--out", str(out))
    assert code == 0, output
    assert output == (f"Wrote {out}: 3 attendance(s) and 1 absence(s) of 4 delegate(s) of "
                      "Wiltshire Police, sessions from 12 March 2026 to 26 March 2026. Send "
                      "it to Wiltshire Police; they import it as a Hydra delegate list.\n")
    (tmp_path / "home-roster.csv").write_text(HOME_ROSTER, encoding="utf-8")
    import_file(home_engine, tmp_path / "home-roster.csv", HOME, "2026-01-31")
    assert hydra_coverage(home_engine, HOME) == (0, 4)
    import_file(home_engine, out, HOME, "2026-04-01")  # no --kind, no mapping
    assert hydra_coverage(home_engine, HOME) == (3, 4)  # Amy, Ben, Dot; not Cal
    with unit_of_work(home_engine) as session:
        batch = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert batch is not None
        assert (batch.kind, batch.rows_read, batch.rows_new) == (Kind.HYDRA, 4, 3)
        absences = session.execute(
            select(Person.staff_number, HydraAbsence.held_on, HydraAbsence.row,
                   HydraAbsence.raw_status, HydraAbsence.batch_id)
            .join(Person, Person.id == HydraAbsence.person_id)).all()
    assert absences == [("2003", dt.date(2026, 3, 12), 4, vis.ABSENT, batch.id)]


def test_the_return_holds_that_force_only_and_reads_as_a_hydra_list(
        host: Engine, tmp_path: Path) -> None:
    with unit_of_work(host) as session:
        result = vis.visitors(session, HOME)
    assert result.delegates.assign(course_date=result.delegates["course_date"].dt.date
                                   ).values.tolist() == [
        ["OIC Hydra exercise", dt.date(2026, 3, 12), "Amy Ash", "4101", None, None,
         "Wiltshire Police", "Attended"],
        ["OIC Hydra exercise", dt.date(2026, 3, 12), "Ben Birch", "4102", None, None,
         "Wiltshire Police", "Attended"],
        ["OIC Hydra exercise", dt.date(2026, 3, 12), "Cal Cedar", "4103", None, None,
         "Wiltshire Police", "Did not attend"],
        ["OIC Hydra exercise", dt.date(2026, 3, 26), "Dot Dale", "4104", None, None,
         "Wiltshire Police", "Attended"]]
    assert (result.people, result.absences, result.attendances) == (4, 1, 3)
    with unit_of_work(host) as session:
        assert vis.visitors(session, THIRD).delegates["full_name"].tolist() == ["Gil Gray"]
        with pytest.raises(vis.VisitorsError) as own:  # the host's own people visit nobody
            vis.visitors(session, HOST)
    assert str(own.value) == ("No delegate of Avon and Somerset Constabulary attended a "
                              "Hydra session recorded here, so there is nothing to send them.")
    with unit_of_work(host) as session:
        forces = vis.visiting_forces(session, HOST)
    assert forces.values.tolist() == [[THIRD, "Gloucestershire Constabulary", 1],
                                      [HOME, "Wiltshire Police", 4]]



def test_cli_writes_the_delegate_list_layout_and_audits_it(host: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out" / "wiltshire.csv"
    code, output = run(host, "visitors", "--force", HOME, "--out", str(out), "--host", HOST)
    assert code == 0, output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["Course", "Course date", "Name", "Collar number", "Staff number", "Rank",
         "Home force", "Attendance"],
        ["OIC Hydra exercise", "2026-03-12", "Amy Ash", "4101", "", "", "Wiltshire Police",
         "Attended"],
        ["OIC Hydra exercise", "2026-03-12", "Ben Birch", "4102", "", "", "Wiltshire Police",
         "Attended"],
        ["OIC Hydra exercise", "2026-03-12", "Cal Cedar", "4103", "", "", "Wiltshire Police",
         "Did not attend"],
        ["OIC Hydra exercise", "2026-03-26", "Dot Dale", "4104", "", "", "Wiltshire Police",
         "Attended"]]
    assert detect_kind(rows[0], "", ()) == Kind.HYDRA
    with unit_of_work(host) as session:
        event = session.scalars(select(AuditEvent)
                                .where(AuditEvent.action == "visitors-export")).one()
        assert (event.target, event.detail) == ("wiltshire.csv", {
            "force": HOME, "host": HOST, "rows": 4, "people": 4, "absences": 1,
            "first": "2026-03-12",
            "last": "2026-03-26"})


def test_only_the_host_forces_own_lists_count_when_it_is_named(
        host: Engine, tmp_path: Path) -> None:
    """In a database several forces share, Gloucestershire hosted Cal Cedar on 2 April: he
    is in Wiltshire's return from Gloucestershire, not in the one from Avon and Somerset."""
    import_file(host, delegate_list(tmp_path, [
        [dt.datetime(2026, 4, 2), "Cheltenham", 1, "Cal Cedar", "4103", "Insp", "Wiltshire",
         "Y"]], name="glos-april"), THIRD, "2026-04-03")
    with unit_of_work(host) as session:
        names = {code: vis.visitors(session, HOME, code).delegates["full_name"].tolist()
                 for code in (HOST, THIRD, None)}
        forces = vis.visiting_forces(session, THIRD)
    assert names == {HOST: ["Amy Ash", "Ben Birch", "Cal Cedar", "Dot Dale"],
                     THIRD: ["Cal Cedar"],
                     None: ["Amy Ash", "Ben Birch", "Cal Cedar", "Dot Dale", "Cal Cedar"]}
    assert forces.values.tolist() == [[HOME, "Wiltshire Police", 1]]


def test_a_delegate_listed_without_a_name_goes_back_without_one(
        engine: Engine, tmp_path: Path) -> None:
    import_file(engine, delegate_list(tmp_path, [
        [MARCH_12, "Portishead", 1, None, "4105", "Insp", "Wiltshire Police", "Y"],
        [MARCH_12, "Portishead", 1, "Amy Ash", "4101", "Insp", "Wiltshire Police", "Y"]]),
        HOST, "2026-03-31")
    with unit_of_work(engine) as session:
        result = vis.visitors(session, HOME)
        stored = session.scalar(select(Person.full_name).where(Person.collar_number == "4105"))
    assert result.delegates[["full_name", "collar_number"]].values.tolist() == [
        ["Amy Ash", "4101"], [None, "4105"]]
    # stored under words a reader understands, not the matching key "collar:4105"
    assert stored == "(no name given: collar 4105)"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    """The importers already keep formulas out of names; the writer makes sure anyway
    (a rank or collar number from some other source, a name typed on a page)."""
    hostile = '=HYPERLINK("http://x.example","Eve")'
    frame = pd.DataFrame({"course": ["OIC Hydra exercise"] * 2,
                          "course_date": pd.to_datetime(["2026-03-12", "2026-03-26"]),
                          "full_name": [hostile, "@Fay Fern"], "collar_number": ["-4105", "4106"],
                          "staff_number": [None, "+2006"], "rank_label": ["Insp", None],
                          "home_force": "Wiltshire Police", "attendance": vis.ATTENDED})
    result = vis.Visitors(HOME, "Wiltshire Police", None, frame[vis.LAYOUT], 2)
    vis.write_visitors(result, tmp_path / "w.csv", "csv")
    vis.write_visitors(result, tmp_path / "w.xlsx", "xlsx")
    with (tmp_path / "w.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1:] == [
        ["OIC Hydra exercise", "2026-03-12", "'" + hostile, "'-4105", "", "Insp",
         "Wiltshire Police", "Attended"],
        ["OIC Hydra exercise", "2026-03-26", "'@Fay Fern", "4106", "'+2006", "",
         "Wiltshire Police", "Attended"]]
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["Delegates"]
    cells = [sheet["C2"], sheet["D2"], sheet["C3"], sheet["E3"]]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        (hostile, "s", True), ("-4105", "s", True), ("@Fay Fern", "s", True),
        ("+2006", "s", True)]
    # a date cell, not text, shown as a day (no 00:00:00)
    assert (sheet["B2"].value, sheet["B2"].number_format) == (dt.datetime(2026, 3, 12),
                                                              "d mmm yyyy")
    assert not any(isinstance(c.value, str) and c.data_type == "f"
                   for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(("args", "message"), [
    (["--force", "atlantis", "--out", "a.xlsx"],
     "Error: There is no force 'atlantis'; a force is named by its code, e.g. wiltshire. "
     "Give --force a code from tracker/reference/data/forces.toml (e.g. wiltshire); "
     "`tracker visitors --help` says what each option takes.\n"),
    (["--force", "dorset", "--out", "d.csv"],
     "Error: No delegate of Dorset Police attended a Hydra session recorded here, so there "
     "is nothing to send them. Import the delegate lists of the sessions they attended first "
     "(tracker import FILE --kind hydra-delegates), or check the force code.\n"),
    (["--force", HOME, "--out", "w.pdf"],
     "Error: w.pdf: the return is written as .xlsx or .csv (the layout a Hydra delegate list "
     "import reads); name the file with one of those endings. Give --out a file name ending "
     "in .xlsx or .csv.\n"),
    (["--force", HOME, "--out", "w.csv", "--host", HOME],
     "Error: wiltshire cannot be its own visitor: name another force than the one whose "
     "sessions these were. Give --force a code from tracker/reference/data/forces.toml (e.g. "
     "wiltshire); `tracker visitors --help` says what each option takes.\n"),
])
def test_refusals_say_what_to_do_and_write_nothing(
        host: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
        message: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run(host, "visitors", *args)
    assert (code, output) == (1, message)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".csv", ".pdf")
                  and p.name != "hydra-march.xlsx" and "roster" not in p.name) == []
    with unit_of_work(host) as session:
        assert session.scalars(select(AuditEvent)
                               .where(AuditEvent.action == "visitors-export")).all() == []


def test_help_says_what_it_writes() -> None:
    result = runner.invoke(app, ["visitors", "--help"])
    assert result.exit_code == 0
    words = " ".join(result.output.split())
    assert "delegates of --force on Hydra delegate lists" in words
    assert '"Attended" or "Did not attend"' in words
