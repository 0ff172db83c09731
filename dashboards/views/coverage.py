"""Coverage: rank x department heatmap with counts, status bars by rank and by department,
module progress for the e-learning; filters kept in the URL; every chart's data
downloadable."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, data, ui
from tracker import vocab

user, settings, token, force, departments, rules = ui.open_page("coverage")
titles = rules.titles

with st.container(border=True):
    top = st.columns(3)
    with top[0]:
        requirement = ui.requirement_select(rules.ids, titles)
    with top[1]:
        as_of = ui.url_date("As of", "asof", settings.today())
    with top[2]:
        forces = data.forces_with_people(token)
        if user.force_code is None and len(forces) > 1:
            names = dict(zip(forces["code"], forces["name"], strict=True))
            choice = ui.url_select("Force", ["all", *names], "force",
                                   format_func=lambda c: names.get(c, "All forces"))
            force = None if choice == "all" else choice
    result = data.coverage_result(token, as_of, force, departments)
    options = data.filter_options(result, requirement)
    row = st.columns(3)
    with row[0]:
        dept_filter = ui.url_multiselect("Department", options["department"], "dept",
                                         format_func=vocab.department_label)
    with row[1]:
        rank_filter = ui.url_multiselect("Rank", options["rank"], "rank",
                                         format_func=vocab.rank_label)
    with row[2]:
        wf_filter = ui.url_multiselect("Workforce type", options["workforce_type"], "wf",
                                       format_func=lambda w: vocab.WORKFORCE_LABELS.get(w, w))

view = data.filtered(result, ranks=rank_filter, workforce=wf_filter, departments=dept_filter,
                     requirement=requirement)
headline = view.summary().iloc[0]
title = titles[requirement]
st.title(ui.titled(f"{title} coverage", as_of))
cols = st.columns(4)
cols[0].metric("Coverage", ui.pct_text(headline["coverage_pct"]))
cols[1].metric("Completed", f"{headline['completed']:,}")
cols[2].metric("Outstanding", f"{headline['outstanding']:,}")
cols[3].metric("In scope", f"{headline['in_scope']:,}",
               help=f"{headline['exempt']:,} exempt, {headline['not_yet_due']:,} not yet due")
if view.people.empty:
    st.info("Nobody in scope matches these filters. Clear a filter or pick another date.")
    st.stop()

grid = data.labelled(view.summary(by=("rank", "department")))
st.plotly_chart(charts.heatmap(grid, ui.titled(f"{title} coverage by rank and department",
                                               as_of)), key="heatmap")
with st.expander("Rank by department: the numbers"):
    ui.table(grid.drop(columns=["requirement"]), f"{requirement}-rank-department-{as_of}", user)

for by, label in (("rank", "rank"), ("department", "department")):
    frame = data.labelled(view.summary(by=(by,)))
    st.plotly_chart(charts.status_bars(frame, f"{by}_label", ui.titled(
        f"{title}: people by status and {label}", as_of)), key=f"bars_{by}")
    with st.expander(f"By {label}: the numbers"):
        ui.table(frame.drop(columns=["requirement"]), f"{requirement}-by-{by}-{as_of}", user)

if len(rules.get(requirement).modules) > 1:
    progress = view.module_progress(requirement)
    st.plotly_chart(charts.module_progress(progress, ui.titled(
        f"{title}: modules done per person", as_of)), key="modules")
    with st.expander("Modules done: the numbers"):
        ui.table(progress, f"{requirement}-module-progress-{as_of}", user)
        ui.table(view.module_counts(requirement), f"{requirement}-by-module-{as_of}", user)
