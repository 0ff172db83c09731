"""Deciding and writing an import: a dry run (``plan_import``) and one transaction
(``commit_import``).

An HR roster is a dated snapshot: people are new, updated (their state or identity differs
from their latest state), unchanged, or leavers (on the latest roster, missing from this full
one: they get a leaver state from the snapshot date, never deleted). A completion export
adds each distinct (person, module, date) once, with the batch and row that first reported
it; a later batch that reports it again adds an evidence row.
Learners that match nobody go to the review queue. An implausible import (see
``tracker.ingest.plausibility``) is refused unless the user accepts it. Writes are bulk:
executemany of tuples on SQLite, ``COPY`` on PostgreSQL; no ORM object per row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tracker.config import Thresholds, load_settings
from tracker.coverage.rules import RuleSet, load_rules
from tracker.ingest import import_lock, logs, plausibility
from tracker.ingest.matching import (
    AUTO_LINK_ACTOR,
    Roster,
    clean_text,
    frame_of,
    learner_frame,
    links_frame,
    match_learners,
)
from tracker.ingest.plausibility import Finding
from tracker.ingest.records import ParsedFile
from tracker.messages.hints import Advised, Face, with_hint
from tracker.messages.problems import Code, Problem, Report, Severity
from tracker.messages.progress import Progress, Stage, no_progress
from tracker.reference import vocab
from tracker.store import audit, files
from tracker.store.bulk import (
    allocate_ids,
    checks_set_aside,
    execute_many,
    insert_frame,
    insert_rows,
    is_postgres,
    mark,
    sqlite_bulk_pragmas,
)
from tracker.store.db import force_ids, module_ids, unit_of_work
from tracker.store.models import (
    Completion,
    HydraAbsence,
    ImportBatch,
    Person,
    PersonState,
    RosterSnapshot,
    UnmatchedRecord,
)

IDENTITY_FIELDS = ["collar_number", "surname", "forenames", "full_name", "email"]
STATE_FIELDS = ["workforce_type", "rank_raw", "rank", "detective", "unit", "department", "role",
                "line_manager", "start_date", "leaving_date", "status"]
DATE_FIELDS = ["start_date", "leaving_date"]
PAYLOAD_FIELDS = ["staff_number", "collar_number", "email", "username", "full_name",
                  "force_code", "rank_raw", "unit", "module_code", "raw_title", "completed_on",
                  "raw_status", "score"]


class ImportRefused(Advised):
    """The file was not imported; the message says why, each face adds what to do next."""


@dataclass
class ImportPlan:
    """What importing ``parsed`` would change. Nothing is written until ``commit_import``."""

    parsed: ParsedFile
    force_code: str
    force_id: int
    as_of: dt.date | None
    actor: str
    full_roster: bool = True
    report: Report = field(default_factory=Report)  # the file's problems and the plan's
    refused: str | None = None
    refused_code: Code | None = None  # what each face says to do about the refusal
    already_imported: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # implausible: refused unless
    accept: bool = False  # the user accepted the findings: import anyway
    allow_reimport: bool = False
    rules: RuleSet | None = None  # what the plan was judged by (None: the shipped rules)
    thresholds: Thresholds = field(default_factory=Thresholds)
    seen: import_lock.Mark = ()  # the import lock's mark when the plan was read

    @property
    def kind(self) -> str:
        return self.parsed.kind.value

    def add_problems(self, code: Code, total: int,
                     build: Callable[[int], Iterable[Problem]]) -> None:
        """``total`` problems with ``code``, named after the plan's file; ``build(n)`` makes
        the first ``n`` (``Report.add_many``: only those the report keeps)."""
        name = self.parsed.file_name
        self.report.add_many(code, total, lambda n: (dataclasses.replace(p, file=name)
                                                     for p in build(n)))

    def refusal(self, face: Face) -> str | None:
        """Why the file is refused (None: it is not), with what ``face`` says to do."""
        if self.refused is None:
            return None
        return with_hint(self.refused, self.refused_code, face, batch=self.already_imported)

    def summary(self) -> dict[str, Any]:
        """The numbers a person (or a machine, as JSON) needs about this import."""
        c = self.counts
        return {
            "file": self.parsed.file_name, "kind": self.kind, "force": self.force_code,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "rows_read": self.parsed.rows_read, "accepted": c["accepted"],
            "warnings": c["warned"], "rejected": c["rejected"], "unmatched": c["unmatched"],
            "new": c["new"], "updated": c["updated"], "unchanged": c["unchanged"],
            "leavers": c["leavers"], "date_disagreements": c["disagreements"],
            "people_created": c["people_created"], "already_imported": self.already_imported,
            "refused": self.refused,
            "implausible": [f.as_dict() for f in self.findings],
            "implausible_accepted": bool(self.findings) and self.accept,
        }


# ---------------------------------------------------------------- planning (read only)

def plan_import(engine: Engine, parsed: ParsedFile, *, force_code: str, as_of: dt.date | None,
                actor: str, allow_reimport: bool = False, full_roster: bool = True,
                rules: RuleSet | None = None, thresholds: Thresholds | None = None,
                accept: bool = False, progress: Progress = no_progress) -> ImportPlan:
    """A dry run: what importing ``parsed`` for ``force_code`` would change. Writes nothing.
    ``as_of`` defaults to the file's own date, else today (rosters need one). An implausible
    import (judged against ``rules``, default the shipped ones, and ``thresholds``) is
    refused with its first finding's message, unless ``accept``. ``progress`` is told when
    the file's people are matched."""
    with unit_of_work(engine) as session:
        forces = force_ids(session)
        if force_code not in forces:
            raise ValueError(f"Unknown force {force_code!r}; use a force code such as "
                             "avon-and-somerset (see tracker/reference/data/forces.toml).")
        today = load_settings().today() if parsed.kind.is_roster else None
        when = as_of or parsed.as_of or today
        plan = ImportPlan(parsed, force_code, forces[force_code], when, actor,
                          full_roster=full_roster, allow_reimport=allow_reimport, rules=rules,
                          thresholds=thresholds or Thresholds())
        _plan(session, plan, forces, progress)
    _judge(engine, plan, rules or load_rules(), plan.thresholds, accept)
    return plan


