"""Column aliases per kind of file, matched case, space and punctuation blind.

Each kind lists its canonical fields with the header texts real exports use for them, most
specific first. A header is used for one field only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from tracker.records import Kind
from tracker.text import squash


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # how a message names it: 'no "Staff number" column'
    aliases: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(squash(a) for a in (self.label, *self.aliases))


def _f(name: str, label: str, *aliases: str) -> Field:
    return Field(name, label, aliases)


STAFF = _f("staff_number", "Staff number", "Staff No", "Staff ID", "Employee Number",
           "Employee No", "Employee ID", "Emp No", "Payroll Number", "Payroll No",
           "Person Number", "Personnel Number", "Pay Number", "Pay No", "Force Number",
           "Staff Ref", "HR Number", "ID number", "User ID number", "Useridnumber")
COLLAR = _f("collar_number", "Collar number", "Collar No", "Collar", "Warrant Number",
            "Warrant No", "Shoulder Number", "Badge Number", "Epaulette Number", "Collar/Warrant")
EMAIL = _f("email", "Email", "Email address", "E-mail", "Work Email", "User Email",
           "Email Address (Work)", "Users Email")
USERNAME = _f("username", "Username", "User name", "Login", "Login ID", "User login")
FULL_NAME = _f("full_name", "Name", "Full name", "Learner name", "Learner", "User full name",
               "User's Fullname", "Users Fullname", "User", "Delegate name", "Delegate",
               "Employee name", "Display name", "Officer name", "Attendee", "Attendee name",
               "Participant", "Student", "Person")
SURNAME = _f("surname", "Surname", "Last name", "Family name", "Lastname", "Last names")
FORENAMES = _f("forenames", "Forenames", "Forename", "First name", "First names",
               "Given name", "Given names", "Firstname", "Known as")
RANK = _f("rank", "Rank", "Rank/Grade", "Rank or grade", "Grade", "Job grade", "Rank / Grade")
WORKFORCE = _f("workforce_type", "Workforce type", "Employee type", "Staff type", "Worker type",
               "Employee category", "Staff category", "Workforce", "Officer/Staff")
UNIT = _f("unit", "Department", "Dept", "Command", "Unit", "Team", "Org unit",
          "Organisation unit", "Section", "Business unit", "Division", "Department/Unit",
          "Command/Unit", "Organisation", "User's Organisation Name",
          "Organisation name", "Users Organisation Name")
ROLE = _f("role", "Role", "Job title", "Position", "Post title", "Post", "Job role",
          "User's Position Name", "Position name", "Users Position Name")
LINE_MANAGER = _f("line_manager", "Line manager", "Line manager staff number",
                  "Line manager staff no", "Manager staff number", "Manager ID",
                  "Line manager ID", "Reports to", "Supervisor staff number")
START = _f("start_date", "Start date", "Date joined", "Joining date", "Hire date",
           "Service start date", "Date started", "Appointment date")
LEAVING = _f("leaving_date", "Leaving date", "Leave date", "End date", "Termination date",
             "Date left", "Leaver date")
EMPLOYMENT = _f("status", "Status", "Employment status", "Employee status", "Assignment status")
TITLE = _f("title", "Course title", "Course", "Course name", "Learning title", "Title",
           "Module", "Module title", "Item title", "Learning item", "Content title",
           "Activity", "Activity name", "Learning activity", "Training course", "Course full name")
CSTATUS = _f("status", "Status", "Completion status", "Course status", "Completion",
             "Result", "Outcome", "Learning status", "Record status", "Attended",
             "Attendance", "Attended?", "Attended (Y/N)")
DATE = _f("date", "Completion date", "Date completed", "Completed", "Completed on",
          "Date of completion", "Completion time", "Time completed", "Timecompleted",
          "Course completion date", "Date", "Course date", "Event date", "Session date",
          "Exercise date", "Date attended", "Attendance date", "Completiondate")
SCORE = _f("score", "Score", "Grade", "Result score", "Mark", "Percentage", "Score (%)")
FORCE = _f("force", "Home force", "Force", "Force name", "Home force name", "Constabulary")
SHORTNAME = _f("title", "courseshortname", "Course short name", "Short name")
IDNUMBER = _f("course_id", "courseidnumber", "Course ID number", "Course idnumber")
VENUE = _f("venue", "Venue", "Location", "Site")
SYNDICATE = _f("syndicate", "Syndicate", "Syndicate number", "Syndicate no", "Group")

LEARNER = (STAFF, COLLAR, EMAIL, USERNAME, FULL_NAME, SURNAME, FORENAMES)

FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.HR_ROSTER: (STAFF, COLLAR, SURNAME, FORENAMES, FULL_NAME, EMAIL, RANK, WORKFORCE,
                     UNIT, ROLE, LINE_MANAGER, START, LEAVING, EMPLOYMENT),
    Kind.LMS_LONG: (*LEARNER, TITLE, CSTATUS, DATE, SCORE, UNIT, RANK, FORCE),
    Kind.TOTARA_REPORT: (*LEARNER, TITLE, CSTATUS, DATE, UNIT, ROLE),
    Kind.TOTARA_UPLOAD: (USERNAME, STAFF, EMAIL, SHORTNAME, IDNUMBER, DATE, SCORE),
    Kind.HYDRA: (*LEARNER, RANK, FORCE, UNIT, CSTATUS, DATE, TITLE, VENUE, SYNDICATE),
    Kind.MOODLE_COURSE: (STAFF, EMAIL, USERNAME, FULL_NAME, SURNAME, FORENAMES),
    Kind.MOODLE_ACTIVITY: (STAFF, EMAIL, USERNAME, FULL_NAME, SURNAME, FORENAMES),
}

# Each entry: one of these fields must have a column.
REQUIRED: dict[Kind, tuple[tuple[Field, ...], ...]] = {
    Kind.HR_ROSTER: ((STAFF,),),
    Kind.LMS_LONG: ((TITLE,), (DATE,), LEARNER),
    Kind.TOTARA_REPORT: ((TITLE,), (DATE,), LEARNER),
    Kind.TOTARA_UPLOAD: ((SHORTNAME, IDNUMBER), (DATE,), (USERNAME, STAFF, EMAIL)),
    Kind.HYDRA: (LEARNER,),
    Kind.MOODLE_COURSE: (LEARNER,),
    Kind.MOODLE_ACTIVITY: (),
}

KNOWN_KEYS: frozenset[str] = frozenset(
    key for fields in FIELDS.values() for field in fields for key in field.keys)


def match_columns(headers: list[str], kind: Kind) -> dict[str, int]:
    """{field name: column index} for the fields of ``kind`` found in ``headers``."""
    keys = [squash(h) if h else "" for h in headers]
    used: set[int] = set()
    found: dict[str, int] = {}
    for field in FIELDS[kind]:
        if field.name in found:
            continue
        for key in field.keys:
            index = next((i for i, k in enumerate(keys) if k == key and i not in used), None)
            if index is not None:
                found[field.name] = index
                used.add(index)
                break
    return found


def missing_required(found: dict[str, int], kind: Kind) -> tuple[Field, ...] | None:
    """The first required group with no column, or None when all are there."""
    for group in REQUIRED[kind]:
        if not any(field.name in found for field in group):
            return group
    return None


def closest_header(field: Field, headers: list[str]) -> str | None:
    """The header most like one of the field's aliases, if any is close."""
    best: tuple[float, str] | None = None
    for header in headers:
        if not header:
            continue
        key = squash(header)
        for alias in field.keys:
            ratio = difflib.SequenceMatcher(None, key, alias).ratio()
            if ratio >= 0.7 and (best is None or ratio > best[0]):
                best = (ratio, header)
    return best[1] if best else None
