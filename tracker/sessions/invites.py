"""Who to invite to a planned session, the lead's invite list, its export, and after the
session who came.

Suggestions fill the seats the list leaves free from the people still to train (the
coverage engine's: not completed, not exempt) on the session's day, who are not exempt
today either and not invited to another session still to come: the most overdue first
(due on the deadline, or for a later starter at the end of their grace days), spread
across departments: the first of each department (most overdue department first), then
the second of each, and so on, so one team is not stripped on one day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from tracker.coverage.engine import compute
from tracker.coverage.population import days_overdue, due_on, load_states
from tracker.coverage.rules import Requirement, RuleSet
from tracker.messages.hints import Refusal
from tracker.reference import vocab
from tracker.reference.labels import headed
from tracker.reports.safe_text import write_csv_table, write_xlsx_table
from tracker.sessions.register import SessionError, find, session_requirement
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import (
    Completion,
    Force,
    HydraAbsence,
    HydraSession,
    ImportBatch,
    Module,
    Person,
    SessionInvite,
)

LIST_COLUMNS = ["full_name", "staff_number", "collar_number", "rank_label",
                "department_label", "unit", "email", "attendance", "person_id"]
ATTENDANCE = {"invited": "invited", "came": "invited, attended",
              "absent": "invited, did not attend (on the delegate list)",
              "unlisted": "invited, not on the delegate list",
              "uninvited": "attended, not invited"}
EXPORTS = ("csv", "xlsx")


def _session(engine: Engine, session_id: int) -> tuple[HydraSession, str]:
    with unit_of_work(engine) as session:
        row = find(session, session_id)
        code = session.scalar(select(Force.code).where(Force.id == row.force_id))
        session.expunge(row)
        return row, str(code)


def _invited(engine: Engine, session_ids: list[int]) -> dict[int, set[int]]:
    """The people invited to each session, by session id."""
    found: dict[int, set[int]] = {sid: set() for sid in session_ids}
    with unit_of_work(engine) as session:
        for sid, pid in session.execute(select(SessionInvite.session_id,
                                               SessionInvite.person_id)
                                        .where(SessionInvite.session_id.in_(session_ids))):
            found[sid].add(pid)
    return found


def _elsewhere(engine: Engine, row: HydraSession, as_of: dt.date) -> set[int]:
    """The people invited to another session of the requirement still to come."""
    with unit_of_work(engine) as session:
        return set(session.scalars(
            select(SessionInvite.person_id).join(HydraSession,
                                                 HydraSession.id == SessionInvite.session_id)
            .where(HydraSession.id != row.id, HydraSession.held_on > as_of,
                   HydraSession.requirement == row.requirement)))


def spread(people: pd.DataFrame) -> pd.DataFrame:
    """``people`` (with ``due``, ``department`` and ``full_name``) in overdue order, taken
    in turn from each department: round one holds each department's most overdue person,
    round two the next, ... (within a round, departments in the order of their most
    overdue person)."""
    ordered = people.assign(dept=people["department"].fillna("")).sort_values(
        ["due", "full_name"], kind="stable").reset_index(drop=True)
    ordered["round"] = ordered.groupby("dept", sort=False).cumcount()
    ordered["first"] = ordered.groupby("dept", sort=False)["round"].transform(
        lambda r: r.index.min())
    ordered = ordered.sort_values(["round", "first"], kind="stable")
    return ordered.drop(columns=["dept", "round", "first"]).reset_index(drop=True)


def suggest(engine: Engine, rules: RuleSet, session_id: int, as_of: dt.date) -> pd.DataFrame:
    """Who to invite to fill the free seats of a session: person_id, full_name,
    staff_number, collar_number, rank_label, department_label, unit, email, due (date) and
    days_overdue (on ``as_of``), in the order to invite them."""
    row, force = _session(engine, session_id)
    req = session_requirement(rules, row.requirement)
    if row.held_on <= as_of:
        raise SessionError(f"Session {session_id} was on {row.held_on}, not after "
                           f"{as_of}: invitations are for sessions still to come.")
    listed = _invited(engine, [session_id])[session_id]
    free = row.capacity - len(listed)
    now = compute(engine, rules, as_of, requirement=req.id, force=force).status_frame
    exempt_now = set(now.loc[now["status"] == "exempt", "person_id"].astype(int))
    then = compute(engine, rules, row.held_on, requirement=req.id, force=force).people
    skip = exempt_now | listed | _elsewhere(engine, row, as_of)
    people = then[~then["status"].isin(["completed", "exempt"])
                  & ~then["person_id"].isin(list(skip))]
    people = people.assign(due=due_on(people["start_date"], req).dt.date,
                           days_overdue=days_overdue(people["start_date"], req, as_of))
    chosen = spread(people).head(max(free, 0))
    return chosen[["person_id", "full_name", "staff_number", "collar_number", "rank_label",
                   "department_label", "unit", "email", "due", "days_overdue"]]


def invite(engine: Engine, session_id: int, person_ids: list[int], actor: str) -> int:
    """Add people to a session's invite list (those on it already stay once); how many
    were added. Refused beyond the session's seats."""
    with unit_of_work(engine) as session:
        row = find(session, session_id)
        held = set(session.scalars(select(SessionInvite.person_id)
                                   .where(SessionInvite.session_id == session_id)))
        new = [p for p in dict.fromkeys(person_ids) if p not in held]
        if len(held) + len(new) > row.capacity:
            raise SessionError(f"Session {session_id} has {row.capacity} seats and "
                               f"{len(held)} people invited; {len(new)} more do not fit. "
                               "Take some off the list, or give the session more seats.",
                               Refusal.SESSION_FULL)
        session.add_all(SessionInvite(session_id=session_id, person_id=p, invited_by=actor)
                        for p in new)
        if new:
            audit.record(session, actor, "session-invite", f"session:{session_id}",
                         person_ids=new)
        return len(new)