def _plan(session: Session, plan: ImportPlan, forces: dict[str, int],
          progress: Progress = no_progress) -> None:
    """Fill in ``plan`` from what ``session`` reads (the lock's mark first: anything a
    writer commits after it changes the mark)."""
    plan.seen = import_lock.mark(session)
    parsed = plan.parsed
    plan.report.extend(dataclasses.replace(p, file=parsed.file_name)
                       for p in parsed.report.problems)
    plan.report.dropped.update(parsed.report.dropped)
    fatal = [p for p in parsed.report.errors if p.row is None]
    if fatal:
        plan.refused = f"{parsed.file_name} cannot be imported: {fatal[0].message}"
        return
    _check_already_imported(session, plan, plan.allow_reimport)
    if parsed.kind.is_roster:
        _plan_roster(session, plan, progress)
    elif parsed.kind.is_log:
        logs.plan_log(session, plan)
    else:
        _plan_completions(session, plan, forces, progress)
    _count_rows(plan)


def _judge(engine: Engine, plan: ImportPlan, rules: RuleSet, thresholds: Thresholds,
           accept: bool) -> None:
    """Keep the plausibility findings on the plan; refuse it while any holds, unless the
    user accepts them (a plan refused already is not judged)."""
    plan.accept = accept
    if plan.refused is not None:
        return
    plan.findings = plausibility.check(engine, plan, rules, thresholds)
    if plan.findings and not accept:
        plan.refused = plan.findings[0].message


def _check_already_imported(session: Session, plan: ImportPlan, allow: bool) -> None:
    earlier = session.scalars(select(ImportBatch).where(
        ImportBatch.sha256 == plan.parsed.sha256, ImportBatch.status == "committed")
        .order_by(ImportBatch.id)).first()
    if earlier is None:
        return
    plan.already_imported = earlier.id
    if not allow:
        plan.refused = (
            f"{plan.parsed.file_name} was already imported as batch {earlier.id} on "
            f"{earlier.imported_at:%Y-%m-%d %H:%M} by {earlier.imported_by} (same content); "
            "nothing was changed.")
        plan.refused_code = Code.ALREADY_IMPORTED


def _count_rows(plan: ImportPlan) -> None:
    error_rows = {p.row for p in plan.report.errors if p.row}
    warn_rows = {p.row for p in plan.report.warnings if p.row}
    plan.counts["rejected"] = len(error_rows)
    plan.counts["warned"] = len(warn_rows - error_rows)
    if plan.counts["accepted"] == 0 and plan.refused is None:
        plan.refused = (f"No rows of {plan.parsed.file_name} could be accepted; nothing was "
                        "changed. Fix the problems listed and import the file again.")


def _reject(plan: ImportPlan, records: pd.DataFrame, bad: pd.Series, code: Code,
            column: str, message: str) -> pd.DataFrame:
    """Report records where ``bad`` holds as errors (message may use {value}); drop them."""
    if not bad.any():
        return records
    header = plan.parsed.columns.get(column, column)

    def build(room: int) -> list[Problem]:
        rows = records.loc[bad].head(room)
        values = rows[column] if column in rows else pd.Series(None, index=rows.index)
        return [Problem(code, Severity.ERROR, message.format(value=v), row=int(r),
                        column=header, value=None if pd.isna(v) else str(v))
                for r, v in zip(rows["row"], values, strict=True)]

    plan.add_problems(code, int(bad.sum()), build)
    return records.loc[~bad]


