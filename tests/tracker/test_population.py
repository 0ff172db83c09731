"""Population: the roster state used on a date, who is on the roster, rule clauses as masks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tests.tracker.factories import make_person
from tracker.coverage.engine import months_before
from tracker.coverage.population import (
    absence,
    clause_mask,
    day_number,
    failed_conditions,
    load_states,
    scope,
    to_dates,
)
from tracker.coverage.rules import Clause, Requirement
from tracker.store.db import unit_of_work

D = dt.date


def frame(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "force": ["avon-and-somerset"] * 4,
        "workforce_type": ["police_officer", "police_officer", "police_staff", "pcso"],
        "rank": ["inspector", "inspector", None, "pcso"],
        "detective": [False, True, False, False],
        "department": ["response", "cid", "control-room", "neighbourhood"],
        "unit": ["Response - Bristol North", "CID Taunton", "Force Control Room", None],
        "role": ["Duty Inspector", "DI Major Crime", "Call Handler", "PCSO"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_list_conditions_use_isin_and_all_must_hold() -> None:
    people = frame()
    clause = Clause({"workforce_type": ["police_officer"], "rank": ["inspector"]})
    assert clause_mask(people, clause).tolist() == [True, True, False, False]
    assert clause_mask(people, Clause({"detective": True})).tolist() == [
        False, True, False, False]
    assert clause_mask(people, Clause({})).tolist() == [True] * 4


def test_unit_and_role_conditions_are_case_blind() -> None:
    people = frame()
    assert clause_mask(people, Clause({"unit": ["force control room"]})).tolist() == [
        False, False, True, False]
    assert clause_mask(people, Clause({"unit_contains": ["bristol"]})).tolist() == [
        True, False, False, False]
    # whole words only: "crime" is in "Major Crime", "rim" is not a word of it
    assert clause_mask(people, Clause({"role_contains": ["crime"]})).tolist() == [
        False, True, False, False]
    assert clause_mask(people, Clause({"role_contains": ["rim"]})).tolist() == [False] * 4
    assert clause_mask(people, Clause({"role": ["call HANDLER"]})).tolist() == [
        False, False, True, False]


def test_scope_numbers_the_first_include_and_exclude_that_match() -> None:
    req = Requirement(
        id="r", title="R", deadline=D(2026, 4, 30), modules=("oic-hydra",),
        include=(Clause({"department": ["cid"]}), Clause({"rank": ["inspector"]})),
        exclude=(Clause({"detective": True}),),
    )
    result = scope(frame(), req)
    assert result["include_clause"].tolist() == [2, 1, 0, 0]
    assert result["exclude_clause"].tolist() == [0, 1, 0, 0]
    assert result["in_scope"].tolist() == [True, False, False, False]


def test_failed_conditions_in_words() -> None:
    clause = Clause({"rank": ["inspector"], "department": ["cid", "response"]})
    assert failed_conditions(frame().iloc[[2]], clause) == [
        "rank is unknown (needs inspector)", "department is control-room (needs cid, response)"]


def test_absence_reasons() -> None:
    day = day_number(D(2026, 4, 30))
    states = pd.DataFrame({
        "start_day": [np.nan, day + 1, np.nan, np.nan, np.nan, day - 10],
        "leaving_day": [np.nan, np.nan, day, day + 1, np.nan, np.nan],
        "status": ["active", "active", "leaver", "leaver", "leaver", "leaver"],
        "state_as_of": [day - 30, day - 30, day - 30, day - 30, day - 30, day + 5],
    })
    assert absence(states, D(2026, 4, 30)).tolist() == [
        None, "not started", "left", None, "leaver", None]


def test_state_used_is_the_latest_on_or_before_the_date_else_the_earliest(
        engine: Engine) -> None:
    with unit_of_work(engine) as s:
        make_person(s, "1", states=[(D(2026, 1, 1), "constable", "response"),
                                    (D(2026, 3, 1), "sergeant", "response"),
                                    (D(2026, 5, 1), "inspector", "cid")])
        make_person(s, "2", force="wiltshire", states=[(D(2026, 3, 1), "constable", "cid")])
    ranks = lambda day, **kw: load_states(engine, day, **kw)["rank"].tolist()  # noqa: E731
    assert ranks(D(2025, 6, 1)) == ["constable", "constable"]
    assert ranks(D(2026, 3, 1)) == ["sergeant", "constable"]
    assert ranks(D(2026, 4, 30)) == ["sergeant", "constable"]
    assert ranks(D(2027, 1, 1)) == ["inspector", "constable"]
    assert ranks(D(2027, 1, 1), force="wiltshire") == ["constable"]
    everything = load_states(engine, None, force="avon-and-somerset")
    assert everything["rank"].tolist() == ["constable", "sergeant", "inspector"]


def test_dates_and_months() -> None:
    assert to_dates(np.array([day_number(D(2026, 4, 30)), np.nan])).tolist() == [
        D(2026, 4, 30), None]
    assert months_before(D(2026, 3, 31), 1) == D(2026, 2, 28)
    assert months_before(D(2026, 4, 30), 12) == D(2025, 4, 30)
    assert months_before(D(2026, 1, 15), 13) == D(2024, 12, 15)


def test_sql_prefilter_keeps_everyone_the_rules_select(engine: Engine) -> None:
    """The SQL prefilter may keep more people than the rules select, never fewer."""
    with unit_of_work(engine) as s:
        make_person(s, "1", states=[(D(2026, 1, 1), "inspector", "cid")], detective=True)
        make_person(s, "2", states=[(D(2026, 1, 1), "inspector", "response")],
                    unit="Response Bristol North")
        make_person(s, "3", states=[(D(2026, 1, 1), None, "custody")],
                    workforce_type="police_staff")
        make_person(s, "4", states=[(D(2026, 1, 1), "constable", "cid")], force="wiltshire")
    req = Requirement(
        id="r", title="R", deadline=D(2026, 4, 30), modules=("oic-hydra",),
        include=(Clause({"rank": ["inspector"], "detective": True}),
                 Clause({"unit_contains": ["bristol"], "rank": ["inspector"]}),
                 Clause({"force": ["wiltshire"]})),
        exclude=(Clause({"department": ["cid"], "force": ["wiltshire"]}),),
    )
    everyone = load_states(engine, D(2026, 4, 30))
    kept = load_states(engine, D(2026, 4, 30), requirements=[req])
    assert kept["staff_number"].tolist() == ["1", "2", "4"]
    selected = everyone[scope(everyone, req)["in_scope"]]["staff_number"].tolist()
    assert selected == ["1", "2"]
    assert set(selected) <= set(kept["staff_number"])
    # every state of a person who may be in scope, for trends
    assert load_states(engine, None, requirements=[req])["staff_number"].tolist() == [
        "1", "2", "4"]
