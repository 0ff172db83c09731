"""Hostile text files and names (issue 12, items 7 and 8): each is read or refused with a
message, never a traceback, and nothing read carries a NUL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from imports import FileRefused, parse_file, shown_name

TODAY = dt.date(2026, 11, 30)
HEADER = "Staff Number,Full Name,Course Title,Completion Date\n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_10_mb_cell_is_refused_naming_its_line(tmp_path: Path) -> None:
    data = (HEADER + "00123,Ann,OIC Module 1,13/01/2026\n" + "00124," + "x" * 10_000_000
            + ",OIC Module 1,13/01/2026\n").encode()
    with pytest.raises(FileRefused) as info:
        parse_file(write(tmp_path / "huge-cell.csv", data), today=TODAY)
    assert str(info.value) == (
        "huge-cell.csv: line 3 holds a cell of more than 131,072 characters, which no export "
        "of names, numbers and dates has: the file is damaged, or is not a table. Check the "
        "file; export it again.")


def test_nul_characters_are_taken_out_of_records_and_problems(tmp_path: Path) -> None:
    data = (HEADER + "00\x00123,Ann\x00 Lee,OIC Module 1,13/01/2026\n"
            "00124,Bob,OIC Module 1,31/02/20\x0026\n").encode()
    parsed = parse_file(write(tmp_path / "nul.csv", data), today=TODAY)
    assert parsed.records[["row", "staff_number", "full_name"]].values.tolist() == [
        [2, "00123", "Ann Lee"]]
    assert [(p.code.value, p.row, p.value, p.message) for p in parsed.report.problems] == [
        ("bad-value", None, None, "3 cells held NUL characters (invisible, often left by a "
         "damaged export); they were taken out. Check the file; export it again if values "
         "look wrong."),
        ("bad-date", 3, "31/02/2026", '"31/02/2026" is not a date this tool can read; write '
         "it as DD/MM/YYYY and import again.")]
    assert "\x00" not in repr(parsed)


def test_nul_characters_in_a_workbook_are_taken_out(tmp_path: Path) -> None:
    path = tmp_path / "nul.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["Staff Number", "Full Name", "Course Title", "Completion Date"],
                ["00123", "Ann_x0000_ Lee", "OIC Module 1", "13/01/2026"]]:
        sheet.append(row)
    book.save(path)
    parsed = parse_file(path, today=TODAY)
    assert parsed.records["full_name"].tolist() == ["Ann Lee"]


def test_a_file_mixing_utf8_and_windows_1252_is_read_line_by_line(tmp_path: Path) -> None:
    data = (HEADER.encode() + "00123,Zoë Brontë,OIC Module 1,13/01/2026\n".encode()
            + "00124,Renée Dubois,OIC Module 2,14/01/2026\n".encode("cp1252")
            + "00125,José Núñez,OIC Module 3,15/01/2026\n".encode())
    parsed = parse_file(write(tmp_path / "mixed.csv", data), today=TODAY)
    assert parsed.records["full_name"].tolist() == ["Zoë Brontë", "Renée Dubois", "José Núñez"]
    assert [(p.severity.value, p.message) for p in parsed.report.problems] == [
        ("warning", "The file mixes two text encodings: line 3 is not UTF-8 like the rest, "
         "so they were read as Windows-1252. Check the names on them (accented letters) "
         "against the source system; if they look wrong, export the file again as UTF-8.")]


def test_a_windows_1252_file_is_still_read_whole_without_a_warning(tmp_path: Path) -> None:
    data = (HEADER + "00124,Renée Dubois,OIC Module 2,14/01/2026\n").encode("cp1252")
    parsed = parse_file(write(tmp_path / "cp1252.csv", data), today=TODAY)
    assert parsed.records["full_name"].tolist() == ["Renée Dubois"]
    assert parsed.report.problems == []


def test_a_negative_excel_serial_is_a_clear_bad_date(tmp_path: Path) -> None:
    path = tmp_path / "negative.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Staff Number", "Course Title", "Completion Date"])
    sheet.append(["00122", "OIC Module 1", dt.date(2026, 1, 13)])
    sheet.append(["00123", "OIC Module 1", -5])
    sheet["C3"].number_format = "dd/mm/yyyy"
    book.save(path)
    parsed = parse_file(path, today=TODAY)
    assert [(p.code.value, p.row, p.value, p.message) for p in parsed.report.problems] == [
        ("bad-date", 3, "00:00:00", '"00:00:00" is a time with no date: a date cell in Excel '
         "shows one when it holds 0 or a negative number (a date before 1900). Correct the "
         "date in the source system and export the file again.")]


def test_a_10000_column_file_finds_its_header(tmp_path: Path) -> None:
    extra = ",".join(f"Extra column {i}" for i in range(9_997))
    blanks = "," * 9_997
    data = (f"Staff Number,Course Title,Completion Date,{extra}\n"
            f"00123,OIC Module 1,13/01/2026{blanks}\n").encode()
    parsed = parse_file(write(tmp_path / "wide.csv", data), today=TODAY)
    assert parsed.records[["row", "staff_number", "module_code"]].values.tolist() == [
        [2, "00123", "oic-el-1"]]
    assert len(parsed.headers) == 10_000


@pytest.mark.parametrize(("name", "shown"), [
    ("", "upload"), ("\x00", "upload"), ("a\x00b.csv", "ab.csv"), ("x\r=1+1.csv", "x=1+1.csv"),
    ("..", ".."), ("report.csv", "report.csv"),
    ("n" * 300 + ".csv", "n" * 250 + "\u2026.csv"),
])
def test_shown_names_are_clean_and_short(name: str, shown: str) -> None:
    assert shown_name(name) == shown


def test_a_utf16_file_cut_short_is_read(tmp_path: Path) -> None:
    """Found by the fuzzer: Arrow's transcoder raised UnicodeDecodeError on an odd byte."""
    data = (HEADER + "00123,Ann Lee,OIC Module 1,13/01/2026\n").encode("utf-16") + b"t"
    parsed = parse_file(write(tmp_path / "cut.csv", data), today=TODAY)
    assert parsed.records[["row", "staff_number", "full_name"]].values.tolist() == [
        [2, "00123", "Ann Lee"]]
