"""Plotly figures for the dashboard, in the Okabe-Ito palette, status in words as well as
colour, titles that say what and as of when, and a one-sentence summary of each for
screen readers. Each takes a frame the coverage or trend engine made.

The heatmap's bands are the workbook's group rule (``tracker.coverage.pace.group_status``: on
track at or above the steady pace to 100% on the deadline, at risk up to 10 points below, off
track further below), so the dashboard and the report never disagree about a group."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboards.ui import OKABE_ITO, STATUS_COLOURS
from tracker.coverage.pace import CLOSE_POINTS, group_status, steady_pace_pct, training_start
from tracker.coverage.rules import Requirement
from tracker.coverage.trend import RECENT_WEEKS, Trend
from tracker.reference.labels import RAG_WORDS, STATUS_WORDS, heading

STATUSES = ("completed", "not_yet_due", "exempt", "outstanding")  # in the bars' order
STATUS_ORDER = [STATUS_WORDS[s] for s in STATUSES]
# Chart words in the body text's dark grey (12.6:1 on white): Streamlit's chart theme draws
# them in a grey of 3.7:1, below WCAG's 4.5:1.
TEXT_COLOUR = "#31333F"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 13, "color": TEXT_COLOUR}
# Band of a heatmap cell: the report's rag ("" when nobody is due yet), muted when small.
BANDS = ["red", "amber", "green", ""]
BAND_COLOURS = {"red": OKABE_ITO["vermillion"], "amber": OKABE_ITO["orange"],
                "green": OKABE_ITO["bluish_green"], "": "#D9D9D9"}
NO_ONE_DUE = "No one due yet"
INK = "#1F1F1F"  # axis labels: near-black, well above 4.5:1 on white
MUTED = 0.6  # small groups: the band's colour this far towards white
CHART_WIDTH = 980  # px of a full-width chart in a 1440 px window with the sidebar open
CHAR_PX = 7.0  # about how wide a character of 13 px text is
RANK_WRAP = 16  # rank names wrap at this many characters


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0}, font=FONT, height=height,
                      margin={"l": 10, "r": 10, "t": 60, "b": 10}, legend_title_text="",
                      title_font_color=TEXT_COLOUR, legend_font_color=TEXT_COLOUR)
    fig.update_xaxes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    fig.update_yaxes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    fig.update_annotations(font_color=TEXT_COLOUR)
    fig.update_traces(colorbar={"tickfont_color": TEXT_COLOUR, "title_font_color": TEXT_COLOUR},
                      selector={"type": "heatmap"})
    return fig


def _tint(colour: str, share: float) -> str:
    """``colour`` moved ``share`` of the way to white (#RRGGBB)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02X}" for c in rgb)


def _pct_word(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.0f}%"


# --------------------------------------------------------------------------- heatmap


def heatmap_cells(summary: pd.DataFrame, target: float) -> pd.DataFrame:
    """One row per rank x department group: the summary with ``counted``, ``pct``, ``rag``
    (green/amber/red, "" when nobody is due), ``status`` in words, ``band`` (a colour
    index: 0-3 as BANDS, 4-7 the same muted for small groups) and the cell's ``text``."""
    counted = summary["completed"] + summary["outstanding"]
    small = summary["small_group"].fillna(False).astype(bool)
    rag, words = group_status(summary["coverage_pct"], target, small)
    status = rag.map(lambda r: RAG_WORDS[r] if r else NO_ONE_DUE)
    band = rag.map(BANDS.index) + 4 * small.astype(int)
    text = [f"<b>{_pct_word(p)}</b><br>{s}<br>{c} of {n}" + ("<br><i>small</i>" if sm else "")
            for p, s, c, n, sm in zip(summary["coverage_pct"], status, summary["completed"],
                                      counted, small, strict=True)]
    return summary.assign(counted=counted, pct=pd.to_numeric(summary["coverage_pct"],
                                                             errors="coerce"),
                          rag=rag, status=words, band=band, text=text)


def _band_scale() -> list[list[Any]]:
    """A stepped colour scale over band indices 0-7 (zmin -0.5, zmax 7.5)."""
    colours = [BAND_COLOURS[b] for b in BANDS] + [_tint(BAND_COLOURS[b], MUTED) for b in BANDS]
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):
        scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
    return scale


