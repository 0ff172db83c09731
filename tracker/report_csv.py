"""The compliance report as CSV: the outstanding list (to chase people) or the summary.

Written by ``tracker.safe_text``, the one formula-safe writer: text a spreadsheet would run
as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
single quote, as OWASP's CSV injection guidance says; values holding CR or LF are quoted.
Files are UTF-8 with a byte-order mark, which Excel needs to read accents correctly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tracker.report import ReportData
from tracker.safe_text import inert_series, write_csv_table

__all__ = ["TABLES", "csv_frame", "inert_series", "write_csv"]

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
    return frame.rename(columns=headers)


def write_csv(data: ReportData, path_or_buffer: Any, *, table: str = "outstanding") -> None:
    """Write one table of the report as CSV to a path, a text or a binary file object,
    through the one formula-safe writer (``tracker.safe_text.write_csv_table``)."""
    write_csv_table(csv_frame(data, table), path_or_buffer)
