"""Property: an NCCU referral log and an intelligence submission log, written the way any
system might write them, read as the same records.

The rows are fixed (TRUTH below). Hypothesis picks each column's header from spellings
such logs use, its case and spacing, the column order, unrelated columns mixed in, a title
block above the header, the time of day in the date cell or in a column of its own, and the
writer: the csv module (UTF-8, UTF-8 with BOM, UTF-16 with tabs) or openpyxl (real date,
datetime and time cells). Every file must read as the same kind with the same records
(references, dates, times, officers, links), on the rows a person sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from imports import parse_file
from tracker.ingest.records import Kind

TODAY = dt.date(2026, 6, 1)
T = dt.time

# (reference, date, time, officer, other): other is the NCCU reference of a referral, the
# linked reference of a submission; "" where the log leaves it blank.
REFERRAL_TRUTH = [
    ("INC-0001", dt.date(2026, 3, 2), T(14, 35), "1234", "NCCU/26/0001", "Custody Bristol"),
    ("INC-0002", dt.date(2026, 3, 14), T(9, 5), "02345", "", "Response Taunton"),
    ("CUS-0017", dt.date(2026, 3, 21), None, "1234", "NCCU/26/0009", ""),
    ("INC-0040", dt.date(2026, 4, 30), T(23, 59), "", "", "Custody Bristol"),
]
SUBMISSION_TRUTH = [
    ("IR-100", dt.date(2026, 3, 5), T(16, 20), "1234", "NCCU/26/0001"),
    ("IR-101", dt.date(2026, 3, 16), None, "02345", ""),
    ("IR-102", dt.date(2026, 3, 22), T(8, 0), "1234", "CUS-0017"),
]
REFERRAL_HEADERS = {
    "date": ["Referral Date", "Date Referred", "Date Reported", "Date"],
    "time": ["Time", "Referral Time", "Time Referred"],
    "reference": ["Incident Number", "Custody Number", "Occurrence Number", "Incident",
                  "Storm Number"],
    "nccu": ["NCCU Reference", "NCCU Ref", "NCCU No.", "NCCU Case Number"],
    "officer": ["Reporting Officer", "Officer Number", "Reporting Officer Collar",
                "Collar Number", "Officer"],
    "location": ["Location", "Custody Suite"],
}
SUBMISSION_HEADERS = {
    "reference": ["Intel Ref", "Intelligence Number", "Submission Number",
                  "Intelligence Report Number", "URN"],
    "date": ["Date Submitted", "Submission Date", "Submitted", "Submitted Date"],
    "time": ["Time", "Time Submitted", "Submission Time"],
    "officer": ["Author Collar No", "Author", "Submitted By", "Author Number"],
    "linked": ["Linked Incident", "Linked Reference", "Related Number", "Linked NCCU"],
}
EXTRA = {"Comments": ["see log", "", "chased twice"], "Priority": ["High", "Low", "High"]}
WRITERS = ["utf-8", "utf-8-sig", "utf-16", "xlsx"]
CASES = ["as is", "upper", "lower", "padded", "underscores"]


@dataclass(frozen=True)
class Layout:
    headers: dict[str, str]  # field -> header text, as written
    order: tuple[str, ...]  # fields and extra columns, left to right
    separate_time: bool
    title: bool
    writer: str

    def describe(self) -> str:
        return (f"{self.writer}, title {self.title}, time column {self.separate_time}: "
                + " | ".join(self.headers.get(f, f) for f in self.order))


def _case(header: str, how: str) -> str:
    return {"as is": header, "upper": header.upper(), "lower": header.lower(),
            "padded": f"  {header.replace(' ', '  ')} ", "underscores": header.replace(" ", "_"),
            }[how]


@st.composite
def layouts(draw: st.DrawFn, names: dict[str, list[str]]) -> Layout:
    separate = draw(st.booleans())
    fields = [f for f in names if f != "time" or separate]
    extra = draw(st.lists(st.sampled_from(list(EXTRA)), unique=True, max_size=2))
    how = draw(st.sampled_from(CASES))
    return Layout(
        headers={f: _case(draw(st.sampled_from(names[f])), how) for f in fields},
        order=tuple(draw(st.permutations([*fields, *extra]))),
        separate_time=separate, title=draw(st.booleans()), writer=draw(st.sampled_from(WRITERS)))


def _cells(values: dict[str, Any], layout: Layout, xlsx: bool) -> dict[str, Any]:
    """One row's cells: the date (with its time when there is no time column) as a cell of
    the writer's kind: real date, datetime and time cells in a workbook, text in a csv."""
    day, time = values["date"], values["time"]
    if xlsx:
        values["date"] = (dt.datetime.combine(day, time) if time and not layout.separate_time
                          else day)
        values["time"] = time or None
    else:
        values["date"] = day.strftime("%d/%m/%Y") + (
            f" {time:%H:%M}" if time and not layout.separate_time else "")
        values["time"] = f"{time:%H:%M}" if time else ""
    return values


