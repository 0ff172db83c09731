"""Column headings a person reads: one table for every face that shows a table or writes
one (the dashboard's tables and CSV downloads, the report's CSVs), so the same column has
the same heading everywhere. A column not in the table reads as its name in words
("modules_missing" -> "Modules missing")."""

from __future__ import annotations

import pandas as pd

COLUMN_HEADINGS: dict[str, str] = {
    # people
    "full_name": "Name", "pseudonym": "Pseudonym", "staff_number": "Staff number",
    "collar_number": "Collar number", "email": "Email",
    "rank": "Rank code", "rank_label": "Rank",
    "department": "Department code", "department_label": "Department", "unit": "Unit",
    "line_manager": "Line manager's staff number", "line_manager_name": "Line manager",
    "force": "Force code", "force_name": "Force",
    "modules_missing": "Modules missing", "days_overdue": "Days overdue",
    # counts and coverage
    "requirement": "Requirement", "deadline": "Deadline", "in_scope": "In scope",
    "exempt": "Exempt", "completed": "Completed", "completed_on_time": "Completed on time",
    "completed_late": "Completed late", "not_yet_due": "Not yet due",
    "outstanding": "Outstanding", "coverage_pct": "Coverage %",
    "coverage_on_deadline_pct": "Coverage on the deadline %", "status": "Status",
    "forecast_date": "Forecast date", "weekly_needed": "Completions needed per week",
    "small_group": "Fewer than 10 people",
    # files and records
    "sha256": "SHA-256", "id": "Id", "person_id": "Person id",
}


def heading(column: object) -> str:
    """The heading of ``column``: from the table, else its name in words."""
    name = str(column)
    return COLUMN_HEADINGS.get(name) or name.replace("_", " ").strip().capitalize()


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the headings a person reads in place of its column names."""
    return frame.rename(columns={c: heading(c) for c in frame.columns})
