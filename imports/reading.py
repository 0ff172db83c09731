"""Bytes to raw cells: workbooks through calamine, text through pyarrow (or the csv module).

A ``RawSheet`` holds a preview of the first rows (to find the header in) and can load the
rows under the header as a frame of positional columns with their spreadsheet row numbers.
Text cells are strings ("" when empty); workbook cells are what calamine gives (str, float,
int, bool, date, datetime, time). Workbooks are .xlsx, .xlsm and .ods (OpenDocument).

Totara's "CSV (Excel)" writer puts a TAB in front of any cell that starts with = @ + or -
(so Excel does not run it as a formula); that TAB is taken off again here.

Text is UTF-8, UTF-16 or Windows-1252. A file that mixes UTF-8 and Windows-1252 lines (two
exports pasted together, a line edited on another machine) is decoded line by line, each
line the way it is valid, with a warning naming the lines read as Windows-1252: a line
that is valid UTF-8 and holds accented letters is almost never Windows-1252 text, and a
line that is not valid UTF-8 cannot be UTF-8, so every name comes out right, and the user
can check the lines named (refusing the file would leave them an encoding they cannot
see to fix). NUL characters are taken out of every cell (``strip_nul``): PostgreSQL cannot
store them and SQLite would keep them unseen.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook, SheetTypeEnum

from imports.cells import Coded, coded, lookup
from imports.errors import FileRefused
from imports.guards import is_ods
from tracker.messages.problems import Code, Problem, Severity

PREVIEW_ROWS = 30
HEAD_BYTES = 64 * 1024  # the first sample of a text file to find its header in ...
MAX_HEAD_BYTES = 16 * 1024**2  # ... grown up to this while its lines are longer (wide files)
MIXED = "utf-8+cp1252"  # a file of UTF-8 lines and Windows-1252 lines
NUL = "\x00"
SHOWN_LINES = 10
DELIMITERS = (",", "\t", ";")
STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str" dtype
FORMULA_GUARD = "\t"  # what Totara's "CSV (Excel)" puts before = @ + -
_GUARDED = r"^\t([=@+\-])"  # RE2 (pyarrow): no lookahead, a group put back instead


@dataclass
class Body:
    """The rows under a header: positional columns 0..n-1 and their spreadsheet rows. A
    column is its raw cells, or (from the csv reader) already factorised."""

    columns: list[pd.Series | Coded]
    rows: np.ndarray
    _coded: dict[int, Coded] = field(default_factory=dict, repr=False)

    @property
    def width(self) -> int:
        return len(self.columns)

    def column(self, index: int) -> pd.Series:
        """A column's raw cells (a factorised one mapped back: None where missing)."""
        column = self.columns[index]
        if isinstance(column, tuple):
            codes, uniques = column
            return pd.Series(lookup(codes, np.asarray(uniques, dtype=object), None),
                             dtype=object, copy=False)
        return column

    def sample(self, index: int, size: int) -> list[Any]:
        """Up to ``size`` cells of a column from rows spread evenly through it (cheap: only
        those cells are read)."""
        n = len(self.rows)
        at: list[int] = (np.unique(np.linspace(0, n - 1, min(size, n)).astype(np.int64))
                         .tolist() if n else [])
        column = self.columns[index]
        if isinstance(column, tuple):
            codes, uniques = column
            return [None if codes[i] < 0 else uniques[codes[i]] for i in at]
        return [column.iat[i] for i in at]

    def coded(self, index: int) -> Coded:
        """A column factorised (cached: several checks read the same column)."""
        if index not in self._coded:
            self._coded[index] = coded(self.columns[index])
        return self._coded[index]

    def take(self, keep: np.ndarray) -> Body:
        """The rows where ``keep`` is True."""
        columns = [(c[0][keep], c[1]) if isinstance(c, tuple) else c[keep].reset_index(drop=True)
                   for c in self.columns]
        return Body(columns, self.rows[keep])


@dataclass
class RawSheet:
    name: str | None
    preview: list[list[Any]]
    first_row: int  # the spreadsheet row number of preview[0]
    load: Callable[[int, int], Body]  # (index in preview of the first data row, width) -> Body
    notes: list[Problem] = field(default_factory=list)  # file-level warnings of the reading
    may_hold_nul: bool = False  # its cells may hold NUL characters: load takes them out
    nul_cells: list[int] = field(default_factory=list)  # how many cells load took NUL out of


