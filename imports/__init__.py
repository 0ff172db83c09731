"""Importers: one file in, normalised records and a report of row-level problems out.

    parsed = parse_file(Path("lms-export.csv"), mappings=mappings, today=date.today())
    parsed.records   # a DataFrame with tracker.records.COMPLETION_COLUMNS (or ROSTER_COLUMNS)
    parsed.report    # every problem, with spreadsheet row numbers

A file that cannot be read at all raises ``FileRefused`` (its message says what to do).
Importers write nothing; ``tracker.ingest`` decides and writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from imports.asof import find_as_of
from imports.choose import choose_tables
from imports.dates import DATE_ORDERS
from imports.errors import FileRefused
from imports.guards import check_size, check_workbook, sniff_format
from imports.parse import Parsed, parse_tables
from imports.reading import read_sheets
from imports.report import problems_frame, write_problems
from tracker.mappings import Mappings
from tracker.problems import Report
from tracker.records import Kind, ParsedFile

__all__ = ["DATE_ORDERS", "FileRefused", "parse_file", "problems_frame", "write_problems"]


def parse_file(path: Path, *, kind: Kind | None = None, mappings: Mappings | None = None,
               today: dt.date | None = None, file_name: str | None = None,
               sheet: str | None = None, max_bytes: int | None = None,
               date_order: str | None = None) -> ParsedFile:
    """Read one export. ``kind`` overrides detection, ``sheet`` picks a workbook's sheet,
    ``today`` bounds completion dates (future dates are errors), ``file_name`` is the name
    shown in messages (an upload's original name), ``max_bytes`` overrides the size limit,
    ``date_order`` ("day-first" or "month-first") says how to read the numeric dates of a
    column that does not settle it itself (by default: day-first, with an AMBIGUOUS_DATES
    warning)."""
    if date_order not in (None, *DATE_ORDERS):
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, "
                         f"not {date_order!r}")
    path = Path(path)
    name = file_name or path.name
    check_size(path, name, max_bytes)
    fmt = sniff_format(path, name)
    if fmt == "workbook":
        check_workbook(path, name)
    data = path.read_bytes() if fmt == "text" else None  # read once: hashed and parsed
    digest = hashlib.sha256(data).hexdigest() if data is not None else _sha256(path)
    sheets = read_sheets(path, name, fmt, data)
    del data  # the reader keeps what it needs
    chosen_kind, tables = choose_tables(sheets, name, kind, sheet)
    report = Report()
    parsed: Parsed = parse_tables(chosen_kind, tables, name, today or dt.date.today(),
                                  mappings or Mappings(), report, date_order)
    first = tables[0]
    return ParsedFile(
        file_name=name, sha256=digest, kind=chosen_kind, records=parsed.records, report=report,
        rows_read=parsed.rows_read, sheet=first.sheet, header_row=first.header.row,
        columns={f: first.header.cells[i] for f, i in first.columns.items()},
        as_of=find_as_of(first.header.title_lines, name) if chosen_kind.is_roster else None,
        detail=parsed.detail,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
