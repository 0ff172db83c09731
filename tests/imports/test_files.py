"""Each small file in tests/data, read exactly: its records and its problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from imports import parse_file
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import COMPLETION_COLUMNS, ROSTER_COLUMNS, Kind

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2026, 11, 30)
D = dt.date


def parse(name: str, **kwargs):
    return parse_file(DATA / name, today=TODAY, **kwargs)


def rows_of(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    out = frame[columns].astype(object).where(frame[columns].notna(), None)
    return out.values.tolist()


def test_roster_title_rows() -> None:
    parsed = parse("roster-title-rows.xlsx")
    assert parsed.kind is Kind.HR_ROSTER
    assert list(parsed.records.columns) == ROSTER_COLUMNS
    assert (parsed.sheet, parsed.header_row, parsed.rows_read) == ("Establishment", 4, 10)
    assert parsed.as_of == D(2026, 11, 1)
    assert rows_of(parsed.records, ["row", "staff_number", "collar_number", "surname",
                                    "forenames", "full_name", "email"]) == [
        [5, "00123", "0456", "O'Brien", "Siobhan", "Siobhan O'Brien",
         "s.obrien@example.police.uk"],
        [6, "4567", "789", "Álvarez", "José", "José Álvarez", "jose.alvarez@example.police.uk"],
        [7, "00200", None, "Smith", "Jo", "Jo Smith", None],
        [8, "00201", "1201", "Jones", "Sam", "Sam Jones", None],
        [10, "00300", "300", "Twice", "Tom", "Tom Twice", None],
        [15, "00500", "500", "Gone", "Greg", "Greg Gone", None],
    ]
    assert rows_of(parsed.records, ["workforce_type", "rank_raw", "rank", "detective", "unit",
                                    "department", "line_manager", "start_date",
                                    "leaving_date", "status"]) == [
        ["police_officer", "Insp", "inspector", False, "Response - Bristol North", "response",
         "00099", D(2010, 4, 1), None, "active"],
        ["police_officer", "DI", "inspector", True, "CID Taunton", "cid", "00123",
         D(2015, 4, 3), None, "active"],
        ["pcso", "PCSO", "pcso", False, "NPT Yeovil", "neighbourhood", None, D(2012, 4, 1),
         None, "active"],
        ["police_officer", "Chf Insp", "chief-inspector", False, "Xyz Unit", None, None, None,
         None, "active"],
        ["police_officer", "PC", "constable", False, "Response", "response", None, None, None,
         "active"],
        ["police_officer", "PC", "constable", False, "RPU Portishead", "roads-policing", None,
         D(2001, 1, 1), D(2026, 3, 31), "leaver"],
    ]
    assert parsed.report.flatten(["row", "column", "code", "severity"]) == [
        [None, "Start Date", "ambiguous-dates", "warning"],
        [8, "Department", "unknown-department", "warning"],
        [9, "Staff No", "missing-identifier", "error"],
        [11, None, "duplicate-row", "warning"],
        [13, "Staff No", "conflicting-row", "error"],
        [14, "Staff No", "conflicting-row", "error"],
    ]
    messages = [p.message for p in parsed.report.problems]
    assert messages[3] == "Repeats row 10 exactly; this copy was ignored."
    assert messages[4] == ("Staff number 00400 is on rows 13 and 14 with different details; "
                           "keep the right one and import again.")


def test_roster_as_of_from_file_name_and_surname_comma_forenames() -> None:
    parsed = parse("hr_roster_2026-11-01.csv")
    assert parsed.as_of == D(2026, 11, 1)
    assert rows_of(parsed.records, ["row", "staff_number", "surname", "forenames", "full_name",
                                    "rank", "department", "workforce_type"]) == [
        [2, "01000", "Bloggs", "Joe", "Joe Bloggs", "sergeant", "control-room",
         "police_officer"],
        [3, "01001", None, None, "Amy Brown", "staff", "custody", "police_staff"],
    ]
    assert parsed.report.problems == []


def test_roster_user_mappings_win() -> None:
    mappings = Mappings({"rank": {"chfinsp": "chief-inspector"},
                         "department": {"xyz unit": "cid"}})
    parsed = parse("roster-title-rows.xlsx", mappings=mappings)
    jones = parsed.records[parsed.records["staff_number"] == "00201"].iloc[0]
    assert (jones["rank"], jones["department"]) == ("chief-inspector", "cid")
    assert "unknown-rank" not in parsed.report.counts()


def test_lms_long_cp1252() -> None:
    parsed = parse("lms-long-cp1252.csv")
    assert parsed.kind is Kind.LMS_LONG
    assert list(parsed.records.columns) == COMPLETION_COLUMNS
    assert rows_of(parsed.records, ["row", "staff_number", "collar_number", "email",
                                    "full_name", "module_code", "raw_title", "completed_on",
                                    "raw_status", "score"]) == [
        [2, "00123", "0456", "zoe.bronte@example.police.uk", "Zoë Brontë", "oic-el-1",
         "OIC Module 1", D(2026, 2, 13), "Completed", 85.0],
        [3, "00123", "0456", "zoe.bronte@example.police.uk", "Zoë Brontë", "oic-el-2",
         "Organised Immigration Crime - Module 2: Identifying and responding",
         D(2026, 2, 14), "Passed", 90.0],
        [4, "00124", None, None, "Seán O'Connor", "oic-el-3", "OIC M3", D(2026, 3, 1),
         "Completed", None],
    ]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [7, "Course Title", "unknown-module"],
        [8, "Status", "unknown-status"],
        [9, "Completion Date", "bad-date"],
        [10, "Completion Date", "future-date"],
        [11, "Completion Date", "before-module-existed"],
        [12, "Staff Number", "missing-identifier"],
        [13, None, "duplicate-row"],
        [14, "Completion Date", "missing-value"],
    ]
    assert parsed.detail["other_courses"] == 1
    assert parsed.detail["not_completed"] == 1
    assert parsed.rows_read == 13  # the blank and "Total" rows are not read
    messages = {p.code.value: p.message for p in parsed.report.problems}
    assert messages["unknown-module"] == (
        'The course "OIC Advanced Practitioner" looks like OIC training but matches no module; '
        "the row was not imported.")
    assert messages["future-date"] == ("The completion date 1 Jan 2027 is after today "
                                       "(30 Nov 2026); correct it and import again.")


def test_unknown_module_mapped_by_user_is_accepted() -> None:
    mappings = Mappings({"module": {"oic advanced practitioner": "oic-el-4"}})
    parsed = parse("lms-long-cp1252.csv", mappings=mappings)
    row7 = parsed.records[parsed.records["row"] == 7].iloc[0]
    assert row7["module_code"] == "oic-el-4"
    assert "unknown-module" not in parsed.report.counts()


def test_semicolon_utf8_bom_and_iso_dates() -> None:
    parsed = parse("lms-semicolon-utf8-bom.csv")
    assert rows_of(parsed.records, ["row", "staff_number", "full_name", "module_code",
                                    "completed_on", "raw_status"]) == [
        [2, "007", "Ann Lee", "oic-el-1", D(2026, 1, 5), "Complete"],
        [3, "008", "Ben Ode", "oic-el-2", D(2026, 1, 6), "Y"],
    ]
    assert parsed.columns == {"staff_number": "Employee ID", "full_name": "Learner",
                              "title": "Course", "status": "Completion status",
                              "date": "Completed on"}


def test_dates_conflicting_day_and_month_first() -> None:
    parsed = parse("dates-conflicting.csv")
    assert rows_of(parsed.records, ["row", "completed_on"]) == [
        [2, D(2026, 2, 13)], [3, D(2026, 2, 14)], [5, D(2026, 4, 3)]]
    assert parsed.report.flatten(["row", "column", "code", "value"]) == [
        [4, "Completion Date", "bad-date", "02/15/2026"]]


def test_ambiguous_dates_read_day_first_with_a_warning() -> None:
    parsed = parse("dates-ambiguous.csv")
    assert rows_of(parsed.records, ["row", "completed_on"]) == [
        [2, D(2026, 3, 2)], [3, D(2026, 4, 3)]]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [None, "Completion Date", "ambiguous-dates"]]


@pytest.mark.parametrize(("order", "dates"), [
    ("month-first", [D(2026, 2, 3), D(2026, 3, 4)]),
    ("day-first", [D(2026, 3, 2), D(2026, 4, 3)])])
def test_date_order_chosen_for_an_ambiguous_column(order: str, dates: list[dt.date]) -> None:
    parsed = parse("dates-ambiguous.csv", date_order=order)
    assert rows_of(parsed.records, ["completed_on"]) == [[d] for d in dates]
    assert parsed.report.problems == []  # the order was chosen: nothing ambiguous left


def test_date_order_does_not_override_a_column_that_settles_it() -> None:
    parsed = parse("dates-conflicting.csv", date_order="month-first")
    assert rows_of(parsed.records, ["row", "completed_on"]) == [
        [2, D(2026, 2, 13)], [3, D(2026, 2, 14)], [5, D(2026, 4, 3)]]


def test_unknown_date_order_is_refused() -> None:
    with pytest.raises(ValueError, match="date_order must be one of day-first, month-first"):
        parse("dates-ambiguous.csv", date_order="year-first")


def test_dates_mixed_in_one_column() -> None:
    parsed = parse("dates-mixed.xlsx")
    assert rows_of(parsed.records, ["row", "staff_number", "completed_on"]) == [
        [2, "1", D(2026, 2, 1)], [3, "2", D(2026, 2, 2)], [4, "3", D(2026, 2, 2)],
        [5, "4", D(2026, 2, 4)], [6, "5", D(2026, 2, 25)], [7, "6", D(2026, 3, 6)]]
    assert parsed.report.flatten(["row", "column", "code", "value"]) == [
        [8, "Completion Date", "bad-date", "soon"]]


def test_moodle_course_completion_utf16() -> None:
    parsed = parse("moodle-course-utf16.txt")
    assert parsed.kind is Kind.MOODLE_COURSE
    assert rows_of(parsed.records, ["row", "staff_number", "email", "full_name",
                                    "module_code", "raw_title", "completed_on",
                                    "raw_status"]) == [
        [2, "00123", "jo.bloggs@example.police.uk", "Jo Bloggs", "oic-el-1",
         "OIC Module 1 quiz", D(2026, 2, 3), "Completed (achieved pass grade)"],
        [2, "00123", "jo.bloggs@example.police.uk", "Jo Bloggs", "oic-el-2",
         "OIC Module 2 quiz", D(2026, 2, 4), "Completed"],
    ]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [None, "OIC Module 1 quiz - Completion date", "ambiguous-dates"]]
    assert (parsed.detail["not_completed"], parsed.detail["other_courses"]) == (2, 2)


def test_moodle_course_completion_two_row_merged_header() -> None:
    parsed = parse("moodle-course-merged.xlsx")
    assert parsed.kind is Kind.MOODLE_COURSE
    assert parsed.header_row == 2
    assert rows_of(parsed.records, ["row", "email", "module_code", "completed_on"]) == [
        [4, "kim.park@example.police.uk", "oic-el-3", D(2026, 1, 13)],
        [4, "kim.park@example.police.uk", "oic-el-4", D(2026, 1, 14)],
        [5, "lee.chan@example.police.uk", "oic-el-4", D(2026, 1, 20)],
    ]
    assert parsed.report.problems == []


def test_moodle_activity_completion() -> None:
    parsed = parse("moodle-activity.csv")
    assert parsed.kind is Kind.MOODLE_ACTIVITY
    assert rows_of(parsed.records, ["row", "full_name", "email", "module_code",
                                    "completed_on", "raw_status"]) == [
        [2, "Kim Park", "kim.park@example.police.uk", "oic-el-3", D(2026, 1, 13), "Completed"],
        [2, "Kim Park", "kim.park@example.police.uk", "oic-el-4", D(2026, 1, 20),
         "Completed (set by Jo Trainer)"],
        [3, "Lee Chan", "lee.chan@example.police.uk", "oic-el-4", D(2026, 1, 21), "Completed"],
    ]
    assert parsed.report.problems == []
    assert parsed.detail["not_completed"] == 1


def test_totara_upload() -> None:
    parsed = parse("totara-upload.csv")
    assert parsed.kind is Kind.TOTARA_UPLOAD
    assert rows_of(parsed.records, ["row", "username", "module_code", "raw_title",
                                    "completed_on", "score"]) == [
        [2, "jbloggs", "oic-el-1", "OIC-M1", D(2026, 1, 10), 80.0],
        [3, "jbloggs", "oic-el-2", "OIC 2", D(2026, 1, 11), None],
    ]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [4, "courseshortname", "unknown-module"],
        [6, "completiondate", "bad-date"],
    ]
    assert parsed.detail["other_courses"] == 1


def test_totara_course_completion_report() -> None:
    parsed = parse("totara-report.xlsx")
    assert parsed.kind is Kind.TOTARA_REPORT
    assert rows_of(parsed.records, ["row", "full_name", "unit", "module_code",
                                    "completed_on", "raw_status"]) == [
        [2, "Jo Bloggs", "Response Bristol", "oic-el-1", D(2026, 1, 12), "Complete"]]
    assert parsed.detail["not_completed"] == 1


def test_hydra_reads_every_delegate_sheet() -> None:
    parsed = parse("hydra-two-sheets.xlsx")
    assert parsed.kind is Kind.HYDRA
    assert parsed.detail["sheets_read"] == ["12 Mar 2026", "26 Mar 2026"]
    assert rows_of(parsed.records, ["row", "collar_number", "full_name", "force_code",
                                    "rank_raw", "unit", "module_code", "completed_on"]) == [
        [5, "0456", "Insp Jo Bloggs", "avon-and-somerset", "Insp", "Response", "oic-hydra",
         D(2026, 3, 12)],
        [6, "1234", "Ann Lee", "wiltshire", "DI", "CID", "oic-hydra", D(2026, 3, 12)],
        [7, "2001", "Sam Hill", None, "Insp", "Roads", "oic-hydra", D(2026, 3, 12)],
        [5, "2002", "Pat Kerr", "gloucestershire", "Insp", "Response", "oic-hydra",
         D(2026, 3, 26)],
    ]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [6, "26 Mar 2026!Collar No", "missing-identifier"],
        [7, "12 Mar 2026!Home Force", "unknown-force"],
    ]
    assert parsed.detail["not_completed"] == 1


def test_hydra_one_named_sheet() -> None:
    parsed = parse("hydra-two-sheets.xlsx", sheet="26 Mar 2026")
    assert parsed.detail["sheets_read"] == ["26 Mar 2026"]
    assert rows_of(parsed.records, ["row", "full_name", "completed_on"]) == [
        [5, "Pat Kerr", D(2026, 3, 26)]]
    assert parsed.report.flatten(["row", "column", "code"]) == [
        [6, "Collar No", "missing-identifier"]]


def test_kind_can_be_forced() -> None:
    parsed = parse("totara-report.xlsx", kind=Kind.LMS_LONG)
    assert parsed.kind is Kind.LMS_LONG
    assert len(parsed.records) == 1


def test_same_file_same_hash_and_records() -> None:
    first, second = parse("lms-long-cp1252.csv"), parse("lms-long-cp1252.csv")
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    pd.testing.assert_frame_equal(first.records, second.records)


def test_hydra_forced_kind_skips_sheets_without_delegates() -> None:
    parsed = parse("hydra-two-sheets.xlsx", kind=Kind.HYDRA)
    assert parsed.detail["sheets_read"] == ["12 Mar 2026", "26 Mar 2026"]
    assert len(parsed.records) == 4