def _day(values: pd.Series) -> pd.Series:
    """Dates (date objects, strings or datetimes) as datetime64 days, NaT when missing; each
    distinct value is converted once (a million rows hold a few hundred dates)."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        parsed = pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce")
        known = np.append(parsed.to_numpy("datetime64[ns]"), np.datetime64("NaT", "ns"))
        values = pd.Series(known[codes], index=values.index)  # code -1 (missing): NaT
    days = pd.to_datetime(values, errors="coerce")
    return days.dt.normalize().astype("datetime64[s]")


def _iso(values: pd.Series) -> pd.Series:
    """datetime64 days as ISO text (what SQLite stores and PostgreSQL's COPY reads); each
    distinct day is formatted once."""
    codes, uniques = pd.factorize(values)
    text = np.empty(len(uniques) + 1, dtype=object)  # the last stays None: code -1
    text[:-1] = np.datetime_as_string(np.asarray(uniques, dtype="datetime64[D]"), unit="D")
    return pd.Series(text[codes], index=values.index, dtype=object)


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality where two missing values are equal."""
    a_obj, b_obj = a.astype(object), b.astype(object)
    return ((a_obj == b_obj) | (a.isna() & b.isna())).astype(bool)


# ---------------------------------------------------------------- roster planning

def _roster_records(plan: ImportPlan) -> pd.DataFrame:
    records = plan.parsed.records.copy()
    records["staff_number"] = clean_text(records["staff_number"])
    records = _reject(plan, records, records["staff_number"].isna(), Code.MISSING_IDENTIFIER,
                      "staff_number", "No staff number: the row cannot be matched to anyone. "
                      "Add the staff number and import the file again.")
    dup = records["staff_number"].duplicated(keep="first")
    records = _reject(plan, records, dup, Code.DUPLICATE_ROW, "staff_number",
                      "Staff number {value} appears earlier in the file; this row was skipped.")
    for col in [*IDENTITY_FIELDS, "workforce_type", "rank_raw", "rank", "unit", "department",
                "role", "line_manager", "status"]:
        records[col] = clean_text(records[col], lower=(col == "email"))
    records["status"] = records["status"].fillna("active")
    records["detective"] = records["detective"].fillna(False).astype(bool)
    for col in DATE_FIELDS:
        records[col] = _day(records[col])
    return records


def _current_roster(session: Session, plan: ImportPlan) -> pd.DataFrame:
    """People of the force with their latest state as of the plan's date (state columns
    NA for people without one)."""
    ranked = (select(PersonState,
                     func.row_number().over(partition_by=PersonState.person_id,
                                            order_by=(PersonState.as_of.desc(),
                                                      PersonState.id.desc())).label("rn"))
              .where(PersonState.as_of <= plan.as_of).subquery())
    cols = [Person.id, Person.staff_number, *(getattr(Person, f) for f in IDENTITY_FIELDS),
            ranked.c.id.label("state_id"), *(ranked.c[f] for f in STATE_FIELDS)]
    stmt = (select(*cols).outerjoin(ranked, (ranked.c.person_id == Person.id) & (ranked.c.rn == 1))
            .where(Person.force_id == plan.force_id))
    frame = frame_of(session, stmt, ["person_id", "staff_number", *IDENTITY_FIELDS,
                                     "state_id", *STATE_FIELDS])
    frame["person_id"] = frame["person_id"].astype("Int64")
    frame["state_id"] = frame["state_id"].astype("Int64")
    for col in DATE_FIELDS:
        frame[col] = _day(frame[col])
    frame["detective"] = frame["detective"].astype(object).where(frame["state_id"].notna(), None)
    return frame


def _plan_roster(session: Session, plan: ImportPlan, progress: Progress = no_progress) -> None:
    records = _roster_records(plan)
    progress(Stage.COMPARING, total=len(records))
    current = _current_roster(session, plan)
    plan.frames["current"] = current
    merged = records.merge(current, on="staff_number", how="left", suffixes=("", "_db"))
    new = merged["person_id"].isna()
    state_same = pd.Series(True, index=merged.index)
    for col in STATE_FIELDS:
        state_same &= _same(merged[col], merged[f"{col}_db"])
    ident_same = pd.Series(True, index=merged.index)
    for col in IDENTITY_FIELDS:
        ident_same &= _same(merged[col], merged[f"{col}_db"])
    state_changed = ~new & (merged["state_id"].isna() | ~state_same)
    ident_changed = ~new & ~ident_same
    plan.frames["people_new"] = merged.loc[new, ["staff_number", *IDENTITY_FIELDS]]
    plan.frames["identity"] = merged.loc[ident_changed, ["person_id", *IDENTITY_FIELDS]]
    plan.frames["identity_before"] = merged.loc[
        ident_changed, ["person_id", *(f"{c}_db" for c in IDENTITY_FIELDS)]]
    plan.frames["states"] = merged.loc[new | state_changed,
                                       ["person_id", "staff_number", *STATE_FIELDS]]
    leavers = _leavers(plan, current, records) if plan.full_roster else current.iloc[:0]
    plan.frames["leavers"] = leavers
    c = plan.counts
    c["workforce"] = int(_on_roster(current).sum())
    c["accepted"] = len(records)
    c["new"] = int(new.sum())
    c["updated"] = int((state_changed | ident_changed).sum())
    c["unchanged"] = len(records) - c["new"] - c["updated"]
    c["leavers"] = len(leavers)


def _on_roster(current: pd.DataFrame) -> pd.Series:
    """Who is on the force's roster as of the plan's date: a state that is not 'leaver'."""
    return current["state_id"].notna() & (current["status"] != "leaver")


def _leavers(plan: ImportPlan, current: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """On the roster as of the plan's date, missing here: a copy of their latest state with
    status 'leaver' from the snapshot date."""
    on_roster = _on_roster(current)
    gone = current[on_roster & ~current["staff_number"].isin(records["staff_number"])].copy()
    assert plan.as_of is not None  # rosters always have a date
    as_of = pd.Timestamp(plan.as_of)
    keep = gone["leaving_date"].notna() & (gone["leaving_date"] <= as_of)
    gone["leaving_date"] = gone["leaving_date"].where(keep, as_of)
    gone["status"] = "leaver"
    return gone[["person_id", "staff_number", *STATE_FIELDS]]


# ---------------------------------------------------------------- completion planning

def _force_id_column(records: pd.DataFrame, plan: ImportPlan,
                     forces: dict[str, int]) -> pd.Series:
    """Each record's home force id: its own force code, else the file's force (NA for an
    unknown code). Each distinct code is looked up once."""
    codes, uniques = pd.factorize(records["force_code"].to_numpy(dtype=object))
    cleaned = clean_text(pd.Series(uniques, dtype=object))
    ids = [plan.force_id if value is None else forces.get(_force_code(value, forces) or "")
           for value in cleaned]
    lookup = pd.array([*ids, plan.force_id], dtype="Int64")  # the last: no code at all
    return pd.Series(lookup.take(codes), index=records.index)  # -1 takes the last


def _force_code(value: str, forces: dict[str, int]) -> str | None:
    return value if value in forces else vocab.forces().lookup(value)


def _completion_records(plan: ImportPlan, forces: dict[str, int],
                        modules: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted records (each with its ``learner`` number) and the distinct learners."""
    records = plan.parsed.records.copy()
    records["target_force_id"] = _force_id_column(records, plan, forces)
    records = _reject(plan, records, records["target_force_id"].isna(), Code.UNKNOWN_FORCE,
                      "force_code", "Unknown force {value}; the row was not imported.")
    records["module_id"] = records["module_code"].map(modules).astype("Int64")
    records = _reject(plan, records, records["module_id"].isna(), Code.UNKNOWN_MODULE,
                      "module_code", "Unknown module {value}; the row was not imported.")
    records["completed_on"] = _day(records["completed_on"])
    records = _reject(plan, records, records["completed_on"].isna(), Code.MISSING_VALUE,
                      "completed_on", "No completion date; add it and import the file again.")
    codes, distinct = _distinct_learners(records)
    records["learner"] = codes
    no_key = distinct["identity_key"].isna().to_numpy()[codes]
    return _reject(plan, records, pd.Series(no_key, index=records.index),
                   Code.MISSING_IDENTIFIER, "full_name", "No name, email or identifier: the "
                   "learner cannot be matched. Add one and import the file again."), distinct


LEARNER_FIELDS = ["target_force_id", "staff_number", "collar_number", "email", "username",
                  "full_name", "unit"]


def _distinct_learners(records: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each record's learner number, and the matching columns of each distinct learner (a
    learner appears once per module: matching works on a quarter of the rows)."""
    used = [c for c in LEARNER_FIELDS if records[c].notna().any()] or LEARNER_FIELDS[:1]
    codes = np.zeros(len(records), dtype=np.int64)
    for column in used:  # combine the columns' codes pairwise (missing is a value too)
        values, uniques = pd.factorize(records[column].to_numpy(dtype=object))
        codes = pd.factorize(codes * (len(uniques) + 1) + values + 1)[0]
    first = np.unique(codes, return_index=True)[1]
    distinct = records.iloc[first][LEARNER_FIELDS].reset_index(drop=True)
    return codes, learner_frame(distinct, distinct["target_force_id"])


def _take(column: pd.Series, codes: pd.Series) -> pd.Series:
    """``column``'s values at ``codes``, as a Series of the same dtype (object stays object:
    pandas would otherwise infer, and convert a million texts to, its string dtype)."""
    return pd.Series(column.array.take(codes.to_numpy()), index=codes.index,
                     dtype=column.dtype)


def _absence_records(plan: ImportPlan, forces: dict[str, int],
                     modules: dict[str, int]) -> pd.DataFrame:
    """A delegate list's did-not-attend rows with a known force, module, date and learner
    (the others are left out without a problem: a non-attendance credits nobody)."""
    records = plan.parsed.absences
    if records is None or records.empty:
        return pd.DataFrame()
    records = records.copy()
    records["target_force_id"] = _force_id_column(records, plan, forces)
    records["module_id"] = records["module_code"].map(modules).astype("Int64")
    records["completed_on"] = _day(records["completed_on"])
    return records[records[["target_force_id", "module_id", "completed_on"]].notna()
                   .all(axis=1)]


def _with_absences(plan: ImportPlan, forces: dict[str, int], modules: dict[str, int],
                   records: pd.DataFrame,
                   learners: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted records and the absences as one frame (``absent`` tells them apart),
    numbered by their distinct learners, so a delegate who attended one session and missed
    another is one person."""
    absent = _absence_records(plan, forces, modules)
    records["absent"] = False  # records is the plan's own copy: no need of another
    if absent.empty:
        return records, learners
    both = pd.concat([records.drop(columns="learner"), absent.assign(absent=True)],
                     ignore_index=True)
    codes, learners = _distinct_learners(both)
    both["learner"] = codes
    return both[learners["identity_key"].notna().to_numpy()[codes]], learners


def _attending(learners: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """The learners with a record that is not an absence (what plausibility judges)."""
    absent = records["absent"]
    if not absent.any():
        return learners
    return learners.iloc[np.unique(records.loc[~absent, "learner"].to_numpy())]


def _plan_completions(session: Session, plan: ImportPlan, forces: dict[str, int],
                      progress: Progress = no_progress) -> None:
    modules = module_ids(session)
    records, learners = _completion_records(plan, forces, modules)
    plan.counts["accepted"] = len(records)
    records, learners = _with_absences(plan, forces, modules, records, learners)
    progress(Stage.MATCHING, total=len(learners))
    force_list = sorted({int(f) for f in learners["force_id"].dropna().unique()})
    matched = match_learners(learners, Roster(session, force_list),
                             links_frame(session, force_list))
    plan.frames["learners"] = _attending(learners.assign(person_id=matched["person_id"]),
                                         records)
    codes = records["learner"]
    for name, column in (("person_id", matched["person_id"]),
                         ("matched_by", matched["matched_by"]),
                         ("identity_key", learners["identity_key"]),
                         ("staff_number_key", learners["staff_number"]),
                         ("collar_number_key", learners["collar_number"]),
                         ("email_key", learners["email"])):
        records[name] = _take(column, codes)
    unmatched = records["person_id"].isna()
    delegate = unmatched & (records["target_force_id"] != plan.force_id)
    absent = records["absent"]
    _plan_delegates(plan, records, delegate)
    _plan_unmatched(session, plan, records[unmatched & ~delegate & ~absent])
    _plan_matched(session, plan, records[(~unmatched | delegate) & ~absent])
    _plan_absences(session, plan, records[(~unmatched | delegate) & absent])
    plan.counts["absences_unmatched"] = int((unmatched & ~delegate & absent).sum())


def _plan_delegates(plan: ImportPlan, records: pd.DataFrame, delegate: pd.Series) -> None:
    """Delegates from other forces that match nobody there: one new person per learner."""
    rows = records[delegate]
    people = rows.drop_duplicates(["target_force_id", "identity_key"]).copy()
    staff = people["staff_number_key"]
    people["staff_number_key"] = staff.where(~staff.duplicated(keep="first") | staff.isna(), None)
    people["new_key"] = np.arange(len(people))
    plan.frames["delegates"] = people[["new_key", "target_force_id", "identity_key",
                                       "staff_number_key", "collar_number_key", "full_name",
                                       "email_key"]]
    keys = rows.merge(people[["target_force_id", "identity_key", "new_key"]], how="left",
                      on=["target_force_id", "identity_key"])["new_key"].to_numpy()
    records["new_key"] = pd.Series(pd.NA, index=records.index, dtype="Int64")
    records.loc[delegate, "new_key"] = keys
    plan.counts["people_created"] = len(people)


def _existing_completions(session: Session, force_list: list[int]) -> pd.DataFrame:
    """Stored completions of the people of these forces."""
    stmt = (select(Completion.id, Completion.person_id, Completion.module_id,
                   Completion.completed_on, Completion.source)
            .join(Person, Person.id == Completion.person_id)
            .where(Person.force_id.in_(force_list)))
    frame = frame_of(session, stmt, ["completion_id", "person_id", "module_id",
                                     "completed_on", "source"])
    frame = frame.astype({"completion_id": "Int64", "person_id": "Int64", "module_id": "Int64"})
    frame["completed_on"] = _day(frame["completed_on"])
    return frame


def _plan_matched(session: Session, plan: ImportPlan, rows: pd.DataFrame) -> None:
    """New vs already stored completions, and date disagreements with other sources."""
    force_list = sorted({int(f) for f in rows["target_force_id"].dropna().unique()})
    stored = _existing_completions(session, force_list)
    natural = ["person_id", "module_id", "completed_on"]
    if stored.empty:  # a first import: nothing to compare with
        rows = rows.assign(completion_id=pd.array([pd.NA] * len(rows), dtype="Int64"))
        rows = rows.reset_index(drop=True)
    else:
        rows = rows.merge(stored[[*natural, "completion_id"]], on=natural, how="left")
    first = ~rows.duplicated([*natural, "new_key"], keep="first")
    new = first & rows["completion_id"].isna()
    plan.frames["completions"] = rows.loc[first]
    plan.counts["new"] = int(new.sum())
    plan.counts["unchanged"] = len(rows) - int(new.sum())
    _date_disagreements(plan, rows.loc[new & rows["person_id"].notna()], stored)


def _plan_absences(session: Session, plan: ImportPlan, rows: pd.DataFrame) -> None:
    """Absences not stored yet (once per person, module and date), and not attended by the
    same person on the same day in this very file (attending wins)."""
    natural = ["person_id", "module_id", "completed_on"]
    rows = rows.drop_duplicates([*natural, "new_key"])
    if rows.empty:
        plan.frames["absences"] = rows
        return
    force_list = sorted({int(f) for f in rows["target_force_id"].dropna().unique()})
    stored = _existing_absences(session, force_list)
    attended = plan.frames["completions"][[*natural, "new_key"]].assign(came=True)
    rows = rows.merge(stored, on=natural, how="left", indicator="known")
    rows = rows.merge(attended.drop_duplicates(), on=[*natural, "new_key"], how="left")
    fresh = (rows["known"] == "left_only") & rows["came"].isna()
    plan.frames["absences"] = rows.loc[fresh].drop(columns=["known", "came"])
    plan.counts["absences"] = int(fresh.sum())


def _existing_absences(session: Session, force_list: list[int]) -> pd.DataFrame:
    """(person_id, module_id, completed_on) of the stored absences of these forces' people."""
    stmt = (select(HydraAbsence.person_id, HydraAbsence.module_id, HydraAbsence.held_on)
            .join(Person, Person.id == HydraAbsence.person_id)
            .where(Person.force_id.in_(force_list)))
    frame = frame_of(session, stmt, ["person_id", "module_id", "completed_on"])
    frame = frame.astype({"person_id": "Int64", "module_id": "Int64"})
    frame["completed_on"] = _day(frame["completed_on"])
    return frame


def _date_disagreements(plan: ImportPlan, new: pd.DataFrame, stored: pd.DataFrame) -> None:
    other = stored[stored["source"] != plan.kind]
    if other.empty:
        return
    pairs = new.merge(other, on=["person_id", "module_id"], suffixes=("", "_db"))
    pairs = pairs.drop_duplicates("row")
    plan.counts["disagreements"] = len(pairs)
    header = plan.parsed.columns.get("completed_on", "completed_on")
    plan.add_problems(Code.DATE_DISAGREEMENT, len(pairs), lambda room: (
        Problem(Code.DATE_DISAGREEMENT, Severity.WARNING,
                f"{name or 'This learner'} completed {module} on {mine:%d/%m/%Y} here, but "
                f"{source} recorded {theirs:%d/%m/%Y}; both are kept. Check which is right.",
                row=int(row), column=header, value=f"{mine:%Y-%m-%d}")
        for name, module, mine, theirs, source, row in zip(
            *(pairs[c].head(room) for c in ("full_name", "module_code", "completed_on",
                                            "completed_on_db", "source", "row")),
            strict=True)))


def _plan_unmatched(session: Session, plan: ImportPlan, rows: pd.DataFrame) -> None:
    """Learners of the file's force that matched nobody: queued for review (once per
    learner, module and date: a record already queued or rejected is not queued again)."""
    plan.counts["unmatched"] = len(rows)
    payload = _payload_frame(rows)
    natural = ["force_id", "identity_key", "module_code", "completed_on"]
    payload["force_id"] = rows["target_force_id"].astype("Int64").to_numpy()
    payload["identity_key"] = rows["identity_key"].to_numpy()
    known = _queued_keys(session, plan)
    fresh = payload.drop_duplicates(natural).merge(known, on=natural, how="left", indicator=True)
    plan.frames["unmatched"] = fresh[fresh["_merge"] == "left_only"].drop(columns="_merge")
    found = plan.parsed.columns
    header = next((found[f] for f in ("full_name", "staff_number", "collar_number", "email",
                                      "username") if f in found), None)
    force = vocab.forces().forces.get(plan.force_code)
    roster = f"{force.name if force else plan.force_code} roster"
    plan.add_problems(Code.UNMATCHED_LEARNER, len(rows), lambda room: (
        Problem(Code.UNMATCHED_LEARNER, Severity.WARNING,
                f"{name or key} matched nobody on the {roster}; kept in the "
                "review queue.", row=int(row), column=header,
                value=None if pd.isna(name) else str(name))
        for name, key, row in zip(*(rows[c].head(room) for c in ("full_name", "identity_key",
                                                                 "row")), strict=True)))


def _payload_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The record's own fields, JSON-safe (ISO dates, None for missing)."""
    payload = rows[["row", *PAYLOAD_FIELDS]].copy()
    payload["completed_on"] = _iso(rows["completed_on"])
    payload = payload.astype(object).where(payload.notna(), None)
    return payload.reset_index(drop=True)


def _queued_keys(session: Session, plan: ImportPlan) -> pd.DataFrame:
    stmt = select(UnmatchedRecord.force_id, UnmatchedRecord.identity_key,
                  UnmatchedRecord.payload).where(UnmatchedRecord.status != "confirmed")
    rows = session.execute(stmt).all()
    return pd.DataFrame(
        [(f, k, p.get("module_code"), p.get("completed_on")) for f, k, p in rows],
        columns=["force_id", "identity_key", "module_code", "completed_on"],
    ).astype({"force_id": "Int64", "identity_key": object, "module_code": object,
              "completed_on": object}).drop_duplicates()


# ---------------------------------------------------------------- committing

def commit_import(engine: Engine, plan: ImportPlan, original: bytes | None = None,
                  progress: Progress = no_progress) -> ImportBatch:
    """Write the plan in ONE transaction (all or nothing) and return the batch. ``original``
    is the file's bytes, kept as uploaded (once per content); bytes that are no longer the
    file that was read are refused.

    Exactly once: the transaction takes the import lock (``tracker.ingest.import_lock``) before it
    reads anything. When another writer committed since the plan was read, the plan is made
    again under the lock and ``plan`` is brought up to date in place: the same file
    imported twice at once is refused the second time ("already imported as batch N"), and
    a file overlapping one committed meanwhile adds only what is still new, as if the two
    had been imported one after the other. ``progress`` is told as the rows are written."""
    if plan.refused:
        raise ImportRefused(plan.refused, plan.refused_code, batch=plan.already_imported)
    if original is not None and files.sha256_of(original) != plan.parsed.sha256:
        raise ImportRefused(f"{plan.parsed.file_name} changed after it was read; nothing was "
                            "imported. Read it again and import that.")
    # The file is compressed in a thread beside the writes (zlib lets go of the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool, unit_of_work(engine) as session:
        packed = pool.submit(files.pack, original) if original is not None else None
        _lock_current(engine, session, plan)
        batch = _new_batch(session, plan)
        if plan.parsed.kind.is_roster:
            _write_roster(session, plan, batch, progress)
        elif plan.parsed.kind.is_log:
            logs.write_log(session, plan, batch)
        else:
            _write_completions(session, plan, batch, progress)
        _write_problems(session, plan, batch.id)
        if original is not None and packed is not None:
            files.keep(session, plan.parsed.sha256, plan.parsed.file_name, original,
                       packed.result)
        _refresh_statistics(session, plan)
        audit.record(session, plan.actor, "import", f"batch:{batch.id}",
                     file=plan.parsed.file_name, sha256=plan.parsed.sha256, kind=plan.kind,
                     force=plan.force_code, **_audit_counts(plan), **_accepted(plan))
    return batch


def _lock_current(engine: Engine, session: Session, plan: ImportPlan) -> None:
    """Take the import lock; a plan another writer has made stale since is made again
    under it (in place), and refused as any plan would be."""
    try:
        import_lock.take(session)
    except import_lock.LockTimeout as exc:
        raise ImportRefused(
            f"{plan.parsed.file_name} was not imported: another import kept the database "
            f"busy for too long ({exc}); nothing was changed. Import it again.") from exc
    if import_lock.mark(session) == plan.seen:
        return
    fresh = _replanned(engine, session, plan)
    for item in dataclasses.fields(plan):
        setattr(plan, item.name, getattr(fresh, item.name))
    if plan.refused:
        raise ImportRefused(plan.refused, plan.refused_code, batch=plan.already_imported)


def _replanned(engine: Engine, session: Session, plan: ImportPlan) -> ImportPlan:
    """``plan`` made again from what ``session`` reads now, with the same options. Findings
    the user accepted stay accepted; one they have not seen refuses it."""
    fresh = ImportPlan(plan.parsed, plan.force_code, plan.force_id, plan.as_of, plan.actor,
                       full_roster=plan.full_roster, allow_reimport=plan.allow_reimport,
                       rules=plan.rules, thresholds=plan.thresholds)
    _plan(session, fresh, force_ids(session))
    _judge(engine, fresh, plan.rules or load_rules(), plan.thresholds, plan.accept)
    seen = {f.code for f in plan.findings}
    unseen = [f for f in fresh.findings if f.code not in seen]
    if unseen and fresh.refused in (None, fresh.findings[0].message):
        fresh.refused = (f"{unseen[0].message} (Data changed by another import while this "
                         "one waited to be written.) Nothing was imported; check the file, "
                         "then import it again.")
    return fresh


def _audit_counts(plan: ImportPlan) -> dict[str, int]:
    return {k: v for k, v in plan.summary().items()
            if isinstance(v, int) and not isinstance(v, bool) and k != "force"}


def _accepted(plan: ImportPlan) -> dict[str, Any]:
    """What the user accepted knowingly (an implausible import went ahead), for the audit
    log and the batch: each finding (code, message, evidence)."""
    if not plan.findings:
        return {}
    return {"implausible_accepted": [f.as_dict() for f in plan.findings]}


ANALYZE_MIN_ROWS = 10_000  # fewer new rows than this hardly move the planner's estimates


def _refresh_statistics(session: Session, plan: ImportPlan) -> None:
    """After a big batch, PostgreSQL's planner needs fresh table statistics (autovacuum may
    not have run yet), else its next plans join the new rows with nested loops. Only the
    tables the batch wrote to are analysed (each ANALYZE samples its table: the untouched
    roster tables cost a big completions import half a second for nothing)."""
    if not is_postgres(session) or plan.counts["accepted"] < ANALYZE_MIN_ROWS:
        return
    if plan.parsed.kind.is_roster:
        tables = ["people", "person_states"]
    elif plan.parsed.kind.is_log:
        tables = [logs.TABLES[plan.parsed.kind].__tablename__]
    else:
        tables = ["completions", "completion_evidence", "unmatched_records"]
        if plan.counts["people_created"]:
            tables += ["people", "identity_links"]
    session.connection().exec_driver_sql(f"ANALYZE {', '.join(tables)}")


def _new_batch(session: Session, plan: ImportPlan) -> ImportBatch:
    c = plan.counts
    detail = {"updated": c["updated"], "leavers": c["leavers"],
              "date_disagreements": c["disagreements"], "people_created": c["people_created"],
              "sheet": plan.parsed.sheet, "header_row": plan.parsed.header_row,
              "columns": plan.parsed.columns, "problems_dropped": dict(plan.report.dropped),
              **_absence_counts(plan),
              **_accepted(plan)}
    batch = ImportBatch(
        file_name=plan.parsed.file_name, sha256=plan.parsed.sha256, kind=plan.kind,
        force_id=plan.force_id, imported_by=plan.actor, as_of=plan.as_of,
        rows_read=plan.parsed.rows_read, rows_accepted=c["accepted"], rows_warned=c["warned"],
        rows_rejected=c["rejected"], rows_unmatched=c["unmatched"], rows_new=c["new"],
        rows_unchanged=c["unchanged"], status="committed", detail=detail)
    session.add(batch)
    session.flush()  # the batch id; on SQLite this also takes the write lock
    return batch


def _absence_counts(plan: ImportPlan) -> dict[str, int]:
    """For a delegate list with did-not-attend rows: the absences stored, and those of the
    file's force that matched nobody on its roster (not stored, not queued)."""
    c = plan.counts
    if not (c["absences"] or c["absences_unmatched"]):
        return {}
    return {"absences": c["absences"], "absences_unmatched": c["absences_unmatched"]}


def _write_problems(session: Session, plan: ImportPlan, batch_id: int) -> None:
    rows = [(batch_id, p.code.value, p.severity.value, p.row, p.column, p.value, p.message)
            for p in plan.report.problems]
    insert_rows(session, "import_problems",
                ["batch_id", "code", "severity", "row", "column", "value", "message"], rows)


def _write_roster(session: Session, plan: ImportPlan, batch: ImportBatch,
                  progress: Progress = no_progress) -> None:
    progress(Stage.WRITING_ROSTER,
             total=len(plan.frames["states"]) + len(plan.frames["leavers"]))
    snapshot = RosterSnapshot(force_id=plan.force_id, batch_id=batch.id, as_of=plan.as_of,
                              full=plan.full_roster)
    session.add(snapshot)
    session.flush()
    new = plan.frames["people_new"]
    ids = allocate_ids(session, "people", len(new))
    people = new.assign(id=ids, force_id=plan.force_id, first_batch_id=batch.id)
    insert_frame(session, "people", people[["id", "force_id", "staff_number", *IDENTITY_FIELDS,
                                            "first_batch_id"]])
    _update_identities(session, plan, batch)
    states = pd.concat([plan.frames["states"], plan.frames["leavers"]], ignore_index=True)
    by_staff = pd.Series(ids, index=new["staff_number"].to_numpy(), dtype="Int64")
    states["person_id"] = states["person_id"].fillna(states["staff_number"].map(by_staff))
    for col in DATE_FIELDS:
        states[col] = _iso(_day(states[col]))
    states = states.assign(snapshot_id=snapshot.id, as_of=plan.as_of.isoformat()
                           if plan.as_of else None)
    insert_frame(session, "person_states",
                 states[["snapshot_id", "person_id", "as_of", *STATE_FIELDS]])


def _update_identities(session: Session, plan: ImportPlan, batch: ImportBatch) -> None:
    """Overwrite changed identity fields; keep what they were (and became) for undo."""
    frame = plan.frames["identity"]
    if frame.empty:
        return
    before = plan.frames["identity_before"]
    clean = frame.astype(object).where(frame.notna(), None)
    old = before.astype(object).where(before.notna(), None)
    sets = ", ".join(f"{c} = {mark(session)}" for c in IDENTITY_FIELDS)
    rows = [(*r[1:], r[0]) for r in clean.itertuples(index=False, name=None)]
    execute_many(session, f"UPDATE people SET {sets} WHERE id = {mark(session)}", rows)
    batch.detail = {**(batch.detail or {}), "identity": {
        str(b[0]): {"before": list(b[1:]), "after": list(a[1:])}
        for b, a in zip(old.itertuples(index=False, name=None),
                        clean.itertuples(index=False, name=None), strict=True)}}


def _write_completions(session: Session, plan: ImportPlan, batch: ImportBatch,
                       progress: Progress = no_progress) -> None:
    planned = plan.frames["completions"]
    progress(Stage.WRITING, total=len(planned))
    new_people = _write_delegates(session, plan, batch)
    rows = planned[["module_id", "row", "raw_status", "raw_title", "score", "completion_id"]]
    rows = rows.assign(person_id=planned["person_id"].fillna(planned["new_key"].map(new_people)),
                       completed_on=_iso(planned["completed_on"]))
    _insert_completions(session, rows, batch, progress)
    _write_absences(session, plan, batch, new_people)
    _write_unmatched(session, plan, batch.id)


def _write_absences(session: Session, plan: ImportPlan, batch: ImportBatch,
                    new_people: pd.Series) -> None:
    """The delegate list's new absences, with this batch and row as their first report."""
    planned = plan.frames.get("absences")
    if planned is None or planned.empty:
        return
    frame = pd.DataFrame({
        "person_id": planned["person_id"].fillna(planned["new_key"].map(new_people)),
        "module_id": planned["module_id"], "held_on": _iso(planned["completed_on"]),
        "batch_id": batch.id, "row": planned["row"], "raw_status": planned["raw_status"]})
    insert_frame(session, "hydra_absences", frame)


def _write_delegates(session: Session, plan: ImportPlan, batch: ImportBatch) -> pd.Series:
    """Create delegates' people in their home force (no roster state) and link their
    identity so later lists find them. Returns person id by ``new_key``."""
    people = plan.frames.get("delegates", pd.DataFrame())
    if people.empty:
        return pd.Series(dtype="Int64")
    ids = allocate_ids(session, "people", len(people))
    unnamed = "(no name given: " + people["identity_key"].str.replace(":", " ", n=1) + ")"
    full_name = people["full_name"].fillna(people["email_key"]).fillna(unnamed)
    frame = pd.DataFrame({
        "id": ids, "force_id": people["target_force_id"].to_numpy(),
        "staff_number": people["staff_number_key"].to_numpy(),
        "collar_number": people["collar_number_key"].to_numpy(),
        "full_name": full_name.to_numpy(), "email": people["email_key"].to_numpy(),
        "first_batch_id": batch.id})
    insert_frame(session, "people", frame)
    links = pd.DataFrame({"force_id": frame["force_id"], "identity_key":
                          people["identity_key"].to_numpy(), "person_id": ids,
                          "confirmed_by": AUTO_LINK_ACTOR, "confirmed_at": _now_text()})
    insert_frame(session, "identity_links", links)
    return pd.Series(ids, index=people["new_key"].to_numpy(), dtype="Int64")


def _insert_completions(session: Session, rows: pd.DataFrame, batch: ImportBatch,
                        progress: Progress = no_progress) -> None:
    """New completions go straight into ``completions`` (the database numbers them) with
    this batch and row as their first report; a completion already stored gets an evidence
    row (this batch reported it too). COPY or executemany of tuples, sorted in the natural
    key's order so the unique indexes grow at their end; ``progress`` is told after each
    chunk."""
    sqlite_bulk_pragmas(session)
    rows = rows.sort_values(["person_id", "module_id", "completed_on"], ignore_index=True)
    new = rows["completion_id"].isna()
    fresh = rows.loc[new].assign(source=batch.kind, batch_id=batch.id)
    total = len(rows)
    with checks_set_aside(session, ["completions"], len(fresh)):
        _insert_chunks(session, "completions", fresh[[
            "person_id", "module_id", "completed_on", "source", "batch_id", "raw_status",
            "raw_title", "score", "row"]], lambda n: progress(Stage.WRITING, n, total))
    seen = rows.loc[~new].assign(batch_id=batch.id)
    with checks_set_aside(session, ["completion_evidence"], len(seen)):
        _insert_chunks(session, "completion_evidence", seen[["completion_id", "batch_id", "row"]],
                       lambda n: progress(Stage.WRITING, len(fresh) + n, total))


WRITE_CHUNK = 50_000  # rows written between two reports of progress


def _insert_chunks(session: Session, table: str, frame: pd.DataFrame,
                   written: Callable[[int], None]) -> None:
    """``insert_frame`` WRITE_CHUNK rows at a time, saying how many are written after each."""
    for start in range(0, len(frame), WRITE_CHUNK):
        insert_frame(session, table, frame.iloc[start:start + WRITE_CHUNK])
        written(min(start + WRITE_CHUNK, len(frame)))


def _write_unmatched(session: Session, plan: ImportPlan, batch_id: int) -> None:
    queue = plan.frames.get("unmatched")
    if queue is None or queue.empty:
        return
    payloads = queue[["row", *PAYLOAD_FIELDS]].to_dict("records")
    frame = pd.DataFrame({
        "batch_id": batch_id, "force_id": queue["force_id"].to_numpy(),
        "row": queue["row"].to_numpy(), "identity_key": queue["identity_key"].to_numpy(),
        "display_name": queue["full_name"].fillna(queue["email"]).to_numpy(),
        "payload": [json.dumps(p, default=str) for p in payloads], "status": "open"})
    insert_frame(session, "unmatched_records", frame)


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