def wrap_label(label: str, width: int) -> str:
    """A department name broken into lines of at most ``width`` characters (<br>)."""
    return "<br>".join(textwrap.wrap(label, max(width, 6), break_long_words=False)) or label


@dataclass(frozen=True)
class Geometry:
    """How the heatmap fits CHART_WIDTH: the cell width, the cell text's size, the labels
    as shown (wrapped) and whether the department names are turned to fit."""

    cell_width: float
    text_size: int
    ranks: dict[str, str]
    departments: dict[str, str]
    tickangle: int
    top: int  # px above the cells for the title and the department names
    row_height: int


def geometry(ranks: list[str], departments: list[str]) -> Geometry:
    """Rank names wrapped at RANK_WRAP characters; the cells share what is left of
    CHART_WIDTH; text sized to the cell (10-14 px); department names wrapped to the cell,
    or turned 40 degrees when a single word is wider than the cell."""
    shown_ranks = {r: wrap_label(r, RANK_WRAP) for r in ranks}
    widest = max((len(line) for r in shown_ranks.values() for line in r.split("<br>")),
                 default=0)
    cell_width = (CHART_WIDTH - widest * CHAR_PX - 40) / max(len(departments), 1)
    size = int(max(10, min(14, cell_width / 6.5)))
    chars = int(cell_width / CHAR_PX)
    turn = any(len(word) > chars for d in departments for word in d.split())
    shown = {d: d if turn else wrap_label(d, chars) for d in departments}
    lines = max((v.count("<br>") + 1 for v in shown.values()), default=1)
    longest = max((len(d) for d in departments), default=0)
    top = 60 + (int(longest * CHAR_PX * 0.65) if turn else 17 * lines)
    return Geometry(cell_width, size, shown_ranks, shown, -40 if turn else 0, top,
                    4 * (size + 4) + 12)


