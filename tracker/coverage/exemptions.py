"""Exemptions: a person in scope excused from a requirement for a recorded reason (long-term
absence, career break, secondment). Recorded, ended and listed here, every change audited;
the coverage engine reports exempt people separately, never silently dropping them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.config import load_settings
from tracker.messages.hints import Advised, Refusal
from tracker.reference.text import short_date
from tracker.store import audit
from tracker.store.models import Exemption, Force, Person, PersonState

REASONS = (
    "Long-term absence",
    "Career break",
    "Secondment",
    "Maternity, paternity or adoption leave",
    "Restricted duties",
    "Other (see note)",
)

LIST_COLUMNS = [
    "id", "person_id", "force", "staff_number", "full_name", "department", "requirement",
    "reason", "starts_on", "ends_on", "active", "recorded_by", "recorded_at",
]


class ExemptionError(Advised):
    """A refused exemption request; the message says what to change."""


def record_exemption(session: Session, person_id: int, requirement: str, reason: str,
                     starts_on: dt.date, actor: str, *, ends_on: dt.date | None = None,
                     known_requirements: list[str] | None = None) -> Exemption:
    """Record that a person is exempt from a requirement from ``starts_on`` (to ``ends_on``
    inclusive, or open-ended). ``known_requirements`` (the rule ids) guards against typos."""
    person = session.get(Person, person_id)
    if person is None:
        raise ExemptionError(f"No person with id {person_id}.", Refusal.NO_PERSON)
    if known_requirements is not None and requirement not in known_requirements:
        raise ExemptionError(f"Unknown requirement {requirement!r}; use one of: "
                             f"{', '.join(known_requirements)}.")
    if not reason.strip():
        raise ExemptionError("Give a reason for the exemption (e.g. Long-term absence); "
                             "exemptions are reported with their reason.")
    _check_dates(starts_on, ends_on)
    exemption = Exemption(person_id=person_id, requirement=requirement, reason=reason.strip(),
                          starts_on=starts_on, ends_on=ends_on, recorded_by=actor)
    session.add(exemption)
    session.flush()
    audit.record(session, actor, "exemption-record", f"exemption:{exemption.id}",
                 person_id=person_id, staff_number=person.staff_number,
                 requirement=requirement, reason=exemption.reason,
                 starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat() if ends_on else None)
    return exemption


def end_exemption(session: Session, exemption_id: int, ends_on: dt.date, actor: str) -> Exemption:
    """End an exemption on ``ends_on`` (its last day); the person is in scope again after."""
    exemption = session.get(Exemption, exemption_id)
    if exemption is None:
        raise ExemptionError(f"No exemption with id {exemption_id}; see the list of "
                             "exemptions for the right number.")
    _check_dates(exemption.starts_on, ends_on)
    old = exemption.ends_on
    exemption.ends_on = ends_on
    audit.record(session, actor, "exemption-end", f"exemption:{exemption_id}",
                 person_id=exemption.person_id, requirement=exemption.requirement,
                 ends_on=ends_on.isoformat(), previous_end=old.isoformat() if old else None)
    return exemption


def _check_dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ExemptionError(f"The end date {short_date(ends_on)} is before the start date "
                             f"{short_date(starts_on)}; pick an end on or after the start.")


def list_exemptions(engine: Engine, *, force_id: int | None = None,
                    departments: list[str] | tuple[str, ...] | None = None,
                    active_on: dt.date | None = None) -> pd.DataFrame:
    """Exemptions with the person's identity and latest known department, newest first.
    ``active_on`` keeps those in force that day; ``departments`` keeps people whose latest
    roster department is one of them (a manager's view)."""
    latest = (select(PersonState.person_id, func.max(PersonState.as_of).label("as_of"))
              .group_by(PersonState.person_id).subquery())
    dept = (select(PersonState.person_id, PersonState.department)
            .join(latest, and_(latest.c.person_id == PersonState.person_id,
                               latest.c.as_of == PersonState.as_of))
            .subquery())
    query = (
        select(Exemption.id, Exemption.person_id, Force.code.label("force"),
               Person.staff_number, Person.full_name, dept.c.department, Exemption.requirement,
               Exemption.reason, Exemption.starts_on, Exemption.ends_on, Exemption.recorded_by,
               Exemption.recorded_at)
        .join(Person, Person.id == Exemption.person_id)
        .join(Force, Force.id == Person.force_id)
        .outerjoin(dept, dept.c.person_id == Person.id)
        .order_by(Exemption.recorded_at.desc(), Exemption.id.desc())
    )
    if force_id is not None:
        query = query.where(Person.force_id == force_id)
    if departments:
        query = query.where(dept.c.department.in_(list(departments)))
    if active_on is not None:
        query = query.where(Exemption.starts_on <= active_on,
                            or_(Exemption.ends_on.is_(None), Exemption.ends_on >= active_on))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    today = active_on or load_settings().today()
    frame["active"] = (frame["starts_on"] <= today) & (
        frame["ends_on"].isna() | (frame["ends_on"].fillna(dt.date.max) >= today))
    return frame[LIST_COLUMNS]
