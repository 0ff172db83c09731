"""Visiting forces' return: the people of another force (their home force) who attended
Hydra sessions here, recorded by this force's delegate-list imports, as a delegate list in
the layout the tool's own Hydra import reads (course, course date, name, collar and staff
number, rank, home force, attendance), to send to that force. Its import there credits the
home force's people.

Only that force's people: never the host's own, never a third force's. A delegate list's
"did not attend" rows are stored as absences (never completions); they go in the return as
"Did not attend", which the home force's Hydra import reads as non-attendance: it keeps
them as absences there and credits nobody for them. An absence on a day another list says
the same person attended is left out (attending wins).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd
from sqlalchemy import Engine, Subquery, exists, func, select, union
from sqlalchemy.orm import Session

from tracker.messages.hints import Advised, Refusal
from tracker.reference import vocab
from tracker.reference.labels import headed
from tracker.reports.safe_text import write_csv_table, write_xlsx_table
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import (
    Completion,
    CompletionEvidence,
    Force,
    HydraAbsence,
    ImportBatch,
    Module,
    Person,
    PersonState,
)

HYDRA_KIND = "hydra-delegates"  # tracker.ingest.records.Kind.HYDRA (this room may not import it)
ATTENDED = "Attended"
ABSENT = "Did not attend"  # imports.statuses reads it as not attended
# The file's columns, in order; their headings come from the label table.
LAYOUT = ["course", "course_date", "full_name", "collar_number", "staff_number", "rank_label",
          "home_force", "attendance"]
ATTENDED_COLUMNS = ["person_id", "full_name", "collar_number", "staff_number", "course",
                    "course_date"]
FORMATS = ("xlsx", "csv")
SHEET = "Delegates"
# A delegate listed with no name is stored as "(no name given: collar 4105)" (before
# December 2026: the bare key "collar:4105"): the return leaves the name blank.
_KEY_NAME = r"^(?:(?:username|staff|collar):|\(no name given: )"


class VisitorsError(Advised):
    """A refused return: an unknown force, the host itself, nobody from that force, or a
    file type it is not written as."""


@dataclass(frozen=True)
class Visitors:
    """One home force's delegates who attended here: ``delegates`` has the ``LAYOUT``
    columns, one row per delegate and course date, sorted by date and name."""

    home: str
    home_name: str
    host: str | None
    delegates: pd.DataFrame
    people: int  # distinct delegates (a delegate may have attended twice)
    absences: int = 0  # rows of ``delegates`` that say "Did not attend"

    @property
    def attendances(self) -> int:
        return len(self.delegates) - self.absences


def _force_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Force.code, Force.id)).all())


def _reports() -> Subquery:
    """(completion_id, host_id) for each committed delegate-list import that reported a
    completion, first or as more evidence, with the force that imported it."""
    hydra = (ImportBatch.kind == HYDRA_KIND, ImportBatch.status == "committed")
    first = (select(Completion.id.label("completion_id"), ImportBatch.force_id.label("host_id"))
             .join(ImportBatch, ImportBatch.id == Completion.batch_id).where(*hydra))
    more = (select(CompletionEvidence.completion_id, ImportBatch.force_id)
            .join(ImportBatch, ImportBatch.id == CompletionEvidence.batch_id).where(*hydra))
    return union(first, more).subquery()


def _attended(session: Session, home_id: int, host_id: int | None) -> pd.DataFrame:
    """Each completion of a ``home_id`` person that another force's delegate list (the
    host's, when given) reported."""
    reports = _reports()
    stmt = (select(Person.id, Person.full_name, Person.collar_number, Person.staff_number,
                   Module.title, Completion.completed_on).distinct()
            .join(reports, reports.c.completion_id == Completion.id)
            .join(Person, Person.id == Completion.person_id)
            .join(Module, Module.id == Completion.module_id)
            .where(Person.force_id == home_id, reports.c.host_id != home_id))
    if host_id is not None:
        stmt = stmt.where(reports.c.host_id == host_id)
    return pd.DataFrame(session.execute(stmt).all(), columns=ATTENDED_COLUMNS)