def heatmap(summary: pd.DataFrame, title: str, target: float) -> go.Figure:
    """Rank (rows) x department (columns), each cell banded by the report's group rule
    against ``target`` (the steady-pace coverage for the as-of date), with the percentage,
    the status in words and 'completed of counted'; small groups are muted and marked.
    The cells are clickable: an invisible marker sits on each, carrying ``[rank,
    department]`` codes as customdata (Plotly cannot select heatmap cells)."""
    cells = heatmap_cells(summary, target)
    ranks = list(dict.fromkeys(cells["rank_label"]))
    depts = list(dict.fromkeys(cells["department_label"]))
    geo = geometry(ranks, depts)
    cells = cells.assign(x=cells["department_label"].map(geo.departments),
                         y=cells["rank_label"].map(geo.ranks))
    rows, columns = [geo.ranks[r] for r in ranks], [geo.departments[d] for d in depts]

    def grid(values: str) -> pd.DataFrame:
        return cells.pivot(index="y", columns="x", values=values).reindex(
            index=rows, columns=columns)

    fig = go.Figure(go.Heatmap(
        z=grid("band").to_numpy(dtype=float), x=columns, y=rows,
        text=grid("text").fillna("").to_numpy(), texttemplate="%{text}",
        textfont={"size": geo.text_size, "color": OKABE_ITO["black"]},
        colorscale=_band_scale(), zmin=-0.5, zmax=7.5, showscale=False, hoverinfo="skip",
        xgap=2, ygap=2))
    fig.add_trace(_click_targets(cells, geo))
    _band_legend(fig, target)
    tick = {"size": 13, "color": INK}
    # fixed ranges: autorange would pad for the invisible markers and part labels and cells
    fig.update_xaxes(side="top", tickfont=tick, tickangle=geo.tickangle, showgrid=False,
                     range=[-0.5, len(columns) - 0.5])
    fig.update_yaxes(tickfont=tick, showgrid=False, range=[len(rows) - 0.5, -0.5])
    _layout(fig, title, height=geo.row_height * len(ranks) + geo.top + 90)
    fig.update_layout(plot_bgcolor="white", hovermode="closest", clickmode="event+select",
                      title={"y": 0.99, "yref": "container", "yanchor": "top"},
                      margin={"t": geo.top},
                      legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"})
    return fig


def _click_targets(cells: pd.DataFrame, geo: Geometry) -> go.Scatter:
    """An invisible square marker on each cell, with the group's codes and its hover."""
    return go.Scatter(
        x=cells["x"], y=cells["y"], mode="markers", showlegend=False, name="cells",
        marker={"size": min(geo.cell_width, geo.row_height) * 0.8, "symbol": "square",
                "opacity": 0},
        selected={"marker": {"opacity": 0}}, unselected={"marker": {"opacity": 0}},
        customdata=cells[["rank", "department"]].to_numpy(),
        hovertext=[f"{r}, {d}: {_pct_word(p)}, {s}, {c} of {n} completed"
                   for r, d, p, s, c, n in zip(cells["rank_label"], cells["department_label"],
                                               cells["pct"], cells["status"],
                                               cells["completed"], cells["counted"],
                                               strict=True)],
        hovertemplate="%{hovertext}<extra></extra>")


def _band_legend(fig: go.Figure, target: float) -> None:
    """Legend entries for the bands (the heatmap itself has none)."""
    entries = [("green", f"{RAG_WORDS['green']}: at or above {target:.1f}%"),
               ("amber", f"{RAG_WORDS['amber']}: up to {CLOSE_POINTS:.0f} points below "
                         f"{target:.1f}%"),
               ("red", f"{RAG_WORDS['red']}: further below"), ("", NO_ONE_DUE)]
    for band, label in entries:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label,
                                 marker={"size": 14, "symbol": "square",
                                         "color": BAND_COLOURS[band]}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers",
                             name="Paler, marked small: fewer than 10 people",
                             marker={"size": 14, "symbol": "square",
                                     "color": _tint(BAND_COLOURS["amber"], MUTED)},
                             hoverinfo="skip"))


def heatmap_summary(summary: pd.DataFrame, target: float) -> str:
    """The heatmap in one sentence: how many groups in each band, and the lowest group."""
    cells = heatmap_cells(summary, target)
    counts = cells["rag"].value_counts()
    parts = [f"{counts.get(r, 0)} {RAG_WORDS[r].lower()}" for r in ("green", "amber", "red")]
    if counts.get("", 0):
        parts.append(f"{counts['']} with no one due yet")
    n = len(cells)
    text = f"{n} rank and department group{'s' if n != 1 else ''}: " + ", ".join(parts) + "."
    lowest = _lowest(cells, "rank_label", "department_label")
    return text + (f" {lowest}" if lowest else "")


def _lowest(frame: pd.DataFrame, *labels: str) -> str:
    """'Lowest: Inspector in CID, 25% (1 of 4).' (ties: more outstanding first)."""
    rows = frame.assign(_pct=pd.to_numeric(frame["coverage_pct"], errors="coerce"))
    rows = rows[rows["_pct"].notna()].sort_values(["_pct", "outstanding"],
                                                  ascending=[True, False], kind="stable")
    if rows.empty:
        return ""
    row = rows.iloc[0]
    name = " in ".join(str(row[c]) for c in labels)
    counted = int(row["completed"] + row["outstanding"])
    small = " (small group)" if bool(row.get("small_group", False)) else ""
    return (f"Lowest: {name}, {_pct_word(row['_pct'])} ({int(row['completed'])} of "
            f"{counted}){small}.")


# --------------------------------------------------------------------------- bars


