"""A force's register of sessions for a requirement delivered in person: add, list, edit
and remove, each change audited (who changed what, from what, to what)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from tracker.coverage.rules import Requirement, RuleSet
from tracker.messages.hints import Advised, Refusal
from tracker.reference.text import short_date
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import Force, HydraSession, SessionInvite, utcnow

EDITABLE = ("held_on", "venue", "capacity", "trainer", "notes")


class SessionError(Advised):
    """A refused change to the register of sessions; the message says what to change."""


@dataclass(frozen=True)
class SessionView:
    """A session as every face shows it; ``invited``: how many people are on its list."""

    id: int
    force: str
    requirement: str
    held_on: dt.date
    venue: str
    capacity: int
    trainer: str | None
    notes: str | None
    invited: int
    updated_by: str
    updated_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "force": self.force, "requirement": self.requirement,
                "date": self.held_on.isoformat(), "venue": self.venue,
                "capacity": self.capacity, "trainer": self.trainer, "notes": self.notes,
                "invited": self.invited, "updated_by": self.updated_by,
                "updated_at": self.updated_at.isoformat(timespec="seconds")}


# ---------------------------------------------------------------- checks


def session_requirement(rules: RuleSet, requirement: str) -> Requirement:
    """The requirement ``requirement`` of the rules, if it is delivered in sessions."""
    found = {r.id: r for r in rules.requirements}
    planned = [r.id for r in rules.requirements if r.in_sessions]
    if requirement not in found or not found[requirement].in_sessions:
        why = "is not in the rules" if requirement not in found else "is not delivered in sessions"
        raise SessionError(f"Requirement {requirement!r} {why}; sessions are planned for "
                           f"{', '.join(planned) or 'no requirement of these rules'}.")
    return found[requirement]


def _venue(text: str) -> str:
    venue = " ".join(text.split())
    if not venue:
        raise SessionError("A session needs a venue (e.g. Portishead HQ, Hydra suite).")
    return venue


def _capacity(value: int) -> int:
    if value < 1:
        raise SessionError(f"A session's capacity is its number of seats, 1 or more; "
                           f"{value} was given.")
    return value


def _optional(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(text.split()) or None


def _force_id(session: Session, code: str) -> int:
    found = session.scalar(select(Force.id).where(Force.code == code))
    if found is None:
        raise SessionError(f"Unknown force {code!r}; use a force code such as "
                           "avon-and-somerset.")
    return found


# ---------------------------------------------------------------- reads


def _views(session: Session, rows: list[HydraSession]) -> list[SessionView]:
    ids = [r.id for r in rows]
    invited: dict[int, int] = {sid: n for sid, n in session.execute(
        select(SessionInvite.session_id, func.count()).where(SessionInvite.session_id.in_(ids))
        .group_by(SessionInvite.session_id))} if ids else {}
    codes: dict[int, str] = {fid: code for fid, code in session.execute(
        select(Force.id, Force.code))}
    return [SessionView(r.id, codes[r.force_id], r.requirement, r.held_on, r.venue,
                        r.capacity, r.trainer, r.notes, invited.get(r.id, 0), r.updated_by,
                        r.updated_at) for r in rows]


def list_sessions(engine: Engine, *, force: str | None = None, requirement: str | None = None,
                  since: dt.date | None = None) -> list[SessionView]:
    """Sessions by date (of one force, one requirement, on or after ``since`` if given)."""
    query = select(HydraSession).order_by(HydraSession.held_on, HydraSession.id)
    with unit_of_work(engine) as session:
        if force is not None:
            query = query.where(HydraSession.force_id == _force_id(session, force))
        if requirement is not None:
            query = query.where(HydraSession.requirement == requirement)
        if since is not None:
            query = query.where(HydraSession.held_on >= since)
        return _views(session, list(session.scalars(query)))


def find(session: Session, session_id: int) -> HydraSession:
    row = session.get(HydraSession, session_id)
    if row is None:
        raise SessionError(f"No session {session_id} in the register.", Refusal.NO_SESSION)
    return row


# ---------------------------------------------------------------- changes


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def add_session(engine: Engine, rules: RuleSet, force: str, requirement: str,
                held_on: dt.date, venue: str, capacity: int, actor: str, *,
                trainer: str | None = None, notes: str | None = None) -> SessionView:
    """Record a session, planned or held, of a requirement delivered in sessions."""
    session_requirement(rules, requirement)
    with unit_of_work(engine) as session:
        row = HydraSession(force_id=_force_id(session, force), requirement=requirement,
                           held_on=held_on, venue=_venue(venue), capacity=_capacity(capacity),
                           trainer=_optional(trainer), notes=_optional(notes),
                           created_by=actor, updated_by=actor)
        session.add(row)
        session.flush()
        audit.record(session, actor, "session-add", f"session:{row.id}", force=force,
                     requirement=requirement,
                     **{f: _shown(getattr(row, f)) for f in EDITABLE})
        return _views(session, [row])[0]


def _wanted(row: HydraSession, given: dict[str, Any]) -> dict[str, Any]:
    after = {f: getattr(row, f) for f in EDITABLE}
    checks: dict[str, Callable[[Any], Any]] = {
        "venue": _venue, "capacity": _capacity, "trainer": _optional, "notes": _optional}
    for field, value in given.items():
        if value is not None:
            after[field] = checks.get(field, lambda v: v)(value)
    return after


def _seats_hold_invited(session: Session, row: HydraSession, capacity: int) -> None:
    """Refuse fewer seats than the people on the session's invite list."""
    invited = session.scalar(select(func.count()).select_from(SessionInvite)
                             .where(SessionInvite.session_id == row.id)) or 0
    if capacity < invited:
        raise SessionError(f"The session of {short_date(row.held_on)} at {row.venue} has "
                           f"{invited} people invited, so it cannot have {capacity} "
                           f"seat{'' if capacity == 1 else 's'}.",
                           Refusal.SEATS_BELOW_INVITED, invited=invited)


