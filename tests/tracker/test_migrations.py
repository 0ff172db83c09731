"""The Alembic migrations build exactly the schema the models describe, and move the data."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from tracker.store.db import alembic_config
from tracker.store.models import Base


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_0002_moves_each_completions_own_evidence_onto_it_and_back(
        empty_engine: Engine) -> None:
    """A database at 0001 (one evidence row per batch reporting a completion) upgrades to
    0002 (the first batch's row on the completion, evidence only for other batches), and
    downgrades back to exactly what it was."""
    config = alembic_config(empty_engine)
    command.upgrade(config, "0001")
    with empty_engine.begin() as conn:
        for sql in _OLD_DATA:
            conn.execute(text(sql))
    evidence = 'SELECT completion_id, batch_id, "row" FROM completion_evidence ORDER BY 1, 2'
    before = _rows(empty_engine, evidence)
    command.upgrade(config, "0002")
    assert _rows(empty_engine, 'SELECT id, batch_id, "row" FROM completions ORDER BY id') == [
        (1, 1, 2), (2, 2, 3)]
    assert _rows(empty_engine, evidence) == [(1, 2, 7)]
    command.downgrade(config, "0001")
    assert _rows(empty_engine, evidence) == before


_OLD_DATA = [
    "INSERT INTO forces (id, code, name, home_office) VALUES (1, 'f', 'F', true)",
    "INSERT INTO modules (id, code, title, kind) VALUES (1, 'm', 'M', 'elearning')",
    *(f"INSERT INTO import_batches (id, file_name, sha256, kind, imported_by, imported_at, "
      f"rows_read, rows_accepted, rows_warned, rows_rejected, rows_unmatched, rows_new, "
      f"rows_unchanged, status) VALUES ({b}, 'f{b}.csv', 'h{b}', 'lms-long', 't', "
      f"'2026-01-01 00:00:00', 1, 1, 0, 0, 0, 1, 0, 'committed')" for b in (1, 2)),
    "INSERT INTO people (id, force_id, staff_number, full_name) VALUES (1, 1, '1', 'A')",
    "INSERT INTO completions (id, person_id, module_id, completed_on, source, batch_id) "
    "VALUES (1, 1, 1, '2026-01-05', 'lms-long', 1), (2, 1, 1, '2026-01-06', 'lms-long', 2)",
    'INSERT INTO completion_evidence (completion_id, batch_id, "row") '
    "VALUES (1, 1, 2), (1, 2, 7), (2, 2, 3)",
]


def test_0004_adds_source_profiles_and_takes_them_away(empty_engine: Engine) -> None:
    from sqlalchemy import inspect

    config = alembic_config(empty_engine)
    command.upgrade(config, "0004")
    assert inspect(empty_engine).has_table("source_profiles")
    command.downgrade(config, "0003")
    assert not inspect(empty_engine).has_table("source_profiles")


def test_0005_adds_the_milestone_register_and_takes_it_away(empty_engine: Engine) -> None:
    """A database at 0004 upgrades to 0005 (milestones, their evidence and its files) and
    downgrades back to 0004 with those tables gone and source profiles kept."""
    from sqlalchemy import inspect

    config = alembic_config(empty_engine)
    command.upgrade(config, "0004")
    command.upgrade(config, "0005")
    added = {"milestones", "milestone_files", "milestone_evidence"}
    assert added <= set(inspect(empty_engine).get_table_names())
    command.downgrade(config, "0004")
    tables = set(inspect(empty_engine).get_table_names())
    assert not added & tables and "source_profiles" in tables


def test_0006_adds_the_referral_and_submission_logs_and_takes_them_away(
        empty_engine: Engine) -> None:
    """A database at 0005 upgrades to 0006 (referrals, intel_submissions) and downgrades
    back to 0005 with those tables gone and the milestone register kept."""
    from sqlalchemy import inspect

    config = alembic_config(empty_engine)
    command.upgrade(config, "0005")
    command.upgrade(config, "0006")
    tables = set(inspect(empty_engine).get_table_names())
    assert {"referrals", "intel_submissions"} <= tables
    command.downgrade(config, "0005")
    tables = set(inspect(empty_engine).get_table_names())
    assert not {"referrals", "intel_submissions"} & tables
    assert "milestones" in tables


def _columns(engine: Engine, table: str) -> set[str]:
    from sqlalchemy import inspect

    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_0007_adds_the_times_of_day_and_takes_them_away_keeping_the_rows(
        empty_engine: Engine) -> None:
    """A referral stored at 0006 stays through the upgrade to 0007 (with no time) and the
    downgrade back to 0006 (the time columns gone)."""
    config = alembic_config(empty_engine)
    command.upgrade(config, "0006")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO forces (id, code, name, home_office) "
                          "VALUES (1, 'avon', 'Avon', TRUE)"))
        conn.execute(text(
            "INSERT INTO import_batches (id, kind, force_id, file_name, sha256, imported_by, "
            "imported_at, rows_read, rows_accepted, rows_warned, rows_rejected, "
            "rows_unmatched, rows_new, rows_unchanged, status) VALUES (1, 'nccu-referrals', "
            "1, 'r.csv', 'ab', 'lead', '2026-03-02 10:00:00', 1, 1, 0, 0, 0, 1, 0, "
            "'committed')"))
        conn.execute(text("INSERT INTO referrals (force_id, reference, referred_on, officer, "
                          "batch_id) VALUES (1, 'INC-1', '2026-03-02', '1234', 1)"))
    command.upgrade(config, "0007_referral_times")
    assert "referred_at" in _columns(empty_engine, "referrals")
    assert "submitted_at" in _columns(empty_engine, "intel_submissions")
    assert _rows(empty_engine, "SELECT reference, referred_at FROM referrals") == [
        ("INC-1", None)]
    command.downgrade(config, "0006")
    assert "referred_at" not in _columns(empty_engine, "referrals")
    assert "submitted_at" not in _columns(empty_engine, "intel_submissions")
    assert _rows(empty_engine, "SELECT reference, officer FROM referrals") == [("INC-1", "1234")]


def test_0008_adds_the_hydra_sessions_and_their_invites_and_takes_them_away(
        empty_engine: Engine) -> None:
    """A database at 0007 upgrades to 0008_hydra_sessions (hydra_sessions, session_invites)
    and downgrades back to 0007 with those tables gone and the referral log kept."""
    from sqlalchemy import inspect

    config = alembic_config(empty_engine)
    command.upgrade(config, "0007_referral_times")
    command.upgrade(config, "0008_hydra_sessions")
    tables = set(inspect(empty_engine).get_table_names())
    assert {"hydra_sessions", "session_invites"} <= tables
    command.downgrade(config, "0007_referral_times")
    tables = set(inspect(empty_engine).get_table_names())
    assert not {"hydra_sessions", "session_invites"} & tables
    assert "referrals" in tables


def test_0009_adds_the_hydra_absences_and_takes_them_away(empty_engine: Engine) -> None:
    """A database at 0008 upgrades to 0009_hydra_absences (hydra_absences, unique per
    person, module and date) and downgrades back to 0008 with the sessions kept."""
    from sqlalchemy import inspect

    config = alembic_config(empty_engine)
    command.upgrade(config, "0008_hydra_sessions")
    command.upgrade(config, "0009_hydra_absences")
    found = inspect(empty_engine)
    assert "hydra_absences" in found.get_table_names()
    assert [u["column_names"] for u in found.get_unique_constraints("hydra_absences")] == [
        ["person_id", "module_id", "held_on"]]
    command.downgrade(config, "0008_hydra_sessions")
    tables = set(inspect(empty_engine).get_table_names())
    assert "hydra_absences" not in tables
    assert {"hydra_sessions", "session_invites"} <= tables
