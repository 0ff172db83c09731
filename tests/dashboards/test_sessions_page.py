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
from tracker.store.models import AuditEvent


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
        "Added the session of 01 April 2026 at Portishead HQ, 1 seat."]
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
