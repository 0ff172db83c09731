"""The visiting forces' return (issue 16, part 2): a host force's delegate lists give the
delegates of one other force, and nobody else, as a Hydra delegate list that force imports.

The world, by hand:

- host Avon and Somerset: its own inspector Ann Lee (collar 0042) on its roster;
- home Wiltshire: four inspectors in scope of the Hydra requirement on its roster, Amy Ash
  (4101), Ben Birch (4102), Cal Cedar (4103) and Dot Dale (4104); none has done Hydra, so
  its Hydra coverage is 0 of 4;
- the host's delegate list of 12 March 2026: Ann Lee (own force), Amy and Ben (Wiltshire,
  attended), Cal (Wiltshire, did not attend), Gil Gray (Gloucestershire, attended); and of
  26 March 2026: Amy again? no: Dot Dale (Wiltshire, attended).

So Wiltshire's return holds Amy and Ben on 12 March and Dot on 26 March: 3 rows; imported at
Wiltshire, its Hydra coverage moves from 0 of 4 to exactly 3 of 4 (Cal did not attend).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from imports.detect import detect_kind
from tests.conftest import POSTGRES_URL, cli_db_url
from tracker.cli.app import app
from tracker.ingest.records import Kind
from tracker.reports import visitors as vis
from tracker.store.db import init_db, make_engine, scratch_schema, unit_of_work
from tracker.store.models import AuditEvent

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
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def import_file(engine: Engine, path: Path, force: str, as_of: str, *extra: str) -> None:
    code, output = run(engine, "import", str(path), "--as-of", as_of, "--user", "lead",
                       "--force", force, "--accept", *extra)
    assert code == 0, output


def delegate_list(folder: Path, rows: list[list[object]]) -> Path:
    """The host trainer's workbook: a title block above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Delegates"
    for row in [["OIC Hydra exercise"], [], HEADER, *rows]:
        ws.append(row)
    path = folder / "hydra-march.xlsx"
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


def test_round_trip_credits_exactly_the_delegates_who_attended(
        host: Engine, home_engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "to-wiltshire.xlsx"
    code, output = run(host, "visitors", "--force", HOME, "--out", str(out))
    assert code == 0, output
    assert output == (f"Wrote {out}: 3 attendance(s) of 3 delegate(s) of Wiltshire Police, "
                      "sessions from 12 March 2026 to 26 March 2026. Send it to Wiltshire "
                      "Police; they import it as a Hydra delegate list.\n")
    (tmp_path / "home-roster.csv").write_text(HOME_ROSTER, encoding="utf-8")
    import_file(home_engine, tmp_path / "home-roster.csv", HOME, "2026-01-31")
    assert hydra_coverage(home_engine, HOME) == (0, 4)
    import_file(home_engine, out, HOME, "2026-04-01")  # no --kind, no mapping
    assert hydra_coverage(home_engine, HOME) == (3, 4)  # Amy, Ben, Dot; not Cal


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
        ["OIC Hydra exercise", dt.date(2026, 3, 26), "Dot Dale", "4104", None, None,
         "Wiltshire Police", "Attended"]]
    with unit_of_work(host) as session:
        assert vis.visitors(session, THIRD).delegates["full_name"].tolist() == ["Gil Gray"]
        with pytest.raises(vis.VisitorsError) as own:  # the host's own people visit nobody
            vis.visitors(session, HOST)
    assert str(own.value) == ("No delegate of Avon and Somerset Constabulary attended a "
                              "Hydra session recorded here, so there is nothing to send them.")
    with unit_of_work(host) as session:
        forces = vis.visiting_forces(session, HOST)
    assert forces.values.tolist() == [[THIRD, "Gloucestershire Constabulary", 1],
                                      [HOME, "Wiltshire Police", 3]]

