"""Exemptions: people in scope excused for a recorded reason. Everyone allowed sees the
list; training leads record and end exemptions (each audited)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import actions, data, ui
from tracker import auth
from tracker.coverage import exemptions

user, settings, token, force, departments, rules = ui.open_page("exemptions")
today, titles = settings.today(), rules.titles

st.title(ui.titled("Exemptions", today))
if "exemption_message" in st.session_state:
    st.info(st.session_state.pop("exemption_message"))
active_only = st.toggle("Only exemptions in force today", value=True, key="ex_active")
listing = data.exemption_list(token, user.force_id, departments, today if active_only else None)
if listing.empty:
    st.caption("No exemptions" + (" in force today." if active_only else " recorded yet."))
else:
    listing = listing.assign(requirement=listing["requirement"].map(titles).fillna(
        listing["requirement"]))
    ui.table(ui.people_view(listing, user, today), "exemptions", user)

if not auth.can(user, "record_exemption"):
    st.stop()

st.header("Record an exemption")
with st.form("record_exemption", clear_on_submit=True):
    staff = st.text_input("Staff number", key="ex_staff")
    requirement = st.selectbox("Requirement", rules.ids, format_func=titles.__getitem__,
                               key="ex_req")
    reason = st.selectbox("Reason", exemptions.REASONS, key="ex_reason")
    note = st.text_input("Note (optional)", key="ex_note")
    starts, ends = st.columns(2)
    starts_on = starts.date_input("From", value=today, key="ex_from", format="DD/MM/YYYY")
    ends_on = ends.date_input("To (leave empty if open-ended)", value=None, key="ex_to",
                              format="DD/MM/YYYY")
    if st.form_submit_button("Record exemption", key="ex_submit", type="primary"):
        person_id = data.person_by_staff_number(token, staff, force)
        if person_id is None:
            message = (f"No person with staff number {staff.strip()!r}"
                       + (f" in {force}" if force else "") + "; check it on the Person page.")
        else:
            full_reason = f"{reason}: {note.strip()}" if note.strip() else reason
            message = actions.record_exemption(person_id, requirement, full_reason,
                                               starts_on, ends_on, user)
        st.session_state["exemption_message"] = message
        st.rerun()

if not listing.empty:
    st.header("End an exemption")
    with st.form("end_exemption"):
        open_ids = [int(i) for i in listing.loc[listing["ends_on"].isna(), "id"]]
        chosen = st.selectbox("Exemption", open_ids, key="ex_end_id",
                              format_func=lambda i: f"#{i}")
        last_day = st.date_input("Last day of the exemption", value=today, key="ex_end_on",
                                 format="DD/MM/YYYY")
        if st.form_submit_button("End exemption", key="ex_end_submit") and chosen is not None:
            end_day = last_day if isinstance(last_day, dt.date) else today
            st.session_state["exemption_message"] = actions.end_exemption(chosen, end_day, user)
            st.rerun()
