"""A table read from one sheet: its header, its rows and which column holds which field."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from imports import cells
from imports.cells import Coded, lookup
from imports.dates import ParsedDates
from imports.header import Header
from imports.reading import Body
from imports.report import add_rows
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import Decision
from tracker.messages.problems import Code, Report, Severity

_TOTAL = "(grand +|sub *-? *)?totals?([^a-z]|$)"  # on lower-cased, trimmed text (runs in RE2)


@dataclass
class Context:
    """What every importer needs besides the table."""

    file_name: str
    today: dt.date
    mappings: Mappings = field(default_factory=Mappings)
    date_order: str | None = None  # "day-first" / "month-first": the user's choice, or None

    @property
    def dayfirst(self) -> bool:
        """How numeric dates are read in a column whose dates do not settle it themselves."""
        return self.date_order != "month-first"

    def ambiguous(self, parsed: ParsedDates) -> bool:
        """Whether to warn that a column's order was guessed (not when the user chose it)."""
        return parsed.ambiguous and self.date_order is None


@dataclass
class Table:
    file_name: str
    sheet: str | None
    header: Header
    body: Body
    columns: dict[str, int]  # field -> column index
    sheet_label: bool = False  # several sheets read: name the sheet in problems
    skipped: dict[str, int] = field(default_factory=dict)  # blank / total rows left out
    decisions: list[Decision] = field(default_factory=list)  # what each column feeds, why
    identity: list[str] = field(default_factory=list)  # identifiers checked on the roster

    @property
    def rows(self) -> np.ndarray:
        return self.body.rows

    def __len__(self) -> int:
        return len(self.body.rows)

    def has(self, name: str) -> bool:
        return name in self.columns

    def values(self, name: str) -> pd.Series:
        """The raw cells of a field's column (all None when the file has no such column)."""
        if name not in self.columns:
            return pd.Series([None] * len(self), dtype=object)
        return self.body.column(self.columns[name])

    def coded(self, name: str) -> Coded:
        """A field's column factorised (all missing when the file has no such column)."""
        if name not in self.columns:
            return self._absent, np.array([], dtype=object)
        return self.body.coded(self.columns[name])

    @functools.cached_property
    def _absent(self) -> np.ndarray:
        """The codes of a column the file does not have (one array for them all: read only)."""
        codes = np.full(len(self), -1, dtype=np.intp)
        codes.flags.writeable = False
        return codes

    def row_keys(self, extra: list[int] | None = None, tag: int = 0) -> dict[str, np.ndarray]:
        """Integer codes of the cells the importer reads (its mapped columns, plus up to two
        ``extra`` columns, e.g. an activity's status and date): two rows with equal keys are
        exact duplicates. Cheap to compare, unlike text. ``tag`` tells activities apart."""
        mapped = sorted(self.columns.values())
        keys = {f"_k{j}": self.body.coded(i)[0] for j, i in enumerate(mapped)}
        padded = [*(extra or []), -1, -1][:2]
        for j, index in enumerate(padded):
            keys[f"_kx{j}"] = (self.body.coded(index)[0] if index >= 0
                               else np.full(len(self), -2, dtype=np.intp))
        keys["_ktag"] = np.full(len(self), tag, dtype=np.intp)
        return keys

    def label(self, name: str) -> str | None:
        """The header as written, for problems ('Sheet 2!Collar No' when several sheets)."""
        return self.label_at(self.columns[name]) if name in self.columns else None

    def label_at(self, index: int) -> str:
        text = self.header.cells[index] if index < len(self.header.cells) else ""
        return f"{self.sheet}!{text}" if self.sheet_label and self.sheet else text


def _stripped(body: Body, index: int) -> tuple[np.ndarray, pd.Series]:
    """A column's codes and its distinct values as trimmed text."""
    codes, uniques = body.coded(index)
    text = pd.Series(uniques, dtype="str") if len(uniques) else pd.Series([], dtype="str")
    return codes, text.str.strip()


def _blank_cells(column: tuple[np.ndarray, pd.Series]) -> np.ndarray:
    codes, text = column
    return lookup(codes, (text == "").to_numpy(dtype=bool), True)


def _total_cells(column: tuple[np.ndarray, pd.Series]) -> np.ndarray:
    codes, text = column
    flags = text.str.lower().str.match(_TOTAL).fillna(False).to_numpy(dtype=bool)
    return lookup(codes, flags, False)


def drop_blank_and_totals(body: Body) -> tuple[Body, int, int]:
    """The body without blank rows and 'Total' / 'Grand total' rows, and how many of each."""
    width = body.width
    if width == 0 or len(body.rows) == 0:
        return body, 0, 0
    first = [_stripped(body, i) for i in range(min(width, 2))]  # read by both checks
    blank = _blank_cells(first[0])
    for index in range(1, width):
        if not blank.any():
            break
        blank &= _blank_cells(first[index] if index < 2 else _stripped(body, index))
    total = np.logical_or.reduce([_total_cells(column) for column in first])
    total &= ~blank
    total |= _footer_notes(body, blank)
    keep = ~(blank | total)
    if keep.all():
        return body, 0, 0
    kept = body.take(keep)
    return kept, int(blank.sum()), int(total.sum())


FOOTER_ROWS = 10  # how far up from the end a note under the table is looked for


def _footer_notes(body: Body, blank: np.ndarray) -> np.ndarray:
    """Rows at the end of a table of three or more columns with one cell filled and the
    rest empty ("48 rows", "End of report", "Printed by ..."): notes, not people."""
    notes = np.zeros(len(body.rows), dtype=bool)
    if body.width < 3:
        return notes
    for at in range(len(body.rows) - 1, max(-1, len(body.rows) - 1 - FOOTER_ROWS), -1):
        if blank[at]:
            continue
        filled = sum(1 for i in range(body.width) if _filled(body, i, at))
        if filled != 1:
            break
        notes[at] = True
    return notes


def _filled(body: Body, index: int, at: int) -> bool:
    column = body.columns[index]
    if isinstance(column, tuple):
        codes, uniques = column
        value = None if codes[at] < 0 else uniques[codes[at]]
    else:
        value = column.iat[at]
    return value is not None and str(value).strip() not in ("", "nan")


def mapped(table: Table, name: str, lookup_text: Callable[[str], Any], ctx: Context,
           report: Report, code: Code, message: Callable[[str], str]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Column ``name``'s texts, and what ``lookup_text`` maps each one to (once per distinct
    text). A text that maps to nothing is a warning with ``message(text)``; the row is kept
    (what it falls back to is the caller's choice)."""
    raw, found = cells.map_texts(table.coded(name), lookup_text)
    unknown = ~cells.blank(raw) & cells.blank(found)
    add_rows(report, unknown, table.rows, code, Severity.WARNING, table.label(name), raw,
             lambda v, _i: message(str(v)), ctx.file_name)
    return raw, found