def uninvite(engine: Engine, session_id: int, person_ids: list[int], actor: str) -> int:
    """Take people off a session's invite list; how many were on it."""
    with unit_of_work(engine) as session:
        find(session, session_id)
        rows = list(session.scalars(select(SessionInvite).where(
            SessionInvite.session_id == session_id,
            SessionInvite.person_id.in_(list(person_ids)))))
        for invite_row in rows:
            session.delete(invite_row)
        if rows:
            audit.record(session, actor, "session-uninvite", f"session:{session_id}",
                         person_ids=sorted(r.person_id for r in rows))
        return len(rows)


def invite_suggested(engine: Engine, rules: RuleSet, session_id: int, as_of: dt.date,
                     actor: str) -> int:
    """Invite the suggested people (``suggest``) to fill the session's free seats."""
    chosen = suggest(engine, rules, session_id, as_of)
    return invite(engine, session_id, [int(p) for p in chosen["person_id"]], actor)


def _attended(engine: Engine, row: HydraSession, req: Requirement) -> set[int]:
    """The people a delegate list imported by the session's force (its own people and
    visiting delegates) reports completing the requirement's module(s) on the session's
    day."""
    with unit_of_work(engine) as session:
        return set(session.scalars(
            select(Completion.person_id).join(Module, Module.id == Completion.module_id)
            .join(ImportBatch, ImportBatch.id == Completion.batch_id)
            .where(Module.code.in_(list(req.modules)), Completion.completed_on == row.held_on,
                   ImportBatch.force_id == row.force_id)))


def _absent(engine: Engine, row: HydraSession, req: Requirement) -> set[int]:
    """The people a delegate list imported by the session's force marks as not attending
    the requirement's module(s) on the session's day (its stored absences)."""
    with unit_of_work(engine) as session:
        return set(session.scalars(
            select(HydraAbsence.person_id).join(Module, Module.id == HydraAbsence.module_id)
            .join(ImportBatch, ImportBatch.id == HydraAbsence.batch_id)
            .where(Module.code.in_(list(req.modules)), HydraAbsence.held_on == row.held_on,
                   ImportBatch.force_id == row.force_id)))


