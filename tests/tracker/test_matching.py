"""Matching learners: the review queue, confirmed links reapplied, delegates of other forces."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from tests.tracker.ingest_factories import done, lms, parsed, person, roster
from tracker.ingest.batch import commit_import, plan_import
from tracker.ingest.matching import (
    MatchError,
    confirm_match,
    fold_series,
    identity_keys,
    reject_match,
    resolve_person,
    suggest_matches,
)
from tracker.ingest.records import Kind
from tracker.reference.text import fold
from tracker.store.models import Completion, Force, IdentityLink, Person, UnmatchedRecord

FORCE = "avon-and-somerset"


def run(engine: Engine, file) -> dict:
    plan = plan_import(engine, file, force_code=FORCE, as_of=None, actor="lead",
                       allow_reimport=True)
    commit_import(engine, plan)
    return plan.summary()


def scalar(engine: Engine, stmt):
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


@pytest.fixture
def staffed(engine: Engine) -> Engine:
    people = [person("1001", "Jo Bloggs", email="jo.bloggs@asc.police.uk"),
              person("1002", "Sam O'Neill"), person("1003", "Ali Khan")]
    commit_import(engine, plan_import(engine, roster(people), force_code=FORCE,
                                      as_of=dt.date(2026, 1, 1), actor="lead"))
    return engine


def test_fold_series_agrees_with_fold() -> None:
    values = ["  Renée O'Brien ", "ZOË  Smith-Jones", "Avon & Somerset", "", None, "Ch. Insp"]
    expected = [fold(v) or None if v is not None else None for v in values]
    assert fold_series(pd.Series(values, dtype=object)).tolist() == expected


def test_identity_keys_priority() -> None:
    frame = pd.DataFrame([
        {"email": "A@B.UK", "username": "ab", "staff_number": "1", "collar_number": None,
         "full_name": "A B", "unit": None},
        {"email": None, "username": "AB1", "staff_number": "1", "collar_number": None,
         "full_name": "A B", "unit": None},
        {"email": None, "username": None, "staff_number": None, "collar_number": "042",
         "full_name": "Ánn  Lee", "unit": None},
        {"email": None, "username": None, "staff_number": None, "collar_number": None,
         "full_name": "Ann Lee", "unit": "NPT Taunton"},
        {"email": None, "username": None, "staff_number": None, "collar_number": None,
         "full_name": None, "unit": None},
    ])
    assert identity_keys(frame).tolist() == [
        "email:a@b.uk", "username:ab1", "name:ann lee|collar:042",
        "name:ann lee|unit:npt taunton", None]


def test_unmatched_kept_then_confirmed_and_reapplied(staffed: Engine) -> None:
    first = lms([done(full_name="Jo Blogs", username="jbloggs7", module="oic-el-1"),
                 done(full_name="Jo Blogs", username="jbloggs7", module="oic-el-2")])
    summary = run(staffed, first)
    assert (summary["unmatched"], summary["new"]) == (2, 0)
    with staffed.connect() as conn:
        queue = conn.execute(select(UnmatchedRecord.id, UnmatchedRecord.identity_key,
                                    UnmatchedRecord.status)).all()
    assert [(k, s) for _, k, s in queue] == [("username:jbloggs7", "open")] * 2
    [best, *_] = suggest_matches(staffed, queue[0].id)
    assert (best.full_name, best.staff_number) == ("Jo Bloggs", "1001")
    assert best.score >= 85
    person_id = resolve_person(staffed, queue[0].id, "1001")
    assert confirm_match(staffed, queue[0].id, person_id, "lead") == 2  # both modules
    assert scalar(staffed, select(func.count()).select_from(Completion)) == 2
    with pytest.raises(MatchError, match="already confirmed"):
        confirm_match(staffed, queue[0].id, person_id, "lead")
    again = run(staffed, lms([done(full_name="Jo Blogs", username="JBLOGGS7",
                                   module="oic-el-3")], name="lms-march.csv"))
    assert (again["unmatched"], again["new"]) == (0, 1)
    assert scalar(staffed, select(func.count()).select_from(Completion)) == 3


def test_suggestions_are_close_names_only(staffed: Engine) -> None:
    run(staffed, lms([done(full_name="Sam ONeill", username="so1")]))
    record_id = scalar(staffed, select(UnmatchedRecord.id))
    found = suggest_matches(staffed, record_id)
    assert [s.staff_number for s in found] == ["1002"]
    assert found[0].score >= 85


def test_namesakes_with_agreeing_unit_and_rank_come_first(engine: Engine) -> None:
    people = [person("2001", "Stephen Green", rank_raw="PC", rank="constable",
                     unit="Force Control Room", department="control-room"),
              person("2002", "Stephen Green", rank_raw="PC", rank="constable",
                     unit="Response - Minehead"),
              person("2003", "Stephen Green", rank_raw="Insp", rank="inspector",
                     unit="Response - Minehead")]
    run(engine, roster(people, as_of=dt.date(2026, 1, 1)))
    run(engine, parsed(Kind.HYDRA, [done(module="oic-hydra", full_name="Stephen Green",
                                         rank_raw="Insp", unit="Response - Minehead")],
                       name="hydra.xlsx"))
    record_id = scalar(engine, select(UnmatchedRecord.id))
    found = suggest_matches(engine, record_id)
    assert [(s.staff_number, s.agrees) for s in found] == [
        ("2003", ("unit", "rank")), ("2002", ("unit",)), ("2001", ())]
    assert found[0].describe() == ("Stephen Green · 2003 · Insp · Response - Minehead · "
                                   "name score 100 · same unit and rank")


def test_reject_closes_record_and_is_not_requeued(staffed: Engine) -> None:
    file = lms([done(full_name="Stranger Danger", username="sd")])
    run(staffed, file)
    record_id = scalar(staffed, select(UnmatchedRecord.id))
    reject_match(staffed, record_id, "lead")
    with pytest.raises(MatchError, match="already rejected"):
        reject_match(staffed, record_id, "lead")
    again = run(staffed, file)
    assert again["unmatched"] == 1
    assert scalar(staffed, select(func.count()).select_from(UnmatchedRecord)) == 1


def test_confirm_to_unknown_person_refused(staffed: Engine) -> None:
    run(staffed, lms([done(full_name="Nobody Known", username="nk")]))
    record_id = scalar(staffed, select(UnmatchedRecord.id))
    with pytest.raises(MatchError, match="No person with id or staff number '9999'"):
        resolve_person(staffed, record_id, "9999")


def test_hydra_delegate_of_other_force_recorded_in_home_force(staffed: Engine) -> None:
    rows = [done(module="oic-hydra", full_name="Pat Wiltshire", collar_number="555",
                 force_code="wiltshire"),
            done(module="oic-hydra", full_name="Jo Bloggs", staff_number="1001")]
    hydra = parsed(Kind.HYDRA, rows, name="hydra.xlsx")
    summary = run(staffed, hydra)
    assert (summary["new"], summary["unmatched"], summary["people_created"]) == (2, 0, 1)
    with staffed.connect() as conn:
        home = conn.execute(select(Force.code, Person.collar_number, Person.staff_number)
                            .join(Force, Force.id == Person.force_id)
                            .where(Person.full_name == "Pat Wiltshire")).one()
    assert tuple(home) == ("wiltshire", "555", None)
    again = run(staffed, hydra)  # the same list again: nobody new
    assert (again["new"], again["unchanged"], again["people_created"]) == (0, 2, 0)
    assert scalar(staffed, select(func.count()).select_from(Person)) == 4
    assert scalar(staffed, select(IdentityLink.confirmed_by)) == "system:delegate"


def test_a_namesake_at_another_force_is_queued_not_matched(staffed: Engine) -> None:
    """Same name and same e-mail local part, but a Dorset address: no evidence at all."""
    summary = run(staffed, lms([done(full_name="Jo Bloggs", email="jo.bloggs@dorset.police.uk"),
                                done(full_name="Jo Bloggs",
                                     email="jo.bloggs@asc.pnn.police.uk", module="oic-el-2")]))
    assert (summary["unmatched"], summary["new"]) == (1, 1)
    with staffed.connect() as conn:
        keys = conn.execute(select(UnmatchedRecord.identity_key)).scalars().all()
    assert keys == ["email:jo.bloggs@dorset.police.uk"]
