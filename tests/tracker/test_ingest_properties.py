"""Property tests: re-importing changes nothing; undo leaves the database as before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.tracker.ingest_factories import content, done, facts, lms, person, roster, wipe
from tracker.ingest.batch import commit_import, plan_import
from tracker.ingest.undo import undo_batch

FORCE = "avon-and-somerset"
STAFF = [f"{n:04d}" for n in range(1, 9)]
NAMES = ["Ann Lee", "Bob Kay", "Cy Dee", "Di Fox", "Ed Gee", "Flo Hu", "Gus Ito", "Hal Jo"]
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

learner = st.one_of(
    st.sampled_from(STAFF).map(lambda s: {"staff_number": s}),
    st.sampled_from(NAMES).map(lambda n: {"email": n.lower().replace(" ", ".") + "@asc.uk"}),
    st.sampled_from(["Zed Zee", "Yan Yu"]).map(lambda n: {"full_name": n, "username": n[:3]}),
)
completion = st.builds(
    lambda who, module, day: done(module=module, on=dt.date(2026, 1, day), **who),
    learner, st.sampled_from(["oic-el-1", "oic-el-2", "oic-hydra"]), st.integers(1, 4))
completions = st.lists(completion, min_size=1, max_size=25)
roster_rows = st.lists(st.tuples(st.sampled_from(range(8)), st.sampled_from(
    ["response", "cid", "neighbourhood"])), min_size=1, max_size=8,
    unique_by=lambda t: t[0]).map(lambda rows: [
        person(STAFF[i], NAMES[i], email=NAMES[i].lower().replace(" ", ".") + "@asc.uk",
               department=dept) for i, dept in rows])


def load(engine: Engine, file: Any, as_of: dt.date | None = None) -> int:
    plan = plan_import(engine, file, force_code=FORCE, as_of=as_of, actor="prop",
                       allow_reimport=True, accept=True)  # any file, plausible or not
    return commit_import(engine, plan).id


def base_roster(engine: Engine) -> None:
    people = [person(s, n, email=n.lower().replace(" ", ".") + "@asc.uk")
              for s, n in zip(STAFF[:6], NAMES[:6], strict=True)]
    load(engine, roster(people, name="base.csv"), dt.date(2026, 1, 1))


@SETTINGS
@given(rows=completions, cut=st.integers(0, 25), overlap=st.integers(0, 10))
def test_twice_or_overlapping_halves_same_as_once(engine: Engine, rows, cut, overlap) -> None:
    wipe(engine)
    base_roster(engine)
    load(engine, lms(rows))
    once = facts(engine)
    load(engine, lms(rows, name="again.csv"))
    assert facts(engine) == once
    wipe(engine)
    base_roster(engine)
    cut = min(cut, len(rows))
    for name, half in (("first-half.csv", rows[: cut + overlap]),
                       ("second-half.csv", rows[max(cut - overlap, 0):])):
        if half:
            load(engine, lms(half, name=name))
    assert facts(engine) == once


@SETTINGS
@given(first=roster_rows, second=roster_rows)
def test_roster_twice_same_as_once(engine: Engine, first, second) -> None:
    wipe(engine)
    load(engine, roster(first), dt.date(2026, 1, 1))
    load(engine, roster(second, name="r2.csv"), dt.date(2026, 2, 1))
    once = facts(engine)
    load(engine, roster(second, name="r2-again.csv"), dt.date(2026, 2, 1))
    assert facts(engine) == once


@SETTINGS
@given(people=roster_rows, earlier=completions, rows=completions)
def test_import_then_undo_leaves_database_as_before(engine: Engine, people, earlier,
                                                    rows) -> None:
    wipe(engine)
    base_roster(engine)
    load(engine, lms(earlier))
    before = content(engine)
    undo_batch(engine, load(engine, lms(rows, name="later.csv")), "prop")
    assert content(engine) == before
    undo_batch(engine, load(engine, roster(people, name="r.csv"), dt.date(2026, 3, 1)), "prop")
    assert content(engine) == before
