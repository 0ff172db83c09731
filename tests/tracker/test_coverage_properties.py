"""Invariants of the coverage engine on random small rosters (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from tests.tracker.factories import add_completion, add_exemption, make_person
from tracker.coverage.engine import COUNT_COLUMNS, compute, to_records
from tracker.coverage.population import BREAKDOWNS
from tracker.coverage.rules import RuleSet, load_rules, parse_rules
from tracker.coverage.trend import trend
from tracker.store import models
from tracker.store.db import unit_of_work

D = dt.date
MODULES = ["oic-hydra", "oic-el-1", "oic-el-2", "oic-el-3", "oic-el-4"]
REQUIREMENTS = ["oic-hydra", "oic-elearning"]
DATES = st.dates(min_value=D(2025, 9, 1), max_value=D(2026, 8, 31))
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@cache
def refresher_rules() -> RuleSet:
    """The shipped rules, with e-learning valid for 6 months."""
    text = load_rules().text.replace('grace_days = 90\ndescription = "Every',
                                     'grace_days = 90\nvalid_months = 6\ndescription = "Every')
    return parse_rules(text, Path("refresher.toml"))


RULES = st.sampled_from(["shipped", "refresher"])
STATE = st.fixed_dictionaries({
    "rank": st.sampled_from(["constable", "inspector", "chief-inspector", None]),
    "department": st.sampled_from(["response", "cid", "custody", "operations", None]),
    "workforce_type": st.sampled_from(["police_officer", "police_staff", "pcso"]),
    "detective": st.booleans(),
    "line_manager": st.sampled_from([None, "p0", "p1"]),
    "status": st.sampled_from(["active", "active", "leaver"]),
    "start_date": st.one_of(st.none(), DATES),
    "leaving_date": st.one_of(st.none(), DATES),
})
PERSON = st.lists(st.tuples(DATES, STATE), min_size=1, max_size=2, unique_by=lambda t: t[0])
COMPLETION = st.tuples(st.integers(0, 7), st.sampled_from(MODULES), DATES)
EXEMPTION = st.tuples(st.integers(0, 7), st.sampled_from(REQUIREMENTS), DATES,
                      st.one_of(st.none(), DATES))
ROSTER = st.fixed_dictionaries({
    "people": st.lists(PERSON, min_size=1, max_size=8),
    "completions": st.lists(COMPLETION, max_size=20),
    "exemptions": st.lists(EXEMPTION, max_size=3),
    "forces": st.lists(st.sampled_from(["avon-and-somerset", "wiltshire"]), min_size=8,
                       max_size=8),
})


def rules_named(name: str) -> RuleSet:
    return load_rules() if name == "shipped" else refresher_rules()


def reset(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        for table in (models.Exemption, models.CompletionEvidence, models.Completion,
                      models.PersonState, models.RosterSnapshot, models.Person,
                      models.ImportBatch):
            s.execute(delete(table))


def insert(engine: Engine, roster: dict[str, Any]) -> list[int]:
    """A fresh database holding ``roster``; returns the person ids."""
    reset(engine)
    with unit_of_work(engine) as s:
        people = [
            make_person(s, f"p{i}", force=roster["forces"][i],
                        states=[{"as_of": day, **state} for day, state in states])
            for i, states in enumerate(roster["people"])
        ]
        seen = set()
        for index, module, day in roster["completions"]:
            person = people[index % len(people)]
            if (person.id, module, day) not in seen:
                seen.add((person.id, module, day))
                add_completion(s, person, module, day)
        for index, requirement, starts, ends in roster["exemptions"]:
            add_exemption(s, people[index % len(people)], requirement, "Secondment", starts,
                          ends)
        return [p.id for p in people]


def existing(roster: dict[str, Any], people: int) -> set[tuple[int, str, dt.date]]:
    """The (person index, module, date) of the roster's completions."""
    return {(i % people, m, d) for i, m, d in roster["completions"]}