def _attendance(person: int, invited: set[int], came: set[int], absent: set[int]) -> str:
    """The ATTENDANCE key of one person after the session: attending wins over an absence
    another list recorded for the same day."""
    if person not in invited:
        return "uninvited"
    if person in came:
        return "came"
    return "absent" if person in absent else "unlisted"


def invite_list(engine: Engine, rules: RuleSet, session_id: int,
                as_of: dt.date) -> pd.DataFrame:
    """The session's list (LIST_COLUMNS), by department then name. Once the session is on
    or before ``as_of``, ``attendance`` says who came: invited and attended, invited and
    marked as not attending on a delegate list, invited and on no delegate list, attended
    uninvited (as the imported delegate lists say)."""
    row, _ = _session(engine, session_id)
    req = session_requirement(rules, row.requirement)
    invited = _invited(engine, [session_id])[session_id]
    held = row.held_on <= as_of
    came = _attended(engine, row, req) if held else set()
    absent = _absent(engine, row, req) if held else set()
    people = sorted(invited | came)
    status = {p: _attendance(p, invited, came, absent) if held else "invited" for p in people}
    states = load_states(engine, row.held_on, person_ids=people) if people else None
    if states is None or states.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    states = states.drop_duplicates("person_id", keep="last")
    out = states.assign(
        rank_label=states["rank"].map(vocab.rank_label),
        department_label=states["department"].map(vocab.department_label),
        attendance=states["person_id"].map(lambda p: ATTENDANCE[status[int(p)]]))
    out = out.sort_values(["department_label", "full_name"], kind="stable")
    return out[LIST_COLUMNS].reset_index(drop=True)


def export_invites(engine: Engine, rules: RuleSet, session_id: int, as_of: dt.date,
                   target: Any, fmt: str, actor: str) -> int:
    """Write the session's list (without the person ids) as a formula-safe CSV or xlsx to
    ``target`` (a path or a binary file); audited. How many people it holds."""
    if fmt not in EXPORTS:
        raise SessionError(f"Cannot export an invite list as {fmt!r}; use csv or xlsx.")
    frame = invite_list(engine, rules, session_id, as_of).drop(columns=["person_id"])
    frame = headed(frame)
    if fmt == "csv":
        write_csv_table(frame, target)
    else:
        write_xlsx_table(frame, target, sheet_name="Invitations")
    with unit_of_work(engine) as session:
        audit.record(session, actor, "export", f"session-invites:{session_id}.{fmt}",
                     rows=len(frame))
    return len(frame)


def people_by_staff_number(engine: Engine, session_id: int, numbers: list[str]) -> list[int]:
    """The ids of the people of the session's force with these staff numbers."""
    row, force = _session(engine, session_id)
    with unit_of_work(engine) as session:
        found = dict(session.execute(select(Person.staff_number, Person.id).where(
            Person.force_id == row.force_id, Person.staff_number.in_(numbers))).all())
    missing = [n for n in numbers if n not in found]
    if missing:
        raise SessionError(f"No one of {force} has the staff number "
                           f"{', '.join(missing)}; check the number on the HR roster.")
    return [int(found[n]) for n in numbers]


def who_came(listed: pd.DataFrame) -> str | None:
    """The count of each kind of attendance of an ``invite_list`` after the session, in
    words (None before it)."""
    counts = listed["attendance"].value_counts()
    if listed.empty or set(counts.index) == {ATTENDANCE["invited"]}:
        return None
    parts = [f"{int(counts.get(ATTENDANCE[k], 0))} {ATTENDANCE[k]}"
             for k in ("came", "absent", "unlisted", "uninvited")]
    return "Who came: " + "; ".join(parts) + "."
