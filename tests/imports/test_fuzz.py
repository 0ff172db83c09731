"""Fuzzing every reader: Hypothesis builds tables with random headers, values, encodings
and mess (title and blank rows, NULs, huge cells, odd separators, truncation) and writes
them as csv / tsv / txt or as an xlsx (openpyxl). Every outcome is a ParsedFile or a
FileRefused: no other exception, and (run in this process) no signal death, which would
end the test run. Nothing read carries a NUL."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports import FileRefused, parse_file
from tracker.ingest.records import ParsedFile

TODAY = dt.date(2026, 11, 30)
TRIED: list[str] = []  # "read" or the refusal's code, per file parsed (for the figures)

HEADERS = ["Staff Number", "Employee ID", "Collar No", "Full Name", "Surname", "Forenames",
           "Email", "User's Email", "Course Title", "Course Name", "Status",
           "Completion Status", "Completion Date", "Date Completed", "Rank", "Department",
           "Grade", "Score", "Start Date", "Leaving Date", "Attended", "Home Force", ""]
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
VALUES = st.one_of(
    st.sampled_from(["00123", "1001", "A1234", "ann.lee@asc.police.uk", "Zoë Brontë",
                     "O'Neil, Renée", "OIC Module 1", "Organised Immigration Crime - Module 2",
                     "Completed", "Not completed", "Complete via rpl", "13/01/2026",
                     "01/13/2026", "2026-01-13", "05 Mar 2024", "45000", "-5", "0",
                     "Insp", "T/DI", "Response - Bristol North", "\u2713", "x", "Total",
                     "=1+1", "\t=HYPERLINK()", "\x00", "a\x00b", "_x0000_"]),
    WORDS, st.integers(-10**6, 10**12).map(str), st.just(""),
    st.just("y" * 140_000),  # over the csv module's field limit
)


LAYOUTS = [["Staff Number", "Full Name", "Course Title", "Completion Date"],
           ["Employee ID", "Email", "Course Name", "Completion Status", "Completion Date"],
           ["Staff Number", "Surname", "Forenames", "Email", "Rank", "Department"]]
GOOD = {"Staff Number": ["00123", "1001", "77"], "Employee ID": ["1001", "00042"],
        "Full Name": ["Ann Lee", "Zoë Brontë", "Renée O'Neil"], "Surname": ["Lee", "Núñez"],
        "Forenames": ["Ann", "José"], "Email": ["ann.lee@asc.police.uk", "b@x.org"],
        "Course Title": ["OIC Module 1", "OIC Module 3"], "Course Name": ["OIC Module 2"],
        "Completion Status": ["Complete", "In progress"], "Rank": ["Insp", "PC", "T/DI"],
        "Completion Date": ["13/01/2026", "2026-02-01", "05 Mar 2024", "45000"],
        "Department": ["Response - Bristol North", "CID Bristol", "Force Control Room"]}


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    """Half the tables follow a real layout with plausible values (some cells replaced by
    junk), half are random; both get title rows, blank rows and footers."""
    if draw(st.booleans()):
        header = draw(st.sampled_from(LAYOUTS))
        rows = draw(st.lists(st.tuples(*[st.one_of(st.sampled_from(GOOD[h]), VALUES)
                                         if draw(st.booleans()) else st.sampled_from(GOOD[h])
                                         for h in header]).map(list), min_size=1, max_size=8))
    else:
        width = draw(st.integers(1, 7))
        header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), WORDS), min_size=width,
                               max_size=width))
        rows = draw(st.lists(st.lists(VALUES, max_size=width + 1), max_size=8))
    above = draw(st.lists(st.lists(WORDS, max_size=2), max_size=3))  # titles, blank rows
    below = draw(st.lists(st.sampled_from([[], ["Total", "3"], ["End of report"]]),
                          max_size=2))
    return [*above, header, *rows, *below]


def _text_bytes(table: list[list[str]], separator: str, encoding: str, quoted: bool) -> bytes:
    quote = '"' if quoted else ""
    lines = [separator.join(f"{quote}{cell}{quote}" for cell in row) for row in table]
    text = "\n".join(lines) + "\n"
    if encoding == "mixed":  # every other line in Windows-1252
        return b"\n".join(line.encode("cp1252", "replace") if i % 2 else line.encode()
                          for i, line in enumerate(text.split("\n")))
    return text.encode(encoding, "replace")


def _workbook_bytes(table: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in table:  # openpyxl refuses control characters; the escape stays
        sheet.append([_number(c) for c in (_xml_safe(cell) for cell in row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xml_safe(cell: str) -> str:
    return "".join(c for c in cell if c in "\t\n\r" or ord(c) >= 32)[:30_000]


def _number(cell: str) -> str | float:
    try:
        return float(cell) if cell.strip() and len(cell) < 20 else cell
    except ValueError:
        return cell


def _outcome(data: bytes, name: str) -> None:
    """Parse ``data`` saved as ``name``: a ParsedFile without NUL, or a FileRefused."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            parsed = parse_file(path, today=TODAY)
        except FileRefused as exc:
            assert str(exc).startswith(f"{name}: ")
            TRIED.append(exc.code.value)
            return
    assert isinstance(parsed, ParsedFile)
    TRIED.append("read")
    assert not parsed.records.map(lambda v: isinstance(v, str) and "\x00" in v).any().any()
    assert all("\x00" not in f"{p.message}{p.value}" for p in parsed.report.problems)


FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(table=tables(), separator=st.sampled_from([",", ";", "\t", "|", " "]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le",
                                 "mixed"]),
       ext=st.sampled_from([".csv", ".tsv", ".txt"]), quoted=st.booleans(),
       cut=st.one_of(st.none(), st.integers(0, 400)))
def test_any_text_table_is_read_or_refused(table: list[list[str]], separator: str,
                                           encoding: str, ext: str, quoted: bool,
                                           cut: int | None) -> None:
    data = _text_bytes(table, separator, encoding, quoted)
    _outcome(data[:cut] if cut is not None else data, f"fuzz{ext}")


@settings(FUZZ, max_examples=150)
@given(table=tables(), cut=st.one_of(st.none(), st.integers(0, 6000)),
       flip=st.one_of(st.none(), st.integers(0, 6000)))
def test_any_workbook_is_read_or_refused(table: list[list[str]], cut: int | None,
                                         flip: int | None) -> None:
    """Truncated zips and a flipped byte too (a damaged download)."""
    data = bytearray(_workbook_bytes(table))
    if flip is not None and flip < len(data):
        data[flip] ^= 0xFF
    _outcome(bytes(data[:cut] if cut is not None else data), "fuzz.xlsx")


def test_the_fuzzing_tried_files_of_every_outcome() -> None:
    """Runs after the two above (file order): they read some files and refused others."""
    if len(TRIED) < 550:
        return  # run alone
    outcomes = set(TRIED)
    assert {"read", "no-data", "unreadable-file"} <= outcomes, outcomes
    print(f"\nfuzzing: {len(TRIED)} hostile files, outcomes "
          f"{ {o: TRIED.count(o) for o in sorted(outcomes)} }")