def read_sheets(path: Path, name: str, fmt: str, data: bytes | None = None,
                nul: bool = False) -> list[RawSheet]:
    """Every sheet of a workbook (or the one table of a text file), unparsed. ``data`` is
    the text file's bytes when the caller has read them already; ``nul``: the workbook
    may hold NUL characters (the guard saw one or its escape)."""
    if fmt == "workbook":
        return read_workbook(path, name, nul)
    return [read_text(path, name, data)]


# ---------------------------------------------------------------- workbooks

def read_workbook(path: Path, name: str, nul: bool = False) -> list[RawSheet]:
    try:
        book = _open_book(path)
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        return [_read_sheet(book, sheet, nul) for sheet in names]  # chart sheets: no data
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises several error types, some not exported
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise FileRefused(f"{name}: the workbook is password-protected, so it cannot be "
                              "read. Remove the password in Excel and import it again.",
                              Code.UNREADABLE_FILE, name) from exc
        raise FileRefused(f"{name}: the workbook could not be read ({exc}). Open it in Excel "
                          "and save it again as .xlsx, or export it again.",
                          Code.UNREADABLE_FILE, name) from exc


def _open_book(path: Path) -> CalamineWorkbook:
    """calamine picks its reader by the extension; an .ods saved under another name (or
    an .xlsx under a text one) is opened by its content instead."""
    ext = path.suffix.lower()
    if (ext == ".ods") == is_ods(path) and ext in (".xlsx", ".xlsm", ".ods"):
        return CalamineWorkbook.from_path(str(path))
    with path.open("rb") as handle:
        return CalamineWorkbook.from_filelike(handle)


def _read_sheet(book: CalamineWorkbook, sheet_name: str, nul: bool) -> RawSheet:
    sheet = book.get_sheet_by_name(sheet_name)
    cells = sheet.to_python()
    start = sheet.start
    first_row = (start[0] + 1) if start else 1
    first_col = start[1] if start else 0
    cells = [[""] * first_col + row for row in cells] if first_col else cells

    held = [cells]  # released once loaded: a million rows of cells are worth freeing
    removed: list[int] = []

    def load(index: int, width: int) -> Body:
        columns: list[pd.Series | Coded] = [*_columns(held.pop()[index:], width)]
        if nul:
            columns = [_without_nul(column, removed) for column in columns]
        rows = np.arange(first_row + index, first_row + index + _height(columns[0]))
        return Body(columns, rows)

    preview = [[_no_nul(cell) for cell in row] for row in cells[:PREVIEW_ROWS]]
    del cells
    return RawSheet(sheet_name, preview, first_row, load, may_hold_nul=nul, nul_cells=removed)


def _columns(records: list[list[Any]], width: int) -> list[pd.Series]:
    """Rows of cells to ``width`` object columns ("" where a row is short), a column at a
    time: no 2-D block of objects to build and split again, no tuple per row."""
    if min(map(len, records), default=width) < width:
        records = [r + [""] * (width - len(r)) if len(r) < width else r for r in records]
    return [pd.Series(np.fromiter(map(itemgetter(i), records), dtype=object,
                                  count=len(records)), dtype=object, copy=False)
            for i in range(width)]


def _fit_width(frame: pd.DataFrame, width: int) -> pd.DataFrame:
    frame = frame.iloc[:, :width] if frame.shape[1] > width else frame
    for col in range(frame.shape[1], width):
        frame[col] = ""
    frame.columns = pd.RangeIndex(width)
    return frame


# ---------------------------------------------------------------- text