def status_bars(summary: pd.DataFrame, label_column: str, title: str,
                code_column: str | None = None) -> go.Figure:
    """Stacked horizontal bars of people by status for each group; each bar carries the
    group's code (``code_column``) as customdata, for a click to drill down."""
    ids = [label_column] + ([code_column] if code_column else [])
    long = summary.melt(id_vars=ids, value_vars=list(STATUSES),
                        var_name="status", value_name="people")
    long["status"] = long["status"].map(STATUS_WORDS)
    fig = px.bar(long, y=label_column, x="people", color="status", orientation="h",
                 color_discrete_map=STATUS_COLOURS, category_orders={"status": STATUS_ORDER,
                 label_column: list(dict.fromkeys(summary[label_column]))},
                 labels={label_column: "", "people": "People in scope"}, text="people",
                 custom_data=[code_column] if code_column else None)
    fig.update_traces(texttemplate="%{text:.0f}", textposition="inside")
    fig.update_layout(barmode="stack", legend={"orientation": "h", "x": 1, "xanchor": "right",
                                               "y": 1.0, "yanchor": "bottom"})
    return _layout(fig, title, height=max(300, 34 * summary[label_column].nunique() + 160))


def bars_summary(summary: pd.DataFrame, label_column: str, noun: str) -> str:
    """'5 ranks; 12 of 20 completed, 8 outstanding. Lowest: Inspector, 25% (1 of 4).'"""
    n = summary[label_column].nunique()
    done, left = int(summary["completed"].sum()), int(summary["outstanding"].sum())
    text = (f"{n} {noun}{'s' if n != 1 else ''}; {done:,} of {done + left:,} completed, "
            f"{left:,} outstanding.")
    lowest = _lowest(summary, label_column)
    return text + (f" {lowest}" if lowest else "")


def module_progress(progress: pd.DataFrame, title: str) -> go.Figure:
    """People by how many of the modules they have done (0 to all)."""
    frame = progress.assign(label=progress["modules_done"].astype(str) + " done")
    fig = px.bar(frame, x="label", y="people", text=frame["pct"].map(lambda p: f"{p:.0f}%"),
                 labels={"label": "Modules done", "people": "People"},
                 color_discrete_sequence=[OKABE_ITO["blue"]])
    return _layout(fig, title, height=340)


def progress_summary(progress: pd.DataFrame, modules: int) -> str:
    """'Of 20 people, 12 have done all 4 modules and 5 none.'"""
    by_done = dict(zip(progress["modules_done"].astype(int), progress["people"].astype(int),
                       strict=True))
    total = sum(by_done.values())
    return (f"Of {total:,} people, {by_done.get(modules, 0):,} have done all {modules} "
            f"modules and {by_done.get(0, 0):,} none.")


# --------------------------------------------------------------------------- trend


def _dates(values: Any) -> list[dt.date]:
    return [pd.Timestamp(v).date() for v in values]


def forecast_line(t: Trend, horizon_weeks: int = 26) -> pd.DataFrame:
    """Coverage projected from today at the recent completion rate (straight: each week
    adds ``recent_rate`` people out of today's counted), to 100% on the forecast date or
    for ``horizon_weeks`` (at least to the deadline), whichever is sooner. Flat when
    nobody completed recently; empty when nobody is outstanding or no one is counted."""
    last = t.weekly.iloc[-1]
    counted = int(last["completed"] + last["outstanding"])
    if t.outstanding == 0 or counted == 0 or t.current_pct is None:
        return pd.DataFrame({"week_ending": [], "forecast_pct": []})
    end = t.today + dt.timedelta(weeks=horizon_weeks)
    end = max(end, t.deadline) if t.deadline > t.today else end
    if t.forecast_date is not None:
        end = min(end, t.forecast_date)
    days = [*range(0, (end - t.today).days, 7), (end - t.today).days]
    pct = [min(100.0, float(t.current_pct) + t.recent_rate * d / 7 / counted * 100)
           for d in days]
    return pd.DataFrame({"week_ending": [t.today + dt.timedelta(days=d) for d in days],
                         "forecast_pct": [round(p, 1) for p in pct]})


