"""The big-batch path of the completion write (indexes or foreign keys set aside, then
restored), forced on small data by lowering its threshold, and the bulk writer itself."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text

from tests.tracker.ingest_factories import content, done, lms, person, roster
from tracker.ingest import batch as ingest
from tracker.ingest import import_lock
from tracker.ingest.batch import commit_import, plan_import
from tracker.store import bulk
from tracker.store.db import unit_of_work
from tracker.store.models import Completion, CompletionEvidence

FORCE = "avon-and-somerset"
PEOPLE = [person("1001", "Ann Lee"), person("1002", "Bob Kay"), person("1003", "Cy Dee")]
ROWS = [done(staff_number="1001"), done(staff_number="1002", module="oic-el-2"),
        done(staff_number="1002", module="oic-el-2"), done(staff_number="1003")]


def _run(engine: Engine, parsed) -> ingest.ImportPlan:
    plan = plan_import(engine, parsed, force_code=FORCE, as_of=None, actor="lead")
    commit_import(engine, plan)
    return plan


def _set_asides(engine: Engine) -> list[list[tuple[str, str]]]:
    """What the big-batch path drops: the plain indexes (SQLite) or foreign and unique keys
    (PostgreSQL)."""
    with unit_of_work(engine) as session:
        if bulk.is_postgres(session):
            return [bulk._constraints(session, t) for t in ("completions",
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


def test_postgres_sets_aside_unique_keys_but_not_those_a_foreign_key_needs(
        engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's unique keys belong to the table")
    completions, evidence = _set_asides(engine)
    assert "uq_completions_natural" in dict(completions)
    assert "UNIQUE (person_id, module_id, completed_on)" in dict(completions)[
        "uq_completions_natural"]
    assert "uq_completion_evidence" in dict(evidence)
    assert not any(name.endswith("pkey") for name, _ in completions + evidence)


@pytest.mark.usefixtures("big_batches")
def test_big_batch_that_breaks_the_unique_key_fails_whole(engine: Engine) -> None:
    """A plan whose rows are already there when it commits, though the import lock's mark
    says nothing changed (as if a writer had gone round the lock): the unique key (set
    aside on PostgreSQL, built again at the end) refuses it, all of it. (Plans made stale
    by a writer that takes the lock are made again: test_ingest_concurrency.py.)"""
    _run(engine, roster(PEOPLE, as_of=dt.date(2026, 1, 31)))
    first, second = (plan_import(engine, lms(ROWS), force_code=FORCE, as_of=None,
                                 actor=actor) for actor in ("lead", "deputy"))
    commit_import(engine, first)
    with unit_of_work(engine) as session:
        second.seen = import_lock.mark(session)
    before, schema = content(engine, skip={"alembic_version"}), _set_asides(engine)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        commit_import(engine, second)
    assert content(engine, skip={"alembic_version"}) == before
    assert _set_asides(engine) == schema


AWKWARD = [None, "", 'say "hi", then go', "two\nlines", "O'Brien – Ünïcode", "=1+2", "NULL",
           "\\N", " padded "]


def test_insert_frame_keeps_every_value_exactly(engine: Engine) -> None:
    """Bulk writes (COPY of Arrow-written CSV on PostgreSQL, tuples on SQLite) keep NULL,
    empty text, quotes, commas, new lines and look-alikes of NULL apart."""
    with unit_of_work(engine) as session:
        batch = session.scalar(text(
            "INSERT INTO import_batches (file_name, sha256, kind, imported_by, imported_at, "
            "rows_read, rows_accepted, rows_warned, rows_rejected, rows_unmatched, rows_new, "
            "rows_unchanged, status) VALUES ('f', 'h', 'lms-long', 't', '2026-01-01', "
            "0, 0, 0, 0, 0, 0, 0, 'committed') RETURNING id"))
        frame = pd.DataFrame({"batch_id": batch, "code": "c", "severity": "error",
                              "row": pd.array([None, *range(2, len(AWKWARD) + 1)],
                                              dtype="Int64"),
                              "column": AWKWARD, "value": AWKWARD, "message": "m"})
        bulk.insert_frame(session, "import_problems", frame)
    with engine.connect() as conn:
        got = conn.execute(text('SELECT "row", "column", value FROM import_problems '
                                "ORDER BY id")).all()
    assert [tuple(r) for r in got] == [
        (None if i == 0 else i + 1, v, v) for i, v in enumerate(AWKWARD)]
