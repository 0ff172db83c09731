"""Regenerate the small test files in this folder, each written by a real writer (openpyxl,
the csv module, UTF-16 text) and named after the case it holds.

    python tests/data/make_files.py
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def _csv(name: str, rows: list[list[str]], encoding: str = "utf-8", **dialect: object) -> None:
    """Write ``rows`` to ``name`` with the csv module (``dialect``: its format options)."""
    with (HERE / name).open("w", newline="", encoding=encoding) as f:
        csv.writer(f, **dialect).writerows(rows)  # type: ignore[arg-type]


def _sheet(wb: openpyxl.Workbook, title: str, rows: list[list[object]]) -> None:
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)


def roster_title_rows() -> None:
    """A roster under a title block, with every kind of mess a roster has."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Establishment", [
        ["Avon and Somerset Constabulary - HR establishment report"],
        ["Run date: 01/11/2026"],
        [],
        ["Staff No", "Collar No", "Surname", "Forenames", "Email", "Rank", "Department",
         "Workforce Type", "Line Manager", "Start Date", "Leaving Date", "Status"],
        ["00123", "0456", "O'BRIEN", "SIOBHAN", "S.OBrien@Example.Police.UK ", "Insp",
         "Response - Bristol North", "Police Officer", "00099", dt.date(2010, 4, 1), None,
         "Active"],
        [4567, 789, "álvarez", "josé", "jose.alvarez@example.police.uk", "DI", "CID Taunton",
         None, "00123", "03/04/2015", None, None],
        ["00200", None, "Smith", "Jo", None, "PCSO", "NPT Yeovil", None, None, 41000, None,
         None],
        ["00201", "1201", "Jones", "Sam", None, "Chf Insp", "Xyz Unit", "Police Officer",
         None, None, None, None],
        [None, "999", "Nobody", "No", None, "PC", "Response", None, None, None, None, None],
        ["00300", "300", "Twice", "Tom", None, "PC", "Response", None, None, None, None, None],
        ["00300", "300", "Twice", "Tom", None, "PC", "Response", None, None, None, None, None],
        [],
        ["00400", "400", "Clash", "Ann", None, "PS", "Response", None, None, None, None, None],
        ["00400", "400", "Clash", "Anne", None, "PS", "Custody", None, None, None, None, None],
        ["00500", "500", "Gone", "Greg", None, "PC", "RPU Portishead", None, None,
         dt.date(2001, 1, 1), "31/03/2026", None],
        ["Total", None, None, None, None, None, None, None, None, None, None, None],
    ])
    wb.save(HERE / "roster-title-rows.xlsx")


def roster_missing_column() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Roster"
    for row in [["HR extract"], [], ["Collar No", "Surname", "Forenames", "Rank", "Staff Numbr"],
                ["123", "Smith", "Jo", "PC", "00100"]]:
        ws.append(row)
    wb.save(HERE / "roster-missing-staff-column.xlsx")


def roster_dated_name() -> None:
    _csv("hr_roster_2026-11-01.csv", [["Staff Number", "Full Name", "Rank", "Department"],
                                      ["01000", "BLOGGS, Joe", "Sgt", "Force Control Room"],
                                      ["01001", "Amy Brown", "Band C", "Custody Keynsham"]])


LMS_HEADER = ["Staff Number", "Collar Number", "Full Name", "Email", "Course Title",
              "Status", "Completion Date", "Score"]


def lms_long_cp1252() -> None:
    """A long LMS export in Windows-1252, day-first dates, every row-level problem."""
    rows = [
        ["00123", "0456", "Zoë Brontë", "zoe.bronte@example.police.uk", "OIC Module 1",
         "Completed", "13/02/2026", "85%"],
        ["00123", "0456", "Zoë Brontë", "zoe.bronte@example.police.uk",
         "Organised Immigration Crime - Module 2: Identifying and responding", "Passed",
         "14/02/2026 10:30", "90"],
        ["00124", "", "Seán O'Connor", "", "OIC M3", "Completed", "01/03/2026", ""],
        ["00125", "", "Amy Brown", "", "Fire Safety Awareness", "Completed", "01/03/2026", ""],
        ["00126", "", "Bob Green", "", "OIC Module 4", "In progress", "", ""],
        ["00127", "", "Cat White", "", "OIC Advanced Practitioner", "Completed", "02/03/2026",
         ""],
        ["00128", "", "Dan Black", "", "OIC Module 1", "Pending review", "02/03/2026", ""],
        ["00129", "", "Eve Grey", "", "OIC Module 1", "Completed", "31/02/2026", ""],
        ["00130", "", "Fay Blue", "", "OIC Module 2", "Completed", "01/01/2027", ""],
        ["00131", "", "Gus Red", "", "OIC Module 3", "Completed", "01/01/2023", ""],
        ["", "", "", "", "OIC Module 4", "Completed", "03/03/2026", ""],
        ["00124", "", "Seán O'Connor", "", "OIC M3", "Completed", "01/03/2026", ""],
        ["00132", "", "Hal Pink", "", "OIC Module 4", "Completed", "", ""],
        ["", "", "", "", "", "", "", ""],
        ["Total", "", "", "", "", "", "", ""],
    ]
    _csv("lms-long-cp1252.csv", [LMS_HEADER, *rows], encoding="cp1252")


