"""National: coverage of each requirement by force, when more than one force has people."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, data, ui

user, settings, token, _force, _departments, rules = ui.open_page("national")
titles = rules.titles

cols = st.columns(2)
with cols[0]:
    requirement = ui.requirement_select(rules.ids, titles)
with cols[1]:
    as_of = ui.url_date("As of", "asof", settings.today())
st.title(ui.titled(f"{titles[requirement]} coverage by force", as_of))
if user.force_code is not None:
    st.error("The National page compares forces; your account is for one force only.")
    st.stop()
result = data.filtered(data.coverage_result(token, as_of, None, None), requirement=requirement)
by_force = data.labelled(result.summary(by=("force",)))
st.caption(f"{len(by_force)} force{'s' if len(by_force) != 1 else ''} with people in scope.")
st.plotly_chart(charts.force_bars(by_force, ui.titled(f"{titles[requirement]} coverage by force",
                                                      as_of)), key="force_bars")
st.markdown(charts.force_summary(by_force))
with st.expander("Coverage by force: the numbers"):
    ui.table(by_force.drop(columns=["requirement"]), f"{requirement}-by-force-{as_of}", user)