def _absent(session: Session, home_id: int, host_id: int | None) -> pd.DataFrame:
    """Each absence of a ``home_id`` person that another force's delegate list (the host's,
    when given) reported, unless a completion says they attended that day after all."""
    came = exists().where(Completion.person_id == HydraAbsence.person_id,
                          Completion.module_id == HydraAbsence.module_id,
                          Completion.completed_on == HydraAbsence.held_on)
    stmt = (select(Person.id, Person.full_name, Person.collar_number, Person.staff_number,
                   Module.title, HydraAbsence.held_on)
            .join(ImportBatch, ImportBatch.id == HydraAbsence.batch_id)
            .join(Person, Person.id == HydraAbsence.person_id)
            .join(Module, Module.id == HydraAbsence.module_id)
            .where(ImportBatch.kind == HYDRA_KIND, ImportBatch.status == "committed",
                   Person.force_id == home_id, ImportBatch.force_id != home_id, ~came))
    if host_id is not None:
        stmt = stmt.where(ImportBatch.force_id == host_id)
    return pd.DataFrame(session.execute(stmt).all(), columns=ATTENDED_COLUMNS)


def _listed(session: Session, home_id: int, host_id: int | None) -> pd.DataFrame:
    """The attendances and the absences, each with its ``attendance`` word."""
    parts = [frame.assign(attendance=word) for frame, word in (
        (_attended(session, home_id, host_id), ATTENDED),
        (_absent(session, home_id, host_id), ABSENT)) if not frame.empty]
    if not parts:
        return pd.DataFrame(columns=[*ATTENDED_COLUMNS, "attendance"])
    return pd.concat(parts, ignore_index=True)


def _ranks(session: Session, people: list[int]) -> dict[int, str]:
    """Each person's rank as their latest roster snapshot wrote it (a delegate has none
    unless this database holds their force's roster)."""
    latest = (select(PersonState.person_id, func.max(PersonState.as_of).label("as_of"))
              .where(PersonState.person_id.in_(people)).group_by(PersonState.person_id)
              .subquery())
    stmt = (select(PersonState.person_id, PersonState.rank_raw, PersonState.rank)
            .join(latest, (latest.c.person_id == PersonState.person_id)
                  & (latest.c.as_of == PersonState.as_of)))
    return {pid: raw or vocab.rank_label(code)
            for pid, raw, code in session.execute(stmt) if raw or code}


def _check_forces(home: str, host: str | None) -> None:
    for code in (home, host):
        if code is not None and code not in vocab.forces().forces:
            raise VisitorsError(f"There is no force {code!r}; a force is named by its code, "
                                "e.g. wiltshire.", Refusal.NO_VISITING_FORCE)
    if host is not None and host == home:
        raise VisitorsError(f"{home} cannot be its own visitor: name another force than the "
                            "one whose sessions these were.", Refusal.NO_VISITING_FORCE)


def visitors(session: Session, home: str, host: str | None = None) -> Visitors:
    """``home``'s people who attended Hydra sessions recorded by ``host``'s delegate lists
    (every other force's lists when ``host`` is None). Refuses an unknown force and a force
    none of whose people attended (``VisitorsError``)."""
    force_ids = _force_ids(session)
    _check_forces(home, host)
    name = vocab.forces().forces[home].name
    if home not in force_ids or (host is not None and host not in force_ids):
        frame = pd.DataFrame(columns=[*ATTENDED_COLUMNS, "attendance"])
    else:
        frame = _listed(session, force_ids[home],
                        force_ids[host] if host is not None else None)
    if frame.empty:
        raise VisitorsError(f"No delegate of {name} attended a Hydra session recorded here, "
                            "so there is nothing to send them.", Refusal.NO_VISITORS)
    ranks = _ranks(session, [int(p) for p in frame["person_id"].unique()])
    rank = frame["person_id"].map(ranks).astype(object)
    names = frame["full_name"].astype(object).copy()
    names[names.astype(str).str.match(_KEY_NAME)] = None
    frame = frame.assign(full_name=names,
                         rank_label=rank.where(rank.notna(), None), home_force=name,
                         course_date=pd.to_datetime(frame["course_date"]))
    frame = frame.sort_values(["course_date", "full_name", "collar_number"], ignore_index=True)
    return Visitors(home, name, host, frame[LAYOUT], int(frame["person_id"].nunique()),
                    int((frame["attendance"] == ABSENT).sum()))


