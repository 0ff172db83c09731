"""NCCU referrals: recommendation 2 (every referral to Immigration Enforcement's NCCU has
its intelligence document submitted) as of a date, from ``tracker.recommendations.referrals``
(the same figures as ``tracker referrals`` and the Recommendations page): the headline
with its status and rule, the figures by month (a chart and a table), by department and
rank of the reporting officer, the referrals with no document to chase, grouped by line
manager, with an audited CSV download, and why one referral stands as it does.

The figures are the whole force's; a manager's list to chase and referral to explain hold
only referrals by officers of their departments. Inspectors see pseudonyms, not names or
staff and collar numbers, when the setting is on (``ui.people_view``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts, data, ui
from tracker import auth
from tracker.recommendations import referrals
from tracker.reference import labels, vocab

FIGURES = ["referrals", "submitted", "late", "missing", "pending", "value_pct"]
CHASE = ["reference", "nccu_reference", "referred_on", "due_on", "officer", "full_name",
         "rank_label", "department_label", "line_manager_name", "line_manager", "person_id"]
DAY = "D MMM YYYY"
STATUS_WORDS = {"submitted": "submitted in time", "late": "late", "missing": "missing",
                "pending": "pending"}

user, settings, token, force, departments, rules = ui.open_page("referrals")
DATES = {c: st.column_config.DateColumn(labels.heading(c), format=DAY)
         for c in ("referred_on", "due_on", "oldest")}
PCT = {"value_pct": st.column_config.NumberColumn(labels.heading("value_pct"), format="%.1f")}
window = settings.referral_window_days
named = auth.shows_identities(user, settings.pseudonymise_inspectors)
as_of = ui.url_date("As of", "asof", settings.today())
st.title(ui.titled("NCCU referrals", as_of))
mine = data.department_names(departments) if departments else ""
st.caption(f"Recommendation 2: every referral to Immigration Enforcement's NCCU has its "
           f"intelligence document submitted. For {data.force_name(force)}. The figures "
           "are the whole force's" + (
               f", not only your departments; the list to chase and the referral to explain "
               f"hold only referrals by officers of your departments ({mine})." if
               departments else "."))

held, documents = data.referral_logs_held(token, force)
if not held:
    st.info(f"No NCCU referral log has been imported for {data.force_name(force)} yet, so "
            "there is nothing to measure for recommendation 2. "
            + ("Upload the referral log and the intelligence submission log on the Upload "
               "page." if auth.may_open(user, "upload") else
               "A training lead uploads the referral log and the intelligence submission "
               "log on the Upload page."))
    if auth.may_open(user, "upload"):
        st.page_link("views/upload.py", label="Upload page", icon=auth.PAGES["upload"].icon)
    st.stop()
if not documents:
    st.warning("No intelligence submission log has been imported, so every referral whose "
               f"{window}-day window has closed counts as missing. Upload the submission "
               "log on the Upload page to match them.")

rows = data.referral_rows(token, force, as_of, window)
if rows.empty:
    st.info(f"No referral in the log is dated on or before {ui.day_text(as_of)}: choose a "
            "later date above.")
    st.stop()


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as dates (a table shows '3 Dec 2025'; a download writes 2025-12-03)."""
    out = frame.copy()
    for column in DATES:
        if column in out:
            out[column] = [None if pd.isna(v) else v.date() for v in out[column]]
    return out


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank and department codes as their names ("(not on the roster)" stays)."""
    out = frame.copy()
    for column, label in (("rank", vocab.rank_label), ("department", vocab.department_label)):
        if column in out:  # the name in the code's place
            out.insert(list(out.columns).index(column), f"{column}_label", [
                v if v == referrals.NOT_ON_ROSTER or pd.isna(v) else label(v)
                for v in out[column]])
    return out.drop(columns=[c for c in ("rank", "department") if c in out])


# ---------------------------------------------------------------- the headline

standing = data.referral_standing(token, force, as_of, window)
total = referrals.figures(rows).iloc[0]
left, middle, right, badge = st.columns([1, 1, 1, 1])
left.metric(f"Within {window} days", ui.pct_text(total["value_pct"]), help=standing.measure)
middle.metric("Submitted in time", f"{int(total['submitted']):,} of {int(total['counted']):,}",
              help="Referrals whose document was submitted within the window, of the "
              "referrals counted.")
right.metric("Pending (left out)", f"{int(total['pending']):,}",
             help=f"No document yet, and the {window}-day window is still open.")
with badge:
    ui.rag_badge(standing.status, standing.rule)
then = ("" if standing.on_deadline_pct is None else f" On the deadline, "
        f"{ui.day_text(standing.deadline)}: {ui.pct_text(standing.on_deadline_pct)}.")
word = labels.RAG_WORDS[standing.status]
reason = standing.reason.removeprefix(f"{word}: ")
st.markdown(f"**{word}.** {reason[:1].upper()}{reason[1:]}{then}")
st.caption(f"Rule: {standing.rule}")
st.caption(f"Evidence: {standing.evidence}")

# ---------------------------------------------------------------- by month

st.header("By month")
by_month = referrals.figures(rows, ["month"])
by_month["month"] = [f"{pd.Timestamp(m):%b %Y}" for m in by_month["month"]]
st.plotly_chart(charts.referral_months(by_month, ui.titled(
    "NCCU referrals by month and status", as_of)), key="referral_months")
st.markdown(charts.referral_months_summary(by_month))
ui.table(by_month[["month", *FIGURES]], f"nccu-referrals-by-month-{as_of}", user,
         column_config=PCT)

# ---------------------------------------------------------------- by department and rank

for by in ("department", "rank"):
    st.header(f"By {by} of the reporting officer")
    st.caption(f"The officer's {by} on the HR roster on the referral's date; "
               f"{referrals.NOT_ON_ROSTER}: the officer's number matches nobody on it.")
    frame = _labelled(referrals.figures(rows, [by]))
    ui.table(frame[[f"{by}_label", *FIGURES]], f"nccu-referrals-by-{by}-{as_of}", user,
             column_config=PCT)

# ---------------------------------------------------------------- the list to chase


def _chase() -> None:
    """The referrals with no document, counted by line manager (by department for a user
    who sees no names), then listed, with their download (audited)."""
    st.header("Referrals with no document, to chase")
    chase = referrals.chase_list(rows, keep=["person_id"])
    if departments:
        chase = chase[chase["department"].isin(departments)]
    if chase.empty:
        st.success("Every referral whose window has closed has its document"
                   + (" among your departments." if departments else "."))
        return
    by = ["line_manager_name", "line_manager"] if named else ["department"]
    st.caption(f"{len(chase):,} referrals whose {window}-day window has closed with no "
               "document, " + ("by line manager (most to chase first)." if named else
                               "by department (line managers are named only to roles that "
                               "see names)."))
    groups = referrals.chase_groups(chase, by)
    ui.table(_labelled(_dates(groups)), f"nccu-referrals-to-chase-by-"
             f"{'line-manager' if named else 'department'}-{as_of}", user, column_config=DATES)
    # the referrals themselves, in the groups' order (most to chase first), oldest first
    place = {key: i for i, key in enumerate(groups[by[-1]].fillna(""))}
    chase = chase.assign(_group=chase[by[-1]].fillna("").map(place),
                         nccu_reference=chase["nccu_reference"].fillna(""))
    listing = _labelled(_dates(chase.sort_values(["_group", "referred_on", "reference"])))
    shown = ui.people_view(listing[[c for c in CHASE if c in listing]], user, as_of)
    ui.table(shown, f"nccu-referrals-to-chase-{as_of}", user, column_config=DATES)


if auth.can(user, "view_people"):
    _chase()
else:
    st.header("Referrals with no document, to chase")
    st.caption("The list of referrals to chase names officers, so it is shown only to roles "
               "that see lists of people; the figures above count them.")

# ---------------------------------------------------------------- one referral's why


def _option(row: Mapping[Any, Any]) -> str:
    """'INC-20251203-0001 · 3 Dec 2025 · missing'."""
    return (f"{row['reference']} · {ui.day_text(row['referred_on'])} · "
            f"{STATUS_WORDS[str(row['status'])]}")


st.header("Why a referral stands as it does")
chosen = rows if not departments else rows[rows["department"].isin(departments)]
if chosen.empty:
    st.info("No referral by an officer of your departments is dated on or before "
            f"{ui.day_text(as_of)}.")
    st.stop()
chosen = chosen.sort_values(["referred_on", "reference"], ascending=False)
options = {str(r["reference"]): _option(r) for r in chosen.to_dict("records")}
reference = ui.url_select("Referral (newest first; type to search)", list(options), "ref",
                          format_func=options.__getitem__)
if not named:
    chosen = chosen.assign(pseudonym=pd.Series(ui.pseudonyms(chosen["person_id"], as_of),
                                               index=chosen.index, dtype=object))
st.markdown(referrals.explain(chosen, reference, window, identity=named)
            or f"No referral has the reference {reference}.")
st.caption(f"A referral is matched by its reference first (a document that names its "
           f"incident, custody or NCCU reference), otherwise by a document of the same "
           f"officer within {window} days (a weaker match). Late: named, but after "
           f"{window} days. Missing: no document, and the window has closed.")
