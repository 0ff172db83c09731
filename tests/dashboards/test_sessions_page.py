"""The Hydra sessions page: the plan's figures worked by hand on the dashboard tests'
database, a session added through the form, its invite list suggested, shown and
downloaded (audited), and read-only for managers and inspectors.

Avon and Somerset on 2 Mar 2026 (``TODAY``): Hydra in scope are the six inspectors (Ann,
Bob, Cat, Dan, Uma, Vic); Ann, Cat and Uma completed, Dan is exempt: 2 still to train (Bob,
Response; Vic, Control Room). No session: 0 seats, one more session of the rules' 12 seats
needed. With one session of 1 seat on 1 Apr: 1 of 2 seats, one more session of the usual
size (the median: 1 seat). The suggestion for its one seat: Bob (both due on 30 Apr; Bob
first by name)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import Engine, select

from dashboards import actions
from tests.dashboards.conftest import app_for, as_user
from tests.dashboards.test_app import ROLE_USERS
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, HydraSession, SessionInvite


def _metrics(at: object) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}  # type: ignore[attr-defined]


def test_the_lead_plans_a_session_and_its_invitations(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="sessions")
    assert not at.exception
    assert _metrics(at) == {"Still to train": "2", "Joining by the target": "0",
                            "Seats planned": "0", "More sessions needed": "1"}
    at.date_input(key="sessions_new_date").set_value(dt.date(2026, 4, 1))
    at.text_input(key="sessions_new_venue").input("Portishead HQ")
    at.number_input(key="sessions_new_capacity").set_value(1)
    at.button(key="sessions_add_submit").click().run()
    assert [i.value for i in at.info] == [
        "Added the session of 1 Apr 2026 at Portishead HQ, 1 seat."]
    assert _metrics(at)["Seats planned"] == "1"
    assert _metrics(at)["More sessions needed"] == "1"
    at.button(key="sessions_suggest").click().run()
    assert [i.value for i in at.info] == ["Invited 1 more."]
    table = at.dataframe[-1].value
    assert (list(table["full_name"]), list(table["attendance"])) == (["Bob Baker"], ["invited"])
    session_id = at.selectbox(key="sessions_chosen").value
    content = actions.session_invites_file(int(session_id), "csv", as_user(db, "demo-lead"),
                                           dt.date(2026, 3, 2))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [rows[0][0], rows[1][0], rows[1][1]] == ["Name", "Bob Baker", "1002"]
    with unit_of_work(db) as s:
        actions_done = [(e.actor, e.action) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(
                ["session-add", "session-invite", "export"])).order_by(AuditEvent.id))]
    assert actions_done == [("demo-lead", "session-add"), ("demo-lead", "session-invite"),
                            ("demo-lead", "export")]


@pytest.mark.parametrize("role", ["manager", "inspector"])
def test_managers_and_inspectors_read_the_plan_only(db: Engine, role: str) -> None:
    at = app_for(db, ROLE_USERS[role], page="sessions")
    assert not at.exception
    assert _metrics(at)["Still to train"] == "2"
    assert not [b for b in at.button if b.key == "sessions_add_submit"]
    with pytest.raises(actions.Refused, match="may not record Hydra sessions"):
        actions.session_add("avon-and-somerset", "oic-hydra", dt.date(2026, 4, 1), "HQ", 4,
                            as_user(db, ROLE_USERS[role]), trainer="", notes="")


def test_the_admin_plans_sessions_but_sees_no_names(db: Engine) -> None:
    admin = as_user(db, "demo-admin")
    actions.session_add("avon-and-somerset", "oic-hydra", dt.date(2026, 4, 1), "HQ", 4,
                        admin, trainer="", notes="")
    at = app_for(db, "demo-admin", page="sessions")
    assert not at.exception
    at.button(key="sessions_suggest").click().run()
    assert [i.value for i in at.info] == ["Invited 2 more."]
    assert "2 invited. Names are shown to roles that may see them." in [
        c.value for c in at.caption]
    assert not at.dataframe[-1].value.columns.isin(["full_name"]).any()


def _one_session(db: Engine, seats: int = 4) -> int:
    """A session of ``seats`` seats at HQ on 1 Apr 2026, added by the lead; its id."""
    actions.session_add("avon-and-somerset", "oic-hydra", dt.date(2026, 4, 1), "HQ", seats,
                        as_user(db, "demo-lead"), trainer="", notes="")
    with unit_of_work(db) as s:
        return int(s.scalars(select(HydraSession.id)).one())


def _audited(db: Engine, action: str) -> list[dict[str, object]]:
    with unit_of_work(db) as s:
        return [e.detail for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_the_lead_edits_a_session(db: Engine) -> None:
    sid = _one_session(db)
    at = app_for(db, "demo-lead", page="sessions")
    assert at.selectbox(key="sessions_chosen").value == sid
    at.date_input(key=f"sessions_edit_date_{sid}").set_value(dt.date(2026, 4, 8))
    at.text_input(key=f"sessions_edit_venue_{sid}").input("Portishead HQ")
    at.number_input(key=f"sessions_edit_capacity_{sid}").set_value(2)
    at.text_input(key=f"sessions_edit_trainer_{sid}").input("PC Lee")
    at.button(key="sessions_edit_submit").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Saved: the session is now 8 Apr 2026 at Portishead HQ, 2 seats."]
    assert _metrics(at)["Seats planned"] == "2"
    table = at.dataframe[0].value
    assert list(table.iloc[0][["date", "venue", "capacity", "trainer"]]) == [
        "8 Apr 2026", "Portishead HQ", 2, "PC Lee"]
    assert _audited(db, "session-edit") == [{
        "held_on": {"old": "2026-04-01", "new": "2026-04-08"},
        "venue": {"old": "HQ", "new": "Portishead HQ"},
        "capacity": {"old": 4, "new": 2}, "trainer": {"old": None, "new": "PC Lee"}}]
    at.button(key="sessions_edit_submit").click().run()
    assert [i.value for i in at.info] == [
        "Nothing to save: the session is already 8 Apr 2026 at Portishead HQ, 2 seats."]
    assert len(_audited(db, "session-edit")) == 1


def test_fewer_seats_than_people_invited_is_refused(db: Engine) -> None:
    sid = _one_session(db)
    at = app_for(db, "demo-lead", page="sessions")
    at.button(key="sessions_suggest").click().run()
    assert [i.value for i in at.info] == ["Invited 2 more."]
    at.number_input(key=f"sessions_edit_capacity_{sid}").set_value(1)
    at.button(key="sessions_edit_submit").click().run()
    assert [i.value for i in at.info] == [
        "The session of 1 Apr 2026 at HQ has 2 people invited, so it cannot have 1 seat. "
        "Give it 2 seats or more, or take people off its invite list first (Take off)."]
    assert _audited(db, "session-edit") == []
    assert at.dataframe[0].value.iloc[0]["capacity"] == 4


def test_removing_a_session_asks_first_and_says_its_list_goes(db: Engine) -> None:
    sid = _one_session(db)
    at = app_for(db, "demo-lead", page="sessions")
    at.button(key="sessions_suggest").click().run()
    at.button(key="sessions_remove").click().run()
    assert [w.value for w in at.warning] == [
        "Remove the session of 1 Apr 2026 at HQ? Its invite list of 2 people goes with it "
        "(they are not told; invite them to another session if they still need one). The "
        "audit log keeps what it was."]
    at.button(key="sessions_remove_cancel").click().run()
    assert not at.warning and _audited(db, "session-remove") == []
    at.button(key="sessions_remove").click().run()
    at.button(key="sessions_remove_confirm").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Removed the session of 1 Apr 2026 at HQ; its invite list of 2 people went with it."]
    assert "No session recorded yet." in [c.value for c in at.caption]
    assert [(d["date"], d["invited"]) for d in _audited(db, "session-remove")] == [
        ("2026-04-01", 2)]
    with unit_of_work(db) as s:
        assert s.scalars(select(SessionInvite).where(SessionInvite.session_id == sid)).all() \
            == []


def test_the_lead_adds_one_person_by_search_and_takes_them_off(db: Engine) -> None:
    _one_session(db)
    at = app_for(db, "demo-lead", page="sessions")
    assert ("Nobody is invited yet: press Suggest invitations, or add people one by one "
            "below.") in [c.value for c in at.caption]
    search = at.selectbox(key="sessions_add_one_person")
    assert search.options == ["Bob Baker (1002), Response, not yet due",
                              "Vic Vale (1022), Control Room, not yet due"]
    search.select_index(1)
    at.button(key="sessions_add_one_submit").click().run()
    assert [i.value for i in at.info] == ["Invited 1 more."]
    assert list(at.dataframe[-1].value["full_name"]) == ["Vic Vale"]
    assert at.selectbox(key="sessions_add_one_person").options == [
        "Bob Baker (1002), Response, not yet due"]
    at.button(key="sessions_add_one_submit").click().run()
    assert [i.value for i in at.info] == ["Choose a person first, then press Add to the list."]
    at.multiselect(key="sessions_uninvite_people").select(
        at.multiselect(key="sessions_uninvite_people").options[0])
    at.button(key="sessions_uninvite_submit").click().run()
    assert [i.value for i in at.info] == ["Took 1 off the list."]
    assert [len(d["person_ids"]) for d in _audited(db, "session-invite")
            + _audited(db, "session-uninvite")] == [1, 1]


@pytest.mark.parametrize("role", ["manager", "inspector"])
def test_managers_and_inspectors_change_nothing(db: Engine, role: str) -> None:
    sid = _one_session(db)
    at = app_for(db, ROLE_USERS[role], page="sessions")
    assert not at.exception
    keys = {b.key for b in at.button}
    assert not keys & {"sessions_edit_submit", "sessions_remove", "sessions_add_one_submit",
                       "sessions_uninvite_submit"}
    assert "Sessions are added and changed by training leads and administrators." in [
        c.value for c in at.caption]
    reader = as_user(db, ROLE_USERS[role])
    for change in (lambda: actions.session_edit(sid, reader, held_on=dt.date(2026, 4, 2),
                                                venue="HQ", capacity=4, trainer="", notes=""),
                   lambda: actions.session_remove(sid, reader),
                   lambda: actions.session_invite_person(sid, 1, reader),
                   lambda: actions.session_uninvite(sid, [1], reader)):
        with pytest.raises(actions.Refused, match="may not record Hydra sessions"):
            change()
    assert _audited(db, "session-edit") == _audited(db, "session-remove") == []


def test_the_admin_edits_but_cannot_add_by_name(db: Engine) -> None:
    sid = _one_session(db)
    admin = as_user(db, "demo-admin")
    assert actions.session_edit(sid, admin, held_on=dt.date(2026, 4, 1), venue="HQ",
                                capacity=6, trainer="", notes="") == (
        "Saved: the session is now 1 Apr 2026 at HQ, 6 seats.")
    at = app_for(db, "demo-admin", page="sessions")
    assert not [b for b in at.button if b.key == "sessions_add_one_submit"]
    with pytest.raises(actions.Refused, match="may not"):
        actions.session_invite_person(sid, 1, admin)
