"""Which kind of export a table is, from its header (and its title and sheet name)."""

from __future__ import annotations

from imports.columns import CSTATUS, DATE, FIELDS, LEARNER, RANK, TITLE, UNIT, Field
from tracker.records import Kind
from tracker.text import fold, squash

TOTARA_UPLOAD_KEYS = {"username", "courseshortname", "courseidnumber", "completiondate", "grade"}
TOTARA_REPORT_KEYS = {"usersfullname", "userfullname", "coursename", "completionstatus",
                      "usersorganisationname", "userspositionname", "organisation", "position",
                      "datecompleted", "completiondate"}
HYDRA_KEYS = {"syndicate", "syndicatenumber", "homeforce", "delegate", "delegatename", "venue",
              "attended", "attendance", "attendedyn", "coursedate", "exercisedate"}
ROSTER_KEYS = {"rank", "grade", "rankgrade", "workforcetype", "employeetype", "department",
               "command", "unit", "linemanager", "startdate", "leavingdate", "jobtitle",
               "employmentstatus", "surname", "forenames", "collarnumber", "staffnumber"}


def _has(keys: list[str], field: Field) -> bool:
    return any(k in field.keys for k in keys)


def detect_kind(headers: list[str], context: str = "") -> Kind | None:
    """The kind of a table from its headers; ``context`` is the sheet name and title lines.
    None when nothing fits."""
    keys = [squash(h) for h in headers]
    present = set(keys) - {""}
    if len(present & TOTARA_UPLOAD_KEYS) >= 3 and present & {"courseshortname", "courseidnumber"}:
        return Kind.TOTARA_UPLOAD
    if any(k.endswith("completiondate") and k != "completiondate" for k in keys) or (
            "coursecomplete" in present):
        return Kind.MOODLE_COURSE
    if _looks_like_moodle_activity(headers, keys):
        return Kind.MOODLE_ACTIVITY
    scores = {
        Kind.HYDRA: len(present & HYDRA_KEYS) * 2 + ("hydra" in fold(context)) * 2,
        Kind.TOTARA_REPORT: len(present & TOTARA_REPORT_KEYS) + (
            "usersfullname" in present or "userfullname" in present) * 2,
        Kind.LMS_LONG: 3 * _has(keys, TITLE) + _has(keys, DATE) + _has(keys, CSTATUS),
        Kind.HR_ROSTER: (len(present & ROSTER_KEYS) + _has(keys, RANK) + _has(keys, UNIT)
                         - 5 * _has(keys, TITLE) - 2 * _has(keys, DATE)),
    }
    if scores[Kind.TOTARA_REPORT] >= 4 and _has(keys, TITLE):
        return Kind.TOTARA_REPORT
    kind, score = max(scores.items(), key=lambda item: item[1])
    if score < 2 or not any(_has(keys, f) for f in LEARNER):
        return None
    return kind


def _looks_like_moodle_activity(headers: list[str], keys: list[str]) -> bool:
    """An empty first header cell (the name), identity fields, then activity name + blank."""
    if not headers or headers[0] or len(headers) < 3:
        return False
    if _has(keys, TITLE):
        return False
    known = {k for f in FIELDS[Kind.MOODLE_ACTIVITY] for k in f.keys}
    pairs = [i for i in range(1, len(headers) - 1)
             if headers[i] and keys[i] not in known and not headers[i + 1]]
    return bool(pairs)
