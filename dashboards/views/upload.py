"""Upload (training leads): drop one or more LMS, HR or Hydra exports; see what each file
is, which columns were found, what importing it would change and every row-level problem;
then confirm or cancel. Nothing is written before Confirm. A file that looks implausible
says why at the top of its box and is left out until the lead ticks that they have checked
it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import actions, data, mapping, ui
from dashboards.progress import WRITING, BarProgress
from tracker.ingest.plausibility import EXAMPLE_HEADERS, Finding
from tracker.ingest.records import Kind
from tracker.messages.hints import face_hint

KINDS = {"": "Detect automatically", **{k.value: k.label for k in Kind}}
FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods"]
FILE_TYPES_TEXT = ("CSV or text (.csv, .txt, .tsv), Excel (.xlsx, .xlsm, .xls) or "
                   "OpenDocument (.ods)")

PLANS = "upload_plans"
MAPS = "upload_columns"  # the user's column mapping by (file id, kind chosen)

user = ui.page_user("upload")
settings = data.settings()
token = data.state_token()
st.title("Upload files")
for line in st.session_state.pop("upload_message", []):
    if line.startswith("Imported"):
        st.success(line)
    elif line.startswith("Cancelled"):
        st.info(line)
    else:
        st.error(line)

forces = data.forces_with_people(token)
c = st.columns(4)
if user.force_code:
    force = user.force_code
    c[0].text_input("Force", value=data.force_name(force), disabled=True,
                    key="upload_force_fixed")
else:
    from tracker.reference import vocab
    codes = list(vocab.forces().forces)
    force = c[0].selectbox("Force", codes, key="upload_force",
                           format_func=lambda f: vocab.forces().forces[f].name)
kind = c[1].selectbox("Kind of file", list(KINDS), format_func=KINDS.__getitem__,
                      key="upload_kind")
as_of = c[2].date_input("Roster date (HR files; empty: the file's own date)", value=None,
                        key="upload_as_of", format="DD/MM/YYYY")
full = c[3].checkbox("Full roster", value=True, key="upload_full",
                     help="Ticked: people on the last roster but missing from this one have "
                     "left. Unticked: a partial update (only the people listed change).")

round_ = st.session_state.get("upload_round", 0)


def readable(name: str) -> bool:
    return Path(name).suffix.lower().lstrip(".") in FILE_TYPES


files = st.file_uploader("LMS, HR or Hydra exports (CSV, Excel)", accept_multiple_files=True,
                         key=f"upload_files_{round_}", max_upload_size=settings.max_upload_mb)
st.caption(f"Files it reads: {FILE_TYPES_TEXT}, up to {settings.max_upload_mb:,} MB each.")
# The types are checked here, not by the uploader's own filter, whose refusal is only a
# tooltip in the browser (and an exception, should a file get past it).
for file in [f for f in files or [] if not readable(f.name)]:
    st.error(f"{file.name} is not a file this page reads, so it is left out. Save it from its "
             f"system as {FILE_TYPES_TEXT} and upload that; remove it from the list above.")
files = [f for f in files or [] if readable(f.name)]
if not files:
    st.info("Drop one or more files above. You will see what they would change before "
            "anything is saved.")
    st.stop()

plans: dict[tuple, actions.Upload] = st.session_state.setdefault(PLANS, {})
progress = st.progress(0.0, text="Reading files…")
uploads = []
for i, file in enumerate(files):
    again = st.session_state.get(f"upload_again_{file.file_id}", False)
    order = st.session_state.get(f"upload_dates_{file.file_id}")
    columns = st.session_state.setdefault(MAPS, {}).get((file.file_id, kind), {})
    accept = st.session_state.get(f"upload_accept_{file.file_id}", False)
    key = (file.file_id, force, kind, as_of, full, again, order, accept,
           tuple(sorted(columns.items())))
    if key not in plans:
        plans[key] = actions.plan_upload(file.name, file.getvalue(), user, force,
                                         kind=kind or None, as_of=as_of, full_roster=full,
                                         reimport=again, date_order=order, columns=columns,
                                         accept=accept,
                                         progress=BarProgress(progress, file.name, i,
                                                              len(files)))
    uploads.append((file.file_id, plans[key]))
progress.empty()


def offer_again(file_id: str, upload: actions.Upload) -> bool:
    """A file whose content was imported before: say so, and offer to import it again
    (after a new mapping, rows rejected then are read now). True when it is refused."""
    plan = upload.plan
    if plan is None or plan.already_imported is None:
        return False
    again = st.checkbox(
        "Import it again: rows already stored stay as they are; rows that can be read now "
        "(after a new mapping, say) are added.", key=f"upload_again_{file_id}")
    if not again:
        st.warning(f"This file was imported before, as batch #{plan.already_imported} "
                   "(same content), so it will not be imported again unless you tick the "
                   "box above. To replace that batch instead, undo it on the Imports page.")
    return not again


ACCEPT_LABEL = "I have checked this file: import it anyway"


def implausible_fix(finding: Finding) -> str:
    """What to do about an implausible file, in this page's words (the finding's dashboard
    hint)."""
    evidence = dict(finding.evidence)
    if evidence.get("field") in EXAMPLE_HEADERS:
        evidence.setdefault("example", EXAMPLE_HEADERS[evidence["field"]])
    hint = face_hint(finding.code, "dashboard", **evidence)
    return f"To fix: {hint[:1].lower()}{hint[1:]}" if hint else ""


def offer_accept(file_id: str, upload: actions.Upload) -> None:
    """A file that looks implausible: each finding, loud, with how to fix it, and the box
    to import it anyway (its plan is made again, accepted, when ticked)."""
    plan = upload.plan
    if plan is None or not plan.findings:
        return
    for finding in plan.findings:
        if plan.accept:
            st.warning(f"{finding.message}\n\nYou have checked it: it will be imported "
                       "anyway, and the audit log will say so.")
        else:
            st.error(f"{finding.message}\n\n{implausible_fix(finding)} If the file is right, "
                     f'tick "{ACCEPT_LABEL}" below.')
    st.checkbox(ACCEPT_LABEL, key=f"upload_accept_{file_id}")


DATE_ORDERS = {"day-first": "day first: 03/04/2026 is 3 April 2026 (UK)",
               "month-first": "month first: 03/04/2026 is 4 March 2026 (US)"}


def offer_date_order(file_id: str, upload: actions.Upload) -> None:
    """A file with a column whose dates could be read either way (no day over 12): let the
    training lead say how, once they have checked a few against the source system."""
    key = f"upload_dates_{file_id}"
    plan = upload.plan
    ambiguous = plan is not None and any(p.code.value == "ambiguous-dates"
                                         for p in plan.report.problems)
    if ambiguous or key in st.session_state:
        st.radio("Dates such as 03/04/2026 in this file are", list(DATE_ORDERS), key=key,
                 format_func=DATE_ORDERS.__getitem__, index=None, horizontal=True,
                 help="No date in the column has a day over 12, so the file cannot say. "
                 "Check a few against the source system, then choose; read day first "
                 "until you do.")


def offer_mapping(file_id: str, upload: actions.Upload) -> None:
    """What each column of the file feeds and why, as a table the training lead can change:
    a change reads the file again with it, and Confirm saves it for files of this layout."""
    seen = upload.file_columns
    if seen is None or seen.kind is None or not seen.headers:
        return
    if upload.plan is not None and upload.plan.parsed.layout_used:
        st.info("Using the saved mapping for this layout of file.")
    choices = mapping.options(seen.kind)
    before = mapping.table(seen)
    after = st.data_editor(
        before, key=f"upload_map_{file_id}_{kind}", hide_index=True, num_rows="fixed",
        disabled=[mapping.COLUMN, mapping.WHY], column_config={mapping.FEEDS: (
            st.column_config.SelectboxColumn(options=list(choices), required=True))})
    wanted = {**upload.columns, **mapping.changes(before, after, choices)}
    if wanted != upload.columns:
        st.session_state[MAPS][(file_id, kind)] = wanted
        st.rerun()


for file_id, upload in uploads:
    with st.container(border=True):
        st.header(upload.name)
        if upload.plan is None:
            st.error(upload.error or "This file could not be read.")
            offer_mapping(file_id, upload)
            continue
        offer_accept(file_id, upload)
        if offer_again(file_id, upload):
            continue
        offer_date_order(file_id, upload)
        plan, parsed = upload.plan, upload.plan.parsed
        st.write(f"Read as **{KINDS.get(plan.kind, plan.kind)}**"
                 + (f", sheet {parsed.sheet!r}" if parsed.sheet else "")
                 + (f", header on row {parsed.header_row}" if parsed.header_row else "")
                 + (f", as of {ui.day_text(plan.as_of)}" if plan.as_of else "") + ".")
        offer_mapping(file_id, upload)
        if upload.error and not plan.findings:  # a finding is shown at the top
            st.error(upload.error)
        summary = plan.summary()
        m = st.columns(6)
        for col, (label, field) in zip(m, (("Rows read", "rows_read"), ("New", "new"),
                                           ("Updated", "updated"), ("Unchanged", "unchanged"),
                                           ("Rejected", "rejected"), ("Unmatched", "unmatched")),
                                       strict=True):
            col.metric(label, f"{summary[field] or 0:,}")
        problems = upload.problems
        if problems.empty:
            st.success("No row-level problems.")
        else:
            st.warning(f"{len(problems):,} row-level problems (rows as Excel numbers them).")
            ui.table(problems, f"problems-{Path(upload.name).stem}", user)

ready = [u for _, u in uploads if u.plan is not None and not u.error]
buttons = st.columns(2)
if buttons[0].button(f"Confirm: import {len(ready)} file{'s' if len(ready) != 1 else ''}",
               key="upload_confirm", type="primary", disabled=not ready):
    writing = st.progress(0.0, text="Writing…")
    st.session_state["upload_message"] = [
        actions.commit_upload(u, user, BarProgress(writing, u.name, i, len(ready), WRITING))
        for i, u in enumerate(ready)]
    st.session_state[PLANS] = {}
    st.session_state["upload_round"] = round_ + 1
    st.rerun()
if buttons[1].button("Cancel", key="upload_cancel"):
    st.session_state[PLANS] = {}
    st.session_state["upload_round"] = round_ + 1
    st.session_state["upload_message"] = ["Cancelled: nothing was imported."]
    st.rerun()
