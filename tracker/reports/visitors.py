"""Visiting forces' return: the people of another force (their home force) who attended
Hydra sessions here, recorded by this force's delegate-list imports, as a delegate list in
the layout the tool's own Hydra import reads (course, course date, name, collar and staff
number, rank, home force, attendance), to send to that force. Its import there credits the
home force's people.

Only that force's people: never the host's own, never a third force's. A delegate list's
"did not attend" rows are not stored as completions (the import counts them and moves on),
so every row of the return is one the host recorded as attended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd
from sqlalchemy import Engine, Select, exists, func, or_, select
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
    ImportBatch,
    Module,
    Person,
    PersonState,
)

HYDRA_KIND = "hydra-delegates"  # tracker.ingest.records.Kind.HYDRA (this room may not import it)
ATTENDED = "Attended"
# The file's columns, in order; their headings come from the label table.
LAYOUT = ["course", "course_date", "full_name", "collar_number", "staff_number", "rank_label",
          "home_force", "attendance"]
FORMATS = ("xlsx", "csv")
SHEET = "Delegates"


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

    @property
    def people(self) -> int:
        return int(self.delegates[["full_name", "collar_number", "staff_number"]]
                   .drop_duplicates().shape[0])


def _force_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Force.code, Force.id)).all())


def _host_batches(force_ids: dict[str, int], home: str, host: str | None) -> Select:
    """The committed delegate-list imports of the host (of every force but ``home`` when
    no host is named)."""
    stmt = select(ImportBatch.id).where(ImportBatch.kind == HYDRA_KIND,
                                        ImportBatch.status == "committed",
                                        ImportBatch.force_id != force_ids[home])
    if host is not None:
        stmt = stmt.where(ImportBatch.force_id == force_ids[host])
    return stmt


def _attended(session: Session, home_id: int, batches: Select) -> pd.DataFrame:
    """Each completion of a ``home_id`` person that one of ``batches`` reported (first, or
    as more evidence)."""
    seen = exists().where(CompletionEvidence.completion_id == Completion.id,
                          CompletionEvidence.batch_id.in_(batches))
    stmt = (select(Person.id, Person.full_name, Person.collar_number, Person.staff_number,
                   Module.title, Completion.completed_on)
            .join(Person, Person.id == Completion.person_id)
            .join(Module, Module.id == Completion.module_id)
            .where(Person.force_id == home_id,
                   or_(Completion.batch_id.in_(batches), seen)))
    rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=["person_id", "full_name", "collar_number",
                                       "staff_number", "course", "course_date"])


def _ranks(session: Session, people: list[int]) -> dict[int, str]:
    """Each person's rank as their latest roster snapshot wrote it (a delegate has none
    unless this database holds their force's roster)."""
    latest = (select(PersonState.person_id, func.max(PersonState.as_of).label("as_of"))
              .where(PersonState.person_id.in_(people)).group_by(PersonState.person_id)
              .subquery())
    stmt = (select(PersonState.person_id, PersonState.rank_raw, PersonState.rank)
            .join(latest, (latest.c.person_id == PersonState.person_id)
                  & (latest.c.as_of == PersonState.as_of)))
    return {pid: raw or (vocab.rank_label(code) if code else "")
            for pid, raw, code in session.execute(stmt)}


def _check_forces(force_ids: dict[str, int], home: str, host: str | None) -> None:
    for code in (home, host):
        if code is not None and code not in vocab.forces().forces:
            raise VisitorsError(f"There is no force {code!r}; a force is named by its code, "
                                "e.g. wiltshire.", Refusal.NO_FORCE)
    if host is not None and host == home:
        raise VisitorsError(f"{home} cannot be its own visitor: name another force than the "
                            "one whose sessions these were.", Refusal.NO_FORCE)


def visitors(session: Session, home: str, host: str | None = None) -> Visitors:
    """``home``'s people who attended Hydra sessions recorded by ``host``'s delegate lists
    (every other force's lists when ``host`` is None). Refuses an unknown force and a force
    none of whose people attended (``VisitorsError``)."""
    force_ids = _force_ids(session)
    _check_forces(force_ids, home, host)
    name = vocab.forces().forces[home].name
    if home not in force_ids or (host is not None and host not in force_ids):
        frame = pd.DataFrame(columns=["person_id", "full_name", "collar_number",
                                      "staff_number", "course", "course_date"])
    else:
        frame = _attended(session, force_ids[home], _host_batches(force_ids, home, host))
    if frame.empty:
        raise VisitorsError(f"No delegate of {name} attended a Hydra session recorded here, "
                            "so there is nothing to send them.", Refusal.NO_VISITORS)
    ranks = _ranks(session, [int(p) for p in frame["person_id"].unique()])
    rank = frame["person_id"].map(ranks).astype(object)
    frame = frame.assign(rank_label=rank.where(rank.notna(), None), home_force=name,
                         attendance=ATTENDED, course_date=pd.to_datetime(frame["course_date"]))
    frame = frame.sort_values(["course_date", "full_name", "collar_number"], ignore_index=True)
    return Visitors(home, name, host, frame[LAYOUT])


def visiting_forces(session: Session, host: str | None = None) -> pd.DataFrame:
    """The forces whose people attended Hydra sessions the host's delegate lists recorded:
    force (code), force_name, delegates (people), sorted by name."""
    batches = select(ImportBatch.id).where(ImportBatch.kind == HYDRA_KIND,
                                           ImportBatch.status == "committed")
    host_id = _force_ids(session).get(host) if host is not None else None
    if host is not None:
        batches = batches.where(ImportBatch.force_id == host_id)
    seen = exists().where(CompletionEvidence.completion_id == Completion.id,
                          CompletionEvidence.batch_id.in_(batches))
    stmt = (select(Force.code, Force.name, func.count(func.distinct(Person.id)))
            .join(Person, Person.force_id == Force.id)
            .join(Completion, Completion.person_id == Person.id)
            .where(or_(Completion.batch_id.in_(batches), seen))
            .group_by(Force.code, Force.name).order_by(Force.name))
    if host is not None:
        stmt = stmt.where(Person.force_id != host_id)
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["force", "force_name", "delegates"])
    return frame


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
                     first=_day(result.delegates["course_date"].min()),
                     last=_day(result.delegates["course_date"].max()))
    return result


def _target_name(target: object, fmt: str) -> str:
    return Path(target).name if isinstance(target, str | Path) else f"visitors.{fmt}"


def _day(value: pd.Timestamp) -> str:
    return dt.date.isoformat(value.date())


__all__ = ["ATTENDED", "LAYOUT", "Visitors", "VisitorsError",
           "export_visitors", "file_format", "visiting_forces", "visitors", "write_visitors"]
