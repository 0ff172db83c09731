"""OIC plan: a force's register of milestones for recommendation 4 (clear plans to collect,
analyse and share OIC information): progress against the deadline with its rule, each
milestone's owner, due date, status, date done and evidence documents (each download
audited), and, for roles that may edit the plan, forms to change a milestone, mark it done,
attach a document and add a milestone. Every change goes through ``dashboards.actions``
and is audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from dashboards import actions, data, ui
from tracker import auth
from tracker.recommendations import milestones
from tracker.recommendations.evidence import documents
from tracker.recommendations.progress import progress

REGISTER = ["title", "owner", "due_on", "status", "done_on", "evidence"]

user, settings, token, force, departments, rules = ui.open_page("oic_plan")
today = settings.today()
st.title(ui.titled("OIC plan (recommendation 4)", today))
ui.show_done("plan")
_done = partial(ui.done, "plan")  # a change made: the page again, with its message
if force is None:
    forces = data.forces_with_people(token)
    if forces.empty:
        st.info("No force has people on a roster yet: upload an HR roster first (Upload "
                "page).")
        st.stop()
    names = dict(zip(forces["code"], forces["name"], strict=True))
    force = ui.url_select("Force", list(names), "force", format_func=names.__getitem__)

rows = milestones.list_milestones(data.engine(), force)
done = progress(data.engine(), force, today)
st.caption(milestones.shipped().text)
st.markdown(f"**{done.done} of {done.total} milestones done** as of {ui.day_text(today)}. "
            f"{done.reason}")
ui.rag_badge(done.status, done.rule)
st.caption(f"Rule: {done.rule}")
register = [{"title": m.title, "owner": m.owner or "", "due_on": ui.day_text(m.due_on),
             "status": m.status_label,
             "done_on": ui.day_text(m.done_on) if m.done_on else "",  # blank, not "None"
             "evidence": ", ".join(m.evidence)}
            for m in rows]
st.dataframe(register, hide_index=True, column_config={
    "title": "Milestone", "owner": "Owner", "due_on": "Due", "status": "Status",
    "done_on": "Done on", "evidence": "Evidence documents"})



def _document(key: str, name: str) -> Callable[[], bytes]:
    """The document's bytes when its button is clicked (the download audited then)."""
    return lambda: actions.plan_document(str(force), key, name, user)


st.header("Evidence documents")
for m in rows:
    for doc in documents(data.engine(), force, m.key):
        st.download_button(
            f"{m.title}: {doc.file_name} ({doc.size:,} bytes)",
            _document(m.key, doc.file_name),
            file_name=doc.file_name, key=f"plan_doc_{m.key}_{doc.sha256[:12]}",
            on_click="ignore", icon=":material/download:",
            help=f"SHA-256 {doc.sha256}; uploaded by {doc.uploaded_by} on "
            f"{ui.day_text(doc.uploaded_at)}.")
if not any(m.evidence for m in rows):
    st.caption("No evidence documents attached yet.")

if not auth.can(user, "manage_plan"):
    st.stop()


titles = {m.key: m.title for m in rows}
# The edit form's widgets are keyed by milestone, so each shows its own milestone's values.
st.header("Change the plan")
key = st.selectbox("Milestone", list(titles), format_func=titles.__getitem__, key="plan_key")
chosen = next(m for m in rows if m.key == key)
with st.form("plan_edit"):
    title = st.text_input("Title", value=chosen.title, key=f"plan_title_{key}")
    owner = st.text_input("Owner", value=chosen.owner or "", key=f"plan_owner_{key}")
    due_on = st.date_input("Due", value=chosen.due_on, key=f"plan_due_{key}",
                           format="DD/MM/YYYY")
    status = st.selectbox("Status", ["not started", "in progress"], key=f"plan_status_{key}",
                          index=int(chosen.status == "in_progress"),
                          help="To mark it done, use Mark done below, with the date.")
    if st.form_submit_button("Save changes", key="plan_save", type="primary"):
        _done(actions.plan_edit(force, key, user, today, title=title, owner=owner,
                                due_on=due_on, status=status))
with st.form("plan_mark_done"):
    on = st.date_input("Done on", value=today, max_value=today, key="plan_done_on",
                       format="DD/MM/YYYY")
    if st.form_submit_button("Mark done", key="plan_done"):
        _done(actions.plan_done(force, key, on, user, today))
with st.form("plan_attach", clear_on_submit=True):
    upload = st.file_uploader("Evidence document", key="plan_file",
                              max_upload_size=settings.max_upload_mb)
    st.caption(f"Any document (PDF, Word, Excel, an image...), up to "
               f"{settings.max_upload_mb:,} MB; it is kept with its SHA-256.")
    if st.form_submit_button("Attach document", key="plan_attach_submit") and upload:
        _done(actions.plan_attach(force, key, upload.name, upload.getvalue(), user,
                                  settings.max_upload_mb * 1024 * 1024))
st.header("Add a milestone")
with st.form("plan_add", clear_on_submit=True):
    new_title = st.text_input("Title", key="plan_new_title")
    new_owner = st.text_input("Owner (optional)", key="plan_new_owner")
    new_due = st.date_input("Due (empty: the recommendation's deadline)", value=None,
                            key="plan_new_due", format="DD/MM/YYYY")
    if st.form_submit_button("Add milestone", key="plan_add_submit"):
        _done(actions.plan_add(force, new_title, user, owner=new_owner, due_on=new_due))
