"""The contract between importers (``imports/``) and the database (``tracker.ingest.batch``).

An importer turns one file into a ``ParsedFile``: normalised records in a pandas DataFrame
with exactly the columns below (missing values as None / NaT), plus the ``Report`` of every
row-level problem. Importers write nothing; ``tracker.ingest.batch`` decides and writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tracker.messages.problems import Report

if TYPE_CHECKING:  # the records are a DataFrame; the Kind enum alone needs no pandas
    import pandas as pd


class Kind(StrEnum):
    HR_ROSTER = "hr-roster"
    LMS_LONG = "lms-long"
    MOODLE_COURSE = "moodle-course-completion"
    MOODLE_ACTIVITY = "moodle-activity-completion"
    TOTARA_UPLOAD = "totara-upload"
    TOTARA_REPORT = "totara-report"
    HYDRA = "hydra-delegates"
    REFERRAL_LOG = "nccu-referrals"
    INTELLIGENCE_LOG = "intelligence-submissions"

    @property
    def is_roster(self) -> bool:
        return self is Kind.HR_ROSTER

    @property
    def is_log(self) -> bool:
        """A log of events with references (NCCU referrals, intelligence submissions), not
        people or completions."""
        return self in (Kind.REFERRAL_LOG, Kind.INTELLIGENCE_LOG)

    @property
    def label(self) -> str:
        """How a person names it ("HR roster")."""
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.HR_ROSTER: "HR roster",
    Kind.LMS_LONG: "LMS export (a row per learner and course)",
    Kind.MOODLE_COURSE: "Moodle course completion report",
    Kind.MOODLE_ACTIVITY: "Moodle activity completion report",
    Kind.TOTARA_UPLOAD: "Totara completion upload",
    Kind.TOTARA_REPORT: "Totara course completion report",
    Kind.HYDRA: "Hydra delegate list",
    Kind.REFERRAL_LOG: "NCCU referral log",
    Kind.INTELLIGENCE_LOG: "intelligence submission log",
}


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

# One row per NCCU referral (recommendation 2). `reference`: the force's incident or custody
# reference, unique in the force; `officer`: the reporting officer's staff or collar number.
REFERRAL_COLUMNS = [
    "row",             # int
    "reference",       # str; required
    "nccu_reference",  # str | None
    "referred_on",     # datetime.date; required
    "referred_at",     # datetime.time | None: the time of day, when the log gives one
    "officer",         # str | None
    "location",        # str | None, location or department as written
]

# One row per intelligence document submitted. `linked_reference`: the incident or NCCU
# reference it links to, where recorded.
SUBMISSION_COLUMNS = [
    "row",               # int
    "reference",         # str, the submission's own reference; required
    "submitted_on",      # datetime.date; required
    "submitted_at",      # datetime.time | None: the time of day, when the log gives one
    "officer",           # str | None, the author's staff or collar number
    "linked_reference",  # str | None
]
LOG_COLUMNS = {Kind.REFERRAL_LOG: REFERRAL_COLUMNS, Kind.INTELLIGENCE_LOG: SUBMISSION_COLUMNS}


@dataclass(frozen=True)
class Decision:
    """What one column of a file feeds, and why: ``source`` is "header", "values", "header
    and values", "roster", "saved mapping" or "your mapping"; ``field`` None: not used."""

    column: str  # the header as written
    field: str | None
    source: str
    evidence: str

    def describe(self) -> str:
        """'Department <- "Area": 97% of values are known units'."""
        if self.field is None:
            return f'"{self.column}" not used: {self.evidence}'
        return f'{FIELD_LABELS.get(self.field, self.field)} <- "{self.column}": {self.evidence}'


# How people read each field a column can feed (messages, the mapping table on Upload).
FIELD_LABELS = {
    "staff_number": "Staff number", "collar_number": "Collar number", "email": "Email",
    "username": "Username", "full_name": "Name", "surname": "Surname",
    "forenames": "Forenames", "rank": "Rank", "workforce_type": "Workforce type",
    "unit": "Department", "role": "Role", "line_manager": "Line manager",
    "start_date": "Start date", "leaving_date": "Leaving date", "status": "Status",
    "title": "Course title", "date": "Completion date", "score": "Score", "force": "Home force",
    "course_id": "Course ID number", "venue": "Venue", "syndicate": "Syndicate",
    "reference": "Reference", "nccu_reference": "NCCU reference",
    "officer": "Officer (staff or collar number)", "linked_reference": "Linked reference",
    "location": "Location", "referred_on": "Referral date", "submitted_on": "Submission date",
    "referred_at": "Referral time", "submitted_at": "Submission time",
}


@dataclass(frozen=True)
class RosterKeys:
    """The identifiers on a force's roster, to recognise a file's identifier columns by
    their values (a "Username" column that holds staff numbers). Values are trimmed; e-mails
    and their local parts lower case."""

    staff_number: frozenset[str] = frozenset()
    collar_number: frozenset[str] = frozenset()
    email: frozenset[str] = frozenset()
    email_local: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.staff_number)


@dataclass(frozen=True)
class Layout:
    """A column mapping saved for a layout of file (its header signature): header as
    written -> field ("ignore": feeds nothing), and the kind it was imported as."""

    signature: str
    kind: Kind
    columns: dict[str, str]


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
    headers: list[str] = field(default_factory=list)  # the header row as read
    signature: str = ""  # the layout's signature (``imports.layout_signature``)
    decisions: list[Decision] = field(default_factory=list)  # one per non-empty header
    layout_used: bool = False  # a saved mapping of this layout was applied
    # A delegate list's rows marked as not attended (COMPLETION_COLUMNS, ``completed_on``
    # the course date): stored as absences, never as completions. None: not that kind.
    absences: pd.DataFrame | None = None
