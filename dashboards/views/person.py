"""Person: look someone up and see the "why" of their status for each requirement."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui

user, settings, token, force, departments, _rules = ui.open_page("person")
as_of = settings.today()

st.title(ui.titled("Why does someone have their status?", as_of))
query = st.text_input("Name, staff number, collar number or email", key="person_query",
                      value=st.query_params.get("q", ""))
if not query.strip():
    st.info("Type part of a name, or a staff number, collar number or email.")
    st.stop()
st.query_params["q"] = query.strip()
found = data.find_people(token, query, force)
result = data.coverage_result(token, as_of, force, departments)
if departments is not None:  # a manager: only people of their departments
    found = found[found["person_id"].isin(result.people["person_id"])]
if found.empty:
    st.warning(f"Nobody matches {query.strip()!r}" + (" in your departments" if departments
               else "") + ". Check the spelling, or search by staff number.")
    st.stop()
labels = {int(pid): f"{name} · {staff or 'no staff number'} · {code}"
          for pid, name, staff, code in zip(found["person_id"], found["full_name"],
                                            found["staff_number"], found["force"], strict=True)}
person_id = st.selectbox("Person", list(labels), format_func=labels.__getitem__,
                         key="person_pick")
picked = found[found["person_id"] == person_id].iloc[0]
key = str(picked["staff_number"] or person_id)
st.code(data.explain(token, key, str(picked["force"]), as_of), language=None, wrap_lines=True)
rows = ui.status_words(data.person_statuses(result, int(person_id)))
st.header(f"Status of {labels[person_id].split(' · ')[0]} for each requirement")
if rows.empty:
    st.info("Not in scope of any requirement on this date (see the rules on the Reports "
            "page).")
else:
    ui.table(rows, f"person-{person_id}-status-{as_of}", user)
