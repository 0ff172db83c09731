"""Imports: the history of uploaded files (who, when, which file, what was read, accepted,
rejected), the row-level problems of each, and undo (training leads). Users who see no
names (inspectors when pseudonymised, administrators) get the problems as counts by code
and column, without the values and messages that can carry learners' names."""

from __future__ import annotations

import streamlit as st

from dashboards import actions, data, ui
from tracker import auth

user = ui.page_user("imports")
token = data.state_token()
force, _departments = data.scope(user)

st.title(ui.titled("Imports", data.settings().today()))
if "undo_message" in st.session_state:
    st.success(st.session_state.pop("undo_message"))
history = data.import_history(token, force)
if history.empty:
    st.info("No file has been imported yet." + (" Upload one on the Upload page."
                                                 if auth.can(user, "upload") else ""))
    st.stop()
ui.table(history, "import-history", user, column_config={
    "id": st.column_config.NumberColumn("Batch", format="%d"),
    "sha256": st.column_config.TextColumn("SHA-256", width="small")})

labels = {int(bid): f"#{bid} · {name} · {at:%d %b %Y %H:%M} · {status}"
          for bid, name, at, status in zip(history["id"], history["file_name"],
                                           history["imported_at"], history["status"],
                                           strict=True)}
batch_id = st.selectbox("Batch", list(labels), format_func=labels.__getitem__,
                        key="imports_batch")
chosen = history.loc[history["id"] == batch_id].iloc[0]
if auth.can(user, "upload") and bool(chosen["file_kept"]):
    st.download_button(f"Download {chosen['file_name']} as uploaded", key="imports_original",
                       data=actions.original_file(int(batch_id), user),
                       file_name=str(chosen["file_name"]), on_click="ignore",
                       icon=":material/download:")
st.header(f"Row-level problems of batch #{batch_id}")
if not auth.shows_identities(user, data.settings().pseudonymise_inspectors):
    problems = data.batch_problem_counts(token, int(batch_id))
    name = f"batch-{batch_id}-problem-counts"
    if not problems.empty:
        st.caption("Counted by code and column: a problem's value and message can carry a "
                   "learner's name, which your role is not shown.")
else:
    problems, name = data.batch_problems(token, int(batch_id)), f"batch-{batch_id}-problems"
if problems.empty:
    st.success("No problems were recorded for this file.")
else:
    ui.table(problems, name, user)

if auth.can(user, "undo_import"):
    status = chosen["status"]
    st.header("Undo this batch")
    if status != "committed":
        st.caption(f"Batch #{batch_id} is {status}; there is nothing to undo.")
    else:
        st.caption("Undo removes what this file added (completions only it reported, roster "
                   "states of this snapshot) in one transaction. The batch stays in the "
                   "history, marked undone.")
        sure = st.checkbox(f"Yes, undo batch #{batch_id} ({labels[batch_id].split(' · ')[1]})",
                           key="undo_sure")
        if st.button("Undo batch", key="undo_button", disabled=not sure, type="primary"):
            message = actions.undo(int(batch_id), user)
            st.session_state["undo_message"] = message
            st.rerun()
