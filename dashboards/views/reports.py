"""Reports: the compliance workbook (Excel) and CSVs, built by ``tracker.reports.data`` from the
same coverage engine as every page, and the requirement rules in force with their file."""

from __future__ import annotations

import streamlit as st

from dashboards import actions, data, ui
from tracker import auth

VISITOR_FILES = (
    ("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("csv", "CSV", "text/csv"))

user, settings, _token, force, departments, rules = ui.open_page("reports")
titles = rules.titles
pseudonymise = not auth.shows_identities(user, settings.pseudonymise_inspectors)

as_of = ui.url_date("As of", "asof", settings.today())
st.title(ui.titled("Compliance report", as_of))
scope_text = (data.force_name(user.force_code)
              + (f", departments {data.department_names(departments)}" if departments else ""))
st.write(f"For {scope_text}; every requirement; people "
         + ("shown as pseudonyms (no names, emails or staff numbers)." if pseudonymise
            else "named, so the outstanding list can be used to chase them."))
st.caption("The report is built when you press a button (a few seconds for a large force). "
           "Each download is recorded in the audit log.")

stem = f"oic-compliance-{as_of.isoformat()}"
cols = st.columns(3)
with cols[0]:
    st.download_button("Compliance report (Excel)", data.report_file(
        user, as_of, force, departments, pseudonymise, "xlsx"), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_report_xlsx", on_click="ignore", type="primary", icon=":material/download:")
with cols[1]:
    st.download_button("Outstanding list (CSV)", data.report_file(
        user, as_of, force, departments, pseudonymise, "outstanding"),
        file_name=f"{stem}-outstanding.csv", mime="text/csv", key="dl_report_outstanding",
        on_click="ignore", icon=":material/download:")
with cols[2]:
    st.download_button("Summary (CSV)", data.report_file(
        user, as_of, force, departments, pseudonymise, "summary"),
        file_name=f"{stem}-summary.csv", mime="text/csv", key="dl_report_summary",
        on_click="ignore", icon=":material/download:")

if auth.can(user, "upload"):
    st.header("Visiting forces' Hydra attendance")
    st.write("For each other force whose people were on your Hydra sessions' delegate lists, "
             "its delegates (name, collar and staff number, rank, course date, and whether "
             "they attended or did not), in the layout of a Hydra delegate list: send it to "
             "that force, and their upload of it credits the people who attended. Only that "
             "force's people are in its file.")
    visiting = data.visiting_forces(_token, user.force_code)
    if visiting.empty:
        st.info("No delegates from other forces yet. They appear here once the delegate "
                "lists of your Hydra sessions are uploaded on the Upload page.")
    for home, name, count in visiting.itertuples(index=False, name=None):
        line = st.container(horizontal=True, vertical_alignment="center")
        line.markdown(f"**{name}**: {count} delegate{'s' if count != 1 else ''}")
        for fmt, label, mime in VISITOR_FILES:
            line.download_button(f"{name} ({label})",
                                 actions.visitors_file(home, user.force_code, fmt, user),
                                 file_name=f"hydra-delegates-{home}.{fmt}", mime=mime,
                                 key=f"dl_visitors_{home}_{fmt}", on_click="ignore",
                                 icon=":material/download:", width="content")

st.header("Requirement rules in force")
st.caption(f"Rules file: {data.rules_file_text()}.")
for req in rules.requirements:
    with st.expander(f"{req.title}: deadline {ui.day_text(req.deadline)}"):
        st.write(req.description or req.title)
        st.write(req.describe_scope())
        st.caption(f"Modules: {', '.join(req.modules)}. Joiners get {req.grace_days} days. "
                   f"{req.reference}")
with st.expander("The rules file as written"):
    st.code(rules.text, language="toml")
