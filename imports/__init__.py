"""Importers: one file in, normalised records and a report of row-level problems out.

    parsed = parse_file(Path("lms-export.csv"), mappings=mappings, today=date.today())
    parsed.records   # a DataFrame: tracker.ingest.records.COMPLETION_COLUMNS or ROSTER_COLUMNS
    parsed.report    # every problem, with spreadsheet row numbers

Columns are recognised by their headers' words and their values together
(``imports.recognise``); ``parsed.decisions`` says what each column feeds and why. The user
can say it instead (``columns={"Area": "unit"}``), a mapping saved for a layout applies to
every later file of that layout (``layouts``, keyed by ``layout_signature``), and with the
roster's identifiers (``roster``) identifier columns are checked against it.

A file that cannot be read at all raises ``FileRefused`` (its message says what to do).
Importers write nothing; ``tracker.ingest.batch`` decides and writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from imports.asof import find_as_of
from imports.choose import Hints, choose_tables, layout_signature
from imports.dates import DATE_ORDERS
from imports.errors import FileRefused
from imports.guards import check_size, check_workbook, sniff_format
from imports.parse import Parsed, parse_tables
from imports.reading import NUL, read_sheets, strip_nul
from imports.report import problems_frame, sort_report, write_problems
from tracker.config import load_settings
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import Kind, Layout, ParsedFile, RosterKeys
from tracker.messages.problems import Code, Problem, Report, Severity
from tracker.messages.progress import Progress, Stage, no_progress

__all__ = ["DATE_ORDERS", "FileRefused", "layout_signature", "parse_file", "problems_frame",
           "write_problems"]


def parse_file(path: Path, *, kind: Kind | None = None, mappings: Mappings | None = None,
               today: dt.date | None = None, file_name: str | None = None,
               sheet: str | None = None, max_bytes: int | None = None,
               date_order: str | None = None, columns: Mapping[str, str] | None = None,
               layouts: Mapping[str, Layout] | None = None,
               roster: RosterKeys | None = None,
               progress: Progress = no_progress) -> ParsedFile:
    """Read one export. ``kind`` overrides detection, ``sheet`` picks a workbook's sheet,
    ``today`` bounds completion dates (future dates are errors), ``file_name`` is the name
    shown in messages (an upload's original name), ``max_bytes`` overrides the size limit,
    ``date_order`` ("day-first" or "month-first") says how to read the numeric dates of a
    column that does not settle it itself (by default: day-first, with an AMBIGUOUS_DATES
    warning). ``columns`` (header -> field, or "ignore"), ``layouts`` (saved mappings by
    layout signature) and ``roster`` (the force's identifiers) guide recognition.
    ``progress`` is told each stage (reading, recognising columns, checking rows)."""
    if date_order not in (None, *DATE_ORDERS):
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, "
                         f"not {date_order!r}")
    path = Path(path)
    name = shown_name(file_name or path.name)
    progress(Stage.READING)
    check_size(path, name, max_bytes)
    fmt = sniff_format(path, name)
    nul = check_workbook(path, name) if fmt == "workbook" else False
    data = path.read_bytes() if fmt == "text" else None  # read once: hashed and parsed
    digest = hashlib.sha256(data).hexdigest() if data is not None else _sha256(path)
    sheets = read_sheets(path, name, fmt, data, nul)
    del data  # the reader keeps what it needs
    hints = Hints(mappings or Mappings(), columns or {}, layouts or {}, roster)
    chosen = choose_tables(sheets, name, kind, sheet, hints, progress)
    progress(Stage.CHECKING, total=sum(len(t) for t in chosen.tables))
    report = Report()
    report.extend(note for raw in sheets for note in raw.notes)
    today = today or load_settings().today()  # TRACKER_TODAY holds here too
    parsed: Parsed = parse_tables(chosen.kind, chosen.tables, name, today, hints.mappings,
                                  report, date_order)
    if nul or any(raw.may_hold_nul for raw in sheets):
        _strip_nul(parsed, report, name, sum(n for raw in sheets for n in raw.nul_cells))
    first = chosen.tables[0]
    return ParsedFile(
        file_name=name, sha256=digest, kind=chosen.kind, records=parsed.records, report=report,
        rows_read=parsed.rows_read, absences=parsed.absences, sheet=first.sheet,
        header_row=first.header.row,
        columns={f: first.header.cells[i] for f, i in first.columns.items()},
        as_of=find_as_of(first.header.title_lines, name) if chosen.kind.is_roster else None,
        detail=parsed.detail, headers=list(first.header.cells), signature=chosen.signature,
        decisions=first.decisions, layout_used=chosen.layout_used,
    )


MAX_NAME = 255


def shown_name(name: str) -> str:
    """A file's name as messages and the database show it: no control characters (NUL
    included), at most MAX_NAME characters (its extension kept), never empty."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "upload"
    if len(name) <= MAX_NAME:
        return name
    _, dot, ext = name.rpartition(".")
    ext = f".{ext}" if dot and len(ext) <= 10 else ""
    return f"{name[: MAX_NAME - len(ext) - 1]}\u2026{ext}"


def _strip_nul(parsed: Parsed, report: Report, name: str, cells: int) -> None:
    """No NUL character in what was read (PostgreSQL cannot store one, SQLite would keep it
    unseen): the reader took them out of the cells (``cells`` of them), here they go from
    records and problems too, with a warning when cells held one."""
    cells += strip_nul(parsed.records)
    if parsed.absences is not None:
        cells += strip_nul(parsed.absences)
    report.problems[:] = [_problem_without_nul(p) for p in report.problems]
    if cells:
        report.add(Problem(Code.BAD_VALUE, Severity.WARNING,
                           f"{cells:,} cell{'s' if cells > 1 else ''} held NUL characters "
                           "(invisible, often left by a damaged export); they were taken "
                           "out. Check the file; export it again if values look wrong.",
                           file=name))
        sort_report(report)


def _problem_without_nul(problem: Problem) -> Problem:
    if NUL not in f"{problem.message}{problem.value or ''}{problem.column or ''}":
        return problem
    return dataclasses.replace(problem, message=problem.message.replace(NUL, ""),
                               value=problem.value and problem.value.replace(NUL, ""),
                               column=problem.column and problem.column.replace(NUL, ""))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
