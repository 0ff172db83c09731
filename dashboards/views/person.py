"""Person: look someone up and see the "why" of their status for each requirement, in plain
words: their roster state by its labels, why each requirement covers them (or not), the
modules done and missing by name, and the evidence of each completion (file, row, imported
when and by whom) as a table. A manager finds only the people of their departments."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from tracker.coverage.explain import Explanation, RequirementWhy
from tracker.reference import vocab
from tracker.reference.labels import STATUS_WORDS
from tracker.reports.data import modules_text

STATUS_TEXT = {**STATUS_WORDS, "not in scope": "Not in scope",
               "not on roster": "Not on the roster"}

user, settings, token, force, departments, rule_set = ui.open_page("person")
as_of = settings.today()


def roster_words(why: Explanation) -> str:
    """'Inspector (detective), Police officer, CID (unit CID Bristol); started 1 Jan 2015;
    active.'"""
    s = why.state
    started = ui.day_text(s["start_date"]) if s["start_date"] else "unknown"
    left = f"; left {ui.day_text(s['leaving_date'])}" if s["leaving_date"] else ""
    unit = f" (unit {s['unit']})" if s["unit"] else ""
    return (f"{s['rank_label'] or 'No rank'}{' (detective)' if s['detective'] else ''}, "
            f"{vocab.WORKFORCE_LABELS.get(s['workforce_type'], 'workforce type unknown')}, "
            f"{s['department_label'] or 'no department'}{unit}; started {started}{left}; "
            f"{s['status'] or 'status unknown'} in the HR roster of "
            f"{ui.day_text(s['snapshot_date'])}.")


def requirement_section(req: RequirementWhy) -> None:
    status = STATUS_TEXT.get(req.status, req.status)
    if req.late:
        status += " (late: after the deadline)"
    if req.expired:
        status += " (completion expired)"
    st.header(f"{req.title}: {status}")
    st.markdown(f"Deadline {ui.day_text(req.deadline)}. {req.scope_words}")
    if req.completed_on is not None and req.status == "completed":
        st.markdown(f"Completed on {ui.day_text(req.completed_on)}.")
    if req.in_scope and req.modules_missing:
        st.markdown(f"Still to do: {modules_text(req.modules_missing)}.")
    for ex in req.exemptions:
        until = f"to {ui.day_text(ex['ends_on'])}" if ex["ends_on"] else "with no end date"
        st.markdown(f"Exemption: {ex['reason']}, from {ui.day_text(ex['starts_on'])} {until}"
                    f"{'' if ex['in_force'] else ' (not in force on this date)'}.")
    rows = data.evidence_rows(req)
    if rows.empty:
        if req.in_scope:
            st.caption("No completion of its modules has been imported for this person.")
        return
    st.dataframe(rows, hide_index=True, column_config={
        "module": st.column_config.TextColumn("Module"),
        "completed_on": st.column_config.DateColumn("Completed on", format="D MMM YYYY"),
        "counted": st.column_config.TextColumn("Counted?"),
        "note": st.column_config.TextColumn("Why not, or note"),
        "file_name": st.column_config.TextColumn("File"),
        "row": st.column_config.NumberColumn(
            "Row", format="%d", help="The row in the file as Excel shows it (header is row 1)."),
        "imported_at": st.column_config.DatetimeColumn(
            "Imported", format="D MMM YYYY, HH:mm", help="Date and time (UTC) of the import."),
        "imported_by": st.column_config.TextColumn("Imported by")})


st.title(ui.titled("Why a person has their status", as_of))
query = st.text_input("Name, staff number, collar number or email", key="person_query",
                      value=st.query_params.get("q", ""))
if not query.strip():
    st.info("Type part of a name, or a staff number, collar number or email.")
    st.stop()
st.query_params["q"] = query.strip()
found = data.find_people(token, query, force)
result = data.coverage_result(token, as_of, force, departments)
if departments is not None:  # a manager: only people of their departments
    found = found[found["person_id"].isin(result.status_frame["person_id"])]
if found.empty:
    st.warning(f"Nobody matches {query.strip()!r}" + (" in your departments" if departments
               else "") + ". Check the spelling, or search by staff number.")
    st.stop()
labels = {int(pid): f"{name} · {staff or 'no staff number'} · {data.force_name(code)}"
          for pid, name, staff, code in zip(found["person_id"], found["full_name"],
                                            found["staff_number"], found["force"], strict=True)}
person_id = st.selectbox("Person", list(labels), format_func=labels.__getitem__,
                         key="person_pick")
picked = found[found["person_id"] == person_id].iloc[0]
key = str(picked["staff_number"] or person_id)
why = data.explain(token, key, str(picked["force"]), as_of)
name = labels[person_id].split(" · ")[0]
rows = ui.status_words(data.person_statuses(result, int(person_id)))
st.header(f"Status of {name} for each requirement")
if rows.empty:
    st.info("Not in scope of any requirement on this date (see the rules on the Reports "
            "page).")
else:
    titles = rule_set.titles
    day = "D MMM YYYY"
    ui.table(rows.assign(requirement=rows["requirement"].map(lambda r: titles.get(r, r)),
                         completed_on=rows["completed_on"].map(  # blank, not "None"
                             lambda d: ui.day_text(d) if pd.notna(d) else "")),
             f"person-{person_id}-status-{as_of}", user, column_config={
                 "snapshot_date": st.column_config.DateColumn("Roster of", format=day),
                 "start_date": st.column_config.DateColumn("Started", format=day)})
if isinstance(why, str):
    st.warning(why)
    st.stop()
st.header(f"{name} on the roster")
st.markdown(roster_words(why))
st.caption(why.roster_words)
for requirement in why.requirements:
    requirement_section(requirement)
