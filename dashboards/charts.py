"""Plotly figures for the dashboard, in the Okabe-Ito palette, status in words as well as
colour, titles that say what and as of when. Each takes a frame the coverage engine made."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboards.ui import OKABE_ITO, STATUS_COLOURS, STATUS_WORDS

STATUS_ORDER = ["Completed", "Not yet due", "Exempt", "Outstanding"]
STATUS_COLUMNS = {"completed": "Completed", "not_yet_due": "Not yet due", "exempt": "Exempt",
                  "outstanding": "Outstanding"}
# Chart words in the body text's dark grey (12.6:1 on white): Streamlit's chart theme draws
# them in a grey of 3.7:1, below WCAG's 4.5:1.
TEXT_COLOUR = "#31333F"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 13, "color": TEXT_COLOUR}


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


def heatmap(summary: pd.DataFrame, title: str) -> go.Figure:
    """Coverage % by rank (rows) and department (columns), each cell showing the percentage
    and 'completed of counted'."""
    frame = summary.assign(
        counted=summary["completed"] + summary["outstanding"],
        pct=pd.to_numeric(summary["coverage_pct"], errors="coerce"))
    frame["text"] = [
        ("–" if pd.isna(p) else f"{p:.0f}%") + f"<br>{c} of {n}"
        for p, c, n in zip(frame["pct"], frame["completed"], frame["counted"], strict=True)]
    ranks = list(dict.fromkeys(frame["rank_label"]))
    depts = list(dict.fromkeys(frame["department_label"]))
    grid = frame.pivot_table(index="rank_label", columns="department_label", values="pct",
                             aggfunc="first", dropna=False).reindex(index=ranks, columns=depts)
    text = frame.pivot_table(index="rank_label", columns="department_label", values="text",
                             aggfunc="first").reindex(index=ranks, columns=depts).fillna("")
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=depts, y=ranks, text=text.to_numpy(),
        texttemplate="%{text}", colorscale="Cividis", zmin=0, zmax=100,
        colorbar={"title": "Coverage %"}, hoverongaps=False,
        hovertemplate="%{y}, %{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(320, 60 * len(ranks) + 140))


def status_bars(summary: pd.DataFrame, label_column: str, title: str) -> go.Figure:
    """Stacked horizontal bars of people by status for each group."""
    long = summary.melt(id_vars=[label_column], value_vars=list(STATUS_COLUMNS),
                        var_name="status", value_name="people")
    long["status"] = long["status"].map(STATUS_COLUMNS)
    fig = px.bar(long, y=label_column, x="people", color="status", orientation="h",
                 color_discrete_map=STATUS_COLOURS, category_orders={"status": STATUS_ORDER,
                 label_column: list(dict.fromkeys(summary[label_column]))},
                 labels={label_column: "", "people": "People in scope"}, text="people")
    fig.update_traces(texttemplate="%{text:.0f}", textposition="inside")
    fig.update_layout(barmode="stack", legend={"orientation": "h", "x": 1, "xanchor": "right",
                                               "y": 1.0, "yanchor": "bottom"})
    return _layout(fig, title, height=max(300, 34 * summary[label_column].nunique() + 160))


def module_progress(progress: pd.DataFrame, title: str) -> go.Figure:
    """People by how many of the modules they have done (0 to all)."""
    frame = progress.assign(label=progress["modules_done"].astype(str) + " done")
    fig = px.bar(frame, x="label", y="people", text=frame["pct"].map(lambda p: f"{p:.0f}%"),
                 labels={"label": "Modules done", "people": "People"},
                 color_discrete_sequence=[OKABE_ITO["blue"]])
    return _layout(fig, title, height=340)


def trend(weekly: pd.DataFrame, needed: pd.DataFrame | None, forecast: Any,
          deadline: Any, title: str) -> go.Figure:
    """Weekly coverage, the straight-line trajectory needed to reach 100% by the deadline,
    and the forecast completion date when there is one."""
    x, y = _trend_columns(weekly)
    fig = go.Figure(go.Scatter(x=weekly[x], y=weekly[y], mode="lines+markers",
                               name="Coverage", line={"color": OKABE_ITO["blue"], "width": 3}))
    if needed is not None and not needed.empty:
        nx, ny = _trend_columns(needed)
        fig.add_trace(go.Scatter(x=needed[nx], y=needed[ny], mode="lines",
                                 name="Needed to reach 100% by the deadline",
                                 line={"color": OKABE_ITO["vermillion"], "dash": "dash"}))
    fig.add_vline(x=pd.Timestamp(deadline).timestamp() * 1000, line_dash="dot",
                  line_color=OKABE_ITO["black"], annotation_text="Deadline")
    if forecast is not None and pd.Timestamp(forecast) <= pd.Timestamp(deadline) + pd.Timedelta(
            days=365):
        fig.add_vline(x=pd.Timestamp(forecast).timestamp() * 1000, line_dash="dot",
                      line_color=OKABE_ITO["reddish_purple"], annotation_text="Forecast 100%",
                      annotation_position="bottom right")
    fig.update_yaxes(range=[0, 100], title="Coverage %")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return _layout(fig, title, height=380)


def _trend_columns(frame: pd.DataFrame) -> tuple[str, str]:
    x = next(c for c in ("week", "date", "as_of", "week_ending", "day") if c in frame)
    y = next(c for c in ("coverage_pct", "pct", "needed_pct", "target_pct") if c in frame)
    return x, y


def force_bars(summary: pd.DataFrame, title: str) -> go.Figure:
    frame = summary.assign(pct=pd.to_numeric(summary["coverage_pct"], errors="coerce"))
    fig = px.bar(frame, y="force_name", x="pct", orientation="h",
                 text=frame["pct"].map(lambda p: "–" if pd.isna(p) else f"{p:.0f}%"),
                 labels={"force_name": "", "pct": "Coverage %"},
                 color_discrete_sequence=[OKABE_ITO["blue"]])
    fig.update_xaxes(range=[0, 100])
    return _layout(fig, title, height=max(300, 28 * len(frame) + 140))


__all__ = ["STATUS_WORDS", "force_bars", "heatmap", "module_progress", "status_bars", "trend"]
