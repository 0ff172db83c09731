"""Property: the same roster and LMS export, written the way any system might write it, give
the same coverage, or a refusal that names the column.

The rows are the truth of tests/data/make_zoo.py. Hypothesis renames every header through a
synonym table of its own (the spellings HR and LMS reports use, not the importer's list),
shuffles the columns, may add a title block and a totals row, and picks the encoding
(UTF-8, UTF-8 with BOM, Windows-1252, UTF-16 with tabs), the delimiter and the date style
(ISO, dd/mm/yyyy, "05 Mar 2024", an Excel serial number as text). Importing both with the
real CLI must give exactly the coverage worked out from the truth, or stop with exit 1 and
a message quoting a header of the file: never a confident wrong number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import Phase, example, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.data import make_zoo as zoo
from tracker.cli import app
from tracker.store.db import init_db, make_engine

ROSTER_HEADERS = {
    "staff": ["Staff Number", "Employee No.", "Payroll Ref", "Person Number", "Staff ID",
              "Personnel No.", "Emp Num", "Employee Reference"],
    "collar": ["Collar Number", "Warrant No", "Shoulder No.", "Collar No", "Epaulette Number"],
    "surname": ["Surname", "Last Name", "Family Name"],
    "forename": ["Forenames", "First Name", "Forename", "Given Name"],
    "email": ["Email", "E-mail Address", "Work Email", "Email Address"],
    "rank": ["Rank", "Rank Desc", "Grade", "Rank/Grade", "Substantive Rank"],
    "unit": ["Department", "Dept", "Org Unit", "Command", "Dept Desc", "Department/Unit",
             "Unit"],
    "start": ["Start Date", "Date Joined", "Hire Date", "Service Start Date",
              "Date of Appointment"],
}
LMS_HEADERS = {
    "staff": ["Staff Number", "Employee No.", "Payroll Ref", "Person Number",
              "User ID Number"],
    "name": ["Full Name", "Learner", "Name", "Learner Name", "User Full Name"],
    "email": ["Email", "E-mail Address", "User Email", "Email Address"],
    "course": ["Course", "Course Title", "Learning Item", "Course Name", "Module",
               "Item Title"],
    "status": ["Status", "Completion Status", "Course Status", "Result"],
    "date": ["Completion Date", "Date Completed", "Completed On", "Completed Date"],
}
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
DATE_STYLES = ["iso", "dmy", "mon", "serial"]
EXPECTED = zoo.expected(zoo.el_facts(zoo.CURRENT))


@dataclass(frozen=True)
class Layout:
    headers: dict[str, str]  # field -> header text
    order: tuple[str, ...]  # fields, left to right
    encoding: str
    delimiter: str
    dates: str
    title: bool
    totals: bool

    def describe(self) -> str:
        return (f"{self.encoding}, delimiter {self.delimiter!r}, dates {self.dates}, "
                f"title {self.title}, totals {self.totals}, columns "
                + " | ".join(self.headers[f] for f in self.order))


def plain(fields: dict[str, list[str]]) -> Layout:
    return Layout({f: names[0] for f, names in fields.items()}, tuple(fields), "utf-8", ",",
                  "iso", False, False)


@st.composite
def layouts(draw: st.DrawFn, fields: dict[str, list[str]]) -> Layout:
    encoding = draw(st.sampled_from(ENCODINGS))
    return Layout(
        headers={f: draw(st.sampled_from(names)) for f, names in fields.items()},
        order=tuple(draw(st.permutations(list(fields)))),
        encoding=encoding,
        delimiter="\t" if encoding == "utf-16" else draw(st.sampled_from([",", ";", "\t"])),
        dates=draw(st.sampled_from(DATE_STYLES)),
        title=draw(st.booleans()),
        totals=draw(st.booleans()),
    )


def show_date(day: dt.date | None, style: str) -> str:
    if day is None:
        return ""
    return {"iso": day.isoformat(), "dmy": day.strftime("%d/%m/%Y"),
            "mon": day.strftime("%d %b %Y"),
            "serial": str((day - dt.date(1899, 12, 30)).days)}[style]


def roster_rows(dates: str) -> list[dict[str, str]]:
    return [{"staff": p.staff, "collar": p.collar or "", "surname": p.surname,
             "forename": p.forename, "email": p.email, "rank": p.rank, "unit": p.unit,
             "start": show_date(p.start, dates)} for p in zoo.CURRENT]


def lms_rows(dates: str) -> list[dict[str, str]]:
    return [{"staff": p.staff, "name": p.name, "email": p.email, "course": zoo.EL_TITLES[m],
             "status": "Completed" if day else "In progress", "date": show_date(day, dates)}
            for p, m, day in zoo._el_rows(zoo.CURRENT)]


def write(layout: Layout, rows: list[dict[str, str]], path: Path) -> Path:
    lines: list[list[str]] = []
    if layout.title:
        lines += [["Avon and Somerset Constabulary"], ["Extract run 30/10/2026 06:00"], []]
    lines.append([layout.headers[f] for f in layout.order])
    lines += [[row[f] for f in layout.order] for row in rows]
    if layout.totals:
        lines.append([f"Total: {len(rows)} records"])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n").writerows(lines)
    text = buffer.getvalue()
    if layout.encoding == "utf-16":
        path = path.with_suffix(".txt")
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(layout.encoding))
    return path


def run(url: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["--db", url, *args], env={"TRACKER_TODAY": zoo.TODAY
                                                             .isoformat()})


def import_or_refuse(url: str, path: Path, layout: Layout) -> bool:
    """Import ``path``; True when imported, False when refused with a message that quotes
    one of its headers. Anything else fails the test."""
    result = run(url, "import", str(path), "--force", zoo.FORCE)
    note(f"{path.name} ({layout.describe()}): exit {result.exit_code}\n{result.output}")
    if result.exit_code == 0:
        return True
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    quoted = [f'"{header}"' for header in layout.headers.values()]
    assert any(q in result.output for q in quoted), (
        f"{path.name} refused without naming a column: {result.output}")
    return False


@settings(max_examples=30, deadline=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking: minutes
@given(roster=layouts(ROSTER_HEADERS), lms=layouts(LMS_HEADERS))
@example(roster=plain(ROSTER_HEADERS), lms=plain(LMS_HEADERS))
def test_any_spelling_gives_the_same_coverage_or_names_the_column(roster: Layout,
                                                                 lms: Layout) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'tracker.db'}"
        engine = make_engine(url)
        init_db(engine)
        engine.dispose()
        for name, layout, rows in (("roster.csv", roster, roster_rows(roster.dates)),
                                   ("lms.csv", lms, lms_rows(lms.dates))):
            if not import_or_refuse(url, write(layout, rows, Path(tmp) / name), layout):
                return
        result = run(url, "coverage", "--as-of", zoo.AS_OF.isoformat(), "--force", zoo.FORCE,
                     "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == EXPECTED
