"""Undoing a batch leaves the database as if it had never been imported."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tests.tracker.ingest_factories import content, done, lms, parsed, person, roster
from tracker.ingest.batch import commit_import, plan_import
from tracker.ingest.matching import confirm_match
from tracker.ingest.records import Kind
from tracker.ingest.undo import UndoRefused, undo_batch
from tracker.store.models import AuditEvent, IdentityLink, ImportBatch, UnmatchedRecord

FORCE = "avon-and-somerset"
PEOPLE = [person("1001", "Ann Lee", email="ann@asc.police.uk"), person("1002", "Bob Kay"),
          person("1003", "Cy Dee")]


def run(engine: Engine, file, as_of: dt.date | None = None) -> int:
    plan = plan_import(engine, file, force_code=FORCE, as_of=as_of, actor="lead",
                       allow_reimport=True)
    return commit_import(engine, plan).id


def test_undo_roster_and_completions_restores_everything(engine: Engine) -> None:
    base = run(engine, roster(PEOPLE), as_of=dt.date(2026, 1, 1))
    run(engine, lms([done(staff_number="1001")]))
    before = content(engine)
    moved = [PEOPLE[0], person("1002", "Bob Kay", department="cid"),
             person("1004", "New Starter"), person("1001x", "Ann Lee-Renamed")]
    moved[0] = person("1001", "Ann Lee", email="ann.lee@asc.police.uk")
    second = run(engine, roster(moved, name="r2.csv"), as_of=dt.date(2026, 2, 1))
    third = run(engine, lms([done(staff_number="1001"), done(staff_number="1004"),
                             done(full_name="Who Knows", username="wk")], name="l2.csv"))
    undo_batch(engine, third, "lead")
    undo_batch(engine, second, "lead")
    assert content(engine) == before
    with engine.connect() as conn:
        statuses = conn.execute(select(ImportBatch.id, ImportBatch.status)
                                .order_by(ImportBatch.id)).all()
        actions = conn.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert next(tuple(s) for s in statuses) == (base, "committed")
    assert [s for _, s in statuses] == ["committed", "committed", "undone", "undone"]
    assert actions.count("import-undo") == 2


def test_second_undo_refused(engine: Engine) -> None:
    batch = run(engine, roster(PEOPLE), as_of=dt.date(2026, 1, 1))
    undo_batch(engine, batch, "lead")
    with pytest.raises(UndoRefused, match=rf"Batch {batch} was already undone on .* by lead; "
                       "nothing was changed."):
        undo_batch(engine, batch, "lead")
    with pytest.raises(UndoRefused, match="No import batch 999"):
        undo_batch(engine, 999, "lead")


def test_undo_keeps_confirmed_links_and_shared_completions(engine: Engine) -> None:
    run(engine, roster(PEOPLE), as_of=dt.date(2026, 1, 1))
    lms_batch = run(engine, lms([done(full_name="A. Lee", username="alee"),
                                 done(staff_number="1002")]))
    with engine.connect() as conn:
        record_id = conn.execute(select(UnmatchedRecord.id)).scalar_one()
    confirm_match(engine, record_id, 1, "lead")
    hydra = run(engine, parsed(Kind.TOTARA_UPLOAD, [done(staff_number="1002")], name="t.csv"))
    undo_batch(engine, lms_batch, "lead")
    facts = content(engine)
    assert [r[2] for r in facts["identity_links"]] == ["username:alee"]  # knowledge stays
    assert facts["unmatched_records"] == []
    assert len(facts["completions"]) == 1  # Bob's, still reported by the other batch
    completion = facts["completions"][0]
    assert (completion[4], completion[5]) == ("totara-upload", hydra)  # passed on


def test_undo_removes_delegates_it_created(engine: Engine) -> None:
    run(engine, roster(PEOPLE), as_of=dt.date(2026, 1, 1))
    before = content(engine)
    batch = run(engine, parsed(Kind.HYDRA, [done(module="oic-hydra", full_name="Pat Wilts",
                                                 force_code="wiltshire", collar_number="5")]))
    undo_batch(engine, batch, "lead")
    assert content(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(IdentityLink.id)).all() == []


def test_a_completion_passed_on_takes_the_source_of_its_own_remaining_batch(
        engine: Engine) -> None:
    """Regression: the earliest-evidence lookup must be tied to the completion being
    updated, not to the earliest evidence of any completion."""
    run(engine, roster(PEOPLE), as_of=dt.date(2026, 1, 1))
    run(engine, parsed(Kind.HYDRA, [done(module="oic-hydra", staff_number="1003")],
                       name="hydra.xlsx"))
    lms_batch = run(engine, lms([done(staff_number="1002")]))
    totara = run(engine, parsed(Kind.TOTARA_UPLOAD, [done(staff_number="1002")], name="t.csv"))
    undo_batch(engine, lms_batch, "lead")
    sources = sorted((r[4], r[5]) for r in content(engine)["completions"])
    assert sources == [("hydra-delegates", 2), ("totara-upload", totara)]
