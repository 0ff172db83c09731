"""Invitations to a planned session (``tracker.sessions.invites``), on the roster and
sessions of ``tests/tracker/test_sessions_plan.py`` (Avon and Somerset).

Session 2, 10 Mar 2026, 4 seats, suggested as of 1 Feb: still to train on 10 Mar are Abe
and Ali (Response), Cal (CID), Nia (Neighbourhood), all due on the deadline (30 Apr), and
Jen (Roads Policing; started 1 Mar, due after 90 grace days: 30 May). Cem is exempt. In
overdue order, then name: Abe, Ali, Cal, Nia, Jen; round one takes one of each department
(Abe, Cal, Nia, Jen), so Ali, the second from Response, waits: the 4 seats go to Abe,
Cal, Nia, Jen.

After session 2, the delegate list Avon and Somerset imports says Abe and Ali came;
Wiltshire's own list of the same day (Will) is not this session's. An earlier list of the
day marked Cem and Abe as not attending: Cem did not attend (on the delegate list), Abe
came (attending wins), Cal and Nia are on no list.

Session 3, 15 Apr, 2 seats: Cem's exemption is over by then but he is exempt today (never
invited); Abe, Cal, Nia and Jen are invited to session 2, still to come: only Ali.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from tests.tracker.factories import add_completion, batch, make_person, module_id
from tests.tracker.test_sessions_plan import FORCE, JAN, RULES, add_sessions, build_people
from tracker.sessions import invites as inv
from tracker.sessions import register as reg
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, Completion, HydraAbsence, Person

D = dt.date
FEB = D(2026, 2, 1)


@pytest.fixture
def sessions(engine: Engine) -> list[reg.SessionView]:
    build_people(engine)
    return add_sessions(engine)


def ids(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as s:
        return {p.full_name.split()[0]: p.id for p in s.scalars(select(Person))}


def names(frame: object, column: str = "full_name") -> list[str]:
    return [n.split()[0] for n in frame[column]]  # type: ignore[index]


def test_suggestions_spread_across_departments(engine: Engine,
                                               sessions: list[reg.SessionView]) -> None:
    first, second = sessions[1:3]
    chosen = inv.suggest(engine, RULES, first.id, FEB)
    assert names(chosen) == ["Abe", "Cal", "Nia", "Jen"]
    assert [str(d) for d in chosen["due"]] == ["2026-04-30"] * 3 + ["2026-05-30"]
    assert list(chosen["days_overdue"]) == [0, 0, 0, 0]
    assert inv.invite_suggested(engine, RULES, first.id, FEB, "lead") == 4
    assert names(inv.suggest(engine, RULES, second.id, FEB)) == ["Ali"]
    assert inv.suggest(engine, RULES, first.id, FEB).empty  # its seats are taken


def test_the_most_overdue_come_first(engine: Engine, sessions: list[reg.SessionView]) -> None:
    """As of 10 May 2026, a session on 10 Jun with 3 seats: Abe, Ali, Cal, Cem (exemption
    over) and Nia are 10 days overdue, Jen not yet due (30 May): round one is Abe
    (Response), Cal (CID), Nia (Neighbourhood), Jen; the 3 seats go to Abe, Cal, Nia."""
    june = reg.add_session(engine, RULES, FORCE, "oic-hydra", D(2026, 6, 10), "HQ", 3, "lead")
    chosen = inv.suggest(engine, RULES, june.id, D(2026, 5, 10))
    assert names(chosen) == ["Abe", "Cal", "Nia"]
    assert list(chosen["days_overdue"]) == [10, 10, 10]


def test_the_lead_edits_the_list_and_after_the_session_it_shows_who_came(
        engine: Engine, sessions: list[reg.SessionView]) -> None:
    first = sessions[1]
    person = ids(engine)
    inv.invite_suggested(engine, RULES, first.id, FEB, "lead")
    assert inv.uninvite(engine, first.id, [person["Jen"]], "lead") == 1
    with pytest.raises(reg.SessionError) as refused:
        inv.invite(engine, first.id, [person["Ali"], person["Pete"]], "lead")
    assert str(refused.value) == (f"Session {first.id} has 4 seats and 3 people invited; 2 "
                                  "more do not fit. Take some off the list, or give the "
                                  "session more seats.")
    assert inv.invite(engine, first.id, [person["Cem"]], "lead") == 1
    before = inv.invite_list(engine, RULES, first.id, FEB)
    assert names(before) == ["Cal", "Cem", "Nia", "Abe"]  # CID, Neighbourhood, Response
    assert set(before["attendance"]) == {"invited"}
    with unit_of_work(engine) as s:  # the delegate list of 10 Mar: Abe and Ali came
        for who in ("Abe", "Ali"):
            add_completion(s, s.get(Person, person[who]), "oic-hydra", D(2026, 3, 10),
                           file_name="hydra-mar.xlsx")
        # Will did Hydra the same day at Wiltshire's own session: not this session's
        theirs = batch(s, "wilts-hydra.xlsx", "hydra-delegates", force="wiltshire")
        s.add(Completion(person_id=person["Will"], module_id=module_id(s, "oic-hydra"),
                         completed_on=D(2026, 3, 10), source=theirs.kind, batch_id=theirs.id))
        earlier = batch(s, "hydra-mar-first.xlsx", "hydra-delegates")
        for who in ("Cem", "Abe"):
            s.add(HydraAbsence(person_id=person[who], module_id=module_id(s, "oic-hydra"),
                               held_on=D(2026, 3, 10), batch_id=earlier.id))
    after = inv.invite_list(engine, RULES, first.id, D(2026, 3, 11))
    assert list(zip(names(after), after["attendance"], strict=True)) == [
        ("Cal", "invited, not on the delegate list"),
        ("Cem", "invited, did not attend (on the delegate list)"),
        ("Nia", "invited, not on the delegate list"), ("Abe", "invited, attended"),
        ("Ali", "attended, not invited")]
    assert inv.who_came(after) == (
        "Who came: 1 invited, attended; 1 invited, did not attend (on the delegate list); "
        "2 invited, not on the delegate list; 1 attended, not invited.")
    assert inv.who_came(before) is None
    with unit_of_work(engine) as s:
        actions = [e.action for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action.like("session-%invite"))
            .order_by(AuditEvent.id))]
    assert actions == ["session-invite", "session-uninvite", "session-invite"]


def test_a_past_session_takes_no_suggestions(engine: Engine,
                                             sessions: list[reg.SessionView]) -> None:
    with pytest.raises(reg.SessionError, match=r"was on 2026-01-20, not after 2026-02-01: "
                       "invitations are for sessions still to come"):
        inv.suggest(engine, RULES, sessions[0].id, FEB)


def test_the_export_is_formula_safe_and_audited(engine: Engine, tmp_path: Path) -> None:
    with unit_of_work(engine) as s:
        evil = make_person(s, "301", name='=HYPERLINK("http://x") Evil',
                           states=[(JAN, "inspector", "cid")])
        evil_id = evil.id
    session = reg.add_session(engine, RULES, FORCE, "oic-hydra", D(2026, 3, 10), "HQ", 2,
                              "lead")
    inv.invite(engine, session.id, [evil_id], "lead")
    assert inv.export_invites(engine, RULES, session.id, FEB, tmp_path / "i.csv", "csv",
                              "lead") == 1
    with open(tmp_path / "i.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Name", "Staff number", "Collar number", "Rank", "Department", "Unit",
                       "Email", "Attendance"]
    assert rows[1][:2] == ["'=HYPERLINK(\"http://x\") Evil", "301"]
    inv.export_invites(engine, RULES, session.id, FEB, tmp_path / "i.xlsx", "xlsx", "lead")
    cell = load_workbook(tmp_path / "i.xlsx")["Invitations"]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        '=HYPERLINK("http://x") Evil', "s", True)
    with unit_of_work(engine) as s:
        targets = list(s.scalars(select(AuditEvent.target).where(AuditEvent.action == "export")))
    assert targets == [f"session-invites:{session.id}.csv", f"session-invites:{session.id}.xlsx"]


@given(st.lists(st.tuples(st.sampled_from(["cid", "response", "roads-policing", None]),
                          st.integers(0, 60)), max_size=30),
       st.integers(0, 30))
@settings(deadline=None)
def test_spread_takes_each_department_in_turn(people: list[tuple[str | None, int]],
                                              seats: int) -> None:
    """Any first ``seats`` of the order: no department has two more than another that still
    has people waiting, and each department's people come most overdue first."""
    frame = pd.DataFrame({"department": [d for d, _ in people],
                          "due": [D(2026, 4, 30) - dt.timedelta(days=n) for _, n in people],
                          "full_name": [f"P{i:02d}" for i in range(len(people))]})
    order = inv.spread(frame)
    assert sorted(order["full_name"]) == sorted(frame["full_name"])
    chosen = order.head(seats)
    dept = frame["department"].fillna("")
    taken = chosen["department"].fillna("").value_counts()
    waiting = {d for d, n in dept.value_counts().items() if n > taken.get(d, 0)}
    for d in waiting:
        assert all(taken.get(d, 0) >= n - 1 for n in taken)
    for _d, group in order.assign(d=order["department"].fillna("")).groupby("d"):
        assert list(group["due"]) == sorted(group["due"])


def test_the_demo_plans_three_sessions_once(engine: Engine) -> None:
    """On 1 Feb 2026: sessions on 15 Feb (12 seats), 8 Mar (12) and 29 Mar (16); the first
    invites the 4 people still to train on 15 Feb (Abe, Ali, Cal, Nia: Jen has not started,
    Cem is exempt)."""
    from tracker.sessions.demo import demo_sessions

    build_people(engine)
    demo_sessions(engine, RULES, FORCE, FEB)
    demo_sessions(engine, RULES, FORCE, FEB)
    held = reg.list_sessions(engine, force=FORCE)
    assert [(s.held_on, s.capacity, s.invited) for s in held] == [
        (D(2026, 2, 15), 12, 4), (D(2026, 3, 8), 12, 0), (D(2026, 3, 29), 16, 0)]
    assert names(inv.invite_list(engine, RULES, held[0].id, FEB)) == ["Cal", "Nia", "Abe",
                                                                       "Ali"]
