"""Values and formats real exports carry (issue 11, item 5), read end to end through
``parse_file``: attendance marks, Totara's "Complete via rpl", dates as Totara and Moodle
write them, Totara's report-builder title block and "CSV (Excel)" writer, .ods workbooks,
and ranks as HR writes them. Every file is written here by a real writer (openpyxl, the csv
module, UTF-16 text, an OpenDocument zip built by hand)."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import openpyxl
import pandas as pd
import pytest

from imports import FileRefused, parse_file
from imports.reading import _unguard_column
from imports.statuses import classify
from tracker.ingest.records import Kind

TODAY = dt.date(2026, 11, 30)
D = dt.date


def rows_of(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    out = frame[columns].astype(object).where(frame[columns].notna(), None)
    return out.values.tolist()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "mm-dd-yy"  # built-in format 14, as Totara writes it
    wb.save(path)
    return path


# ---------------------------------------------------------------- OpenDocument, by hand

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="{mimetype}"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>')
# What LibreOffice writes after the data: the rest of the sheet, empty, as repeat counts.
LIBREOFFICE_TAIL = ('<table:table-row table:number-rows-repeated="1048570">'
                    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


def ods_cell(value: object) -> str:
    """One table:table-cell as LibreOffice writes it (an empty cell for None)."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        typed = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, dt.date):
        typed = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    elif isinstance(value, (int, float)):
        typed = f'office:value-type="float" office:value="{value}"'
    else:
        typed = 'office:value-type="string"'
    return f"<table:table-cell {typed}><text:p>{escape(str(value))}</text:p></table:table-cell>"


def ods_table(name: str, rows: list[list[object]], tail: str = LIBREOFFICE_TAIL) -> str:
    body = "".join("<table:table-row>" + "".join(ods_cell(v) for v in row)
                   + '<table:table-cell table:number-columns-repeated="1010"/>'
                   "</table:table-row>" for row in rows)
    return f'<table:table table:name="{name}">{body}{tail}</table:table>'


