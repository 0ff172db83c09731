"""Coverage: rank x department heatmap with counts, status bars by rank and by department,
module progress for the e-learning; filters kept in the URL; every chart's data
downloadable and summed up in a sentence. The heatmap is banded by the report's group
rule; clicking a cell or a bar opens Outstanding filtered to that rank and department."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards import charts, data, ui
from tracker import auth
from tracker.coverage import pace

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
    dept_filter, rank_filter, wf_filter = ui.group_filters(options)

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
if view.status_frame.empty:
    st.info("Nobody in scope matches these filters. Clear a filter or pick another date.")
    st.stop()

req = rules.get(requirement)
target = pace.steady_pace_pct(req, as_of)
drill = auth.may_open(user, "outstanding")
select: dict[str, Any] = {"on_select": "rerun", "selection_mode": "points"} if drill else {}
if drill:
    st.caption("Click a cell or a bar to list the people behind it on the Outstanding page.")


def clicked(event: Any) -> list[Any] | None:
    """The customdata (codes) of the clicked cell or bar, if any."""
    points = event.selection.points if drill and event is not None else []
    codes = points[0].get("customdata") if points else None
    return list(codes) if codes else None


def open_outstanding(rank: list[str | None], dept: list[str | None]) -> None:
    """Outstanding filtered to ``rank`` and ``dept`` (codes in the URL, as its contract
    says: req, asof, rank, dept; the workforce filter kept)."""
    if None in rank or None in dept:
        st.warning("That group's rank or department is not mapped yet, so the Outstanding "
                   "page cannot be filtered to it. Map it on the Data quality page, or open "
                   "Outstanding and group by unit.")
        return
    params: dict[str, str | list[str]] = {"req": requirement, "asof": as_of.isoformat()}
    for param, values in (("rank", rank), ("dept", dept), ("wf", wf_filter)):
        if values:
            params[param] = [str(v) for v in values]
    st.switch_page("views/outstanding.py", query_params=params)


grid = data.labelled(view.summary(by=("rank", "department")))
heat = st.plotly_chart(charts.heatmap(grid, ui.titled(
    f"{title} coverage by rank and department", as_of), target), key="heatmap", **select)
st.caption(pace.group_rule(req, as_of, target))
st.markdown(charts.heatmap_summary(grid, target))
if (cell := clicked(heat)) is not None:
    open_outstanding([cell[0]], [cell[1]])
with st.expander("Rank by department: the numbers"):
    cells = charts.heatmap_cells(grid, target)
    ui.table(cells[[c for c in grid.columns if c != "requirement"] + ["status"]],
             f"{requirement}-rank-department-{as_of}", user)

for by, label in (("rank", "rank"), ("department", "department")):
    frame = data.labelled(view.summary(by=(by,)))
    bars = st.plotly_chart(charts.status_bars(frame, f"{by}_label", ui.titled(
        f"{title}: people by status and {label}", as_of), code_column=by),
        key=f"bars_{by}", **select)
    st.markdown(charts.bars_summary(frame, f"{by}_label", label))
    if (bar := clicked(bars)) is not None:
        open_outstanding([bar[0]] if by == "rank" else list(rank_filter),
                         [bar[0]] if by == "department" else list(dept_filter))
    with st.expander(f"By {label}: the numbers"):
        ui.table(frame.drop(columns=["requirement"]), f"{requirement}-by-{by}-{as_of}", user)

if len(req.modules) > 1:
    progress = view.module_progress(requirement)
    st.plotly_chart(charts.module_progress(progress, ui.titled(
        f"{title}: modules done per person", as_of)), key="modules")
    st.markdown(charts.progress_summary(progress, len(req.modules)))
    with st.expander("Modules done: the numbers"):
        ui.table(progress, f"{requirement}-module-progress-{as_of}", user)
        ui.table(view.module_counts(requirement), f"{requirement}-by-module-{as_of}", user)