def sniff_encoding(data: bytes) -> str:
    """utf-8-sig / utf-16 (BOM), utf-16-le/be without BOM, utf-8, else cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    if data.isascii():  # far quicker than decoding it all to find out
        return "utf-8"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")  # bad bytes: U+DC80..U+DCFF
    return MIXED if re.search("[\u0080-\udc7f\udd00-\U0010ffff]", text) else "cp1252"


def mixed_to_utf8(data: bytes) -> tuple[bytes, list[int]]:
    """A file of UTF-8 and Windows-1252 lines as UTF-8, and the (1-based) numbers of the
    lines that were Windows-1252."""
    lines = data.split(b"\n")
    converted: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            lines[number - 1] = decode(line, "cp1252").encode("utf-8")
            converted.append(number)
    return b"\n".join(lines), converted


def _mixed_note(lines: list[int], name: str) -> Problem:
    shown = ", ".join(f"{n:,}" for n in lines[:SHOWN_LINES])
    more = f" and {len(lines) - SHOWN_LINES:,} more" if len(lines) > SHOWN_LINES else ""
    return Problem(Code.BAD_VALUE, Severity.WARNING,
                   f"The file mixes two text encodings: line{'s' if len(lines) > 1 else ''} "
                   f"{shown}{more} {'are' if len(lines) > 1 else 'is'} not UTF-8 like the rest, "
                   "so they were read as Windows-1252. Check the names on them (accented "
                   "letters) against the source system; if they look wrong, export the file "
                   "again as UTF-8.", file=name)


def decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding.startswith("utf-16"):  # cut short: an odd byte at the end
            return data.decode(encoding, errors="replace")
        return data.decode("latin-1")  # cp1252 leaves five bytes undefined


def sniff_delimiter(lines: list[str], ext: str) -> str:
    """The delimiter that splits the most lines into the same number (> 1) of fields."""
    best, best_score = "\t" if ext == ".tsv" else ",", 0
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # e.g. a wide line that this delimiter does not split
            continue
        wide = [c for c in counts if c > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = wide.count(mode) * mode
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_text(path: Path, name: str, data: bytes | None = None) -> RawSheet:
    data = path.read_bytes() if data is None else data
    encoding, notes = sniff_encoding(data), []
    if encoding == MIXED:
        data, converted = mixed_to_utf8(data)
        encoding, notes = "utf-8", [_mixed_note(converted, name)]
    lines = _head_lines(data, encoding)
    delimiter = sniff_delimiter(lines[:PREVIEW_ROWS], Path(name).suffix.lower())
    preview = _preview(lines, delimiter, name)
    preview = [[_no_nul(cell) for cell in row] for row in preview[:PREVIEW_ROWS]]
    guarded = delimiter != FORMULA_GUARD  # in a tab-separated file a TAB is a separator
    if guarded:
        preview = [[_unguard(cell) for cell in row] for row in preview]
    nul = _may_hold_nul(data, encoding)
    removed: list[int] = []

    held = [data]  # released once loaded

    def load(index: int, width: int) -> Body:
        raw = held.pop()
        try:
            columns: list[pd.Series | Coded] = [*_read_fast(raw, encoding, delimiter, index,
                                                            width)]
        except (pa.ArrowInvalid, pa.ArrowException, UnicodeDecodeError):
            frame = _read_slow(raw, encoding, delimiter, index, width, name)
            columns = [frame[i] for i in range(width)]
        del raw
        if nul:
            columns = [_without_nul(column, removed) for column in columns]
        if guarded:
            columns = [_unguard_column(column) for column in columns]
        return Body(columns, np.arange(index + 1, index + 1 + _height(columns[0])))

    return RawSheet(None, preview, 1, load, notes, nul, removed)


def _head_lines(data: bytes, encoding: str) -> list[str]:
    """The first lines of a text file, whole: the sample grows while its lines are long
    (a file of 10,000 columns has a header line of over 64 KB)."""
    size = HEAD_BYTES
    while True:
        head = data[:size].decode(encoding, errors="replace")
        lines = head.lstrip("\ufeff").splitlines()
        whole = size >= len(data)
        if not whole:
            lines = lines[:-1]  # the last line of the sample may be cut short
        if whole or len(lines) > PREVIEW_ROWS or size >= MAX_HEAD_BYTES:
            return lines[: PREVIEW_ROWS + 5]
        size *= 4


def _may_hold_nul(data: bytes, encoding: str) -> bool:
    if not encoding.startswith("utf-16"):
        return b"\x00" in data
    units = np.frombuffer(data, dtype=np.uint16, count=len(data) // 2)
    return bool(len(units)) and not units.all()


def _no_nul(cell: Any) -> Any:
    return cell.replace(NUL, "") if isinstance(cell, str) and NUL in cell else cell


def _preview(lines: list[str], delimiter: str, name: str) -> list[list[str]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise _csv_refusal(name, exc, reader.line_num) from exc


def _csv_refusal(name: str, exc: csv.Error, line: int | None) -> FileRefused:
    where = f"line {line:,}" if line else "a line"
    if "field larger than field limit" in str(exc):
        return FileRefused(
            f"{name}: {where} holds a cell of more than {csv.field_size_limit():,} "
            "characters, which no export of names, numbers and dates has: the file is "
            "damaged, or is not a table. Check the file; export it again.",
            Code.UNREADABLE_FILE, name)
    return FileRefused(f"{name}: the file could not be read as a table ({where}: {exc}). "
                       "Check the file; export it again.", Code.UNREADABLE_FILE, name)


def _without_nul(column: pd.Series | Coded, removed: list[int]) -> pd.Series | Coded:
    """A column without NUL characters; how many cells held one is appended to
    ``removed``. A factorised column: its distinct values only, then factorised again."""
    if not isinstance(column, tuple):
        holds = np.fromiter((isinstance(v, str) and NUL in v for v in column), dtype=bool,
                            count=len(column))
        if not holds.any():
            return column
        removed.append(int(holds.sum()))
        column = column.copy()
        column[holds] = [v.replace(NUL, "") for v in column[holds]]
        return column
    codes, uniques = column
    text = pd.Series(uniques, dtype=STR, copy=False)
    holds = text.str.contains(NUL, regex=False).to_numpy(dtype=bool)
    if not holds.any():
        return column
    removed.append(int(np.isin(codes, np.flatnonzero(holds)).sum()))
    new_codes, new_uniques = pd.factorize(text.str.replace(NUL, "", regex=False)
                                          .to_numpy(dtype=object))
    return (lookup(codes, np.asarray(new_codes, dtype=np.intp), -1),
            pd.Series(new_uniques, dtype=STR).array)


def strip_nul(frame: pd.DataFrame) -> int:
    """Take NUL characters out of the text cells of ``frame`` (in place; a Python loop, so
    only for a file that ``may_hold_nul``); how many cells held one."""
    count = 0
    for name in frame.columns:
        column = frame[name]
        if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
            continue
        holds = np.fromiter((isinstance(v, str) and NUL in v for v in column), dtype=bool,
                            count=len(column))
        if holds.any():
            frame.loc[holds, name] = [v.replace(NUL, "") for v in column[holds]]
            count += int(holds.sum())
    return count


def _read_fast(data: bytes, encoding: str, delimiter: str, skip: int,
               width: int) -> list[Coded]:
    """The columns, factorised by Arrow as it reads (in parallel, no string per cell)."""
    names = [str(i) for i in range(width)]
    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(encoding=_arrow_encoding(encoding), skip_rows=skip,
                                       column_names=names),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.dictionary(pa.int32(), pa.large_string()) for n in names},
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    ).unify_dictionaries()  # one dictionary per column, the chunks' indices into it
    return [_codes(table.column(i)) for i in range(width)]


def _unguard(cell: str) -> str:
    """A cell without the TAB Totara put in front of = @ + -."""
    return cell[1:] if cell[:1] == FORMULA_GUARD and cell[1:2] in ("=", "@", "+", "-") else cell


def _unguard_column(column: pd.Series | Coded) -> pd.Series | Coded:
    """A column without Totara's formula-guard TABs (its distinct values only, then
    factorised again: "\t-5" and "-5" are one value)."""
    if not isinstance(column, tuple):
        text = column.astype(str)
        if not text.str.startswith(FORMULA_GUARD).any():
            return column
        return text.str.replace(_GUARDED, r"\1", regex=True)
    codes, uniques = column
    text = pd.Series(uniques, dtype=STR, copy=False)
    if not text.str.startswith(FORMULA_GUARD).any():
        return column
    cleaned = text.str.replace(_GUARDED, r"\1", regex=True).to_numpy(dtype=object)
    new_codes, new_uniques = pd.factorize(cleaned)
    return (lookup(codes, np.asarray(new_codes, dtype=np.intp), -1),
            pd.Series(new_uniques, dtype=STR).array)


def _codes(column: pa.ChunkedArray) -> Coded:
    codes = [pc.fill_null(chunk.indices, -1).to_numpy() for chunk in column.chunks]
    uniques = column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.large_string())
    return (np.concatenate(codes).astype(np.intp) if codes else np.zeros(0, dtype=np.intp),
            pd.array(uniques, dtype=STR))


def _height(column: pd.Series | Coded) -> int:
    return len(column[0]) if isinstance(column, tuple) else len(column)


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _read_slow(data: bytes, encoding: str, delimiter: str, skip: int, width: int,
               name: str) -> pd.DataFrame:
    """Ragged rows, blank lines, line breaks inside quotes: the csv module reads them all."""
    text = decode(data, encoding).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)[skip:]
    except csv.Error as exc:
        raise _csv_refusal(name, exc, reader.line_num) from exc
    wide = max([width, *map(len, records)])
    frame = pd.DataFrame([r + [""] * (wide - len(r)) for r in records], columns=range(wide),
                         dtype=object)
    return _fit_width(frame, width)
