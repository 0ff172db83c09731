"""Row-level problems: adding many at once, ordering them, and the downloadable report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from tracker.messages.problems import Code, Problem, Report, Severity
from tracker.reports.safe_text import write_csv_table, write_xlsx_table

PROBLEM_COLUMNS = ["file", "row", "column", "severity", "code", "value", "message"]


def add_rows(report: Report, mask: np.ndarray, rows: np.ndarray, code: Code,
             severity: Severity, column: str | np.ndarray | None,
             values: np.ndarray | pd.Series | tuple[np.ndarray, object] | None,
             message: Callable[[str | None, int], str], file: str | None = None) -> int:
    """One problem per row where ``mask`` is True (``values``: the cells shown, None when
    the problems show none); ``message(value, position)`` is only called for the problems
    the report keeps (``Report.add_many``). Returns how many rows the mask selected."""
    where = np.flatnonzero(mask)

    def build(room: int) -> Iterator[Problem]:
        kept = where[:room]
        for i, raw in zip(kept, _pick(values, kept), strict=True):
            value = None if raw is None or raw is pd.NA or raw != raw else _text(raw)
            col = column[i] if isinstance(column, np.ndarray) else column
            yield Problem(code, severity, message(value, int(i)), int(rows[i]), col, value, file)

    report.add_many(code, len(where), build)
    return len(where)


def _pick(values: np.ndarray | pd.Series | tuple[np.ndarray, object] | None,
          where: np.ndarray) -> list[object]:
    """The values at ``where``; a factorised column (codes, distinct values) is mapped back."""
    if values is None:
        return [None] * len(where)
    if isinstance(values, tuple):
        codes, uniques = values
        distinct = np.asarray(uniques, dtype=object)
        return [None if c < 0 else distinct[c] for c in codes[where]]
    if isinstance(values, pd.Series):
        return list(values.iloc[where].tolist())
    return list(values[where].tolist())


def _text(value: object) -> str | None:
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def day(value: object) -> str:
    """A date for a message, unambiguous in any locale: '1 Jan 2027'."""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def sort_report(report: Report) -> None:
    """File-level problems first, then by row; the order problems were found otherwise."""
    order = {id(p): i for i, p in enumerate(report.problems)}
    report.problems.sort(key=lambda p: (p.row is not None, p.row or 0, order[id(p)]))


def problems_frame(report: Report) -> pd.DataFrame:
    """The problems as a table (one row each), for a screen or a download."""
    rows = [p.as_dict() for p in report.problems]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def write_problems(report: Report, path: Path) -> Path:
    """Write the problem report as .xlsx or .csv (by the path's extension) through the one
    formula-safe writer (``tracker.reports.safe_text``): nothing from an uploaded file runs as a
    formula when opened, and a CR or LF inside a value cannot start a row of its own."""
    frame = problems_frame(report)
    frame.columns = ["File", "Row", "Column", "Severity", "Problem", "Value", "Message"]
    if path.suffix.lower() == ".xlsx":
        write_xlsx_table(frame, path, sheet_name="Problems")
    elif path.suffix.lower() == ".csv":
        write_csv_table(frame, path)
    else:
        raise ValueError(f"Cannot write a problem report as {path.suffix!r}; use .xlsx or .csv.")
    return path
