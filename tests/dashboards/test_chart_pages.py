"""The pages' charts as a screen reader meets them (AppTest): each chart has a sentence
under it that says what it shows, from the same numbers as the chart, and its numbers one
click away in an expander; the heatmap's rule is written under it."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboards import charts, data
from tests.dashboards.conftest import APP, TIMEOUT, TODAY, app_for
from tracker import auth
from tracker.coverage import engine as coverage
from tracker.coverage import pace
from tracker.coverage.rules import load_rules
from tracker.coverage.trend import trend
from tracker.store.db import unit_of_work


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _expanders(at: AppTest) -> list[str]:
    return [e.label for e in at.expander]


def test_coverage_heatmap_has_its_rule_summary_and_numbers(db: Engine) -> None:
    at = app_for(db, "demo-lead", "coverage")
    assert not at.exception
    rules = load_rules()
    req = rules.get(rules.ids[0])
    target = pace.steady_pace_pct(req, TODAY)
    result = coverage.compute(db, rules, TODAY, force="avon-and-somerset",
                              requirement=req.id)
    grid = data.labelled(result.summary(by=("rank", "department")))
    assert charts.heatmap_summary(grid, target) in _texts(at)
    assert pace.group_rule(req, TODAY, target) in [c.value for c in at.caption]
    assert "Click a cell or a bar to list the people behind it on the Outstanding page." in [
        c.value for c in at.caption]
    by_rank = data.labelled(result.summary(by=("rank",)))
    assert charts.bars_summary(by_rank, "rank_label", "rank") in _texts(at)
    assert {"Rank by department: the numbers", "By rank: the numbers",
            "By department: the numbers"} <= set(_expanders(at))
    cells = at.dataframe[0].value
    assert "status" in cells and len(cells) == len(grid)
    worst = cells.assign(pct=pd.to_numeric(cells["coverage_pct"])).sort_values("pct").iloc[0]
    assert worst["status"].startswith("Off track")  # 0% is off track at any target > 10%


def test_overview_trend_has_summary_and_numbers(db: Engine) -> None:
    at = app_for(db, "demo-lead")
    assert not at.exception
    rules = load_rules()
    for req in rules.requirements:
        t = trend(db, rules, req.id, TODAY, force="avon-and-somerset")
        assert charts.trend_summary(t, req) in _texts(at)
    assert _expanders(at).count("Coverage week by week: the numbers") == len(rules.ids)
    weekly = next(d.value for d in at.dataframe if "steady_pct" in d.value)
    assert {"coverage_pct", "needed_pct", "forecast_pct"} <= set(weekly.columns)


def test_national_chart_has_summary_and_numbers(db: Engine) -> None:
    with unit_of_work(db) as session:
        auth.add_user(session, "msoic", "inspector", "national password", "test")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = auth.authenticate(db, "msoic", "national password").user
    at.session_state["tracker_session_clock"] = auth.SessionClock()
    at.run()
    at.switch_page("views/national.py").run()
    assert not at.exception
    by_force = data.labelled(coverage.compute(db, load_rules(), TODAY, requirement="oic-hydra")
                             .summary(by=("force",)))
    assert charts.force_summary(by_force) in _texts(at)
    assert "Coverage by force: the numbers" in _expanders(at)
