"""Trend and forecast: weekly points equal ``compute`` on each date; exact figures, rate,
forecast and red/amber/green before and after the deadline (roster of test_coverage)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.tracker.factories import add_completion, make_person
from tests.tracker.test_coverage import FORCE, build_roster
from tracker.coverage.engine import COUNT_COLUMNS, compute, to_records
from tracker.coverage.rules import load_rules, parse_rules
from tracker.coverage.trend import rag_rule, trend, week_endings
from tracker.store.db import unit_of_work

D = dt.date


@pytest.fixture
def roster(engine: Engine) -> Engine:
    build_roster(engine)
    return engine


def test_week_endings_run_back_to_the_first_completion() -> None:
    assert week_endings(D(2026, 3, 20), D(2026, 2, 10)) == [
        D(2026, 2, 6), D(2026, 2, 13), D(2026, 2, 20), D(2026, 2, 27), D(2026, 3, 6),
        D(2026, 3, 13), D(2026, 3, 20)]
    assert week_endings(D(2026, 3, 20), None) == [D(2026, 3, 20)]


def test_weekly_points_before_the_deadline(roster: Engine) -> None:
    result = trend(roster, load_rules(), "oic-hydra", D(2026, 3, 20), force=FORCE)
    rows = [(r["week_ending"], r["in_scope"], r["exempt"], r["completed"], r["not_yet_due"],
             r["outstanding"], r["coverage_pct"]) for r in to_records(result.weekly)]
    assert rows == [
        ("2026-02-06", 5, 1, 0, 0, 4, 0.0),
        ("2026-02-13", 5, 1, 1, 0, 3, 25.0),
        ("2026-02-20", 5, 1, 1, 0, 3, 25.0),
        ("2026-02-27", 5, 1, 1, 0, 3, 25.0),
        ("2026-03-06", 6, 1, 1, 1, 3, 25.0),  # Mar roster: Jo joins (not yet due)
        ("2026-03-13", 6, 1, 1, 1, 3, 25.0),
        ("2026-03-20", 5, 1, 1, 1, 2, 33.3),  # Len left on 15 Mar
    ]


def test_forecast_and_amber_before_the_deadline(roster: Engine) -> None:
    result = trend(roster, load_rules(), "oic-hydra", D(2026, 3, 20), force=FORCE)
    # One person (Ann, 10 Feb) finished in the last 6 weeks: 1/6 a week; 2 outstanding
    # need 12 weeks: 12 June, within 8 weeks after 30 April.
    assert result.recent_rate == pytest.approx(1 / 6)
    assert result.forecast_date == D(2026, 6, 12)
    assert result.weekly_needed == pytest.approx(2 / (41 / 7))
    assert result.rag == "amber"
    assert result.rag_reason == ("Amber: 33.3%, forecast to reach 100% on 12 June 2026, within "
                                 "8 weeks after the deadline.")
    assert result.needed["week_ending"].tolist()[0] == D(2026, 3, 20)
    assert result.needed["week_ending"].tolist()[-1] == D(2026, 4, 30)
    assert result.needed["needed_pct"].tolist()[0] == 33.3
    assert result.needed["needed_pct"].tolist()[-1] == 100.0
    assert len(result.needed) == 7


def test_after_the_deadline_red_without_a_forecast(roster: Engine) -> None:
    result = trend(roster, load_rules(), "oic-hydra", D(2026, 11, 30), force=FORCE)
    assert (result.current_pct, result.outstanding) == (60.0, 2)
    assert (result.rag, result.forecast_date, result.weekly_needed) == ("red", None, None)
    assert result.needed.empty
    assert result.rag_reason == ("Red: 60.0% after the deadline (30 April 2026); no completions "
                                 "in the last 6 weeks, so no forecast.")


def test_after_the_deadline_red_with_the_forecast_shown(roster: Engine) -> None:
    with unit_of_work(roster) as s:
        ed = make_person(s, "111", name="Ed Again", states=[(D(2025, 10, 1), "inspector", "cid")])
        add_completion(s, ed, "oic-hydra", D(2026, 11, 20))
    result = trend(roster, load_rules(), "oic-hydra", D(2026, 11, 30), force=FORCE)
    assert result.recent_rate == pytest.approx(1 / 6)
    assert result.forecast_date == D(2026, 11, 30) + dt.timedelta(days=84)
    assert result.rag == "red"
    assert "forecast to reach 100% on 22 February 2027" in result.rag_reason


def test_green_when_everyone_has_completed(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        for n in range(3):
            p = make_person(s, f"9{n}", states=[(D(2025, 10, 1), "inspector", "cid")])
            add_completion(s, p, "oic-hydra", D(2026, 1, 10 + n))
    result = trend(engine, load_rules(), "oic-hydra", D(2026, 3, 1))
    assert (result.rag, result.current_pct, result.forecast_date) == (
        "green", 100.0, D(2026, 3, 1))
    assert result.rag_rule == rag_rule(D(2026, 4, 30))
    assert result.rag_rule.startswith("Green: 100% reached, or forecast to reach 100% by the "
                                      "deadline (30 April 2026)")


@pytest.mark.parametrize("requirement", ["oic-hydra", "oic-elearning"])
@pytest.mark.parametrize("departments", [None, ["cid", "response"]])
def test_every_week_equals_compute_on_that_date(roster: Engine, requirement: str,
                                                departments: list[str] | None) -> None:
    rules = load_rules()
    result = trend(roster, rules, requirement, D(2026, 6, 30), departments=departments)
    for week in to_records(result.weekly):
        day = D.fromisoformat(week["week_ending"])
        expected = to_records(compute(roster, rules, day, requirement=requirement,
                                      departments=departments).summary())[0]
        assert [week[c] for c in [*COUNT_COLUMNS, "coverage_pct"]] == [
            expected[c] for c in [*COUNT_COLUMNS, "coverage_pct"]], day


def test_requirement_with_a_validity_period_uses_compute_per_week(roster: Engine) -> None:
    text = (Path(load_rules().source).read_text(encoding="utf-8")
            .replace("grace_days = 90\ndescription = \"Every",
                     "grace_days = 90\nvalid_months = 3\ndescription = \"Every"))
    rules = parse_rules(text, Path("refresher.toml"))
    assert rules.get("oic-elearning").valid_months == 3
    result = trend(roster, rules, "oic-elearning", D(2026, 6, 30), force=FORCE)
    last = to_records(result.weekly)[-1]
    now = to_records(compute(roster, rules, D(2026, 6, 30), requirement="oic-elearning",
                             force=FORCE).summary())[0]
    assert [last[c] for c in COUNT_COLUMNS] == [now[c] for c in COUNT_COLUMNS]
    # Only Liz (May 2026) is inside 3 months on 30 June; the rest expired.
    assert (last["completed"], last["outstanding"]) == (1, 7)
