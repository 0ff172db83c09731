"""Data quality: the unmatched-learner queue with suggested matches to confirm or reject,
unknown ranks, departments and module titles to map in place (saved and reapplied on later
imports), and ambiguous date columns."""

from __future__ import annotations

import streamlit as st

from dashboards import actions, data, ui
from tracker.messages.problems import Code
from tracker.reference import vocab

user = ui.page_user("data_quality")
token = data.state_token()
force, _departments = data.scope(user)
st.title(ui.titled("Data quality", data.settings().today()))
if "dq_message" in st.session_state:
    st.info(st.session_state.pop("dq_message"))


def done(message: str) -> None:
    st.session_state["dq_message"] = message
    st.rerun()


queue_tab, values_tab, dates_tab = st.tabs(
    ["Unmatched learners", "Unknown values", "Ambiguous dates"])

with queue_tab:
    queue = data.unmatched_queue(token, force)
    st.caption(f"{len(queue):,} learner record{'s' if len(queue) != 1 else ''} in completion "
               "files matched nobody on the roster. "
               "Confirm who they are (remembered for later imports) or mark them as not "
               "ours (a leaver, another force).")
    if not queue.empty:
        ui.table(queue, "unmatched-learners", user)
        labels = {int(rid): f"#{rid} · {name} · {file} row {row}" for rid, name, file, row
                  in zip(queue["id"], queue["display_name"], queue["file_name"], queue["row"],
                         strict=True)}
        record = st.selectbox("Learner to resolve", list(labels), key="dq_record",
                              format_func=labels.__getitem__)
        found = data.suggestions(int(record))
        options = {int(pid): label
                   for pid, label in zip(found["person_id"], found["label"], strict=True)}
        person: int | None = None
        if options:
            person = st.radio("Suggested people", list(options), key="dq_person",
                              format_func=options.__getitem__)
        else:
            st.caption("No close name on the roster. Type a staff number to match by hand.")
        typed = st.text_input("Or a staff number", key="dq_staff")
        pair = st.columns(2)
        if pair[0].button("Confirm match", key="dq_confirm", type="primary"):
            chosen = data.person_by_staff_number(token, typed, force) if typed.strip() else person
            done(actions.confirm_match(int(record), int(chosen), user) if chosen is not None
                 else f"No person with staff number {typed.strip()!r}; check it and try again.")
        if pair[1].button("Not one of ours", key="dq_reject"):
            done(actions.reject_match(int(record), user))

with values_tab:
    unknown = data.unmapped_values(token, force)
    modules = data.problems_of(token, force, (Code.UNKNOWN_MODULE.value,))
    for kind, raws in (("rank", unknown[unknown["kind"] == "rank"]),
                       ("department", unknown[unknown["kind"] == "department"]),
                       ("module", modules.groupby("value", as_index=False).size()
                        .rename(columns={"value": "raw", "size": "people"}))):
        st.markdown(f"**Unknown {kind} values** ({len(raws)})")
        if raws.empty:
            st.caption("None.")
            continue
        ui.table(raws, f"unknown-{kind}-values", user)
        c = st.columns(3)
        raw = c[0].selectbox("Value", raws["raw"].tolist(), key=f"dq_raw_{kind}")
        names = vocab.code_labels(kind)
        canonical = c[1].selectbox("Means", list(names), key=f"dq_code_{kind}", index=None,
                                   format_func=names.__getitem__,
                                   placeholder=f"Choose the {kind} it means")
        if c[2].button("Save mapping", key=f"dq_map_{kind}", disabled=canonical is None,
                       help="Choose what the value means first." if canonical is None
                       else None):
            done(actions.save_mapping(kind, str(raw), str(canonical), user))

with dates_tab:
    ambiguous = data.problems_of(token, force, (Code.AMBIGUOUS_DATES.value,))
    if ambiguous.empty:
        st.caption("No ambiguous date columns in the files imported.")
    else:
        st.caption("Dates such as 03/04/2026 could be day-first or month-first. Upload the "
                   "file again choosing the date order on the Upload page.")
        ui.table(ambiguous, "ambiguous-dates", user)
