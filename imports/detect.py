"""Which kind of export a table is: Moodle's and Totara's fixed layouts by their shape, any
other by what its columns are recognised as (headers and values together): people with
ranks and units and no course, status or completion date is a roster; a course and a
completion date or status is an LMS export; a delegate list with attendance, a syndicate,
a venue, a home force or "Hydra" in its title is a Hydra list. A log of intelligence
submissions (its headers or title speak of intelligence, submissions or an author) or of
NCCU referrals (they speak of the NCCU, referrals or custody) is told apart by those words
first, and taken when its reference and date columns are found."""

from __future__ import annotations

from collections.abc import Sequence

from imports.columns import FIELDS_OF_LEARNER, words
from imports.evidence import Sample
from imports.kinds import SPECS, missing_required
from imports.recognise import Recognition, recognise
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import Kind
from tracker.reference import vocab
from tracker.reference.text import fold, squash

TOTARA_UPLOAD_KEYS = {"username", "courseshortname", "courseidnumber", "completiondate", "grade"}
TOTARA_REPORT_KEYS = {"usersfullname", "userfullname", "coursename", "completionstatus",
                      "usersorganisationname", "userspositionname", "usersemail",
                      "useridnumber", "userfirstname", "userlastname", "datestarted",
                      "progress"}
ROSTER_SIGNS = ("rank", "unit", "workforce_type", "start_date", "leaving_date",
                "line_manager", "role", "status", "forenames", "surname")
HYDRA_SIGNS = ("syndicate", "venue", "force")
INTEL_WORDS = frozenset({"intelligence", "intel", "submission", "submissions", "submitted",
                         "author", "irf", "5x5"})
REFERRAL_WORDS = frozenset({"nccu", "referral", "referrals", "referred", "custody",
                            "immigration"})


def detect_kind(headers: list[str], context: str = "", samples: Sequence[Sample] = (),
                mappings: Mappings | None = None) -> Kind | None:
    """The kind of a table from its headers, the values under them (``samples``, one per
    column) and ``context`` (the sheet name and title lines). None when nothing fits."""
    keys = [squash(h) for h in headers]
    structural = _structural(headers, keys)
    if structural is not None:
        return structural
    samples = list(samples) + [Sample((), ())] * (len(headers) - len(samples))
    log = _log_kind(headers, context, samples, mappings or Mappings())
    if log is not None:
        return log
    found = {kind: recognise(headers, samples, SPECS[kind].fields, mappings or Mappings())
             for kind in (Kind.HR_ROSTER, Kind.LMS_LONG, Kind.HYDRA)}
    return _by_evidence(found, set(keys) - {""}, context, samples)


def _structural(headers: list[str], keys: list[str]) -> Kind | None:
    present = set(keys) - {""}
    if len(present & TOTARA_UPLOAD_KEYS) >= 3 and present & {"courseshortname", "courseidnumber"}:
        return Kind.TOTARA_UPLOAD
    if any(k.endswith("completiondate") and k != "completiondate" for k in keys) or (
            "coursecomplete" in present):
        return Kind.MOODLE_COURSE
    if _looks_like_moodle_activity(headers):
        return Kind.MOODLE_ACTIVITY
    return None


def _log_kind(headers: list[str], context: str, samples: Sequence[Sample],
              mappings: Mappings) -> Kind | None:
    """An intelligence submission log or an NCCU referral log, by the words of its headers
    and title (intelligence words first: a submission log may link to NCCU references),
    when the kind's required columns are there."""
    said = set(fold(" ".join([context, *headers])).split())
    for kind, signs in ((Kind.INTELLIGENCE_LOG, INTEL_WORDS),
                        (Kind.REFERRAL_LOG, REFERRAL_WORDS)):
        if said & signs:
            found = recognise(headers, samples, SPECS[kind].fields, mappings)
            if missing_required(found.columns, kind) is None:
                return kind
    return None


def _by_evidence(found: dict[Kind, Recognition], keys: set[str], context: str,
                 samples: Sequence[Sample]) -> Kind | None:
    lms, hydra, roster = (found[k].columns for k in (Kind.LMS_LONG, Kind.HYDRA,
                                                     Kind.HR_ROSTER))
    learner = any(f in lms for f in FIELDS_OF_LEARNER)
    hydra_like = _hydra_like(found[Kind.HYDRA], context, samples)
    if "title" in lms and ("date" in lms or "status" in lms) and learner:
        if hydra_like and _titles_hydra(samples, lms["title"]):
            return Kind.HYDRA
        return Kind.TOTARA_REPORT if len(keys & TOTARA_REPORT_KEYS) >= 3 else Kind.LMS_LONG
    completion = "status" in hydra or "date" in hydra or "hydra" in fold(context)
    if hydra_like and completion and any(f in hydra for f in FIELDS_OF_LEARNER):
        return Kind.HYDRA
    signs = sum(f in roster for f in ROSTER_SIGNS)
    if signs >= 2 or ("staff_number" in roster and signs >= 1):
        return Kind.HR_ROSTER
    return None


def _hydra_like(found: Recognition, context: str, samples: Sequence[Sample]) -> bool:
    if "hydra" in fold(context) or any(f in found.columns for f in HYDRA_SIGNS):
        return True
    status = found.columns.get("status")
    if status is not None and "attend" in words(found.decisions[status].column):
        return True
    title = found.columns.get("title")
    return title is not None and _titles_hydra(samples, title)


def _titles_hydra(samples: Sequence[Sample], index: int) -> bool:
    values = samples[index].values if index < len(samples) else ()
    return any(vocab.modules().lookup(v) == "oic-hydra" for v in values) or not values


def _looks_like_moodle_activity(headers: list[str]) -> bool:
    """An empty first header cell (the name), identity fields, then activity name + blank."""
    if not headers or headers[0] or len(headers) < 3:
        return False
    known = {f.name for f in SPECS[Kind.MOODLE_ACTIVITY].fields}
    learner_cols = {i for i, h in enumerate(headers) if h and any(
        f.header_score(words(h)) >= 0.5 for f in SPECS[Kind.MOODLE_ACTIVITY].fields)}
    pairs = [i for i in range(1, len(headers) - 1)
             if headers[i] and i not in learner_cols and not headers[i + 1]]
    return bool(pairs) and bool(known)

