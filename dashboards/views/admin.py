"""Admin: users and roles (add, change role, reset password, unlock, deactivate and
reactivate; nobody deactivates themself), the permission table, the requirement rules in
force with which file they come from, and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from tracker import auth
from tracker.messages.hints import explain
from tracker.reference import vocab
from tracker.store.db import unit_of_work

user = ui.page_user("admin")
st.title("Administration")
if "admin_message" in st.session_state:
    kind, text = st.session_state.pop("admin_message")
    (st.success if kind == "ok" else st.error)(text)


def run(work: str, fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Do one user change in a unit of work; keep the outcome to show after the rerun."""
    try:
        with unit_of_work(data.engine()) as session:
            fn(session, *args, user.username, **kwargs)
        st.session_state["admin_message"] = ("ok", work)
    except auth.AuthError as exc:
        st.session_state["admin_message"] = ("error", explain(exc, "dashboard"))
    st.rerun()


def _readable(users: pd.DataFrame) -> pd.DataFrame:
    """The users table with force and department names instead of codes."""
    if users.empty:
        return users
    return users.assign(
        force=users["force"].map(lambda code: data.force_name(code) if code else "All forces"),
        departments=users["departments"].map(
            lambda codes: data.department_names([c.strip() for c in codes.split(",")
                                                 if c.strip()])))


users_tab, perms_tab, rules_tab, audit_tab = st.tabs(
    ["Users", "Roles and permissions", "Rules", "Audit log"])
with users_tab:
    with unit_of_work(data.engine()) as session:
        users = pd.DataFrame(auth.list_users(session))
    ui.table(_readable(users), "users", user)
    names = users["username"].tolist() if not users.empty else []
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**Add a user**")
        c = st.columns(3)
        username = c[0].text_input("User name", key="add_username")
        role = c[1].selectbox("Role", auth.ROLES, format_func=auth.ROLE_LABELS.__getitem__,
                              key="add_role")
        force = c[2].selectbox("Force", ["", *vocab.forces().forces], key="add_force",
                               format_func=lambda code: data.force_name(code or None))
        c = st.columns(3)
        email = c[0].text_input("Email (for organisation log-in)", key="add_email")
        depts = c[1].multiselect("Departments, for a manager",
                                 list(vocab.departments().departments), key="add_depts",
                                 format_func=vocab.department_label, placeholder="None")
        password = c[2].text_input("Password (empty: organisation log-in only)",
                                   type="password", key="add_password")
        if st.form_submit_button("Add user", key="add_submit"):
            run(f"Added {username}.", auth.add_user, username, role, password or None,
                force=force or None, email=email or None,
                departments=list(depts))
    if names:
        st.markdown("**Change a user**")
        c = st.columns(3)
        who = c[0].selectbox("User", names, key="change_user")
        new_role = c[1].selectbox("New role", auth.ROLES, key="change_role",
                                  format_func=auth.ROLE_LABELS.__getitem__)
        if c[2].button("Set role", key="set_role"):
            run(f"{who} is now {new_role}.", auth.set_role, who, new_role)
        c = st.columns(3)
        new_password = c[0].text_input("New password", type="password", key="new_password")
        if c[1].button("Reset password", key="reset_password"):
            run(f"Password of {who} reset.", auth.reset_password, who, new_password)
        if c[2].button("Unlock", key="unlock"):
            run(f"{who} unlocked.", auth.unlock, who)
        active = bool(users.set_index("username").at[who, "active"])
        yourself = who == user.username
        c = st.columns(3)
        if c[0].button("Deactivate", key="deactivate", disabled=yourself or not active,
                       help="You cannot deactivate your own account; another administrator "
                       "can." if yourself else "They can no longer log in; an open session "
                       "ends at its next page."):
            run(f"{who} deactivated: their open sessions end at their next page.",
                auth.set_active, who, False)
        if c[1].button("Reactivate", key="reactivate", disabled=active):
            run(f"{who} can log in again.", auth.set_active, who, True)
        c[2].caption(f"{who} is active." if active
                     else f"{who} is deactivated: they cannot log in.")

with perms_tab:
    table = pd.DataFrame({role: ["yes" if a in auth.PERMISSIONS[role] else "" for a in
                                 auth.ACTIONS] for role in auth.ROLES},
                         index=[f"{a}: {d}" for a, d in auth.ACTIONS.items()])
    st.dataframe(table)
    st.caption("Pages by role: " + "; ".join(
        f"{auth.ROLE_LABELS[r]}: {', '.join(auth.PAGES[p].title for p in auth.pages_for(r))}"
        for r in auth.ROLES))

with rules_tab:
    st.caption(f"Rules file: {data.rules_file_text()}. Read-only here: whoever runs the "
               "tracker's server changes the file (or the TRACKER_RULES setting) and "
               "restarts it.")
    st.code(data.rules().text, language="toml")

with audit_tab:
    ui.table(data.audit_tail(), "audit-log", user)