def write_ods(path: Path, tables: list[str], mimetype: str = ODS_MIMETYPE) -> Path:
    """A real OpenDocument spreadsheet: the mimetype stored first, then content.xml and
    the manifest, deflated."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
               f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet>"
               "</office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", MANIFEST.format(mimetype=mimetype))
    return path


# ---------------------------------------------------------------- attendance marks

@pytest.mark.parametrize(("values", "expected"), [
    (["\u2713", "\u2714", "\u2717", "\u2718", "x", "X", None, ""],
     ["completed", "completed", "not-completed", "not-completed", "not-completed",
      "not-completed", "not-completed", "not-completed"]),
    (["x", "X", None, "", "x"],
     ["completed", "completed", "not-completed", "not-completed", "completed"]),
    (["\u2713", "maybe", None], ["completed", None, "not-completed"]),
    (["\u2717", "x", ""], ["not-completed", "completed", "not-completed"]),
    (["\u2714\ufe0f", "\u2705", "\u274c", " \u2713 "],
     ["completed", "completed", "not-completed", "completed"]),
    (["Yes", "No", "Y", "N", "1", "0", "TRUE", "FALSE", "x", None],
     ["completed", "not-completed", "completed", "not-completed", "completed",
      "not-completed", "completed", "not-completed", "completed", ""]),
    ([True, False, 1.0, 0.0, 1, 0, None],
     ["completed", "not-completed", "completed", "not-completed", "completed",
      "not-completed", ""]),
    (["Complete via rpl", "Not yet started", "Maybe", ""],
     ["completed", "not-completed", None, ""]),
])
def test_classify_marks_words_and_cells(values: list[object], expected: list[object]) -> None:
    assert classify(pd.Series(values, dtype=object)).tolist() == expected


def test_ticks_and_crosses_on_a_delegate_list(tmp_path: Path) -> None:
    """A trainer's list of ticks and crosses: an x beside ticks is a cross, a blank is no
    tick; every row has the course date from the title, so a blank must not count."""
    path = write_xlsx(tmp_path / "hydra-ticks.xlsx", [
        ["OIC Hydra exercise"], ["Course date: 12 March 2026"], [],
        ["Delegate Name", "Collar No", "Rank", "Attended"],
        ["Ann Ash", "101", "Insp", "\u2713"], ["Ben Birch", "102", "Insp", "\u2714"],
        ["Cat Cedar", "103", "T/DI", "\u2717"], ["Dan Elm", "104", "A/Insp", "\u2718"],
        ["Eve Fir", "105", "Insp", "x"], ["Fay Hazel", "106", "Insp", None],
        ["Gus Oak", "107", "Insp", "maybe"],
    ], "12 Mar 2026")
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.HYDRA
    assert rows_of(parsed.records, ["row", "collar_number", "module_code", "completed_on",
                                    "raw_status", "rank_raw"]) == [
        [5, "101", "oic-hydra", D(2026, 3, 12), "\u2713", "Insp"],
        [6, "102", "oic-hydra", D(2026, 3, 12), "\u2714", "Insp"],
    ]
    assert parsed.report.flatten(["row", "column", "code", "severity", "value"]) == [
        [11, "Attended", "unknown-status", "error", "maybe"]]
    assert parsed.detail["not_completed"] == 4


def test_x_alone_marks_attendance(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hydra-x.xlsx", [
        ["OIC Hydra exercise - 26/03/2026"], [],
        ["Delegate Name", "Collar No", "Attended"],
        ["Ann Ash", "101", "x"], ["Ben Birch", "102", None], ["Cat Cedar", "103", "X"],
    ])
    parsed = parse_file(path, today=TODAY)
    assert rows_of(parsed.records, ["row", "collar_number", "completed_on", "raw_status"]) == [
        [4, "101", D(2026, 3, 26), "x"], [6, "103", D(2026, 3, 26), "X"]]
    assert parsed.report.problems == []
    assert parsed.detail["not_completed"] == 1


@pytest.mark.parametrize(("statuses", "kept"), [
    (["Yes", "No", "Y", "N", "1", "0", "TRUE", "FALSE", True, False],
     ["Yes", "Y", "1", "TRUE", "True"]),
    ([1, 0, 1.0, 0.0], ["1", "1"]),  # number cells (a column of booleans is another test)
])
def test_yes_no_one_zero_and_boolean_cells(tmp_path: Path, statuses: list[object],
                                           kept: list[str]) -> None:
    path = write_xlsx(tmp_path / "lms-booleans.xlsx", [
        ["Staff Number", "Course Title", "Status", "Completion Date"],
        *[[f"{i:05d}", "OIC Module 1", status, D(2026, 2, i)]
          for i, status in enumerate(statuses, 1)],
    ])
    parsed = parse_file(path, today=TODAY)
    assert rows_of(parsed.records, ["row", "staff_number", "raw_status"]) == [
        [2 * i, f"{2 * i - 1:05d}", status] for i, status in enumerate(kept, 1)]
    assert parsed.report.problems == []
    assert parsed.detail["not_completed"] == len(statuses) - len(kept)


# ---------------------------------------------------------------- Totara

TOTARA_HEADER = ["User's Fullname", "Username", "User's Email", "Course Name",
                 "Completion Status", "Completion Date"]
TITLE_BLOCK: list[list[object]] = [
    ["This report contains records matching the following criteria:"],
    ['Course Name contains "OIC"'],
    ["User's Organisation Name is equal to \"Avon and Somerset\""],
    ["Report data last updated: 05 Mar 2026 10:22"],
    [],
]
TOTARA_ROWS: list[list[object]] = [
    ["Jo Bloggs", "jbloggs", "jo.bloggs@example.police.uk", "OIC Module 1", "Complete",
     D(2026, 3, 2)],
    ["Ann Lee", "alee", "ann.lee@example.police.uk", "OIC Module 1", "Complete via rpl",
     D(2026, 3, 3)],
    ["Ann Lee", "alee", "ann.lee@example.police.uk", "OIC Module 2", "Complete via rpl",
     D(2026, 3, 3)],
    ["Sam Hill", "shill", "sam.hill@example.police.uk", "OIC Module 1", "In progress", None],
    ["Pat Kerr", "pkerr", "pat.kerr@example.police.uk", "OIC Module 1", "Not yet started",
     None],
]
RPL_MESSAGE = ('2 completions are recorded as "Complete via rpl" (recognition of prior '
               "learning) and count as complete; check that is what your force intends.")


def assert_totara_report(parsed: object) -> None:
    assert parsed.kind is Kind.TOTARA_REPORT  # type: ignore[attr-defined]
    assert parsed.header_row == 6  # type: ignore[attr-defined]
    records = parsed.records  # type: ignore[attr-defined]
    assert rows_of(records, ["row", "username", "email", "module_code", "completed_on",
                             "raw_status"]) == [
        [7, "jbloggs", "jo.bloggs@example.police.uk", "oic-el-1", D(2026, 3, 2), "Complete"],
        [8, "alee", "ann.lee@example.police.uk", "oic-el-1", D(2026, 3, 3), "Complete via rpl"],
        [9, "alee", "ann.lee@example.police.uk", "oic-el-2", D(2026, 3, 3), "Complete via rpl"],
    ]
    report = parsed.report  # type: ignore[attr-defined]
    assert report.flatten(["row", "column", "code", "severity"]) == [
        [None, "Completion Status", "prior-learning", "warning"]]
    assert report.problems[0].message == RPL_MESSAGE
    assert (parsed.detail["prior_learning"],  # type: ignore[attr-defined]
            parsed.detail["not_completed"]) == (2, 2)  # type: ignore[attr-defined]


def test_totara_report_builder_xlsx_with_its_title_block(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "course-completion.xlsx",
                      [*TITLE_BLOCK, TOTARA_HEADER, *TOTARA_ROWS], "Course Completion")
    assert_totara_report(parse_file(path, today=TODAY))


def test_totara_report_builder_ods(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "course-completion.ods",
                     [ods_table("Course Completion", [*TITLE_BLOCK, TOTARA_HEADER,
                                                      *TOTARA_ROWS])])
    assert_totara_report(parse_file(path, today=TODAY))


def test_one_completion_via_rpl_is_one(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "rpl.csv", [
        TOTARA_HEADER, ["Ann Lee", "alee", "", "OIC Module 1", "Complete via rpl", "03 Mar 2026"],
        ["Ann Lee", "alee", "", "OIC Module 1", "Complete via rpl", "03 Mar 2026"]])
    parsed = parse_file(path, today=TODAY)
    assert len(parsed.records) == 1
    assert parsed.report.flatten(["row", "code"]) == [[None, "prior-learning"],
                                                      [3, "duplicate-row"]]
    assert parsed.report.problems[0].message == (
        '1 completion is recorded as "Complete via rpl" (recognition of prior learning) and '
        "counts as complete; check that is what your force intends.")


def test_totara_csv_excel_bom_formula_tabs_and_dates(tmp_path: Path) -> None:
    """Totara's "CSV (Excel)": a UTF-8 BOM, a TAB before any cell starting = @ + -, dates
    like "05 Mar 2026"."""
    path = write_csv(tmp_path / "course-completion.csv", [
        ["User's Fullname", "Username", "User ID Number", "Course Name", "Completion Status",
         "Completion Date", "Grade"],
        ["Jo Bloggs", "jbloggs", "\t-00123", "OIC Module 1", "Complete", "05 Mar 2026",
         "\t-"],
        ["\t=Ann Lee", "alee", "\t+00124", "OIC Module 2", "Complete", "28 Feb 2026", "80"],
        ["\t@Sam Hill", "\t-shill", "00125", "OIC Module 3", "Complete via rpl", "01 Jan 2026",
         ""],
        ["Tab Keep", "\tkeep", "00126", "OIC Module 4", "Complete", "02 Jan 2026", ""],
    ], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.TOTARA_REPORT
    assert rows_of(parsed.records, ["row", "full_name", "username", "staff_number",
                                    "module_code", "completed_on"]) == [
        [2, "Jo Bloggs", "jbloggs", "-00123", "oic-el-1", D(2026, 3, 5)],
        [3, "=Ann Lee", "alee", "+00124", "oic-el-2", D(2026, 2, 28)],
        [4, "@Sam Hill", "-shill", "00125", "oic-el-3", D(2026, 1, 1)],
        [5, "Tab Keep", "keep", "00126", "oic-el-4", D(2026, 1, 2)],
    ]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [None, "Completion Status", "prior-learning"]]


def test_formula_tabs_come_off_distinct_values_and_merge() -> None:
    codes, uniques = _unguard_column((np.array([0, 1, 2, -1, 3]),
                                      pd.array(["\t-5", "-5", "\tx", "\t=A1"], dtype="str")))
    assert [None if c < 0 else uniques[c] for c in codes] == ["-5", "-5", "\tx", None, "=A1"]
    assert codes[0] == codes[1]
    column = pd.Series(["\t+1", "a", ""], dtype=object)
    assert _unguard_column(column).tolist() == ["+1", "a", ""]


def test_tab_separated_file_keeps_its_tabs_as_separators(tmp_path: Path) -> None:
    path = tmp_path / "lms.tsv"
    path.write_text("Staff Number\tCourse Title\tStatus\tCompletion Date\n"
                    "00123\tOIC Module 1\tCompleted\t05 Mar 2026\n", encoding="utf-8")
    parsed = parse_file(path, today=TODAY)
    assert rows_of(parsed.records, ["staff_number", "module_code", "completed_on"]) == [
        ["00123", "oic-el-1", D(2026, 3, 5)]]


# ---------------------------------------------------------------- dates

def test_dates_as_totara_moodle_and_excel_write_them(tmp_path: Path) -> None:
    written = ["05 Mar 2026", "28.05.2026", "2026-03-05 10:22:00", "2026-03-05T10:22:00",
               "05/03/26, 10:22", "46086", "Thu, 5 Mar 2026"]
    path = write_csv(tmp_path / "lms-dates.csv", [
        ["Staff Number", "Course Title", "Status", "Completion Date"],
        *[[f"{i:05d}", "OIC Module 1", "Completed", day] for i, day in enumerate(written, 1)]])
    parsed = parse_file(path, today=TODAY)
    assert rows_of(parsed.records, ["row", "completed_on"]) == [
        [2, D(2026, 3, 5)], [3, D(2026, 5, 28)], [4, D(2026, 3, 5)], [5, D(2026, 3, 5)],
        [6, D(2026, 3, 5)], [7, D(2026, 3, 5)], [8, D(2026, 3, 5)]]
    assert parsed.report.problems == []


def test_date_cells_serials_and_text_in_one_xlsx_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "dates-mixed.xlsx", [
        ["Staff Number", "Course Title", "Status", "Completion Date"],
        ["00001", "OIC Module 1", "Completed", D(2026, 3, 1)],
        ["00002", "OIC Module 1", "Completed", dt.datetime(2026, 3, 2, 10, 22)],
        ["00003", "OIC Module 1", "Completed", 46084],
        ["00004", "OIC Module 1", "Completed", 46085.5],
        ["00005", "OIC Module 1", "Completed", "46086"],
        ["00006", "OIC Module 1", "Completed", "06/03/2026"],
        ["00007", "OIC Module 1", "Completed", "07 Mar 2026"],
        ["00008", "OIC Module 1", "Completed", "2026-03-08 09:00:00"],
        ["00009", "OIC Module 1", "Completed", "31.03.2026"],
    ])
    parsed = parse_file(path, today=TODAY)
    assert rows_of(parsed.records, ["staff_number", "completed_on"]) == [
        ["00001", D(2026, 3, 1)], ["00002", D(2026, 3, 2)], ["00003", D(2026, 3, 3)],
        ["00004", D(2026, 3, 4)], ["00005", D(2026, 3, 5)], ["00006", D(2026, 3, 6)],
        ["00007", D(2026, 3, 7)], ["00008", D(2026, 3, 8)], ["00009", D(2026, 3, 31)]]
    assert parsed.report.problems == []


def test_moodle_utf16_course_report_with_its_dates(tmp_path: Path) -> None:
    rows = [["Name", "Email address", "OIC Module 1 quiz", "OIC Module 1 quiz - Completion date",
             "Course complete"],
            ["Jo Bloggs", "jo.bloggs@example.police.uk", "Completed", "13/02/26, 14:05", ""],
            ["Ann Lee", "ann.lee@example.police.uk", "Not completed", "", ""]]
    text = "".join("\t".join(row) + "\r\n" for row in rows)
    path = tmp_path / "moodle-course.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.MOODLE_COURSE
    assert rows_of(parsed.records, ["row", "email", "module_code", "completed_on"]) == [
        [2, "jo.bloggs@example.police.uk", "oic-el-1", D(2026, 2, 13)]]
    assert parsed.report.problems == []


# ---------------------------------------------------------------- .ods safety

def test_ods_of_a_delegate_list_with_booleans_and_date_cells(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "hydra.ods", [ods_table("Delegates", [
        ["Course Date", "Delegate Name", "Collar No", "Rank", "Attended"],
        [D(2026, 3, 12), "Ann Ash", "0101", "Chf Insp", True],
        [D(2026, 3, 12), "Ben Birch", 102, "DSU", False],
    ])])
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.HYDRA
    assert rows_of(parsed.records, ["row", "collar_number", "completed_on", "rank_raw"]) == [
        [2, "0101", D(2026, 3, 12), "Chf Insp"]]
    assert parsed.report.problems == []


def test_ods_saved_as_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "course-completion.xlsx",
                     [ods_table("Course Completion", [*TITLE_BLOCK, TOTARA_HEADER,
                                                      *TOTARA_ROWS])])
    assert_totara_report(parse_file(path, today=TODAY))


def refusal(path: Path) -> str:
    with pytest.raises(FileRefused) as caught:
        parse_file(path, today=TODAY)
    return str(caught.value)


def test_ods_claiming_a_billion_cells_is_refused(tmp_path: Path) -> None:
    bomb = ('<table:table table:name="Report"><table:table-row '
            'table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" '
            'table:number-columns-repeated="16000"><text:p>x</text:p></table:table-cell>'
            "</table:table-row></table:table>")
    path = write_ods(tmp_path / "bomb.ods", [bomb])
    assert path.stat().st_size < 2000
    assert refusal(path) == (
        'bomb.ods: the workbook was refused because sheet "Report" claims 1,000,000 rows by '
        "16,000 columns (more than 50,000,000 cells); this is how a 'zip bomb' looks. If the "
        "file is genuine, copy the data into a new workbook (or export it as .csv) and "
        "import that.")


def test_ods_empty_rows_between_values_count(tmp_path: Path) -> None:
    """Empty rows before a value are rows a reader makes; 60,000 of them under a value
    200 columns wide is 12 million cells: allowed. Under one 1,000 wide: refused."""
    def sheet(width: int) -> str:
        return ('<table:table table:name="Wide"><table:table-row>'
                f'<table:table-cell table:number-columns-repeated="{width - 1}"/>'
                + ods_cell("x") + '</table:table-row><table:table-row '
                'table:number-rows-repeated="60000"><table:table-cell/></table:table-row>'
                "<table:table-row>" + ods_cell("y") + "</table:table-row></table:table>")
    with pytest.raises(FileRefused, match="no table found"):
        parse_file(write_ods(tmp_path / "ok.ods", [sheet(200)]), today=TODAY)
    assert refusal(write_ods(tmp_path / "wide.ods", [sheet(1000)])).startswith(
        'wide.ods: the workbook was refused because sheet "Wide" claims 60,002 rows by 1,000 '
        "columns")


def test_other_opendocument_files_and_damaged_ods(tmp_path: Path) -> None:
    text = write_ods(tmp_path / "notes.ods", [], "application/vnd.oasis.opendocument.text")
    assert refusal(text) == ("notes.ods: this is an OpenDocument text file, not a "
                             "spreadsheet; save it as .ods or .xlsx and import that.")
    damaged = tmp_path / "damaged.ods"
    damaged.write_bytes(b"not a zip at all")
    assert refusal(damaged) == (
        "damaged.ods: the workbook is damaged (it is not a valid .ods file). Open it in Excel "
        "and save it again (File > Save As > Excel Workbook), or export it again.")
    no_content = tmp_path / "empty.ods"
    with zipfile.ZipFile(no_content, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE)
    assert refusal(no_content) == (
        "empty.ods: the workbook is damaged and cannot be read (it has no content.xml). Open "
        "it in Excel and save it again (File > Save As > Excel Workbook), or export it again.")


# ---------------------------------------------------------------- ranks as written

def test_ranks_as_written_on_a_roster(tmp_path: Path) -> None:
    ranks = ["T/DI", "T/DC", "A/PS", "A/Insp", "Trainee DC", "Det Insp", "Det Sgt", "DSU",
             "D/Supt", "C/Supt", "Ch Supt", "DCS", "Ch Insp", "Chf Insp", "Insp (T/Sgt)"]
    path = write_csv(tmp_path / "roster.csv", [
        ["Staff Number", "Surname", "Rank", "Department"],
        *[[f"{i:05d}", f"Person{i}", rank, "Response"] for i, rank in enumerate(ranks, 1)]])
    parsed = parse_file(path, today=TODAY)
    assert rows_of(parsed.records, ["rank_raw", "rank", "detective"]) == [
        ["T/DI", "inspector", True], ["T/DC", "constable", True], ["A/PS", "sergeant", False],
        ["A/Insp", "inspector", False], ["Trainee DC", "constable", True],
        ["Det Insp", "inspector", True], ["Det Sgt", "sergeant", True],
        ["DSU", "superintendent", True], ["D/Supt", "superintendent", True],
        ["C/Supt", "chief-superintendent", False], ["Ch Supt", "chief-superintendent", False],
        ["DCS", "chief-superintendent", True], ["Ch Insp", "chief-inspector", False],
        ["Chf Insp", "chief-inspector", False], ["Insp (T/Sgt)", None, False]]
    assert parsed.report.flatten(["row", "column", "code", "severity"]) == [
        [16, "Rank", "unknown-rank", "warning"]]
    assert parsed.report.problems[0].message == (
        '"Insp (T/Sgt)" is not a rank or grade this tool knows; the person was kept with no '
        "rank.")
