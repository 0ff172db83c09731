"""Text that is safe to put in a spreadsheet cell a person will open, and the one writer of
every CSV and xlsx table the tracker hands out.

A cell starting with = + - @ (or a tab or carriage return) is read by Excel, LibreOffice
and Google Sheets as a formula: a value like ``=HYPERLINK(...)`` in an uploaded file must
not come back as a live formula in a downloaded report (CSV/formula injection). The
full-width forms of those signs (＝ ＋ － ＠) count too: Excel in East Asian locales turns
them into the ASCII ones as it reads. As OWASP's CSV injection guidance says, such text gets
a leading apostrophe in a CSV; in an xlsx it is stored as a text cell with Excel's quote
prefix (shown without the apostrophe, never run). Only text is touched: numbers and dates
stay numbers and dates, so a negative count is still a number.

CSV files end their lines with CRLF and quote any value holding a CR, an LF, a comma or a
quote (``csv.QUOTE_MINIMAL``): a carriage return inside a file name can no longer start a
row of its own. Every CSV and xlsx a face writes (CLI, workbook, problem report, the
dashboard's table downloads) comes through ``csv_text`` / ``write_csv_table`` /
``csv_bytes`` or the xlsx cell helpers here; only kept uploads go back as they came.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from typing import Any

import numpy as np
import pandas as pd

FULL_WIDTH_START = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", *FULL_WIDTH_START)
FORMULA_FIRST = np.array(FORMULA_START)  # each sign is one character
FORMULA_PATTERN = "^[" + re.escape("".join(FORMULA_START)) + "]"
CSV_LINE_END = "\r\n"
DATE_FORMAT = "%Y-%m-%d"


def inert(value: str) -> str:
    """``value`` with an apostrophe in front when a spreadsheet would run it as a formula.

    >>> inert("=1+2")
    "'=1+2"
    >>> inert("Jo Bloggs")
    'Jo Bloggs'
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet would read this text as a formula."""
    return value.startswith(FORMULA_START)


def formula_mask(series: pd.Series) -> pd.Series:
    """True where a cell is text a spreadsheet would run (numbers, dates, blanks: False).
    A column of text (and blanks) is read by its first characters, in C; a column mixing
    text with other values (numbers, lists...) a cell at a time (``str.startswith``)."""
    if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
        return pd.Series(False, index=series.index)
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # a blank's first character is "N" (None), "n" (nan) or "<" (<NA>): never a sign
        hostile = np.isin(values.astype("U1"), FORMULA_FIRST)
    else:
        hostile = np.fromiter((isinstance(v, str) and v.startswith(FORMULA_START)
                               for v in values), dtype=bool, count=len(values))
    return pd.Series(hostile, index=series.index)


def inert_series(series: pd.Series) -> pd.Series:
    """``inert`` over a whole column: formula-like text gets a leading apostrophe; other
    text, numbers, dates and blanks are left as they are."""
    hostile = formula_mask(series)
    if not hostile.any():
        return series
    out = series.astype(object).copy()
    out[hostile] = "'" + out[hostile].astype(str)
    return out


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        safe[column] = inert_series(safe[column])
    safe.columns = [inert(c) if isinstance(c, str) else c for c in safe.columns]
    return safe


# --- CSV --------------------------------------------------------------------------------


def csv_text(frame: pd.DataFrame, *, date_format: str = DATE_FORMAT) -> str:
    """``frame`` as CSV text: inert cells, CRLF line ends, CR and LF inside values quoted."""
    safe = inert_frame(frame)
    columns = _plain_columns(safe)
    if columns is None:  # dates, decimals, categories...: pandas formats them
        return safe.to_csv(index=False, lineterminator=CSV_LINE_END,
                           quoting=csv.QUOTE_MINIMAL, date_format=date_format)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=CSV_LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([str(c) for c in safe.columns])
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue()


def _plain_columns(frame: pd.DataFrame) -> list[list[Any]] | None:
    """The columns as lists the csv module writes exactly as ``DataFrame.to_csv`` would
    (text with blanks as "", whole numbers, True/False), or None when a column needs
    pandas' own formatting. The csv module is about three times quicker than ``to_csv``
    on a long list of text (national outstanding list: 0.5 s less)."""
    if frame.shape[1] == 0 or isinstance(frame.columns, pd.MultiIndex):
        return None
    columns = []
    for _, column in frame.items():
        if column.dtype == object and pd.api.types.infer_dtype(
                column, skipna=True) in ("string", "empty"):
            columns.append(column.where(column.notna(), "").tolist())
        elif column.dtype.kind in "biu":  # numpy bool and integers, never missing
            columns.append(column.tolist())
        else:
            return None
    return columns


def csv_bytes(frame: pd.DataFrame, *, date_format: str = DATE_FORMAT) -> bytes:
    """``csv_text`` as UTF-8 with a byte-order mark (Excel needs it to read accents)."""
    return ("\ufeff" + csv_text(frame, date_format=date_format)).encode("utf-8")


def write_csv_table(frame: pd.DataFrame, target: Any, *,
                    date_format: str = DATE_FORMAT) -> None:
    """Write ``frame`` as a safe CSV to a path (UTF-8 with a byte-order mark), a text file
    object (as text) or a binary one (with the byte-order mark)."""
    if isinstance(target, str | os.PathLike):
        with open(target, "wb") as handle:
            handle.write(csv_bytes(frame, date_format=date_format))
    elif isinstance(target, io.TextIOBase):
        target.write(csv_text(frame, date_format=date_format))
    else:
        target.write(csv_bytes(frame, date_format=date_format))


# --- xlsx -------------------------------------------------------------------------------


def xml_text(value: str) -> str:
    """Text an xlsx file can hold: characters XML forbids removed, and carriage returns as
    line feeds (XML readers turn a raw CR into LF anyway)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


