"""The big-batch path of the completion write (indexes or foreign keys set aside, then
restored), forced on small data by lowering its threshold."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from tests.tracker.ingest_factories import content, done, lms, person, roster
from tracker import bulk, ingest
from tracker.db import unit_of_work
from tracker.ingest import commit_import, plan_import
from tracker.models import Completion, CompletionEvidence

FORCE = "avon-and-somerset"
PEOPLE = [person("1001", "Ann Lee"), person("1002", "Bob Kay"), person("1003", "Cy Dee")]
ROWS = [done(staff_number="1001"), done(staff_number="1002", module="oic-el-2"),
        done(staff_number="1002", module="oic-el-2"), done(staff_number="1003")]


def _run(engine: Engine, parsed) -> ingest.ImportPlan:
    plan = plan_import(engine, parsed, force_code=FORCE, as_of=None, actor="lead")
    commit_import(engine, plan)
    return plan


def _set_asides(engine: Engine) -> list[list[tuple[str, str]]]:
    """What the big-batch path drops: the plain indexes (SQLite) or foreign keys (PG)."""
    with unit_of_work(engine) as session:
        if bulk.is_postgres(session):
            return [bulk._foreign_keys(session, t) for t in ("completions",
                                                            "completion_evidence")]
        return [bulk._plain_indexes(session, t) for t in ("completions",
                                                          "completion_evidence")]


@pytest.fixture
def big_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "SUSPEND_MIN_ROWS", 1)


@pytest.mark.usefixtures("big_batches")
def test_big_batch_writes_the_same_and_restores_the_schema(engine: Engine) -> None:
    _run(engine, roster(PEOPLE, as_of=dt.date(2026, 1, 31)))
    before = _set_asides(engine)
    assert all(before)  # there is something to set aside on both backends
    plan = _run(engine, lms(ROWS))
    assert (plan.counts["new"], plan.counts["unchanged"]) == (3, 1)
    with unit_of_work(engine) as session:
        counts = [session.scalar(select(func.count()).select_from(m))
                  for m in (Completion, CompletionEvidence)]
    assert counts == [3, 0]  # each new completion keeps its first report itself
    assert _set_asides(engine) == before


@pytest.mark.usefixtures("big_batches")
def test_big_batch_failure_restores_everything(engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _run(engine, roster(PEOPLE, as_of=dt.date(2026, 1, 31)))
    before, schema = content(engine, skip={"alembic_version"}), _set_asides(engine)
    plan = plan_import(engine, lms(ROWS), force_code=FORCE, as_of=None, actor="lead")

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest, "_write_unmatched", boom)  # after the set-aside block
    with pytest.raises(RuntimeError):
        commit_import(engine, plan)
    assert content(engine, skip={"alembic_version"}) == before
    assert _set_asides(engine) == schema
