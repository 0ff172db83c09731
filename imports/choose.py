"""Which sheet(s) of a file hold the data, of which kind, with which columns."""

from __future__ import annotations

from imports.columns import Field, closest_header, match_columns, missing_required
from imports.detect import detect_kind
from imports.errors import FileRefused
from imports.header import Header, find_header
from imports.reading import RawSheet
from imports.table import Table, drop_blank_and_totals
from tracker.problems import Code
from tracker.records import Kind

KIND_NAMES = ", ".join(k.value for k in Kind)


def choose_tables(sheets: list[RawSheet], name: str, kind: Kind | None,
                  sheet: str | None) -> tuple[Kind, list[Table]]:
    """The kind of the file and the table(s) to read: one sheet, or for a Hydra workbook
    every sheet with a delegate header."""
    sheets = _named_sheet(sheets, name, sheet) if sheet else sheets
    found = [(raw, header) for raw in sheets if (header := find_header(raw)) is not None]
    if not found:
        raise FileRefused(f"{name}: no table found (no row of column headings in the first "
                          "30 rows). Check this is the right file.", Code.NO_DATA, name)
    multi = len(sheets) > 1
    detected = [(raw, header, kind or _detect(raw, header)) for raw, header in found]
    chosen = next(((r, h, k) for r, h, k in detected if k is not None), None)
    if chosen is None:
        raw, header = found[0]
        raise FileRefused(f"{name}: cannot tell what kind of export this is. Headers found "
                          f"({_where(raw, header, multi)}): {_listing(header)}. Pass --kind "
                          f"(one of: {KIND_NAMES}).", Code.UNKNOWN_KIND, name)
    the_kind = chosen[2]
    assert the_kind is not None
    if the_kind is Kind.HYDRA and not sheet:
        picked = [(r, h) for r, h, k in detected
                  if (_fits(h, kind) if kind else k is Kind.HYDRA)] or [(chosen[0], chosen[1])]
    else:
        picked = [(chosen[0], chosen[1])]
    tables = [_table(raw, header, the_kind, name, multi and len(picked) > 1, multi)
              for raw, header in picked]
    if not any(len(t) for t in tables):
        where = _where(*picked[0], multi)
        raise FileRefused(f"{name}: there are column headings ({where}) "
                          "but no rows under them. Export the file again.", Code.NO_DATA, name)
    return the_kind, tables


def _detect(raw: RawSheet, header: Header) -> Kind | None:
    return detect_kind(header.cells, " ".join([raw.name or "", *header.title_lines]))


def _fits(header: Header, kind: Kind) -> bool:
    return missing_required(match_columns(header.cells, kind), kind) is None


def _named_sheet(sheets: list[RawSheet], name: str, wanted: str) -> list[RawSheet]:
    match = [s for s in sheets if (s.name or "").strip().lower() == wanted.strip().lower()]
    if not match:
        names = ", ".join(f'"{s.name}"' for s in sheets if s.name)
        raise FileRefused(f'{name}: no sheet named "{wanted}"; its sheets are: {names}.',
                          Code.NO_DATA, name)
    return match


def _where(raw: RawSheet, header: Header, multi: bool) -> str:
    return f'sheet "{raw.name}", row {header.row}' if multi else f"row {header.row}"


def _listing(header: Header) -> str:
    return ", ".join(c for c in header.cells if c)


def _table(raw: RawSheet, header: Header, kind: Kind, name: str, label: bool,
           multi: bool) -> Table:
    columns = match_columns(header.cells, kind)
    missing = missing_required(columns, kind)
    if missing is not None:
        raise _missing_column(missing, header, raw, name, multi)
    body = raw.load(header.index + 1, len(header.cells))
    body, blank, total = drop_blank_and_totals(body)
    return Table(name, raw.name, header, body, columns, sheet_label=label,
                 skipped={"blank_rows": blank, "total_rows": total})


def _missing_column(group: tuple[Field, ...], header: Header, raw: RawSheet, name: str,
                    multi: bool) -> FileRefused:
    wanted = " or ".join(f'"{f.label}"' for f in group[:5])
    if len(group) > 5:
        wanted += " (or another way to identify the learner)"
    suggestion = next((s for f in group if (s := closest_header(f, header.cells))), None)
    hint = f' Did you mean "{suggestion}"?' if suggestion else ""
    return FileRefused(f"{name}: no {wanted} column. Headers found "
                       f"({_where(raw, header, multi)}): {_listing(header)}.{hint} Rename the "
                       "column or pass --kind.", Code.MISSING_COLUMN, name)
