"""Schema set-up, idempotent init, and the dated roster snapshots the coverage relies on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, inspect, select

from tracker.store import models
from tracker.store.db import init_db, unit_of_work


def test_init_creates_every_table_and_is_idempotent(empty_engine: Engine) -> None:
    assert init_db(empty_engine) == "0009_hydra_absences"
    assert init_db(empty_engine) == "0009_hydra_absences"
    tables = set(inspect(empty_engine).get_table_names())
    assert set(models.Base.metadata.tables) <= tables
    with unit_of_work(empty_engine) as session:
        assert session.scalar(select(func.count()).select_from(models.Force)) == 51
        assert session.scalar(select(func.count()).where(models.Force.home_office)) == 43
        codes = set(session.scalars(select(models.Module.code)))
    assert codes == {"oic-hydra", "oic-el-1", "oic-el-2", "oic-el-3", "oic-el-4"}


def test_sqlite_engine_has_wal_foreign_keys_and_busy_timeout(tmp_path) -> None:
    from tracker.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'tracker.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert (tmp_path / "sub" / "tracker.db").exists()


def _department_as_of(engine: Engine, person_id: int, day: dt.date) -> str | None:
    """The department a person had as of a date: their latest state on or before it, or
    their earliest state when none is older (the rule the coverage engine applies)."""
    with unit_of_work(engine) as session:
        states = session.scalars(
            select(models.PersonState).where(models.PersonState.person_id == person_id)
            .order_by(models.PersonState.as_of)
        ).all()
    older = [s for s in states if s.as_of <= day]
    return (older[-1] if older else states[0]).department


def test_a_person_who_moves_department_keeps_both_dated_states(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        force_id = session.scalar(select(models.Force.id).where(
            models.Force.code == "avon-and-somerset"))
        batch = models.ImportBatch(file_name="hr.xlsx", sha256="0" * 64, kind="hr-roster",
                                   force_id=force_id, imported_by="test")
        person = models.Person(force_id=force_id, staff_number="004512", full_name="Sam O'Brien")
        session.add_all([batch, person])
        session.flush()
        for day, dept in ((dt.date(2025, 10, 1), "response"), (dt.date(2026, 3, 1), "cid")):
            snap = models.RosterSnapshot(force_id=force_id, batch_id=batch.id, as_of=day)
            session.add(snap)
            session.flush()
            session.add(models.PersonState(snapshot_id=snap.id, person_id=person.id, as_of=day,
                                           rank="inspector", department=dept,
                                           workforce_type="police_officer"))
        person_id = person.id
    assert _department_as_of(engine, person_id, dt.date(2025, 1, 1)) == "response"
    assert _department_as_of(engine, person_id, dt.date(2025, 12, 31)) == "response"
    assert _department_as_of(engine, person_id, dt.date(2026, 3, 1)) == "cid"
    assert _department_as_of(engine, person_id, dt.date(2026, 11, 30)) == "cid"
    with unit_of_work(engine) as session:
        stored = session.scalar(select(models.Person.staff_number))
    assert stored == "004512"  # leading zeros kept