def steady_line(req: Requirement, until: dt.date) -> pd.DataFrame:
    """The steady pace (the heatmap's and the report's group rule): 0% when the training
    became available to 100% on the deadline, then 100%, up to ``until``."""
    start = training_start(req)
    ends = sorted({start, req.deadline, max(until, req.deadline)})
    return pd.DataFrame({"week_ending": ends,
                         "steady_pct": [steady_pace_pct(req, d) for d in ends]})


def trend_numbers(t: Trend, req: Requirement) -> pd.DataFrame:
    """The trend chart's numbers, one row per date: coverage, in scope and completed (past
    weeks), the line needed from today, the steady pace and the forecast."""
    weekly = t.weekly[["week_ending", "in_scope", "completed", "coverage_pct"]].assign(
        week_ending=lambda f: _dates(f["week_ending"]))
    frames = [weekly,
              t.needed.assign(week_ending=_dates(t.needed["week_ending"])),
              forecast_line(t)]
    out = frames[0]
    for frame in frames[1:]:
        out = out.merge(frame, on="week_ending", how="outer")
    out = out.sort_values("week_ending", kind="stable").reset_index(drop=True)
    out["steady_pct"] = [steady_pace_pct(req, d) for d in out["week_ending"]]
    return out[["week_ending", "in_scope", "completed", "coverage_pct", "needed_pct",
                "steady_pct", "forecast_pct"]]


def trend(t: Trend, req: Requirement, title: str) -> go.Figure:
    """Weekly coverage; the steady pace to 100% on the deadline (the status rule); the line
    needed from today's coverage to 100% on the deadline (before it); the forecast at the
    recent rate; the deadline. Every line is a named trace, so all are in the legend."""
    fig = go.Figure(go.Scatter(
        x=_dates(t.weekly["week_ending"]), y=t.weekly["coverage_pct"], mode="lines+markers",
        name="Coverage", line={"color": OKABE_ITO["blue"], "width": 3}))
    steady = steady_line(req, t.today)
    fig.add_trace(go.Scatter(x=steady["week_ending"], y=steady["steady_pct"], mode="lines",
                             name=f"Steady pace to 100% by {_day(t.deadline)}",
                             line={"color": OKABE_ITO["grey"], "dash": "dot", "width": 2}))
    if not t.needed.empty:
        fig.add_trace(go.Scatter(
            x=_dates(t.needed["week_ending"]), y=t.needed["needed_pct"], mode="lines",
            name=f"Needed from today to reach 100% by {_day(t.deadline)}",
            line={"color": OKABE_ITO["vermillion"], "dash": "dash", "width": 2}))
    forecast = forecast_line(t)
    if not forecast.empty:
        fig.add_trace(go.Scatter(
            x=forecast["week_ending"], y=forecast["forecast_pct"], mode="lines",
            name=f"Forecast at the last {RECENT_WEEKS} weeks' rate",
            line={"color": OKABE_ITO["reddish_purple"], "dash": "dashdot", "width": 2}))
    fig.add_trace(go.Scatter(x=[t.deadline, t.deadline], y=[0, 100], mode="lines",
                             name=f"Deadline, {_day(t.deadline)}",
                             line={"color": OKABE_ITO["black"], "dash": "dot", "width": 1.5}))
    fig.update_yaxes(range=[0, 102], title="Coverage %")
    fig.update_layout(showlegend=True, legend={"orientation": "h", "x": 0, "y": -0.12,
                                               "yanchor": "top"})
    _layout(fig, title, height=440)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 40})
    return fig


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def trend_summary(t: Trend, req: Requirement) -> str:
    """'Coverage 45.0% on 2 Mar 2026 against a steady pace of 78.5%; forecast 100% on 1 Jun
    2026; deadline 30 Apr 2026.'"""
    now = "–" if t.current_pct is None else f"{float(t.current_pct):.1f}%"
    text = (f"Coverage {now} on {_day(t.today)} against a steady pace of "
            f"{steady_pace_pct(req, t.today):.1f}%; ")
    if t.outstanding == 0:
        text += "everyone in scope has completed"
    elif t.forecast_date is not None:
        text += f"forecast 100% on {_day(t.forecast_date)}"
    else:
        text += f"no forecast (nobody completed in the last {RECENT_WEEKS} weeks)"
    return text + f"; deadline {_day(t.deadline)}."


