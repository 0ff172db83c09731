"""Column headings and status words a person reads: the one table for every face that
shows a table or writes one (the dashboard's tables and CSV downloads, the report's CSVs and
workbook, the command line's tables), so the same column has the same heading everywhere.
A column not in the table reads as its name in words ("modules_missing" -> "Modules
missing").

Two faces lay a column out otherwise, and say so here, not in their own code: the
terminal's tables are narrow (``TERMINAL_HEADINGS``; they show a rank's, department's or
force's name under its code's column), and the workbook's sheets format their numbers and
say more about a status (``WORKBOOK_HEADINGS``; the words of a column the table has not,
such as "status_on_pace", head a column that shows it).
"""

from __future__ import annotations

from typing import Literal

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
    # NCCU referrals and their intelligence documents (recommendation 2)
    "reference": "Reference", "nccu_reference": "NCCU reference",
    "referred_on": "Referred on", "referred_at": "Time referred", "due_on": "Document due by",
    "officer": "Officer number", "submitted_at": "Time submitted",
    "document": "Intelligence document", "submitted_on": "Submitted on",
    "matched_by": "Matched by", "month": "Month", "referrals": "Referrals",
    "submitted": "Submitted in time", "late": "Late", "missing": "Missing",
    "pending": "Pending", "counted": "Counted", "value_pct": "Within window %",
    "location": "Location", "oldest": "Oldest referral",
    # recommendations
    "recommendation": "Recommendation", "wording": "What HMICFRS asked",
    "figure": "Figure as of the date", "on_deadline": "On the deadline",
    "rule": "Status rule", "status_reason": "Why this status",
    "figure_pct": "Figure %", "on_deadline_pct": "On the deadline %",
    "on_deadline_done": "Done by the deadline", "done": "Done", "total": "Of",
    # Hydra sessions: a delegate list (the layout the Hydra import reads)
    "course": "Course", "course_date": "Course date", "home_force": "Home force",
    "attendance": "Attendance", "delegates": "Delegates",
    # Hydra sessions and their plan
    "seats_planned": "Seats planned", "closes_gap": "Closes the gap",
    "sessions_needed": "More sessions needed", "joining": "Joining by the target",
    "need": "To train by the target", "usual_size": "Usual session size",
    "closes_on": "Gap closes on", "target": "Target date", "held_on": "Date",
    "venue": "Venue", "capacity": "Seats", "trainer": "Trainer", "notes": "Notes",
    "invited": "Invited", "seats_to_date": "Seats to date", "need_by_then": "To train by then",
    # files and records
    "sha256": "SHA-256", "id": "Id", "person_id": "Person id",
}


TERMINAL_HEADINGS: dict[str, str] = {
    "rank": "Rank", "department": "Department", "force": "Force",
    "workforce_type": "Workforce", "line_manager": "Manager no.", "staff_number": "Staff no.",
    "collar_number": "Collar", "completed_late": "of which late", "coverage_pct": "Coverage",
}
WORKBOOK_HEADINGS: dict[str, str] = {
    "imported_at": "Imported at (UTC)",
    "coverage_on_deadline": "Coverage on the deadline",
    "status_on_deadline": "Status against deadline",
    "status_on_pace": "Status against a steady pace", "rank_or_grade": "Rank or grade",
    "forecast_date": "Forecast date (all done)", "needed": "Needed trajectory",
    "starts_on": "From", "ends_on": "Until", "section": "What", "item": "Value or file",
    "next_step": "What to do", "recommendation": "No.",
}
Face = Literal["table", "terminal", "workbook"]
_OWN: dict[Face, dict[str, str]] = {"table": {}, "terminal": TERMINAL_HEADINGS,
                                    "workbook": WORKBOOK_HEADINGS}

# A person's status for a requirement: the words of its count column.
STATUS_WORDS: dict[str, str] = {
    status: COLUMN_HEADINGS[status]
    for status in ("completed", "exempt", "not_yet_due", "outstanding")}
# A group's status against where it should be by now (the report's rag).
RAG_WORDS: dict[str, str] = {"green": "On track", "amber": "At risk", "red": "Off track"}


def heading(column: object, face: Face = "table") -> str:
    """The heading of ``column`` on ``face``: its own, else the table's, else its name in
    words."""
    name = str(column)
    return (_OWN[face].get(name) or COLUMN_HEADINGS.get(name)
            or name.replace("_", " ").strip().capitalize())


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the headings a person reads in place of its column names."""
    return frame.rename(columns={c: heading(c) for c in frame.columns})
