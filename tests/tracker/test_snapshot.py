"""The in-memory snapshot the dashboard works from (``tracker.coverage.snapshot``): coverage
on any date, for any force and departments, and the trends equal the engine's own queries
(Hypothesis, random rosters with movers, leavers, exemptions and repeated completions), on
SQLite and PostgreSQL; its copy on disk reads back the same and is never trusted when
damaged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyarrow import feather
from sqlalchemy import Engine, select

from tests.tracker.factories import add_completion
from tests.tracker.test_coverage_properties import (
    DATES,
    REQUIREMENTS,
    ROSTER,
    insert,
    refresher_rules,
)
from tracker.coverage.engine import compute
from tracker.coverage.rules import load_rules
from tracker.coverage.snapshot import (
    KEEP_FILES,
    load_snapshot,
    read_snapshot,
    save_snapshot,
    snapshot_key,
    stored_snapshot,
)
from tracker.coverage.trend import trend
from tracker.store import audit, models
from tracker.store.db import unit_of_work

PROPERTY = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
FORCES = st.sampled_from([None, "avon-and-somerset", "wiltshire"])
DEPARTMENTS = st.sampled_from([None, ("response",), ("cid", "custody")])


@PROPERTY
@given(roster=ROSTER, as_of=DATES, force=FORCES, departments=DEPARTMENTS)
def test_coverage_on_any_date_equals_compute(engine: Engine, roster: dict[str, Any],
                                             as_of: dt.date, force: str | None,
                                             departments: tuple[str, ...] | None) -> None:
    insert(engine, roster)
    rules = load_rules()
    chosen = list(departments) if departments else None
    got = load_snapshot(engine, rules).coverage(as_of, rules.requirements, force=force,
                                                departments=chosen)
    expected = compute(engine, rules, as_of, force=force, departments=chosen)
    assert got.status_frame.equals(expected.status_frame)
    assert got.summary(["rank", "department"]).equals(
        expected.summary(["rank", "department"]))


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(roster=ROSTER, today=DATES, requirement=st.sampled_from(REQUIREMENTS), force=FORCES,
       departments=DEPARTMENTS)
def test_trend_equals_the_queried_trend(engine: Engine, roster: dict[str, Any],
                                        today: dt.date, requirement: str, force: str | None,
                                        departments: tuple[str, ...] | None) -> None:
    insert(engine, roster)
    rules = load_rules()
    chosen = list(departments) if departments else None
    got = load_snapshot(engine, rules).trend(rules.get(requirement), today, force=force,
                                             departments=chosen)
    expected = trend(engine, rules, requirement, today, force=force, departments=chosen)
    assert got.weekly.equals(expected.weekly)
    assert got.as_dict() == expected.as_dict()


def test_a_validity_period_is_not_answered_from_memory(engine: Engine) -> None:
    rules = refresher_rules()
    snap = load_snapshot(engine, rules)
    assert not snap.covers(rules.requirements)
    assert snap.covers([rules.get("oic-hydra")])
    with pytest.raises(ValueError, match="use compute"):
        snap.coverage(dt.date(2026, 4, 30), rules.requirements)
    other = load_snapshot(engine, load_rules())  # made under other rules: never used
    assert not other.covers(rules.requirements)


@given(roster=ROSTER, as_of=DATES)
@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_copy_on_disk_reads_back_the_same(engine: Engine, tmp_path: Path,
                                              roster: dict[str, Any], as_of: dt.date) -> None:
    insert(engine, roster)
    rules = load_rules()
    snap = load_snapshot(engine, rules)
    save_snapshot(snap, tmp_path, "k")
    back = read_snapshot(tmp_path, "k", rules)
    assert back is not None
    assert back.coverage(as_of, rules.requirements).status_frame.equals(
        snap.coverage(as_of, rules.requirements).status_frame)
    assert back.exemptions.equals(snap.exemptions)


def test_a_damaged_or_missing_copy_is_not_read(engine: Engine, tmp_path: Path) -> None:
    rules = load_rules()
    save_snapshot(load_snapshot(engine, rules), tmp_path, "k")
    assert read_snapshot(tmp_path, "other", rules) is None
    (tmp_path / "k.states.arrow").write_bytes(b"not an arrow file")
    assert read_snapshot(tmp_path, "k", rules) is None
    save_snapshot(load_snapshot(engine, rules), tmp_path, "k")
    (tmp_path / "k.completions.arrow").unlink()
    assert read_snapshot(tmp_path, "k", rules) is None


def test_old_copies_are_removed(engine: Engine, tmp_path: Path) -> None:
    snap, folder = load_snapshot(engine, load_rules()), tmp_path / "snapshots"
    for n in range(KEEP_FILES + 3):
        save_snapshot(snap, folder, f"k{n}")
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 3 * KEEP_FILES
    assert not any(name.endswith(".part") for name in kept)


def test_the_key_moves_with_the_data_and_the_rules(engine: Engine) -> None:
    shipped, refresher = load_rules(), refresher_rules()
    key = snapshot_key(engine, (1, 0), shipped)
    assert key == snapshot_key(engine, (1, 0), shipped)
    assert key != snapshot_key(engine, (2, 0), shipped)
    assert key != snapshot_key(engine, (1, 0), refresher)


def test_a_stored_snapshot_is_read_back_until_the_data_changes(engine: Engine,
                                                              tmp_path: Path) -> None:
    rules, folder, day = load_rules(), tmp_path / "snapshots", dt.date(2026, 4, 30)
    insert(engine, {"people": [[(day, {"rank": "inspector", "department": "cid",
                                       "workforce_type": "police_officer",
                                       "detective": False, "line_manager": None,
                                       "status": "active", "start_date": None,
                                       "leaving_date": None})]],
                    "completions": [], "exemptions": [], "forces": ["wiltshire"] * 8})
    first = stored_snapshot(engine, rules, folder)
    assert len(list(folder.glob("*.states.arrow"))) == 1
    again = stored_snapshot(engine, rules, folder)  # read from the folder, not queried
    assert again.states.equals(first.states) and again is not first
    with unit_of_work(engine) as session:
        person = session.scalars(select(models.Person)).one()
        add_completion(session, person, "oic-hydra", day)
        audit.record(session, "test", "import", "hydra.xlsx")
    after = stored_snapshot(engine, rules, folder)
    assert len(list(folder.glob("*.states.arrow"))) == 2
    [row] = after.coverage(day, [rules.get("oic-hydra")]).summary().to_dict("records")
    assert row["completed"] == 1


def test_a_copy_of_another_shape_is_not_read(engine: Engine, tmp_path: Path) -> None:
    rules = load_rules()
    snap = load_snapshot(engine, rules)
    save_snapshot(snap, tmp_path, "k")
    feather.write_feather(pd.DataFrame({"x": [1]}), tmp_path / "k.states.arrow")
    assert read_snapshot(tmp_path, "k", rules) is None
