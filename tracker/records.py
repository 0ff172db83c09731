"""The contract between importers (``imports/``) and the database (``tracker.ingest``).

An importer turns one file into a ``ParsedFile``: normalised records in a pandas DataFrame
with exactly the columns below (missing values as None / NaT), plus the ``Report`` of every
row-level problem. Importers write nothing; ``tracker.ingest`` decides and writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from tracker.problems import Report


class Kind(StrEnum):
    HR_ROSTER = "hr-roster"
    LMS_LONG = "lms-long"
    MOODLE_COURSE = "moodle-course-completion"
    MOODLE_ACTIVITY = "moodle-activity-completion"
    TOTARA_UPLOAD = "totara-upload"
    TOTARA_REPORT = "totara-report"
    HYDRA = "hydra-delegates"

    @property
    def is_roster(self) -> bool:
        return self is Kind.HR_ROSTER


# One row per person on the roster. `row` is the spreadsheet row number (header = its row).
ROSTER_COLUMNS = [
    "row",             # int
    "staff_number",    # str, leading zeros kept; required
    "collar_number",   # str | None
    "surname",         # str | None
    "forenames",       # str | None
    "full_name",       # str ("Forenames Surname" when the file splits them)
    "email",           # str | None, lower case
    "workforce_type",  # str | None: police_officer | special_constable | pcso | police_staff
    "rank_raw",        # str | None, as written
    "rank",            # str | None, canonical code (None when unmapped: reported)
    "detective",       # bool
    "unit",            # str | None, the raw department / command / unit
    "department",      # str | None, function code (None when unmapped: reported)
    "role",            # str | None
    "line_manager",    # str | None, the line manager's staff number
    "start_date",      # datetime.date | None
    "leaving_date",    # datetime.date | None
    "status",          # str: active | leaver | long-term-absence | career-break | secondment
]

# One row per completion (a learner completed a module on a date).
COMPLETION_COLUMNS = [
    "row",             # int
    "staff_number",    # str | None
    "collar_number",   # str | None
    "email",           # str | None, lower case
    "username",        # str | None (LMS login)
    "full_name",       # str | None
    "force_code",      # str | None (home force, e.g. of a Hydra delegate); None = the file's force
    "rank_raw",        # str | None (Hydra lists carry it; used for matching and display)
    "unit",            # str | None
    "module_code",     # str, canonical module code
    "raw_title",       # str, the course / activity title as written
    "completed_on",    # datetime.date
    "raw_status",      # str | None
    "score",           # float | None
]


@dataclass
class ParsedFile:
    """What an importer read from one file."""

    file_name: str
    sha256: str
    kind: Kind
    records: pd.DataFrame
    report: Report
    rows_read: int
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> header found
    as_of: dt.date | None = None  # e.g. a roster's date, when the file says it
    detail: dict[str, Any] = field(default_factory=dict)
