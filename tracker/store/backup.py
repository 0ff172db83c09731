"""Backups: the whole database (people, completions, batches, problems, kept upload files,
users, audit log) to one file, and back into an empty database.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): a consistent
copy of what is committed, taken while the app and imports go on. PostgreSQL is dumped with
``pg_dump`` in its custom format (the tracker's schema only) and restored with
``pg_restore``, both from the PostgreSQL client tools on the PATH. A restore never
overwrites a database that holds tables unless asked to (``overwrite=True``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from tracker.messages.hints import Advised, Refusal

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_TOOLS_HINT = ("install the PostgreSQL client tools of the server's version or newer "
                 "(e.g. the postgresql-client package), or back up with the server's own "
                 "means (pg_basebackup, a managed snapshot).")


class BackupError(Advised):
    """A backup or restore that cannot be done; the message says why, and what to do where
    that needs no command; a ``code`` lets the command line add its options
    (``tracker.messages.hints.explain``)."""


@dataclass(frozen=True)
class Outcome:
    """What a backup wrote or a restore read: the file, its size and the engine."""

    path: Path
    size: int
    backend: str


def backend(engine: Engine) -> str:
    return engine.url.get_backend_name()


# ---------------------------------------------------------------- backup


def backup(engine: Engine, target: Path) -> Outcome:
    """Write a backup of ``engine``'s database to ``target`` (never over an existing file:
    the copy is made beside it and moved into place when whole)."""
    if target.exists():
        raise BackupError(f"{target} exists; give the backup a new file name (a backup never "
                          "overwrites a file).")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if backend(engine) == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _pg_dump(engine, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Outcome(target, target.stat().st_size, backend(engine))


def _sqlite_backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        raw.close()


def _pg_dump(engine: Engine, target: Path) -> None:
    tool = _tool("pg_dump")
    schema = _current_schema(engine)
    _run([tool, "--format=custom", f"--schema={schema}", "--no-owner", "--no-privileges",
          f"--file={target}", f"--dbname={_conninfo(engine.url)}"], engine.url, "pg_dump")


# ---------------------------------------------------------------- restore


def restore(engine: Engine, source: Path, *, overwrite: bool = False) -> Outcome:
    """Restore the backup ``source`` into ``engine``'s database, which must hold no tables
    unless ``overwrite`` (then what the backup holds replaces what is there)."""
    kind = _backup_kind(source)
    if kind != backend(engine):
        raise BackupError(f"{source} is a {kind} backup and the database is "
                          f"{backend(engine)}.", Refusal.RESTORE_OTHER_DATABASE, kind=kind)
    tables = table_names(engine)
    if tables and not overwrite:
        raise BackupError(f"the database already holds {len(tables)} tables; restoring would "
                          "overwrite them.", Refusal.RESTORE_NOT_EMPTY)
    if kind == "sqlite":
        _sqlite_restore(engine, source)
    else:
        _pg_restore(engine, source, overwrite)
    engine.dispose()  # pooled connections must not keep the old pages
    return Outcome(source, source.stat().st_size, kind)


def table_names(engine: Engine) -> list[str]:
    """The tables of the database (of its schema, on PostgreSQL)."""
    if backend(engine) == "sqlite":
        return inspect(engine).get_table_names()
    schema = _target_schema(engine)
    return inspect(engine).get_table_names(schema=schema)


def _backup_kind(source: Path) -> str:
    try:
        with source.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}.") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is not a tracker backup (neither a SQLite database nor a "
                      "pg_dump custom-format file).")


def _sqlite_restore(engine: Engine, source: Path) -> None:
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if origin.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{source} is damaged (SQLite's quick_check fails); use "
                              "another backup.")
        raw = engine.raw_connection()
        try:
            origin.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
    finally:
        origin.close()


def _pg_restore(engine: Engine, source: Path, overwrite: bool) -> None:
    tool = _tool("pg_restore")
    listing = _run([tool, "--list", str(source)], engine.url, "pg_restore")
    schema, target = _dumped_schema(listing), _target_schema(engine)
    if schema != target:
        raise BackupError(f"{source} holds schema {schema!r} but the database keeps its "
                          f"tables in {target!r}.", Refusal.RESTORE_OTHER_SCHEMA, schema=schema)
    exists = _schema_exists(engine, schema)  # then its CREATE SCHEMA must not run
    entries = [line for line in listing.splitlines()
               if not (exists and f" SCHEMA - {schema} " in line)]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(entries) + "\n")
    try:
        clean = ["--clean", "--if-exists"] if overwrite else []
        _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *clean, f"--use-list={handle.name}", f"--dbname={_conninfo(engine.url)}",
              str(source)], engine.url, "pg_restore")
    finally:
        os.unlink(handle.name)


def _dumped_schema(listing: str) -> str:
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[3] == "TABLE" and parts[4] != "DATA":
            return parts[4]
    raise BackupError("the backup holds no tables; it is not a tracker backup.")


# ---------------------------------------------------------------- PostgreSQL helpers


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on the PATH, so a PostgreSQL database cannot be "
                          f"{'backed up' if name == 'pg_dump' else 'restored'} here: "
                          + PG_TOOLS_HINT)
    return found


def _run(command: list[str], url: URL, name: str) -> str:
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise BackupError(f"{name} failed: {detail[0] if detail else done.returncode}")
    return done.stdout


def _conninfo(url: URL) -> str:
    """A libpq URI for ``url`` (the password goes by PGPASSWORD, never on a command line)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _current_schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def _target_schema(engine: Engine) -> str:
    """The schema new tables go to: the first of the search_path (which may not exist yet)."""
    with engine.connect() as conn:
        path = str(conn.execute(text("SELECT current_setting('search_path')")).scalar_one())
        user = str(conn.execute(text("SELECT current_user")).scalar_one())
    for entry in (e.strip().strip('"') for e in path.split(",")):
        if entry == "$user":
            if _schema_exists(engine, user):
                return user
        elif entry:
            return entry
    return "public"


def _schema_exists(engine: Engine, schema: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                                 {"s": schema}).scalar_one())
