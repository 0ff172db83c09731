"""The fields an export's columns can feed, and how a header's words name them.

A header is read as words, each word put through a synonym table (``No``, ``Num``, ``Ref``,
``#`` and ``ID`` all say *number*; ``Dept`` says *department*; ``Joined`` and ``Appointed``
say *start*), so that "Payroll Ref", "Employee No." and "Pers.No." read alike. A field lists
the sets of words that name it; a header names a field when it holds one of those sets and
none of the field's veto words ("Date started" is not a completion date). The score says
how much of the header the set explains: "Staff number" names the staff number wholly (1.0),
"Line manager staff number" only half (the rest is *line manager*, whose field explains it
wholly). Whether the column's values agree is ``imports.evidence``'s business.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from tracker.reference.text import fold

# Words that mean the same in a header, after ``fold`` (lower case, punctuation to spaces).
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("no", "num", "nr", "nbr", "number", "numbers", "ref", "reference",
                     "id", "ids", "code", "identifier", "nos", "hash"), "number"),
    **dict.fromkeys(("org", "organisation", "organization", "organisational",
                     "organizational", "orgunit"), "organisation"),
    **dict.fromkeys(("desc", "descr", "description", "descriptions", "text", "txt", "value",
                     "label"), "description"),
    **dict.fromkeys(("email", "emails", "mail", "emailaddress", "mailaddress"), "email"),
    **dict.fromkeys(("start", "started", "starting", "joined", "joining", "join", "appointed",
                     "appointment", "commenced", "commencement", "commence", "hire", "hired",
                     "entry", "engagement", "engaged", "doj", "startdate"), "start"),
    **dict.fromkeys(("leaving", "leave", "left", "leaver", "leavers", "termination",
                     "terminated", "end", "ended", "exit", "finish", "separation",
                     "resignation", "retirement"), "leave"),
    **dict.fromkeys(("complete", "completed", "completion", "completions", "finished",
                     "achieved", "achievement", "passed", "timecompleted"), "complete"),
    **dict.fromkeys(("attended", "attendance", "attend", "attending", "present",
                     "attendee", "signed"), "attend"),
    **dict.fromkeys(("collar", "warrant", "shoulder", "epaulette", "epaulet", "badge",
                     "callsign"), "collar"),
    **dict.fromkeys(("rank", "ranks", "rankgrade"), "rank"),
    **dict.fromkeys(("grade", "grades", "band", "scale", "paygrade"), "grade"),
    **dict.fromkeys(("surname", "surnames", "lastname", "familyname", "sname"), "surname"),
    **dict.fromkeys(("forename", "forenames", "firstname", "firstnames", "givenname",
                     "givennames", "fname", "christian", "preferred"), "forename"),
    **dict.fromkeys(("fullname", "displayname", "name", "names"), "name"),
    **dict.fromkeys(("username", "login", "logon", "userid", "uid", "account", "loginid",
                     "userlogin", "samaccountname", "networkid"), "username"),
    **dict.fromkeys(("staff", "employee", "employees", "emp", "empl", "payroll", "pay",
                     "personnel", "person", "pers", "hr", "worker", "user", "users",
                     "learner", "learners", "delegate", "delegates", "participant",
                     "participants", "student", "trainee", "officer", "member", "candidate",
                     "individual", "people", "assignment", "who", "colleague"), "who"),
    **dict.fromkeys(("course", "courses", "module", "modules", "training", "learning",
                     "activity", "activities", "item", "items", "programme", "program",
                     "curriculum", "lesson", "package", "content", "elearning", "event",
                     "exercise", "session", "offering", "certification", "lo"), "course"),
    **dict.fromkeys(("status", "state", "statuses"), "status"),
    **dict.fromkeys(("result", "results", "outcome", "outcomes"), "result"),
    **dict.fromkeys(("date", "dates", "dated", "day", "on", "when", "time", "timestamp",
                     "datetime"), "date"),
    **dict.fromkeys(("manager", "managers", "supervisor", "supervisors", "reports",
                     "reporting", "lm", "boss"), "manager"),
    # a word of its own, so that the typing-slip reader does not take it for "reports" (to)
    "report": "report",
    **dict.fromkeys(("unit", "units", "command", "commands", "division", "divisions",
                     "section", "sections", "team", "teams", "directorate", "directorates",
                     "ocu", "bcu", "lpa", "lpu", "district", "department", "departments", "dept",
                     "depts", "branch",
                     "station", "squad", "workgroup", "subarea", "costcentre",
                     "area", "areas", "portfolio", "function"), "unit"),
    **dict.fromkeys(("role", "roles", "job", "position", "positions", "post", "posts",
                     "occupation", "jobtitle"), "role"),
    **dict.fromkeys(("workforce", "category", "categories", "type", "types", "class",
                     "classification", "contract", "kind"), "type"),
    **dict.fromkeys(("score", "scores", "mark", "marks", "percentage", "percent", "pct",
                     "points"), "score"),
    **dict.fromkeys(("force", "forces", "constabulary", "police"), "force"),
    **dict.fromkeys(("venue", "location", "site", "room", "building", "place"), "venue"),
    **dict.fromkeys(("syndicate", "syndicates", "table", "cohort"), "syndicate"),
    **dict.fromkeys(("title", "titles", "honorific", "salutation"), "title"),
    **dict.fromkeys(("shortname", "short"), "short"),
    **dict.fromkeys(("idnumber",), "idnumber"),
}
# Words that add nothing ("User's", "of the", "(Y/N)"): dropped before matching.
STOP_WORDS = frozenset({"s", "of", "the", "a", "an", "for", "to", "in", "by", "at", "is",
                        "y", "n", "yn", "current", "primary", "main", "home", "actual",
                        "official", "full", "work", "working", "business", "line", "dd",
                        "mm", "yy", "yyyy", "and", "or", "if", "any", "what"})
NEUTRAL = frozenset({"description"})  # "Rank Desc" is the rank: counted only when alone
# Words some exports run together, read as the words they are.
_PHRASES = {"courseshortname": "course short", "courseidnumber": "course idnumber",
            "useridnumber": "user idnumber", "id number": "idnumber",
            "completiondate": "completion date",
            "coursecomplete": "course complete", "e mail": "email",
            "cost centre": "costcentre", "cost center": "costcentre",
            "sub area": "subarea", "continuous service": "start",
            "service start": "start"}
# Compound words some exports write as one ("fullname", "lastname"): split first.
_COMPOUNDS = re.compile(r"(?<=[a-z])(?=(?:name|number|date|no|id|status)$)")
_ONE_WORD = frozenset({"username", "surname", "forename", "forenames", "shortname",
                       "idnumber", "userid", "loginid", "timecompleted", "emailaddress",
                       "costcentre", "workgroup", "subarea", "jobtitle", "paygrade",
                       "displayname", "fullname", "firstname", "lastname", "givenname",
                       "familyname", "rankgrade"})


@functools.lru_cache(maxsize=4096)
def words(header: str, fuzzy: bool = False) -> tuple[str, ...]:
    """A header's words through the synonym table, in order, without stop words and repeats:
    ``words("Emp. No.")`` is ``("who", "number")``; ``words("User's Email")`` is
    ``("who", "email")``. ``fuzzy``: a word the table lacks is read as the table's word it
    is a typing slip of ("Numbr", "Departmnet")."""
    text = fold(str(header).replace("#", " hash ").replace("%", " percent "))
    out: list[str] = []
    for raw in " ".join(_PHRASES.get(w, w) for w in _phrases(text)).split():
        for word in _split(raw):
            canonical = SYNONYMS.get(word) or (_slip(word) if fuzzy else None) or word
            if word not in STOP_WORDS and canonical not in out:
                out.append(canonical)
    return tuple(out)


_LONG_WORDS = [w for w in SYNONYMS if len(w) >= 5]


def _phrases(text: str) -> list[str]:
    for phrase, replacement in _PHRASES.items():
        if " " in phrase and phrase in text:
            text = re.sub(rf"\b{phrase}\b", replacement, text)
    return text.split()


def _slip(word: str) -> str | None:
    if len(word) < 5 or word.isdigit():
        return None
    close = difflib.get_close_matches(word, _LONG_WORDS, n=1, cutoff=0.85)
    return SYNONYMS[close[0]] if close else None


def _split(word: str) -> list[str]:
    if word in SYNONYMS or word in _ONE_WORD or len(word) < 6:
        return [word]
    return _COMPOUNDS.sub(" ", word).split()


@dataclass(frozen=True)
class Field:
    """A field columns can feed. ``names``: word sets that name it (each written as a
    header, read through ``words``); ``veto``: words that rule a header out; ``expects``:
    what its values look like (``imports.evidence`` checks it)."""

    name: str
    label: str  # how a message names it: 'no "Staff number" column'
    names: tuple[str, ...]
    expects: str
    veto: frozenset[str] = frozenset()

    @property
    def word_sets(self) -> tuple[frozenset[str], ...]:
        return _word_sets(self.names)

    def header_score(self, header_words: tuple[str, ...]) -> float:
        """How well a header (its ``words``) names this field: 0 (not at all) to 1 (wholly)."""
        have = set(header_words)
        if have - NEUTRAL:
            have -= NEUTRAL
        if not have or have & self.veto:
            return 0.0
        best = 0.0
        for wanted in self.word_sets:
            if wanted <= have:
                best = max(best, len(wanted) / len(have))
        return best


_SET_CACHE: dict[tuple[str, ...], tuple[frozenset[str], ...]] = {}


def _word_sets(names: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    if names not in _SET_CACHE:
        _SET_CACHE[names] = tuple(frozenset(words(n)) for n in names)
    return _SET_CACHE[names]


def _f(name: str, label: str, expects: str, names: tuple[str, ...],
       veto: tuple[str, ...] = ()) -> Field:
    return Field(name, label, names, expects, frozenset(veto))


_DATES_NOT_DONE = ("start", "leave", "due", "expiry", "expiration", "expires", "birth", "dob",
                   "enrol", "enrolled", "enrolment", "assigned", "open", "opens", "window",
                   "last", "updated", "modified", "created", "registered", "registration",
                   "booked", "booking", "renewal", "access", "accessed", "required", "target",
                   "deadline", "print", "printed", "run", "report")
STAFF = _f("staff_number", "Staff number", "identifier",
           ("Staff number", "Who number", "Who", "Number", "Force number", "idnumber",
            "Who idnumber"),
           ("manager", "collar", "course", "short", "type", "syndicate", "venue",
            "role", "unit", "grade", "rank", "phone", "mobile", "telephone", "tel", "ni",
            "insurance", "national", "cost", "description", "email", "username", "name"))
COLLAR = _f("collar_number", "Collar number", "identifier", ("Collar", "Collar number"),
            ("manager",))
EMAIL = _f("email", "Email", "email", ("Email",), ("manager",))
USERNAME = _f("username", "Username", "identifier", ("Username", "Who username"),
              ("manager",))
FULL_NAME = _f("full_name", "Name", "name",
               ("Name", "Who name", "Who", "Attend name", "Attend", "Surname forename",
                "Forename surname"),
               ("manager", "course", "unit", "organisation", "force", "venue", "role",
                "number", "idnumber", "group", "type", "status", "date", "username", "email",
                "title", "short",
                "trainer", "instructor", "facilitator", "tutor", "author", "approver",
                "creator", "signature"))
SURNAME = _f("surname", "Surname", "single_name", ("Surname", "Last name", "Family name"),
             ("manager", "forename", "title"))
FORENAMES = _f("forenames", "Forenames", "single_name",
               ("Forenames", "First name", "Given name", "Known as"),
               ("manager", "surname"))
RANK = _f("rank", "Rank", "rank", ("Rank", "Grade", "Rank grade", "Rank or grade"),
          ("pay", "score", "result", "salary", "manager", "course"))
WORKFORCE = _f("workforce_type", "Workforce type", "workforce",
               ("Workforce type", "Who type", "Who category", "Workforce", "Who group",
                "Type"),
               ("course", "contract", "leave", "absence", "unit", "role", "number"))
UNIT = _f("unit", "Department", "unit",
          ("Department", "Unit", "Organisation", "Organisation unit", "Organisation name",
           "Department unit", "Unit name"),
          ("course", "number", "force", "manager", "type", "role", "venue"))
ROLE = _f("role", "Role", "text", ("Role", "Job title", "Role title", "Post title", "Role name"),
          ("course", "number", "type", "manager"))
LINE_MANAGER = _f("line_manager", "Line manager", "identifier",
                  ("Manager", "Manager number", "Manager who number", "Reports to"),
                  ("name", "email"))
START = _f("start_date", "Start date", "date", ("Start", "Start date", "Service start"),
           ("course", "leave", "complete"))
LEAVING = _f("leaving_date", "Leaving date", "date", ("Leave", "Leave date"),
             ("course", "start", "absence", "reason"))
EMPLOYMENT = _f("status", "Status", "employment",
                ("Status", "Employment status", "Who status", "Assignment status"),
                ("course", "complete", "attend", "marital", "result"))
TITLE = _f("title", "Course title", "course",
           ("Course", "Course name", "Course title", "Title", "Course description"),
           ("status", "date", "number", "short", "idnumber", "type", "category", "complete",
            "result", "score", "attend", "venue", "provider", "version", "duration", "hours",
            "cost", "who", "unit", "role"))
CSTATUS = _f("status", "Status", "completion",
             ("Status", "Complete", "Complete status", "Result", "Attend", "Course status",
              "Attend status", "Course result", "Course complete", "Complete flag"),
             ("date", "number", "score", "percent", "who", "employment", "assignment", "reason"))
DATE = _f("date", "Completion date", "date",
          ("Complete", "Date", "Complete date", "Course date", "Attend date", "Course complete",
           "Complete time"),
          (*_DATES_NOT_DONE, "status", "result"))
SCORE = _f("score", "Score", "number",
           ("Score", "Grade", "Result score", "Final grade"),
           ("rank", "who", "pay", "role", "status", "date", "progress"))
FORCE = _f("force", "Home force", "force", ("Force", "Force name", "Home force"),
           ("number", "course"))
SHORTNAME = _f("title", "courseshortname", "course",
               ("courseshortname", "Course short name", "Short name", "Course short"), ())
IDNUMBER = _f("course_id", "courseidnumber", "course",
              ("courseidnumber", "Course ID number", "Course idnumber", "Course number"), ())
VENUE = _f("venue", "Venue", "text", ("Venue",), ())
SYNDICATE = _f("syndicate", "Syndicate", "text", ("Syndicate", "Syndicate number"), ())

# NCCU referral logs and intelligence submission logs (recommendation 2).
_OFFICER_NAMES = ("Officer", "Officer number", "Reporting officer", "Reporting officer number",
                  "Reporting officer collar", "Officer collar", "Collar", "Collar number",
                  "Staff number", "Who number", "Who collar", "Author", "Author number",
                  "Author collar", "Submitted by", "Submitting officer number",
                  "Who collar number")
OFFICER = _f("officer", "Officer (staff or collar number)", "identifier", _OFFICER_NAMES,
             ("name", "email", "rank", "line"))
REFERRAL_REF = _f("reference", "Incident or custody reference", "reference",
                  ("Incident", "Incident number", "Custody", "Custody number", "Occurrence",
                   "Occurrence number", "Log number", "Crime number", "Case number",
                   "Force number", "Incident custody number", "Storm number"),
                  ("nccu", "date", "who", "collar", "manager", "immigration"))
NCCU_REF = _f("nccu_reference", "NCCU reference", "reference",
              ("NCCU", "NCCU number", "Immigration enforcement number", "Immigration number",
               "NCCU case number"), ("date", "who", "collar"))
REFERRED = _f("referred_on", "Referral date", "date",
              ("Date", "Referral date", "Referred", "Date referred", "Reported",
               "Date reported", "Referral", "Nccu date"),
              ("submitted", "start", "leave"))
LOCATION = _f("location", "Location", "text",
              ("Location", "Department", "Unit", "Custody suite", "Unit venue"),
              ("number", "date", "who", "collar"))
SUBMISSION_REF = _f("reference", "Submission reference", "reference",
                    ("Number", "Submission", "Submission number", "Intelligence number",
                     "Intel number", "Intelligence report number", "Report number",
                     "Document number", "Irf number", "Urn", "Intelligence submission number"),
                    ("linked", "link", "related", "incident", "nccu", "custody", "occurrence",
                     "who", "author", "collar", "manager", "date"))
SUBMITTED = _f("submitted_on", "Submission date", "date",
               ("Date", "Submitted", "Date submitted", "Submission date", "Created",
                "Date created", "Submitted date"),
               ("incident", "referral", "referred", "start", "leave"))
LINKED_REF = _f("linked_reference", "Linked reference", "reference",
                ("Linked", "Linked number", "Linked incident", "Incident", "Incident number",
                 "NCCU", "NCCU number", "Related", "Related number", "Link", "Custody number",
                 "Occurrence number", "Linked occurrence", "Linked nccu", "Linked custody"),
                ("date", "who", "author", "collar"))
# A separate time of day ("Time", "Time referred"): its header reads like the date (*time*
# says *date*), so its values decide: times of day, not dates.
REFERRED_TIME = _f("referred_at", "Referral time", "time",
                   ("Time", "Referral time", "Time referred", "Time reported", "Nccu time"),
                   ("submitted", "start", "leave"))
SUBMITTED_TIME = _f("submitted_at", "Submission time", "time",
                    ("Time", "Submission time", "Time submitted", "Submitted time",
                     "Time created"), ("incident", "referral", "referred", "start", "leave"))
REFERRAL_FIELDS = (REFERRAL_REF, NCCU_REF, REFERRED, REFERRED_TIME, OFFICER, LOCATION)
SUBMISSION_FIELDS = (SUBMISSION_REF, SUBMITTED, SUBMITTED_TIME, OFFICER, LINKED_REF)

LEARNER = (STAFF, COLLAR, EMAIL, USERNAME, FULL_NAME, SURNAME, FORENAMES)
FIELDS_OF_LEARNER = tuple(f.name for f in LEARNER)
# Moodle's own "ID" column is its user id, never the staff number: only "ID number" is.
MOODLE_STAFF = _f("staff_number", "ID number", "identifier",
                  ("idnumber", "Who idnumber", "Staff number", "Who number"),
                  tuple(STAFF.veto - {"name"}))
MOODLE_LEARNER = (MOODLE_STAFF, EMAIL, USERNAME, FULL_NAME, SURNAME, FORENAMES)
ALL_FIELDS = (STAFF, COLLAR, EMAIL, USERNAME, FULL_NAME, SURNAME, FORENAMES, RANK, WORKFORCE,
              UNIT, ROLE, LINE_MANAGER, START, LEAVING, EMPLOYMENT, TITLE, CSTATUS, DATE, SCORE,
              FORCE, SHORTNAME, IDNUMBER, VENUE, SYNDICATE, *REFERRAL_FIELDS,
              SUBMISSION_REF, SUBMITTED, SUBMITTED_TIME, LINKED_REF)
IGNORE = "ignore"  # what a user mapping gives a column that feeds nothing


def is_header(text: str) -> bool:
    """Whether a cell's text reads like a column heading of some export."""
    if not text or len(text) > 80:
        return False
    found = words(text)
    return any(f.header_score(found) >= 0.5 for f in ALL_FIELDS)


def closest_header(field: Field, headers: list[str]) -> str | None:
    """The header most like one of the field's names, if any is close."""
    best: tuple[float, str] | None = None
    for header in headers:
        if not header:
            continue
        key = fold(header)
        for name in (field.label, *field.names):
            ratio = difflib.SequenceMatcher(None, key, fold(name)).ratio()
            if ratio >= 0.7 and (best is None or ratio > best[0]):
                best = (ratio, header)
    return best[1] if best else None
