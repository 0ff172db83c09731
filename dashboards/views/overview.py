"""Overview: for each requirement, coverage, days to the deadline, whether it is on track,
the trend with the trajectory needed and the forecast, and who is furthest behind. Once
the deadline has passed, also the coverage on the deadline itself (what HMICFRS asked
for) and how far it has moved since.

The headline numbers are drawn first (one coverage computation); the on-track status and
trend charts fill in after, so the page paints quickly even before the trend is cached."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, data, ui
from tracker import auth

user, settings, token, force, departments, rules = ui.open_page("overview")
today = settings.today()
result = data.coverage_result(token, today, force, departments)
summary = result.summary()

st.title(ui.titled("OIC training coverage", today))
if departments:
    st.caption(f"Your departments only: {data.department_names(departments)}.")
if result.status_frame.empty:
    st.info("Nobody is in scope yet. A training lead uploads the HR roster first, then the "
            "LMS and Hydra exports (Upload page).")
    st.stop()

later = []
on_deadline = data.on_deadlines(token, today, force, departments)
for req, row in zip(result.requirements, summary.to_dict("records"), strict=True):
    with st.container(border=True):
        st.header(req.title)
        st.caption(f"{req.reference}. Deadline {ui.day_text(req.deadline)}.")
        days = (req.deadline - today).days
        counted = int(row["completed"] + row["outstanding"])
        then = on_deadline.get(req.id)
        cols = st.columns(4)
        cols[0].metric("Coverage", ui.pct_text(row["coverage_pct"]),
                       delta=ui.points_since(row["coverage_pct"], then, req.deadline))
        cols[1].metric("Completed", f"{row['completed']:,} of {counted:,}",
                       help="Completed of those in scope (exempt and not-yet-due people "
                       "are counted apart).")
        cols[2].metric("Days to deadline" if days >= 0 else "Days past deadline", abs(days))
        status = cols[3].empty()
        st.caption(f"{row['in_scope']:,} in scope: {row['completed']:,} completed "
                   f"({row['completed_late']:,} after the deadline), {row['outstanding']:,} "
                   f"outstanding, {row['exempt']:,} exempt, {row['not_yet_due']:,} not yet due.")
        if then is not None:
            st.caption(f"On the deadline, {ui.day_text(req.deadline)}: "
                       f"{ui.pct_text(then['coverage_pct'])} ({then['completed']:,} of "
                       f"{then['completed'] + then['outstanding']:,} completed, "
                       f"{then['outstanding']:,} outstanding).")
        chart = st.empty()
        left, right = st.columns(2)
        for column, by, label in ((left, "department", "Departments"), (right, "rank", "Ranks")):
            behind = data.furthest_behind(result, req.id, by)
            with column:
                st.markdown(f"**{label} furthest behind**")
                ui.table(behind, f"{req.id}-{by}-furthest-behind", user)
    later.append((req, status, chart))

trends = data.trends_soon(token, rules.ids, today, force, departments)  # after the headline
for req, status, chart in later:
    trend = trends[req.id].result()
    with status.container():
        ui.rag_badge(trend.rag, f"{trend.rag_reason} ({trend.rag_rule})")
    with chart.container():
        st.caption(data.forecast_text(trend))
        st.plotly_chart(charts.trend(trend, req, ui.titled(f"{req.title}: coverage week by "
                                                           "week", today)),
                        key=f"trend_{req.id}")
        st.markdown(charts.trend_summary(trend, req))
        with st.expander("Coverage week by week: the numbers"):
            ui.table(charts.trend_numbers(trend, req), f"{req.id}-trend-{today}", user)
if auth.may_open(user, "outstanding"):
    data.names_soon(result)  # the Outstanding page's lists, read while this one is read