def lms_semicolon_bom() -> None:
    _csv("lms-semicolon-utf8-bom.csv", [
        ["Employee ID", "Learner", "Course", "Completion status", "Completed on"],
        ["007", "Ann Lee", "OIC 1", "Complete", "2026-01-05"],
        ["008", "Ben Ode", "OIC 2", "Y", "2026-01-06T09:15:00"]],
        encoding="utf-8-sig", delimiter=";")


DATES_HEADER = ["Staff Number", "Course Title", "Status", "Completion Date"]


def _dated_rows(*dates: str) -> list[list[str]]:
    """Staff numbers 1, 2, ... each completing module 1 on one of ``dates`` (as written)."""
    return [[str(i), "OIC Module 1", "Completed", day] for i, day in enumerate(dates, 1)]


def lms_month_first_conflict() -> None:
    _csv("dates-conflicting.csv", [DATES_HEADER, *_dated_rows(
        "13/02/2026", "14/02/2026", "02/15/2026", "03/04/2026")])


def lms_dates_ambiguous() -> None:
    """Month-first dates (a US-locale export) with no day over 12: they read either way."""
    _csv("dates-ambiguous.csv", [DATES_HEADER, *_dated_rows("02/03/2026", "03/04/2026")])


def dates_mixed() -> None:
    """One date column holding a date cell, a datetime cell, an Excel serial number, ISO
    text, UK text with a time and a month-name date."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Completions"
    ws.append([LMS_HEADER[0], "Course Title", "Status", "Completion Date"])
    ws.append(["1", "OIC Module 1", "Completed", dt.date(2026, 2, 1)])
    ws.append(["2", "OIC Module 1", "Completed", dt.datetime(2026, 2, 2, 14, 5)])
    ws.append(["3", "OIC Module 1", "Completed", 46055])
    ws.append(["4", "OIC Module 1", "Completed", "2026-02-04"])
    ws.append(["5", "OIC Module 1", "Completed", "25/02/2026 09:00"])
    ws.append(["6", "OIC Module 1", "Completed", "6 March 2026"])
    ws.append(["7", "OIC Module 1", "Completed", "soon"])
    wb.save(HERE / "dates-mixed.xlsx")


MOODLE_HEADER = ["Name", "Email address", "ID number", "OIC Module 1 quiz",
                 "OIC Module 1 quiz - Completion date", "OIC Module 2 quiz",
                 "OIC Module 2 quiz - Completion date", "Welcome forum",
                 "Welcome forum - Completion date", "Course complete"]


def moodle_course_utf16() -> None:
    """Moodle's "Excel-compatible" course completion download: UTF-16LE with a BOM, tabs,
    UK dates `%d/%m/%y, %H:%M` that never have a day over 12 (ambiguous)."""
    rows = [
        MOODLE_HEADER,
        ["Jo Bloggs", "jo.bloggs@example.police.uk", "00123", "Completed (achieved pass grade)",
         "03/02/26, 14:05", "Completed", "04/02/26, 09:00", "Completed", "01/02/26, 08:00",
         "04/02/26, 09:00"],
        ["Ann Lee", "ann.lee@example.police.uk", "00124", "Completed (did not achieve pass grade)",
         "05/02/26, 10:00", "Not completed", "", "Completed", "01/02/26, 08:00", ""],
    ]
    text = "".join("\t".join(row) + "\r\n" for row in rows)
    (HERE / "moodle-course-utf16.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def moodle_course_merged() -> None:
    """A course completion report saved in Excel with a two-row header: the activity name
    merged over its status and date columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    ws.append(["OIC e-learning: course completion"])
    ws.append(["Name", "Email address", "OIC Module 3", None, "OIC Module 4", None,
               "Course complete"])
    ws.append([None, None, "Status", "Completion date", "Status", "Completion date", None])
    ws.merge_cells("C2:D2")
    ws.merge_cells("E2:F2")
    ws.append(["Kim Park", "kim.park@example.police.uk", "Completed", "13/01/2026",
               "Completed", "14/01/2026", "14/01/2026"])
    ws.append(["Lee Chan", "lee.chan@example.police.uk", "Not completed", None, "Completed",
               "20/01/2026", None])
    wb.save(HERE / "moodle-course-merged.xlsx")


