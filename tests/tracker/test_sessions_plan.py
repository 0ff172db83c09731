"""The register of Hydra sessions and the plan (``tracker.sessions``), on a roster worked
by hand.

Avon and Somerset, one roster on 5 Jan 2026. Inspectors in scope for Hydra: Amy, Abe and
Ali (Response), Cal and Cem (CID), Nia (Neighbourhood); Pete is a constable (out of scope);
Jen, an inspector in Roads Policing, starts on 1 Mar 2026. Amy did Hydra on 20 Jan 2026;
Cem is exempt (long-term absence) from 1 Jan to 20 Mar 2026.

As of 1 Feb 2026: in scope 6 (Jen has not started), completed 1 (Amy), exempt 1 (Cem):
outstanding 4 (Abe, Ali, Cal, Nia).

Sessions: 20 Jan (10 seats, held), 10 Mar (4), 15 Apr (2), 20 May (8); Wiltshire runs one on
1 Mar (5 seats). For Avon and Somerset, after 1 Feb:

- 10 Mar: 4 seats; need 4 + Jen (started 1 Mar) = 5: short;
- 15 Apr: 6 seats; need 4 + Jen + Cem (exemption over on 20 Mar) = 6: closes the gap;
- 20 May: 14 seats; need 6.

By the deadline (30 Apr): 6 seats for a need of 6: closes, none more needed. By 31 Mar:
4 seats for 6: short by 2, one more session of the usual size, the median of 10, 4, 2 and
8 = 6 seats.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tests.tracker.factories import add_completion, add_exemption, make_person
from tracker.coverage.rules import load_rules
from tracker.sessions import register as reg
from tracker.sessions.plan import plan, plan_requirement
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, SessionInvite

D = dt.date
JAN = D(2026, 1, 5)
FORCE = "avon-and-somerset"
RULES = load_rules()


def build_people(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        amy = make_person(s, "201", name="Amy Able", states=[(JAN, "inspector", "response")])
        add_completion(s, amy, "oic-hydra", D(2026, 1, 20))
        for number, name, dept in (("202", "Abe Best", "response"),
                                   ("203", "Ali Cole", "response"),
                                   ("204", "Cal Dunn", "cid"),
                                   ("206", "Nia Egan", "neighbourhood")):
            make_person(s, number, name=name, states=[(JAN, "inspector", dept)])
        cem = make_person(s, "205", name="Cem Fry", states=[(JAN, "inspector", "cid")])
        add_exemption(s, cem, "oic-hydra", "Long-term absence", D(2026, 1, 1),
                      D(2026, 3, 20))
        make_person(s, "207", name="Pete Gale", states=[(JAN, "constable", "response")])
        make_person(s, "208", name="Jen Hart", start_date=D(2026, 3, 1),
                    states=[(JAN, "inspector", "roads-policing")])
        make_person(s, "901", name="Will Shire", force="wiltshire",
                    states=[(JAN, "constable", "cid")])


def add_sessions(engine: Engine) -> list[reg.SessionView]:
    plans = [(FORCE, D(2026, 1, 20), 10), (FORCE, D(2026, 3, 10), 4),
             (FORCE, D(2026, 4, 15), 2), (FORCE, D(2026, 5, 20), 8),
             ("wiltshire", D(2026, 3, 1), 5)]
    return [reg.add_session(engine, RULES, force, "oic-hydra", day, "Portishead HQ", seats,
                            "lead", trainer="Sgt Reid") for force, day, seats in plans]


@pytest.fixture
def planned(engine: Engine) -> Engine:
    build_people(engine)
    add_sessions(engine)
    return engine


def test_the_plan_by_the_deadline_worked_by_hand(planned: Engine) -> None:
    [hydra] = plan(planned, RULES, D(2026, 2, 1), force=FORCE)
    assert (hydra.requirement, hydra.in_scope, hydra.completed, hydra.exempt,
            hydra.outstanding, hydra.joining, hydra.need) == ("oic-hydra", 6, 1, 1, 4, 2, 6)
    assert (hydra.target, hydra.seats_planned, hydra.closes_gap, hydra.closes_on,
            hydra.usual_size, hydra.sessions_needed) == (
        D(2026, 4, 30), 6, True, D(2026, 4, 15), 6, 0)
    assert [(s.held_on, s.capacity, s.seats_to_date, s.need_by_then, s.closes_gap)
            for s in hydra.sessions] == [
        (D(2026, 3, 10), 4, 4, 5, False), (D(2026, 4, 15), 2, 6, 6, True),
        (D(2026, 5, 20), 8, 14, 6, True)]
    assert hydra.roster_looks_ahead  # Jen's start date is after 1 Feb


def test_the_plan_by_an_earlier_date_needs_one_more_session(planned: Engine) -> None:
    hydra = plan_requirement(planned, RULES, "oic-hydra", D(2026, 2, 1),
                             by=D(2026, 3, 31), force=FORCE)
    assert (hydra.seats_planned, hydra.need, hydra.closes_gap, hydra.sessions_needed,
            hydra.closes_on) == (4, 6, False, 1, D(2026, 4, 15))
    assert hydra.to_dict()["sessions_needed"] == 1


def test_all_forces_count_every_forces_sessions(planned: Engine) -> None:
    """Wiltshire's session on 1 Mar adds 5 seats (need then: 4 + Jen = 5, closed); the
    usual size is the median of 10, 4, 2, 8 and 5 = 5."""
    [hydra] = plan(planned, RULES, D(2026, 2, 1))
    assert (hydra.outstanding, hydra.seats_planned, hydra.closes_on, hydra.usual_size) == (
        4, 11, D(2026, 3, 1), 5)


def test_without_sessions_the_rules_size_and_no_lookahead(engine: Engine) -> None:
    """No sessions: the usual size is the rules' session_size (12). As of 1 Apr 2026 Jen
    has started, Cem's exemption is over: 6 outstanding, 0 seats, one session needed; the
    roster holds nothing dated after 1 Apr."""
    build_people(engine)
    [hydra] = plan(engine, RULES, D(2026, 4, 1), force=FORCE)
    assert (hydra.outstanding, hydra.joining, hydra.seats_planned, hydra.closes_gap,
            hydra.closes_on, hydra.usual_size, hydra.sessions_needed,
            hydra.roster_looks_ahead) == (6, 0, 0, False, None, 12, 1, False)


def test_a_self_paced_requirement_is_not_planned(engine: Engine) -> None:
    with pytest.raises(reg.SessionError) as refused:
        plan(engine, RULES, D(2026, 2, 1), requirement="oic-elearning")
    assert str(refused.value) == ("Requirement 'oic-elearning' is not delivered in sessions; "
                                  "sessions are planned for oic-hydra.")


def test_changes_are_checked_and_audited(engine: Engine) -> None:
    added = reg.add_session(engine, RULES, FORCE, "oic-hydra", D(2026, 3, 10),
                            "  Portishead   HQ ", 12, "lead", trainer="Sgt Reid")
    assert (added.venue, added.capacity, added.trainer, added.notes) == (
        "Portishead HQ", 12, "Sgt Reid", None)
    edited = reg.edit_session(engine, added.id, "lead2", capacity=14, trainer="",
                              venue="Portishead HQ")
    assert (edited.capacity, edited.trainer, edited.updated_by) == (14, None, "lead2")
    with pytest.raises(reg.SessionError, match="capacity is its number of seats, 1 or more; "
                       "0 was given"):
        reg.edit_session(engine, added.id, "lead", capacity=0)
    with pytest.raises(reg.SessionError, match="Nothing to change"):
        reg.edit_session(engine, added.id, "lead")
    removed = reg.remove_session(engine, added.id, "lead")
    assert removed.capacity == 14 and reg.list_sessions(engine) == []
    with pytest.raises(reg.SessionError, match=f"No session {added.id} in the register"):
        reg.remove_session(engine, added.id, "lead")
    with unit_of_work(engine) as s:
        events = [(e.actor, e.action, e.target, e.detail) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action.like("session-%"))
            .order_by(AuditEvent.id))]
    target = f"session:{added.id}"
    assert [e[:3] for e in events] == [("lead", "session-add", target),
                                       ("lead2", "session-edit", target),
                                       ("lead", "session-remove", target)]
    assert events[1][3] == {"capacity": {"old": 12, "new": 14},
                            "trainer": {"old": "Sgt Reid", "new": None}}
    assert events[0][3]["held_on"] == "2026-03-10"


def test_after_the_deadline_the_target_is_the_last_session(planned: Engine) -> None:
    """As of 1 May 2026 (deadline passed): still to train Abe, Ali, Cal, Nia, Cem (his
    exemption over) and Jen (not yet due) = 6; the only session to come is 20 May, 8 seats:
    the target is that day, and the plan closes the gap then."""
    hydra = plan_requirement(planned, RULES, "oic-hydra", D(2026, 5, 1), force=FORCE)
    assert (hydra.target, hydra.outstanding, hydra.joining, hydra.seats_planned,
            hydra.closes_gap, hydra.closes_on, hydra.sessions_needed) == (
        D(2026, 5, 20), 6, 0, 8, True, D(2026, 5, 20), 0)


def test_fewer_seats_than_invited_is_refused_and_candidates_leave_out_the_list(
        planned: Engine) -> None:
    """The 10 Mar session (4 seats), as of 1 Feb: still to train on its day Abe, Ali, Cal,
    Nia and Jen (started 1 Mar), none yet due (deadline 30 Apr); Cem is exempt. With Abe and
    Ali invited, the candidates are the other three, and 1 seat is refused."""
    from tracker.messages.hints import explain
    from tracker.sessions.candidates import candidates
    from tracker.sessions.invites import invite

    march = next(s for s in reg.list_sessions(planned, force=FORCE)
                 if s.held_on == D(2026, 3, 10))
    found = candidates(planned, RULES, march.id, D(2026, 2, 1))
    assert list(found["full_name"]) == ["Abe Best", "Ali Cole", "Cal Dunn", "Jen Hart",
                                        "Nia Egan"]
    assert list(found["days_overdue"]) == [0, 0, 0, 0, 0]
    invite(planned, march.id, [int(p) for p in found["person_id"][:2]], "lead")
    assert list(candidates(planned, RULES, march.id, D(2026, 2, 1))["staff_number"]) == [
        "204", "208", "206"]
    with pytest.raises(reg.SessionError) as refused:
        reg.edit_session(planned, march.id, "lead", capacity=1)
    assert explain(refused.value, "cli") == (
        "The session of 10 Mar 2026 at Portishead HQ has 2 people invited, so it cannot have "
        "1 seat. Give it 2 seats or more, or take people off first with tracker sessions "
        "uninvite SESSION --staff NUMBER.")
    assert reg.edit_session(planned, march.id, "lead", capacity=2).capacity == 2
    assert reg.remove_session(planned, march.id, "lead").invited == 2
    with unit_of_work(planned) as s:
        assert s.scalars(select(SessionInvite)).all() == []