def _listed_people() -> Subquery:
    """(person_id, host_id) of each delegate a committed delegate list reported, as
    attended (a completion) or not (an absence), with the force that imported it."""
    reports = _reports()
    came = (select(Completion.person_id.label("person_id"), reports.c.host_id)
            .join(reports, reports.c.completion_id == Completion.id))
    absent = (select(HydraAbsence.person_id, ImportBatch.force_id)
              .join(ImportBatch, ImportBatch.id == HydraAbsence.batch_id)
              .where(ImportBatch.kind == HYDRA_KIND, ImportBatch.status == "committed"))
    return union(came, absent).subquery()


def visiting_forces(session: Session, host: str | None = None) -> pd.DataFrame:
    """The forces whose people are on Hydra delegate lists of another force (the host's,
    when given), attended or not: force (code), force_name, delegates (people), by name."""
    listed = _listed_people()
    stmt = (select(Force.code, Force.name, func.count(func.distinct(Person.id)))
            .join(Person, Person.force_id == Force.id)
            .join(listed, listed.c.person_id == Person.id)
            .where(Person.force_id != listed.c.host_id)
            .group_by(Force.code, Force.name).order_by(Force.name))
    if host is not None:
        stmt = stmt.where(listed.c.host_id == _force_ids(session).get(host))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["force", "force_name", "delegates"])


def file_format(name: str) -> str:
    """"xlsx" or "csv" from a file name; refuses any other."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise VisitorsError(f"{name}: the return is written as .xlsx or .csv (the layout a "
                            "Hydra delegate list import reads); name the file with one of "
                            "those endings.", Refusal.VISITORS_FILE_TYPE)
    return suffix


def write_visitors(result: Visitors, target: str | Path | IO[bytes], fmt: str) -> None:
    """The return as a delegate list: headings a person (and the Hydra import) reads, text
    that cannot run as a formula."""
    frame = headed(result.delegates)
    if fmt == "csv":
        write_csv_table(frame, target)
    else:
        write_xlsx_table(frame, target, sheet_name=SHEET)


def export_visitors(engine: Engine, home: str, target: str | Path | IO[bytes], fmt: str,
                    actor: str, host: str | None = None) -> Visitors:
    """Build ``home``'s return, write it to ``target`` and record the export in the audit
    log (who, which force, how many rows)."""
    with unit_of_work(engine) as session:
        result = visitors(session, home, host)
    write_visitors(result, target, fmt)
    with unit_of_work(engine) as session:
        audit.record(session, actor, "visitors-export", _target_name(target, fmt),
                     force=home, host=host, rows=len(result.delegates), people=result.people,
                     absences=result.absences,
                     first=_day(result.delegates["course_date"].min()),
                     last=_day(result.delegates["course_date"].max()))
    return result


def _target_name(target: object, fmt: str) -> str:
    return Path(target).name if isinstance(target, str | Path) else f"visitors.{fmt}"


def _day(value: pd.Timestamp) -> str:
    return dt.date.isoformat(value.date())


__all__ = ["ABSENT", "ATTENDED", "LAYOUT", "Visitors", "VisitorsError",
           "export_visitors", "file_format", "visiting_forces", "visitors", "write_visitors"]
