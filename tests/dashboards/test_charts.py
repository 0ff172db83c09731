"""The chart builders (``dashboards.charts``) on small hand-made frames, with the values
worked out by hand: the heatmap's bands against the report's group rule, small groups
muted and marked, the one-sentence summaries, and the trend's named lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import charts
from dashboards.ui import OKABE_ITO
from tracker.coverage.rules import Requirement
from tracker.coverage.trend import Trend

COLUMNS = ["requirement", "rank", "rank_label", "department", "department_label", "in_scope",
           "exempt", "completed", "not_yet_due", "outstanding", "coverage_pct", "small_group"]
# (rank, department, in scope, exempt, completed, outstanding, coverage %)
GROUPS = [
    ("inspector", "cid", 4, 0, 1, 3, 25.0),            # 25 < 50 - 10: off track, small
    ("constable", "response", 12, 0, 9, 3, 75.0),      # 75 >= 50: on track
    ("sergeant", "response", 20, 0, 9, 11, 45.0),      # 40 <= 45 < 50: at risk
    ("staff", "control-room", 2, 2, 0, 0, None),       # nobody due: no status, small
]
TARGET = 50.0


def _summary() -> pd.DataFrame:
    labels = {"inspector": "Inspector", "constable": "Constable", "sergeant": "Sergeant",
              "staff": "Police staff", "cid": "CID", "response": "Response",
              "control-room": "Control Room"}
    rows = [("oic-hydra", r, labels[r], d, labels[d], n, e, c, 0, o, p, n < 10)
            for r, d, n, e, c, o, p in GROUPS]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_cells_are_banded_by_the_report_rule_and_small_groups_marked() -> None:
    cells = charts.heatmap_cells(_summary(), TARGET)
    assert cells["rag"].tolist() == ["red", "green", "amber", ""]
    assert cells["status"].tolist() == ["Off track (small group)", "On track", "At risk",
                                        "No one due yet"]
    # bands 0-3 are red, amber, green, none; 4-7 the same muted for small groups
    assert cells["band"].tolist() == [4, 2, 1, 7]
    assert cells["text"].tolist() == [
        "<b>25%</b><br>Off track<br>1 of 4<br><i>small</i>",
        "<b>75%</b><br>On track<br>9 of 12", "<b>45%</b><br>At risk<br>9 of 20",
        "<b>–</b><br>No one due yet<br>0 of 0<br><i>small</i>"]


def test_small_groups_are_muted_towards_white() -> None:
    assert charts._tint("#D55E00", 0.6) == "#EEBF99"  # 213+42*.6=238, 94+161*.6=191, 153
    scale = charts._band_scale()
    colours = [colour for _, colour in scale[::2]]
    assert colours[:3] == [OKABE_ITO["vermillion"], OKABE_ITO["orange"],
                           OKABE_ITO["bluish_green"]]
    assert colours[4] == "#EEBF99"  # a small off-track group: pale vermillion
    assert scale[0][0] == 0 and scale[-1][0] == 1


def test_heatmap_grid_text_and_clickable_codes() -> None:
    fig = charts.heatmap(_summary(), "Hydra by rank and department", TARGET)
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    assert list(heat.y) == ["Inspector", "Constable", "Sergeant", "Police staff"]
    assert list(heat.x) == ["CID", "Response", "Control Room"]
    z = pd.DataFrame(heat.z, index=heat.y, columns=heat.x)
    assert z.loc["Inspector", "CID"] == 4 and z.loc["Sergeant", "Response"] == 1
    assert z.isna().loc["Inspector", "Response"]  # no such group: an empty cell
    assert heat.textfont.size >= 12  # sized to the cell, not shrunk to fit
    assert heat.showscale is False
    cells = fig.data[1]
    assert [list(c) for c in cells.customdata] == [
        ["inspector", "cid"], ["constable", "response"], ["sergeant", "response"],
        ["staff", "control-room"]]
    assert cells.hovertext[0] == ("Inspector, CID: 25%, Off track (small group), 1 of 4 "
                                  "completed")
    assert cells.showlegend is False
    legend = [t.name for t in fig.data[2:]]  # the heatmap has no legend: these stand in
    assert legend == ["On track: at or above 50.0%", "At risk: up to 10 points below 50.0%",
                      "Off track: further below", "No one due yet",
                      "Paler, marked small: fewer than 10 people"]
    assert fig.layout.clickmode == "event+select"


def test_long_department_names_are_wrapped_to_the_cell() -> None:
    assert charts.wrap_label("Corporate Services", 10) == "Corporate<br>Services"
    assert charts.wrap_label("CID", 10) == "CID"


def test_names_fit_the_cells_wrapped_or_turned() -> None:
    few = charts.geometry(["Inspector"], ["Control Room", "CID", "Corporate Services"])
    # (980 - 9 x 7 - 40) / 3 = 292 px a cell: every name fits on one line, level
    assert few.departments["Corporate Services"] == "Corporate Services"
    assert few.tickangle == 0 and few.text_size == 14
    many = charts.geometry(["Constable", "Deputy Assistant Commissioner"],
                           [f"Dept {i}" for i in range(11)] + ["Neighbourhood"])
    # the rank wraps at 16 characters; (980 - 16 x 7 - 40) / 12 = 69 px, 9 characters a
    # cell: "Neighbourhood" (13) cannot fit, so the names are turned, not wrapped
    assert many.ranks["Deputy Assistant Commissioner"] == "Deputy Assistant<br>Commissioner"
    assert many.tickangle == -40
    assert many.departments["Neighbourhood"] == "Neighbourhood"
    assert many.text_size == 10


def test_heatmap_summary_counts_bands_and_names_the_lowest() -> None:
    assert charts.heatmap_summary(_summary(), TARGET) == (
        "4 rank and department groups: 1 on track, 1 at risk, 1 off track, 1 with no one "
        "due yet. Lowest: Inspector in CID, 25% (1 of 4) (small group).")


def test_bars_summary() -> None:
    by_department = pd.DataFrame({
        "department_label": ["CID", "Response"], "completed": [1, 18],
        "outstanding": [3, 14], "coverage_pct": [25.0, 56.25], "small_group": [True, False]})
    assert charts.bars_summary(by_department, "department_label", "department") == (
        "2 departments; 19 of 36 completed, 17 outstanding. Lowest: CID, 25% (1 of 4) "
        "(small group).")


def test_bars_carry_the_group_code_for_the_drill_down() -> None:
    frame = _summary().iloc[:2]
    fig = charts.status_bars(frame, "rank_label", "By rank", code_column="rank")
    completed = next(t for t in fig.data if t.name == "Completed")
    assert [list(c) for c in completed.customdata] == [["inspector"], ["constable"]]


def test_progress_summary() -> None:
    progress = pd.DataFrame({"modules_done": [0, 1, 4], "people": [5, 3, 12],
                             "pct": [25.0, 15.0, 60.0]})
    assert charts.progress_summary(progress, 4) == (
        "Of 20 people, 12 have done all 4 modules and 5 none.")


def test_force_summary() -> None:
    by_force = pd.DataFrame({"force_name": ["Avon and Somerset", "Wiltshire"],
                             "completed": [12, 1], "outstanding": [8, 2],
                             "coverage_pct": [60.0, 33.3], "small_group": [False, True]})
    assert charts.force_summary(by_force) == (
        "2 forces; 13 of 23 completed, 10 outstanding. Lowest: Wiltshire, 33% (1 of 3) "
        "(small group).")


# Hydra became available on 1 Jan 2024 (tracker/reference/data/modules.toml). A deadline 100 days on
# and a today 40 days on put the steady pace at 40.0%.
REQ = Requirement(id="r", title="Hydra", deadline=dt.date(2024, 4, 10),
                  modules=("oic-hydra",), include=())
TODAY = dt.date(2024, 2, 10)


def _trend(today: dt.date = TODAY, rate: float = 1.0,
           forecast: dt.date | None = dt.date(2024, 3, 16)) -> Trend:
    weekly = pd.DataFrame({
        "week_ending": [today - dt.timedelta(days=7), today], "in_scope": [10, 10],
        "exempt": [0, 0], "completed": [4, 5], "completed_late": [0, 0],
        "not_yet_due": [0, 0], "outstanding": [6, 5], "coverage_pct": [40.0, 50.0]})
    needed = (pd.DataFrame({"week_ending": [today, REQ.deadline], "needed_pct": [50.0, 100.0]})
              if today < REQ.deadline else pd.DataFrame({"week_ending": [], "needed_pct": []}))
    return Trend(requirement="r", today=today, deadline=REQ.deadline, weekly=weekly,
                 needed=needed, current_pct=50.0, outstanding=5, recent_rate=rate,
                 forecast_date=forecast, weekly_needed=None, rag="green", rag_rule="",
                 rag_reason="")


def test_forecast_line_rises_at_the_recent_rate_to_100_on_the_forecast_date() -> None:
    # 5 of 10 done, 1 a week: +10 points a week, 100% five weeks on (16 Mar 2024)
    line = charts.forecast_line(_trend())
    assert line["week_ending"].tolist() == [TODAY + dt.timedelta(days=d)
                                            for d in (0, 7, 14, 21, 28, 35)]
    assert line["forecast_pct"].tolist() == [50.0, 60.0, 70.0, 80.0, 90.0, 100.0]


def test_trend_draws_every_line_with_a_name_in_the_legend() -> None:
    fig = charts.trend(_trend(), REQ, "Hydra week by week")
    assert [t.name for t in fig.data] == [
        "Coverage", "Steady pace to 100% by 10 Apr 2024",
        "Needed from today to reach 100% by 10 Apr 2024",
        "Forecast at the last 6 weeks' rate", "Deadline, 10 Apr 2024"]
    assert fig.layout.showlegend is True
    steady = fig.data[1]
    assert list(steady.x) == [dt.date(2024, 1, 1), dt.date(2024, 4, 10)]
    assert list(steady.y) == [0.0, 100.0]
    assert list(fig.data[4].x) == [REQ.deadline, REQ.deadline]


def test_after_the_deadline_the_trend_still_has_its_trajectory_and_forecast() -> None:
    # the demo's case: the needed-from-today line is empty, which left one unnamed line
    later = _trend(today=dt.date(2024, 5, 1), rate=0.0, forecast=None)
    fig = charts.trend(later, REQ, "Hydra week by week")
    assert [t.name for t in fig.data] == [
        "Coverage", "Steady pace to 100% by 10 Apr 2024",
        "Forecast at the last 6 weeks' rate", "Deadline, 10 Apr 2024"]
    assert set(fig.data[2].y) == {50.0}  # nobody completed lately: flat
    assert list(fig.data[1].y) == [0.0, 100.0, 100.0]
    assert fig.layout.showlegend is True


def test_trend_summary() -> None:
    assert charts.trend_summary(_trend(), REQ) == (
        "Coverage 50.0% on 10 Feb 2024 against a steady pace of 40.0%; forecast 100% on "
        "16 Mar 2024; deadline 10 Apr 2024.")
    assert charts.trend_summary(_trend(dt.date(2024, 5, 1), 0.0, None), REQ) == (
        "Coverage 50.0% on 1 May 2024 against a steady pace of 100.0%; no forecast "
        "(nobody completed in the last 6 weeks); deadline 10 Apr 2024.")


def test_trend_numbers_hold_every_line() -> None:
    numbers = charts.trend_numbers(_trend(), REQ)
    assert list(numbers.columns) == ["week_ending", "in_scope", "completed", "coverage_pct",
                                     "needed_pct", "steady_pct", "forecast_pct"]
    first, today, deadline = (numbers.iloc[i] for i in (0, 1, -1))
    assert first["week_ending"] == dt.date(2024, 2, 3)
    assert (first["coverage_pct"], first["steady_pct"]) == (40.0, 33.0)  # 33 of 100 days
    assert (today["coverage_pct"], today["needed_pct"], today["forecast_pct"]) == (
        50.0, 50.0, 50.0)
    assert deadline["week_ending"] == REQ.deadline
    assert (deadline["needed_pct"], deadline["steady_pct"]) == (100.0, 100.0)
    assert len(numbers) == 8  # 2 weeks, 5 more forecast weeks, the deadline


# "Inspector" takes 9 x 7 px; the cells share (980 - 63 - 40) px: 219, 80 or 44 px each
@pytest.mark.parametrize("cells,size", [(4, 14), (11, 12), (20, 10)])
def test_cell_text_size_follows_the_cell_width(cells: int, size: int) -> None:
    rows = [("oic-hydra", "inspector", "Inspector", f"d{i}", f"Dept {i}", 12, 0, 6, 0, 6,
             50.0, False) for i in range(cells)]
    fig = charts.heatmap(pd.DataFrame(rows, columns=COLUMNS), "t", TARGET)
    assert fig.data[0].textfont.size == size