def _rows(layout: Layout, truth: list[dict[str, Any]]) -> list[list[Any]]:
    xlsx = layout.writer == "xlsx"
    out: list[list[Any]] = []
    for i, row in enumerate(truth):
        cells = _cells({**row, **{k: v[i % len(v)] for k, v in EXTRA.items()}}, layout, xlsx)
        out.append([cells[f] if cells[f] != "" or not xlsx else None for f in layout.order])
    return out


def write(layout: Layout, truth: list[dict[str, Any]], folder: Path) -> Path:
    lines: list[list[Any]] = [["Avon and Somerset Constabulary: extract"],
                              ["Run on 01/06/2026 by the records team"], []] if layout.title else []
    lines += [[layout.headers.get(f, f) for f in layout.order], *_rows(layout, truth)]
    if layout.writer == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for line in lines:
            sheet.append(line)
        book.save(folder / "log.xlsx")
        return folder / "log.xlsx"
    buffer = io.StringIO()
    delimiter = "\t" if layout.writer == "utf-16" else ","
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(lines)
    path = folder / ("log.txt" if layout.writer == "utf-16" else "log.csv")
    encoded = (b"\xff\xfe" + buffer.getvalue().encode("utf-16-le")
               if layout.writer == "utf-16" else buffer.getvalue().encode(layout.writer))
    path.write_bytes(encoded)
    return path


def _read(layout: Layout, truth: list[dict[str, Any]]) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = write(layout, truth, Path(folder))
        parsed = parse_file(path, today=TODAY)
    note(f"{layout.describe()}\n{parsed.columns}\n{parsed.report.problems}")
    return parsed


REFERRALS = [dict(zip(["reference", "date", "time", "officer", "nccu", "location"], row,
                      strict=True)) for row in REFERRAL_TRUTH]
SUBMISSIONS = [dict(zip(["reference", "date", "time", "officer", "linked"], row, strict=True))
               for row in SUBMISSION_TRUTH]
FIRST_ROW = {False: 2, True: 5}  # the first data row: after the header, or a title block


def _blank(value: str) -> str | None:
    return value or None


EXPECTED_REFERRALS = [[r["reference"], _blank(r["nccu"]), r["date"], r["time"],
                       _blank(r["officer"]), _blank(r["location"])] for r in REFERRALS]
EXPECTED_SUBMISSIONS = [[s["reference"], s["date"], s["time"], _blank(s["officer"]),
                         _blank(s["linked"])] for s in SUBMISSIONS]
QUICK = settings(max_examples=30, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(layouts(REFERRAL_HEADERS))
def test_any_layout_of_a_referral_log_reads_as_the_same_records(layout: Layout) -> None:
    parsed = _read(layout, REFERRALS)
    assert parsed.kind is Kind.REFERRAL_LOG
    records = parsed.records
    assert records.drop(columns="row").values.tolist() == EXPECTED_REFERRALS
    first = FIRST_ROW[layout.title]
    assert records["row"].tolist() == list(range(first, first + len(REFERRALS)))
    assert parsed.report.errors == []


@QUICK
@given(layouts(SUBMISSION_HEADERS))
def test_any_layout_of_a_submission_log_reads_as_the_same_records(layout: Layout) -> None:
    parsed = _read(layout, SUBMISSIONS)
    assert parsed.kind is Kind.INTELLIGENCE_LOG
    records = parsed.records
    assert records.drop(columns="row").values.tolist() == EXPECTED_SUBMISSIONS
    first = FIRST_ROW[layout.title]
    assert records["row"].tolist() == list(range(first, first + len(SUBMISSIONS)))
    assert parsed.report.errors == []
