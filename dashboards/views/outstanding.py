"""Outstanding: who still has to complete what, by department, line manager, rank or unit,
sortable and downloadable for chasing; the ranks and departments come from the URL
(``?rank=inspector&dept=cid``, and ``wf``: the Coverage page's filters and drill-down) and can be
changed or cleared. Inspectors see pseudonyms when the setting is on."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui
from tracker import auth
from tracker.reference import labels

# What the list can be grouped by, each named by the heading of the column that shows it.
GROUPS = {"department": "department_label", "line_manager": "line_manager_name",
          "rank": "rank_label", "unit": "unit"}

# Rows of people sent to the browser's table: a force's list whole (the Met's is about
# 17,000), a national one (85,000) in part, since the page would take seconds to redraw.
PEOPLE_SHOWN = 20_000

user, settings, token, force, departments, rules = ui.open_page("outstanding")
titles = rules.titles

with st.container(border=True):
    cols = st.columns(3)
    with cols[0]:
        requirement = ui.requirement_select(rules.ids, titles)
    with cols[1]:
        named = auth.shows_identities(user, settings.pseudonymise_inspectors)
        groups = [g for g in GROUPS if named or g != "line_manager"]  # a manager's name
        group = ui.url_select("Group by", groups, "by",
                              format_func=lambda g: labels.heading(GROUPS[g]))
    with cols[2]:
        as_of = ui.url_date("As of", "asof", settings.today())
    result = data.coverage_result(token, as_of, force, departments)
    options = data.filter_options(result, requirement)
    unknown = ui.link_codes_left_out(options)
    dept_filter, rank_filter, wf_filter = ui.group_filters(options)
if unknown:
    st.warning(f"The link's {' and '.join(unknown)} matches nobody in scope for "
               f"{titles[requirement]}, so that filter is left out.")

view = data.filtered(result, ranks=rank_filter, departments=dept_filter, workforce=wf_filter)
people = data.outstanding_people(view, requirement, group)
who = ui.people_words(rank_filter, dept_filter, wf_filter)
st.title(ui.titled(f"{titles[requirement]}: who is outstanding"
                   + (f" — {who}" if who else ""), as_of))
deadline = rules.get(requirement).deadline
st.caption(f"{len(people):,} people still to complete it; deadline {ui.day_text(deadline)} "
           f"({ui.days_from(deadline, as_of)}).")
if people.empty:
    st.success("Nobody is outstanding for this requirement"
               + (" among these people." if who else "."))
    st.stop()

st.header(f"Outstanding by {labels.heading(GROUPS[group]).lower()}")
st.caption("Most people outstanding first (the most to chase), then lowest coverage.")
ui.table(data.outstanding_groups(view, requirement, group),
         f"{requirement}-outstanding-by-{group}-{as_of}", user)
st.header("People")
ui.table(ui.people_view(people, user, as_of), f"{requirement}-outstanding-people-{as_of}", user,
         column_config={"modules_missing": st.column_config.TextColumn(
             labels.heading("modules_missing"), width="medium")}, shown=PEOPLE_SHOWN,
         noun="people")
