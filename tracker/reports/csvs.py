"""The compliance report as CSV: the outstanding list (to chase people) or the summary.

Written by ``tracker.reports.safe_text``, the one formula-safe writer: text a spreadsheet would run
as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
single quote, as OWASP's CSV injection guidance says; values holding CR or LF are quoted.
Files are UTF-8 with a byte-order mark, which Excel needs to read accents correctly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tracker.reference.labels import heading
from tracker.reports.data import ReportData
from tracker.reports.safe_text import inert_series, write_csv_table

__all__ = ["TABLES", "csv_frame", "inert_series", "write_csv"]

TABLES = ("outstanding", "summary")

# Each table's columns, in order, and the column of the shared heading table
# (``tracker.reference.labels``) each one shows: the report's "department" is the
# department's label.
OUTSTANDING_SHOWS = {
    "requirement": "requirement", "force": "force_name", "department": "department_label",
    "unit": "unit", "line_manager": "line_manager_name", "rank": "rank_label",
    "staff_number": "staff_number", "name": "full_name", "modules_missing": "modules_missing",
}
SUMMARY_COLUMNS = [
    "requirement", "deadline", "in_scope", "exempt", "completed_on_time", "completed_late",
    "not_yet_due", "outstanding", "coverage_pct", "coverage_on_deadline_pct", "status",
    "forecast_date", "weekly_needed",
]
OUTSTANDING_HEADERS = {column: heading(shows) for column, shows in OUTSTANDING_SHOWS.items()}
SUMMARY_HEADERS = {column: heading(column) for column in SUMMARY_COLUMNS}


def csv_frame(data: ReportData, table: str = "outstanding") -> pd.DataFrame:
    """The table a CSV export holds, with the headers a person reads."""
    if table == "outstanding":
        frame = data.outstanding.copy()
        headers = dict(OUTSTANDING_HEADERS)
        if data.pseudonymised:
            frame = frame.drop(columns=["staff_number"])
            headers["name"] = heading("pseudonym")
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
    through the one formula-safe writer (``tracker.reports.safe_text.write_csv_table``)."""
    write_csv_table(csv_frame(data, table), path_or_buffer)
