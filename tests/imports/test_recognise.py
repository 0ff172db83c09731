"""Columns recognised by their headers' words and their values, and every decision said."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from imports import FileRefused, layout_signature, parse_file
from imports.columns import words
from tracker.ingest.records import Kind, Layout, RosterKeys

TODAY = dt.date(2026, 12, 3)
UNITS = ["Response - Bristol North", "Force Control Room", "CID Taunton", "RPU Portishead",
         "NPT Yeovil", "Custody Keynsham"]


def write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def roster_rows(header: list[str], n: int = 12) -> list[list[object]]:
    """A roster of ``n`` people under ``header`` (payroll, honorific, names, rank, unit)."""
    ranks = ["Insp", "PC", "PS", "DI", "PCSO", "Sgt"]
    rows: list[list[object]] = [header]
    for i in range(n):
        rows.append([f"{1000 + i:06d}", "Mr" if i % 2 else "Mrs", f"Sam{chr(97 + i)}", "Smith",
                     ranks[i % len(ranks)], UNITS[i % len(UNITS)]])
    return rows


@pytest.mark.parametrize(("header", "expected"), [
    ("Emp. No.", ("who", "number")),
    ("Pers.No.", ("who", "number")),
    ("Payroll Ref", ("who", "number")),
    ("User's Email", ("who", "email")),
    ("Dept Desc", ("unit", "description")),
    ("Date of Joining", ("date", "start")),
    ("Shoulder No.", ("collar", "number")),
    ("courseshortname", ("course", "short")),
])
def test_header_words_through_the_synonym_table(header: str, expected: tuple[str, ...]) -> None:
    assert words(header) == expected


def test_typing_slips_are_read_as_the_word_they_slip_from() -> None:
    assert words("Departmnet", fuzzy=True) == ("unit",)
    assert words("Staff Numbr", fuzzy=True) == ("who", "number")


def test_unknown_headers_with_clear_values_import_right_and_say_why(tmp_path: Path) -> None:
    path = write(tmp_path / "hr-establishment-area.csv",
                 roster_rows(["Payroll", "Title", "Forename", "Surname", "Rank Desc", "Area"]))
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.HR_ROSTER
    assert parsed.columns == {"staff_number": "Payroll", "forenames": "Forename",
                              "surname": "Surname", "rank": "Rank Desc", "unit": "Area"}
    described = [d.describe() for d in parsed.decisions]
    assert 'Department <- "Area": 100% of values are known units' in described
    assert 'Rank <- "Rank Desc": 100% of values are known ranks or grades' in described
    assert parsed.records["department"].tolist()[:3] == ["response", "control-room", "cid"]


def test_an_honorific_title_column_is_not_a_course_title(tmp_path: Path) -> None:
    path = write(tmp_path / "roster-honorific-title.csv",
                 roster_rows(["Payroll No", "Title", "First Name", "Last Name", "Rank",
                              "Department"]))
    parsed = parse_file(path, today=TODAY)
    assert parsed.kind is Kind.HR_ROSTER
    assert "title" not in parsed.columns
    assert parsed.columns["staff_number"] == "Payroll No"
    title = next(d for d in parsed.decisions if d.column == "Title")
    assert title.describe() == '"Title" not used: its values are honorifics (Mr, Mrs, Dr)'


def test_a_header_whose_values_disagree_is_not_taken(tmp_path: Path) -> None:
    rows = [["Staff No", "Name", "Course", "Completed", "Title"]]
    rows += [[f"{i:04d}", f"Jo Smith{chr(97 + i)}", "OIC Module 1", "01/03/2026", "Mr"]
             for i in range(6)]
    parsed = parse_file(write(tmp_path / "lms-title-honorific.csv", rows), today=TODAY)
    assert parsed.columns["title"] == "Course"
    title = next(d for d in parsed.decisions if d.column == "Title")
    assert title.field is None
    assert "100% of values are honorifics (Mr, Mrs, Dr)" in title.evidence


def lms_rows(header: list[str], ids: list[str]) -> list[list[object]]:
    rows: list[list[object]] = [header]
    rows += [[v, f"Learner {i}", "OIC Module 1", "2026-03-01"] for i, v in enumerate(ids)]
    return rows


def test_a_username_that_holds_staff_numbers_feeds_the_staff_number(tmp_path: Path) -> None:
    staff = [f"{1000 + i:06d}" for i in range(10)]
    roster = RosterKeys(staff_number=frozenset(staff[:9]), collar_number=frozenset({"12"}))
    path = write(tmp_path / "lms-username-is-staff.csv",
                 lms_rows(["Username", "Learner", "Course", "Completed on"], staff))
    parsed = parse_file(path, today=TODAY, roster=roster)
    assert parsed.columns["staff_number"] == "Username"
    assert "username" not in parsed.columns
    assert parsed.detail["identity"] == [
        "\"Username\" agrees with the roster's staff number for 9 of 10 values"]
    assert parsed.records["staff_number"].tolist() == staff


def test_an_unknown_identifier_column_found_by_the_roster(tmp_path: Path) -> None:
    collars = [str(400 + i) for i in range(8)]
    roster = RosterKeys(staff_number=frozenset({"9"}), collar_number=frozenset(collars))
    rows: list[list[object]] = [["Delegate", "Pin", "Attended", "Date"]]
    rows += [[f"Del Egate{chr(97 + i)}", c, "Y", "12/03/2026"] for i, c in enumerate(collars)]
    parsed = parse_file(write(tmp_path / "Hydra register 12-03-2026.csv", rows), today=TODAY,
                        roster=roster)
    assert parsed.kind is Kind.HYDRA
    assert parsed.columns["collar_number"] == "Pin"
    assert parsed.records["collar_number"].tolist() == collars


def test_the_users_mapping_wins_and_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "roster-patch.csv",
                 roster_rows(["Payroll", "Title", "Forename", "Surname", "Rank", "Patch"]))
    parsed = parse_file(path, today=TODAY, columns={"patch": "unit", "Title": "ignore"})
    assert parsed.columns["unit"] == "Patch"
    patch = next(d for d in parsed.decisions if d.column == "Patch")
    assert (patch.field, patch.source) == ("unit", "your mapping")


def test_a_mapping_to_a_header_the_file_lacks_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "roster.csv",
                 roster_rows(["Payroll", "Title", "Forename", "Surname", "Rank", "Area"]))
    with pytest.raises(FileRefused) as info:
        parse_file(path, today=TODAY, columns={"Division": "unit"})
    assert str(info.value) == ('roster.csv: no column headed "Division"; its columns are: '
                               "Payroll, Title, Forename, Surname, Rank, Area.")


def test_a_saved_layout_applies_to_the_next_file_of_that_layout(tmp_path: Path) -> None:
    header = ["Payroll", "Title", "Forename", "Surname", "Rank", "Patch"]
    saved = Layout(layout_signature(header), Kind.HR_ROSTER, {"Patch": "unit"})
    moved = [header[5], *header[:5]]  # the same layout with a column moved
    rows = [moved] + [[r[5], *r[:5]] for r in roster_rows(header)[1:]]
    parsed = parse_file(write(tmp_path / "roster-next-month.csv", rows), today=TODAY,
                        layouts={saved.signature: saved})
    assert parsed.layout_used
    assert parsed.signature == saved.signature
    assert parsed.columns["unit"] == "Patch"


def test_a_saved_layout_of_another_kind_is_not_applied(tmp_path: Path) -> None:
    header = ["Payroll", "Title", "Forename", "Surname", "Rank", "Area"]
    saved = Layout(layout_signature(header), Kind.HYDRA, {"Area": "venue"})
    path = write(tmp_path / "roster.csv", roster_rows(header))
    parsed = parse_file(path, today=TODAY, kind=Kind.HR_ROSTER,
                        layouts={saved.signature: saved})
    assert not parsed.layout_used
    assert parsed.columns["unit"] == "Area"


def test_only_the_first_500_columns_are_recognised_and_the_rest_say_so(tmp_path: Path) -> None:
    header = ["Payroll", "Title", "Forename", "Surname", "Rank", "Area"]
    wide = [[*row, *(["x"] * 600)] for row in roster_rows(header)]
    wide[0][6:] = [f"Extra {i}" for i in range(600)]
    parsed = parse_file(write(tmp_path / "roster-wide.csv", wide), today=TODAY)
    assert parsed.columns["unit"] == "Area"
    assert parsed.decisions[-1].describe() == (
        '"Extra 599" not used: only the first 500 columns are recognised; say what it holds '
        "if it matters")
