"""Who the lead may add to a session's invite list by hand: the people still to train on
the session's day (the coverage engine's: not completed, not exempt), not exempt today
either and not on its list already, most overdue first, each with the words a search box
matches (name, staff number)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from tracker.coverage.engine import compute
from tracker.coverage.population import days_overdue
from tracker.coverage.rules import RuleSet
from tracker.sessions.register import find, session_requirement
from tracker.store.db import unit_of_work
from tracker.store.models import Force, SessionInvite

COLUMNS = ["person_id", "full_name", "staff_number", "department_label", "days_overdue"]


def candidates(engine: Engine, rules: RuleSet, session_id: int,
               as_of: dt.date) -> pd.DataFrame:
    """COLUMNS, one row per person who could be added to the session's list, the most
    overdue first (then by name); ``days_overdue`` on ``as_of`` (0 when not yet due)."""
    with unit_of_work(engine) as session:
        row = find(session, session_id)
        force = str(session.scalar(select(Force.code).where(Force.id == row.force_id)))
        listed = set(session.scalars(select(SessionInvite.person_id)
                                     .where(SessionInvite.session_id == session_id)))
        held_on, requirement = row.held_on, row.requirement
    req = session_requirement(rules, requirement)
    now = compute(engine, rules, as_of, requirement=req.id, force=force).status_frame
    skip = listed | set(now.loc[now["status"] == "exempt", "person_id"].astype(int))
    then = compute(engine, rules, held_on, requirement=req.id, force=force).people
    people = then[~then["status"].isin(["completed", "exempt"])
                  & ~then["person_id"].isin(list(skip))]
    people = people.assign(days_overdue=days_overdue(people["start_date"], req, as_of))
    people = people.drop_duplicates("person_id").sort_values(
        ["days_overdue", "full_name"], ascending=[False, True], kind="stable")
    return people[COLUMNS].reset_index(drop=True)
