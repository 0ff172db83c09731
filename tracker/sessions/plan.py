"""The plan of a requirement delivered in sessions, as of a date: who is still to train,
who joins them before each planned session, the seats planned, and whether (and when) the
plan closes the gap by a target date.

``outstanding`` is the coverage engine's own count on the date: in scope, minus completed,
minus exempt (so people not yet due count: they will be due). A session counts as planned
when it is after the date (one held on the date is in the coverage already, once its
delegate list is imported). ``joining`` on a later day: the people the coverage engine puts
in scope and not done on that day (from the roster's future start dates and snapshots, and
exemptions that end) who are not among today's outstanding. Leavers are not taken off: the
plan errs towards more seats.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, exists, select

from tracker.coverage.engine import compute
from tracker.coverage.rules import Requirement, RuleSet
from tracker.sessions.register import SessionView, list_sessions, session_requirement
from tracker.store.db import unit_of_work
from tracker.store.models import Force, Person, PersonState, RosterSnapshot

DEFAULT_SESSION_SIZE = 12  # seats, when neither the rules nor a recorded session say
DONE = ("completed", "exempt")


@dataclass(frozen=True)
class PlannedSession:
    """A session after the as-of date, with the seats planned up to it and the need then."""

    id: int
    held_on: dt.date
    venue: str
    capacity: int
    seats_to_date: int
    need_by_then: int

    @property
    def closes_gap(self) -> bool:
        return self.seats_to_date >= self.need_by_then

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.held_on.isoformat(), "venue": self.venue,
                "capacity": self.capacity, "seats_to_date": self.seats_to_date,
                "need_by_then": self.need_by_then, "closes_gap": self.closes_gap}


@dataclass(frozen=True)
class Plan:
    """One requirement's plan. ``need``: outstanding now plus joining by the target date."""

    requirement: str
    title: str
    as_of: dt.date
    target: dt.date
    in_scope: int
    completed: int
    exempt: int
    outstanding: int
    joining: int
    seats_planned: int
    usual_size: int
    closes_on: dt.date | None
    sessions: tuple[PlannedSession, ...]
    roster_looks_ahead: bool

    @property
    def need(self) -> int:
        return self.outstanding + self.joining

    @property
    def closes_gap(self) -> bool:
        return self.seats_planned >= self.need

    @property
    def sessions_needed(self) -> int:
        return math.ceil(max(0, self.need - self.seats_planned) / self.usual_size)

    def to_dict(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "outstanding": self.outstanding,
                "seats_planned": self.seats_planned, "closes_gap": self.closes_gap,
                "sessions_needed": self.sessions_needed, "title": self.title,
                "as_of": self.as_of.isoformat(), "target": self.target.isoformat(),
                "in_scope": self.in_scope, "completed": self.completed, "exempt": self.exempt,
                "joining": self.joining, "need": self.need, "usual_size": self.usual_size,
                "closes_on": self.closes_on.isoformat() if self.closes_on else None,
                "roster_looks_ahead": self.roster_looks_ahead,
                "sessions": [s.to_dict() for s in self.sessions]}


def usual_size(req: Requirement, sessions: Sequence[SessionView]) -> int:
    """The median capacity of the sessions recorded (planned or held, rounded up); the
    rules' ``session_size`` when there are none; else DEFAULT_SESSION_SIZE."""
    if sessions:
        return math.ceil(statistics.median(s.capacity for s in sessions))
    return req.session_size or DEFAULT_SESSION_SIZE


def default_target(req: Requirement, as_of: dt.date, sessions: Sequence[SessionView]
                   ) -> dt.date:
    """The date to close the gap by: the requirement's deadline; once it has passed, the
    last session planned after ``as_of`` (``as_of`` itself when there is none), so the
    plan still says what the sessions to come achieve."""
    if req.deadline > as_of:
        return req.deadline
    return max((s.held_on for s in sessions if s.held_on > as_of), default=as_of)


