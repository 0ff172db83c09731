"""Recommendations: where the force stands on each HMICFRS recommendation as of a date,
the table a PCC's progress update is written from (``tracker.recommendations.overview``,
the same view as ``tracker recommendations`` and the workbook's sheet): the words, the
deadline, the measure, the figure now and on the deadline, the status in words and colour
with its rule beside it, and links to the evidence."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards import data, ui
from tracker import auth
from tracker.recommendations.overview import overview_frame

# Where a recommendation's evidence is shown: page id and the link's words.
EVIDENCE_PAGES = {
    2: [("referrals", "NCCU referrals: the figures, the list to chase, why each stands"),
        ("imports", "The files imported")],
    4: [("oic_plan", "The OIC plan register")],
    8: [("coverage", "Coverage by rank and department"), ("outstanding", "Who is outstanding"),
        ("imports", "The files imported")],
    9: [("coverage", "Coverage by rank and department"), ("outstanding", "Who is outstanding"),
        ("imports", "The files imported")],
}
TABLE = ["recommendation", "title", "deadline", "figure", "on_deadline", "status"]

user, settings, token, force, departments, rules = ui.open_page("recommendations")
as_of = ui.url_date("As of", "asof", settings.today())
view = data.recommendations(token, force, as_of)
frame = overview_frame(view)

st.title(ui.titled("HMICFRS recommendations", as_of))
st.caption(f"For {data.force_name(force)}. The figures are the whole force's"
           + (", not only your departments." if departments else "."))
shown = frame[TABLE].assign(deadline=frame["deadline"].map(ui.day_text))  # "30 Apr 2026"
st.dataframe(shown, hide_index=True, column_config=ui.column_labels(shown))
# value_pct is each recommendation's own figure (its heading elsewhere is recommendation
# 2's "Within window %"): here it is the figure, whatever it measures
ui.download(frame.drop(columns=["rag"]).rename(columns={"value_pct": "figure_pct"}),
            "recommendations", user)


def _links(number: int) -> None:
    for page, words in EVIDENCE_PAGES.get(number, []):
        if auth.may_open(user, page):
            st.page_link(f"views/{page}.py", label=words, icon=auth.PAGES[page].icon)


def _card(row: dict[str, Any]) -> None:
    st.subheader(f"Recommendation {row['recommendation']}: {row['title']}")
    st.caption(f"{row['wording']} Deadline {ui.day_text(row['deadline'])}.")
    if not row["rag"]:
        st.info("Not measured yet: no figure is kept for this recommendation, so none is "
                "shown.")
        return
    left, middle, right = st.columns([1, 1, 2])
    left.metric("Now", str(row["figure"]), help=str(row["measure"]))
    middle.metric("On the deadline", str(row["on_deadline"] or "–"),
                  help="Shown once the deadline has passed.")
    with right:
        ui.rag_badge(str(row["rag"]), str(row["rule"]))
    st.markdown(f"**{row['status']}.** {row['reason']}")
    st.caption(f"Rule: {row['rule']}")
    st.caption(f"Evidence: {row['evidence']}")
    _links(int(row["recommendation"]))


for record in frame.to_dict("records"):
    with st.container(border=True):
        _card({str(k): v for k, v in record.items()})
