"""Accessibility promises that need no browser (the browser's axe-core check is in
``tests/e2e/test_accessibility.py``): status is never carried by colour alone, and the
theme's and the charts' text colours reach WCAG's 4.5:1 on white."""

from __future__ import annotations

import tomllib

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboards import charts
from tests.dashboards.conftest import ROOT
from tracker.reference import labels

WHITE = "#FFFFFF"


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over_white(colour: str, opacity: float) -> str:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c * opacity + 255 * (1 - opacity)):02X}" for c in channels)


def test_captions_in_the_theme_reach_4_5_to_1_on_white() -> None:
    """Streamlit draws captions and help text in the body colour at 60% opacity."""
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["base"] == "light"
    assert contrast(over_white(theme["textColor"], 0.6), WHITE) >= 4.5


def test_chart_words_reach_4_5_to_1_on_white() -> None:
    figure = charts.status_bars(_summary(), "department_label", "People by status")
    assert contrast(charts.TEXT_COLOUR, WHITE) >= 4.5
    assert figure.layout.font.color == charts.TEXT_COLOUR
    assert figure.layout.xaxis.tickfont.color == figure.layout.yaxis.tickfont.color \
        == charts.TEXT_COLOUR


def _summary() -> pd.DataFrame:
    return pd.DataFrame({"department_label": ["CID", "Response"], "completed": [3, 1],
                         "not_yet_due": [0, 2], "exempt": [1, 0], "outstanding": [2, 5]})


def test_status_bars_name_each_status_in_words_and_show_the_numbers() -> None:
    figure = charts.status_bars(_summary(), "department_label", "People by status")
    assert {trace.name for trace in figure.data} == set(labels.STATUS_WORDS.values())
    assert all(trace.texttemplate == "%{text:.0f}" for trace in figure.data)
    assert figure.layout.showlegend is not False


def test_the_heatmap_writes_each_cells_percentage() -> None:
    summary = _summary().assign(rank_label="Inspector", coverage_pct=[50.0, 16.7],
                                small_group=False, rank="inspector",
                                department=["cid", "response"])
    cells = charts.heatmap(summary, "Coverage", 60.0).data[0]
    assert cells.texttemplate
    shown = [str(text) for row in cells.text for text in row]
    assert [text.split("<br>")[0] for text in shown] == ["<b>50%</b>", "<b>17%</b>"]
    assert [text.split("<br>")[1] for text in shown] == ["At risk", "Off track"]


def _badge(rag: str | None) -> None:
    from dashboards import ui

    ui.rag_badge(rag, "the rule")


def test_the_on_track_status_is_a_word_beside_its_colour() -> None:
    for rag, word in [*labels.RAG_WORDS.items(), (None, "Not known yet")]:
        at = AppTest.from_function(_badge, args=(rag,)).run()
        assert not at.exception
        assert [m.value for m in at.metric] == [word]


def test_referral_bars_name_each_status_in_words_in_readable_colours() -> None:
    months = pd.DataFrame({"month": ["Jan 2026", "Feb 2026"], "submitted": [2, 1],
                           "late": [0, 1], "missing": [0, 2], "pending": [0, 1],
                           "counted": [2, 4], "value_pct": [100.0, 25.0]})
    figure = charts.referral_months(months, "NCCU referrals by month")
    assert [trace.name for trace in figure.data] == ["Submitted in time", "Late", "Missing",
                                                     "Pending"]
    assert figure.layout.font.color == charts.TEXT_COLOUR
    assert charts.referral_months_summary(months) == (
        "2 months; 3 of 6 referrals counted had their document in time. Lowest: Feb 2026, "
        "25.0% (1 of 4).")

