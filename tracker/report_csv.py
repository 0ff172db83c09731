"""The compliance report as CSV: the outstanding list (to chase people) or the summary.

Text a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return) gets a leading single quote, as OWASP's CSV injection guidance says, so
Excel and LibreOffice show it as text. Files are UTF-8 with a byte-order mark, which Excel
needs to read accents correctly.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pandas as pd

from tracker.report import FORMULA_PATTERN, ReportData

TABLES = ("outstanding", "summary")

OUTSTANDING_HEADERS = {
    "requirement": "Requirement", "force": "Force", "department": "Department",
    "unit": "Unit", "line_manager": "Line manager", "rank": "Rank",
    "staff_number": "Staff number", "name": "Name", "modules_missing": "Modules missing",
}
SUMMARY_HEADERS = {
    "requirement": "Requirement", "deadline": "Deadline", "in_scope": "In scope",
    "exempt": "Exempt", "completed_on_time": "Completed on time",
    "completed_late": "Completed late", "not_yet_due": "Not yet due",
    "outstanding": "Outstanding", "coverage_pct": "Coverage %",
    "coverage_on_deadline_pct": "Coverage on the deadline %", "status": "Status",
    "forecast_date": "Forecast date", "weekly_needed": "Completions needed per week",
}


def inert_series(series: pd.Series) -> pd.Series:
    """``tracker.safe_text.inert`` over a whole column: formula-like text gets a leading
    single quote."""
    text = series.astype(object).where(series.notna(), "").astype(str)
    return text.mask(text.str.match(FORMULA_PATTERN), "'" + text)


def csv_frame(data: ReportData, table: str = "outstanding") -> pd.DataFrame:
    """The table a CSV export holds, with the headers a person reads."""
    if table == "outstanding":
        frame = data.outstanding.copy()
        headers = dict(OUTSTANDING_HEADERS)
        if data.pseudonymised:
            frame = frame.drop(columns=["staff_number"])
            headers["name"] = "Pseudonym"
    elif table == "summary":
        frame = data.summary.copy()
        frame["coverage_pct"] = (frame["coverage"] * 100).round(1)
        frame["coverage_on_deadline_pct"] = (
            pd.to_numeric(frame["coverage_on_deadline"]) * 100).round(1)
        headers = SUMMARY_HEADERS
    else:
        raise ValueError(f"Unknown CSV table {table!r}; choose one of {', '.join(TABLES)}.")
    frame = frame[[c for c in headers if c in frame.columns]]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = inert_series(frame[column])
    return frame.rename(columns=headers)


def write_csv(data: ReportData, path_or_buffer: Any, *, table: str = "outstanding") -> None:
    """Write one table of the report as CSV to a path, a text or a binary file object."""
    text = csv_frame(data, table).to_csv(index=False, lineterminator="\r\n",
                                         date_format="%Y-%m-%d")
    if isinstance(path_or_buffer, str | os.PathLike):
        with open(path_or_buffer, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(text)
    elif isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write(text)
    else:
        path_or_buffer.write(("\ufeff" + text).encode("utf-8"))
