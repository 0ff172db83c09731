"""Outstanding: who still has to complete what, by department, line manager, rank or unit,
sortable and downloadable for chasing. Inspectors see pseudonyms when the setting is on."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui
from tracker import auth

GROUPS = {"department": "Department", "line_manager": "Line manager", "rank": "Rank",
          "unit": "Unit"}

user, settings, token, force, departments, rules = ui.open_page("outstanding")
titles = rules.titles

cols = st.columns(3)
with cols[0]:
    requirement = ui.requirement_select(rules.ids, titles)
with cols[1]:
    named = auth.shows_identities(user, settings.pseudonymise_inspectors)
    groups = [g for g in GROUPS if named or g != "line_manager"]  # a manager's name identifies
    group = ui.url_select("Group by", groups, "by", format_func=GROUPS.__getitem__)
with cols[2]:
    as_of = ui.url_date("As of", "asof", settings.today())

result = data.coverage_result(token, as_of, force, departments)
people = data.outstanding_people(result, requirement, group)
st.title(ui.titled(f"{titles[requirement]}: who is outstanding", as_of))
deadline = rules.get(requirement).deadline
st.caption(f"{len(people):,} people still to complete it; deadline {ui.day_text(deadline)} "
           f"({ui.days_from(deadline, as_of)}).")
if people.empty:
    st.success("Nobody is outstanding for this requirement.")
    st.stop()

counts = data.labelled(result.summary(by=(group,)))
counts = counts[(counts["requirement"] == requirement) & (counts["outstanding"] > 0)]
label = {"department": "department_label", "rank": "rank_label",
         "line_manager": "line_manager_name"}.get(group, group)
shown_counts = counts[[c for c in dict.fromkeys([group, label]) if c in counts]
                      + ["outstanding", "in_scope", "coverage_pct"]]
st.header(f"Outstanding by {GROUPS[group].lower()}")
ui.table(shown_counts, f"{requirement}-outstanding-by-{group}-{as_of}", user)
st.header("People")
ui.table(ui.people_view(people, user, as_of), f"{requirement}-outstanding-people-{as_of}", user)
