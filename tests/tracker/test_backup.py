"""``tracker backup`` and ``tracker restore``: a database built through the real import path
comes back whole (coverage, batches, kept files, every table) in a fresh database, on SQLite
and PostgreSQL; a restore never overwrites tables unless asked."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from tests.conftest import POSTGRES_URL, cli_db_url
from tests.tracker import cli_world
from tests.tracker.ingest_factories import content
from tracker.cli import app
from tracker.store import files
from tracker.store.backup import BackupError, backup, restore, table_names
from tracker.store.db import make_engine

Runner = Callable[..., Any]


def runner(url: str) -> Runner:
    def run(*args: str) -> Any:
        return CliRunner().invoke(app, ["--db", url, *args])
    return run


@pytest.fixture
def world(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.setenv("TRACKER_TODAY", "2025-10-15")
    monkeypatch.delenv("TRACKER_FORCE", raising=False)
    run = runner(cli_db_url(engine))
    cli_world.build(run, tmp_path)
    return run


@pytest.fixture
def fresh(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """The URL of a brand-new, empty database of the same engine (on PostgreSQL a database
    of its own, whose search_path names the source's schema, dropped afterwards)."""
    if engine.url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_engine(POSTGRES_URL or "").url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    schema = cli_db_url(engine).rsplit("search_path%3D", 1)[-1]
    url = make_engine(POSTGRES_URL or "").url.set(database=name)
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def evidence(run: Runner, engine: Engine) -> dict[str, Any]:
    """What a restore must give back: coverage (JSON, now and in the past, by rank and
    department), the batches, the kept files, and every row of every table but the log."""
    out: dict[str, Any] = {"batches": json.loads(run("imports", "list", "--json").output)}
    for as_of in ("2025-02-28", "2025-10-15"):
        for by in ("", "rank,department"):
            result = run("coverage", "-f", "json", "--as-of", as_of, *(["--by", by] if by else []))
            out[f"coverage {as_of} {by}"] = json.loads(result.output)
    out["kept"] = [files.original(engine, batch["id"]) for batch in out["batches"]]
    out["tables"] = content(engine, skip={"audit_log"})
    return out


def test_backup_and_restore_give_back_the_same_database(
        world: Runner, engine: Engine, fresh: str, tmp_path: Path) -> None:
    before = evidence(world, engine)
    assert [b["file"] for b in before["batches"]] == ["lms.csv", "roster-sep.csv",
                                                           "roster-jan.csv"]
    assert [k.file_name for k in before["kept"]] == ["lms.csv", "roster-sep.csv",
                                                     "roster-jan.csv"]
    target = tmp_path / "tracker.backup"
    result = world("backup", str(target), "--user", "admin")
    kind = engine.url.get_backend_name()
    size = target.stat().st_size
    assert (result.exit_code, result.output) == (
        0, f"Backed up the {kind} database to {target} ({size:,} bytes).\n")

    restore = runner(fresh)
    result = restore("restore", str(target), "--user", "admin")
    assert result.exit_code == 0, result.output
    tables = len(table_names(engine))
    assert result.output == f"Restored {target} into the {kind} database ({tables} tables).\n"
    restored = make_engine(fresh)
    try:
        assert evidence(restore, restored) == before
    finally:
        restored.dispose()


def test_restore_refuses_a_database_with_tables_unless_forced(
        world: Runner, engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "tracker.backup"
    assert world("backup", str(target)).exit_code == 0
    before = evidence(world, engine)
    result = world("restore", str(target))
    tables = len(table_names(engine))
    assert (result.exit_code, result.output) == (
        1, f"Error: the database already holds {tables} tables; restoring would overwrite "
        "them. Restore into an empty database, or add --force-overwrite to replace what is "
        "there with the backup.\n")
    assert world("imports", "undo", "3", "--user", "lead").exit_code == 0
    assert evidence(world, engine) != before
    result = world("restore", str(target), "--force-overwrite")
    assert result.exit_code == 0, result.output
    assert evidence(world, engine) == before


def test_a_backup_never_overwrites_a_file(world: Runner, tmp_path: Path) -> None:
    target = tmp_path / "kept.backup"
    target.write_bytes(b"precious")
    result = world("backup", str(target))
    assert (result.exit_code, result.output) == (
        1, f"Error: {target} exists; give the backup a new file name (a backup never "
        "overwrites a file).\n")
    assert target.read_bytes() == b"precious"
    assert not target.with_name("kept.backup.partial").exists()


def test_sqlite_backup_copies_what_is_committed_while_a_write_is_under_way(
        tmp_path: Path) -> None:
    from tracker.store.db import init_db

    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    init_db(engine)
    writer = sqlite3.connect(tmp_path / "live.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO audit_log (at, actor, action) VALUES "
                   "('2026-01-01 00:00:00', 'busy', 'half-done')")
    outcome = backup(engine, tmp_path / "copy.db")
    writer.execute("COMMIT")
    writer.close()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM audit_log WHERE actor = 'busy'").fetchone() == (0,)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM forces").fetchone()[0] > 40
    copy.close()
    assert (outcome.backend, outcome.size) == ("sqlite", (tmp_path / "copy.db").stat().st_size)
    engine.dispose()


def test_postgresql_without_pg_dump_says_what_to_do(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    engine = make_engine("postgresql://nobody@127.0.0.1:1/nothing")
    with pytest.raises(BackupError) as caught:
        backup(engine, tmp_path / "x.dump")
    assert str(caught.value) == (
        "pg_dump is not on the PATH, so a PostgreSQL database cannot be backed up here: "
        "install the PostgreSQL client tools of the server's version or newer (e.g. the "
        "postgresql-client package), or back up with the server's own means "
        "(pg_basebackup, a managed snapshot).")
    assert not (tmp_path / "x.dump").exists()


def test_a_file_that_is_no_backup_is_refused(engine: Engine, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello", encoding="utf-8")
    result = runner(cli_db_url(engine))("restore", str(bogus))
    assert (result.exit_code, result.output) == (
        1, f"Error: {bogus} is not a tracker backup (neither a SQLite database nor a "
        "pg_dump custom-format file).\n")


def test_a_backup_of_another_kind_of_database_is_refused_in_each_faces_words(
        tmp_path: Path) -> None:
    """The core says what is wrong and names no option; the command line adds --db."""
    dump = tmp_path / "force.dump"
    dump.write_bytes(b"PGDMP and the rest of a pg_dump file")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(BackupError) as caught:
        restore(make_engine(url), dump)
    assert str(caught.value) == f"{dump} is a postgresql backup and the database is sqlite."
    result = runner(url)("restore", str(dump))
    assert (result.exit_code, result.output) == (
        1, f"Error: {dump} is a postgresql backup and the database is sqlite. Restore it "
        "into a postgresql database (--db).\n")
