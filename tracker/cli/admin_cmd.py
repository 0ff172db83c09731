"""``tracker backup``, ``tracker restore`` and ``tracker retention``: looking after the
database itself. A thin layer over ``tracker.backup`` and ``tracker.retention``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker import audit
from tracker.backup import BackupError, backup, restore, table_names
from tracker.cli.app import app, fail, state
from tracker.cli.imports_cmd import UserOption, _user
from tracker.db import unit_of_work


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The backup file to write "
                                         "(it must not exist yet).")],
    user: UserOption = None,
) -> None:
    """Back up the whole database (people, completions, import batches and their problems,
    kept upload files, users, audit log) to FILE, while the app runs. SQLite: a copy made
    with SQLite's online backup API. PostgreSQL: a pg_dump custom-format file of the
    tracker's schema (pg_dump must be on the PATH)."""
    engine = state(ctx).engine
    try:
        done = backup(engine, file)
    except BackupError as exc:
        fail(str(exc))
    with unit_of_work(engine) as session:
        audit.record(session, _user(user), "backup", file.name, bytes=done.size)
    typer.echo(f"Backed up the {done.backend} database to {file} ({done.size:,} bytes).")


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file `tracker backup` "
                                         "wrote.")],
    force_overwrite: Annotated[bool, typer.Option(
        "--force-overwrite", help="Restore even though the database holds tables: what the "
        "backup holds replaces them.")] = False,
    user: UserOption = None,
) -> None:
    """Restore a backup into the database (--db), which must be empty unless
    --force-overwrite. SQLite backups restore into SQLite, pg_dump files into PostgreSQL
    (pg_restore must be on the PATH). Run `tracker init` afterwards if the backup is of an
    older version: it upgrades the schema."""
    engine = state(ctx).engine
    try:
        done = restore(engine, file, overwrite=force_overwrite)
    except BackupError as exc:
        fail(str(exc))
    with unit_of_work(engine) as session:
        audit.record(session, _user(user), "restore", file.name, bytes=done.size,
                     overwrite=force_overwrite)
    typer.echo(f"Restored {file} into the {done.backend} database "
               f"({len(table_names(engine))} tables).")
