"""Small factories for hand-worked rosters, inserted straight into the test database.

    with unit_of_work(engine) as s:
        jo = make_person(s, "1001", states=[(date(2026, 1, 5), "inspector", "response"),
                                            (date(2026, 3, 2), "inspector", "cid")])
        add_completion(s, jo, "oic-hydra", date(2026, 2, 10))
        add_exemption(s, jo, "oic-elearning", "Career break", date(2026, 1, 1))

A state is a tuple ``(as_of, rank, department)`` or a dict of ``PersonState`` fields with
``as_of``; keyword arguments of ``make_person`` (``start_date``, ``detective``,
``workforce_type``, ``line_manager``, ``unit``, ``role``, ``leaving_date``, ``status``)
apply to every state unless the state says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.reference import vocab
from tracker.store import models

DEFAULT_FORCE = "avon-and-somerset"
DEFAULT_START = dt.date(2015, 1, 1)
StateSpec = tuple[Any, ...] | dict[str, Any]


def force_id(session: Session, code: str) -> int:
    cache = session.info.setdefault("force_ids", {})
    if code not in cache:
        cache[code] = session.scalar(select(models.Force.id).where(models.Force.code == code))
    return int(cache[code])


def module_id(session: Session, code: str) -> int:
    cache = session.info.setdefault("module_ids", {})
    if code not in cache:
        cache[code] = session.scalar(select(models.Module.id).where(models.Module.code == code))
    return int(cache[code])


def batch(session: Session, file_name: str, kind: str, force: str = DEFAULT_FORCE,
          as_of: dt.date | None = None) -> models.ImportBatch:
    """The import batch for ``file_name`` (created once per session)."""
    cache = session.info.setdefault("batches", {})
    if file_name not in cache:
        row = models.ImportBatch(file_name=file_name, sha256="0" * 64, kind=kind,
                                 force_id=force_id(session, force), imported_by="tests",
                                 as_of=as_of)
        session.add(row)
        session.flush()
        cache[file_name] = row
    return cache[file_name]  # type: ignore[no-any-return]


def snapshot(session: Session, as_of: dt.date, force: str = DEFAULT_FORCE) -> int:
    """The id of the roster snapshot of ``force`` on ``as_of`` (created once)."""
    cache = session.info.setdefault("snapshots", {})
    if (force, as_of) not in cache:
        hr = batch(session, f"hr-{force}-{as_of.isoformat()}.csv", "hr-roster", force, as_of)
        row = models.RosterSnapshot(force_id=force_id(session, force), batch_id=hr.id,
                                    as_of=as_of)
        session.add(row)
        session.flush()
        cache[(force, as_of)] = row.id
    return int(cache[(force, as_of)])


def _state_fields(spec: StateSpec, common: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, dict):
        fields = {**common, **spec}
    else:
        as_of, rank, department, *rest = spec
        fields = {**common, "as_of": as_of, "rank": rank, "department": department,
                  **(rest[0] if rest else {})}
    rank = vocab.ranks().ranks.get(fields.get("rank") or "")
    fields.setdefault("workforce_type", rank.workforce_type if rank else "police_officer")
    fields.setdefault("unit", vocab.department_label(fields.get("department")))
    fields.setdefault("start_date", DEFAULT_START)
    fields.setdefault("status", "active")
    fields.setdefault("detective", False)
    return fields


def make_person(session: Session, staff_number: str, *, states: list[StateSpec],
                force: str = DEFAULT_FORCE, collar: str | None = None,
                name: str | None = None, email: str | None = None,
                **common: Any) -> models.Person:
    """A person with one state per roster snapshot in ``states``."""
    full_name = name or f"Officer {staff_number}"
    person = models.Person(
        force_id=force_id(session, force), staff_number=staff_number, collar_number=collar,
        surname=full_name.split()[-1], forenames=" ".join(full_name.split()[:-1]) or None,
        full_name=full_name, email=email,
    )
    session.add(person)
    session.flush()
    for spec in states:
        fields = _state_fields(spec, common)
        session.add(models.PersonState(snapshot_id=snapshot(session, fields["as_of"], force),
                                       person_id=person.id, **fields))
    session.flush()
    return person


def add_completion(session: Session, person: models.Person, module: str,
                   completed_on: dt.date, *, file_name: str = "lms-export.csv",
                   row: int | None = None) -> models.Completion:
    """A completion of ``module`` first reported by the file ``file_name`` (at ``row``)."""
    source = batch(session, file_name, "hydra-delegates" if module == "oic-hydra"
                   else "lms-long")
    completion = models.Completion(person_id=person.id, module_id=module_id(session, module),
                                   completed_on=completed_on, source=source.kind,
                                   batch_id=source.id, raw_title=module, row=row)
    session.add(completion)
    session.flush()
    return completion


def add_exemption(session: Session, person: models.Person, requirement: str, reason: str,
                  starts_on: dt.date, ends_on: dt.date | None = None) -> models.Exemption:
    exemption = models.Exemption(person_id=person.id, requirement=requirement, reason=reason,
                                 starts_on=starts_on, ends_on=ends_on, recorded_by="tests")
    session.add(exemption)
    session.flush()
    return exemption
