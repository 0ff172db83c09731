"""What each face tells the user to do: a title, and a hint per face, for every problem code
and every refused request.

Core messages (a problem stored with a batch, a refusal's text) say what happened and name
no command and no page. The face that shows one adds its own hint: the command line names a
command, the dashboard a page and its button. Hints are templates that take values by name
({value}, {batch}, {email}, {kinds}, {fields}); a value not given shows as its name in
capitals, so the sentence still reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from tracker.messages.problems import Check, Code

if TYPE_CHECKING:
    import pandas as pd

Face = Literal["cli", "dashboard"]
FACES: tuple[Face, ...] = ("cli", "dashboard")


class Refusal(StrEnum):
    """A request the core refuses that a face can help with (not a problem in a file)."""

    LOGIN_FAILED = "login-failed"
    NO_USER_FOR_EMAIL = "no-user-for-email"
    NO_USER = "no-user"
    USER_EXISTS = "user-exists"
    MANAGER_WITHOUT_DEPARTMENT = "manager-without-department"
    NO_BATCH = "no-batch"
    NO_UNMATCHED_RECORD = "no-unmatched-record"
    NO_PERSON_TO_MATCH = "no-person-to-match"
    NO_PERSON = "no-person"
    SEVERAL_PEOPLE = "several-people"
    NO_MILESTONE = "no-milestone"
    MILESTONE_EXISTS = "milestone-exists"
    DONE_WITHOUT_DATE = "done-without-date"
    NO_EVIDENCE = "no-evidence"
    WHICH_DOCUMENT = "which-document"
    NO_SESSION = "no-session"
    SESSION_FULL = "session-full"
    SEATS_BELOW_INVITED = "seats-below-invited"
    RESTORE_OTHER_DATABASE = "restore-other-database"
    RESTORE_NOT_EMPTY = "restore-not-empty"
    RESTORE_OTHER_SCHEMA = "restore-other-schema"
    NO_VISITING_FORCE = "no-visiting-force"
    NO_VISITORS = "no-visitors"
    VISITORS_FILE_TYPE = "visitors-file-type"


@dataclass(frozen=True)
class Hint:
    """``title``: a few words naming the problem; ``cli`` and ``dashboard``: what to do, in
    each face's words. ``added``: a face adds the hint wherever it shows the message (the
    message alone does not say what to do there); False where the message already says it
    in words true for every face (fix the file, export it again), and the hint serves
    tables and lists of codes."""

    title: str
    cli: str
    dashboard: str
    added: bool = True


HintCode = Code | Refusal | Check
_AGAIN_CLI = "then import the file again (tracker import FILE)."
_AGAIN_WEB = "then upload it again on the Upload page."
_FIX_CLI = f"Correct it in the source system or the file, {_AGAIN_CLI}"
_FIX_WEB = f"Correct it in the source system or the file, {_AGAIN_WEB}"

HINTS: dict[HintCode, Hint] = {
    # ---------------------------------------------------------------- whole files
    Code.UNREADABLE_FILE: Hint(
        "File cannot be read",
        "Open it in Excel and save it as .xlsx or .csv, then import that file.",
        "Open it in Excel and save it as .xlsx or .csv, then upload that file.", added=False),
    Code.UNSUPPORTED_FORMAT: Hint(
        "File type not supported",
        "Save it as .xlsx or .csv, then import that file.",
        "Save it as .xlsx or .csv, then upload that file.", added=False),
    Code.FILE_TOO_LARGE: Hint(
        "File too large",
        "Split it into smaller files (for example by date range), or raise "
        "TRACKER_MAX_UPLOAD_MB.",
        "Split it into smaller files (for example by date range) and upload each, or ask "
        "an administrator to raise the upload limit."),
    Code.UNSAFE_FILE: Hint(
        "File could not be read safely",
        "If the file is genuine, save the data as .csv and import that; "
        "TRACKER_PARSE_MEMORY_MB and TRACKER_PARSE_SECONDS set the reader's limits.",
        "If the file is genuine, save the data as .csv and upload that, or ask an "
        "administrator about the reader's limits.", added=False),
    Code.UNKNOWN_KIND: Hint(
        "Kind of file not recognised",
        "Pass --kind (one of: {kinds}).",
        'Choose what it is under "Kind of file" above.'),
    Code.MISSING_COLUMN: Hint(
        "Required column missing",
        'Say which column holds it with --column "HEADER=FIELD" (FIELD one of: {fields}), '
        "or pass --kind if this is another kind of file.",
        "Choose the column that holds it in the table of columns below."),
    Code.NO_DATA: Hint(
        "No data rows",
        "Check it is the right file and export it again.",
        "Check it is the right file, export it again and upload that.", added=False),
    Code.AMBIGUOUS_DATES: Hint(
        "Dates could be day-first or month-first",
        "If they were read the wrong way, import the file again with --date-order "
        "month-first (or day-first).",
        "If they were read the wrong way, upload the file again on the Upload page and "
        'choose the order under "Dates such as 03/04/2026 in this file are".'),
    Code.PRIOR_LEARNING: Hint(
        "Completed by recognition of prior learning",
        "Check that your force counts prior learning as complete; nothing to do if it does.",
        "Check that your force counts prior learning as complete; nothing to do if it does.",
        added=False),
    Code.ALREADY_IMPORTED: Hint(
        "File already imported",
        "To import it again, undo that batch first (`tracker imports undo {batch}`), or use "
        "--reimport (rows already stored stay as they are).",
        "To replace it, undo batch #{batch} on the Imports page (Undo batch), then upload the "
        "file again; or tick \"Import it again\" under the file on the Upload page (rows "
        "already stored stay as they are)."),
    # ---------------------------------------------------------------- rows
    Code.MISSING_IDENTIFIER: Hint(
        "Learner cannot be identified",
        f"Add a name, email or staff number to the row, {_AGAIN_CLI}",
        f"Add a name, email or staff number to the row, {_AGAIN_WEB}", added=False),
    Code.MISSING_VALUE: Hint("Value missing", _FIX_CLI, _FIX_WEB, added=False),
    Code.BAD_DATE: Hint("Date cannot be read", _FIX_CLI, _FIX_WEB, added=False),
    Code.FUTURE_DATE: Hint("Date in the future", _FIX_CLI, _FIX_WEB, added=False),
    Code.BEFORE_MODULE_EXISTED: Hint("Date before the module existed", _FIX_CLI, _FIX_WEB,
                                     added=False),
    Code.DUPLICATE_ROW: Hint(
        "Row repeated",
        "Nothing to do: the row was counted once.",
        "Nothing to do: the row was counted once.", added=False),
    Code.CONFLICTING_ROW: Hint(
        "Rows disagree",
        f"Keep one row per person in the file, {_AGAIN_CLI}",
        f"Keep one row per person in the file, {_AGAIN_WEB}", added=False),
    Code.UNKNOWN_MODULE: Hint(
        "Course title not known",
        'Map it once with: tracker map module "{value}" MODULE-CODE, then import the file '
        "again.",
        "Map it once on the Data quality page (Unknown values, Save mapping), then upload the "
        "file again on the Upload page."),
    Code.UNKNOWN_RANK: Hint(
        "Rank not known",
        'Map it with: tracker map rank "{value}" RANK-CODE.',
        "Map it on the Data quality page (Unknown values, Save mapping)."),
    Code.UNKNOWN_DEPARTMENT: Hint(
        "Department not known",
        'Map it with: tracker map department "{value}" DEPARTMENT-CODE.',
        "Map it on the Data quality page (Unknown values, Save mapping)."),
    Code.UNKNOWN_FORCE: Hint(
        "Force not known",
        'Map it with: tracker map force "{value}" FORCE-CODE.',
        "Check the force name in the file; if it is a spelling of a known force, ask an "
        "administrator to map it, then upload the file again."),
    Code.UNKNOWN_STATUS: Hint("Completion status not known", _FIX_CLI, _FIX_WEB, added=False),
    Code.NOT_COMPLETED: Hint(
        "Not completed",
        "Nothing to do: only completions count.",
        "Nothing to do: only completions count.", added=False),
    Code.UNMATCHED_LEARNER: Hint(
        "Learner matches nobody on the roster",
        "See the queue with: tracker match list.",
        "Confirm who they are on the Data quality page (Unmatched learners, Confirm match), "
        "or mark them Not one of ours."),
    Code.DATE_DISAGREEMENT: Hint(
        "Dates disagree between files",
        "Check the date in the HR system; the later file's date was kept.",
        "Check the date in the HR system; the later file's date was kept.", added=False),
    Code.BAD_VALUE: Hint("Value not understood", _FIX_CLI, _FIX_WEB, added=False),
    # ---------------------------------------------------------------- implausible imports
    # What to fix; the face adds how to go ahead anyway (--accept, or the box to tick).
    Check.RULE_COLUMN_MISSING: Hint(
        "Column the rules use not found",
        'Say which column holds the {name} with --column "HEADER={field}" (saved for later '
        'files of this layout), or give it a header the tool knows, such as "{example}".',
        "Choose the column that holds the {name} in the table of columns below (Feeds: "
        "{example}); the choice is saved for later files like this one."),
    Check.RULE_VALUES_UNMAPPED: Hint(
        "Many values of a rule column unknown",
        'Map each value once with `tracker map {field} "VALUE" CODE` and import the file '
        "again.",
        "Check these values in the HR system. To map them to a {field} the tool knows, "
        "import the file anyway, map them on the Data quality page (Unknown values), then "
        "upload the file again."),
    Check.LEARNERS_UNMATCHED: Hint(
        "Many learners match nobody",
        "Check that the file belongs to the force given with --force and that those columns "
        "hold what its roster holds; if the roster is out of date, import the current one "
        "first.",
        "Check that the file belongs to the force in the Force box above and that those "
        "columns hold what its roster holds; if the roster is out of date, upload the "
        "current one first."),
    Check.REQUIREMENT_FALLS: Hint(
        "A requirement would fall sharply",
        "Check that it is the force's full, current roster; if it is a partial update, "
        "import it with --partial (people missing from it then stay).",
        "Check that this is the force's full, current roster; if it is a partial update, "
        "untick Full roster above (people missing from it then stay)."),
    Check.MANY_LEAVERS: Hint(
        "Many people would become leavers",
        "Check that it is the force's full, current roster; if it is a partial update, "
        "import it with --partial (people missing from it then stay).",
        "Check that this is the force's full, current roster; if it is a partial update, "
        "untick Full roster above (people missing from it then stay)."),
    Check.OFFICER_COLUMN_MISSING: Hint(
        "No officer column",
        'Say which column holds the {name} with --column "HEADER=officer" (saved for later '
        'files of this layout), or give it a header the tool knows, such as "{example}"; '
        "if the log records no officer, matching by reference alone is all there is.",
        "Choose the column that holds the {name} in the table of columns below (Feeds: "
        "Officer); if the log records no officer, matching by reference alone is all there "
        "is."),
    Check.OFFICERS_UNMATCHED: Hint(
        "Many officers match nobody on the roster",
        "Check that the log belongs to the force given with --force and that the column "
        "holds staff or collar numbers as the roster writes them; if the roster is out of "
        "date, import the current one first (tracker import ROSTER).",
        "Check that the log belongs to the force in the Force box above and that the column "
        "holds staff or collar numbers as the roster writes them; if the roster is out of "
        "date, upload the current one first."),
    Check.LOG_DATES_IMPLAUSIBLE: Hint(
        "Dates implausibly old or in the future",
        "Correct those dates in the source system or the file and import it again; if the "
        "dates were read the wrong way round, import it again with --date-order "
        "month-first (or day-first).",
        "Correct those dates in the source system or the file and upload it again; if the "
        "dates were read the wrong way round, choose the order under \"Dates such as "
        '03/04/2026 in this file are" above.'),
    # ---------------------------------------------------------------- refused requests
    Refusal.LOGIN_FAILED: Hint(
        "Log-in refused",
        "An administrator can unlock it sooner: tracker users unlock NAME.",
        "An administrator can unlock it sooner on the Admin page."),
    Refusal.NO_USER_FOR_EMAIL: Hint(
        "No user with this email",
        "Ask an administrator to add you: tracker users add NAME --role ROLE --email {email}",
        "Ask an administrator to add you, with this email, on the Admin page (Add a user)."),
    Refusal.NO_USER: Hint(
        "No such user",
        "See the users with: tracker users list.",
        "Choose one of the users listed on the Admin page."),
    Refusal.USER_EXISTS: Hint(
        "User exists already",
        "Change it with tracker users set-role or reset-password.",
        "Change it under Change a user below (Set role, Reset password)."),
    Refusal.MANAGER_WITHOUT_DEPARTMENT: Hint(
        "Manager without departments",
        "Give at least one with --department CODE (e.g. --department response).",
        'Choose at least one under "Departments, for a manager".'),
    Refusal.NO_BATCH: Hint(
        "No such import batch",
        "`tracker imports list` shows them.",
        "Choose one from the list on the Imports page."),
    Refusal.NO_UNMATCHED_RECORD: Hint(
        "No such unmatched record",
        "`tracker match list` shows the open ones.",
        "Choose one of the learners listed on the Data quality page (Unmatched learners)."),
    Refusal.NO_PERSON_TO_MATCH: Hint(
        "No such person",
        "`tracker match suggest ID` lists likely people.",
        "Choose one of the suggested people, or type their staff number."),
    Refusal.NO_PERSON: Hint(
        "No such person",
        "Look them up with tracker explain.",
        "Look them up on the Person page."),
    Refusal.SEVERAL_PEOPLE: Hint(
        "Several people match",
        "Add --force CODE to say which force.",
        "Pick the person from the list, which shows each one's force."),
    Refusal.NO_MILESTONE: Hint(
        "No such milestone",
        "`tracker milestones list --force {force}` shows the register with each key.",
        "Choose one of the milestones listed in the register."),
    Refusal.NO_SESSION: Hint(
        "No such session",
        "`tracker sessions list` shows the sessions with their ids.",
        "Choose one of the sessions in the list on the Hydra sessions page."),
    Refusal.SESSION_FULL: Hint(
        "Session full",
        "Take someone off with tracker sessions uninvite SESSION --staff NUMBER, or add seats "
        "with tracker sessions edit SESSION --capacity SEATS.",
        "Take someone off the list (Take off), or give the session more seats (Edit this "
        "session).",
        added=False),
    Refusal.SEATS_BELOW_INVITED: Hint(
        "Fewer seats than people invited",
        "Give it {invited} seats or more, or take people off first with tracker sessions "
        "uninvite SESSION --staff NUMBER.",
        "Give it {invited} seats or more, or take people off its invite list first (Take "
        "off)."),
    Refusal.MILESTONE_EXISTS: Hint(
        "Milestone exists already",
        "Change it with tracker milestones edit KEY, or add the new one with --key KEY.",
        "Change that milestone in the register, or give the new one another key."),
    Refusal.DONE_WITHOUT_DATE: Hint(
        "Date done missing",
        "Mark it done with tracker milestones done KEY --on DATE.",
        "Give the date it was done."),
    Refusal.NO_EVIDENCE: Hint(
        "No evidence documents",
        "Attach one with tracker milestones attach KEY FILE.",
        "Attach a document to the milestone first."),
    Refusal.WHICH_DOCUMENT: Hint(
        "Which document?",
        "Name it with --document NAME (its file name, or the start of its SHA-256).",
        "Pick the document from the milestone's list."),
    Refusal.RESTORE_OTHER_DATABASE: Hint(
        "Backup of another kind of database",
        "Restore it into a {kind} database (--db).",
        "Ask an administrator to restore it into a {kind} database."),
    Refusal.RESTORE_NOT_EMPTY: Hint(
        "Database not empty",
        "Restore into an empty database, or add --force-overwrite to replace what is there "
        "with the backup.",
        "Ask an administrator to restore it into an empty database, or to replace what is "
        "there with the backup."),
    Refusal.RESTORE_OTHER_SCHEMA: Hint(
        "Backup of another schema",
        "Restore with a --db URL whose search_path is {schema} (e.g. "
        "?options=-csearch_path%3D{schema}).",
        "Ask an administrator to restore it into a database whose search path is {schema}."),
    Refusal.NO_VISITING_FORCE: Hint(
        "No such force",
        "Give --force a code from tracker/reference/data/forces.toml (e.g. wiltshire); "
        "`tracker visitors --help` says what each option takes.",
        "Choose one of the forces listed."),
    Refusal.NO_VISITORS: Hint(
        "No delegates of that force",
        "Import the delegate lists of the sessions they attended first "
        "(tracker import FILE --kind hydra-delegates), or check the force code.",
        "Upload the delegate lists of the sessions they attended on the Upload page first."),
    Refusal.VISITORS_FILE_TYPE: Hint(
        "File type not supported",
        "Give --out a file name ending in .xlsx or .csv.",
        "Choose the Excel or the CSV download."),
}


class _Named(dict[str, Any]):
    """Template values; a value not given reads as its name in capitals ("{value}" ->
    VALUE)."""

    def __missing__(self, key: str) -> str:
        return key.upper()


def title(code: HintCode) -> str:
    return HINTS[code].title


def title_of(code: HintCode | str) -> str:
    """A code's title; a code the table does not know (an old batch's) as it is."""
    key = _key(code)
    return HINTS[key].title if key is not None and key in HINTS else str(code)


def face_hint(code: HintCode | None, face: Face, **values: Any) -> str:
    """What ``face`` tells the user to do about ``code`` ("" for no code)."""
    if code is None or code not in HINTS:
        return ""
    text: str = getattr(HINTS[code], face)
    return text.format_map(_Named({k: v for k, v in values.items() if v is not None}))


def added_hint(code: HintCode | str | None, face: Face, **values: Any) -> str:
    """The hint ``face`` adds to a message with ``code``: "" when the code has none, or
    its message already says what to do (``Hint.added``)."""
    key = _key(code)
    return face_hint(key, face, **values) if key is not None and HINTS[key].added else ""


def with_hint(message: str, code: HintCode | str | None, face: Face, **values: Any) -> str:
    """``message`` followed by the hint ``face`` adds for ``code``."""
    return f"{message} {added_hint(code, face, **values)}".strip()


class Advised(ValueError):
    """A refusal whose text says what happened; ``code`` and ``values`` let each face add
    what to do (``explain``)."""

    def __init__(self, message: str, code: HintCode | None = None, **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values: Mapping[str, Any] = values


def explain(exc: BaseException, face: Face) -> str:
    """An exception's message with ``face``'s hint when it carries a code."""
    message = str(exc.args[0]) if exc.args else str(exc)
    return with_hint(message, getattr(exc, "code", None), face,
                     **dict(getattr(exc, "values", {}) or {}))


def _key(code: HintCode | str | None) -> HintCode | None:
    """``code`` as a member of the table (a stored problem's code is a plain string)."""
    if code is None or isinstance(code, Code | Refusal | Check):
        return code
    for enum in (Code, Refusal, Check):
        try:
            return enum(code)
        except ValueError:
            pass
    return None


def row_hint(code: str, face: Face, value: Any = None, *, added_only: bool = False) -> str:
    """The hint for one stored problem row ("" for an unknown code); ``added_only``: only
    where a face adds it to the message (``Hint.added``)."""
    key = _key(code)
    if key is None or (added_only and not HINTS[key].added):
        return ""
    return face_hint(key, face, value=None if value is None or value != value else value)


def hint_column(codes: pd.Series, face: Face, values: pd.Series | None = None) -> pd.Series:
    """What to do about each problem row of a table, in ``face``'s words: one look-up per
    distinct code and value (``values`` fill a hint's {value})."""
    import pandas as pd

    given = (values if values is not None else pd.Series("", index=codes.index)).astype(object)
    frame = pd.DataFrame({"code": codes.astype(str), "value": given.where(given.notna(), "")})
    pairs = frame.drop_duplicates()
    found = {(c, v): row_hint(c, face, v or None) for c, v in zip(pairs["code"], pairs["value"],
                                                                  strict=True)}
    return pd.Series([found[pair] for pair in zip(frame["code"], frame["value"], strict=True)],
                     index=codes.index, dtype=object)
