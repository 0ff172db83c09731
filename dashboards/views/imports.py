"""Imports: the history of uploaded files (who, when, which file, what was read, accepted,
rejected; the columns a training lead reads first, the technical ones last, the counts in
words), the row-level problems of each, and undo (training leads). Users who see no
names (inspectors when pseudonymised, administrators) get the problems as counts by code
and column, without the values and messages that can carry learners' names."""

from __future__ import annotations

import streamlit as st

from dashboards import actions, data, ui
from tracker import auth

user = ui.page_user("imports")

HISTORY_CONFIG = {
    "id": st.column_config.NumberColumn("Batch", format="%d"),
    "file_name": st.column_config.TextColumn("File"),
    "kind": st.column_config.TextColumn("Kind of file"),
    "imported_at": st.column_config.DatetimeColumn("Imported", format="D MMM YYYY, HH:mm",
                                                   help="Date and time (UTC) of the import."),
    "imported_by": st.column_config.TextColumn("Imported by"),
    "status": st.column_config.TextColumn(
        "Status", help="committed: its records count; undone: taken back out (see Undone)."),
    "rows_read": st.column_config.NumberColumn(
        "Rows read", format="%d", help="Data rows in the file (the header row and any title "
        "rows above it not counted)."),
    "rows_accepted": st.column_config.NumberColumn(
        "Records accepted", format="%d", help="Completions (for an HR roster: people) taken "
        "from the file. A Moodle course report has one row per learner and several modules "
        "on each row, so it can give more completions than it has rows."),
    "accepted": st.column_config.TextColumn(
        "What the file gave", help="Records accepted and rows read, in words."),
    "rows_rejected": st.column_config.NumberColumn(
        "Rows rejected", format="%d", help="Rows with an error, not imported; the row-level "
        "problems of a batch are listed below the table."),
    "problems": st.column_config.NumberColumn(
        "Problems", format="%d", help="Row-level problems recorded (errors and warnings)."),
    "undone": st.column_config.TextColumn("Undone", help="When, and by whom, the batch was "
                                          "undone; empty while it counts."),
    "as_of": st.column_config.TextColumn(
        "As of", help="The date the file describes: an HR roster's snapshot date, or the "
        "date an export says it was run. '–' when the file gives none: completions carry "
        "their own dates."),
    "force": st.column_config.TextColumn("Force"),
    "rows_new": st.column_config.NumberColumn(
        "New records", format="%d", help="Records not known before this file."),
    "rows_unchanged": st.column_config.NumberColumn(
        "Already known", format="%d", help="Records an earlier file had already given."),
    "rows_unmatched": st.column_config.NumberColumn(
        "Unmatched learners", format="%d", help="Completions of learners matched to nobody "
        "on the roster (see Data quality)."),
    "sha256": st.column_config.TextColumn("SHA-256", width="small"),
    "file_kept": st.column_config.CheckboxColumn("File kept", help="The file is kept as "
                                                 "uploaded and can be downloaded again."),
}


def fresh_pick(labels: dict[int, str]) -> None:
    """Set the batch picker's value again when its batch's label has changed since it was
    shown (undone here or elsewhere): the browser keeps the label it was given, so without
    this it would go on saying "committed" after an undo."""
    chosen = st.session_state.get("imports_batch")
    shown = st.session_state.get("imports_labels", {})
    if chosen in labels and chosen in shown and shown[chosen] != labels[chosen]:
        st.session_state["imports_batch"] = chosen

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
ui.table(data.history_view(history), "import-history", user, column_config=HISTORY_CONFIG)

labels = {int(bid): f"#{bid} · {name} · {at.day} {at:%b %Y %H:%M} · {status}"
          for bid, name, at, status in zip(history["id"], history["file_name"],
                                           history["imported_at"], history["status"],
                                           strict=True)}
fresh_pick(labels)
batch_id = st.selectbox("Batch", list(labels), format_func=labels.__getitem__,
                        key="imports_batch")
st.session_state["imports_labels"] = labels
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
