"""Hydra sessions: the plan of each requirement delivered in sessions (the people still to
train, as the coverage engine counts them, those joining before the target date, the seats
planned, whether and when they close the gap, and how many more sessions are needed), the
sessions recorded, and, for the roles that plan them, a form to add a session and the
invite list of a chosen session (suggest, add, take off, download as csv or xlsx, and after
the session who came). Every change goes through ``dashboards.actions`` and is audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from dashboards import actions, data, ui
from tracker import auth
from tracker.sessions import invites
from tracker.sessions.candidates import candidates
from tracker.sessions.plan import default_target
from tracker.sessions.register import SessionView, list_sessions

user, settings, token, force, departments, rules = ui.open_page("sessions")
today = settings.today()
st.title(ui.titled("Hydra sessions", today))
ui.show_done("sessions")
_done = partial(ui.done, "sessions")  # a change made: the page again, with its message
planned = [r for r in rules.requirements if r.in_sessions]
if not planned:
    st.info("No requirement of the rules in force is delivered in sessions (delivery = "
            '"sessions" in the rules file), so there is nothing to plan.')
    st.stop()
if force is None:
    forces = data.forces_with_people(token)
    if forces.empty:
        st.info("No force has people on a roster yet: upload an HR roster first (Upload "
                "page).")
        st.stop()
    names = dict(zip(forces["code"], forces["name"], strict=True))
    force = ui.url_select("Force", list(names), "force", format_func=names.__getitem__)
titles = {r.id: r.title for r in planned}
requirement = (planned[0].id if len(planned) == 1 else
               st.selectbox("Requirement", list(titles), format_func=titles.__getitem__,
                            key="sessions_requirement"))
recorded = list_sessions(data.engine(), force=force, requirement=requirement)
target = st.date_input("Close the gap by", min_value=today,
                       value=default_target(rules.get(requirement), today, recorded),
                       key="sessions_by", format="DD/MM/YYYY")

p = data.session_plan(token, requirement, today, target, force)
cols = st.columns(4)
cols[0].metric("Still to train", p.outstanding, help="In scope, minus completed and exempt, "
               "as the Coverage page counts them today (people not yet due included).")
cols[1].metric("Joining by the target", p.joining)
cols[2].metric("Seats planned", p.seats_planned, help="Seats of the sessions after today, "
               "up to the target date.")
cols[3].metric("More sessions needed", p.sessions_needed,
               help=f"Sessions of the usual size ({p.usual_size} seats) still to plan.")
when = (f"the sessions planned close it on {ui.day_text(p.closes_on)}" if p.closes_on
        else "the sessions planned do not close it")
st.markdown(f"**{p.seats_planned} seats planned for the {p.need} needed by "
            f"{ui.day_text(p.target)}: "
            f"{'enough' if p.closes_gap else f'{p.need - p.seats_planned} short'}**; {when}.")
if not p.roster_looks_ahead:
    st.caption(f"The roster holds no start date or snapshot after {ui.day_text(today)}: "
               "joiners cannot be foreseen until an HR roster carrying them is uploaded.")

st.header("Sessions")
ahead = {s.id: s for s in p.sessions}
rows = [{"date": ui.day_text(s.held_on), "venue": s.venue, "capacity": s.capacity,
         "trainer": s.trainer or "", "invited": s.invited,
         "seats_to_date": ahead[s.id].seats_to_date if s.id in ahead else "",
         "need_by_then": ahead[s.id].need_by_then if s.id in ahead else "",
         "notes": s.notes or ""} for s in recorded]
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True,
                 column_config=ui.column_labels(pd.DataFrame(rows)))
else:
    st.caption("No session recorded yet.")
if not auth.can(user, "plan_sessions"):
    st.caption("Sessions are added and changed by training leads and administrators.")
    st.stop()


def _edit_form(session: SessionView) -> None:
    """The chosen session's date, venue, seats, trainer and notes, to change and save."""
    with st.form(f"sessions_edit_{session.id}"):
        st.markdown(f"**Edit this session** ({session.invited} invited)")
        held_on = st.date_input("Date", value=session.held_on, format="DD/MM/YYYY",
                                key=f"sessions_edit_date_{session.id}")
        venue = st.text_input("Venue", value=session.venue,
                              key=f"sessions_edit_venue_{session.id}")
        capacity = st.number_input("Seats", min_value=1, value=session.capacity, step=1,
                                   key=f"sessions_edit_capacity_{session.id}")
        trainer = st.text_input("Trainer (optional)", value=session.trainer or "",
                                key=f"sessions_edit_trainer_{session.id}")
        notes = st.text_input("Notes (optional)", value=session.notes or "",
                              key=f"sessions_edit_notes_{session.id}")
        if st.form_submit_button("Save changes", key="sessions_edit_submit"):
            _done("Give the session's date, then press Save changes." if held_on is None
                  else actions.session_edit(session.id, user, held_on=held_on, venue=venue,
                                            capacity=int(capacity), trainer=trainer,
                                            notes=notes))