def roster_looks_ahead(engine: Engine, as_of: dt.date, force: str | None) -> bool:
    """Whether the roster says anything of the days after ``as_of``: a snapshot dated after
    it, or someone starting after it."""
    later_snapshot = select(RosterSnapshot.id).where(RosterSnapshot.as_of > as_of)
    later_start = (select(PersonState.id).join(Person, Person.id == PersonState.person_id)
                   .where(PersonState.start_date > as_of))
    if force is not None:
        fid = select(Force.id).where(Force.code == force).scalar_subquery()
        later_snapshot = later_snapshot.where(RosterSnapshot.force_id == fid)
        later_start = later_start.where(Person.force_id == fid)
    with unit_of_work(engine) as session:
        return bool(session.scalar(select(exists(later_snapshot) | exists(later_start))))


def _not_done(people: pd.DataFrame) -> set[int]:
    return set(people.loc[~people["status"].isin(DONE), "person_id"].astype(int))


def plan_requirement(engine: Engine, rules: RuleSet, requirement: str, as_of: dt.date, *,
                     by: dt.date | None = None, force: str | None = None) -> Plan:
    """The plan of one requirement delivered in sessions, for one force or all."""
    req = session_requirement(rules, requirement)
    recorded = list_sessions(engine, force=force, requirement=req.id)
    target = by or default_target(req, as_of, recorded)
    result = compute(engine, rules, as_of, requirement=req.id, force=force)
    known = {as_of: frozenset(_not_done(result.status_frame))}

    def still_to_train(day: dt.date) -> frozenset[int]:
        if day not in known:
            known[day] = frozenset(_not_done(compute(engine, rules, day, requirement=req.id,
                                                     force=force).status_frame))
        return known[day]

    now = result.summary()
    counts = now.iloc[0] if len(now) else pd.Series(0, index=["in_scope", "completed",
                                                              "exempt"])
    outstanding = int(counts["in_scope"] - counts["completed"] - counts["exempt"])
    planned = _planned(recorded, as_of, still_to_train)
    by_target = [s for s in planned if s.held_on <= target]
    joining = _joining(still_to_train, as_of, target)
    closes_on = as_of if outstanding == joining == 0 else next(
        (s.held_on for s in planned if s.closes_gap), None)
    return Plan(req.id, req.title, as_of, target, int(counts["in_scope"]),
                int(counts["completed"]), int(counts["exempt"]), outstanding, joining,
                by_target[-1].seats_to_date if by_target else 0, usual_size(req, recorded),
                closes_on, tuple(planned), roster_looks_ahead(engine, as_of, force))


def _joining(still_to_train: Callable[[dt.date], frozenset[int]], as_of: dt.date,
             day: dt.date) -> int:
    """How many people still to train on ``day`` are not among those on ``as_of``."""
    return len(still_to_train(day) - still_to_train(as_of)) if day > as_of else 0


def _planned(recorded: Sequence[SessionView], as_of: dt.date,
             still_to_train: Callable[[dt.date], frozenset[int]]) -> list[PlannedSession]:
    """The sessions after ``as_of``, each with the seats up to it and the need by then."""
    out: list[PlannedSession] = []
    seats = 0
    now = len(still_to_train(as_of))
    for s in recorded:
        if s.held_on <= as_of:
            continue
        seats += s.capacity
        need = now + _joining(still_to_train, as_of, s.held_on)
        out.append(PlannedSession(s.id, s.held_on, s.venue, s.capacity, seats, need))
    return out


def plan(engine: Engine, rules: RuleSet, as_of: dt.date, *, requirement: str | None = None,
         by: dt.date | None = None, force: str | None = None) -> list[Plan]:
    """The plan of each requirement delivered in sessions (or of the one asked for)."""
    ids = [requirement] if requirement else [r.id for r in rules.requirements if r.in_sessions]
    return [plan_requirement(engine, rules, rid, as_of, by=by, force=force) for rid in ids]