def moodle_activity() -> None:
    """Moodle's activity completion report: every value double-quoted, an empty first header
    cell, each activity's name followed by an empty cell."""
    rows = [
        ["", "Email address", "OIC Module 3", "", "OIC Module 4", ""],
        ["Kim Park", "kim.park@example.police.uk", "Completed", "2026-01-13 10:00:00",
         "Completed (set by Jo Trainer)", "2026-01-20 16:30:00"],
        ["Lee Chan", "lee.chan@example.police.uk", "Not completed", "", "Completed",
         "2026-01-21 09:00:00"],
    ]
    _csv("moodle-activity.csv", rows, quoting=csv.QUOTE_ALL)


def totara_upload() -> None:
    rows = [
        ["username", "courseshortname", "courseidnumber", "completiondate", "grade"],
        ["jbloggs", "OIC-M1", "", "2026-01-10", "80"],
        ["jbloggs", "", "OIC 2", "2026-01-11", ""],
        ["alee", "OIC-ADV", "", "2026-01-12", ""],
        ["alee", "FIRE101", "", "2026-01-12", ""],
        ["bcole", "OIC-M4", "", "2026-13-01", ""],
    ]
    _csv("totara-upload.csv", rows)


def totara_report() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Course Completion"
    ws.append(["User's Fullname", "Course Name", "User's Organisation Name",
               "User's Position Name", "Completion Status", "Date Completed"])
    ws.append(["Jo Bloggs", "OIC Module 1", "Response Bristol", "Sergeant", "Complete",
               "12 Jan 2026"])
    ws.append(["Ann Lee", "OIC Module 1", "CID", "Constable", "Not yet started", None])
    wb.save(HERE / "totara-report.xlsx")


def hydra_two_sheets() -> None:
    """A trainer's workbook: one sheet per course date, a title block above each header,
    the date only in the title; delegates from other forces."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    header = ["Syndicate", "Delegate Name", "Collar No", "Rank", "Home Force", "Department",
              "Attended"]
    _sheet(wb, "12 Mar 2026", [
        ["OIC Hydra exercise"], ["Course date: 12/03/2026", None, "Venue: Portishead"], [],
        header,
        [1, "Insp Jo Bloggs", "0456", "Insp", "Avon and Somerset", "Response", "Y"],
        [1, "Ann Lee", 1234, "DI", "Wiltshire Police", "CID", "Yes"],
        [2, "Sam Hill", "2001", "Insp", "Atlantis Constabulary", "Roads", "Y"],
        [2, "Pat Kerr", "2002", "Insp", "Gloucestershire", "Response", "Did not attend"],
        [],
    ])
    _sheet(wb, "26 Mar 2026", [
        ["OIC Hydra exercise"], ["Course date: 26/03/2026"], [],
        header,
        [1, "Pat Kerr", "2002", "Insp", "Gloucestershire", "Response", "Y"],
        [1, "", "", "Insp", "Avon and Somerset", "Response", "Y"],
    ])
    _sheet(wb, "Notes", [["Notes for trainers"], ["Bring a laptop.", "Arrive by 08:30."]])
    wb.save(HERE / "hydra-two-sheets.xlsx")


SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Staff No</t>'
    '</is></c></row><row r="1000000"><c r="XFD1000000"><v>1</v></c></row></sheetData>'
    "</worksheet>"
)
WORKBOOK_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    f'{XML_HEAD}<Types xmlns="{PACKAGE}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def zip_bomb_extent() -> None:
    """A tiny, valid workbook whose sheet claims a cell at XFD1000000: a dense reader would
    allocate 16 billion cells (and the fast ones abort the process)."""
    with zipfile.ZipFile(HERE / "zip-bomb-extent.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK_XML)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", SHEET_XML)


def corrupt() -> None:
    """The first kilobyte of a real workbook: a zip that ends too soon."""
    roster = (HERE / "roster-title-rows.xlsx").read_bytes()
    (HERE / "corrupt.xlsx").write_bytes(roster[:1024])


def compound_files() -> None:
    """OLE compound files: an encrypted (password-protected) workbook, and an old .xls.
    Only the start of each: enough to be recognised, which is all the importer reads."""
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    header = magic + b"\x00" * (512 - len(magic))
    encrypted = header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 400
    (HERE / "password-protected.xlsx").write_bytes(encrypted)
    legacy = header + "Workbook".encode("utf-16-le") + b"\x00" * 400
    (HERE / "legacy.xls").write_bytes(legacy)


def main() -> None:
    for make in (roster_title_rows, roster_missing_column, roster_dated_name, lms_long_cp1252,
                 lms_semicolon_bom, lms_month_first_conflict, lms_dates_ambiguous, dates_mixed,
                 moodle_course_utf16, moodle_course_merged, moodle_activity, totara_upload,
                 totara_report,
                 hydra_two_sheets, zip_bomb_extent, corrupt, compound_files):
        make()


if __name__ == "__main__":
    main()