def _remove_step(session: SessionView) -> None:
    """Remove the chosen session, after a second press that says what goes with it."""
    if st.session_state.get("sessions_removing") != session.id:
        if st.button("Remove this session", key="sessions_remove"):
            st.session_state["sessions_removing"] = session.id
            st.rerun()
        return
    goes = (f"Its invite list of {session.invited} "
            f"{'person' if session.invited == 1 else 'people'} goes with it (they are not "
            "told; invite them to another session if they still need one)."
            if session.invited else "Nobody is invited to it.")
    st.warning(f"Remove the session of {ui.day_text(session.held_on)} at {session.venue}? "
               f"{goes} The audit log keeps what it was.")
    yes, no = st.columns(2)
    if yes.button("Yes, remove it", key="sessions_remove_confirm", type="primary"):
        st.session_state.pop("sessions_removing", None)
        _done(actions.session_remove(session.id, user))
    if no.button("Keep it", key="sessions_remove_cancel"):
        st.session_state.pop("sessions_removing", None)
        st.rerun()


def _add_one(session_id: int) -> None:
    """Add one person still to train, found by typing part of a name or staff number."""
    found = candidates(data.engine(), rules, session_id, today)
    if found.empty:
        st.caption("Everyone still to train is on this list already, or exempt.")
        return
    words = {int(pid): f"{name} ({number}), {dept or 'no department'}, " + (
        f"{days} day{'' if days == 1 else 's'} overdue" if days else "not yet due")
        for pid, name, number, dept, days in zip(
            found["person_id"], found["full_name"], found["staff_number"],
            found["department_label"], found["days_overdue"], strict=True)}
    with st.form("sessions_add_one", clear_on_submit=True):
        person = st.selectbox("Add one person still to train (type a name or staff number)",
                              list(words), format_func=words.__getitem__, index=None,
                              placeholder="Type to search", key="sessions_add_one_person")
        if st.form_submit_button("Add to the list", key="sessions_add_one_submit"):
            _done("Choose a person first, then press Add to the list." if person is None
                  else actions.session_invite_person(session_id, int(person), user))


st.header("Add a session")
with st.form("sessions_add", clear_on_submit=True):
    held_on = st.date_input("Date", value=None, key="sessions_new_date", format="DD/MM/YYYY")
    venue = st.text_input("Venue", key="sessions_new_venue")
    capacity = st.number_input("Seats", min_value=1, value=p.usual_size, step=1,
                               key="sessions_new_capacity")
    trainer = st.text_input("Trainer (optional)", key="sessions_new_trainer")
    notes = st.text_input("Notes (optional)", key="sessions_new_notes")
    if st.form_submit_button("Add session", key="sessions_add_submit", type="primary"):
        _done("Give the session's date, then press Add session." if held_on is None
              else actions.session_add(str(force), requirement, held_on, venue, int(capacity),
                                       user, trainer=trainer, notes=notes))
if not recorded:
    st.stop()

st.header("Change a session")
labels = {s.id: f"{ui.day_text(s.held_on)}, {s.venue} ({s.capacity} seats)" for s in recorded}
coming = [s.id for s in recorded if s.held_on > today]
chosen = st.selectbox("Session", list(labels), format_func=labels.__getitem__,
                      index=list(labels).index(coming[0]) if coming else len(recorded) - 1,
                      key="sessions_chosen")
session = next(s for s in recorded if s.id == chosen)
_edit_form(session)
_remove_step(session)

st.header(f"Invite list, {ui.day_text(session.held_on)}")
full = session.invited >= session.capacity
if st.button("Suggest invitations", key="sessions_suggest",
             disabled=session.held_on <= today or full,
             help="The session is over." if session.held_on <= today else
             "Every seat is taken: take someone off, or give the session more seats." if full
             else "Fill the free seats: the most overdue first, spread across departments, "
             "never anyone exempt or invited to another session still to come."):
    _done(actions.session_invite_suggested(chosen, user, today))
if not auth.can(user, "view_identities"):
    st.caption(f"{session.invited} invited. Names are shown to roles that may see them.")
    st.stop()

listed = invites.invite_list(data.engine(), rules, chosen, today)
if listed.empty:
    st.caption("Nobody is invited yet: press Suggest invitations, or add people one by one "
               "below.")
else:
    shown = listed.drop(columns=["person_id"])
    st.dataframe(shown, hide_index=True, column_config=ui.column_labels(shown))
    came = invites.who_came(listed)
    if came:
        st.markdown(came)
_add_one(chosen)
with (st.expander("Invite several by staff number"),
      st.form("sessions_invite", clear_on_submit=True)):
    numbers = st.text_input("Staff numbers to invite (comma-separated)",
                            key="sessions_invite_numbers")
    if st.form_submit_button("Invite", key="sessions_invite_submit"):
        _done(actions.session_invite(chosen, numbers, user))
if not listed.empty:
    people = dict(zip(listed["person_id"], listed["full_name"], strict=True))
    with st.form("sessions_uninvite"):
        off = st.multiselect("Take off the list", list(people), format_func=people.__getitem__,
                             key="sessions_uninvite_people")
        if st.form_submit_button("Take off", key="sessions_uninvite_submit") and off:
            _done(actions.session_uninvite(chosen, [int(p) for p in off], user))


def _file(fmt: str) -> Callable[[], bytes]:
    """The list's bytes when its button is clicked (the download audited then)."""
    return lambda: actions.session_invites_file(chosen, fmt, user, today)


if not listed.empty:
    for fmt, mime in (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-"
                                                    "officedocument.spreadsheetml.sheet")):
        st.download_button(f"Download the list ({fmt})", _file(fmt),
                           file_name=f"hydra-session-{session.held_on}-invites.{fmt}",
                           mime=mime, key=f"sessions_download_{fmt}", on_click="ignore",
                           icon=":material/download:")
