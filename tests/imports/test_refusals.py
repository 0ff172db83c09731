"""Files that cannot be read at all are refused with a message that says what to do."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from imports import FileRefused, parse_file
from tracker.messages import hints
from tracker.messages.problems import Code

DATA = Path(__file__).parents[1] / "data"


def refusal(path: Path, **kwargs) -> FileRefused:
    with pytest.raises(FileRefused) as info:
        parse_file(path, today=dt.date(2026, 11, 30), **kwargs)
    exc = info.value
    assert exc.problems and exc.problems[0].message == str(exc)
    return exc


def test_zip_bomb_extent_is_refused_in_process() -> None:
    # If the guard missed it, calamine would abort this very process.
    exc = refusal(DATA / "zip-bomb-extent.xlsx")
    assert exc.code is Code.UNSAFE_FILE
    assert str(exc) == (
        "zip-bomb-extent.xlsx: the workbook was refused because sheet1 claims 1,000,000 rows "
        "by 16,384 columns (more than 50,000,000 cells); this is how a 'zip bomb' looks. If "
        "the file is genuine, copy the data into a new workbook (or export it as .csv) and "
        "import that.")


def test_corrupt_workbook() -> None:
    exc = refusal(DATA / "corrupt.xlsx")
    assert str(exc) == (
        "corrupt.xlsx: the workbook is damaged and cannot be read (File is not a zip file). "
        "Open it in Excel and save it again (File > Save As > Excel Workbook), or export it "
        "again.")


def test_not_a_zip_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("this is not a workbook")
    assert str(refusal(path)) == (
        "notes.xlsx: the workbook is damaged (it is not a valid .xlsx file). Open it in Excel "
        "and save it again (File > Save As > Excel Workbook), or export it again.")


def test_password_protected_workbook() -> None:
    assert str(refusal(DATA / "password-protected.xlsx")) == (
        "password-protected.xlsx: the workbook is password-protected, so it cannot be read. "
        "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
        "Password, clear it), save, and import it again.")


def test_legacy_xls() -> None:
    exc = refusal(DATA / "legacy.xls")
    assert exc.code is Code.UNSUPPORTED_FORMAT
    assert str(exc) == (
        "legacy.xls: this is an old-style .xls workbook, which cannot be read; save it as "
        ".xlsx in Excel: File > Save As > Excel Workbook (*.xlsx), then import the .xlsx.")


def test_too_big() -> None:
    exc = refusal(DATA / "lms-long-cp1252.csv", max_bytes=100)
    assert exc.code is Code.FILE_TOO_LARGE
    assert str(exc) == "lms-long-cp1252.csv: the file is 0.0 MB, over the 0 MB limit."
    assert hints.explain(exc, "cli") == (
        "lms-long-cp1252.csv: the file is 0.0 MB, over the 0 MB limit. Split it into smaller "
        "files (for example by date range), or raise TRACKER_MAX_UPLOAD_MB.")
    assert "TRACKER_" not in hints.explain(exc, "dashboard")


def test_default_size_limit_comes_from_settings(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "1")
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 300_000)
    assert refusal(path).code is Code.FILE_TOO_LARGE


def test_a_misspelt_header_is_read_as_the_word_it_slips_from() -> None:
    parsed = parse_file(DATA / "roster-missing-staff-column.xlsx")
    assert parsed.columns["staff_number"] == "Staff Numbr"


def test_missing_column_names_it_lists_headers_and_suggests(tmp_path: Path) -> None:
    path = tmp_path / "roster-no-staff-column.csv"
    path.write_text("Collar No,Surname,Forenames,Rank,Pin\n"
                    "0456,Smith,Jo,PC,Mr Smith\n0457,Jones,Sam,PS,Dr Jones\n")
    exc = refusal(path)
    assert exc.code is Code.MISSING_COLUMN
    assert exc.missing == ["staff_number"]
    assert str(exc) == (
        'roster-no-staff-column.csv: no column was recognised as "Staff number". Headers '
        "found (row 1): Collar No, Surname, Forenames, Rank, Pin.")


def test_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "shopping.csv"
    path.write_text("Item,Price,Shop\nMilk,1.20,Corner\n")
    assert str(refusal(path)) == (
        "shopping.csv: cannot tell what kind of export this is. Headers found (row 1): Item, "
        "Price, Shop.")


def test_unknown_sheet_lists_the_sheets() -> None:
    assert str(refusal(DATA / "hydra-two-sheets.xlsx", sheet="April")) == (
        'hydra-two-sheets.xlsx: no sheet named "April"; its sheets are: "12 Mar 2026", '
        '"26 Mar 2026", "Notes".')


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert str(refusal(path)) == ("report.pdf: .pdf cannot be imported; use an .xlsx, .xlsm, "
                                  ".ods, .csv, .tsv or .txt export.")


def test_upload_name_is_used_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "upload-3f2a"
    shutil.copy(DATA / "legacy.xls", path)
    assert str(refusal(path, file_name="Old roster.xls")).startswith("Old roster.xls: this is")


def test_xlsx_saved_as_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "totara.csv"
    shutil.copy(DATA / "totara-report.xlsx", path)
    parsed = parse_file(path, today=dt.date(2026, 11, 30))
    assert len(parsed.records) == 1


def test_headings_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text("Staff Number,Surname,Rank\n\n")
    exc = refusal(path)
    assert exc.code is Code.NO_DATA
    assert str(exc) == ("hr.csv: there are column headings (row 1) but no rows under them. "
                        "Export the file again.")
