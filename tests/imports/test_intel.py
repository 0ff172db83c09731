"""NCCU referral logs and intelligence submission logs: detected from ordinary headers and
from other layouts, their columns recognised, their rows checked (recommendation 2)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from imports import parse_file
from tracker.ingest.records import Kind

TODAY = dt.date(2026, 6, 1)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


REFERRALS = [["Referral Date", "Incident Number", "NCCU Reference", "Reporting Officer Collar",
              "Location"],
             ["03/02/2026 14:35", "INC-0001", "NCCU/26/0001", "1234", "Custody Bristol"],
             ["14/02/2026 09:10", "INC-0002", "", "02345", "Response Taunton"]]
SUBMISSIONS = [["Intel Ref", "Date Submitted", "Author Collar No", "Linked Incident"],
               ["IR-100", "05/02/2026", "1234", "NCCU/26/0001"],
               ["IR-101", "16/02/2026", "02345", ""]]


def test_a_referral_log_with_ordinary_headers_is_detected_and_read(tmp_path: Path) -> None:
    parsed = parse_file(write_csv(tmp_path / "nccu-referrals.csv", REFERRALS), today=TODAY)
    assert parsed.kind is Kind.REFERRAL_LOG
    assert parsed.columns == {"referred_on": "Referral Date", "reference": "Incident Number",
                              "nccu_reference": "NCCU Reference",
                              "officer": "Reporting Officer Collar", "location": "Location"}
    assert parsed.records.to_dict("records") == [
        {"row": 2, "reference": "INC-0001", "nccu_reference": "NCCU/26/0001",
         "referred_on": dt.date(2026, 2, 3), "referred_at": dt.time(14, 35), "officer": "1234",
         "location": "Custody Bristol"},
        {"row": 3, "reference": "INC-0002", "nccu_reference": None,
         "referred_on": dt.date(2026, 2, 14), "referred_at": dt.time(9, 10),
         "officer": "02345", "location": "Response Taunton"}]
    assert parsed.report.errors == []


def test_a_submission_log_is_detected_even_though_it_links_nccu_references(
        tmp_path: Path) -> None:
    parsed = parse_file(write_csv(tmp_path / "intel-log.csv", SUBMISSIONS), today=TODAY)
    assert parsed.kind is Kind.INTELLIGENCE_LOG
    assert parsed.columns == {"reference": "Intel Ref", "submitted_on": "Date Submitted",
                              "officer": "Author Collar No",
                              "linked_reference": "Linked Incident"}
    assert list(parsed.records["linked_reference"]) == ["NCCU/26/0001", None]
    assert list(parsed.records["officer"]) == ["1234", "02345"]


def test_a_custody_workbook_with_a_title_and_other_words_is_a_referral_log(
        tmp_path: Path) -> None:
    rows = [["Custody Ref", "Date Referred", "Immigration Enforcement No", "Officer",
             "Custody Suite"],
            ["CUS/0417", dt.datetime(2026, 3, 2, 22, 15), "IE-889", "7781", "Patchway"]]
    path = write_xlsx(tmp_path / "custody.xlsx", rows, title="NCCU referrals March 2026")
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.REFERRAL_LOG
    assert parsed.columns["reference"] == "Custody Ref"
    assert parsed.columns["nccu_reference"] == "Immigration Enforcement No"
    assert parsed.records.loc[0, "referred_on"] == dt.date(2026, 3, 2)
    assert parsed.records.loc[0, "officer"] == "7781"


def test_a_submission_workbook_in_another_layout_is_a_submission_log(tmp_path: Path) -> None:
    rows = [["Submission Number", "Submitted", "Submitted By", "Related Ref"],
            ["URN-55", dt.date(2026, 3, 3), "7781", "CUS/0417"]]
    parsed = parse_file(write_xlsx(tmp_path / "irf.xlsx", rows), today=TODAY)
    assert parsed.kind is Kind.INTELLIGENCE_LOG
    assert parsed.columns == {"reference": "Submission Number", "submitted_on": "Submitted",
                              "officer": "Submitted By", "linked_reference": "Related Ref"}


def test_a_referral_without_a_reference_or_a_date_is_refused_with_row_and_column(
        tmp_path: Path) -> None:
    rows = [*REFERRALS, ["20/02/2026", "", "", "1234", "CID"], ["", "INC-0004", "", "1234", ""],
            ["21/02/2026", "INC-0001", "", "1234", ""]]
    parsed = parse_file(write_csv(tmp_path / "missing-reference.csv", rows), today=TODAY)
    assert parsed.report.flatten(["row", "column", "severity", "message"]) == [
        [4, "Incident Number", "error", "No reference: the referral cannot be matched or "
         "counted; fill it in and import the file again."],
        [5, "Referral Date", "error", "No referral date; fill it in and import the file "
         "again."],
        [6, "Incident Number", "warning", "Reference INC-0001 is on row 2 already; this row "
         "was ignored."]]
    assert {p.file for p in parsed.report.problems} == {"missing-reference.csv"}
    assert list(parsed.records["reference"]) == ["INC-0001", "INC-0002"]


@pytest.mark.parametrize("when", ["2026-07-01", "not a date"])
def test_a_submission_with_a_future_or_unreadable_date_is_refused(tmp_path: Path,
                                                                  when: str) -> None:
    rows = [*SUBMISSIONS, ["IR-102", when, "1234", ""]]
    parsed = parse_file(write_csv(tmp_path / "bad-date.csv", rows), today=TODAY)
    assert [(p.row, p.column, p.severity.value) for p in parsed.report.problems
            if p.row] == [(4, "Date Submitted", "error")]
    assert list(parsed.records["reference"]) == ["IR-100", "IR-101"]


# ---------------------------------------------------------------- the time of day

def _times(parsed: object) -> list[tuple[str, object, object]]:
    records = parsed.records  # type: ignore[attr-defined]
    when = "referred_at" if "referred_at" in records else "submitted_at"
    return list(zip(records["reference"], records.iloc[:, 3], records[when], strict=True))


def test_a_separate_time_column_is_kept_and_a_bad_time_warns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "referrals.csv", [
        ["Date referred", "Time", "Incident", "Officer"],
        ["22/03/2026", "14:35", "INC-1", "1234"],
        ["23/03/2026", "2:05 pm", "INC-2", "1234"],
        ["24/03/2026", "", "INC-3", "1234"],
        ["25/03/2026 08:15", "", "INC-4", "1234"],
        ["26/03/2026", "teatime", "INC-5", "1234"]])
    parsed = parse_file(path, today=TODAY)
    assert parsed.columns["referred_at"] == "Time"
    assert _times(parsed) == [
        ("INC-1", dt.date(2026, 3, 22), dt.time(14, 35)),
        ("INC-2", dt.date(2026, 3, 23), dt.time(14, 5)),
        ("INC-3", dt.date(2026, 3, 24), None),
        ("INC-4", dt.date(2026, 3, 25), dt.time(8, 15)),  # the date cell's own time
        ("INC-5", dt.date(2026, 3, 26), None)]
    assert parsed.report.flatten(["row", "column", "code", "severity", "message"]) == [
        [6, "Time", "bad-value", "warning", '"teatime" is not a time of day (such as 14:35): '
         "the row was imported without its time. Correct it and import the file again to "
         "keep it."]]


def test_date_and_time_cells_of_a_workbook_keep_their_time(tmp_path: Path) -> None:
    """A datetime cell keeps its time; a plain date cell (midnight) and a date have none;
    a separate column of time cells gives the submission's time."""
    path = write_xlsx(tmp_path / "referrals.xlsx", [
        ["Referral Date", "Incident Number", "Reporting Officer"],
        [dt.datetime(2026, 3, 2, 14, 35), "INC-1", "1234"],
        [dt.datetime(2026, 3, 3), "INC-2", "1234"],
        ["2026-03-04T07:05:00", "INC-3", "1234"]])
    assert _times(parse_file(path, today=TODAY)) == [
        ("INC-1", dt.date(2026, 3, 2), dt.time(14, 35)),
        ("INC-2", dt.date(2026, 3, 3), None),
        ("INC-3", dt.date(2026, 3, 4), dt.time(7, 5))]
    path = write_xlsx(tmp_path / "intel.xlsx", [
        ["Intel Ref", "Date Submitted", "Time Submitted", "Author Collar No"],
        ["IR-1", dt.date(2026, 3, 2), dt.time(16, 20), "1234"],
        ["IR-2", dt.date(2026, 3, 3), None, "1234"]])
    parsed = parse_file(path, today=TODAY)
    assert (parsed.kind, parsed.columns["submitted_at"]) == (Kind.INTELLIGENCE_LOG,
                                                             "Time Submitted")
    assert list(parsed.records["submitted_at"]) == [dt.time(16, 20), None]