# --------------------------------------------------------------------------- forces


def force_bars(summary: pd.DataFrame, title: str) -> go.Figure:
    frame = summary.assign(pct=pd.to_numeric(summary["coverage_pct"], errors="coerce"))
    fig = px.bar(frame, y="force_name", x="pct", orientation="h",
                 text=frame["pct"].map(_pct_word),
                 labels={"force_name": "", "pct": "Coverage %"},
                 color_discrete_sequence=[OKABE_ITO["blue"]])
    fig.update_xaxes(range=[0, 100])
    return _layout(fig, title, height=max(300, 28 * len(frame) + 140))


def force_summary(summary: pd.DataFrame) -> str:
    """'2 forces; 15 of 25 completed, 10 outstanding. Lowest: Wiltshire, 33% (1 of 3).'"""
    return bars_summary(summary, "force_name", "force")


# --------------------------------------------------------------------------- NCCU referrals

REFERRAL_STATUSES = ("submitted", "late", "missing", "pending")  # in the bars' order
REFERRAL_COLOURS = {"submitted": OKABE_ITO["blue"], "late": OKABE_ITO["orange"],
                    "missing": OKABE_ITO["vermillion"], "pending": OKABE_ITO["grey"]}


def referral_months(by_month: pd.DataFrame, title: str) -> go.Figure:
    """Referrals of each month (``month``: its words, "Dec 2025") stacked by status, the
    status in words (the label table's headings) as well as colour, counts on the bars."""
    long = by_month[["month", *REFERRAL_STATUSES]].melt(
        id_vars=["month"], value_vars=list(REFERRAL_STATUSES), var_name="status",
        value_name="referrals")
    words = {s: heading(s) for s in REFERRAL_STATUSES}
    long["status"] = long["status"].map(words)
    long = long[long["referrals"] > 0]
    fig = px.bar(long, x="month", y="referrals", color="status", text="referrals",
                 color_discrete_map={words[s]: c for s, c in REFERRAL_COLOURS.items()},
                 category_orders={"status": list(words.values()),
                                  "month": list(by_month["month"])},
                 labels={"month": "", "referrals": "Referrals"})
    fig.update_traces(texttemplate="%{text:.0f}", textposition="inside", textangle=0)
    fig.update_layout(barmode="stack", legend={"orientation": "h", "x": 1, "xanchor": "right",
                                               "y": 1.0, "yanchor": "bottom"},
                      uniformtext={"minsize": 11, "mode": "hide"})  # no squeezed numbers
    return _layout(fig, title, height=420)


def referral_months_summary(by_month: pd.DataFrame) -> str:
    """'12 months; 213 of 318 referrals counted had their document in time. Lowest: Apr
    2026, 45.5% (10 of 22).'"""
    counted, done = int(by_month["counted"].sum()), int(by_month["submitted"].sum())
    text = (f"{len(by_month)} month{'s' if len(by_month) != 1 else ''}; {done:,} of "
            f"{counted:,} referrals counted had their document in time.")
    rated = by_month[by_month["counted"] > 0]
    if rated.empty:
        return text
    low = rated.sort_values(["value_pct", "counted"], ascending=[True, False]).iloc[0]
    return (text + f" Lowest: {low['month']}, {float(low['value_pct']):.1f}% "
            f"({int(low['submitted'])} of {int(low['counted'])}).")


__all__ = ["STATUS_WORDS", "bars_summary", "force_bars", "force_summary", "heatmap",
           "heatmap_cells", "heatmap_summary", "module_progress", "progress_summary",
           "referral_months", "referral_months_summary",
           "status_bars", "trend", "trend_numbers", "trend_summary"]
