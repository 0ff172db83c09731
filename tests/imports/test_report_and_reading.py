"""The downloadable problem report, safe text, and the text reader's sniffing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from imports import parse_file, problems_frame, write_problems
from imports.reading import sniff_delimiter, sniff_encoding
from tracker.messages.problems import Code, Problem, Report, Severity
from tracker.reports.safe_text import inert

DATA = Path(__file__).parents[1] / "data"


def test_inert() -> None:
    assert [inert(v) for v in ["=1+2", "+44", "-5", "@SUM(A1)", "\tx", "\rx", "Jo", ""]] == [
        "'=1+2", "'+44", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "Jo", ""]


def _report() -> Report:
    report = Report()
    report.add(Problem(Code.UNKNOWN_MODULE, Severity.ERROR, "Course not known.", 7,
                       "Course Title", '=HYPERLINK("http://x","click")', "lms.csv"))
    report.add(Problem(Code.AMBIGUOUS_DATES, Severity.WARNING, "Dates read day first.", None,
                       "Completion Date", None, "lms.csv"))
    return report


def test_problems_frame() -> None:
    frame = problems_frame(_report())
    assert list(frame.columns) == ["file", "row", "column", "severity", "code", "value",
                                   "message"]
    assert frame["row"].tolist()[0] == 7 and frame["row"].isna().tolist() == [False, True]


def test_write_problems_csv_is_formula_safe(tmp_path: Path) -> None:
    path = write_problems(_report(), tmp_path / "problems.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["File", "Row", "Column", "Severity", "Problem", "Value", "Message"]
    assert rows[1][5] == "'=HYPERLINK(\"http://x\",\"click\")"
    assert rows[1][:5] == ["lms.csv", "7", "Course Title", "error", "unknown-module"]


def test_write_problems_xlsx_holds_formula_like_text_as_quoted_text(tmp_path: Path) -> None:
    """In a workbook the text stays as it was, in a text cell with Excel's quote prefix:
    shown as typed, never run."""
    path = write_problems(_report(), tmp_path / "problems.xlsx")
    sheet = openpyxl.load_workbook(path).active
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(
        values_only=True)]
    assert rows[0] == ["File", "Row", "Column", "Severity", "Problem", "Value", "Message"]
    assert rows[1] == ["lms.csv", "7", "Course Title", "error", "unknown-module",
                       '=HYPERLINK("http://x","click")', "Course not known."]
    value = sheet["F2"]
    assert (value.data_type, value.quotePrefix) == ("s", True)
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("n", 7)


def test_write_problems_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"use \.xlsx or \.csv"):
        write_problems(_report(), tmp_path / "p.json")


@pytest.mark.parametrize(("data", "expected"), [
    (b"\xef\xbb\xbfa,b", "utf-8-sig"), (b"\xff\xfea\x00", "utf-16"), (b"\xfe\xff\x00a", "utf-16"),
    ("a,b\n".encode("utf-16-le"), "utf-16-le"), ("a,b\n".encode("utf-16-be"), "utf-16-be"),
    ("Zoë".encode(), "utf-8"), ("Zoë".encode("cp1252"), "cp1252"),
])
def test_sniff_encoding(data: bytes, expected: str) -> None:
    assert sniff_encoding(data) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    (["a,b,c", "1,2,3"], ","), (["a\tb\tc", "1\t2\t3"], "\t"), (["a;b;c", "1;2,5;3"], ";"),
    (["Report title", "", "a;b", "1;2"], ";"),
])
def test_sniff_delimiter(lines: list[str], expected: str) -> None:
    assert sniff_delimiter(lines, ".csv") == expected


def test_blank_lines_ragged_rows_and_quoted_line_breaks_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text(
        "LMS export\n"
        "Generated 01/02/2026\n"
        "Staff Number,Course Title,Status,Completion Date,Notes\n"
        "1,OIC Module 1,Completed,13/01/2026\n"
        "\n"
        '2,OIC Module 2,Completed,14/01/2026,"two\nlines"\n'
        "3,OIC Module 3,Completed,15/01/2026,,extra\n", encoding="utf-8")
    parsed = parse_file(path, today=dt.date(2026, 11, 30))
    assert parsed.header_row == 3
    assert parsed.records[["row", "staff_number", "module_code"]].values.tolist() == [
        [4, "1", "oic-el-1"], [6, "2", "oic-el-2"], [7, "3", "oic-el-3"]]


def test_utf16_tab_file_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "progress.oic.txt"
    text = "\tEmail address\tOIC Module 1\t\nJo Bloggs\tjo@x.uk\tCompleted\t2026-01-13 10:00:00\n"
    path.write_bytes(text.encode("utf-16-le"))
    parsed = parse_file(path, today=dt.date(2026, 11, 30))
    assert parsed.records[["full_name", "module_code", "completed_on"]].values.tolist() == [
        ["Jo Bloggs", "oic-el-1", dt.date(2026, 1, 13)]]


def test_moodle_learner_listed_twice_is_one_duplicate_per_activity(tmp_path: Path) -> None:
    path = tmp_path / "progress.oic.csv"
    line = ('"Kim Park","kim@x.uk","Completed","2026-01-13 10:00:00","Completed",'
            '"2026-01-14 10:00:00"\n')
    path.write_text('"","Email address","OIC Module 3","","OIC Module 4",""\n' + line + line)
    parsed = parse_file(path, today=dt.date(2026, 11, 30))
    assert parsed.records[["row", "module_code"]].values.tolist() == [
        [2, "oic-el-3"], [2, "oic-el-4"]]
    assert parsed.report.flatten(["row", "code", "message"]) == [
        [3, "duplicate-row", "Repeats row 2 exactly; this copy was ignored."],
        [3, "duplicate-row", "Repeats row 2 exactly; this copy was ignored."]]