def edit_session(engine: Engine, session_id: int, actor: str, *,
                 held_on: dt.date | None = None, venue: str | None = None,
                 capacity: int | None = None, trainer: str | None = None,
                 notes: str | None = None) -> SessionView:
    """Change a session's date, venue, capacity, trainer or notes ("" clears the last two).
    Audited as each field's old and new value; an edit that changes nothing writes
    nothing."""
    given = {"held_on": held_on, "venue": venue, "capacity": capacity, "trainer": trainer,
             "notes": notes}
    if all(v is None for v in given.values()):
        raise SessionError("Nothing to change: give a new date, venue, capacity, trainer "
                           "or notes.")
    with unit_of_work(engine) as session:
        row = find(session, session_id)
        after = _wanted(row, given)
        _seats_hold_invited(session, row, after["capacity"])
        changed = {f: {"old": _shown(getattr(row, f)), "new": _shown(v)}
                   for f, v in after.items() if getattr(row, f) != v}
        if changed:
            for field in changed:
                setattr(row, field, after[field])
            row.updated_by, row.updated_at = actor, utcnow()
            audit.record(session, actor, "session-edit", f"session:{session_id}", **changed)
        return _views(session, [row])[0]


def remove_session(engine: Engine, session_id: int, actor: str) -> SessionView:
    """Take a session (and its invite list) out of the register; the audit keeps what it
    was."""
    with unit_of_work(engine) as session:
        row = find(session, session_id)
        view = _views(session, [row])[0]
        session.execute(delete(SessionInvite).where(SessionInvite.session_id == session_id))
        session.delete(row)
        audit.record(session, actor, "session-remove", f"session:{session_id}",
                     **{k: v for k, v in view.to_dict().items()
                        if k not in ("id", "updated_at")})
        return view
