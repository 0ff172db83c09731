"""``tracker backup``, ``tracker restore`` and ``tracker retention``: looking after the
database itself. A thin layer over ``tracker.store.backup`` and ``tracker.store.retention``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.options import UserOption, user_name
from tracker.messages.hints import explain

if TYPE_CHECKING:
    from tracker.store.retention import Purge


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
    from tracker.store import audit
    from tracker.store.backup import BackupError, backup
    from tracker.store.db import unit_of_work

    engine = state(ctx).engine
    try:
        done = backup(engine, file)
    except BackupError as exc:
        fail(explain(exc, "cli"))
    with unit_of_work(engine) as session:
        audit.record(session, user_name(user), "backup", file.name, bytes=done.size)
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
    from tracker.store import audit
    from tracker.store.backup import BackupError, restore, table_names
    from tracker.store.db import unit_of_work

    engine = state(ctx).engine
    try:
        done = restore(engine, file, overwrite=force_overwrite)
    except BackupError as exc:
        fail(explain(exc, "cli"))
    with unit_of_work(engine) as session:
        audit.record(session, user_name(user), "restore", file.name, bytes=done.size,
                     overwrite=force_overwrite)
    typer.echo(f"Restored {file} into the {done.backend} database "
               f"({len(table_names(engine))} tables).")


@app.command("retention")
def retention_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would be purged (counts); change nothing.")] = False,
    user: UserOption = None,
) -> None:
    """Purge what the retention policy says has been kept long enough: leavers' names,
    e-mails and collar numbers TRACKER_RETENTION_MONTHS after their leaving date, and kept
    upload files TRACKER_RETENTION_FILE_MONTHS (default: the same) after their last upload.
    Coverage history stays true: roster states, completions and counts are kept. One
    transaction, written to the audit log. Off until the data protection officer sets the
    months."""
    from tracker.store.retention import purge

    st = state(ctx)
    policy = st.settings.retention
    if not policy.on:
        fail("retention is off: TRACKER_RETENTION_MONTHS is not set, so nothing is ever "
             "purged. The data protection officer decides the period; set it (e.g. "
             "TRACKER_RETENTION_MONTHS=24) and run `tracker retention --dry-run` first.")
    found = purge(st.engine, policy, st.settings.today(), user_name(user), dry_run=dry_run)
    for line in _retention_lines(found, dry_run):
        typer.echo(line)


def _retention_lines(found: Purge, dry_run: bool) -> list[str]:
    rules = [f"leavers who left on or before {found.leavers_left_by}"
             if found.leavers_left_by else "leavers: kept (no leaver period set)",
             f"kept files last uploaded before {found.files_uploaded_before}"
             if found.files_uploaded_before else "kept files: kept (no file period set)"]
    counts = (f"{found.people} leavers' names, e-mails and collar numbers; "
              f"{found.identity_links} identity links; {found.review_records} review-queue "
              f"records; {found.problem_values} problem values; {found.audit_entries} audit "
              f"entries; {found.log_officers} officer numbers in referral and "
              f"submission logs; {found.kept_files} kept "
              f"files ({found.kept_bytes:,} bytes).")
    if dry_run:
        return [f"Retention: {'; '.join(rules)}.", f"Would purge {counts}",
                "Nothing was changed (--dry-run); `tracker retention` purges it."]
    return [f"Retention: {'; '.join(rules)}.", f"Purged {counts}",
            "Coverage history is unchanged; the purge is in the audit log."]