@PROPERTY
@given(roster=ROSTER, as_of=DATES, rules=RULES)
def test_coverage_between_0_and_100_and_statuses_add_up(engine: Engine, roster: dict[str, Any],
                                                       as_of: dt.date, rules: str) -> None:
    insert(engine, roster)
    for row in to_records(compute(engine, rules_named(rules), as_of).summary()):
        assert row["coverage_pct"] is None or 0 <= row["coverage_pct"] <= 100
        assert row["in_scope"] == (row["exempt"] + row["completed"] + row["not_yet_due"]
                                   + row["outstanding"])
        assert 0 <= row["completed_late"] <= row["completed"]


@PROPERTY
@given(roster=ROSTER, as_of=DATES, extra=COMPLETION, rules=RULES)
def test_adding_a_completion_never_lowers_coverage(engine: Engine, roster: dict[str, Any],
                                                   as_of: dt.date, extra: tuple[Any, ...],
                                                   rules: str) -> None:
    ids = insert(engine, roster)
    before = compute(engine, rules_named(rules), as_of).summary()
    index, module, day = extra
    with unit_of_work(engine) as s:
        person = s.get(models.Person, ids[index % len(ids)])
        assert person is not None
        if (index % len(ids), module, day) not in existing(roster, len(ids)):
            add_completion(s, person, module, day, file_name="extra.csv")
    after = compute(engine, rules_named(rules), as_of).summary()
    for old, new in zip(to_records(before), to_records(after), strict=True):
        assert new["completed"] >= old["completed"]
        if old["coverage_pct"] is not None:
            assert new["coverage_pct"] >= old["coverage_pct"]


@PROPERTY
@given(roster=ROSTER, as_of=DATES)
def test_every_breakdown_sums_to_the_total(engine: Engine, roster: dict[str, Any],
                                           as_of: dt.date) -> None:
    insert(engine, roster)
    result = compute(engine, load_rules(), as_of)
    totals = result.summary().set_index("requirement")[COUNT_COLUMNS]
    breakdowns = [[b] for b in BREAKDOWNS] + [list(p) for p in
                                              itertools.combinations(BREAKDOWNS, 2)]
    for by in breakdowns:
        parts = result.summary(by).groupby("requirement")[COUNT_COLUMNS].sum()
        assert parts.reindex(totals.index, fill_value=0).equals(totals), by


@PROPERTY
@given(roster=ROSTER, as_of=DATES, later=st.lists(COMPLETION, min_size=1, max_size=6),
       rules=RULES)
def test_completions_after_the_date_are_ignored(engine: Engine, roster: dict[str, Any],
                                                as_of: dt.date, later: list[Any],
                                                rules: str) -> None:
    ids = insert(engine, roster)
    before = compute(engine, rules_named(rules), as_of).people
    with unit_of_work(engine) as s:
        for n, (index, module, _day) in enumerate(later):
            person = s.get(models.Person, ids[index % len(ids)])
            day = as_of + dt.timedelta(days=1 + n * 400)
            assert person is not None
            if (index % len(ids), module, day) not in existing(roster, len(ids)):
                add_completion(s, person, module, day, file_name="later.csv")
    after = compute(engine, rules_named(rules), as_of).people
    assert after.equals(before)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(roster=ROSTER, today=DATES, requirement=st.sampled_from(REQUIREMENTS))
def test_trend_points_equal_compute(engine: Engine, roster: dict[str, Any], today: dt.date,
                                    requirement: str) -> None:
    insert(engine, roster)
    rules = load_rules()
    weekly = to_records(trend(engine, rules, requirement, today).weekly)
    for point in weekly[-3:] + weekly[:1]:
        day = D.fromisoformat(point["week_ending"])
        [expected] = to_records(compute(engine, rules, day, requirement=requirement).summary())
        assert {k: point[k] for k in [*COUNT_COLUMNS, "coverage_pct"]} == {
            k: expected[k] for k in [*COUNT_COLUMNS, "coverage_pct"]}, day