def xlsx_text_cell(ws: Any, value: str, **style: Any) -> Any:
    """A write-only cell that always holds ``value`` as text, however it starts: never a
    formula, and formula-like text carries the quote prefix (Excel shows it as typed)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell.value = xml_text(value) or None
    if cell.value is not None:
        cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_text_values(ws: Any, series: pd.Series) -> list[Any]:
    """A text column's values for a write-only sheet: plain strings where harmless, safe
    text cells (slower) only where a spreadsheet would run the text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    present = series.notna()
    text = series.astype(object).where(present, "").astype(str)
    hostile = np.flatnonzero((text.str.match(FORMULA_PATTERN) & present).to_numpy())
    text = text.str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True)
    text = text.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    values: list[Any] = text.where(present & (text != ""), None).tolist()
    for i in hostile:
        values[i] = xlsx_text_cell(ws, values[i] or "", quotePrefix=True)
    return values


def xlsx_row(ws: Any, values: list[Any]) -> list[Any]:
    """One row for a write-only sheet: text through ``xlsx_text_cell`` when it looks like a
    formula, missing values empty, numbers and dates as they are."""
    return [xlsx_text_cell(ws, v) if isinstance(v, str) and is_formula_like(v)
            else None if _missing(v) else v for v in values]


def write_xlsx_table(frame: pd.DataFrame, target: Any, *, sheet_name: str = "Sheet1") -> None:
    """Write ``frame`` as a one-sheet workbook (header row first) to a path or a binary file
    object, with every text cell safe (``xlsx_text_values``)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name)
    ws.append(xlsx_row(ws, [str(c) for c in frame.columns]))
    columns = [_xlsx_dates(ws, frame[c]) if _is_dates(frame[c])
               else xlsx_text_values(ws, frame[c]) if _is_text(frame[c])
               else [None if _missing(v) else v for v in frame[c].astype(object)]
               for c in frame.columns]
    for row in zip(*columns, strict=True):
        ws.append(list(row))
    wb.save(target)


XLSX_DATE_FORMAT = "d mmm yyyy"  # a date column shows as a date, not with 00:00:00


def _is_dates(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    present = series.dropna()
    return bool(series.dtype == object and len(present)
                and present.map(lambda v: isinstance(v, dt.date)).all())


def _xlsx_dates(ws: Any, series: pd.Series) -> list[Any]:
    """Date cells shown as dates: a datetime at midnight is a day, so no time is shown."""
    from openpyxl.cell import WriteOnlyCell

    def one(value: Any) -> Any:
        if _missing(value):
            return None
        day = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        has_time = isinstance(day, dt.datetime) and day.time() != dt.time(0)
        return WriteOnlyCell(ws, value=day) if has_time else _date_cell(ws, day)

    return [one(v) for v in series.astype(object)]


def _date_cell(ws: Any, day: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    out = WriteOnlyCell(ws, value=day)
    out.number_format = XLSX_DATE_FORMAT
    return out


def _is_text(series: pd.Series) -> bool:
    return bool(series.dtype == object or pd.api.types.is_string_dtype(series))


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (
        isinstance(value, float) and value != value)
